"""Women reached and HMHB labels: one kind summed at a time, labels read as the project's stages."""

import datetime as dt

import pandas as pd
import pytest

from hmhb_dash import indicators, schema
from tests import fixtures


def frame(rows: list[tuple]) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=["iso3", "indicator", "value", "period"])
    data["value"] = data["value"].astype("Int64")
    for column in ("source_url", "quote", "source_date", "source_note"):
        data[column] = pd.Series(["https://example.org/n"] * len(data), dtype=str)
    data["verified"] = True
    return schema.INDICATORS.validate(data[list(schema.INDICATORS.columns)].astype({"period": str}))


NUMBERS = frame(
    [
        ("AAA", "women_reached", 100, "2021"),
        ("AAA", "women_reached", 250, "2023"),  # same country, overlapping periods: not added
        ("BBB", "women_reached", 40, "to date"),
        ("BBB", "bottles_distributed", 9_000_000, "2024"),  # another kind: never in the total
        ("CCC", "women_targeted", 70, None),
        ("DDD", "women_reached", None, None),  # not reported: not counted
    ]
)


def test_the_total_takes_one_kind_and_the_largest_figure_per_country():
    total = indicators.total(NUMBERS)
    assert (total.value, total.countries) == (290, 2)
    assert total.sentence() == "At least 290 pregnant women reached in 2 countries, as reported"


@pytest.mark.parametrize(
    ("iso3s", "expected"),
    [(["AAA"], (250, 1)), (["CCC"], (0, 0)), ([], (0, 0)), (None, (290, 2))],
)
def test_the_total_counts_only_the_countries_in_view(iso3s, expected):
    total = indicators.total(NUMBERS, iso3s)
    assert (total.value, total.countries) == expected


def test_other_kinds_are_summed_apart_and_unknown_kinds_refused():
    assert indicators.total(NUMBERS, kind="bottles_distributed").value == 9_000_000
    assert (
        indicators.total(NUMBERS, kind="women_targeted")
        .sentence()
        .startswith("At least 70 pregnant women targeted")
    )
    assert "no country in view" in indicators.total(NUMBERS, ["DDD"]).sentence()
    with pytest.raises(ValueError):
        indicators.total(NUMBERS, kind="women_and_bottles")


def test_a_country_table_writes_numbers_and_says_not_reported():
    rows = indicators.country_indicators(NUMBERS, "DDD")
    assert rows[["value_text", "period_text"]].iloc[0].tolist() == ["not reported", "not reported"]
    assert indicators.country_indicators(NUMBERS, "AAA")["value_text"].tolist() == ["100", "250"]


def labels(rows: list[tuple]) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=["iso3", "scheme", "code", "as_of"])
    data["label"] = "HMHB's words"
    data["source_url"] = "https://example.org/hmhb"
    data["quote"] = "quote"
    return schema.HMHB_LABELS.validate(data[list(schema.HMHB_LABELS.columns)].astype({"code": "int64"}))


LABELS = labels(
    [
        ("AAA", "map_category", 3, "undated"),  # AAA is at stage 3: agrees
        ("CCC", "map_category", 3, "2024"),  # older reading; the phase below is newer
        ("CCC", "phase", 3, "HMHB Survey 2025"),  # phase 3 = stage 4 = CCC's stage: agrees
        ("BBB", "phase", 2, "HMHB Survey 2025"),  # phase 2 = stage 3, BBB is at stage 1: differs
    ]
)


def test_labels_read_as_hmhb_writes_them_and_map_to_stages():
    assert schema.hmhb_stage("phase", 1) == 2 and schema.hmhb_stage("map_category", 1) == 1
    rows = indicators.country_labels(LABELS, "CCC")
    assert rows["text"].tolist() == [
        "HMHB: Phase 3 (Scale-up), HMHB Survey 2025",
        "HMHB: World Map category 3 (Initial implementation), 2024",
    ]
    assert rows["stage"].tolist() == [4, 3]


def test_disagreements_compare_the_newest_label_with_todays_stage():
    differ = indicators.hmhb_disagreements(
        LABELS, fixtures.stage_history(), fixtures.countries(), fixtures.TODAY
    )
    assert differ["iso3"].tolist() == ["BBB"]
    assert indicators.disagreement_lines(differ) == [
        "BBB Beta: project stage 1 (Evidence only); HMHB: Phase 2 (Initial implementation), "
        "HMHB Survey 2025 = stage 3"
    ]


def test_an_undated_stage_counts_today_when_compared():
    # DDD's stage 3 has no date: it holds today, so a map category 3 agrees with it.
    agrees = labels([("DDD", "map_category", 3, "undated")])
    assert indicators.hmhb_disagreements(
        agrees, fixtures.stage_history(), fixtures.countries(), dt.date(2026, 1, 1)
    ).empty
