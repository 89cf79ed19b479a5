"""Hostile text through the app's public ways in: URL parameters on every page, and names, titles and
source links published through a workbook. Every one must show as literal text, never as markup."""

from __future__ import annotations

import html
import io
import json
import zipfile

import openpyxl
import pytest

from hmhb_dash import export, ingest, presentation, store, workbook
from hmhb_dash.safe_text import markdown, plotly_label
from tests.conftest import run_app
from tests.data_helpers import column, edit_workbook, make_root, row_of, set_cell
from tests.test_safe_text import has_live_markup, unescape_markdown

MARKUP = "**B**[ok](https://evil.example/)"

# Every query parameter each page reads (q only filters: it is echoed in the result line, not a notice).
PARAMETERS = {
    "": ["year", "grouping", "region", "income", "layer"],
    "country": ["country"],
    "evidence": ["grouping", "region", "global", "country", "topic", "type", "years", "verified", "item"],
    "members": ["grouping", "region", "orgtype", "activity", "org"],
    "present": ["year", "grouping", "region", "income", "since", "country", "parts", "step"],
}
CASES = [(page, name) for page, names in PARAMETERS.items() for name in names]


def shown_texts(at) -> list[str]:
    """The Markdown source of everything a page shows as text."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
    return [element.value for kind in kinds for element in getattr(at, kind)]


@pytest.mark.parametrize(("page", "name"), CASES, ids=[f"{p or 'map'}-{n}" for p, n in CASES])
def test_a_url_value_is_quoted_literally_in_its_notice(page, name):
    at = run_app(page, {name: MARKUP})
    assert not at.exception, at.exception
    notices = [i.value for i in at.info if "evil" in i.value]
    assert notices, f"no notice names {name}"
    for notice in notices:
        assert not has_live_markup(notice), notice
        assert MARKUP in unescape_markdown(notice)
    assert not any("](https://evil" in text or "**B**" in text for text in shown_texts(at))


def test_a_search_is_echoed_as_text():
    at = run_app("evidence", {"q": MARKUP})
    assert not at.exception
    line = next(m.value for m in at.markdown if "matching" in m.value)
    assert markdown(MARKUP) in line and "](https://evil" not in line


CRASHERS = ["²", "9" * 5000, "٢٠٢٤", "-1", "1e3", " ", "0x7e8"]


@pytest.mark.parametrize(
    "value", CRASHERS, ids=["superscript", "5000-digits", "arabic", "neg", "exp", "space", "hex"]
)
@pytest.mark.parametrize(("page", "name"), [("", "year"), ("present", "year"), ("present", "step")])
def test_a_malformed_number_falls_back_with_a_notice(page, name, value):
    at = run_app(page, {name: value})
    assert not at.exception, at.exception
    assert any(name in unescape_markdown(i.value) for i in at.info)


# --- Text from data, published through a workbook ------------------------------------------------
HOSTILE_NAMES = [
    "**Bold** :red[x] ~~x~~ $x^2$ [ok](https://evil.example/)",
    '<b>B</b><a href="https://evil.example/">x</a> & :smile:',
]
HOSTILE_URL = "https://a.example/)[x](javascript:alert(1))"


@pytest.fixture(scope="module", params=HOSTILE_NAMES, ids=["markdown", "html"])
def hostile_root(request, tmp_path_factory):
    """Bangladesh renamed to a hostile name, with a hostile milestone title and source link, published."""
    name = request.param

    def edit(book):
        set_cell(book["countries"], row_of(book["countries"], iso3="BGD"), "name", name)
        milestones = book["milestones"]
        set_cell(milestones, row_of(milestones, id="BGD-2001-impact_trial-1"), "title", name)
        history = book["stage_history"]
        for row in range(2, history.max_row + 1):
            if history.cell(row, column(history, "iso3")).value == "BGD":
                set_cell(history, row, "source_url", HOSTILE_URL)

    root = make_root(tmp_path_factory.mktemp("hostile"))
    result = ingest.validate(workbook.read_files([("hostile.xlsx", edit_workbook(edit))]))
    assert result.tables is not None, result.report.lines()
    store.publish(root, result.tables, by="test", summary="hostile names")
    return root, name


@pytest.fixture
def hostile(hostile_root, monkeypatch):
    root, name = hostile_root
    monkeypatch.setenv("HMHB_DATA_DIR", str(root))
    return root, name


def chart_strings(at) -> list[str]:
    """Every string in the page's plotly figures (names, ticks, hover data)."""

    def walk(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return [s for chart in at.get("plotly_chart") for s in walk(json.loads(chart.proto.spec))]


def assert_charts_show_as_text(at, name: str) -> None:
    strings = chart_strings(at)
    assert any(plotly_label(name) in s for s in strings)
    assert not any("<b>B</b>" in s or "<a href" in s for s in strings)


def test_country_page_title_links_and_timeline_show_the_name_as_text(hostile):
    _, name = hostile
    at = run_app("country", {"country": "BGD"})
    assert not at.exception, at.exception
    assert at.title[0].value == markdown(name)
    assert unescape_markdown(at.title[0].value) == name
    links = [link.proto.label for link in at.get("page_link")]
    assert markdown(f"All evidence naming {name}") in links
    assert_charts_show_as_text(at, name)
    source = next(m.value for m in at.markdown if "source" in m.value and "a.example" in m.value)
    assert "(https://a.example/%29%5Bx%5D%28javascript:alert%281%29%29)" in source


def test_presentation_spotlight_title_is_text(hostile):
    _, name = hostile
    at = run_app("present", {"country": "BGD", "step": "5"})
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [markdown(f"Spotlight: {name}")]


def test_members_timeline_ticks_and_map_hovers_are_text(hostile):
    _, name = hostile
    at = run_app("members")
    assert not at.exception, at.exception
    assert_charts_show_as_text(at, name)


def test_map_picture_names_are_text(hostile):
    from hmhb_dash import geo, svgmap

    root, name = hostile
    _, tables = store.read_tables(root)
    shapes = svgmap.build_shapes(geo.load_boundaries(store.boundaries_path()))
    picture = export.map_svg(briefing_of(tables), shapes)
    assert html.escape(name, quote=True) in picture
    assert "<b>B</b>" not in picture and "<a href" not in picture


# --- Exports ---------------------------------------------------------------------------------------
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("https://evil.example/","x")', "\t=1"]


@pytest.fixture(scope="module")
def formula_tables():
    """The bundled tables with a formula in every text cell kind: a name, a basis, a title."""
    _, tables = store.read_tables(store.PROJECT_DATA_DIR, store.BUNDLED)
    countries = tables["countries"].copy()
    history = tables["stage_history"].copy()
    for i, formula in enumerate(FORMULAS):
        countries.loc[i, "name"] = formula
        history.loc[i, "basis"] = formula
    return {**tables, "countries": countries, "stage_history": history}


def briefing_of(tables):
    import datetime as dt

    from hmhb_dash.permalinks import MapView

    today = dt.date(2026, 6, 1)
    view = presentation.PresentView(MapView(2026), dt.date(2025, 1, 1), (), tuple(presentation.PARTS), 1)
    return presentation.brief(tables, view, today, "test")


def csv_cells(text: str) -> list[str]:
    import csv

    lines = [line for line in text.splitlines() if not line.startswith("# ")]
    return [cell for row in csv.reader(io.StringIO("\n".join(lines))) for cell in row]


def assert_no_formula_starts(cells) -> None:
    texts = [c for c in cells if isinstance(c, str)]
    assert not [c for c in texts if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for formula in FORMULAS:
        assert "'" + formula in texts, formula


def test_view_csv_quotes_every_formula(formula_tables):
    assert_no_formula_starts(csv_cells(export.view_csv(briefing_of(formula_tables)).decode("utf-8")))


def test_view_xlsx_has_no_formula_cell(formula_tables):
    data = export.view_xlsx(briefing_of(formula_tables))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert_no_formula_starts([c.value for row in book["Countries"].iter_rows() for c in row])


def test_dataset_zip_csvs_quote_every_formula(formula_tables):
    data = export.dataset_zip(formula_tables, "test", "1 June 2026")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        countries = archive.read("countries.csv").decode("utf-8")
        history = archive.read("stage_history.csv").decode("utf-8")
    assert_no_formula_starts(csv_cells(countries) + csv_cells(history))
