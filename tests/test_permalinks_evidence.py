"""Strict parsing of the evidence, members and map-layer URL parameters."""

import pytest

from hmhb_dash import permalinks as pl
from hmhb_dash.schema import ACTIVITY_TYPES, EVIDENCE_TYPES, ORGANISATION_TYPES, TOPICS
from tests import fixtures as fx

YEARS = (1999, 2026)
IDS = frozenset({"lib-1", "lib-2"})


def parse(params):
    return pl.parse_evidence_view(params, fx.countries(), YEARS, IDS, TOPICS, EVIDENCE_TYPES)


def test_full_evidence_view_round_trips():
    params = {
        "region": "wca",
        "global": "1",
        "country": "bbb,CCC",
        "topic": "research,cost-effectiveness",
        "type": "trial",
        "years": "2010-2020",
        "verified": "1",
        "q": "jivita birth",
        "item": "lib-1",
    }
    parsed = parse(params)
    assert parsed.notices == []
    view = parsed.view
    assert view.region == "West and Central Africa" and view.include_global
    assert view.countries == ("BBB", "CCC")
    assert view.topics == ("Research", "Cost-effectiveness")
    assert view.types == ("Trial",)
    assert view.years == (2010, 2020)
    assert view.q == "jivita birth" and view.item == "lib-1"
    assert parse(view.to_params()).view == view


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"region": "<script>"}, "region="),
        ({"grouping": "mars"}, "grouping="),
        ({"country": "XXX,BBB"}, "country="),
        ({"topic": "astrology"}, "topic="),
        ({"type": "novel"}, "type="),
        ({"years": "2020-2010"}, "years="),
        ({"years": "abc"}, "years="),
        ({"years": "1066-2020"}, "years="),
        ({"verified": "maybe"}, "verified="),
        ({"item": "../../etc/passwd"}, "No evidence item"),
        ({"q": "x" * 500}, "first 200"),
    ],
)
def test_bad_evidence_params_fall_back_with_a_notice(params, words):
    parsed = parse(params)
    assert any(words in n for n in parsed.notices), parsed.notices
    view = parsed.view
    assert view.region is None and view.years is None and view.item is None
    assert len(view.q) <= pl.MAX_QUERY_CHARS
    if "country" in params:
        assert view.countries == ("BBB",)


def test_full_year_range_is_no_filter():
    assert parse({"years": "1999-2026"}).view.years is None


def test_members_view_and_org():
    orgs = ("NI", "A&T", "icddr,b")
    parsed = pl.parse_members_view(
        {"orgtype": "ngo,un-agency", "activity": "funding", "region": "sa", "org": "a&t"},
        fx.countries(),
        orgs,
        ORGANISATION_TYPES,
        ACTIVITY_TYPES,
    )
    assert parsed.notices == []
    assert parsed.view == pl.MembersView("unicef", "South Asia", ("NGO", "UN agency"), ("Funding",), "A&T")
    bad = pl.parse_members_view(
        {"orgtype": "cult", "org": "<b>x</b>"}, fx.countries(), orgs, ORGANISATION_TYPES, ACTIVITY_TYPES
    )
    assert len(bad.notices) == 2 and bad.view.org is None and bad.view.org_types == ()


@pytest.mark.parametrize(
    ("raw", "layer", "notice"),
    [
        (None, "stage", False),
        ("evidence", "evidence", False),
        ("ORGANISATIONS", "organisations", False),
        ("stage", "stage", False),
        ("heat", "stage", True),
    ],
)
def test_map_layer(raw, layer, notice):
    parsed = pl.parse_layer({} if raw is None else {"layer": raw})
    assert parsed.view == layer and bool(parsed.notices) == notice
