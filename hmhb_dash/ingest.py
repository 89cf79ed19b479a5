"""Validate edited tables before anything is written: raw cells -> typed tables + a report of problems.

The input is what workbook.py reads (cells as Excel or a CSV gave them, keyed by the Excel row number).
Every problem names the sheet, the Excel row, the column, the value found and what is expected; errors
block a publish, warnings do not. `diff` compares the result with the current data for the preview.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
import pandera.pandas as pa
import pycountry

from hmhb_dash import indicators, queries
from hmhb_dash.schema import (
    GLOBAL_ISO3,
    LIST_SEPARATOR,
    NOT_REPORTED,
    SCHEMAS,
    STAGES,
    TABLES,
    TOPICS,
)

if TYPE_CHECKING:
    from hmhb_dash.workbook import RawInput

ERROR = "error"
WARNING = "warning"

# Date columns and the precision column each one sets; precision is derived, never typed by people.
DATE_COLUMNS = {("stage_history", "since"): "since_precision", ("milestones", "date"): "date_precision"}
DERIVED_COLUMNS = {table: precision for (table, _), precision in DATE_COLUMNS.items()}
EARLIEST_DATE = pd.Timestamp(1950, 1, 1)
# Codes in use that ISO 3166-1 has not assigned (user-assigned range), accepted as country codes.
EXTRA_ISO3 = {"XKX": "Kosovo"}
# Keys that identify a row when comparing versions (activities have none: whole rows are compared).
KEYS: dict[str, list[str]] = {
    "countries": ["iso3"],
    "stage_history": ["iso3", "stage"],
    "milestones": ["id"],
    "organisations": ["id"],
    "activities": [],
    "evidence": ["id"],
    "indicators": [],
    "hmhb_labels": ["iso3", "scheme"],
}
# What a whole-number cell means, per column (years unless named here).
WHOLE_EXPECTED = {
    "value": "a whole number of 0 or more, e.g. 47000 (no commas or words)",
    "code": "a whole number: HMHB phase 1-3 or World Map category 1-4",
}
URL_EXPECTED = "an http:// or https:// link with no spaces"
ISO3_EXPECTED = "a three-letter upper-case ISO3 code, e.g. BGD"
_DATE_FORMATS = "a date: an Excel date, or text YYYY, YYYY-MM or YYYY-MM-DD"
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


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
        self.problems.append(Problem(sheet, row, column, show(value), expected, severity))

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
            {
                "severity": p.severity,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column or "",
                "value": p.value,
                "expected": p.expected,
            }
            for p in self.sorted()
        ]
        frame = pd.DataFrame(rows, columns=["severity", "sheet", "row", "column", "value", "expected"])
        return frame.astype({"row": "Int64"})

    def lines(self) -> list[str]:
        return [p.line() for p in self.sorted()]

    def find(self, sheet: str, row: int | None = None, column: str | None = None) -> list[Problem]:
        """Problems at a place (for tests and for people reading a long report)."""
        return [
            p
            for p in self.problems
            if p.sheet == sheet and (row is None or p.row == row) and (column is None or p.column == column)
        ]


@dataclass
class Result:
    tables: dict[str, pd.DataFrame] | None  # None when there is any error
    report: Report
    sha256: str = ""


def show(value: object, limit: int = 80) -> str:
    """A cell value as people see it, shortened."""
    if value is None or (not isinstance(value, str) and _missing(value)):
        return ""
    if isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def workbook_columns(table: str) -> list[str]:
    """The columns people edit: the schema's, without the derived precision columns."""
    return [c for c in SCHEMAS[table].columns if c != DERIVED_COLUMNS.get(table)]


def is_url_column(column: str) -> bool:
    return column in ("url", "website") or column.endswith("source_url")


def vocabulary(table: str, column: str) -> list | None:
    """The closed list of values a column allows, read from the schema's isin check."""
    spec = SCHEMAS[table].columns[column]
    for check in spec.checks:
        allowed = (check.statistics or {}).get("allowed_values")
        if allowed is not None:
            return list(allowed)
    return None


# --- Cell conversion ---------------------------------------------------------------------------
class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message says what is expected."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or _missing(value)


def to_text(value: object) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_whole(value: object, expected: str) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool | dt.date):
        raise CellError(expected)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(expected)
    text = str(value).strip()
    # ASCII digits, and few enough that float() stays finite (a 400-digit text would overflow).
    if re.fullmatch(r"[+-]?[0-9]{1,15}(\.0+)?", text):
        return int(float(text))
    raise CellError(expected)


