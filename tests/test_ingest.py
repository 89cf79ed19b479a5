"""Validation of edited workbooks and CSVs: a corpus of malformed inputs, each with its exact problem, and
the store untouched; the diff preview; a valid edit that round-trips to the map."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest

from hmhb_dash import cli, ingest, store, workbook
from hmhb_dash.ingest import ERROR, WARNING
from tests.data_helpers import base_workbook, edit_workbook, make_root, row_of, set_cell, tree_hash
from tests.fixtures import TODAY

NEXT_YEAR = str(TODAY.year + 1)


@pytest.fixture
def root(tmp_path, monkeypatch):
    data = make_root(tmp_path)
    monkeypatch.setenv("HMHB_DATA_DIR", str(data))
    return data


def csv_files(edit: Callable[[str, list[list[str]]], None] | None = None) -> dict[str, list[list[str]]]:
    """Every sheet of the exported workbook as CSV rows (all text), optionally edited."""
    book = openpyxl.load_workbook(io.BytesIO(base_workbook()))
    sheets = {}
    for table in workbook.TABLES:
        rows = [["" if v is None else str(v) for v in r] for r in book[table].iter_rows(values_only=True)]
        sheets[table] = rows
        if edit:
            edit(table, rows)
    return sheets


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return text.getvalue().encode(encoding)


def all_csvs(**overrides: bytes) -> list[tuple[str, bytes]]:
    files = {f"{t}.csv": csv_bytes(rows) for t, rows in csv_files().items()}
    files.update({f"{t}.csv": data for t, data in overrides.items()})
    return list(files.items())


def xlsx(edit: Callable[[openpyxl.Workbook], None]) -> list[tuple[str, bytes]]:
    return [("edited.xlsx", edit_workbook(edit))]


def sheet_edit(sheet: str, edit: Callable) -> list[tuple[str, bytes]]:
    return xlsx(lambda book: edit(book[sheet]))


def cell_edit(sheet: str, where: dict, column: str, value: object) -> list[tuple[str, bytes]]:
    return sheet_edit(sheet, lambda s: set_cell(s, row_of(s, **where), column, value))


BFA1 = {"iso3": "BFA", "stage": 1}  # stage_history row 2 (since 2008)
BFA2 = {"iso3": "BFA", "stage": 2}  # stage_history row 3 (since 2021-12)
HND = {"iso3": "HND"}  # indicators row 3 (women reached, 47000)
LAO = {"iso3": "LAO"}  # hmhb_labels row 5 (phase 1)


def _merge(sheet) -> None:
    sheet.merge_cells("F3:F4")


def _blank_row(sheet) -> None:
    sheet.insert_rows(5)


def _add_country(sheet) -> None:
    sheet.append(["ZZZ", "Zedland"])


def _header_only(sheet) -> None:
    sheet.delete_rows(2, sheet.max_row)


def _stray(sheet) -> None:
    sheet.cell(4, 20).value = "note to self"


def _latin1():
    rows = csv_files()["countries"]
    return all_csvs(countries=csv_bytes(rows, encoding="cp1252"))


@dataclass
class Case:
    id: str
    files: Callable[[], list[tuple[str, bytes]]]
    sheet: str
    row: int | None
    column: str | None
    expected: str  # a phrase of the expected text
    severity: str = ERROR
    errors: int = 1  # how many errors in all (0: accepted)


CASES = [
    # --- the file itself
    Case(
        "text-renamed-xlsx",
        lambda: [("data.xlsx", b"iso3,name\nBGD,Bangladesh\n")],
        "data.xlsx",
        None,
        None,
        "not one",
    ),
    Case("empty-file", lambda: [("empty.xlsx", b"")], "empty.xlsx", None, None, "this file is empty"),
    Case(
        "xls-97",
        lambda: [("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)],
        "old.xlsx",
        None,
        None,
        "Save As > Excel Workbook",
    ),
    Case(
        "far-over-size-limit",
        lambda: [("huge.xlsx", b"PK\x03\x04" + b"\0" * (workbook.MAX_BYTES + 1_000_000))],
        "huge.xlsx",
        None,
        None,
        "at most 10.0 MB",
    ),
    Case(
        "corrupt-zip",
        lambda: [("broken.xlsx", base_workbook()[:5000])],
        "broken.xlsx",
        None,
        None,
        "damaged",
    ),
    Case("wrong-file-type", lambda: [("notes.txt", b"hello")], "notes.txt", None, None, "one .xlsx workbook"),
    # --- sheets and columns
    Case(
        "missing-sheet",
        lambda: xlsx(lambda b: b.remove(b["organisations"])),
        "organisations",
        None,
        None,
        "a sheet named 'organisations'",
    ),
    Case(
        "renamed-sheet",
        lambda: xlsx(lambda b: setattr(b["stage_history"], "title", "Stages")),
        "stage_history",
        None,
        None,
        "sheets found:",
    ),
    Case(
        "missing-column",
        lambda: sheet_edit("stage_history", lambda s: s.delete_cols(4)),
        "stage_history",
        1,
        "basis",
        "a column headed 'basis'",
    ),
    Case(
        "unknown-column",
        lambda: sheet_edit("milestones", lambda s: s.cell(1, s.max_column + 1, "notes")),
        "milestones",
        1,
        "notes",
        "only the columns named in the README",
    ),
    Case(
        "data-without-header",
        lambda: sheet_edit("activities", _stray),
        "activities",
        4,
        "T",
        "only under a column header",
    ),
    Case(
        "countries-empty",
        lambda: sheet_edit("countries", _header_only),
        "countries",
        None,
        None,
        "the countries sheet is empty",
    ),
    # --- codes and references
    Case(
        "bad-iso3",
        lambda: cell_edit("stage_history", BFA1, "iso3", "XYZ"),
        "stage_history",
        2,
        "iso3",
        "listed in the countries sheet",
    ),
    Case(
        "lower-case-iso3",
        lambda: cell_edit("activities", {"iso3": "NGA"}, "iso3", "nga"),
        "activities",
        None,
        "iso3",
        "did you mean NGA?",
    ),
    Case(
        "not-an-iso-country",
        lambda: sheet_edit("countries", _add_country),
        "countries",
        252,
        "iso3",
        "ISO 3166-1 alpha-3",
    ),
    Case(
        "duplicate-country",
        lambda: cell_edit("countries", {"iso3": "AFG"}, "iso3", "ABW"),
        "countries",
        3,
        "iso3",
        "row 2 has the same",
    ),
    Case(
        "unknown-organisation",
        lambda: cell_edit("activities", {"organisation_id": "NYAS"}, "organisation_id", "Nobody Inc"),
        "activities",
        2,
        "organisation_id",
        "an id from the organisations sheet",
    ),
    Case(
        "unknown-evidence-country",
        lambda: cell_edit("evidence", {"countries": "NPL"}, "countries", "NPL;QQQ"),
        "evidence",
        None,
        "countries",
        "listed in the countries sheet",
    ),
    Case(
        "unknown-hq-country",
        lambda: cell_edit("organisations", {"id": "CIFF"}, "hq_iso3", "UKX"),
        "organisations",
        3,
        "hq_iso3",
        "listed in the countries sheet",
    ),
    # --- dates
    Case(
        "impossible-date",
        lambda: cell_edit("stage_history", BFA2, "since", "2023-02-30"),
        "stage_history",
        3,
        "since",
        "exists in the calendar",
    ),
    Case(
        "future-date",
        lambda: cell_edit("stage_history", BFA2, "since", NEXT_YEAR + "-06"),
        "stage_history",
        3,
        "since",
        "not in the future",
    ),
    Case(
        "too-old-date",
        lambda: cell_edit("stage_history", BFA1, "since", "1890"),
        "stage_history",
        2,
        "since",
        "from 1950 on",
    ),
    Case(
        "day-month-order",
        lambda: cell_edit("stage_history", BFA2, "since", "17/10/2022"),
        "stage_history",
        3,
        "since",
        "day and month order is ambiguous",
    ),
    Case(
        "excel-serial-date",
        lambda: cell_edit("stage_history", BFA2, "since", 45000),
        "stage_history",
        3,
        "since",
        "serial number, read as 2023-03-15",
        WARNING,
        errors=0,
    ),
    Case(
        "excel-serial-in-future",
        lambda: cell_edit("stage_history", BFA2, "since", 80000),
        "stage_history",
        3,
        "since",
        "not in the future",
    ),
    Case(
        "stage-order",
        lambda: cell_edit("stage_history", BFA2, "since", "2000"),
        "stage_history",
        3,
        "since",
        "stages follow each other in time",
    ),
    Case(
        "undated-lower-stage",
        lambda: cell_edit("stage_history", BFA1, "since", None),
        "stage_history",
        2,
        "since",
        "an undated stage counts from today",
    ),
    # --- values
    Case(
        "unknown-stage",
        lambda: cell_edit("stage_history", BFA1, "stage", 7),
        "stage_history",
        2,
        "stage",
        "a stage code 0",
    ),
    Case(
        "duplicate-stage",
        lambda: cell_edit("stage_history", BFA2, "stage", 1),
        "stage_history",
        3,
        "stage",
        "row 2 has the same",
    ),
    Case(
        "missing-required",
        lambda: cell_edit("stage_history", BFA1, "basis", None),
        "stage_history",
        2,
        "basis",
        "required",
    ),
    Case(
        "unknown-kind",
        lambda: cell_edit("milestones", {"id": "BFA-2008-impact_trial-1"}, "kind", "launch"),
        "milestones",
        2,
        "kind",
        "one of: impact_trial",
    ),
    Case(
        "duplicate-id",
        lambda: cell_edit("milestones", {"id": "BFA-2021-exploration-1"}, "id", "BFA-2008-impact_trial-1"),
        "milestones",
        3,
        "id",
        "row 2 has the same",
    ),
    Case(
        "javascript-link",
        lambda: cell_edit(
            "milestones", {"id": "BFA-2008-impact_trial-1"}, "source_url", "javascript:alert(1)"
        ),
        "milestones",
        2,
        "source_url",
        "http:// or https://",
    ),
    Case(
        "link-with-space",
        lambda: cell_edit("evidence", {"countries": "NPL"}, "url", "https://doi.org/10.1 136"),
        "evidence",
        None,
        "url",
        "no spaces",
    ),
    Case(
        "formula",
        lambda: cell_edit("milestones", {"id": "BFA-2008-impact_trial-1"}, "title", "=B3&C3"),
        "milestones",
        2,
        "title",
        "not a formula",
    ),
    Case(
        "merged-cells",
        lambda: sheet_edit("activities", _merge),
        "activities",
        3,
        "description",
        "unmerge F3:F4",
    ),
    Case(
        "end-before-start",
        lambda: sheet_edit(
            "activities", lambda s: (set_cell(s, 2, "start_year", 2020), set_cell(s, 2, "end_year", 2019))
        ),
        "activities",
        2,
        "end_year",
        "not before the start year",
    ),
    Case(
        "year-as-words",
        lambda: cell_edit("evidence", {"countries": "NPL"}, "year", "twenty"),
        "evidence",
        None,
        "year",
        "a whole year",
    ),
    Case(
        "unknown-topic",
        lambda: cell_edit("evidence", {"countries": "NPL"}, "topics", "Research;Nutrition"),
        "evidence",
        None,
        "topics",
        "topics from this list",
    ),
    Case(
        "verified-maybe",
        lambda: cell_edit("organisations", {"id": "CIFF"}, "verified", "maybe"),
        "organisations",
        3,
        "verified",
        "yes or no",
    ),
    # --- accepted, with or without a warning
    Case(
        "blank-row",
        lambda: sheet_edit("evidence", _blank_row),
        "evidence",
        5,
        None,
        "no blank rows",
        WARNING,
        errors=0,
    ),
    Case(
        "html-title-is-text",
        lambda: cell_edit(
            "milestones", {"id": "BFA-2008-impact_trial-1"}, "title", "<script>alert(1)</script>"
        ),
        "milestones",
        2,
        "title",
        "",
        "none",
        errors=0,
    ),
    Case(
        "unverified-source",
        lambda: [("w.xlsx", base_workbook())],
        "organisations",
        2,
        "verified",
        "checked the source",
        WARNING,
        errors=0,
    ),
    # --- CSVs
    Case(
        "csv-with-bom",
        lambda: all_csvs(countries=b"\xef\xbb\xbf" + csv_bytes(csv_files()["countries"])),
        "countries.csv",
        1,
        "iso3",
        "",
        "none",
        errors=0,
    ),
    Case(
        "csv-semicolons",
        lambda: all_csvs(stage_history=csv_bytes(csv_files()["stage_history"], delimiter=";")),
        "stage_history.csv",
        1,
        None,
        "read with semicolons",
        WARNING,
        errors=0,
    ),
    # --- indicators and HMHB labels
    Case(
        "indicator-unknown-kind",
        lambda: cell_edit("indicators", HND, "indicator", "women_helped"),
        "indicators",
        3,
        "indicator",
        "one of: women_reached",
    ),
    Case(
        "indicator-value-in-words",
        lambda: cell_edit("indicators", HND, "value", "over 47,000"),
        "indicators",
        3,
        "value",
        "a whole number of 0 or more",
    ),
    Case(
        "indicator-negative-value",
        lambda: cell_edit("indicators", HND, "value", -5),
        "indicators",
        3,
        "value",
        "a whole number of 0 or more",
    ),
    Case(
        "indicator-unknown-country",
        lambda: cell_edit("indicators", HND, "iso3", "XYZ"),
        "indicators",
        3,
        "iso3",
        "a code listed in the countries sheet",
    ),
    Case(
        "indicator-bad-link",
        lambda: cell_edit("indicators", HND, "source_url", "www.kirkhumanitarian.org"),
        "indicators",
        3,
        "source_url",
        "an http:// or https:// link",
    ),
    Case(
        "indicator-unverified",
        lambda: cell_edit("indicators", HND, "verified", "no"),
        "indicators",
        3,
        "verified",
        "yes once someone has checked the source",
        WARNING,
        errors=0,
    ),
    Case(
        "hmhb-phase-beyond-three",
        lambda: cell_edit("hmhb_labels", LAO, "code", 4),
        "hmhb_labels",
        5,
        "code",
        "a phase code 1, 2 or 3",
    ),
    Case(
        "hmhb-duplicate-scheme",
        lambda: cell_edit("hmhb_labels", {"iso3": "VNM", "scheme": "phase"}, "scheme", "map_category"),
        "hmhb_labels",
        12,
        "scheme",
        "a unique iso3 and scheme",
    ),
    Case(
        "hmhb-label-differs-from-stage",
        lambda: cell_edit("hmhb_labels", {"iso3": "BGD"}, "code", 2),
        "hmhb_labels",
        2,
        "code",
        "a label matching the project's stage for BGD",
        WARNING,
        errors=0,
    ),
    Case("csv-latin-1", _latin1, "countries.csv", None, None, "read as Windows-1252", WARNING, errors=0),
    Case(
        "csv-missing-table",
        lambda: [f for f in all_csvs() if f[0] != "evidence.csv"],
        "evidence",
        None,
        None,
        "a sheet named 'evidence'",
    ),
    Case(
        "csv-ragged-row",
        lambda: all_csvs(
            stage_history=csv_bytes(csv_files()["stage_history"]) + b"FRA,1,2020,b,https://x.org,extra\n"
        ),
        "stage_history.csv",
        48,
        None,
        "5 columns, as in the header",
    ),
]


def _check(case: Case, result: ingest.Result) -> None:
    report = result.report
    assert len(report.errors) == case.errors, report.lines()[:10]
    if case.severity == "none":  # accepted as it is: nothing reported at that place
        assert not report.find(case.sheet, case.row, case.column), report.lines()[:10]
        return
    matches = [
        p
        for p in report.problems
        if p.sheet == case.sheet
        and (case.row is None or p.row == case.row)
        and p.column == case.column
        and p.severity == case.severity
        and case.expected in p.expected
    ]
    assert matches, f"expected {case} in:\n" + "\n".join(report.lines()[:20])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_gets_its_exact_problem_and_the_store_is_untouched(case, root, tmp_path, capsys):
    files = case.files()
    result = ingest.validate(workbook.read_files(files))
    _check(case, result)
    assert (result.tables is None) == (case.errors > 0)
    # The whole command-line path, publish requested: a rejected file changes no byte of the store.
    folder = tmp_path / "upload"
    folder.mkdir()
    for name, data in files:
        (folder / name).write_bytes(data)
    target = folder / files[0][0] if len(files) == 1 else folder
    before = tree_hash(root)
    code = cli.main(["ingest", str(target)] + (["--publish", "--by", "corpus"] if case.errors else []))
    assert code == (1 if case.errors else 0)
    assert tree_hash(root) == before


def test_corpus_is_large_enough():
    assert sum(1 for c in CASES if c.errors) >= 30


def test_html_title_stays_literal_text():
    files = cell_edit(
        "milestones", {"id": "BFA-2008-impact_trial-1"}, "title", "<b>bold</b> & <script>x</script>"
    )
    result = ingest.validate(workbook.read_files(files))
    title = result.tables["milestones"].set_index("id").loc["BFA-2008-impact_trial-1", "title"]
    assert title == "<b>bold</b> & <script>x</script>"


def test_csv_latin1_names_decode_correctly():
    result = ingest.validate(workbook.read_files(_latin1()))
    names = set(result.tables["countries"]["name"])
    assert "Côte d'Ivoire" in names or "Côte d’Ivoire" in names


def test_semicolon_csv_keeps_its_values():
    files = all_csvs(stage_history=csv_bytes(csv_files()["stage_history"], delimiter=";"))
    result = ingest.validate(workbook.read_files(files))
    current = store.read_tables(store.PROJECT_DATA_DIR)[1]
    assert ingest.diff(current, result.tables).empty


@pytest.mark.parametrize(
    ("value", "expected", "precision"),
    [
        ("2021", "2021-01-01", "year"),
        ("2021-07", "2021-07-01", "month"),
        ("2021-07-05", "2021-07-05", "day"),
        (" 2021-7-5 ", "2021-07-05", "day"),
        (dt.datetime(2019, 3, 4), "2019-03-04", "day"),
        (2015, "2015-01-01", "year"),
        (2015.0, "2015-01-01", "year"),
        ("45000", "2023-03-15", "day"),
        (None, None, "not reported"),
        ("", None, "not reported"),
    ],
)
def test_dates_in_every_accepted_form(value, expected, precision):
    stamp, got_precision, _ = ingest.parse_date(value, TODAY)
    assert (None if stamp is None else stamp.date().isoformat()) == expected
    assert got_precision == precision


def test_round_trip_of_the_bundled_data_changes_nothing():
    _, current = store.read_tables(store.PROJECT_DATA_DIR, store.BUNDLED)
    result = ingest.validate(workbook.read_files([("w.xlsx", base_workbook())]))
    assert result.report.ok
    change = ingest.diff(current, result.tables)
    assert change.empty, change.changes().head()
    for name in current:
        assert ingest.records(result.tables[name]) == ingest.records(current[name]), name
        for column in current[name].columns:
            if str(current[name][column].dtype) != "object":  # an all-empty column may be object
                assert result.tables[name][column].dtype == current[name][column].dtype, (name, column)


def _move_france(book) -> None:
    sheet = book["stage_history"]
    sheet.append(["FRA", 3, "2025-03", "Pilot in two regions (test edit).", "https://example.org/fra"])


def test_diff_reports_stage_moves_and_row_changes():
    _, current = store.read_tables(store.PROJECT_DATA_DIR, store.BUNDLED)

    def edit(book):
        _move_france(book)
        set_cell(book["milestones"], 2, "title", "Changed title")
        book["evidence"].delete_rows(2)

    result = ingest.validate(workbook.read_files(xlsx(edit)))
    change = ingest.diff(current, result.tables)
    moves = change.stage_changes.set_index("iso3")
    assert moves.loc["FRA", "from_stage"] == 0 and moves.loc["FRA", "to_stage"] == 3
    assert moves.loc["FRA", "since"] == "Mar 2025"
    counts = change.counts().set_index("table")
    assert counts.loc["stage_history", "added"] == 1
    assert counts.loc["milestones", "changed"] == 1
    assert counts.loc["evidence", "removed"] == 1
    assert "FRA 0->3" in change.summary()
    changed = change.changes()
    assert changed[changed["change"] == "changed"]["detail"].str.contains("Changed title").any()


def test_valid_edit_round_trips_to_the_map(root, tmp_path):
    """Export, edit (France moves to stage 3), ingest, publish: the map shows it."""
    from tests.conftest import run_app

    out = tmp_path / "export.xlsx"
    assert cli.main(["export-workbook", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    _move_france(book)
    book.save(out)
    assert cli.main(["ingest", str(out), "--publish", "--by", "Test Steward"]) == 0
    at = run_app()
    assert not at.exception
    table = at.dataframe[0].value
    france = table[table["name"] == "France"]
    assert list(france["stage_label"]) == ["Initial implementation"]
    entry = store.publish_log(root)[-1]
    assert entry["by"] == "Test Steward" and "FRA 0->3" in entry["summary"]
    assert len(entry["source_sha256"]) == 64
