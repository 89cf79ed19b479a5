"""Unit tests of the evidence library: search, ranking, filters, facet counts, related items."""

import pandas as pd
import pytest

from hmhb_dash import evidence as ev
from hmhb_dash import store
from tests import fixtures as fx


@pytest.fixture(scope="module")
def index() -> ev.EvidenceIndex:
    return ev.build_index(fx.library_evidence(), fx.countries())


def ids(frame: pd.DataFrame) -> list[str]:
    return frame["id"].tolist()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Accents and case are folded both ways.
        ("evaluation", ["lib-3"]),
        ("ÉVALUATION", ["lib-3"]),
        ("traore", ["lib-3"]),
        ("muller", ["lib-5"]),
        ("santé publique", ["lib-3"]),
        # Several words: every one must occur somewhere (AND), title matches rank first.
        # lib-2 has two of the words in its title, lib-1 one: more title words rank higher.
        ("jivita birth weight", ["lib-2", "lib-1"]),
        ("birth weight", ["lib-2", "lib-1"]),
        ("weight gamma", ["lib-2"]),
        # "weight" is found inside "birthweight".
        ("birthweight", ["lib-2"]),
        ("JIVITA", ["lib-1", "lib-2"]),
        # Punctuation only separates words.
        ("  child,  nutrition ", ["lib-2"]),
        ("jivita mars", []),
        ("zzz", []),
        ("", ["lib-3", "lib-2", "lib-1", "lib-5", "lib-4"]),
    ],
)
def test_search_words_accents_and_ranking(index, q, expected):
    assert ids(ev.search(index, ev.EvidenceQuery(q=q))) == expected


def test_title_matches_rank_before_newer_summary_matches(index):
    found = ev.search(index, ev.EvidenceQuery(q="jivita"))
    # lib-2 is newer (2020) but names JiVitA only in its summary.
    assert ids(found) == ["lib-1", "lib-2"]
    assert found["title_match"].tolist() == [1, 0]


def test_search_does_not_treat_query_as_regex_or_html(index):
    assert ids(ev.search(index, ev.EvidenceQuery(q=".*"))) == ids(ev.search(index, ev.EvidenceQuery()))
    assert ids(ev.search(index, ev.EvidenceQuery(q="<script>"))) == ["lib-4"]


def test_regions_are_derived_from_countries(index):
    items = index.items.set_index("id")
    assert items.loc["lib-2", "regions"] == "West and Central Africa"
    assert items.loc["lib-4", "country_names"] == ev.GLOBAL
    assert items.loc["lib-4", "regions"] == ev.GLOBAL
    assert items.loc["lib-1", "country_names"] == "Alpha"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ev.EvidenceQuery(region="West and Central Africa"), {"lib-2", "lib-3"}),
        (
            ev.EvidenceQuery(region="West and Central Africa", include_global=True),
            {"lib-2", "lib-3", "lib-4"},
        ),
        (ev.EvidenceQuery(grouping="who", region="SEAR"), {"lib-1"}),
        (ev.EvidenceQuery(grouping="wb", region="Sub-Saharan Africa"), {"lib-2", "lib-3"}),
        (ev.EvidenceQuery(countries=("CCC",)), {"lib-2", "lib-3"}),
        (ev.EvidenceQuery(countries=("AAA", "DDD")), {"lib-1", "lib-5"}),
        (ev.EvidenceQuery(topics=("Implementation",)), {"lib-2", "lib-3"}),
        (ev.EvidenceQuery(types=("Trial", "Report")), {"lib-1", "lib-3"}),
        (ev.EvidenceQuery(years=(2014, 2020)), {"lib-1", "lib-2"}),
        (ev.EvidenceQuery(verified_only=True), {"lib-1", "lib-2", "lib-4", "lib-5"}),
        # Filters combine (AND across facets, OR within one).
        (ev.EvidenceQuery(region="West and Central Africa", verified_only=True), {"lib-2"}),
        (ev.EvidenceQuery(region="West and Central Africa", q="rapport"), {"lib-3"}),
        (ev.EvidenceQuery(topics=("Research",), types=("Report",)), set()),
    ],
)
def test_filters_combine(index, query, expected):
    assert set(ids(ev.search(index, query))) == expected


