"""AppTest of the presentation page: stepping through slides, what each slide shows, empty views."""

from tests.conftest import ROOT, map_stages, run_app
from tests.test_safe_text import unescape_markdown


def test_next_and_previous_step_through_every_slide_and_keep_the_url():
    at = run_app("present", {"year": "2024", "region": "wca", "country": "NGA"})
    titles = [unescape_markdown(at.title[0].value)]
    while not at.button(key="next").disabled:
        at.button(key="next").click().run()
        assert not at.exception
        titles.append(unescape_markdown(at.title[0].value))
        assert at.query_params["step"] in (str(len(titles)), [str(len(titles))])
    assert titles == [
        "MMS adoption as of 31 Dec 2024",
        "Programme stage by country, 2024",
        "Countries per stage over time, to 2024",
        "What changed since 1 Jan 2023",
        "Spotlight: Nigeria",
        "Sources",
    ]
    at.button(key="prev").click().run()
    assert unescape_markdown(at.title[0].value) == "Spotlight: Nigeria"


def test_headline_and_map_follow_the_filters():
    at = run_app("present", {"year": "2024", "region": "wca"})
    numbers = [m.value.split("\n")[0] for m in at.markdown if m.value.startswith("## ")]
    assert len(numbers) == 5 and all(n[3:].isdigit() for n in numbers)
    at = run_app("present", {"year": "2024", "region": "wca", "step": "2"})
    stages = map_stages(at)
    assert "NGA" in stages and "BGD" not in stages


def test_changes_slide_names_the_milestones_that_moved_countries():
    at = run_app("present", {"year": "2024", "since": "2023-06-01", "parts": "changes"})
    text = " ".join(m.value for m in at.markdown)
    assert "**Indonesia**: Exploration → **Scale\\-up**" in text
    assert "17 Oct 2024" in text


def test_step_past_the_end_shows_the_last_slide():
    at = run_app("present", {"year": "2024", "parts": "headline,sources", "step": "9"})
    assert not at.exception and at.title[0].value == "Sources"


def test_empty_selection_says_so():
    at = run_app("present", {"year": "2024", "region": "eca", "income": "l"})
    assert not at.exception
    assert any("No countries in this selection" in h.value for h in at.header)


def test_slides_name_the_data_version_not_the_server_directory():
    at = run_app("present")
    captions = " ".join(c.value for c in at.caption)
    assert "data version bundled" in captions
    assert str(ROOT) not in captions and "|" not in captions.split("data version")[1][:20]


def test_headline_states_women_reached_as_reported():
    at = run_app("present", {"year": "2024"})
    assert any("pregnant women reached in" in s.value for s in at.subheader)
    assert any("never added in" in c.value for c in at.caption)
