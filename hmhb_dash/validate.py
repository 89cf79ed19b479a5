"""Validate edited tables before anything is written: raw cells -> typed tables + the full problem report.

The input is what workbook_read.py gives (cells keyed by Excel row number). Each sheet's cells are read
as their column's type (cells.py), checked against its schema and for repeated rows; then the tables are
checked against each other (cross_checks.py). Typed tables come back only when nothing blocks. The
report's messages are in the current language (i18n), built as each problem is found.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from hmhb_dash import clock
from hmhb_dash.cells import (
    ISO3_EXPECTED,
    URL_EXPECTED,
    WHOLE_EXPECTED,
    YEAR_EXPECTED,
    CellError,
    check_url,
    missing,
    parse_date,
    records,
    show,
    to_bool,
    to_stage,
    to_text,
    to_whole,
)
from hmhb_dash.cross_checks import cross_checks
from hmhb_dash.i18n import N_, _
from hmhb_dash.problems import WARNING, Report
from hmhb_dash.schema import GLOBAL_ISO3, NOT_REPORTED, SCHEMAS, TABLES, TOPICS
from hmhb_dash.table_rules import (
    DATE_COLUMNS,
    DERIVED_COLUMNS,
    KEYS,
    is_url_column,
    vocabulary,
    workbook_columns,
)
from hmhb_dash.workbook_read import RawInput

Cells = set[tuple[int, str]]  # (Excel row, column) of cells already reported


@dataclass
class Result:
    tables: dict[str, pd.DataFrame] | None  # None when there is any error
    report: Report
    sha256: str = ""


def validate(raw: RawInput, today: dt.date | None = None) -> Result:
    """Check everything; return typed tables only if nothing blocks, and always the full report."""
    today = today or clock.today()
    report = Report(list(raw.problems))
    if raw.fatal:
        return Result(None, report, raw.sha256)
    typed: dict[str, pd.DataFrame] = {}
    failed: dict[str, Cells] = {}
    for table in TABLES:
        sheet = raw.sheets.get(table)
        if sheet is None:
            expected = _("a sheet named {table!r} (sheets found: {sheets})").format(
                table=table, sheets=raw.sheet_list()
            )
            report.add(table, None, None, "", expected)
            continue
        frame, bad_cells = _convert(table, sheet.label, sheet.frame, report, today, sheet.bad)
        if frame is None:
            continue
        _schema_checks(table, sheet.label, frame, sheet.frame, bad_cells, report)
        _duplicates(table, sheet.label, frame, report)
        typed[table] = frame
        failed[table] = bad_cells
    labels = {name: sheet.label for name, sheet in raw.sheets.items()}
    if len(typed) == len(TABLES):
        cells = {name: sheet.frame for name, sheet in raw.sheets.items()}
        cross_checks(typed, labels, failed, report, cells, today)
    if not report.ok:
        return Result(None, report, raw.sha256)
    return Result({name: finish(name, typed[name]) for name in TABLES}, report, raw.sha256)


def finish(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Exact schema dtypes and a plain index, ready to publish."""
    out = frame.reset_index(drop=True)
    if table == "stage_history":
        out["stage"] = out["stage"].astype("int64")
    if table == "hmhb_labels":
        out["code"] = out["code"].astype("int64")
    return SCHEMAS[table].validate(out)


# --- Cells -> typed columns ------------------------------------------------------------------------
def _header_ok(table: str, label: str, header: list, report: Report) -> bool:
    """Every column people edit is there, and nothing else; False when a column is missing."""
    wanted = workbook_columns(table)
    missing_columns = [c for c in wanted if c not in header]
    for column in missing_columns:
        expected = _("a column headed {column!r} (columns are named in the README sheet)")
        report.add(label, 1, column, "", expected.format(column=column))
    for column in header:
        if column == DERIVED_COLUMNS.get(table):
            expected = _("no such column: precision is set from how the date is written")
            report.add(label, 1, column, "", expected, WARNING)
        elif column not in wanted:
            expected = _("only the columns named in the README sheet: {columns}")
            report.add(label, 1, column, column, expected.format(columns=", ".join(wanted)))
    return not missing_columns


def _read_cell(table: str, column: str, dtype: str, cell: object, today: dt.date) -> tuple:
    """One cell as its column's type: (value, date precision or None, warning or None); CellError if not."""
    if (table, column) in DATE_COLUMNS:
        return parse_date(cell, today)
    if column == "stage":
        return to_stage(cell), None, None
    if dtype in ("Int64", "int64"):
        return to_whole(cell, _(WHOLE_EXPECTED.get(column, YEAR_EXPECTED))), None, None
    if dtype == "bool":
        return to_bool(cell), None, None
    text = to_text(cell)
    if is_url_column(column):
        check_url(text)
    return text, None, None


def _column_dtype(column: str, dtype: str) -> str:
    if column == "stage" or dtype in ("Int64", "int64"):
        return "Int64"
    return "bool" if dtype == "bool" else "str"