STAGE_EXPECTED = "a stage code " + ", ".join(f"{code} ({label})" for code, label in STAGES.items())


def to_stage(value: object) -> int | None:
    if isinstance(value, str):
        by_label = {label.lower(): code for code, label in STAGES.items()}
        if value.strip().lower() in by_label:
            return by_label[value.strip().lower()]
    code = to_whole(value, STAGE_EXPECTED)
    if code is not None and code not in STAGES:
        raise CellError(STAGE_EXPECTED)
    return code


_TRUE = {"yes", "y", "true", "1", "verified"}
_FALSE = {"no", "n", "false", "0", "not verified"}


def to_bool(value: object) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("yes or no")


def parse_date(value: object, today: dt.date) -> tuple[pd.Timestamp | None, str, str | None]:
    """A date cell -> (first day of the period, precision, warning or None). Raises CellError.

    Accepts Excel date cells, text 'YYYY', 'YYYY-MM', 'YYYY-MM-DD', and Excel serial numbers (a date
    cell whose format was lost); a serial number is read but flagged, since it may not be what was meant.
    """
    warning = None
    if _blank(value):
        return None, NOT_REPORTED, None
    if isinstance(value, bool):
        raise CellError(_DATE_FORMATS)
    if isinstance(value, dt.datetime | dt.date):
        stamp, precision = pd.Timestamp(value.year, value.month, value.day), "day"
    elif isinstance(value, int | float) or (isinstance(value, str) and _SERIAL.match(value.strip())):
        number = float(value)
        if number.is_integer() and 1000 <= number <= 9999:
            stamp, precision = _checked(int(number), 1, 1), "year"
        elif 1 <= number < 2958466:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(number))
            stamp, precision = pd.Timestamp(day.year, day.month, day.day), "day"
            warning = (
                f"an Excel date serial number, read as {stamp.date().isoformat()}: check it, or type the "
                "date as YYYY-MM-DD"
            )
        else:
            raise CellError(_DATE_FORMATS)
    else:
        text = str(value).strip()
        if match := _YEAR.match(text):
            stamp, precision = _checked(int(match[1]), 1, 1), "year"
        elif match := _MONTH.match(text):
            stamp, precision = _checked(int(match[1]), int(match[2]), 1), "month"
        elif match := _DAY.match(text):
            stamp, precision = _checked(int(match[1]), int(match[2]), int(match[3])), "day"
        elif re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", text):
            raise CellError(_DATE_FORMATS + " (day and month order is ambiguous in " + text + ")")
        else:
            raise CellError(_DATE_FORMATS)
    if stamp < EARLIEST_DATE:
        raise CellError(f"a date from {EARLIEST_DATE.year} on")
    if stamp > pd.Timestamp(today):
        raise CellError(f"a date that is not in the future (today is {today.isoformat()})")
    return stamp, precision, warning


def _checked(year: int, month: int, day: int) -> pd.Timestamp:
    try:
        return pd.Timestamp(dt.date(year, month, day))
    except ValueError:
        raise CellError("a date that exists in the calendar (check day and month)") from None


def check_url(value: str | None) -> None:
    if value is not None and not re.fullmatch(r"https?://\S+", value):
        raise CellError(URL_EXPECTED)


# --- Validation --------------------------------------------------------------------------------
def validate(raw: RawInput, today: dt.date | None = None) -> Result:
    """Check everything; return typed tables only if nothing blocks, and always the full report."""
    today = today or dt.date.today()
    report = Report(list(raw.problems))
    if raw.fatal:
        return Result(None, report, raw.sha256)
    typed: dict[str, pd.DataFrame] = {}
    failed: dict[str, set[tuple[int, str]]] = {}
    for table in TABLES:
        sheet = raw.sheets.get(table)
        if sheet is None:
            report.add(table, None, None, "", f"a sheet named {table!r} (sheets found: {raw.sheet_list()})")
            continue
        frame, bad_cells = _convert(table, sheet.label, sheet.frame, report, today, sheet.bad)
        if frame is None:
            continue
        _schema_checks(table, sheet.label, frame, sheet.frame, bad_cells, report)
        typed[table] = frame
        failed[table] = bad_cells
    labels = {name: sheet.label for name, sheet in raw.sheets.items()}
    if len(typed) == len(TABLES):
        _cross_checks(typed, labels, failed, report, raw)
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


