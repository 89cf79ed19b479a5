"""AppTest of every page: the smoke test walks the same registry app.py routes."""

import pytest

from hmhb_dash.registry import PAGES
from tests.conftest import light_map_data, map_stages, run_app, view_links


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_every_registered_page_runs_without_exception(spec):
    at = run_app(spec.url_path)
    assert not at.exception, at.exception
    assert at.title or at.markdown, f"{spec.title} rendered nothing"


def test_map_page_draws_every_country_with_its_stage():
    at = run_app()
    shapes, view = light_map_data(at, "shapes")[0], light_map_data(at, "view")[0]
    assert len(shapes["c"]) >= 230 and all(d.startswith("M") for _, d in shapes["c"])
    stages = map_stages(at)
    assert sum(1 for s in stages.values() if s > 0) >= 25
    assert stages["IDN"] == 4 and stages["BGD"] == 3
    assert [label for label, _ in view["legend"]][-1] == "Scale-up"
    assert view["play"] is True and view["layer"] == "stage"


def test_map_page_headline_counts_match_the_table():
    at = run_app()
    any_stage = next(m for m in at.metric if m.label == "Countries with any stage")
    table = at.dataframe[0].value
    assert int(any_stage.value) == len(table) >= 25


def test_map_year_param_goes_back_in_time():
    now = run_app()
    then = run_app(params={"year": "2010"})
    assert not then.exception
    staged_now = next(m for m in now.metric if m.label == "Countries with any stage").value
    staged_then = next(m for m in then.metric if m.label == "Countries with any stage").value
    assert int(staged_then) < int(staged_now)
    assert then.slider(key="year").value == 2010


def test_map_region_param_filters_countries():
    at = run_app(params={"region": "wca"})
    assert not at.exception
    included = light_map_data(at, "view")[0]["include"]
    assert "NGA" in included and "BGD" not in included
    assert 20 <= len(included) <= 30


@pytest.mark.parametrize(
    "params",
    [
        {"year": "1066"},
        {"year": "abc"},
        {"region": "<script>"},
        {"grouping": "mars"},
        {"income": "rich"},
        {"year": "2020", "region": "nowhere", "income": "x"},
    ],
)
def test_map_bad_params_fall_back_with_notice(params):
    at = run_app(params=params)
    assert not at.exception
    assert at.info, "a notice should name the ignored parameter"
    assert light_map_data(at, "view")


def test_map_widget_change_updates_url():
    at = run_app()
    at.slider(key="year").set_value(2015).run()
    assert not at.exception
    assert at.query_params["year"] in ("2015", ["2015"])


@pytest.mark.parametrize("iso3", ["BGD", "NGA", "IDN"])
def test_country_page_tells_the_story_with_dates_and_sources(iso3):
    import re

    from hmhb_dash import queries, store

    at = run_app("country", {"country": iso3})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Stage:" in text
    _, tables = store.read_tables(store.data_dir())
    profile = queries.country_profile(tables, iso3)
    # Every milestone is told as text with its date, its source's words and a real link.
    blocks = [m.value for m in at.markdown if " · " in m.value and "Source" in m.value]
    assert len(blocks) == len(profile.milestones) + len(profile.policy) >= 3
    assert all(re.search(r"\[Source\\: [^\]]+\]\(https?://", b) for b in blocks)
    assert sum("> “" in b for b in blocks) >= 2
    # The stage history as sentences; the grids left are the ones people sort (groupings, evidence).
    assert text.count("reached **") == len(profile.history)
    assert not any("kind_label" in df.value.columns for df in at.dataframe)
    assert at.get("plotly_chart"), "timeline chart"


def test_country_page_indonesia_is_scale_up_since_the_2024_launch():
    at = run_app("country", {"country": "IDN"})
    text = " ".join(m.value for m in at.markdown)
    assert "Scale-up since 17 Oct 2024" in text


def test_country_without_data_says_so():
    at = run_app("country", {"country": "FRA"})
    assert not at.exception
    assert any("No recorded MMS activity" in i.value for i in at.info)


@pytest.mark.parametrize("value", ["XXX", "12", "<img src=x>", "bgd'--", "a" * 500])
def test_country_page_bad_code_gives_message_and_selector(value):
    at = run_app("country", {"country": value})
    assert not at.exception
    assert at.info and "No country with the code" in at.info[0].value
    assert at.selectbox(key="country_picker_empty")


