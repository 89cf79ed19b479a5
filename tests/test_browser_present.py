"""Browser test of the presentation page with every non-local request blocked: slides, steps, deck."""

import re

from pptx import Presentation


def test_presentation_runs_offline_and_steps_through_slides(offline_page):
    offline_page.open("/present?year=2024&region=wca&country=NGA")
    page = offline_page.page
    page.get_by_role("heading", name="MMS adoption as of 31 Dec 2024").wait_for(timeout=60_000)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"step=2"), timeout=30_000)
    offline_page.wait_idle()
    page.wait_for_selector("path[data-iso3]", timeout=60_000)
    coloured = page.locator("path[data-iso3]:not(.hmhb-out)").count()
    assert 20 <= coloured <= 30, "the map shows West and Central Africa"
    assert page.locator("button.hmhb-play").count() == 1
    # The Right arrow key steps forward too.
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"step=3"), timeout=30_000)
    offline_page.wait_idle()
    page.get_by_role("heading", name="Countries per stage over time, to 2024").wait_for(timeout=30_000)
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_a_slide_link_reopens_the_slide_and_the_deck_downloads(offline_page):
    offline_page.open("/present?year=2024&region=wca&country=NGA&step=5")
    page = offline_page.page
    page.get_by_role("heading", name="Spotlight: Nigeria").wait_for(timeout=60_000)
    page.get_by_role("button", name="Export").click()
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Slide deck (PowerPoint)").click()
    deck = Presentation(str(download.value.path()))
    assert len(deck.slides) == 7
    assert offline_page.exceptions() == 0
    assert offline_page.external == []
