"""Permalinks: every page reopens the same view from its URL; bad values fall back with a notice."""

import datetime as dt

import pytest

from hmhb_dash import presentation
from hmhb_dash.permalinks import MapView
from tests import fixtures
from tests.conftest import run_app, view_links

YEARS = (2001, 2026)


def params_of(at) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


# --- Presentation view: pure parsing ----------------------------------------------------------
def test_present_view_round_trips_through_params():
    countries = fixtures.countries()
    view = presentation.PresentView(
        MapView(2020, "who", "AFR", "LM"), dt.date(2018, 3, 1), ("CCC", "AAA"), ("map", "spotlight"), 3
    )
    params = view.to_params(countries, YEARS[1])
    assert params == {
        "year": "2020",
        "grouping": "who",
        "region": "afr",
        "income": "lm",
        "since": "2018-03-01",
        "country": "CCC,AAA",
        "parts": "map,spotlight",
        "step": "3",
    }
    parsed = presentation.parse_present_view(params, countries, YEARS)
    assert parsed.notices == [] and parsed.view == view


def test_present_defaults_leave_the_url_empty():
    parsed = presentation.parse_present_view({}, fixtures.countries(), YEARS)
    assert parsed.view.map.year == 2026 and parsed.view.since == dt.date(2025, 1, 1)
    assert parsed.view.to_params(fixtures.countries(), 2026) == {}


def test_repeated_country_params_are_spotlights():
    parsed = presentation.parse_present_view(
        {"country": ["aaa", "BBB,CCC", "AAA"]}, fixtures.countries(), YEARS
    )
    assert parsed.view.countries == ("AAA", "BBB", "CCC") and parsed.notices == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2020-13-01"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2030-01-01"}, "since"),
        ({"since": "__import__('os')"}, "since"),
        ({"country": "ZZZ,<b>"}, "country"),
        ({"step": "-1"}, "step"),
        ({"step": "1e9"}, "step"),
        ({"parts": "map,evil"}, "parts"),
    ],
)
def test_present_bad_params_fall_back_with_notice(params, field):
    parsed = presentation.parse_present_view(params, fixtures.countries(), YEARS)
    assert parsed.notices and field in parsed.notices[0]
    default = presentation.parse_present_view({}, fixtures.countries(), YEARS).view
    if field == "since":
        assert parsed.view.since == default.since
    if field == "step":
        assert parsed.view.step == 1
    if field == "parts":
        assert parsed.view.parts == ("map",)


# --- Every page reopens the same view (AppTest) --------------------------------------------
MAP_VIEWS = [
    {"year": "2022", "region": "wca"},
    {"year": "2015", "grouping": "who", "region": "sear", "income": "lm"},
    {"grouping": "wb", "region": "ssa"},
]


@pytest.mark.parametrize("params", MAP_VIEWS)
def test_map_permalink_round_trip(params):
    at = run_app("", params)
    assert not at.exception and not at.info
    assert params_of(at) == params
    if "year" in params:
        assert at.slider(key="year").value == int(params["year"])
    link = view_links(at)[0]
    assert link.endswith("/?" + "&".join(f"{k}={v}" for k, v in params.items()))
    again = run_app("", params_of(at))
    assert params_of(again) == params
    assert [m.value for m in again.metric] == [m.value for m in at.metric]


def test_country_permalink_round_trip():
    at = run_app("country", {"country": "bgd"})
    assert at.title[0].value == "Bangladesh"
    assert any(c.endswith("/country?country=BGD") for c in view_links(at))


PRESENT_VIEWS = [
    {"year": "2024"},
    {"year": "2024", "region": "wca", "since": "2020-01-01", "country": "NGA,BFA", "step": "5"},
    {"year": "2022", "grouping": "who", "region": "afr", "parts": "changes,map", "step": "2"},
]


@pytest.mark.parametrize("params", PRESENT_VIEWS)
def test_present_permalink_round_trip(params):
    at = run_app("present", params)
    assert not at.exception and not at.info
    assert params_of(at) == params
    title = at.title[0].value
    assert any(
        c.endswith("/present?" + "&".join(f"{k}={v}" for k, v in params.items())) for c in view_links(at)
    )
    again = run_app("present", params_of(at))
    assert again.title[0].value == title and params_of(again) == params


def test_present_bad_params_never_crash():
    at = run_app("present", {"year": "abc", "since": "2024-99-99", "country": "<script>", "step": "x"})
    assert not at.exception
    assert len(at.info) == 4
    assert at.title[0].value.startswith("MMS adoption as of")
