"""Helpers for the data-stewardship tests: a temporary store, file hashes, workbook edits."""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl

from hmhb_dash import store, workbook

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "bundled"


def make_root(tmp_path: Path) -> Path:
    """A data directory holding a copy of the bundled snapshot (tests never write into data/)."""
    root = tmp_path / "data"
    shutil.copytree(BUNDLED, root / "bundled")
    return root


def tree_hash(root: Path) -> dict[str, str]:
    """sha256 of every file under root, hidden ones included."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@functools.cache
def base_workbook() -> bytes:
    """The bundled data exported as a workbook (built once per test session)."""
    version, tables = store.read_tables(ROOT / "data", store.BUNDLED)
    return workbook.export_workbook(tables, version)


def edit_workbook(edit: Callable[[openpyxl.Workbook], None], data: bytes | None = None) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data or base_workbook()))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column(sheet, name: str) -> int:
    for cell in sheet[1]:
        if cell.value == name:
            return cell.column
    raise KeyError(name)


def row_of(sheet, **match: object) -> int:
    """The Excel row number of the first row whose cells equal `match`."""
    columns = {name: column(sheet, name) for name in match}
    for row in range(2, sheet.max_row + 1):
        if all(sheet.cell(row, columns[name]).value == value for name, value in match.items()):
            return row
    raise KeyError(match)


def set_cell(sheet, row: int, name: str, value: object) -> None:
    sheet.cell(row, column(sheet, name)).value = value
