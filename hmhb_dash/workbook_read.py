"""Read an edited workbook or CSV files back: every cell as Excel or the CSV gave it, keyed by Excel row.

What is wrong with the file itself (not a workbook, too big, formulas, merged cells, encodings) is
reported here, in the current language; validate.py then checks the contents.
"""

from __future__ import annotations

import csv
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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from hmhb_dash import i18n
from hmhb_dash.cells import blank, show
from hmhb_dash.i18n import N_, _, ngettext
from hmhb_dash.problems import ERROR, WARNING, Problem, problem
from hmhb_dash.schema import TABLES
from hmhb_dash.table_rules import LISTS_SHEET, README_SHEET

MAX_BYTES = 10 * 1024 * 1024  # an upload larger than this is refused before it is opened
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a small .xlsx that unpacks to more is a zip bomb
FILE = N_("(file)")  # the sheet column of a problem with no file at all (translate with _())
_MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


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
        return ", ".join(s.label for s in self.sheets.values()) or _("none")


def _fatal(label: str, value: object, expected: str, sha: str = "", source: str = "") -> RawInput:
    return RawInput({}, [problem(label, None, None, value, expected)], sha, source, fatal=True)


def _megabytes(size: int) -> str:
    """'10.0 MB' ('10 Mo' in French: the language's decimal sign and unit)."""
    megabytes = round(size / 1024 / 1024, 1)
    shown = f"{megabytes:.1f}" if i18n.current() == i18n.DEFAULT else i18n.format_number(megabytes)
    return _("{size} MB").format(size=shown)


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
        raise FileRefused(_("a file that cannot be opened ({reason})").format(reason=exc.strerror)) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefused(_("not a regular file (a device, pipe or socket)"))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(_("a file larger than {size}").format(size=_megabytes(limit)))
    return data


def read_path(path: Path) -> RawInput:
    """A workbook file, a CSV file, or a folder of CSV files named after the tables."""
    path = Path(path)
    try:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
            if not files:
                return _fatal(path.name, path.name, _("a folder holding CSV files named after the tables"))
            payload, budget = [], MAX_BYTES
            for file in files:
                payload.append((file.name, read_bounded(file, budget)))
                budget -= len(payload[-1][1])
            return read_files(payload)
        if not path.exists():
            return _fatal(path.name, str(path), _("an existing file or folder"))
        return read_files([(path.name, read_bounded(path))])
    except FileRefused as exc:
        expected = _("a regular file of at most {size}").format(size=_megabytes(MAX_BYTES))
        return _fatal(path.name, str(exc), expected)


def read_files(files: Sequence[tuple[str, bytes]]) -> RawInput:
    """Uploaded files: one .xlsx workbook, or CSV files named after the tables."""
    if not files:
        return _fatal(_(FILE), "", _("a workbook (.xlsx) or CSV files"))
    total = sum(len(data) for _name, data in files)
    names = ", ".join(name for name, _data in files)
    if total > MAX_BYTES:
        expected = _("a file of at most {size}").format(size=_megabytes(MAX_BYTES))
        return _fatal(names, _megabytes(total), expected)
    digests = sorted((name, hashlib.sha256(data).hexdigest()) for name, data in files)
    sha = digests[0][1] if len(files) == 1 else hashlib.sha256(repr(digests).encode()).hexdigest()
    suffixes = {Path(name).suffix.lower() for name, _ in files}
    if suffixes == {".xlsx"} and len(files) == 1:
        name, data = files[0]
        return _read_xlsx(name, data, sha)
    if suffixes == {".csv"}:
        return _read_csvs(files, sha)
    return _fatal(names, names, _("one .xlsx workbook, or CSV files named after the tables"), sha, names)