def test_country_code_is_case_insensitive():
    at = run_app("country", {"country": "bgd"})
    assert at.title[0].value == "Bangladesh"


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_every_page_runs_the_router_before_drawing(spec):
    """A page opened as a fresh server's first request must go through app.py (see base.require_router)."""
    source = spec.path.read_text(encoding="utf-8")
    body = source[source.index("base.require_router()") :] if "base.require_router()" in source else ""
    assert body, f"{spec.file} does not call base.require_router()"
    before = source[: source.index("base.require_router()")]
    assert "st." not in before.replace("import streamlit as st", ""), "nothing may be drawn before it"


def test_map_link_to_this_view_carries_every_setting_including_the_layer():
    params = {"year": "2022", "region": "wca", "income": "lm", "layer": "organisations"}
    at = run_app(params=params)
    assert not at.exception and not at.info
    link = view_links(at)[0]
    for key, value in params.items():
        assert f"{key}={value}" in link
    assert at.radio(key="layer").value == "organisations"


@pytest.mark.parametrize(
    ("url_path", "params"),
    [
        ("", {"year": "2015", "grouping": "who", "region": "afr", "income": "l", "layer": "evidence"}),
        ("country", {"country": "PAK"}),
        ("evidence", {"region": "wca", "topic": "research", "q": "birth weight", "verified": "1"}),
        ("members", {"region": "sa", "orgtype": "ngo"}),
        (
            "present",
            {"year": "2024", "region": "wca", "since": "2022-06-01", "country": "NGA,BFA", "step": "5"},
        ),
    ],
    ids=["map", "country", "evidence", "members", "present"],
)
def test_link_to_this_view_reopens_the_same_view(url_path, params):
    """Open a page from a URL; its 'link to this view' carries exactly the same settings."""
    from urllib.parse import parse_qsl, urlsplit

    at = run_app(url_path, params)
    assert not at.exception and not at.info, [i.value for i in at.info]
    links = [link for link in view_links(at) if "/" + url_path in link]
    assert links, "no link to this view"
    query = dict(parse_qsl(urlsplit(links[0]).query))
    assert query == params


def test_country_page_shows_hmhb_label_and_the_numbers_with_sources():
    at = run_app("country", {"country": "VNM"})
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # Markdown escapes removed
    assert "HMHB: Phase 3 (Scale-up), HMHB Survey 2025" in text
    at = run_app("country", {"country": "HND"})
    numbers = next(df.value for df in at.dataframe if "value_text" in df.value.columns)
    assert numbers[["indicator_label", "value_text"]].iloc[0].tolist() == ["Pregnant women reached", "47,000"]
    assert numbers["source_url"].str.startswith("https://").all()


def test_map_page_totals_women_reached_for_the_view_with_its_caveat():
    everywhere = " ".join(c.value for c in run_app().caption)
    assert "pregnant women reached in" in everywhere and "never added in" in everywhere
    wca = " ".join(c.value for c in run_app("", {"region": "wca"}).caption)
    assert "pregnant women reached in 1 country" in wca  # the DRC is the only one reporting in the region


def test_map_drawn_before_the_sidebar_follows_every_widget_change():
    at = run_app()
    at.slider(key="year").set_value(2015).run()
    at.radio(key="region_unicef").set_value("West and Central Africa").run()
    at.radio(key="layer").set_value("evidence").run()
    assert not at.exception
    view = light_map_data(at, "view")[0]
    assert view["year"] == 2015 and view["layer"] == "count"
    assert "NGA" in view["include"] and "BGD" not in view["include"]
    at.radio(key="grouping").set_value("who").run()  # a region of another grouping falls back to all
    assert light_map_data(at, "view")[0]["include"] is None


def test_a_session_first_run_sends_the_map_alone_and_the_rest_once_it_is_drawn():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run(timeout=60)  # a new session, as a browser's
    assert not at.exception
    view = light_map_data(at, "view")[0]
    assert view["rest_after_drawing"] is True, "the map asks for the rest once drawn"
    assert len(light_map_data(at, "shapes")) == 1
    # Nothing whose script a cold browser would fetch alongside the map's.
    assert not at.slider and not at.radio and not at.metric and not at.dataframe and not at.selectbox
    at.run()  # the map's "drawn" trigger: the whole page
    assert not at.exception
    assert "rest_after_drawing" not in light_map_data(at, "view")[0]
    assert at.slider(key="year") and at.metric and at.dataframe and at.selectbox
    assert at.radio(key="lang_choice").value == "en"
