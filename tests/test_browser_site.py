"""Browser tests of the static site from file://, every non-file request blocked and recorded."""

from __future__ import annotations

import re

import pytest

from hmhb_dash import site, store
from tests.site_helpers import HOSTILE_TITLE, hostile_tables, write_store

SHAPES = "#map path[data-iso3]"


class FilePage:
    """A tab that may load only file:// URLs; records script errors, dialogs and blocked requests."""

    def __init__(self, context):
        self.external: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.watch(self.page)

    def watch(self, page) -> None:
        page.route("**/*", self._route)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, folder, path: str) -> None:
        self.page.goto((folder / path).as_uri())

    def clean(self) -> bool:
        return not self.errors and not self.dialogs and not self.external


@pytest.fixture
def tab(browser):
    opened = FilePage(browser)
    yield opened
    opened.page.close()


def fills(page) -> list[str]:
    return page.locator(SHAPES).evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")


def set_year(page, year: int) -> None:
    page.locator("#year").evaluate(
        "(input, year) => { input.value = String(year); input.dispatchEvent(new Event('input')); }", year
    )


def test_index_draws_the_map_from_disk(tab, built_site):
    _, folder = built_site
    tab.open(folder, "index.html")
    page = tab.page
    page.wait_for_selector(SHAPES)
    assert page.locator(SHAPES).count() >= 200
    assert page.locator(".hmhb-legend").get_by_text("Scale-up (", exact=False).count() == 1
    assert page.locator('#map path[data-iso3="BGD"] title').text_content().startswith("Bangladesh: ")
    assert page.locator("#country-rows tr:not([hidden])").count() >= 20
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)


def test_hover_and_click_on_bangladesh_opens_its_page(tab, built_site):
    _, folder = built_site
    tab.open(folder, "index.html")
    page = tab.page
    bangladesh = page.locator('#map path[data-iso3="BGD"]')
    bangladesh.scroll_into_view_if_needed()
    bangladesh.hover()
    tip = page.locator(".hmhb-tip")
    tip.wait_for(state="visible", timeout=10_000)
    assert "Bangladesh" in tip.inner_text()
    bangladesh.click()
    page.wait_for_url(re.compile(r"/countries/BGD\.html$"), timeout=10_000)
    assert page.get_by_role("heading", level=1).inner_text() == "Bangladesh"
    assert page.locator("a.source[href^='https://']").count() >= 3
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)


def test_play_changes_the_colours_and_the_page_follows(tab, built_site):
    _, folder = built_site
    tab.open(folder, "index.html")
    page = tab.page
    page.wait_for_selector(SHAPES)
    today, last = fills(page), page.locator("#year").input_value()
    page.locator("button.hmhb-play").click()
    page.wait_for_timeout(400)
    assert fills(page) != today
    page.wait_for_function(
        "() => document.querySelector('#year').value === document.querySelector('.hmhb-year').textContent"
    )  # the slider follows Play
    page.locator("button.hmhb-play").click()  # pause
    shown = page.locator(".hmhb-year").inner_text()
    assert int(shown) < int(last)
    assert page.locator("#year").input_value() == shown
    assert page.locator("#year-out").inner_text() == shown
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)


def test_year_slider_and_filters_work_in_the_page(tab, built_site):
    _, folder = built_site
    tab.open(folder, "index.html")
    page = tab.page
    page.wait_for_selector(SHAPES)
    now = (fills(page), page.locator('[data-count="any"]').inner_text())
    set_year(page, 2005)
    assert page.locator(".hmhb-year").inner_text() == "2005"
    assert (fills(page), page.locator('[data-count="any"]').inner_text()) != now
    assert page.locator("#year-out").inner_text() == "2005"
    set_year(page, int(page.locator("#year").get_attribute("max")))
    rows = page.locator("#country-rows tr:not([hidden])").count()
    page.locator("#region").select_option("South Asia")
    assert page.locator("#map path.hmhb-out").count() > 150
    assert "countries in view" in page.locator("#in-view").inner_text()
    visible = page.locator("#country-rows tr:not([hidden])")
    assert 0 < visible.count() < rows
    assert "Bangladesh" in visible.all_inner_texts()[0] + "".join(visible.all_inner_texts())
    page.locator("#grouping").select_option("who")
    assert page.locator("#region").input_value() == ""
    assert page.locator("#map path.hmhb-out").count() == 0
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)