# --- Workbooks -------------------------------------------------------------------------------------
def _not_a_workbook(name: str, data: bytes, sha: str) -> RawInput | None:
    """Why these bytes are no .xlsx workbook worth opening, or None."""
    if not data:
        return _fatal(name, _("0 bytes"), _("an Excel workbook; this file is empty"), sha, name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        expected = _("an .xlsx workbook: in Excel, Save As > Excel Workbook")
        return _fatal(name, _("Excel 97-2003 file"), expected, sha, name)
    if data[:4] != b"PK\x03\x04":
        start = data[:20].decode("utf-8", "replace")
        expected = _("an .xlsx workbook; this file is not one (is it text renamed .xlsx?)")
        return _fatal(name, start, expected, sha, name)
    return None


def _read_xlsx(name: str, data: bytes, sha: str) -> RawInput:
    if refused := _not_a_workbook(name, data, sha):
        return refused
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            expected = _("a workbook that unpacks to a reasonable size")
            return _fatal(name, _megabytes(unpacked), expected, sha, name)
        archive = zipfile.ZipFile(io.BytesIO(data))
        # Read-only mode streams the XML (several times faster on big sheets); merged cells, which it
        # does not expose, are read from each sheet's XML directly.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    except Exception as exc:  # any damage in a zip/XML is the file's problem, reported, never raised
        expected = _("an .xlsx workbook Excel can open; this one is damaged")
        return _fatal(name, type(exc).__name__, expected, sha, name)
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    by_name = {t.lower(): t for t in TABLES}
    for sheet in book.worksheets:
        if sheet.title in (README_SHEET, LISTS_SHEET):
            continue
        table = by_name.get(sheet.title.strip().lower())
        if table is None:
            expected = _("a sheet named after a table (ignored)")
            problems.append(problem(sheet.title, None, None, sheet.title, expected, WARNING))
        elif table in sheets:
            expected = _("one sheet named {table}").format(table=table)
            problems.append(problem(sheet.title, None, None, sheet.title, expected))
        else:
            try:
                sheets[table] = _read_sheet(sheet, table, _merged_ranges(archive, sheet), problems)
            except Exception as exc:  # damaged sheet XML: reported, never raised
                expected = _("a sheet Excel can open (damaged)")
                problems.append(problem(sheet.title, None, None, type(exc).__name__, expected))
    book.close()
    archive.close()
    return RawInput(sheets, problems, sha, name)


def _merged_ranges(archive: zipfile.ZipFile, sheet) -> list[CellRange]:
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return []
    xml = archive.read(path.lstrip("/"))
    return [CellRange(ref.decode()) for ref in _MERGE_REF.findall(xml)]


def _read_header(label: str, header_cells, problems: list[Problem]) -> list[str | None]:
    header = [None if blank(c.value) else str(c.value).strip() for c in header_cells]
    while header and header[-1] is None:
        header.pop()
    if not any(header):
        problems.append(problem(label, 1, None, "", _("column headers in row 1 (see the README sheet)")))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(label, 1, name, name, _("each column header once"), ERROR))
        seen.add(name or "")
    return header


def _header_at(header: list, column: int) -> str:
    if 1 <= column <= len(header) and header[column - 1]:
        return header[column - 1]
    return get_column_letter(column)


def _merged_cells(merged_ranges: list[CellRange], header: list) -> set[tuple[int, str]]:
    """The cells a merge hides (all but its first), which read as empty: one problem per range instead."""
    hidden: set[tuple[int, str]] = set()
    for merged in merged_ranges:
        for row_number in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if (row_number, col) != (merged.min_row, merged.min_col):
                    hidden.add((row_number, _header_at(header, col)))
    return hidden


def _cell_problems(label, row_number, cells, header, bad, problems: list[Problem]) -> None:
    """Formulas and values outside the headed columns, in one row."""
    for col, cell in enumerate(cells, start=1):
        if getattr(cell, "data_type", None) == "f" and not blank(cell.value):
            column = _header_at(header, col)
            problems.append(
                problem(
                    label,
                    row_number,
                    column,
                    str(cell.value),
                    _("a typed value, not a formula (copy the column and paste values only)"),
                )
            )
            bad.add((row_number, column))
        elif col > len(header) and not blank(cell.value):
            column = get_column_letter(col)
            expected = _("data only under a column header")
            problems.append(problem(label, row_number, column, cell.value, expected))


