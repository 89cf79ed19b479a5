"""The 'who does what' page's widgets: directory, organisation view, country x activity, timeline."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from hmhb_dash import charts, members, queries
from hmhb_dash.i18n import _
from hmhb_dash.permalinks import MembersView, Parsed, parse_members_view
from hmhb_dash.schema import ACTIVITY_TYPES, NOT_REPORTED, ORGANISATION_TYPES, REGION_GROUPINGS
from hmhb_dash.ui import light_map
from hmhb_dash.ui.base import (
    ALL_REGIONS,
    counted,
    country_url,
    data_key,
    empty_note,
    external_link_column,
    init_state,
    page_column,
    source_column,
    source_link,
    table,
    text,
    today,
    verified_mark,
    write_params,
)


def members_view_from_url() -> Parsed:
    return parse_members_view(
        st.query_params.to_dict(),
        table("countries"),
        tuple(table("organisations")["id"]),
        ORGANISATION_TYPES,
        ACTIVITY_TYPES,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def members_tables(version: str, grouping: str, region: str | None, org_types: tuple, activity_types: tuple):
    countries, orgs = table("countries"), table("organisations")
    active = members.filter_activities(table("activities"), countries, grouping, region, activity_types)
    directory = members.directory(
        orgs, active, countries, org_types, activity_filtered=bool(region or activity_types)
    )
    active = active[active["organisation_id"].isin(directory["id"])]
    matrix = members.country_by_activity(active, orgs, countries)
    matrix = matrix.assign(page=matrix["iso3"].map(country_url))
    timeline = members.timeline_rows(active, orgs, countries, today().year)
    return directory, matrix, timeline, active


def _clear_members_filters() -> None:
    for key in list(st.session_state):
        if key.startswith("mb_region_"):
            st.session_state[key] = ALL_REGIONS
    st.session_state.update(mb_grouping="unicef", mb_orgtype=[], mb_activity=[], mb_org=None)


def members_filters(parsed: Parsed):
    """Sidebar: organisation type, activity type, region (with counts); kept in the URL."""
    start = parsed.view
    init_state(
        {
            "mb_grouping": start.grouping,
            f"mb_region_{start.grouping}": start.region or ALL_REGIONS,
            "mb_orgtype": list(start.org_types),
            "mb_activity": list(start.activity_types),
            "mb_org": start.org,
        }
    )
    state = st.session_state
    grouping = state["mb_grouping"]
    region_key = f"mb_region_{grouping}"
    view = MembersView(
        grouping,
        state.get(region_key) or None,
        tuple(state["mb_orgtype"]),
        tuple(state["mb_activity"]),
        state["mb_org"],
    )
    tables = members_tables(data_key(), grouping, view.region, view.org_types, view.activity_types)
    org_counts = members.org_type_counts(tables[0])
    activity_counts = members.activity_type_counts(tables[3])
    with st.sidebar:
        st.subheader(_("Filter"))
        st.multiselect(
            _("Organisation type"),
            list(ORGANISATION_TYPES),
            format_func=counted(org_counts, _),
            key="mb_orgtype",
            placeholder=_("Any type"),
        )
        st.multiselect(
            _("Activity"),
            list(ACTIVITY_TYPES),
            format_func=counted(activity_counts, _),
            key="mb_activity",
            placeholder=_("Any activity"),
        )
        st.radio(
            _("Region grouping"),
            list(REGION_GROUPINGS),
            format_func=queries.grouping_label,
            key="mb_grouping",
        )
        regions = queries.region_options(table("countries"), grouping)
        if state.get(region_key) not in (ALL_REGIONS, *regions):
            state[region_key] = ALL_REGIONS
        st.selectbox(
            _("Region"),
            [ALL_REGIONS, *regions],
            format_func=lambda r: _("All regions") if r == ALL_REGIONS else queries.region_label(grouping, r),
            key=region_key,
            help=_("Where the activity takes place (not where the organisation is based)."),
        )
        st.button(_("Clear filters"), on_click=_clear_members_filters, key="mb_clear")
    write_params(view.to_params())
    return view, tables


def _select_org(table_key: str, ids: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    st.session_state["mb_org"] = ids[rows[0]] if rows and rows[0] < len(ids) else None


def directory_table(directory: pd.DataFrame, view) -> None:
    ids = directory["id"].tolist()
    key = f"mb_table_{abs(hash((view.grouping, view.region, view.org_types, view.activity_types))) % 10**12}"
    org = st.session_state.get("mb_org")
    rows = directory.assign(check=verified_mark(directory["verified"]))
    st.dataframe(
        rows[
            [
                "name",
                "short_name",
                "type",
                "hq",
                "relationship_text",
                "countries_active",
                "activity_types",
                "website",
                "source_url",
                "check",
            ]
        ],
        hide_index=True,
        width="stretch",
        key=key,
        on_select=functools.partial(_select_org, key, ids),
        selection_mode="single-row",
        selection_default={"selection": {"rows": [ids.index(org)]}} if org in ids else None,
        column_config={
            "name": st.column_config.TextColumn(_("Organisation"), width="medium"),
            "short_name": _("Short name"),
            "type": _("Type"),
            "hq": _("Headquarters"),
            "relationship_text": st.column_config.TextColumn(
                _("Relationship (as the source states it)"), width="large"
            ),
            "countries_active": st.column_config.NumberColumn(_("Countries active")),
            "activity_types": _("Activities"),
            "website": external_link_column(_("Website"), _("website")),
            "source_url": source_column(),
            "check": _("Checked"),
        },
        placeholder=_(NOT_REPORTED),
    )


def org_detail(org_id: str | None) -> None:
    """One organisation: where it works, since when, what (each with its source), and its evidence."""
    if not org_id:
        st.caption(_("Click an organisation to see where it works and the evidence it published."))
        return
    orgs = table("organisations").set_index("id")
    if org_id not in orgs.index:
        return
    org = orgs.loc[org_id]
    countries = table("countries")
    names = dict(zip(countries["iso3"], countries["name"]))
    with st.container(border=True):
        st.markdown(f"## {text(org['name'])} ({text(org['short_name'])})")
        hq = org["hq_iso3"]
        st.markdown(
            _(
                "**Type:** {type} · **Headquarters:** {hq}  \n**Relationship:** {relationship} ({source})  \n"
                "**Website:** {website}"
            ).format(
                type=text(queries.vocabulary_label(org["type"])),
                hq=text(names.get(hq, hq) if isinstance(hq, str) else None),
                relationship=text(org["relationship"]),
                source=source_link(org["source_url"]),
                website=source_link(org["website"], _("website")),
            )
        )
        if not org["verified"]:
            st.warning(_("Not verified: the tracker could not confirm this against its source."))
        work = members.org_activities(table("activities"), countries, org_id)
        st.markdown(_("**Where it works**"))
        if work.empty:
            empty_note(_("No country activity recorded."))
        else:
            st.dataframe(
                work.assign(check=verified_mark(work["verified"]))[
                    ["country", "activity_type", "years", "description", "source_url", "page", "check"]
                ],
                hide_index=True,
                width="stretch",
                column_config={
                    "country": _("Country"),
                    "activity_type": _("Activity"),
                    "years": _("Years"),
                    "description": st.column_config.TextColumn(_("What"), width="large"),
                    "source_url": source_column(),
                    "page": page_column(_("Country page")),
                    "check": _("Checked"),
                },
            )
        published = members.org_evidence(table("evidence"), org_id)
        st.markdown(_("**Evidence it published** (where the data links them)"))
        if published.empty:
            empty_note(_("No evidence item is linked to this organisation."))
        else:
            st.dataframe(
                published[["title", "year", "type", "url", "page"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "title": st.column_config.TextColumn(_("Title"), width="large"),
                    "year": st.column_config.NumberColumn(_("Year"), format="%d"),
                    "type": _("Type"),
                    "url": external_link_column(_("Source"), _("open")),
                    "page": page_column(_("In the library"), _("details")),
                },
                placeholder=_(NOT_REPORTED),
            )
        st.button(_("Close"), on_click=st.session_state.update, kwargs={"mb_org": None}, key="mb_close")


def country_activity_table(matrix: pd.DataFrame) -> None:
    if matrix.empty:
        empty_note(_("No activity matches these filters."))
        return
    kinds = [c for c in matrix.columns if c not in ("iso3", "country", "organisations", "page")]
    st.dataframe(
        matrix[["country", "organisations", *kinds, "page"]],
        hide_index=True,
        width="stretch",
        column_config={
            "country": st.column_config.TextColumn(_("Country")),
            "organisations": st.column_config.NumberColumn(_("Organisations")),
            "page": page_column(_("Country page")),
        },
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _members_counts(version: str, key: tuple, year: int) -> dict[str, int]:
    counts = members.organisations_per_country(members_tables(version, *key)[3], year, year)
    return dict(zip(counts["iso3"], counts["count"].astype(int)))


def members_map(view) -> str | None:
    """Organisations active per country today, for the members page's filters; the country clicked."""
    key = (view.grouping, view.region, view.org_types, view.activity_types)
    year = today().year
    include = None
    if view.region:
        include = list(queries.filter_countries(table("countries"), view.grouping, view.region, None)["iso3"])
    counts = _members_counts(data_key(), key, year)
    payload = light_map.count_view(year, counts, _("organisations active"), include)
    return light_map.show_map(payload, key="members_map")


@st.cache_resource(show_spinner=False, max_entries=64)
def _timeline_chart(version: str, key: tuple, year: int):
    timeline = members_tables(version, *key)[2]
    return charts.FrozenFigure(charts.activity_timeline(timeline, year))


def activity_timeline_figure(view):
    key = (view.grouping, view.region, view.org_types, view.activity_types)
    return _timeline_chart(data_key(), key, today().year)


def members_clear_button() -> None:
    st.button(_("Clear filters"), on_click=_clear_members_filters, key="mb_clear_main")
