"""Who does what where: the organisations directory, country x activity table, activity timeline,
one organisation's work and evidence, and organisations active per country (pure functions)."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from hmhb_dash.queries import region_column, split_list, year_span
from hmhb_dash.schema import ACTIVITY_TYPES, NOT_REPORTED


def org_url(org_id: str) -> str:
    """Relative link to an organisation's view (ids may hold '&', ',' or spaces)."""
    return f"members?org={quote(org_id, safe='')}"


def evidence_item_url(item_id: str) -> str:
    return f"evidence?item={quote(item_id, safe='')}"


def filter_activities(
    activities: pd.DataFrame,
    countries: pd.DataFrame,
    grouping: str = "unicef",
    region: str | None = None,
    activity_types: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Activities in a region (derived from the activity's country) and of the chosen types."""
    keep = pd.Series(True, index=activities.index)
    if region:
        in_region = countries.loc[countries[region_column(grouping)] == region, "iso3"]
        keep &= activities["iso3"].isin(in_region)
    if activity_types:
        keep &= activities["activity_type"].isin(activity_types)
    return activities[keep]


def directory(
    organisations: pd.DataFrame,
    activities: pd.DataFrame,
    countries: pd.DataFrame,
    org_types: tuple[str, ...] = (),
    activity_filtered: bool = False,
) -> pd.DataFrame:
    """One row per organisation: who, what kind, HQ, relationship as the source states it, website,
    source and the number of countries it is active in (within `activities`).

    With `activity_filtered`, only organisations with at least one of the given activities are kept.
    """
    names = dict(zip(countries["iso3"], countries["name"]))
    per_org = activities.groupby("organisation_id")
    n_countries = per_org["iso3"].nunique()
    kinds = per_org["activity_type"].agg(lambda s: "; ".join(sorted(set(s))))
    rows = organisations.assign(
        hq=organisations["hq_iso3"].map(lambda c: names.get(c, c) if isinstance(c, str) else NOT_REPORTED),
        relationship_text=organisations["relationship"].fillna(NOT_REPORTED),
        countries_active=organisations["id"].map(n_countries).fillna(0).astype(int),
        activity_types=organisations["id"].map(kinds).fillna(""),
        page=organisations["id"].map(org_url),
    )
    if org_types:
        rows = rows[rows["type"].isin(org_types)]
    if activity_filtered:
        rows = rows[rows["countries_active"] > 0]
    return rows.sort_values(["countries_active", "name"], ascending=[False, True]).reset_index(drop=True)


def country_by_activity(activities: pd.DataFrame, organisations: pd.DataFrame, countries: pd.DataFrame):
    """Countries as rows, activity types as columns, the organisations doing each as the cell."""
    short = dict(zip(organisations["id"], organisations["short_name"]))
    names = dict(zip(countries["iso3"], countries["name"]))
    if activities.empty:
        return pd.DataFrame(columns=["iso3", "country", "organisations", *ACTIVITY_TYPES])
    rows = activities.assign(org=activities["organisation_id"].map(lambda o: short.get(o, o)))
    cells = (
        rows.groupby(["iso3", "activity_type"])["org"]
        .agg(lambda s: ", ".join(sorted(set(s))))
        .unstack("activity_type")
        .reindex(columns=[t for t in ACTIVITY_TYPES if t in set(rows["activity_type"])])
        .fillna("")
    )
    total = rows.groupby("iso3")["organisation_id"].nunique()
    cells.insert(0, "organisations", total.reindex(cells.index).astype(int))
    cells.insert(0, "country", [names.get(c, c) for c in cells.index])
    cells = cells.reset_index().sort_values(["organisations", "country"], ascending=[False, True])
    return cells.reset_index(drop=True)


def organisations_per_country(
    activities: pd.DataFrame, year: int | None = None, current_year: int | None = None
) -> pd.DataFrame:
    """iso3, count: distinct organisations active in each country (in `year`, if given).

    An activity with no start year counts only in the current year's view; no end year means ongoing.
    """
    rows = activities
    if year is not None:
        start, end = rows["start_year"], rows["end_year"]
        started = start.isna().to_numpy(dtype=bool) & (year == current_year)
        started |= (start.fillna(9999) <= year).to_numpy(dtype=bool)
        not_ended = (end.isna() | (end.fillna(0) >= year)).to_numpy(dtype=bool)
        rows = rows[started & not_ended]
    counts = rows.groupby("iso3")["organisation_id"].nunique()
    return pd.DataFrame({"iso3": counts.index.astype(str), "count": counts.to_numpy(dtype=int)})


def timeline_rows(
    activities: pd.DataFrame, organisations: pd.DataFrame, countries: pd.DataFrame, current_year: int
) -> pd.DataFrame:
    """Activities with a start year as bars: label, start, end (current year when ongoing), ongoing."""
    short = dict(zip(organisations["id"], organisations["short_name"]))
    names = dict(zip(countries["iso3"], countries["name"]))
    dated = activities[activities["start_year"].notna()]
    end = dated["end_year"]
    frame = pd.DataFrame(
        {
            "organisation": dated["organisation_id"].map(lambda o: short.get(o, o)),
            "country": dated["iso3"].map(lambda c: names.get(c, c)),
            "activity_type": dated["activity_type"],
            "start": dated["start_year"].astype(int),
            "end": end.fillna(current_year).astype(int).clip(lower=dated["start_year"].astype(int)),
            "ongoing": end.isna().to_numpy(dtype=bool),
            "years": [year_span(s, e) for s, e in zip(dated["start_year"], dated["end_year"])],
            "description": dated["description"],
        }
    )
    frame["label"] = frame["organisation"] + " - " + frame["country"]
    return frame.sort_values(["start", "label"]).reset_index(drop=True)


def org_activities(activities: pd.DataFrame, countries: pd.DataFrame, org_id: str) -> pd.DataFrame:
    """Where an organisation works, since when, doing what, with the source of each."""
    names = dict(zip(countries["iso3"], countries["name"]))
    rows = activities[activities["organisation_id"] == org_id]
    rows = rows.assign(
        country=rows["iso3"].map(lambda c: names.get(c, c)),
        years=[year_span(s, e) for s, e in zip(rows["start_year"], rows["end_year"])],
        page=rows["iso3"].map(lambda c: f"country?country={c}"),
    )
    return rows.sort_values(["country", "start_year"], na_position="last").reset_index(drop=True)


def org_evidence(evidence: pd.DataFrame, org_id: str) -> pd.DataFrame:
    """Evidence items the data links to the organisation (its organisation_ids list)."""
    linked = evidence["organisation_ids"].map(lambda v: org_id in split_list(v)).to_numpy(dtype=bool)
    rows = evidence[linked]
    rows = rows.assign(page=rows["id"].map(evidence_item_url))
    return rows.sort_values(["year", "title"], ascending=[False, True], na_position="last").reset_index(
        drop=True
    )


def orgs_without_source(organisations: pd.DataFrame) -> pd.DataFrame:
    ok = organisations["source_url"].fillna("").str.match(r"^https?://\S+$").to_numpy(dtype=bool)
    return organisations[~ok]


def activity_type_counts(activities: pd.DataFrame) -> dict[str, int]:
    counts = activities["activity_type"].value_counts()
    return {t: int(counts.get(t, 0)) for t in ACTIVITY_TYPES}


def org_type_counts(organisations: pd.DataFrame) -> dict[str, int]:
    counts = organisations["type"].value_counts()
    return {str(k): int(v) for k, v in counts.items()}