def _convert(
    table: str, label: str, raw: pd.DataFrame, report: Report, today: dt.date, reported: set[tuple[int, str]]
) -> tuple[pd.DataFrame | None, set[tuple[int, str]]]:
    wanted = workbook_columns(table)
    header = list(raw.columns)
    missing = [c for c in wanted if c not in header]
    for column in missing:
        report.add(
            label, 1, column, "", f"a column headed {column!r} (columns are named in the README sheet)"
        )
    for column in header:
        if column == DERIVED_COLUMNS.get(table):
            report.add(
                label, 1, column, "", "no such column: precision is set from how the date is written", WARNING
            )
        elif column not in wanted:
            report.add(
                label, 1, column, column, "only the columns named in the README sheet: " + ", ".join(wanted)
            )
    if missing:
        return None, set()
    rows = list(raw.index)
    bad: set[tuple[int, str]] = set(reported)  # cells the reader already reported (formulas)
    columns: dict[str, pd.Series] = {}
    schema = SCHEMAS[table]
    for column in wanted:
        dtype = str(schema.columns[column].dtype)
        cells = raw[column].tolist()
        values: list = []
        precision: list[str] = []
        for row, cell in zip(rows, cells):
            try:
                if (row, column) in bad:
                    raise CellError("")
                if (table, column) in DATE_COLUMNS:
                    stamp, prec, warning = parse_date(cell, today)
                    if warning:
                        report.add(label, row, column, cell, warning, WARNING)
                    values.append(stamp)
                    precision.append(prec)
                elif column == "stage":
                    values.append(to_stage(cell))
                elif dtype in ("Int64", "int64"):
                    values.append(to_whole(cell, WHOLE_EXPECTED.get(column, "a whole year, e.g. 2021")))
                elif dtype == "bool":
                    values.append(to_bool(cell))
                else:
                    text = to_text(cell)
                    if is_url_column(column):
                        check_url(text)
                    values.append(text)
            except CellError as exc:
                if (row, column) not in bad:
                    report.add(label, row, column, cell, str(exc))
                bad.add((row, column))
                values.append(None)
                precision.append(NOT_REPORTED)
        if (table, column) in DATE_COLUMNS:
            columns[column] = pd.Series(values, index=rows, dtype="datetime64[us]")
            columns[DATE_COLUMNS[(table, column)]] = pd.Series(precision, index=rows, dtype="str")
        elif column == "stage" or dtype in ("Int64", "int64"):
            columns[column] = pd.Series(values, index=rows, dtype="Int64")
        elif dtype == "bool":
            columns[column] = pd.Series(values, index=rows, dtype=bool)
        else:
            columns[column] = pd.Series(values, index=rows, dtype="str")
    frame = pd.DataFrame(columns, index=pd.Index(rows, dtype="int64"))[list(schema.columns)]
    return frame, bad


def _expected(table: str, column: str, check: str) -> str | None:
    """What a pandera check means, in words; None for checks reported elsewhere."""
    if check == "not_nullable":
        return "a value: this column is required"
    if check.startswith("str_matches") and "A-Z" in check:
        return ISO3_EXPECTED
    if check.startswith("str_matches"):
        return URL_EXPECTED
    if check.startswith("isin"):
        allowed = vocabulary(table, column) or []
        return "one of: " + ", ".join(map(str, allowed))
    if check.startswith("in_range") and column == "code":
        return WHOLE_EXPECTED["code"]
    if check.startswith("in_range"):
        return "a year from 1950 to 2100"
    if check.startswith("greater_than_or_equal_to"):
        return WHOLE_EXPECTED.get(column, "a number of 0 or more")
    if check == "phase code at most 3":
        return "a phase code 1, 2 or 3 (HMHB publishes three phases; categories 1-4 are scheme map_category)"
    if check == "list items allowed":
        if column == "topics":
            return "topics from this list, separated by ';': " + ", ".join(TOPICS)
        return f"ISO3 codes separated by ';' (e.g. BGD;NPL), or {GLOBAL_ISO3} for global"
    if check == "end_year not before start_year":
        return "an end year that is not before the start year"
    return None  # dtype, uniqueness and column checks: reported by _convert and _duplicates


