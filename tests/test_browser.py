"""Browser tests: the real app in headless Chromium with every non-local request blocked and recorded."""

import re

MAP = "path[data-iso3]"


def fills(page) -> list[str]:
    return page.locator(MAP).evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")


def test_map_draws_countries_offline_without_plotly(offline_page):
    offline_page.open("/")
    page = offline_page.page
    page.wait_for_selector(MAP, timeout=60_000)
    assert page.locator(MAP).count() >= 200
    assert page.locator(".hmhb-legend").get_by_text("Scale-up (", exact=False).count() == 1
    assert page.locator("svg[role='img'][aria-label*='as of 2026']").count() == 1
    assert page.locator('path[data-iso3="BGD"] title').text_content().startswith("Bangladesh: ")
    # The light map is the point: the home page never loads plotly.
    assert page.locator(".js-plotly-plot").count() == 0
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_hover_and_click_on_bangladesh_opens_its_page(offline_page):
    offline_page.open("/")
    page = offline_page.page
    bangladesh = page.locator('path[data-iso3="BGD"]')
    bangladesh.wait_for(timeout=60_000)
    bangladesh.scroll_into_view_if_needed()
    bangladesh.hover()
    tip = page.locator(".hmhb-tip")
    tip.wait_for(state="visible", timeout=10_000)
    assert "Bangladesh" in tip.inner_text() and "Click to open" in tip.inner_text()
    bangladesh.click()
    page.wait_for_url(re.compile(r"/country\?country=BGD"), timeout=30_000)
    offline_page.wait_idle()
    page.get_by_role("heading", name="Bangladesh").wait_for(timeout=30_000)
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_play_animates_the_years_and_the_page_follows(offline_page):
    offline_page.open("/?year=2026")
    page = offline_page.page
    page.wait_for_selector(MAP, timeout=60_000)
    today = fills(page)
    play = page.locator("button.hmhb-play")
    assert play.get_attribute("aria-label").startswith("Play ")
    play.click()
    page.wait_for_timeout(300)
    early = page.locator(".hmhb-year").inner_text()
    assert int(early) < 2000 and fills(page) != today, "Play starts from the first year with a stage"
    page.wait_for_timeout(3_000)
    assert int(page.locator(".hmhb-year").inner_text()) > int(early)
    play.click()  # pause: the rest of the page follows the year on screen
    shown = page.locator(".hmhb-year").inner_text()
    page.wait_for_url(re.compile(rf"year={shown}"), timeout=30_000)
    offline_page.wait_idle()
    assert page.get_by_text(f"Programme stage, as of {shown}.", exact=False).count() == 1
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_country_picker_reaches_every_country_from_the_keyboard(offline_page):
    offline_page.open("/")
    page = offline_page.page
    page.wait_for_selector(MAP, timeout=60_000)
    picker = page.get_by_role("combobox", name="Open a country page")
    picker.focus()
    page.keyboard.type("Tuvalu")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/country\?country=TUV"), timeout=30_000)
    offline_page.wait_idle()
    page.get_by_role("heading", name="Tuvalu").wait_for(timeout=30_000)
    assert offline_page.external == []


def test_country_page_offline_with_sources(offline_page):
    offline_page.open("/country?country=NGA")
    page = offline_page.page
    page.get_by_role("heading", name="Nigeria").wait_for(timeout=30_000)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("Scale-up since Oct 2024").count() == 1
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_unknown_country_shows_message_not_traceback(offline_page):
    offline_page.open("/country?country=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    page = offline_page.page
    page.get_by_text("No country with the code").wait_for(timeout=30_000)
    assert offline_page.exceptions() == 0
    assert page.locator("script:has-text('alert(1)')").count() == 0


def test_a_deep_link_as_the_first_request_still_goes_through_the_router(browser, tmp_path):
    """A fresh server's first request to /country must get the app's navigation and layout."""
    from tests.conftest import OfflinePage
    from tests.live_server import running_app

    with running_app(tmp_path / "fresh.log") as (base, _):
        tab = OfflinePage(browser, base)
        tab.open("/country?country=BGD")
        page = tab.page
        page.get_by_role("heading", name="Bangladesh").wait_for(timeout=30_000)
        nav = page.locator("[data-testid='stSidebarNav']")
        assert nav.get_by_text("World map").count() == 1, "the router's page titles are shown"
        assert nav.get_by_text("app", exact=True).count() == 0
        assert tab.exceptions() == 0
        assert tab.external == []
        tab.page.close()