def _read_sheet(sheet, table: str, merged_ranges: list[CellRange], problems: list[Problem]) -> RawSheet:
    label = sheet.title
    rows = sheet.iter_rows(min_row=1, min_col=1)
    header = _read_header(label, next(rows, ()), problems)
    bad = _merged_cells(merged_ranges, header)
    merged_values = {(m.min_row, m.min_col): None for m in merged_ranges}
    records: list[list] = []
    numbers: list[int] = []
    blank_rows: list[int] = []
    width = len(header)
    for row_number, cells in enumerate(rows, start=2):
        values = [c.value for c in cells]
        for col, value in enumerate(values, start=1):
            if (row_number, col) in merged_values:
                merged_values[(row_number, col)] = value
        if all(blank(v) for v in values):
            blank_rows.append(row_number)
            continue
        _cell_problems(label, row_number, cells, header, bad, problems)
        padded = (values + [None] * width)[:width]
        records.append([None if (row_number, c) in bad else v for c, v in zip(header, padded)])
        numbers.append(row_number)
    for merged in merged_ranges:
        first = (merged.min_row, merged.min_col)
        expected = _("one value per cell: unmerge {cells} and fill each cell").format(cells=merged.coord)
        problems.append(
            problem(
                label, merged.min_row, _header_at(header, merged.min_col), merged_values.get(first), expected
            )
        )
    last_data = numbers[-1] if numbers else 0
    problems += [
        problem(label, row, None, "", _("no blank rows between records (row skipped)"), WARNING)
        for row in blank_rows
        if row < last_data
    ]
    columns = [
        name if name is not None else _("(column {letter})").format(letter=get_column_letter(i + 1))
        for i, name in enumerate(header)
    ]
    return RawSheet(table, label, _frame(records, numbers, columns), bad)


def _frame(records: list[list], numbers: list[int], columns: list[str]) -> pd.DataFrame:
    """Object cells indexed by Excel row number; a repeated header keeps its first column."""
    frame = pd.DataFrame(records, index=pd.Index(numbers, dtype="int64"), columns=columns, dtype=object)
    return frame.loc[:, ~pd.Index(columns).duplicated()]


# --- CSV files -------------------------------------------------------------------------------------
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
        expected = _(
            "UTF-8 text: read as Windows-1252 (Latin-1); check accented letters, and save as 'CSV UTF-8'"
        )
        problems.append(Problem(name, line, None, show(word, 60), expected, WARNING))
        return text


def _records(name: str, text: str, problems: list[Problem]) -> list[list[str]]:
    """The CSV's rows, read with the delimiter its first line uses most (flagged unless a comma)."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if delimiter != ",":
        if delimiter == ";":
            expected = _("commas between columns (read with semicolons)")
        else:
            expected = _("commas between columns (read with tabs)")
        problems.append(Problem(name, 1, None, show(first_line, 60), expected, WARNING))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _expected_columns(count: int) -> str:
    return ngettext("{n} column, as in the header", "{n} columns, as in the header", count).format(n=count)


def _read_csv(name: str, table: str, text: str, problems: list[Problem]) -> RawSheet:
    records = _records(name, text, problems)
    header = [h.strip() for h in records[0]] if records else []
    rows: list[list] = []
    numbers: list[int] = []
    for number, record in enumerate(records[1:], start=2):
        if all(blank(v) for v in record):
            continue
        if len(record) > len(header) and any(not blank(v) for v in record[len(header) :]):
            extra = show(",".join(record[len(header) :]), 60)
            problems.append(Problem(name, number, None, extra, _expected_columns(len(header)), ERROR))
        rows.append((record + [None] * len(header))[: len(header)])
        numbers.append(number)
    return RawSheet(table, name, _frame(rows, numbers, header))


def _read_csvs(files: Sequence[tuple[str, bytes]], sha: str) -> RawInput:
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    by_name = {t.lower(): t for t in TABLES}
    for name, data in files:
        table = by_name.get(Path(name).stem.strip().lower())
        if table is None:
            expected = _("a file named after a table, e.g. stage_history.csv (ignored)")
            problems.append(Problem(name, None, None, name, expected, WARNING))
        elif not data.strip():
            problems.append(
                problem(name, None, None, _("0 bytes"), _("a CSV file with a header row; this one is empty"))
            )
        else:
            sheets[table] = _read_csv(name, table, _decode(name, data, problems), problems)
    return RawInput(sheets, problems, sha, ", ".join(n for n, _ in files))
