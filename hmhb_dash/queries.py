"""Pure table functions: stage as of a date, filters, counts and joins (DataFrame in, DataFrame out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from hmhb_dash import i18n
from hmhb_dash.i18n import _
from hmhb_dash.schema import (
    GLOBAL_ISO3,
    INCOME_GROUPS,
    LIST_SEPARATOR,
    MILESTONE_KINDS,
    NOT_REPORTED,
    POLICY_KINDS,
    REGION_GROUPINGS,
    STAGES,
    WHO_REGION_NAMES,
)


# --- Dates -----------------------------------------------------------------------------------
def format_date(date: object, precision: str) -> str:
    """A date shown no more precisely than the source gives it: '17 Oct 2024', 'Oct 2024', '2024'
    (in the current language: '17 oct. 2024')."""
    if date is None or pd.isna(date) or precision == NOT_REPORTED:
        return _(NOT_REPORTED)
    stamp = pd.Timestamp(date)
    return i18n.format_date(stamp.date(), precision if precision in ("day", "month") else "year")


def end_of_year(year: int, today: dt.date) -> pd.Timestamp:
    """The moment 'as of <year>' means: 31 December, or today for the current year."""
    if year >= today.year:
        return pd.Timestamp(today)
    return pd.Timestamp(year, 12, 31)


def year_range(stage_history: pd.DataFrame, today: dt.date) -> tuple[int, int]:
    """Earliest year in the stage history to the current year (for the 'as of' control)."""
    years = stage_history["since"].dropna().dt.year
    first = int(years.min()) if len(years) else today.year
    return first, today.year


# --- Stage ------------------------------------------------------------------------------------
def stage_as_of(
    stage_history: pd.DataFrame, countries: pd.DataFrame, as_of: pd.Timestamp, today: dt.date
) -> pd.DataFrame:
    """Each country's stage at `as_of`, derived from its history, stage 0 where nothing applies.

    A history row with no 'since' date is known to hold now but not since when, so it counts from
    `today` on: it shows in the current view and never in the past.
    """
    history = stage_history.copy()
    effective = history["since"].fillna(pd.Timestamp(today)).astype("datetime64[us]")
    applies = history[effective <= as_of]
    latest = (
        applies.assign(_effective=effective[applies.index])
        .sort_values(["iso3", "_effective", "stage"])
        .groupby("iso3", sort=False)
        .tail(1)
        .drop(columns="_effective")
    )
    frame = countries[["iso3", "name"]].merge(latest, on="iso3", how="left")
    frame["stage"] = frame["stage"].fillna(0).astype("int64")
    frame["stage_label"] = frame["stage"].map(stage_label).astype(str)
    frame["since_text"] = [
        format_date(d, p) if s > 0 else ""
        for d, p, s in zip(frame["since"], frame["since_precision"].fillna(NOT_REPORTED), frame["stage"])
    ]
    return frame


def stage_counts(status: pd.DataFrame) -> pd.DataFrame:
    """Countries per stage, every stage listed (zero included), in stage order."""
    counts = status["stage"].value_counts().reindex(list(STAGES), fill_value=0)
    return pd.DataFrame(
        {"stage": list(STAGES), "label": [stage_label(s) for s in STAGES], "countries": counts.to_numpy()}
    )


def stage_change(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per stage: countries now, a year before, and the difference."""
    now = stage_counts(current).set_index("stage")
    before = stage_counts(previous).set_index("stage")
    frame = now.rename(columns={"countries": "now"})
    frame["before"] = before["countries"]
    frame["change"] = frame["now"] - frame["before"]
    return frame.reset_index()


