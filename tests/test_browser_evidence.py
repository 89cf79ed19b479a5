"""Browser test: filter the evidence library by a region, open an item, follow a link to a country page."""

import re

from hmhb_dash import store


def wca_iso3() -> set[str]:
    _, tables = store.read_tables(store.PROJECT_DATA_DIR)
    countries = tables["countries"]
    return set(countries.loc[countries["unicef_region"] == "West and Central Africa", "iso3"])


def test_filter_by_region_then_follow_a_country_link(offline_page):
    offline_page.open("/evidence")
    page = offline_page.page
    page.get_by_role("heading", name="Evidence library").wait_for(timeout=30_000)
    page.get_by_text("70 of 70 items", exact=False).wait_for(timeout=30_000)

    # Choose the region in the sidebar's selectbox.
    sidebar_selects = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
    sidebar_selects.filter(has=page.get_by_text("Region", exact=True)).click()
    page.get_by_role("option", name=re.compile(r"^West and Central Africa \(\d+\)")).click()
    page.wait_for_url(re.compile(r"region=wca"), timeout=30_000)
    offline_page.wait_idle()
    summary = page.get_by_text(re.compile(r"of 70 items in West and Central Africa")).inner_text()
    assert 5 <= int(summary.split()[0]) < 70

    # Open the first result: click its row's selection box in the results grid.
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    offline_page.wait_idle()
    page.get_by_text("Related items").wait_for(timeout=30_000)

    # Follow the item's link to a country of the chosen region.
    links = page.locator("[data-testid='stPageLink'] a[href*='country?country=']")
    codes = [links.nth(i).get_attribute("href").rsplit("=", 1)[1] for i in range(links.count())]
    in_region = [c for c in codes if c in wca_iso3()]
    assert in_region, codes
    iso3 = in_region[0]
    links.nth(codes.index(iso3)).click()
    page.wait_for_url(re.compile(rf"/country\?country={iso3}"), timeout=30_000)
    offline_page.wait_idle()
    page.get_by_text("Evidence from this country").wait_for(timeout=30_000)
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_members_org_view_offline(offline_page):
    offline_page.open("/members?org=NI")
    page = offline_page.page
    page.get_by_text("Nutrition International (NI)").wait_for(timeout=30_000)
    page.get_by_text("Where it works").wait_for(timeout=30_000)
    assert offline_page.exceptions() == 0
    assert offline_page.external == []
