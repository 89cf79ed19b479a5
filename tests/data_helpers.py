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
SECRET = "a-long-test-secret"  # the with_secret fixture (conftest.py) sets it
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def signed_in(params: dict | None = None):
    """The Data page, signed in as a steward (with the with_secret fixture)."""
    from tests.conftest import run_app

    at = run_app("data", params=params)
    at.text_input(key="admin_password").set_value(SECRET)
    at.button[0].click().run()  # the form's Sign in button
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def upload(at, name: str, data: bytes, mime: str = XLSX):
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def france_moves(book) -> None:
    """An edit that moves France from no recorded activity to initial implementation."""
    book["stage_history"].append(
        ["FRA", 3, "2025-03", "Pilot in two regions (test).", "https://example.org/f"]
    )
