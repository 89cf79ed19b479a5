"""The problem report: what is wrong with an edited file, each problem at its sheet, Excel row and column.

Errors block a publish, warnings do not. The reader (workbook_read.py) and the checks (validate.py,
cross_checks.py) add to the same report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from hmhb_dash.cells import show
from hmhb_dash.schema import TABLES

ERROR = "error"
WARNING = "warning"
REPORT_COLUMNS = ["severity", "sheet", "row", "column", "value", "expected"]


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # Excel row number (1 is the header); None for the whole sheet or file
    column: str | None
    value: str
    expected: str
    severity: str = ERROR

    def line(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        found = f"found {self.value!r}; " if self.value != "" else ""
        return f"{self.severity:7s} {where}: {found}expected {self.expected}"


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

    def lines(self) -> list[str]:
        return [p.line() for p in self.sorted()]

    def find(self, sheet: str, row: int | None = None, column: str | None = None) -> list[Problem]:
        """Problems at a place (for tests and for people reading a long report)."""
        return [
            p
            for p in self.problems
            if p.sheet == sheet and (row is None or p.row == row) and (column is None or p.column == column)
        ]