def test_facet_counts_leave_their_own_filter_out(index):
    query = ev.EvidenceQuery(region="West and Central Africa", topics=("Implementation",))
    counts = ev.facet_counts(index, query)
    # Region counts keep the topic filter but not the region filter.
    assert counts["region"] == {
        "East Asia and Pacific": 0,
        "Global": 0,
        "South Asia": 0,
        "West and Central Africa": 2,
    }
    # Topic counts keep the region filter only.
    assert counts["topic"] == {"Cost-effectiveness": 0, "Implementation": 2, "Research": 1}
    assert counts["type"] == {
        "Case study": 0,
        "Report": 1,
        "Scientific publication": 1,
        "Systematic review": 0,
        "Trial": 0,
    }
    assert counts["verified"] == {"not verified": 1, "verified": 1}
    assert counts["country"]["CCC"] == 2 and counts["country"]["AAA"] == 0


@pytest.mark.parametrize(
    ("q", "trial_count"),
    [("jivita", 1), ("évaluation", 0), ("nothing-like-this", 0)],
)
def test_facet_counts_follow_the_search(index, q, trial_count):
    counts = ev.facet_counts(index, ev.EvidenceQuery(q=q))
    assert counts["type"]["Trial"] == trial_count
    assert sum(counts["type"].values()) == len(ev.search(index, ev.EvidenceQuery(q=q)))


def test_related_items_share_countries_first_then_topics(index):
    related = ev.related(index, "lib-3")
    assert ids(related)[0] == "lib-2"  # shares country CCC and topic Implementation
    assert "lib-3" not in ids(related)
    assert ev.related(index, "no-such-id").empty
    # A global item is related by topic only.
    assert ids(ev.related(index, "lib-4")) == []


def test_doi_links():
    assert ev.doi_url("10.1/abc") == "https://doi.org/10.1/abc"
    assert ev.doi_url("https://doi.org/10.1/abc") == "https://doi.org/10.1/abc"
    assert ev.doi_url("doi: 10.1/abc") == "https://doi.org/10.1/abc"
    assert ev.doi_url("javascript:alert(1)") is None
    assert ev.doi_url(None) is None


def test_counts_per_country_up_to_a_year():
    frame = fx.library_evidence()
    all_years = ev.counts_per_country(frame).set_index("iso3")["count"].to_dict()
    assert all_years == {"CCC": 2, "AAA": 1, "BBB": 1, "DDD": 1}
    by_2015 = ev.counts_per_country(frame, 2015, current_year=2026).set_index("iso3")["count"].to_dict()
    assert by_2015 == {"AAA": 1, "DDD": 1}


def test_bundled_library_finds_jivita_first_and_wca_only_wca():
    _, tables = store.read_tables(store.PROJECT_DATA_DIR)
    index = ev.build_index(tables["evidence"], tables["countries"])
    found = ev.search(index, ev.EvidenceQuery(q="jivita birth weight"))
    assert "JiVitA-3" in found.iloc[0]["title"]
    wca = set(
        tables["countries"].loc[tables["countries"]["unicef_region"] == "West and Central Africa", "iso3"]
    )
    rows = ev.search(index, ev.EvidenceQuery(region="West and Central Africa"))
    assert len(rows) >= 5
    assert all(set(codes) & wca for codes in rows["country_codes"])
    with_global = ev.search(index, ev.EvidenceQuery(region="West and Central Africa", include_global=True))
    extra = with_global[~with_global["id"].isin(rows["id"])]
    assert len(extra) > 0 and (extra["country_names"] == ev.GLOBAL).all()