def _convert_column(
    table: str, label: str, column: str, raw: pd.DataFrame, report: Report, today: dt.date, bad: Cells
) -> dict[str, pd.Series]:
    """A raw column as a typed Series (and its precision column, for a date); bad cells become empty."""
    dtype = str(SCHEMAS[table].columns[column].dtype)
    rows = list(raw.index)
    values: list = []
    precision: list[str] = []
    for row, cell in zip(rows, raw[column].tolist()):
        try:
            if (row, column) in bad:
                raise CellError("")
            value, prec, warning = _read_cell(table, column, dtype, cell, today)
            if warning:
                report.add(label, row, column, cell, warning, WARNING)
            values.append(value)
            precision.append(prec)
        except CellError as exc:
            if (row, column) not in bad:
                report.add(label, row, column, cell, str(exc))
            bad.add((row, column))
            values.append(None)
            precision.append(NOT_REPORTED)
    if (table, column) in DATE_COLUMNS:
        return {
            column: pd.Series(values, index=rows, dtype="datetime64[us]"),
            DATE_COLUMNS[(table, column)]: pd.Series(precision, index=rows, dtype="str"),
        }
    return {column: pd.Series(values, index=rows, dtype=_column_dtype(column, dtype))}


def _convert(
    table: str, label: str, raw: pd.DataFrame, report: Report, today: dt.date, reported: Cells
) -> tuple[pd.DataFrame | None, Cells]:
    if not _header_ok(table, label, list(raw.columns), report):
        return None, set()
    bad: Cells = set(reported)  # cells the reader already reported (formulas)
    columns: dict[str, pd.Series] = {}
    for column in workbook_columns(table):
        columns.update(_convert_column(table, label, column, raw, report, today, bad))
    frame = pd.DataFrame(columns, index=pd.Index(list(raw.index), dtype="int64"))[
        list(SCHEMAS[table].columns)
    ]
    return frame, bad


# --- Schema checks and repeated rows ---------------------------------------------------------------
def _expected(table: str, column: str, check: str) -> str | None:
    """What a pandera check means, in words; None for checks reported elsewhere."""
    if check == "not_nullable":
        return _("a value: this column is required")
    if check.startswith("str_matches") and "A-Z" in check:
        return _(ISO3_EXPECTED)
    if check.startswith("str_matches"):
        return _(URL_EXPECTED)
    if check.startswith("isin"):
        allowed = vocabulary(table, column) or []
        return _("one of: {values}").format(values=", ".join(map(str, allowed)))
    if check.startswith("in_range") and column == "code":
        return _(WHOLE_EXPECTED["code"])
    if check.startswith("in_range"):
        return _("a year from {low} to {high}").format(low=1950, high=2100)
    if check.startswith("greater_than_or_equal_to"):
        return _(WHOLE_EXPECTED.get(column, N_("a number of 0 or more")))
    if check == "phase code at most 3":
        return _(
            "a phase code 1, 2 or 3 (HMHB publishes three phases; categories 1-4 are scheme map_category)"
        )
    if check == "list items allowed":
        if column == "topics":
            return _("topics from this list, separated by ';': {topics}").format(topics=", ".join(TOPICS))
        return _("ISO3 codes separated by ';' (e.g. BGD;NPL), or {code} for global").format(code=GLOBAL_ISO3)
    if check == "end_year not before start_year":
        return _("an end year that is not before the start year")
    return None  # dtype, uniqueness and column checks: reported by _convert and _duplicates


def _schema_checks(
    table: str, label: str, frame: pd.DataFrame, raw: pd.DataFrame, bad: Cells, report: Report
) -> None:
    try:
        SCHEMAS[table].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases.to_dict("records")
    else:
        return
    seen: Cells = set()
    for case in failures:
        column, check, row = case["column"], str(case["check"]), case["index"]
        if check == "end_year not before start_year" and column != "end_year":
            continue
        if check == "phase code at most 3":
            column = "code"
        expected = _expected(table, column, check)
        if expected is None or row is None or missing(row):
            continue
        row = int(row)
        if (row, column) in bad or (row, column) in seen:
            continue
        seen.add((row, column))
        value = raw.at[row, column] if column in raw.columns else case["failure_case"]
        if (
            expected == _(ISO3_EXPECTED)
            and isinstance(value, str)
            and re.fullmatch(r"[A-Z]{3}", value.strip().upper())
        ):
            expected += " " + _("(did you mean {code}?)").format(code=value.strip().upper())
        report.add(label, row, column, value, expected)
        bad.add((row, column))


def _duplicates(table: str, label: str, frame: pd.DataFrame, report: Report) -> None:
    keys = KEYS[table]
    if not keys:
        _exact_copies(label, frame, report)
        return
    present = frame.dropna(subset=keys)
    dup = present.duplicated(subset=keys, keep="first")
    first_rows = present.reset_index().groupby(keys, sort=False)["index"].first()
    for row in present.index[dup]:
        key = tuple(present.loc[row, keys])
        first = first_rows.loc[key if len(keys) > 1 else key[0]]
        what = keys[0]
        if len(keys) > 1:
            what = _("{first} and {second}").format(first=", ".join(keys[:-1]), second=keys[-1])
        expected = _("a unique {key} (row {row} has the same)").format(key=what, row=first)
        report.add(label, int(row), keys[-1], " ".join(map(show, key)), expected)


def _exact_copies(label: str, frame: pd.DataFrame, report: Report) -> None:
    """A table without keys may repeat a row on purpose: a warning, and both are kept."""
    first_seen: dict[tuple, int] = {}
    for row, record in zip(frame.index, records(frame)):
        signature = tuple(record.values())
        if signature in first_seen:
            expected = _("a row that is not an exact copy of row {row} (both are kept)").format(
                row=first_seen[signature]
            )
            report.add(label, int(row), None, "", expected, WARNING)
        else:
            first_seen[signature] = int(row)
