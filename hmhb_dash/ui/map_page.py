"""The world map page's widgets: filters, headline numbers, the map and its layers, trend, table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from hmhb_dash import presentation, queries, svgchart
from hmhb_dash.i18n import _
from hmhb_dash.permalinks import MAP_LAYERS, MapView, Parsed, parse_map_view
from hmhb_dash.registry import page
from hmhb_dash.ui import light_map, parts
from hmhb_dash.ui.base import (
    copy_link,
    country_url,
    data_key,
    page_column,
    region_and_income,
    source_column,
    status,
    table,
    today,
    write_params,
    year_bounds,
)
from hmhb_dash.ui.export_menu import export_menu


def _filtered(view: MapView) -> list[str] | None:
    """ISO3 codes in the view's region and income filter; None when nothing is filtered."""
    if not view.region and not view.income:
        return None
    return list(status(view)["iso3"])


def world_map(view: MapView, rest_after_drawing: bool = False) -> str | None:
    """The light map of the view's layer (stage with Play, or a count); the country clicked, if any."""
    if view.layer == "stage":
        payload = light_map.stage_view(view.year, _filtered(view))
    else:
        payload = light_map.count_layer_view(view.layer, view.year, _filtered(view))
    return light_map.show_map(
        payload, key="map", year_key="year", rest_after_drawing=rest_after_drawing, shapes_sent=True
    )


def send_map_shapes() -> None:
    """The world map's shapes, ahead of the page's title (light_map.send_shapes)."""
    light_map.send_shapes("map")


def map_view_from_url() -> Parsed:
    return parse_map_view(st.query_params.to_dict(), table("countries"), year_bounds())


def view_before_widgets(parsed: Parsed) -> MapView:
    """The view the sidebar's widgets are about to show, read before they are drawn.

    A widget's value is in session state from the start of a rerun, so the map can go to the
    browser before the sidebar: a cold page then draws the map without waiting for the widgets'
    scripts (about a second on this machine). Before any widget exists, the URL decides.
    """
    state, start = st.session_state, parsed.view
    grouping = state.get("grouping", start.grouping)
    regions = queries.region_options(table("countries"), grouping)
    fallback_region = start.region if start.region in regions else None
    return MapView(
        state.get("year", start.year),
        grouping,
        state.get(f"region_{grouping}", fallback_region),
        state.get("income", start.income),
        state.get("layer", start.layer),
    )


def map_filters(parsed: Parsed) -> MapView:
    """Sidebar: as-of year, region grouping and region, income group. Kept in the URL."""
    countries = table("countries")
    first, last = year_bounds()
    start: MapView = parsed.view
    with st.sidebar:
        st.subheader(_("View"))
        year = st.slider(
            _("As of year"),
            first,
            last,
            start.year,
            key="year",
            help=_("Stage each country had at the end of that year (today for this year)."),
        )
        grouping, region, income = region_and_income(st, start)
        layer = st.radio(
            _("Map layer"),
            list(MAP_LAYERS),
            index=list(MAP_LAYERS).index(start.layer),
            format_func=lambda layer: _(MAP_LAYERS[layer]),
            key="layer",
            help=_(
                "Evidence items: items naming each country, published by the chosen year. "
                "Organisations: organisations active there in that year."
            ),
        )
    view = MapView(year, grouping, region, income, layer)
    write_params(view.to_params(countries, last))
    return view


def sidebar_filters(parsed: Parsed, drawn: MapView) -> MapView:
    """Draw the sidebar after the map; if a widget corrected a value on its way in (the map was drawn
    for another view), run once more so map and sidebar agree."""
    shown = map_filters(parsed)
    if shown != drawn and st.session_state.get("map_corrected_to") != shown:
        st.session_state["map_corrected_to"] = shown
        st.rerun()
    return shown


def filter_caption(view: MapView) -> str:
    """'Programme stage, as of 2024, West and Central Africa': what the map shows, in words."""
    parts = [_("{layer}, as of {year}").format(layer=_(MAP_LAYERS[view.layer]), year=view.year)]
    if view.region:
        parts.append(queries.region_label(view.grouping, view.region))
    if view.income:
        parts.append(queries.income_label(view.income))
    return ", ".join(parts)


