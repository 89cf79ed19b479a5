"""Browser tests: the real app in headless Chromium with every non-local request blocked and recorded."""

import re


def test_map_draws_countries_offline(offline_page):
    offline_page.open("/")
    page = offline_page.page
    page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=60_000)
    assert page.locator(".js-plotly-plot .choroplethlocation").count() >= 230
    assert page.get_by_text("Scale-up (", exact=False).count() >= 1
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def country_centre(page, iso3: str) -> tuple[float, float]:
    """Screen position of a country on the map (its path's bounding-box centre)."""
    box = page.evaluate(
        """(iso3) => {
            const plot = document.querySelector('.js-plotly-plot');
            const index = plot.data[0].locations.indexOf(iso3);
            const path = plot.querySelectorAll('.choroplethlocation')[index];
            const r = path.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }""",
        iso3,
    )
    return box[0], box[1]


def test_click_on_a_country_opens_its_page(offline_page):
    offline_page.open("/")
    page = offline_page.page
    page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=60_000)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    x, y = country_centre(page, "BRA")
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/country\?country=BRA"), timeout=30_000)
    offline_page.wait_idle()
    page.get_by_role("heading", name="Brazil").wait_for(timeout=30_000)
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_country_page_offline_with_sources(offline_page):
    offline_page.open("/country?country=NGA")
    page = offline_page.page
    page.get_by_role("heading", name="Nigeria").wait_for(timeout=30_000)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("Initial implementation since Jan 2024").count() == 1
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