def moved_since(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Countries whose stage differs between two status tables, with from and to."""
    merged = current[["iso3", "name", "stage", "stage_label", "since_text", "basis", "source_url"]].merge(
        previous[["iso3", "stage", "stage_label"]], on="iso3", suffixes=("", "_before")
    )
    moved = merged[merged["stage"] != merged["stage_before"]]
    return moved.sort_values(["stage", "name"], ascending=[False, True]).reset_index(drop=True)


def stages_over_time(
    stage_history: pd.DataFrame, countries: pd.DataFrame, years: range, today: dt.date
) -> pd.DataFrame:
    """Long table year, stage, label, countries: how many countries stood at each stage each year."""
    rows = []
    for year in years:
        counts = stage_counts(stage_as_of(stage_history, countries, end_of_year(year, today), today))
        counts.insert(0, "year", year)
        rows.append(counts)
    return pd.concat(rows, ignore_index=True)


def country_stage_history(stage_history: pd.DataFrame, iso3: str) -> pd.DataFrame:
    rows = stage_history[stage_history["iso3"] == iso3].sort_values(["since", "stage"], na_position="last")
    rows = rows.assign(
        stage_label=rows["stage"].map(stage_label),
        since_text=[format_date(d, p) for d, p in zip(rows["since"], rows["since_precision"])],
    )
    return rows.reset_index(drop=True)


# --- Countries and filters --------------------------------------------------------------------
def stage_label(stage: int) -> str:
    """A stage's name in the current language."""
    return _(STAGES[int(stage)])


def grouping_label(grouping: str) -> str:
    """'UNICEF region' in the current language."""
    return _(REGION_GROUPINGS[grouping][0])


def income_label(income: str) -> str:
    return _(INCOME_GROUPS[income])


def vocabulary_label(value: object) -> object:
    """A vocabulary value (type, topic, activity) in the current language; other values unchanged."""
    return _(value) if isinstance(value, str) and value else value


def list_label(value: object) -> object:
    """'Advocacy; Research' with each item in the current language."""
    if not isinstance(value, str):
        return value
    return "; ".join(_(item.strip()) for item in value.split(LIST_SEPARATOR) if item.strip())


def region_column(grouping: str) -> str:
    return REGION_GROUPINGS[grouping][1]


def region_label(grouping: str, region: str) -> str:
    """Readable name of a region value (WHO codes get their full name)."""
    if grouping == "who":
        return f"{_(WHO_REGION_NAMES[region]) if region in WHO_REGION_NAMES else region} ({region})"
    return _(region)


def region_options(countries: pd.DataFrame, grouping: str) -> list[str]:
    return sorted(countries[region_column(grouping)].dropna().unique().tolist())


def filter_countries(
    countries: pd.DataFrame,
    grouping: str | None = None,
    region: str | None = None,
    income: str | None = None,
) -> pd.DataFrame:
    """Countries in a region of a grouping and/or an income group; None means no filter."""
    keep = pd.Series(True, index=countries.index)
    if grouping and region:
        keep &= countries[region_column(grouping)] == region
    if income:
        keep &= countries["wb_income"] == income
    return countries[keep]


def _region_name(value: object) -> object:
    return _(value) if isinstance(value, str) and value else value


def country_groupings(country: pd.Series) -> pd.DataFrame:
    """The groupings of one country as rows: grouping, value, as of, source."""
    income = country.get("wb_income")
    rows = [
        (
            _("UNICEF region"),
            _region_name(country.get("unicef_region")),
            country.get("unicef_as_of"),
            country.get("unicef_source_url"),
        ),
        (
            _("UNICEF programme region"),
            _region_name(country.get("unicef_programme_region")),
            country.get("unicef_as_of"),
            country.get("unicef_source_url"),
        ),
        (
            _("WHO region"),
            region_label("who", country["who_region"]) if pd.notna(country.get("who_region")) else None,
            country.get("who_as_of"),
            country.get("who_source_url"),
        ),
        (
            _("World Bank region"),
            _region_name(country.get("wb_region")),
            country.get("wb_as_of"),
            country.get("wb_source_url"),
        ),
        (
            _("World Bank income group"),
            _(INCOME_GROUPS[income]) if pd.notna(income) and income in INCOME_GROUPS else None,
            country.get("wb_as_of"),
            country.get("wb_source_url"),
        ),
    ]
    # As text from the start: a country with no grouping at all gives an all-missing (float) column.
    frame = pd.DataFrame(rows, columns=["grouping", "value", "as_of", "source_url"], dtype=object)
    frame["value"] = frame["value"].fillna(_(NOT_REPORTED))
    frame["as_of"] = frame["as_of"].where(frame["value"] != _(NOT_REPORTED), "")
    return frame


def parse_iso3(value: object, countries: pd.DataFrame) -> str | None:
    """A known ISO3 code from untrusted input (URL, click), or None."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        return None
    return code if code in set(countries["iso3"]) else None


# --- Country joins ----------------------------------------------------------------------------
def country_milestones(milestones: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """A country's milestones, dated ones in order, undated ones last."""
    rows = milestones[milestones["iso3"] == iso3].sort_values(["date", "id"], na_position="last")
    return rows.assign(
        kind_label=rows["kind"].map(lambda k: _(MILESTONE_KINDS[k]) if k in MILESTONE_KINDS else k),
        date_text=[format_date(d, p) for d, p in zip(rows["date"], rows["date_precision"])],
    ).reset_index(drop=True)


def policy_facts(milestones: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Policy status facts (strategy, guideline, EML, manufacturing, commitment) of a country."""
    rows = country_milestones(milestones, iso3)
    return rows[rows["kind"].isin(POLICY_KINDS)].reset_index(drop=True)


def country_activities(activities: pd.DataFrame, organisations: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Organisations active in a country with what they do, since when, and the source."""
    rows = activities[activities["iso3"] == iso3].merge(
        organisations[["id", "name", "short_name", "type", "website"]].rename(
            columns={"id": "organisation_id", "name": "organisation", "type": "organisation_type"}
        ),
        on="organisation_id",
        how="left",
    )
    rows["organisation"] = rows["organisation"].fillna(rows["organisation_id"])
    rows["years"] = [year_span(s, e) for s, e in zip(rows["start_year"], rows["end_year"])]
    return rows.sort_values(["organisation", "start_year"], na_position="last").reset_index(drop=True)


def year_span(start: object, end: object) -> str:
    """'2019-2021', '2020-' (ongoing or end not reported), or 'not reported'."""
    if pd.isna(start) and pd.isna(end):
        return _(NOT_REPORTED)
    if pd.isna(start):
        return _("until {year}").format(year=int(end))
    if pd.isna(end):
        return f"{int(start)}-"
    return str(int(start)) if int(start) == int(end) else f"{int(start)}-{int(end)}"


def split_list(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def evidence_for_country(evidence: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Evidence items that name the country."""
    # A boolean mask even when the table is empty: an empty object Series would select columns.
    names = evidence["countries"].map(split_list)
    return (
        evidence.loc[names.map(lambda codes: iso3 in codes).astype(bool)]
        .sort_values(["year", "title"], ascending=[False, True], na_position="last")
        .reset_index(drop=True)
    )


def global_milestones(milestones: pd.DataFrame) -> pd.DataFrame:
    return country_milestones(milestones, GLOBAL_ISO3)


def country_table(status: pd.DataFrame) -> pd.DataFrame:
    """The map page's sortable table: countries with a recorded stage, most advanced first."""
    staged = status[status["stage"] > 0]
    return staged.sort_values(["stage", "name"], ascending=[False, True])[
        ["iso3", "name", "stage", "stage_label", "since_text", "basis", "source_url"]
    ].reset_index(drop=True)


@dataclass(frozen=True)
class CountryProfile:
    """Everything the country page shows about one country, joined once."""

    iso3: str
    name: str
    groupings: pd.DataFrame
    history: pd.DataFrame
    milestones: pd.DataFrame
    policy: pd.DataFrame
    activities: pd.DataFrame
    evidence: pd.DataFrame

    @property
    def has_records(self) -> bool:
        frames = (self.history, self.milestones, self.activities, self.evidence)
        return any(not frame.empty for frame in frames)


def country_profile(tables: dict[str, pd.DataFrame], iso3: str) -> CountryProfile:
    country = tables["countries"].set_index("iso3").loc[iso3]
    milestones = country_milestones(tables["milestones"], iso3)
    return CountryProfile(
        iso3=iso3,
        name=str(country["name"]),
        groupings=country_groupings(country),
        history=country_stage_history(tables["stage_history"], iso3),
        milestones=milestones,
        policy=milestones[milestones["kind"].isin(POLICY_KINDS)].reset_index(drop=True),
        activities=country_activities(tables["activities"], tables["organisations"], iso3),
        evidence=evidence_for_country(tables["evidence"], iso3),
    )