def _schema_checks(
    table: str,
    label: str,
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    bad: set[tuple[int, str]],
    report: Report,
) -> None:
    try:
        SCHEMAS[table].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        seen: set[tuple[int, str]] = set()
        for case in exc.failure_cases.to_dict("records"):
            column, check, row = case["column"], str(case["check"]), case["index"]
            if check == "end_year not before start_year" and column != "end_year":
                continue
            if check == "phase code at most 3":
                column = "code"
            expected = _expected(table, column, check)
            if expected is None or row is None or _missing(row):
                continue
            row = int(row)
            if (row, column) in bad or (row, column) in seen:
                continue
            seen.add((row, column))
            value = raw.at[row, column] if column in raw.columns else case["failure_case"]
            if (
                expected == ISO3_EXPECTED
                and isinstance(value, str)
                and re.fullmatch(r"[A-Z]{3}", value.strip().upper())
            ):
                expected += f" (did you mean {value.strip().upper()}?)"
            report.add(label, row, column, value, expected)
            bad.add((row, column))
    _duplicates(table, label, frame, report)


def _duplicates(table: str, label: str, frame: pd.DataFrame, report: Report) -> None:
    keys = KEYS[table]
    if keys:
        present = frame.dropna(subset=keys)
        dup = present.duplicated(subset=keys, keep="first")
        first_rows = present.reset_index().groupby(keys, sort=False)["index"].first()
        for row in present.index[dup]:
            key = tuple(present.loc[row, keys])
            first = first_rows.loc[key if len(keys) > 1 else key[0]]
            what = " and ".join(keys)
            report.add(
                label,
                int(row),
                keys[-1],
                " ".join(map(show, key)),
                f"a unique {what} (row {first} has the same)",
            )
    else:
        first_seen: dict[tuple, int] = {}
        for row, record in zip(frame.index, records(frame)):
            signature = tuple(record.values())
            if signature in first_seen:
                report.add(
                    label,
                    int(row),
                    None,
                    "",
                    f"a row that is not an exact copy of row {first_seen[signature]} (both are kept)",
                    WARNING,
                )
            else:
                first_seen[signature] = int(row)


def _valid_iso3(code: str) -> bool:
    return code in EXTRA_ISO3 or pycountry.countries.get(alpha_3=code) is not None


def _suggest(code: str, known: set[str]) -> str:
    upper = code.strip().upper()
    if upper in known and upper != code:
        return f" (did you mean {upper}?)"
    try:
        match = pycountry.countries.lookup(code.strip())
    except LookupError:
        return ""
    return f" (did you mean {match.alpha_3}?)" if match.alpha_3 in known else ""


def _cross_checks(
    tables: dict[str, pd.DataFrame],
    labels: dict[str, str],
    failed: dict[str, set[tuple[int, str]]],
    report: Report,
    raw: RawInput,
) -> None:
    countries = tables["countries"]
    if countries.empty:
        report.add(
            labels["countries"],
            None,
            None,
            "",
            "rows: the countries sheet is empty, and every sheet refers to it",
        )
        return
    for row, code in countries["iso3"].dropna().items():
        if (row, "iso3") not in failed["countries"] and not _valid_iso3(code):
            report.add(labels["countries"], row, "iso3", code, "an ISO 3166-1 alpha-3 country code")
    known = set(countries["iso3"].dropna())
    in_sheet = "a code listed in the countries sheet"

    def check_codes(table: str, column: str, allow_global: bool) -> None:
        frame = tables[table]
        allowed = known | ({GLOBAL_ISO3} if allow_global else set())
        for row, cell in frame[column].dropna().items():
            if (row, column) in failed[table]:
                continue
            items = [i.strip() for i in cell.split(LIST_SEPARATOR)] if column == "countries" else [cell]
            unknown = [i for i in items if i and i not in allowed]
            if unknown:
                extra = f", or {GLOBAL_ISO3} for global" if allow_global else ""
                report.add(labels[table], row, column, cell, in_sheet + extra + _suggest(unknown[0], known))

    check_codes("stage_history", "iso3", False)
    check_codes("milestones", "iso3", True)
    check_codes("activities", "iso3", False)
    check_codes("organisations", "hq_iso3", False)
    check_codes("evidence", "countries", True)
    check_codes("indicators", "iso3", False)
    check_codes("hmhb_labels", "iso3", False)

    organisation_ids = set(tables["organisations"]["id"].dropna())
    by_lower = {i.lower(): i for i in organisation_ids}
    for table, column in (("activities", "organisation_id"), ("evidence", "organisation_ids")):
        for row, cell in tables[table][column].dropna().items():
            items = [i.strip() for i in cell.split(LIST_SEPARATOR) if i.strip()]
            unknown = [i for i in items if i not in organisation_ids]
            if unknown:
                hint = (
                    f" (did you mean {by_lower[unknown[0].lower()]}?)"
                    if unknown[0].lower() in by_lower
                    else ""
                )
                report.add(labels[table], row, column, cell, "an id from the organisations sheet" + hint)

    _stage_order(tables["stage_history"], labels["stage_history"], failed["stage_history"], report)
    for table in ("organisations", "activities", "evidence", "indicators"):
        for row in tables[table].index[~tables[table]["verified"]]:
            report.add(
                labels[table],
                int(row),
                "verified",
                raw.sheets[table].frame.at[row, "verified"],
                "yes once someone has checked the source (until then the app shows 'not verified')",
                WARNING,
            )
    _hmhb_checks(tables, labels, failed, report)
    for table in TABLES:
        if tables[table].empty:
            report.add(
                labels[table],
                None,
                None,
                "",
                "rows: this sheet is empty, so publishing empties the table",
                WARNING,
            )


