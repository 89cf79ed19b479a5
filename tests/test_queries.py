"""Unit tests of the pure table functions in hmhb_dash.queries."""

import pandas as pd
import pytest

from hmhb_dash import queries
from tests import fixtures as fx


def status_at(date: str) -> pd.DataFrame:
    return queries.stage_as_of(fx.stage_history(), fx.countries(), pd.Timestamp(date), fx.TODAY)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2000-12-31", {"AAA": 0, "BBB": 0, "CCC": 0, "DDD": 0, "EEE": 0}),
        ("2001-01-01", {"AAA": 1, "BBB": 0, "CCC": 0, "DDD": 0, "EEE": 0}),
        ("2015-06-30", {"AAA": 2, "BBB": 1, "CCC": 0, "DDD": 0, "EEE": 0}),
        ("2020-09-30", {"AAA": 2, "BBB": 1, "CCC": 0, "DDD": 0, "EEE": 0}),
        ("2020-10-01", {"AAA": 3, "BBB": 1, "CCC": 0, "DDD": 0, "EEE": 0}),
        ("2024-10-16", {"AAA": 3, "BBB": 1, "CCC": 0, "DDD": 0, "EEE": 0}),
        ("2024-10-17", {"AAA": 3, "BBB": 1, "CCC": 4, "DDD": 0, "EEE": 0}),
        # An undated row holds from today on: in the current view, never in the past.
        ("2026-11-29", {"AAA": 3, "BBB": 1, "CCC": 4, "DDD": 3, "EEE": 0}),
    ],
)
def test_stage_as_of_follows_history(date, expected):
    status = status_at(date)
    assert dict(zip(status["iso3"], status["stage"])) == expected


def test_stage_as_of_carries_basis_source_and_since_text():
    row = status_at("2026-11-29").set_index("iso3").loc["AAA"]
    assert row["stage_label"] == "Initial implementation"
    assert row["since_text"] == "Oct 2020"
    assert row["source_url"] == "https://example.org/c"
    undated = status_at("2026-11-29").set_index("iso3").loc["DDD"]
    assert undated["since_text"] == "not reported"


def test_stage_counts_lists_every_stage_including_zero():
    counts = queries.stage_counts(status_at("2026-11-29"))
    assert counts["countries"].tolist() == [1, 1, 0, 2, 1]
    assert counts["countries"].sum() == 5


def test_stage_change_between_years():
    change = queries.stage_change(status_at("2024-12-31"), status_at("2023-12-31")).set_index("stage")
    assert change.loc[4, "change"] == 1
    assert change.loc[0, "change"] == -1
    assert change["change"].sum() == 0


def test_moved_since_lists_only_countries_that_changed():
    moved = queries.moved_since(status_at("2024-12-31"), status_at("2015-12-31"))
    assert moved.set_index("iso3")["stage_before"].to_dict() == {"CCC": 0, "AAA": 2}


def test_stages_over_time_counts_each_year():
    over = queries.stages_over_time(fx.stage_history(), fx.countries(), range(2019, 2025), fx.TODAY)
    by_year = over[over["stage"] > 0].groupby("year")["countries"].sum()
    assert by_year.to_dict() == {2019: 2, 2020: 2, 2021: 2, 2022: 2, 2023: 2, 2024: 3}


@pytest.mark.parametrize(
    ("grouping", "region", "income", "expected"),
    [
        (None, None, None, ["AAA", "BBB", "CCC", "DDD", "EEE"]),
        ("unicef", "West and Central Africa", None, ["BBB", "CCC"]),
        ("who", "AFR", "LM", ["CCC"]),
        ("wb", "East Asia & Pacific", None, ["DDD"]),
        (None, None, "H", ["EEE"]),
        ("unicef", "Nowhere", None, []),
    ],
)
def test_filter_countries(grouping, region, income, expected):
    assert queries.filter_countries(fx.countries(), grouping, region, income)["iso3"].tolist() == expected


@pytest.mark.parametrize(
    ("date", "precision", "text"),
    [
        ("2024-10-17", "day", "17 Oct 2024"),
        ("2024-10-01", "month", "Oct 2024"),
        ("2024-01-01", "year", "2024"),
        (None, "not reported", "not reported"),
        ("2024-01-01", "not reported", "not reported"),
    ],
)
def test_format_date_respects_precision(date, precision, text):
    assert queries.format_date(pd.Timestamp(date) if date else None, precision) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AAA", "AAA"),
        ("aaa", "AAA"),
        (" bbb ", "BBB"),
        ("ZZZ", None),
        ("A1A", None),
        ("<script>", None),
        ("", None),
        (None, None),
        (["AAA"], None),
    ],
)
def test_parse_iso3_accepts_only_known_codes(value, expected):
    assert queries.parse_iso3(value, fx.countries()) == expected


def test_country_milestones_dated_first_undated_last():
    rows = queries.country_milestones(fx.milestones(), "AAA")
    assert rows["id"].tolist() == ["AAA-1", "AAA-3", "AAA-2"]
    assert rows["date_text"].tolist() == ["2015", "Oct 2020", "not reported"]


def test_policy_facts_keep_policy_kinds_only():
    assert queries.policy_facts(fx.milestones(), "AAA")["id"].tolist() == ["AAA-1"]


def test_country_activities_join_organisation_names_and_years():
    rows = queries.country_activities(fx.activities(), fx.organisations(), "AAA")
    assert rows["organisation"].tolist() == ["Org One", "Org Two"]
    assert rows["years"].tolist() == ["2020-", "not reported"]


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (2019, 2021, "2019-2021"),
        (2015, 2015, "2015"),
        (2020, None, "2020-"),
        (None, 2004, "until 2004"),
        (None, None, "not reported"),
    ],
)
def test_year_span(start, end, text):
    assert queries.year_span(pd.NA if start is None else start, pd.NA if end is None else end) == text


def test_evidence_for_country_matches_list_items_exactly():
    assert queries.evidence_for_country(fx.evidence(), "CCC")["id"].tolist() == ["ev-3"]
    assert queries.evidence_for_country(fx.evidence(), "AAA")["id"].tolist() == ["ev-1"]
    assert queries.evidence_for_country(fx.evidence(), "EEE").empty


def test_country_groupings_show_not_reported_for_missing_values():
    country = fx.countries().set_index("iso3").loc["EEE"]
    rows = queries.country_groupings(country).set_index("grouping")
    assert rows.loc["WHO region", "value"] == "not reported"
    assert rows.loc["World Bank income group", "value"] == "High income"


def test_country_groupings_of_a_country_in_no_grouping_at_all(recwarn):
    # Every value missing: a column pandas would type as float, which a text fill must not break.
    country = fx.countries().set_index("iso3").loc["EEE"].copy()
    for column in country.index:
        if column.startswith(("unicef", "who", "wb_")):
            country[column] = None
    rows = queries.country_groupings(country)
    assert set(rows["value"]) == {"not reported"}
    assert not [w for w in recwarn if "fill" in str(w.message)]


def test_country_table_lists_staged_countries_most_advanced_first():
    table = queries.country_table(status_at("2026-11-29"))
    assert table["iso3"].tolist() == ["CCC", "AAA", "DDD", "BBB"]


def test_evidence_for_country_on_an_empty_table_is_empty_not_an_error():
    from hmhb_dash.schema import empty_table

    found = queries.evidence_for_country(empty_table("evidence"), "BGD")
    assert found.empty and list(found.columns) == list(empty_table("evidence").columns)
