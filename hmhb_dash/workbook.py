"""The people's interchange format: export the tables as one Excel workbook; read a workbook or CSVs back.

Export: a README sheet describing every column, a sheet per table, dropdowns for closed vocabularies,
frozen headers, readable widths. Reading keeps every cell as Excel or the CSV gave it, keyed by its Excel
row number, and reports what is wrong with the file itself (not a workbook, too big, formulas, merged
cells, encodings); ingest.py then checks the contents.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation

from hmhb_dash.ingest import (
    DATE_COLUMNS,
    ERROR,
    WARNING,
    Problem,
    is_url_column,
    show,
    vocabulary,
    workbook_columns,
)
from hmhb_dash.schema import (
    GLOBAL_ISO3,
    INCOME_GROUPS,
    INDICATOR_KINDS,
    LIST_SEPARATOR,
    MILESTONE_KINDS,
    SCHEMAS,
    STAGES,
    TABLES,
    TOPICS,
    WHO_REGION_NAMES,
)

MAX_BYTES = 10 * 1024 * 1024  # an upload larger than this is refused before it is opened
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a small .xlsx that unpacks to more is a zip bomb
README_SHEET = "README"
LISTS_SHEET = "lists"
FILE = "(file)"

COLUMN_HELP: dict[str, dict[str, str]] = {
    "countries": {
        "iso3": "ISO 3166-1 alpha-3 code; the key every other sheet refers to.",
        "name": "Country or territory name as shown in the app.",
        "unicef_region": "UNICEF reporting region.",
        "unicef_programme_region": "UNICEF programme region.",
        "unicef_as_of": "When the UNICEF grouping was read (text).",
        "unicef_source_url": "Link to the source of the UNICEF grouping.",
        "who_region": "WHO region code: " + ", ".join(f"{k} {v}" for k, v in WHO_REGION_NAMES.items()) + ".",
        "who_as_of": "When the WHO grouping was read (text).",
        "who_source_url": "Link to the source of the WHO grouping.",
        "wb_region": "World Bank region.",
        "wb_income": "World Bank income group: "
        + ", ".join(f"{k} {v}" for k, v in INCOME_GROUPS.items())
        + ".",
        "wb_as_of": "Which World Bank fiscal-year classification (text).",
        "wb_source_url": "Link to the source of the World Bank grouping.",
        "grouping_notes": "Free-text notes on the groupings.",
    },
    "stage_history": {
        "iso3": "Country code from the countries sheet.",
        "stage": "Programme stage: " + "; ".join(f"{k} {v}" for k, v in STAGES.items()) + ".",
        "since": "When the country reached this stage. Empty means 'not reported' (counts from today).",
        "basis": "One sentence: why this stage.",
        "source_url": "Link to the source of the deciding fact.",
    },
    "milestones": {
        "id": "Unique id, e.g. BGD-2024-policy-1. Keep ids of existing rows unchanged.",
        "iso3": f"Country code from the countries sheet, or {GLOBAL_ISO3} for a global milestone.",
        "date": "When it happened. Empty means 'not reported'.",
        "kind": "Kind of milestone: " + ", ".join(f"{k} ({v})" for k, v in MILESTONE_KINDS.items()) + ".",
        "title": "What happened, in one line.",
        "detail": "Optional longer description.",
        "source_url": "Link to the source.",
        "source_date": "Date of the source as written there (text).",
        "quote": "The source's own words.",
        "source_note": "Notes on the source (mirror, substitutes, doubts).",
    },
    "organisations": {
        "id": "Unique id that activities and evidence refer to (often the short name).",
        "name": "Full name.",
        "short_name": "Short name or acronym.",
        "type": "Type of organisation.",
        "hq_iso3": "Headquarters country code (from the countries sheet).",
        "website": "Website link.",
        "relationship": "Relationship to the HMHB Consortium.",
        "source_url": "Link to the source.",
        "verified": "yes if the secretariat has checked the source; no shows 'not verified'.",
    },
    "activities": {
        "organisation_id": "Id from the organisations sheet.",
        "iso3": "Country code from the countries sheet.",
        "activity_type": "Type of activity.",
        "start_year": "First year (a whole number); empty if not reported.",
        "end_year": "Last year; empty if ongoing or not reported.",
        "description": "What the organisation does there.",
        "source_url": "Link to the source.",
        "verified": "yes if the secretariat has checked the source; no shows 'not verified'.",
    },
    "evidence": {
        "id": "Unique id. Keep ids of existing rows unchanged.",
        "title": "Title of the item (kept as plain text).",
        "authors": "Authors (first author is enough).",
        "publisher": "Publisher or journal.",
        "year": "Year of publication.",
        "type": "Type of evidence.",
        "topics": "One or more topics separated by ';'.",
        "countries": f"Country codes separated by ';' (e.g. BGD;NPL); {GLOBAL_ISO3} or empty for global.",
        "organisation_ids": "Ids from the organisations sheet separated by ';'.",
        "url": "Link to the item.",
        "doi": "DOI, e.g. 10.1136/bmj.326.7389.571.",
        "summary": "Two or three sentences.",
        "verified": "yes if the secretariat has checked the source; no shows 'not verified'.",
    },
    "indicators": {
        "iso3": "Country code from the countries sheet.",
        "indicator": "What the number counts: "
        + ", ".join(f"{k} ({v})" for k, v in INDICATOR_KINDS.items())
        + ". Kinds are never added together.",
        "value": "The number the source gives, as a whole number (47000, not '47,000' or 'over 47k'). "
        "Empty means 'not reported'.",
        "period": "The period or scope the number covers, in words (e.g. 2021, 'July 2022 to 2023').",
        "source_url": "Link to the source of the number.",
        "quote": "The source's own words giving the number (at most 200 characters).",
        "source_date": "Date of the source as written there (text).",
        "source_note": "Notes on the source (mirror, secondary copy, doubts).",
        "verified": "yes if the source itself was read; no for a mirror or secondary copy.",
    },
    "hmhb_labels": {
        "iso3": "Country code from the countries sheet.",
        "scheme": "Which HMHB scheme: phase (newer country pages: 1 Exploration, 2 Initial implementation, "
        "3 Scale-up) or map_category (2021- World Map: 1 impact study only, 2-4 the three phases).",
        "code": "HMHB's number in that scheme: phase 1-3 or category 1-4. Phase n is the project's stage "
        "n+1; category n is stage n.",
        "label": "HMHB's own words for the label.",
        "as_of": "When HMHB published it, as written there (e.g. HMHB Survey 2025).",
        "source_url": "Link to the HMHB page.",
        "quote": "The page's own words (at most 200 characters).",
    },
}


# --- Export ----------------------------------------------------------------------------------------
def dropdowns(table: str) -> dict[str, tuple[list, bool]]:
    """Columns with a dropdown: values and whether Excel should refuse anything else."""
    found: dict[str, tuple[list, bool]] = {}
    for column in workbook_columns(table):
        allowed = vocabulary(table, column)
        if allowed is not None:
            found[column] = (allowed, True)
    if table == "evidence":
        found["topics"] = (list(TOPICS), False)  # several topics are typed with ';'
    if "verified" in SCHEMAS[table].columns:
        found["verified"] = (["yes", "no"], True)
    return found


def _cell_value(table: str, column: str, value: object, precision: object = None) -> object:
    if (table, column) in DATE_COLUMNS:
        if value is None or pd.isna(value):
            return None
        return format_iso(value, str(precision))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def format_iso(value: object, precision: str) -> str:
    """A date as text at its precision, so it reads back with the same precision."""
    stamp = pd.Timestamp(value)
    return {"year": f"{stamp.year:04d}", "month": f"{stamp.year:04d}-{stamp.month:02d}"}.get(
        precision, stamp.date().isoformat()
    )


def export_workbook(tables: dict[str, pd.DataFrame], version: str, today: dt.date | None = None) -> bytes:
    """The tables as one .xlsx workbook (bytes)."""
    today = today or dt.date.today()
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = README_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_ranges: dict[tuple[str, str], str] = {}
    list_column = 0
    for table in TABLES:
        for column, (values, _) in dropdowns(table).items():
            list_column += 1
            letter = get_column_letter(list_column)
            lists.cell(1, list_column, f"{table}.{column}")
            for i, item in enumerate(values, start=2):
                lists.cell(i, list_column, item)
            list_ranges[(table, column)] = f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    for table in TABLES:
        _write_sheet(book.create_sheet(table), table, tables[table], list_ranges)
    _write_readme(readme, tables, version, today)
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B5394")


def _write_sheet(sheet, table: str, frame: pd.DataFrame, list_ranges: dict) -> None:
    columns = workbook_columns(table)
    sheet.append(columns)
    precision_of = {col: prec for (tab, col), prec in DATE_COLUMNS.items() if tab == table}
    data = frame.reset_index(drop=True)
    cells = {c: data[c].tolist() for c in columns}
    precisions = {c: data[p].tolist() for c, p in precision_of.items()}
    for i in range(len(data)):
        row = [
            _cell_value(table, c, cells[c][i], precisions[c][i] if c in precisions else None) for c in columns
        ]
        sheet.append(row)
    # A text starting with '=' is data, not a formula: never let Excel evaluate what users typed.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    for index, column in enumerate(columns, start=1):
        head = sheet.cell(1, index)
        head.font, head.fill = HEADER_FONT, HEADER_FILL
        lengths = sorted(len(str(v)) for v in cells[column] if v is not None and not _isna(v))
        typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
        sheet.column_dimensions[get_column_letter(index)].width = max(
            len(column) + 4, min(typical + 2, 60), 10
        )
        if (table, column) in DATE_COLUMNS or column in ("iso3", "id"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(data) + 1, 2)}"
    for column, (_, strict) in dropdowns(table).items():
        letter = get_column_letter(columns.index(column) + 1)
        validation = DataValidation(
            type="list",
            formula1=list_ranges[(table, column)],
            allow_blank=True,
            showErrorMessage=strict,
            errorTitle="Not in the list",
            error=f"Choose a {column} from the list (see the README sheet).",
            showInputMessage=not strict,
            prompt="Pick one, or type several separated by ';'" if not strict else None,
        )
        validation.add(f"{letter}2:{letter}1048576")
        sheet.add_data_validation(validation)


def _isna(value: object) -> bool:
    return not isinstance(value, str) and bool(pd.isna(value))


def _write_readme(sheet, tables: dict[str, pd.DataFrame], version: str, today: dt.date) -> None:
    intro = [
        ["MMS Adoption Tracker: data workbook"],
        [f"Exported {today.isoformat()} from data version {version}."],
        ["Edit the sheets, save as .xlsx, upload on the Data page (or: python -m hmhb_dash ingest FILE)."],
        ["Keep sheet names and column headers as they are; one row per record; no merged cells or formulas."],
        ["Dates: an Excel date, or text YYYY, YYYY-MM or YYYY-MM-DD; the app shows the precision given."],
        [f"Lists (topics, countries, organisation ids) are separated by '{LIST_SEPARATOR}'."],
        ["Links must start with http:// or https://. Empty cells mean 'not reported'."],
        ["Nothing is written until the whole file passes the checks; every published version is kept."],
        [],
        ["sheet", "column", "required", "allowed values", "meaning", "rows"],
    ]
    for line in intro:
        sheet.append(line)
    header_row = len(intro)
    for cell in sheet[header_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    sheet["A1"].font = Font(bold=True, size=14)
    for table in TABLES:
        allowed_by = dropdowns(table)
        for column in workbook_columns(table):
            spec = SCHEMAS[table].columns[column]
            allowed = ""
            if column in allowed_by:
                allowed = ", ".join(map(str, allowed_by[column][0]))
            elif (table, column) in DATE_COLUMNS:
                allowed = "YYYY, YYYY-MM, YYYY-MM-DD or an Excel date, not in the future"
            elif is_url_column(column):
                allowed = "http:// or https:// link"
            elif column == "value":
                allowed = "a whole number, 0 or more"
            elif column == "code":
                allowed = "1-4 (phase: 1-3)"
            elif str(spec.dtype) == "Int64":
                allowed = "a year, 1950-2100"
            elif column in ("iso3", "hq_iso3"):
                allowed = "three upper-case letters"
            required = "no" if spec.nullable or str(spec.dtype) == "bool" else "yes"
            sheet.append([table, column, required, allowed, COLUMN_HELP[table][column], len(tables[table])])
    for letter, width in zip("ABCDEF", (16, 24, 10, 50, 80, 8)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{header_row + 1}"


# --- Read ------------------------------------------------------------------------------------------
@dataclass
class RawSheet:
    table: str
    label: str  # sheet name, or file name for a CSV
    frame: pd.DataFrame  # object cells, columns = headers, index = Excel row numbers
    bad: set[tuple[int, str]] = field(default_factory=set)  # cells already reported (formulas)


@dataclass
class RawInput:
    sheets: dict[str, RawSheet]
    problems: list[Problem]
    sha256: str = ""
    source: str = ""
    fatal: bool = False  # the file could not be read at all

    def sheet_list(self) -> str:
        return ", ".join(s.label for s in self.sheets.values()) or "none"


def _fatal(label: str, value: object, expected: str, sha: str = "", source: str = "") -> RawInput:
    return RawInput({}, [Problem(label, None, None, show(value), expected, ERROR)], sha, source, fatal=True)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


class FileRefused(ValueError):
    """A path that is not read: not a regular file, or over the size limit. The message says why."""


def read_bounded(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or FileRefused.

    st_size is not trusted (/dev/zero and /proc files report 0): the read itself stops at the limit.
    O_NONBLOCK keeps the open of a FIFO from waiting for a writer; it is then refused as not regular.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise FileRefused(f"a file that cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefused("not a regular file (a device, pipe or socket)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(f"a file larger than {_megabytes(limit)}")
    return data


def read_path(path: Path) -> RawInput:
    """A workbook file, a CSV file, or a folder of CSV files named after the tables."""
    path = Path(path)
    try:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
            if not files:
                return _fatal(path.name, path.name, "a folder holding CSV files named after the tables")
            payload, budget = [], MAX_BYTES
            for file in files:
                payload.append((file.name, read_bounded(file, budget)))
                budget -= len(payload[-1][1])
            return read_files(payload)
        if not path.exists():
            return _fatal(path.name, str(path), "an existing file or folder")
        return read_files([(path.name, read_bounded(path))])
    except FileRefused as exc:
        return _fatal(path.name, str(exc), f"a regular file of at most {_megabytes(MAX_BYTES)}")


def read_files(files: Sequence[tuple[str, bytes]]) -> RawInput:
    """Uploaded files: one .xlsx workbook, or CSV files named after the tables."""
    if not files:
        return _fatal(FILE, "", "a workbook (.xlsx) or CSV files")
    total = sum(len(data) for _, data in files)
    names = ", ".join(name for name, _ in files)
    if total > MAX_BYTES:
        return _fatal(names, _megabytes(total), f"a file of at most {_megabytes(MAX_BYTES)}")
    digests = sorted((name, hashlib.sha256(data).hexdigest()) for name, data in files)
    sha = digests[0][1] if len(files) == 1 else hashlib.sha256(repr(digests).encode()).hexdigest()
    suffixes = {Path(name).suffix.lower() for name, _ in files}
    if suffixes == {".xlsx"} and len(files) == 1:
        name, data = files[0]
        return _read_xlsx(name, data, sha)
    if suffixes == {".csv"}:
        return _read_csvs(files, sha)
    return _fatal(names, names, "one .xlsx workbook, or CSV files named after the tables", sha, names)


def _read_xlsx(name: str, data: bytes, sha: str) -> RawInput:
    if not data:
        return _fatal(name, "0 bytes", "an Excel workbook; this file is empty", sha, name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _fatal(
            name, "Excel 97-2003 file", "an .xlsx workbook: in Excel, Save As > Excel Workbook", sha, name
        )
    if data[:4] != b"PK\x03\x04":
        start = data[:20].decode("utf-8", "replace")
        return _fatal(
            name, start, "an .xlsx workbook; this file is not one (is it text renamed .xlsx?)", sha, name
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            return _fatal(
                name, _megabytes(unpacked), "a workbook that unpacks to a reasonable size", sha, name
            )
        archive = zipfile.ZipFile(io.BytesIO(data))
        # Read-only mode streams the XML (several times faster on big sheets); merged cells, which it
        # does not expose, are read from each sheet's XML directly.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    except Exception as exc:  # any damage in a zip/XML is the file's problem, reported, never raised
        return _fatal(
            name, type(exc).__name__, "an .xlsx workbook Excel can open; this one is damaged", sha, name
        )
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    by_name = {t.lower(): t for t in TABLES}
    for sheet in book.worksheets:
        key = sheet.title.strip().lower()
        if sheet.title in (README_SHEET, LISTS_SHEET):
            continue
        if key not in by_name:
            problems.append(
                Problem(
                    sheet.title, None, None, sheet.title, "a sheet named after a table (ignored)", WARNING
                )
            )
            continue
        table = by_name[key]
        if table in sheets:
            problems.append(Problem(sheet.title, None, None, sheet.title, f"one sheet named {table}", ERROR))
            continue
        try:
            sheets[table] = _read_sheet(sheet, table, _merged_ranges(archive, sheet), problems)
        except Exception as exc:  # damaged sheet XML: reported, never raised
            problems.append(
                Problem(
                    sheet.title, None, None, type(exc).__name__, "a sheet Excel can open (damaged)", ERROR
                )
            )
    book.close()
    archive.close()
    return RawInput(sheets, problems, sha, name)


_MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(archive: zipfile.ZipFile, sheet) -> list[CellRange]:
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return []
    xml = archive.read(path.lstrip("/"))
    return [CellRange(ref.decode()) for ref in _MERGE_REF.findall(xml)]


def _read_sheet(sheet, table: str, merged_ranges: list[CellRange], problems: list[Problem]) -> RawSheet:
    label = sheet.title
    rows = sheet.iter_rows(min_row=1, min_col=1)
    header_cells = next(rows, ())
    header = [None if _blank(c.value) else str(c.value).strip() for c in header_cells]
    while header and header[-1] is None:
        header.pop()
    if not any(header):
        problems.append(Problem(label, 1, None, "", "column headers in row 1 (see the README sheet)", ERROR))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(label, 1, name, name, "each column header once", ERROR))
        seen.add(name or "")
    bad: set[tuple[int, str]] = set()
    merged_values: dict[tuple[int, int], object] = {}
    for merged in merged_ranges:
        # The other cells of the range read as empty: one problem for the range, not one per cell.
        for row_number in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if (row_number, col) != (merged.min_row, merged.min_col):
                    bad.add((row_number, _header_at(header, col)))
        merged_values[(merged.min_row, merged.min_col)] = None
    records: list[list] = []
    numbers: list[int] = []
    blank_rows: list[int] = []
    width = len(header)
    for row_number, cells in enumerate(rows, start=2):
        values = [c.value for c in cells]
        for col, value in enumerate(values, start=1):
            if (row_number, col) in merged_values:
                merged_values[(row_number, col)] = value
        if all(_blank(v) for v in values):
            blank_rows.append(row_number)
            continue
        for col, cell in enumerate(cells, start=1):
            if getattr(cell, "data_type", None) == "f" and not _blank(cell.value):
                column = _header_at(header, col)
                problems.append(
                    Problem(
                        label,
                        row_number,
                        column,
                        show(str(cell.value)),
                        "a typed value, not a formula (copy the column and paste values only)",
                        ERROR,
                    )
                )
                bad.add((row_number, column))
            elif col > width and not _blank(cell.value):
                problems.append(
                    Problem(
                        label,
                        row_number,
                        get_column_letter(col),
                        show(cell.value),
                        "data only under a column header",
                        ERROR,
                    )
                )
        padded = (values + [None] * width)[:width]
        records.append([None if (row_number, c) in bad else v for c, v in zip(header, padded)])
        numbers.append(row_number)
    for merged in merged_ranges:
        problems.append(
            Problem(
                label,
                merged.min_row,
                _header_at(header, merged.min_col),
                show(merged_values.get((merged.min_row, merged.min_col))),
                f"one value per cell: unmerge {merged.coord} and fill each cell",
                ERROR,
            )
        )
    last_data = numbers[-1] if numbers else 0
    for blank in blank_rows:
        if blank < last_data:
            problems.append(
                Problem(label, blank, None, "", "no blank rows between records (row skipped)", WARNING)
            )
    columns = [
        name if name is not None else f"(column {get_column_letter(i + 1)})" for i, name in enumerate(header)
    ]
    frame = pd.DataFrame(records, index=pd.Index(numbers, dtype="int64"), columns=columns, dtype=object)
    frame = frame.loc[:, ~pd.Index(columns).duplicated()]
    return RawSheet(table, label, frame, bad)


def _header_at(header: list, column: int) -> str:
    if 1 <= column <= len(header) and header[column - 1]:
        return header[column - 1]
    return get_column_letter(column)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decode(name: str, data: bytes, problems: list[Problem]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", "replace")
        line = data[: exc.start].count(b"\n") + 1
        word = text.splitlines()[line - 1] if text.splitlines() else ""
        problems.append(
            Problem(
                name,
                line,
                None,
                show(word, 60),
                "UTF-8 text: read as Windows-1252 (Latin-1); check accented letters, and save as 'CSV UTF-8'",
                WARNING,
            )
        )
        return text


def _read_csvs(files: Sequence[tuple[str, bytes]], sha: str) -> RawInput:
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    by_name = {t.lower(): t for t in TABLES}
    for name, data in files:
        table = by_name.get(Path(name).stem.strip().lower())
        if table is None:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    name,
                    "a file named after a table, e.g. stage_history.csv (ignored)",
                    WARNING,
                )
            )
            continue
        if not data.strip():
            problems.append(
                Problem(name, None, None, "0 bytes", "a CSV file with a header row; this one is empty", ERROR)
            )
            continue
        text = _decode(name, data, problems)
        first_line = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first_line.count)
        if delimiter != ",":
            shown = "semicolons" if delimiter == ";" else "tabs"
            problems.append(
                Problem(
                    name,
                    1,
                    None,
                    show(first_line, 60),
                    f"commas between columns (read with {shown})",
                    WARNING,
                )
            )
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        header = [h.strip() for h in records[0]] if records else []
        rows: list[list] = []
        numbers: list[int] = []
        for number, record in enumerate(records[1:], start=2):
            if all(_blank(v) for v in record):
                continue
            if len(record) > len(header) and any(not _blank(v) for v in record[len(header) :]):
                problems.append(
                    Problem(
                        name,
                        number,
                        None,
                        show(",".join(record[len(header) :]), 60),
                        f"{len(header)} columns, as in the header",
                        ERROR,
                    )
                )
            rows.append((record + [None] * len(header))[: len(header)])
            numbers.append(number)
        frame = pd.DataFrame(rows, index=pd.Index(numbers, dtype="int64"), columns=header, dtype=object)
        frame = frame.loc[:, ~pd.Index(header).duplicated()]
        sheets[table] = RawSheet(table, name, frame)
    return RawInput(sheets, problems, sha, ", ".join(n for n, _ in files))
