"""Check an edited workbook and preview its changes, by the names the Data page and the commands use.

The work is done by job: problems.py (the report), cells.py (reading one cell), table_rules.py (columns
and keys), validate.py and cross_checks.py (the checks), diff.py (the change preview).
"""

from hmhb_dash.cells import CellError, parse_date, records, show
from hmhb_dash.diff import Diff, TableDiff, diff, table_diff
from hmhb_dash.problems import ERROR, WARNING, Problem, Report
from hmhb_dash.schema import TABLES
from hmhb_dash.table_rules import DATE_COLUMNS, KEYS, vocabulary, workbook_columns
from hmhb_dash.validate import Result, finish, validate

__all__ = [
    "DATE_COLUMNS",
    "ERROR",
    "KEYS",
    "TABLES",
    "WARNING",
    "CellError",
    "Diff",
    "Problem",
    "Report",
    "Result",
    "TableDiff",
    "diff",
    "finish",
    "parse_date",
    "records",
    "show",
    "table_diff",
    "validate",
    "vocabulary",
    "workbook_columns",
]
