"""Unit tests of the members tables: directory, country x activity, timeline, organisation view."""

import pytest

from hmhb_dash import members, store
from tests import fixtures as fx


def test_directory_counts_countries_and_keeps_relationship_and_source():
    rows = members.directory(fx.organisations(), fx.activities(), fx.countries()).set_index("id")
    assert rows.loc["ORG1", "countries_active"] == 2
    assert rows.loc["ORG2", "countries_active"] == 1
    assert rows.loc["ORG1", "hq"] == "Alpha"
    assert rows.loc["ORG2", "hq"] == "not reported"
    assert rows.loc["ORG1", "relationship_text"] == "partner"
    assert rows.loc["ORG1", "page"] == "members?org=ORG1"
    assert rows.loc["ORG1", "activity_types"] == "Impact trial; Programme delivery"


@pytest.mark.parametrize(
    ("region", "types", "org_types", "expected"),
    [
        (None, (), (), {"ORG1", "ORG2"}),
        ("West and Central Africa", (), (), {"ORG1"}),
        ("South Asia", ("Funding",), (), {"ORG2"}),
        (None, ("Impact trial",), ("UN agency",), set()),
        (None, (), ("NGO",), {"ORG1"}),
    ],
)
def test_directory_filters(region, types, org_types, expected):
    active = members.filter_activities(fx.activities(), fx.countries(), "unicef", region, types)
    rows = members.directory(
        fx.organisations(), active, fx.countries(), org_types, activity_filtered=bool(region or types)
    )
    assert set(rows["id"]) == expected


def test_country_by_activity_names_who_does_what():
    table = members.country_by_activity(fx.activities(), fx.organisations(), fx.countries()).set_index("iso3")
    assert table.loc["AAA", "organisations"] == 2
    assert table.loc["AAA", "Programme delivery"] == "ORG1"
    assert table.loc["AAA", "Funding"] == "ORG2"
    assert table.loc["BBB", "Impact trial"] == "ORG1"
    assert table.loc["BBB", "Funding"] == ""


def test_organisations_per_country_by_year():
    counts = members.organisations_per_country(fx.activities()).set_index("iso3")["count"].to_dict()
    assert counts == {"AAA": 2, "BBB": 1}
    in_2003 = members.organisations_per_country(fx.activities(), 2003, current_year=2026)
    assert in_2003.set_index("iso3")["count"].to_dict() == {"BBB": 1}
    # Undated activities count in the current year; ongoing ones have no end.
    now = members.organisations_per_country(fx.activities(), 2026, current_year=2026)
    assert now.set_index("iso3")["count"].to_dict() == {"AAA": 2}


def test_timeline_shows_ongoing_as_open_and_skips_undated():
    rows = members.timeline_rows(fx.activities(), fx.organisations(), fx.countries(), 2026)
    assert len(rows) == 2  # the activity with no start year cannot be placed
    ongoing = rows[rows["ongoing"]].iloc[0]
    assert (ongoing["start"], ongoing["end"], ongoing["years"]) == (2020, 2026, "2020-")
    closed = rows[~rows["ongoing"]].iloc[0]
    assert (closed["start"], closed["end"], closed["years"]) == (2001, 2004, "2001-2004")


def test_org_view_activities_and_linked_evidence():
    acts = members.org_activities(fx.activities(), fx.countries(), "ORG1")
    assert acts["country"].tolist() == ["Alpha", "Beta"]
    assert acts["page"].tolist() == ["country?country=AAA", "country?country=BBB"]
    linked = members.org_evidence(fx.library_evidence(), "ORG1")
    assert linked["id"].tolist() == ["lib-2", "lib-4"]
    assert linked["page"].iloc[0] == "evidence?item=lib-2"
    assert members.org_evidence(fx.library_evidence(), "ORG").empty


def test_org_url_quotes_awkward_ids():
    assert members.org_url("A&T") == "members?org=A%26T"
    assert members.org_url("icddr,b") == "members?org=icddr%2Cb"
    assert members.org_url("Penn State") == "members?org=Penn%20State"


def test_every_bundled_organisation_has_a_source():
    _, tables = store.read_tables(store.PROJECT_DATA_DIR)
    assert members.orgs_without_source(tables["organisations"]).empty
    assert tables["activities"]["source_url"].str.match(r"^https?://").all()