def _hmhb_checks(
    tables: dict[str, pd.DataFrame],
    labels: dict[str, str],
    failed: dict[str, set[tuple[int, str]]],
    report: Report,
) -> None:
    """Where HMHB's own current label reads another stage than the project's, say so (a warning:
    the project's stage is its own reading of the public record, and may differ on purpose)."""
    hmhb = tables["hmhb_labels"]
    bad_rows = {row for row, _ in failed["hmhb_labels"]}
    usable = hmhb.dropna(subset=["iso3", "scheme", "code"])
    usable = usable[~usable.index.isin(list(bad_rows))]
    if usable.empty:
        return
    usable = usable.assign(code=usable["code"].astype("int64"))
    history = tables["stage_history"].dropna(subset=["iso3", "stage"]).astype({"stage": "int64"})
    differ = indicators.hmhb_disagreements(usable, history, tables["countries"])
    current = indicators.current_labels(usable.reset_index(names="_row"))
    rows = dict(zip(current["iso3"], current["_row"]))
    for rec in differ.itertuples(index=False):
        report.add(
            labels["hmhb_labels"],
            int(rows[rec.iso3]),
            "code",
            rec.hmhb,
            f"a label matching the project's stage for {rec.iso3} today ({rec.stage} {rec.stage_label}; "
            f"this label means stage {rec.hmhb_stage}): check the stage, or keep both if the readings differ",
            WARNING,
        )


def _stage_order(history: pd.DataFrame, label: str, bad: set[tuple[int, str]], report: Report) -> None:
    """Within a country, a higher stage cannot start before a lower one, and an undated stage (which
    counts from today) must be the country's highest, or it would replace a later stage today."""
    usable = history.dropna(subset=["iso3", "stage"])
    for iso3, rows in usable.groupby("iso3", sort=False):
        rows = rows.sort_values("stage")
        previous = None
        for row, rec in rows.iterrows():
            if (row, "since") in bad:
                continue
            if pd.isna(rec["since"]):
                higher = rows[rows["stage"] > rec["stage"]]
                if not higher.empty:
                    report.add(
                        label,
                        int(row),
                        "since",
                        "",
                        f"a date: {iso3} has a higher stage ({int(higher['stage'].iloc[0])}, row "
                        f"{int(higher.index[0])}), and an undated stage counts from today",
                    )
                continue
            if previous is not None and rec["since"] < previous[1]:
                report.add(
                    label,
                    int(row),
                    "since",
                    rec["since"].date().isoformat(),
                    f"a date not before {iso3}'s stage {int(previous[0])} (row {previous[2]}, since "
                    f"{previous[1].date().isoformat()}): stages follow each other in time",
                )
            previous = (rec["stage"], rec["since"], int(row))


