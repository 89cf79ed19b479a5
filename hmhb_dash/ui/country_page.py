"""The country page's widgets: stage summary, groupings, timeline, milestones, partners, evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from hmhb_dash import charts, indicators, members, queries, store, story
from hmhb_dash.i18n import _
from hmhb_dash.schema import NOT_REPORTED
from hmhb_dash.ui.base import (
    data_key,
    empty_note,
    external_link_column,
    page_column,
    source_column,
    source_link,
    table,
    text,
    today,
    verified_mark,
)


def stage_summary(history: pd.DataFrame) -> None:
    """The country's current stage, since when, why, and the source."""
    if history.empty:
        st.markdown(_("**Stage:** No recorded activity (not reported in this dataset)"))
        return
    dated = history.assign(_sort=history["since"].fillna(pd.Timestamp(today())))
    latest = dated.sort_values(["_sort", "stage"]).iloc[-1]
    st.markdown(
        _("**Stage:** {stage} since {since}").format(stage=latest["stage_label"], since=latest["since_text"])
    )
    st.markdown(f"{text(latest['basis'])} {source_link(latest['source_url'])}")


def groupings_table(groupings: pd.DataFrame) -> None:
    st.dataframe(
        groupings,
        hide_index=True,
        width="stretch",
        column_config={
            "grouping": _("Grouping"),
            "value": _("Value"),
            "as_of": _("As of"),
            "source_url": source_column(),
        },
    )


def history_story(iso3: str) -> None:
    """The stage history as sentences, oldest first, each with its source."""
    lines = country_texts(iso3).history
    if not lines:
        empty_note(_("No stage recorded."))
        return
    st.markdown("\n".join(f"- {line}" for line in lines))


def milestone_story(blocks: tuple[str, ...], empty: str) -> None:
    """Milestones as text, oldest first: date, what happened, the source's own words, a link to it."""
    if not blocks:
        empty_note(empty)
        return
    for block in blocks:
        with st.container(border=True):
            st.markdown(block)


def _activity_rows(activities: pd.DataFrame) -> pd.DataFrame:
    rows = activities.assign(
        check=verified_mark(activities["verified"]),
        activity_type=activities["activity_type"].map(queries.vocabulary_label),
        org_page=activities["organisation_id"].map(members.org_url),
    )
    return rows[["organisation", "activity_type", "years", "description", "source_url", "check", "org_page"]]


def activity_table(iso3: str) -> None:
    rows = country_texts(iso3).activities
    if rows.empty:
        empty_note(_("No organisation activity recorded."))
        return
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            "organisation": _("Organisation"),
            "activity_type": _("Activity"),
            "years": _("Years"),
            "description": st.column_config.TextColumn(_("What"), width="large"),
            "source_url": source_column(),
            "check": _("Checked"),
            "org_page": page_column(_("Organisation page")),
        },
    )


def _evidence_rows(evidence: pd.DataFrame) -> pd.DataFrame:
    rows = evidence.assign(
        check=verified_mark(evidence["verified"]),
        year_text=evidence["year"].map(lambda y: _(NOT_REPORTED) if pd.isna(y) else str(int(y))),
        type=evidence["type"].map(queries.vocabulary_label),
        page=evidence["id"].map(members.evidence_item_url),
    )
    return rows[["year_text", "title", "type", "publisher", "url", "check", "page"]]


def evidence_table(iso3: str) -> None:
    rows = country_texts(iso3).evidence
    if rows.empty:
        empty_note(_("No evidence item names this country."))
        return
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            "year_text": _("Year"),
            "title": st.column_config.TextColumn(_("Title"), width="large"),
            "type": _("Type"),
            "publisher": _("Publisher or journal"),
            "url": external_link_column(_("Link"), _("open")),
            "check": _("Checked"),
            "page": page_column(_("In the library"), _("details")),
        },
    )


def _indicator_rows(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(check=verified_mark(rows["verified"]), note=rows["source_note"].fillna(""))
    return rows[["indicator_label", "value_text", "period_text", "quote", "source_url", "check", "note"]]


@dataclass(frozen=True)
class CountryTexts:
    """What the country page writes, built once per data version, language and country: a rerun
    (the sidebar, a language change back) then only sends it."""

    history: tuple[str, ...]
    policy: tuple[str, ...]
    milestones: tuple[str, ...]
    labels: pd.DataFrame
    indicators: pd.DataFrame
    activities: pd.DataFrame
    evidence: pd.DataFrame


@st.cache_resource(show_spinner=False, max_entries=256)
def _country_texts(version: str, iso3: str) -> CountryTexts:
    profile = _country_profile(version, iso3)
    return CountryTexts(
        history=tuple(story.history_sentences(profile.history)),
        policy=tuple(story.milestone_blocks(profile.policy)),
        milestones=tuple(story.milestone_blocks(profile.milestones)),
        labels=indicators.country_labels(table("hmhb_labels"), iso3),
        indicators=_indicator_rows(indicators.country_indicators(table("indicators"), iso3)),
        activities=_activity_rows(profile.activities),
        evidence=_evidence_rows(profile.evidence),
    )


def country_texts(iso3: str) -> CountryTexts:
    return _country_texts(data_key(), iso3)


@st.cache_resource(show_spinner=False, max_entries=256)
def _country_profile(version: str, iso3: str) -> queries.CountryProfile:
    tables = {name: table(name) for name in store.TABLES}
    return queries.country_profile(tables, iso3)


def country_profile(iso3: str) -> queries.CountryProfile:
    """One country's joined tables, built once per data version."""
    return _country_profile(data_key(), iso3)


@st.cache_resource(show_spinner=False, max_entries=256)
def _timeline_figure(version: str, iso3: str, day: dt.date):
    profile = _country_profile(version, iso3)
    return charts.FrozenFigure(charts.country_timeline(profile.history, profile.milestones, day))


def timeline_figure(iso3: str):
    return _timeline_figure(data_key(), iso3, today())
