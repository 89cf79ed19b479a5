"""The problem report: what is wrong with an edited file, each problem at its sheet, Excel row and column.

Errors block a publish, warnings do not. The reader (workbook_read.py) and the checks (validate.py,
cross_checks.py) add to the same report. Each message is built when the problem is found, in the current
language (i18n): sheet and column names, values and codes stay as they are in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from hmhb_dash.cells import show
from hmhb_dash.i18n import N_, _
from hmhb_dash.safe_text import spreadsheet_frame
from hmhb_dash.schema import TABLES

ERROR = "error"
WARNING = "warning"
REPORT_COLUMNS = ["severity", "sheet", "row", "column", "value", "expected"]
# What people read for a severity and for the report's columns (its CSV headers).
SEVERITY_LABELS = {ERROR: N_("error"), WARNING: N_("warning")}
COLUMN_LABELS = {
    "severity": N_("Severity"),
    "sheet": N_("Sheet"),
    "row": N_("Row"),
    "column": N_("Column"),
    "value": N_("Found"),
    "expected": N_("Expected"),
}


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # Excel row number (1 is the header); None for the whole sheet or file
    column: str | None
    value: str
    expected: str
    severity: str = ERROR

    def where(self) -> str:
        """'stage_history row 4, column since' in the current language."""
        if self.row is not None and self.column:
            return _("{sheet} row {row}, column {column}").format(
                sheet=self.sheet, row=self.row, column=self.column
            )
        if self.row is not None:
            return _("{sheet} row {row}").format(sheet=self.sheet, row=self.row)
        if self.column:
            return _("{sheet}, column {column}").format(sheet=self.sheet, column=self.column)
        return self.sheet

    def line(self) -> str:
        severity = _(SEVERITY_LABELS.get(self.severity, self.severity))
        if self.value != "":
            what = _("{where}: found {value!r}; expected {expected}").format(
                where=self.where(), value=self.value, expected=self.expected
            )
        else:
            what = _("{where}: expected {expected}").format(where=self.where(), expected=self.expected)
        return f"{severity:7s} {what}"


def problem(
    sheet: str, row: int | None, column: str | None, value: object, expected: str, severity: str = ERROR
) -> Problem:
    """A problem whose value is a raw cell (shown as people see it)."""
    return Problem(sheet, row, column, show(value), expected, severity)


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        sheet: str,
        row: int | None,
        column: str | None,
        value: object,
        expected: str,
        severity: str = ERROR,
    ) -> None:
        self.problems.append(problem(sheet, row, column, value, expected, severity))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        order = {name: i for i, name in enumerate(TABLES)}
        return sorted(
            self.problems,
            key=lambda p: (p.severity != ERROR, order.get(p.sheet.removesuffix(".csv"), -1), p.row or 0),
        )

    def frame(self) -> pd.DataFrame:
        rows = [
            dict(zip(REPORT_COLUMNS, (p.severity, p.sheet, p.row, p.column or "", p.value, p.expected)))
            for p in self.sorted()
        ]
        return pd.DataFrame(rows, columns=REPORT_COLUMNS).astype({"row": "Int64"})

    def csv(self) -> bytes:
        """The report as CSV for people: headers and severities in the current language."""
        frame = self.frame()
        frame["severity"] = frame["severity"].map(lambda s: _(SEVERITY_LABELS.get(s, s)))
        frame = frame.rename(columns={c: _(label) for c, label in COLUMN_LABELS.items()})
        # Values are what the file held: one starting with '=' must not become a formula when opened.
        return spreadsheet_frame(frame).to_csv(index=False).encode("utf-8-sig")

    def lines(self) -> list[str]:
        return [p.line() for p in self.sorted()]

    def find(self, sheet: str, row: int | None = None, column: str | None = None) -> list[Problem]:
        """Problems at a place (for tests and for people reading a long report)."""
        return [
            p
            for p in self.problems
            if p.sheet == sheet and (row is None or p.row == row) and (column is None or p.column == column)
        ]
