"""The exported workbook: README, a sheet per table, dropdowns, frozen headers, widths; text stays text."""

from __future__ import annotations

import io

import openpyxl
import pytest

from hmhb_dash import ingest, store, workbook
from hmhb_dash.schema import (
    ACTIVITY_TYPES,
    EVIDENCE_TYPES,
    MILESTONE_KINDS,
    ORGANISATION_TYPES,
    TABLES,
    TOPICS,
)
from tests.data_helpers import base_workbook


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(base_workbook()))


def dropdown_values(book, sheet: str, column: str) -> tuple[list, bool]:
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(header.index(column) + 1)
    for validation in ws.data_validations.dataValidation:
        if any(str(r).startswith(f"{letter}2:") for r in validation.sqref.ranges):
            ref = validation.formula1.split("!")[1].replace("$", "")
            cells = book[workbook.LISTS_SHEET][ref]
            return [c[0].value for c in cells], bool(validation.showErrorMessage)
    raise AssertionError(f"no dropdown on {sheet}.{column}")


def test_sheets_readme_first_then_one_per_table(book):
    assert book.sheetnames[0] == workbook.README_SHEET
    assert book.sheetnames[1 : 1 + len(TABLES)] == list(TABLES)
    assert book[workbook.LISTS_SHEET].sheet_state == "hidden"


def test_readme_explains_every_column(book):
    rows = list(book[workbook.README_SHEET].iter_rows(values_only=True))
    described = {(r[0], r[1]) for r in rows if r and r[0] in TABLES}
    expected = {(t, c) for t in TABLES for c in ingest.workbook_columns(t)}
    assert described == expected
    stage_row = next(r for r in rows if r[:2] == ("stage_history", "stage"))
    assert "4 (Scale-up)" in stage_row[3] or "4" in stage_row[3]
    assert all(r[4] for r in rows if r and r[0] in TABLES), "every column has a meaning"


@pytest.mark.parametrize(
    ("sheet", "column", "values", "strict"),
    [
        ("stage_history", "stage", [0, 1, 2, 3, 4], True),
        ("milestones", "kind", list(MILESTONE_KINDS), True),
        ("organisations", "type", list(ORGANISATION_TYPES), True),
        ("activities", "activity_type", list(ACTIVITY_TYPES), True),
        ("evidence", "type", list(EVIDENCE_TYPES), True),
        ("evidence", "topics", list(TOPICS), False),  # several topics are typed with ';'
        ("evidence", "verified", ["yes", "no"], True),
        ("countries", "wb_income", ["L", "LM", "UM", "H"], True),
    ],
)
def test_closed_vocabularies_have_dropdowns(book, sheet, column, values, strict):
    assert dropdown_values(book, sheet, column) == (values, strict)


def test_headers_frozen_and_columns_readable(book):
    for table in TABLES:
        ws = book[table]
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == ingest.workbook_columns(table)
        for letter, dim in ws.column_dimensions.items():
            assert 10 <= dim.width <= 64, (table, letter, dim.width)
    assert book["milestones"].column_dimensions["E"].width > book["milestones"].column_dimensions["B"].width


def test_dates_keep_their_precision_as_text(book):
    ws = book["stage_history"]
    values = {c.value for c in ws["C"][1:] if c.value}
    assert "2008" in values  # year precision
    assert "2021-12" in values  # month precision
    assert all(isinstance(v, str) for v in values)


def test_text_that_looks_like_a_formula_is_exported_as_text():
    _, tables = store.read_tables(store.PROJECT_DATA_DIR, store.BUNDLED)
    milestones = tables["milestones"].copy()
    milestones.loc[0, "title"] = '=HYPERLINK("http://evil.example","click")'
    data = workbook.export_workbook({**tables, "milestones": milestones}, "test")
    ws = openpyxl.load_workbook(io.BytesIO(data))["milestones"]
    assert ws["E2"].data_type == "s"
    result = ingest.validate(workbook.read_files([("w.xlsx", data)]))
    assert result.report.ok
    assert result.tables["milestones"]["title"].iloc[0] == '=HYPERLINK("http://evil.example","click")'


def test_control_characters_do_not_break_the_export():
    _, tables = store.read_tables(store.PROJECT_DATA_DIR, store.BUNDLED)
    evidence = tables["evidence"].copy()
    evidence.loc[0, "summary"] = "bell\x07 and text"
    data = workbook.export_workbook({**tables, "evidence": evidence}, "test")
    assert openpyxl.load_workbook(io.BytesIO(data))["evidence"]["L2"].value == "bell and text"


def test_read_keeps_excel_row_numbers():
    raw = workbook.read_files([("w.xlsx", base_workbook())])
    frame = raw.sheets["stage_history"].frame
    assert frame.index[0] == 2 and frame.index[-1] == len(frame) + 1
    assert frame.loc[2, "iso3"] == "BFA"
