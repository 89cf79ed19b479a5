"""Browser test: the country page is text with real links a keyboard reaches, not grids of sources."""

from hmhb_dash import queries, store


def test_every_milestone_source_is_a_real_link(offline_page):
    _, tables = store.read_tables(store.data_dir())
    profile = queries.country_profile(tables, "BGD")
    offline_page.open("/country?country=BGD")
    page = offline_page.page
    page.get_by_role("heading", name="Bangladesh").wait_for(timeout=30_000)
    main = page.locator("[data-testid='stMain']")
    sources = main.get_by_role("link", name="Source:")
    assert sources.count() == len(profile.milestones) + len(profile.policy) + len(profile.history)
    hrefs = sources.evaluate_all("links => links.map(a => a.href)")
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    # A keyboard reaches them: they are in the tab order.
    assert sources.first.evaluate("a => a.tabIndex") >= 0
    assert main.get_by_text("reached Initial implementation").count() >= 1
    assert offline_page.exceptions() == 0
    assert offline_page.external == []