# --- Diff ----------------------------------------------------------------------------------------
@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, dict[str, tuple[str, str]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class Diff:
    tables: dict[str, TableDiff]
    stage_changes: pd.DataFrame  # iso3, name, from_stage, to_stage, since

    @property
    def empty(self) -> bool:
        return all(t.empty for t in self.tables.values())

    def counts(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "table": t.table,
                    "added": len(t.added),
                    "removed": len(t.removed),
                    "changed": len(t.changed),
                }
                for t in self.tables.values()
            ]
        )

    def changes(self, limit: int = 200) -> pd.DataFrame:
        """One line per added, removed or changed row (the first `limit` per table)."""
        rows = []
        for t in self.tables.values():
            rows += [
                {"table": t.table, "change": "added", "row": key, "detail": ""} for key in t.added[:limit]
            ]
            rows += [
                {"table": t.table, "change": "removed", "row": key, "detail": ""} for key in t.removed[:limit]
            ]
            for key, columns in t.changed[:limit]:
                detail = "; ".join(
                    f"{c}: {show(a, 40)!r} -> {show(b, 40)!r}" for c, (a, b) in columns.items()
                )
                rows.append({"table": t.table, "change": "changed", "row": key, "detail": detail})
        return pd.DataFrame(rows, columns=["table", "change", "row", "detail"])

    def summary(self) -> str:
        if self.empty:
            return "no changes"
        parts = [
            f"{t.table} +{len(t.added)} -{len(t.removed)} ~{len(t.changed)}"
            for t in self.tables.values()
            if not t.empty
        ]
        moves = [f"{r.iso3} {r.from_stage}->{r.to_stage}" for r in self.stage_changes.itertuples(index=False)]
        if moves:
            parts.append("stage changes: " + ", ".join(moves[:20]) + (" ..." if len(moves) > 20 else ""))
        return "; ".join(parts)


def _plain(value: object) -> object:
    if value is None or (not isinstance(value, str) and _missing(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    columns = list(frame.columns)
    return [dict(zip(columns, map(_plain, values))) for values in frame.itertuples(index=False, name=None)]


def _key_text(record: dict, keys: list[str]) -> str:
    return " ".join(str(record[k]) for k in keys)


def table_diff(table: str, current: pd.DataFrame, new: pd.DataFrame) -> TableDiff:
    keys = KEYS[table]
    columns = list(SCHEMAS[table].columns)
    old_rows, new_rows = records(current[columns]), records(new[columns])
    result = TableDiff(table)
    if not keys:

        def label(r: dict) -> str:
            if table == "indicators":
                period = show(r["period"]) or "period not reported"
                return f"{r['iso3']} {r['indicator']}: {show(r['value'])} ({period})"
            return f"{r['organisation_id']} in {r['iso3']}: {r['activity_type']}"

        old_count = Counter(tuple(r.items()) for r in old_rows)
        new_count = Counter(tuple(r.items()) for r in new_rows)
        result.added = [label(dict(r)) for r in (new_count - old_count).elements()]
        result.removed = [label(dict(r)) for r in (old_count - new_count).elements()]
        return result
    old_by = {_key_text(r, keys): r for r in old_rows}
    new_by = {_key_text(r, keys): r for r in new_rows}
    result.added = [k for k in new_by if k not in old_by]
    result.removed = [k for k in old_by if k not in new_by]
    for key, record in new_by.items():
        before = old_by.get(key)
        if before is None:
            continue
        changed = {c: (before[c], record[c]) for c in columns if before[c] != record[c]}
        if changed:
            result.changed.append((key, changed))
    return result


def diff(
    current: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], today: dt.date | None = None
) -> Diff:
    """What publishing `new` over `current` changes: rows per table and each country's stage today."""
    today = today or dt.date.today()
    tables = {name: table_diff(name, current[name], new[name]) for name in TABLES}
    as_of = pd.Timestamp(today)
    before = queries.stage_as_of(current["stage_history"], current["countries"], as_of, today)
    after = queries.stage_as_of(new["stage_history"], new["countries"], as_of, today)
    merged = after[["iso3", "name", "stage", "since_text"]].merge(
        before[["iso3", "stage"]], on="iso3", how="outer", suffixes=("", "_before")
    )
    merged["stage"] = merged["stage"].fillna(0).astype("int64")
    merged["stage_before"] = merged["stage_before"].fillna(0).astype("int64")
    moved = merged[merged["stage"] != merged["stage_before"]].sort_values("iso3")
    stage_changes = pd.DataFrame(
        {
            "iso3": moved["iso3"].astype(str),
            "name": moved["name"].astype(str),
            "from_stage": moved["stage_before"],
            "to_stage": moved["stage"],
            "from_label": moved["stage_before"].map(STAGES).astype(str),
            "to_label": moved["stage"].map(STAGES).astype(str),
            "since": moved["since_text"].fillna("").astype(str),
        }
    ).reset_index(drop=True)
    return Diff(tables, stage_changes)
