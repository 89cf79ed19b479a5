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


def step_of(page) -> int:
    match = re.search(r"[?&]step=(\d+)", page.url)
    return int(match.group(1)) if match else 1


def test_clicker_and_keyboard_keys_step_the_slides_and_escape_leaves(offline_page):
    offline_page.open("/present?year=2024&region=wca&country=NGA")
    page = offline_page.page
    page.get_by_role("heading", name="MMS adoption as of 31 Dec 2024").wait_for(timeout=60_000)
    # Full screen: no sidebar and no page list, but a way back.
    assert page.locator("[data-testid='stSidebar']").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    assert page.get_by_role("link", name="Leave").count() == 1
    expected = 1
    for key, move in [
        ("PageDown", 1),
        ("PageDown", 1),
        ("PageUp", -1),
        ("Space", 1),
        ("ArrowRight", 1),
        ("ArrowLeft", -1),
        ("ArrowDown", 1),
        ("ArrowUp", -1),
    ]:
        page.keyboard.press(key)
        expected += move
        page.wait_for_url(re.compile(rf"step={expected}\b") if expected > 1 else re.compile(r"present"))
        offline_page.wait_idle()
        # One press, one step: listeners do not pile up across reruns.
        assert step_of(page) == expected, key
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/\?year=2024&region=wca$"), timeout=30_000)
    offline_page.wait_idle()
    page.get_by_role("heading", name="MMS adoption by country").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stSidebar']").count() == 1
    assert offline_page.exceptions() == 0
    assert offline_page.external == []


def test_slides_fit_the_projector_without_scrolling(offline_page):
    page = offline_page.page
    for width, height in ((1920, 1080), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        for step in range(1, 7):
            offline_page.open(f"/present?year=2024&region=wca&country=NGA&step={step}")
            page.locator("h1").first.wait_for(timeout=60_000)
            scroll, client = page.evaluate(
                "() => { const m = document.querySelector('[data-testid=stMain]');"
                " return [m.scrollHeight, m.clientHeight]; }"
            )
            assert scroll <= client, f"slide {step} scrolls at {width}x{height}"
    assert offline_page.exceptions() == 0