@st.cache_resource(show_spinner=False, max_entries=64)
def _stage_change(version: str, view: MapView, day: dt.date) -> tuple[pd.DataFrame, int, int]:
    current, previous = status(view), status(view, year=view.year - 1)
    change = queries.stage_change(current, previous)
    return change, int((current["stage"] > 0).sum()), int((previous["stage"] > 0).sum())


def headline_metrics(view: MapView) -> None:
    """Countries per stage (1-4) with the change since the year before."""
    year = view.year
    change, staged_now, staged_before = _stage_change(data_key(), view, today())
    since = _("Change since the end of {year}.").format(year=year - 1)
    # A row that wraps, each number as wide as its label: stage names are longer in French and
    # Portuguese, and a fixed column would cut them.
    with st.container(horizontal=True, gap="medium"):
        st.metric(
            _("Countries with any stage"),
            staged_now,
            delta=staged_now - staged_before,
            delta_color="off",
            help=since,
            width="content",
        )
        for row in change[change["stage"] > 0].itertuples():
            st.metric(
                row.label, int(row.now), delta=int(row.change), delta_color="off", help=since, width="content"
            )


@st.cache_resource(show_spinner=False, max_entries=64)
def _over_time(
    version: str, first: int, last: int, grouping: str, region: str | None, income: str | None, day: dt.date
) -> pd.DataFrame:
    countries = queries.filter_countries(table("countries"), grouping, region, income)
    return queries.stages_over_time(table("stage_history"), countries, range(first, last + 1), day)


@st.cache_resource(show_spinner=False, max_entries=64)
def _over_time_svg(
    version: str, first: int, last: int, grouping: str, region: str | None, income: str | None, day: dt.date
) -> str:
    return svgchart.stages_over_time_svg(_over_time(version, first, last, grouping, region, income, day))


def over_time_chart(view: MapView) -> None:
    """Countries per stage in every year of the data, for the view's filters (drawn once per filter).

    The whole history whatever the as-of year: the same picture, so a year change does not send it
    again (the browser keeps it).
    """
    first, last = year_bounds()
    svg = _over_time_svg(data_key(), first, last, view.grouping, view.region, view.income, today())
    parts.show_figure(svg, key="over_time")


@st.cache_resource(show_spinner=False, max_entries=64)
def _country_table(version: str, view: MapView, day: dt.date) -> pd.DataFrame:
    rows = queries.country_table(status(view))
    return rows.assign(page=rows["iso3"].map(country_url))


def map_country_table(view: MapView) -> pd.DataFrame:
    """The map page's table of countries with a stage, with links to their pages (built once)."""
    return _country_table(data_key(), view, today())


def stage_table(rows: pd.DataFrame, key: str) -> None:
    """Sortable table of countries with stage, since, basis, source and a link to the country page."""
    shown = rows if "page" in rows else rows.assign(page=rows["iso3"].map(country_url))
    st.dataframe(
        shown[["name", "stage_label", "since_text", "basis", "source_url", "page"]],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            "name": st.column_config.TextColumn(_("Country")),
            "stage_label": st.column_config.TextColumn(_("Stage")),
            "since_text": st.column_config.TextColumn(_("Since")),
            "basis": st.column_config.TextColumn(_("Basis"), width="large"),
            "source_url": source_column(),
            "page": page_column(_("Country page")),
        },
    )


def map_export_menu(view: MapView) -> None:
    """The export popover for a map view (changes since the default date, default spotlights)."""
    export_menu(presentation.PresentView(view, presentation.default_since(view.year)), key="map_export")


def map_link(view: MapView) -> None:
    with st.sidebar:
        copy_link(view.to_params(table("countries"), year_bounds()[1]), page("").url_path)


def map_caption(layer: str) -> str:
    if layer == "evidence":
        return _(
            "Evidence items naming each country, published by the chosen year (undated ones in the "
            "current year). Click a country to open its page. Grey: none recorded."
        )
    if layer == "organisations":
        return _(
            "Organisations active in each country in the chosen year (ongoing when no end year is "
            "reported). Click a country to open its page. Grey: none recorded."
        )
    return _("Click a country (or a dot, for small states) to open its page. Grey: no recorded activity.")