def test_evidence_filters_and_search_narrow_the_list(tab, built_site):
    _, folder = built_site
    tab.open(folder, "evidence.html")
    page = tab.page
    items = page.locator("#evidence-list > li:not([hidden])")
    total = items.count()
    assert total > 20
    page.locator("#q").fill("birth weight")
    searched = items.count()
    assert 0 < searched < total
    assert page.locator("#ev-count").inner_text() == f"Showing {searched} of {total} items"
    page.locator("#ev-type").select_option("Systematic review")
    assert 0 < items.count() < searched
    page.locator("#ev-reset").click()
    page.wait_for_timeout(50)
    assert items.count() == total
    page.locator("#ev-region").select_option("South Asia")
    in_region = items.count()
    assert 0 < in_region < total
    page.locator("#ev-from").fill("2024")
    assert items.count() < total
    page.locator("#ev-reset").click()
    page.locator("#ev-country").select_option("BGD")
    assert all("Bangladesh" in text for text in items.all_inner_texts())
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)


def test_embed_shows_only_the_map_and_opens_countries_in_a_new_tab(tab, built_site, browser):
    _, folder = built_site
    tab.open(folder, "embed.html")
    page = tab.page
    page.wait_for_selector(SHAPES)
    assert page.locator(SHAPES).count() >= 200
    for chrome in ("header", "nav", "table", "h1", "footer", "#year", "select"):
        assert page.locator(chrome).count() == 0, chrome
    with browser.expect_page() as opened:
        page.locator('#map path[data-iso3="BGD"]').click()
    country = opened.value
    tab.watch(country)
    country.wait_for_load_state()
    assert country.url.endswith("/countries/BGD.html")
    country.close()
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "embed.html",
        "evidence.html",
        "countries.html",
        "countries/BGD.html",
        "countries/FRA.html",
    ],
)
def test_no_script_error_on_any_page_type(tab, built_site, path):
    _, folder = built_site
    tab.open(folder, path)
    tab.page.wait_for_load_state("load")
    tab.page.wait_for_timeout(200)
    assert tab.clean(), (path, tab.errors, tab.dialogs, tab.external)


def test_hostile_data_shows_as_text_and_runs_nothing(tab, tmp_path, shapes):
    root = write_store(hostile_tables(), tmp_path / "data")
    version, tables = store.read_tables(root)
    folder = tmp_path / "site"
    site.write_site(site.build_site(site.SiteInput(tables, version, shapes)), folder)
    for path in ("index.html", "evidence.html", "countries/BGD.html", "embed.html", "countries.html"):
        tab.open(folder, path)
        tab.page.wait_for_load_state("load")
        tab.page.wait_for_timeout(200)
    tab.open(folder, "evidence.html")
    assert tab.page.get_by_text(HOSTILE_TITLE, exact=True).count() == 1
    assert tab.page.locator("#evidence-list img, #evidence-list script").count() == 0
    assert tab.page.locator("a[href^='javascript:' i]").count() == 0
    tab.open(folder, "countries/BGD.html")
    assert "</script>" in tab.page.get_by_role("heading", level=1).inner_text()
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)


def test_french_site_writes_french_from_its_script(tab, built_site_every_language):
    _, folder = built_site_every_language
    tab.open(folder, "fr/index.html")
    page = tab.page
    page.wait_for_selector(SHAPES)
    assert page.locator(".hmhb-legend").get_by_text("Passage à l'échelle (", exact=False).count() == 1
    assert "Lecture" in page.locator("button.hmhb-play").inner_text()
    burkina = page.locator('#map path[data-iso3="BFA"]')
    burkina.scroll_into_view_if_needed()
    burkina.hover()
    tip = page.locator(".hmhb-tip")
    tip.wait_for(state="visible", timeout=10_000)
    assert "Mise en œuvre initiale" in tip.inner_text() and "Cliquez pour ouvrir" in tip.inner_text()
    page.locator("#region").select_option("South Asia")
    assert re.fullmatch(r"\d+ pays affichés", page.locator("#in-view").inner_text())
    assert page.locator("#reached").inner_text().startswith("Au moins ")
    assert "depuis fin" in page.locator('[data-change="any"]').inner_text()
    rows = page.locator("#country-rows tr:not([hidden])")
    assert rows.count() and rows.first.locator(".basis").get_attribute("lang") == "en"  # the data's words
    set_year(page, 1990)
    assert rows.count() == 0
    assert page.locator("#no-rows").inner_text() == "Aucun pays affiché n'a de stade enregistré en 1990."
    tab.open(folder, "fr/evidence.html")
    tab.page.locator("#q").fill("birth weight")
    assert re.fullmatch(r"\d+ sur \d+ éléments affichés", tab.page.locator("#ev-count").inner_text())
    tab.page.locator("#ev-region").select_option("Global")
    assert tab.page.locator("#ev-region option:checked").inner_text() == "Mondial"
    tab.page.locator("nav.languages a[lang='pt']").click()
    tab.page.wait_for_url(re.compile(r"/pt/evidence\.html$"), timeout=10_000)
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Biblioteca de evidências"
    assert tab.clean(), (tab.errors, tab.dialogs, tab.external)
