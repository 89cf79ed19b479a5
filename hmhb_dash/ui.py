"""The Streamlit-aware helpers: cached loaders keyed by data version, URL state, shared widgets."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import runpy
import threading
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from hmhb_dash import charts, citations, evidence, geo, members, queries, store
from hmhb_dash.permalinks import MAP_LAYERS, MapView, Parsed, parse_map_view
from hmhb_dash.registry import page
from hmhb_dash.schema import INCOME_GROUPS, NOT_REPORTED, REGION_GROUPINGS

ATTRIBUTION = (
    "Stages are this project's reading of the public record (HMHB World Map, ministries, partners, "
    "trials); each links to its source."
)


# --- Routing ----------------------------------------------------------------------------------
APP_PATH = store.PROJECT_DATA_DIR.parent / "app.py"
_router = threading.local()


@contextlib.contextmanager
def routing():
    """Mark the script thread as inside app.py's router while the page runs."""
    _router.active = True
    try:
        yield
    finally:
        _router.active = False


def require_router() -> None:
    """Run app.py's router if Streamlit started this page without it.

    A folder named pages/ beside app.py makes a fresh Streamlit server treat its first deep link
    (e.g. /country?country=BGD) as an old-style page and run the file directly, skipping app.py:
    no page config, no navigation. Running the router here gives the same page as from /.
    """
    if getattr(_router, "active", False):
        return
    runpy.run_path(str(APP_PATH), run_name="__main__")
    st.stop()


def today() -> dt.date:
    return dt.date.today()


# --- Data (cached per data version: a publish is seen on the next interaction) ----------------
def data_version() -> str:
    """The id of the data version being shown (for people: file names, captions)."""
    return store.current_version(store.data_dir())


def data_key() -> str:
    """Cache key of the data being shown: its directory and version.

    Keyed by directory too, so caches never serve one directory's tables for another whose version
    has the same id (tests and benchmarks switch HMHB_DATA_DIR within one process).
    """
    return f"{store.data_dir()}|{data_version()}"


# cache_resource, not cache_data: tables are read-only here and copying them on every rerun
# (what cache_data does) would cost more than the page itself.
@st.cache_resource(show_spinner=False, max_entries=8)
def _load_table(root: str, version: str, name: str) -> pd.DataFrame:
    from pathlib import Path

    return pd.read_parquet(store.version_dir(Path(root), version) / f"{name}.parquet")


def table(name: str) -> pd.DataFrame:
    return _load_table(str(store.data_dir()), data_version(), name)


@st.cache_resource(show_spinner=False)
def _boundaries():
    return geo.load_boundaries(store.boundaries_path())


@st.cache_resource(show_spinner=False)
def small_states() -> pd.DataFrame:
    return geo.small_states(_boundaries())


@st.cache_resource(show_spinner=False, max_entries=64)
def _geojson_for(iso3s: tuple[str, ...]) -> dict:
    boundaries = _boundaries()
    return geo.boundaries_geojson(boundaries[boundaries["iso3"].isin(iso3s)])


@st.cache_resource(show_spinner=False, max_entries=8)
def _year_bounds(version: str, day: dt.date) -> tuple[int, int]:
    return queries.year_range(table("stage_history"), day)


def year_bounds() -> tuple[int, int]:
    return _year_bounds(data_key(), today())


@st.cache_resource(show_spinner=False, max_entries=64)
def _status(
    version: str, year: int, grouping: str, region: str | None, income: str | None, day: dt.date
) -> pd.DataFrame:
    countries = queries.filter_countries(table("countries"), grouping, region, income)
    as_of = queries.end_of_year(year, day)
    return queries.stage_as_of(table("stage_history"), countries, as_of, day)


def status(view: MapView, year: int | None = None) -> pd.DataFrame:
    """Stage of every country in the view's filter, as of the view's year (or `year`)."""
    return _status(
        data_key(), view.year if year is None else year, view.grouping, view.region, view.income, today()
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _map_figure(version: str, year: int, grouping: str, region: str | None, income: str | None, day: dt.date):
    # Built once per data version and filter set: rebuilding a 237-country map costs far more
    # than a rerun should.
    view = MapView(year, grouping, region, income)
    rows = status(view)
    drawable = rows[rows["iso3"].isin(_boundaries()["iso3"]) & ~rows["iso3"].isin(geo.LEFT_OFF_MAPS)]
    return charts.FrozenFigure(
        charts.stage_map(drawable, _geojson_for(tuple(drawable["iso3"])), small_states())
    )


def map_figure(view: MapView):
    """The map of the view's layer: programme stage, or counts of evidence or organisations."""
    if view.layer != "stage":
        return count_map_figure(view.layer, view)
    return _map_figure(data_key(), view.year, view.grouping, view.region, view.income, today())


PLOTLY_CONFIG = geo.plotly_config()


# --- URL state -------------------------------------------------------------------------------
def show_notices(parsed: Parsed) -> None:
    for notice in parsed.notices:
        st.info(notice, icon=":material/info:")


def map_view_from_url() -> Parsed:
    return parse_map_view(st.query_params.to_dict(), table("countries"), year_bounds())


def write_params(params: dict[str, str], keep: Iterable[str] = ()) -> None:
    """Make the URL show exactly `params` (plus the `keep` ones already there)."""
    current = st.query_params.to_dict()
    wanted = {k: v for k, v in current.items() if k in keep} | params
    if wanted != current:
        st.query_params.from_dict(wanted)


# --- Shared widgets --------------------------------------------------------------------------
def map_filters(parsed: Parsed) -> MapView:
    """Sidebar: as-of year, region grouping and region, income group. Kept in the URL."""
    countries = table("countries")
    first, last = year_bounds()
    start: MapView = parsed.view
    with st.sidebar:
        st.subheader("View")
        year = st.slider(
            "As of year",
            first,
            last,
            start.year,
            key="year",
            help="Stage each country had at the end of that year (today for this year).",
        )
        grouping = st.radio(
            "Region grouping",
            list(REGION_GROUPINGS),
            index=list(REGION_GROUPINGS).index(start.grouping),
            format_func=lambda g: REGION_GROUPINGS[g][0],
            key="grouping",
            horizontal=False,
        )
        regions = queries.region_options(countries, grouping)
        region = st.selectbox(
            "Region",
            [None, *regions],
            index=([None, *regions].index(start.region) if start.region in regions else 0),
            format_func=lambda r: "All regions" if r is None else queries.region_label(grouping, r),
            key=f"region_{grouping}",
        )
        income = st.selectbox(
            "Income group (World Bank)",
            [None, *INCOME_GROUPS],
            index=[None, *INCOME_GROUPS].index(start.income),
            format_func=lambda i: "All income groups" if i is None else INCOME_GROUPS[i],
            key="income",
        )
        layer = st.radio(
            "Map layer",
            list(MAP_LAYERS),
            index=list(MAP_LAYERS).index(start.layer),
            format_func=MAP_LAYERS.get,
            key="layer",
            help="Evidence items: items naming each country, published by the chosen year. "
            "Organisations: organisations active there in that year.",
        )
    view = MapView(year, grouping, region, income, layer)
    write_params(view.to_params(countries, last))
    return view


def filter_caption(view: MapView) -> str:
    """'Programme stage, as of 2024, West and Central Africa': what the map shows, in words."""
    parts = [f"{MAP_LAYERS[view.layer]}, as of {view.year}"]
    if view.region:
        parts.append(queries.region_label(view.grouping, view.region))
    if view.income:
        parts.append(INCOME_GROUPS[view.income])
    return ", ".join(parts)


def country_page_link(iso3: str, name: str) -> None:
    st.page_link(
        str(page("country").path), label=name, query_params={"country": iso3}, icon=":material/arrow_forward:"
    )


def go_to_country(iso3: str) -> None:
    st.switch_page(str(page("country").path), query_params={"country": iso3})


def source_link(url: object, label: str = "source") -> str:
    """Markdown link for a source URL; only http(s) is ever rendered as a link."""
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        safe = url.replace(")", "%29").replace(" ", "%20")
        return f"[{label}]({safe})"
    return NOT_REPORTED


def text(value: object) -> str:
    """A value for display: missing becomes 'not reported'; Markdown specials are escaped."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return NOT_REPORTED
    return escape_markdown(str(value))


def escape_markdown(value: str) -> str:
    # Data is untrusted: stop titles from becoming links, headings or HTML in Markdown.
    for char in "\\`*_{}[]()#+-.!|<>$~":
        value = value.replace(char, "\\" + char)
    return value


@st.cache_resource(show_spinner=False, max_entries=64)
def _stage_change(version: str, view: MapView, day: dt.date) -> tuple[pd.DataFrame, int, int]:
    current, previous = status(view), status(view, year=view.year - 1)
    change = queries.stage_change(current, previous)
    return change, int((current["stage"] > 0).sum()), int((previous["stage"] > 0).sum())


def headline_metrics(view: MapView) -> None:
    """Countries per stage (1-4) with the change since the year before."""
    year = view.year
    change, staged_now, staged_before = _stage_change(data_key(), view, today())
    columns = st.columns(5)
    columns[0].metric(
        "Countries with any stage",
        staged_now,
        delta=staged_now - staged_before,
        delta_color="off",
        help=f"Change since the end of {year - 1}.",
    )
    for column, row in zip(columns[1:], change[change["stage"] > 0].itertuples()):
        column.metric(
            row.label,
            int(row.now),
            delta=int(row.change),
            delta_color="off",
            help=f"Change since the end of {year - 1}.",
        )


def clicked_country(event: object) -> str | None:
    """The ISO3 code of a clicked map country or marker, from a plotly selection event."""
    try:
        points = event["selection"]["points"]  # a dict-like in the app and in AppTest
    except (KeyError, TypeError):
        return None
    for point in points or []:
        code = point.get("location") or (point.get("customdata") or [None])[0]
        iso3 = queries.parse_iso3(code, table("countries"))
        if iso3:
            return iso3
    return None


@st.cache_resource(show_spinner=False, max_entries=8)
def _picker_names(version: str, day: dt.date) -> dict[str, str]:
    ordered = current_status().sort_values(["stage", "name"], ascending=[False, True])
    return dict(zip(ordered["iso3"], ordered["name"]))


def country_picker(key: str, label: str = "Open a country page") -> None:
    """A selector of every country (those with a stage first): reaches states too small to click."""
    names = _picker_names(data_key(), today())
    choice = st.selectbox(
        label, [None, *names], format_func=lambda c: "Choose a country" if c is None else names[c], key=key
    )
    if choice:
        go_to_country(choice)


@st.cache_resource(show_spinner=False, max_entries=64)
def _over_time(
    version: str, first: int, last: int, grouping: str, region: str | None, income: str | None, day: dt.date
) -> pd.DataFrame:
    countries = queries.filter_countries(table("countries"), grouping, region, income)
    return queries.stages_over_time(table("stage_history"), countries, range(first, last + 1), day)


@st.cache_resource(show_spinner=False, max_entries=64)
def _over_time_figure(
    version: str, first: int, last: int, grouping: str, region: str | None, income: str | None, day: dt.date
):
    rows = _over_time(version, first, last, grouping, region, income, day)
    return charts.FrozenFigure(charts.stages_over_time_chart(rows))


def over_time_figure(view: MapView):
    """Countries per stage from the first year in the data to the view's year (built once)."""
    first, _ = year_bounds()
    return _over_time_figure(data_key(), first, view.year, view.grouping, view.region, view.income, today())


def country_url(iso3: str) -> str:
    # Relative, so the link keeps working behind any base path.
    return f"{page('country').url_path}?country={iso3}"


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
            "name": st.column_config.TextColumn("Country"),
            "stage_label": st.column_config.TextColumn("Stage"),
            "since_text": st.column_config.TextColumn("Since"),
            "basis": st.column_config.TextColumn("Basis", width="large"),
            "source_url": st.column_config.LinkColumn(
                "Source", display_text="source", validate=r"^https?://"
            ),
            "page": st.column_config.LinkColumn("Country page", display_text="open"),
        },
    )


def current_status() -> pd.DataFrame:
    """Every country's stage today, no filter."""
    return status(MapView(today().year))


def _empty(message: str) -> None:
    st.caption(message)


def stage_summary(history: pd.DataFrame) -> None:
    """The country's current stage, since when, why, and the source."""
    if history.empty:
        st.markdown(f"**Stage:** No recorded activity ({NOT_REPORTED} in this dataset)")
        return
    dated = history.assign(_sort=history["since"].fillna(pd.Timestamp(today())))
    latest = dated.sort_values(["_sort", "stage"]).iloc[-1]
    st.markdown(f"**Stage:** {latest['stage_label']} since {latest['since_text']}")
    st.markdown(f"{text(latest['basis'])} {source_link(latest['source_url'])}")


def groupings_table(groupings: pd.DataFrame) -> None:
    st.dataframe(
        groupings,
        hide_index=True,
        width="stretch",
        column_config={
            "grouping": "Grouping",
            "value": "Value",
            "as_of": "As of",
            "source_url": st.column_config.LinkColumn("Source", display_text="source"),
        },
    )


def history_table(history: pd.DataFrame) -> None:
    if history.empty:
        return
    st.dataframe(
        history[["since_text", "stage_label", "basis", "source_url"]],
        hide_index=True,
        width="stretch",
        column_config={
            "since_text": "Since",
            "stage_label": "Stage",
            "basis": st.column_config.TextColumn("Basis", width="large"),
            "source_url": st.column_config.LinkColumn("Source", display_text="source"),
        },
    )


def milestone_table(milestones: pd.DataFrame, key: str, empty: str) -> None:
    if milestones.empty:
        _empty(empty)
        return
    rows = milestones.assign(
        note=milestones["source_note"].fillna(""),
        quote=milestones["quote"].fillna(NOT_REPORTED),
    )
    st.dataframe(
        rows[["date_text", "kind_label", "title", "quote", "source_url", "note"]],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            "date_text": "Date",
            "kind_label": "Kind",
            "title": st.column_config.TextColumn("What happened", width="large"),
            "quote": st.column_config.TextColumn("In the source's words", width="medium"),
            "source_url": st.column_config.LinkColumn("Source", display_text="source"),
            "note": st.column_config.TextColumn("Source note"),
        },
    )


def verified_mark(verified: pd.Series) -> pd.Series:
    return verified.map({True: "", False: "not verified"})


def activity_table(activities: pd.DataFrame) -> None:
    if activities.empty:
        _empty("No organisation activity recorded.")
        return
    rows = activities.assign(
        check=verified_mark(activities["verified"]),
        org_page=activities["organisation_id"].map(members.org_url),
    )
    st.dataframe(
        rows[["organisation", "activity_type", "years", "description", "source_url", "check", "org_page"]],
        hide_index=True,
        width="stretch",
        column_config={
            "organisation": "Organisation",
            "activity_type": "Activity",
            "years": "Years",
            "description": st.column_config.TextColumn("What", width="large"),
            "source_url": st.column_config.LinkColumn("Source", display_text="source"),
            "check": "Checked",
            "org_page": st.column_config.LinkColumn("Organisation page", display_text="open"),
        },
    )


def evidence_table(evidence: pd.DataFrame) -> None:
    if evidence.empty:
        _empty("No evidence item names this country.")
        return
    rows = evidence.assign(
        check=verified_mark(evidence["verified"]),
        year_text=evidence["year"].map(lambda y: NOT_REPORTED if pd.isna(y) else str(int(y))),
        page=evidence["id"].map(members.evidence_item_url),
    )
    st.dataframe(
        rows[["year_text", "title", "type", "publisher", "url", "check", "page"]],
        hide_index=True,
        width="stretch",
        column_config={
            "year_text": "Year",
            "title": st.column_config.TextColumn("Title", width="large"),
            "type": "Type",
            "publisher": "Publisher or journal",
            "url": st.column_config.LinkColumn("Link", display_text="open"),
            "check": "Checked",
            "page": st.column_config.LinkColumn("In the library", display_text="details"),
        },
    )


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


# --- Convening mode: link to the view, presentation, exports --------------------------------
def copy_link(params: dict[str, str], url_path: str, where=None) -> None:
    """The link that reopens this view, in a code block whose copy button copies it (no JavaScript)."""
    from urllib.parse import urlencode, urlsplit

    query = urlencode(params, safe=",")
    path = "/" + url_path + (f"?{query}" if query else "")
    try:
        parts = urlsplit(st.context.url or "")
        base = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""
    except Exception:  # no browser context (AppTest, bare mode): the path alone still works
        base = ""
    target = where or st
    target.caption("Link to this view")
    target.code(base + path, language=None, wrap_lines=True)


def present_view_from_url() -> Parsed:
    from hmhb_dash import presentation

    params = {key: st.query_params.get_all(key) for key in st.query_params}
    return presentation.parse_present_view(params, table("countries"), year_bounds())


@st.cache_resource(show_spinner=False, max_entries=32)
def _briefing(version: str, view, day: dt.date):
    from hmhb_dash import presentation

    tables = {name: table(name) for name in store.TABLES}
    return presentation.brief(tables, view, day, version)


def briefing(view):
    """The briefing of a presentation view (step ignored), built once per data version and view."""
    import dataclasses

    return _briefing(data_key(), dataclasses.replace(view, step=1), today())


def present_setup(parsed: Parsed):
    """The presenter's choices (filters, since, spotlights, slides), kept in the URL."""
    from hmhb_dash import presentation

    countries = table("countries")
    first, last = year_bounds()
    start = parsed.view
    with st.expander("Set up the presentation", icon=":material/tune:"):
        left, middle, right = st.columns(3)
        year = left.slider("As of year", first, last, start.map.year, key="present_year")
        grouping = middle.radio(
            "Region grouping",
            list(REGION_GROUPINGS),
            index=list(REGION_GROUPINGS).index(start.map.grouping),
            format_func=lambda g: REGION_GROUPINGS[g][0],
            key="present_grouping",
            horizontal=True,
        )
        regions = queries.region_options(countries, grouping)
        region = middle.selectbox(
            "Region",
            [None, *regions],
            index=([None, *regions].index(start.map.region) if start.map.region in regions else 0),
            format_func=lambda r: "All regions" if r is None else queries.region_label(grouping, r),
            key=f"present_region_{grouping}",
        )
        income = middle.selectbox(
            "Income group (World Bank)",
            [None, *INCOME_GROUPS],
            index=[None, *INCOME_GROUPS].index(start.map.income),
            format_func=lambda i: "All income groups" if i is None else INCOME_GROUPS[i],
            key="present_income",
        )
        since = left.date_input(
            "What changed since",
            start.since,
            min_value=dt.date(first, 1, 1),
            max_value=dt.date(last, 12, 31),
            key="present_since",
        )
        names = dict(zip(countries["iso3"], countries["name"]))
        spotlight = right.multiselect(
            "Spotlight countries",
            sorted(names, key=names.get),
            default=list(start.countries),
            format_func=names.get,
            max_selections=presentation.MAX_SPOTLIGHTS,
            placeholder="Countries that moved (default)",
            key="present_countries",
        )
        parts = right.multiselect(
            "Slides, in order",
            list(presentation.PARTS),
            default=list(start.parts),
            format_func=presentation.PARTS.get,
            key="present_parts",
        )
    if not isinstance(since, dt.date) or since >= dt.date(year, 12, 31):
        since = presentation.default_since(year)
    mv = MapView(year, grouping, region, income)
    if mv != start.map and since == start.since and start.since == presentation.default_since(start.map.year):
        since = presentation.default_since(year)  # the default window follows the year
    return presentation.PresentView(
        mv, since, tuple(spotlight), tuple(parts) or tuple(presentation.PARTS), start.step
    )


def _go_to_step(step: int) -> None:
    # A callback runs before the rerun, so the page reads the new step from the URL.
    st.query_params["step"] = str(step)


def present_nav(view, count: int) -> int:
    """Previous / next buttons (also the Left / Right keys); returns the 1-based slide shown."""
    from hmhb_dash import presentation

    step = min(max(view.step, 1), max(count, 1))
    back, where, forward, menu = st.columns([2, 5, 2, 2], vertical_alignment="center")
    back.button(
        "Previous",
        icon=":material/arrow_back:",
        disabled=step <= 1,
        shortcut="Left",
        key="prev",
        on_click=_go_to_step,
        args=(step - 1,),
    )
    forward.button(
        "Next",
        icon=":material/arrow_forward:",
        disabled=step >= count,
        shortcut="Right",
        key="next",
        on_click=_go_to_step,
        args=(step + 1,),
    )
    where.caption(f"Slide {step} of {count} · {presentation.PRODUCT}")
    with menu:
        export_menu(view, key="present_export")
    return step


@st.cache_resource(show_spinner=False, max_entries=16)
def _present_map(version: str, view, day: dt.date):
    from hmhb_dash import export

    fig = export.map_figure(_briefing(version, view, day), _boundaries())
    fig.update_layout(height=640, dragmode=False)
    return charts.FrozenFigure(fig)


@st.cache_resource(show_spinner=False, max_entries=16)
def _present_trend(version: str, view, day: dt.date):
    from hmhb_dash import export

    fig = export.trend_figure(_briefing(version, view, day))
    fig.update_layout(
        height=540,
        font=dict(size=22),
        legend=dict(font=dict(size=22)),
        xaxis=dict(tickfont=dict(size=20)),
        yaxis=dict(tickfont=dict(size=20), title=dict(font=dict(size=20))),
    )
    return fig


def present_slide(view, slide) -> None:
    """One slide of the presentation, in large type."""
    import dataclasses

    key = dataclasses.replace(view, step=1)
    brief = briefing(view)
    st.title(slide.title)
    if slide.kind == "headline":
        _present_headline(brief)
    elif slide.kind == "map":
        st.plotly_chart(_present_map(data_key(), key, today()), config=PLOTLY_CONFIG, width="stretch")
    elif slide.kind == "trend":
        st.plotly_chart(_present_trend(data_key(), key, today()), config=PLOTLY_CONFIG, width="stretch")
    elif slide.kind == "changes":
        _present_changes(brief)
    elif slide.kind == "spotlight":
        _present_spotlight(next(s for s in brief.spotlights if s.iso3 == slide.iso3))
    elif slide.kind == "sources":
        _present_sources(brief)
    st.caption(brief.subtitle())


def _present_headline(brief) -> None:
    if brief.empty:
        st.header("No countries in this selection.")
        return
    from hmhb_dash.schema import STAGES

    counts = brief.counts.set_index("stage")
    before = int((brief.previous["stage"] > 0).sum())
    cards = [("Countries with any stage", brief.staged, brief.staged - before)]
    cards += [(STAGES[s], int(counts.loc[s, "now"]), int(counts.loc[s, "change"])) for s in STAGES if s > 0]
    year = brief.view.map.year
    for column, (label, now, change) in zip(st.columns(len(cards)), cards):
        column.markdown(f"# {now}")
        column.markdown(f"#### {label}")
        column.markdown(
            f"{change:+d} since end of {year - 1}" if change else f"no change since end of {year - 1}"
        )
    st.header(f"{len(brief.changes)} countries moved stage since {brief.since_text}")


def _present_changes(brief) -> None:
    if brief.changes.empty:
        st.header(f"No country in view changed stage between {brief.since_text} and {brief.as_of_text}.")
        return
    for row in brief.changes.head(8).itertuples():
        st.subheader(f"{text(row.name)}: {text(row.stage_label_before)} → {text(row.stage_label)}")
        lines = [f"- {text(move)}" for move in row.moves[:2]] or [f"- {text(row.basis)}"]
        st.markdown("\n".join(lines) + f" ({source_link(row.source_url)})")
    if len(brief.changes) > 8:
        st.markdown("Also moved: " + ", ".join(text(n) for n in brief.changes["name"].iloc[8:]))


def _present_spotlight(spot) -> None:
    status = f"{spot.stage_label} since {spot.since_text}" if spot.since_text else spot.stage_label
    st.header(text(status))
    st.markdown(f"#### {text(spot.basis)}")
    st.markdown(source_link(spot.source_url))
    left, right = st.columns([2, 3])
    left.subheader("Stage history")
    left.markdown(
        "\n".join(f"- **{text(h.since_text)}**: {text(h.stage_label)}" for h in spot.history.itertuples())
    )
    right.subheader("Key milestones")
    if spot.milestones.empty:
        right.markdown("No dated milestones recorded.")
    else:
        right.markdown(
            "\n".join(
                f"- **{text(m.date_text)}**: {text(m.title)}" for m in spot.milestones.head(5).itertuples()
            )
        )


def _present_sources(brief) -> None:
    st.markdown(
        "\n".join(f"- {text(r.what)}: {source_link(r.url, 'link')}" for r in brief.sources.itertuples())
    )


# Exports are built only when a download is clicked (st.download_button runs the callable then).
@st.cache_resource(show_spinner=False)
def _renderer():
    from hmhb_dash import export

    return export.Renderer().start()


@st.cache_resource(show_spinner=False, max_entries=8)
def _export_bytes(version: str, view, day: dt.date, what: str) -> bytes:
    from hmhb_dash import deck, export

    brief = _briefing(version, view, day)
    if what == "deck":
        return deck.build_deck(brief, _boundaries(), day, _renderer())
    if what in ("map.png", "map.svg"):
        return export.map_image(brief, _boundaries(), _renderer(), fmt=what[-3:])
    if what == "trend.png":
        return export.trend_image(brief, _renderer())
    if what == "csv":
        return export.view_csv(brief)
    if what == "xlsx":
        return export.view_xlsx(brief)
    if what == "zip":
        return export.dataset_zip({n: table(n) for n in store.TABLES}, version, brief.as_of_text)
    raise ValueError(what)


EXPORTS = (
    (
        "deck",
        "Slide deck (PowerPoint)",
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("map.png", "Map (PNG)", "png", "image/png"),
    ("map.svg", "Map (SVG)", "svg", "image/svg+xml"),
    ("trend.png", "Progress chart (PNG)", "png", "image/png"),
    ("csv", "Countries in view (CSV)", "csv", "text/csv"),
    (
        "xlsx",
        "Countries in view (Excel)",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("zip", "Whole dataset with README (zip)", "zip", "application/zip"),
)


def export_menu(view, key: str) -> None:
    """Downloads of the current view; each file is made only when its button is clicked."""
    import dataclasses
    import functools

    view = dataclasses.replace(view, step=1)
    version, day = data_key(), today()
    stem = f"mms-tracker-{view.map.year}" + (f"-{view.map.region}" if view.map.region else "")
    stem = "".join(c if c.isalnum() or c == "-" else "-" for c in stem.lower())
    with st.popover("Export", icon=":material/download:"):
        for what, label, ext, mime in EXPORTS:
            st.download_button(
                label,
                data=functools.partial(_export_bytes, version, view, day, what),
                file_name=f"{stem}-{what.split('.')[0]}.{ext}"
                if what != "zip"
                else "mms-tracker-dataset.zip",
                mime=mime,
                on_click="ignore",
                key=f"{key}_{what}",
                width="stretch",
            )


def map_export_menu(view: MapView) -> None:
    """The export popover for a map view (changes since the default date, default spotlights)."""
    from hmhb_dash import presentation

    export_menu(presentation.PresentView(view, presentation.default_since(view.year)), key="map_export")


def map_link(view: MapView) -> None:
    with st.sidebar:
        copy_link(view.to_params(table("countries"), year_bounds()[1]), page("").url_path)


# --- Evidence library -----------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=8)
def _evidence_index(version: str) -> evidence.EvidenceIndex:
    # The normalised search keys and facet masks: built once per data version, never per rerun.
    return evidence.build_index(table("evidence"), table("countries"))


def evidence_index() -> evidence.EvidenceIndex:
    return _evidence_index(data_key())


@st.cache_resource(show_spinner=False, max_entries=8)
def _evidence_meta(version: str, day: dt.date) -> tuple[tuple[int, int], frozenset[str], dict[str, str]]:
    index = _evidence_index(version)
    years = index.items["year"].dropna()
    first = int(years.min()) if len(years) else day.year
    names = dict(zip(table("countries")["iso3"], table("countries")["name"]))
    in_library = sorted(index.facets["country"], key=lambda c: names.get(c, c))
    return (
        (first, max(day.year, int(years.max()) if len(years) else day.year)),
        frozenset(index.items["id"]),
        {c: names.get(c, c) for c in in_library},
    )


def evidence_view_from_url() -> Parsed:
    from hmhb_dash.permalinks import parse_evidence_view
    from hmhb_dash.schema import EVIDENCE_TYPES, TOPICS

    years, ids, _ = _evidence_meta(data_key(), today())
    return parse_evidence_view(
        st.query_params.to_dict(), table("countries"), years, ids, TOPICS, EVIDENCE_TYPES
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def _evidence_run(version: str, query: evidence.EvidenceQuery):
    return evidence.run(_evidence_index(version), query)


ALL_REGIONS = ""  # the "All regions" choice (None would show as an empty selectbox)


def _clear_evidence_filters(first: int, last: int) -> None:
    for key in list(st.session_state):
        if key.startswith("ev_region_"):
            st.session_state[key] = ALL_REGIONS
    st.session_state.update(
        ev_q="",
        ev_grouping="unicef",
        ev_global=False,
        ev_country=[],
        ev_topic=[],
        ev_type=[],
        ev_years=(first, last),
        ev_verified=False,
        ev_item=None,
    )


def _init_state(values: dict) -> None:
    # Widgets take their first value from the URL; after that the widget's own state rules.
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = value


def _counted(counts: dict[str, int], label=str):
    return lambda value: f"{label(value)} ({counts.get(value, 0)})"


def evidence_filters(parsed: Parsed):
    """Sidebar filters of the evidence library with match counts per choice; kept in the URL.

    Returns the view and the query it asks for.
    """
    from hmhb_dash.permalinks import EvidenceView
    from hmhb_dash.schema import EVIDENCE_TYPES, TOPICS

    start = parsed.view
    (first, last), _, library_countries = _evidence_meta(data_key(), today())
    countries = table("countries")
    _init_state(
        {
            "ev_q": start.q,
            "ev_grouping": start.grouping,
            f"ev_region_{start.grouping}": start.region or ALL_REGIONS,
            "ev_global": start.include_global,
            "ev_country": list(start.countries),
            "ev_topic": list(start.topics),
            "ev_type": list(start.types),
            "ev_years": start.years or (first, last),
            "ev_verified": start.verified_only,
            "ev_item": start.item,
        }
    )
    state = st.session_state
    grouping = state["ev_grouping"]
    years = tuple(state["ev_years"])
    query = evidence.EvidenceQuery(
        grouping=grouping,
        region=state.get(f"ev_region_{grouping}") or None,
        include_global=bool(state["ev_global"]),
        countries=tuple(state["ev_country"]),
        topics=tuple(state["ev_topic"]),
        types=tuple(state["ev_type"]),
        years=None if years == (first, last) else years,
        verified_only=bool(state["ev_verified"]),
        q=state["ev_q"][:200],
    )
    results, counts = _evidence_run(data_key(), query)
    with st.sidebar:
        st.text_input(
            "Search",
            key="ev_q",
            max_chars=200,
            placeholder="e.g. jivita birth weight",
            help="Words in the title, authors, publisher or summary; all must match. Case and accents "
            "do not matter. Title matches come first.",
        )
        st.radio(
            "Region grouping",
            list(REGION_GROUPINGS),
            format_func=lambda g: REGION_GROUPINGS[g][0],
            key="ev_grouping",
        )
        regions = [r for r in counts["region"] if r != evidence.GLOBAL]
        region_key = f"ev_region_{grouping}"
        if state.get(region_key) not in (ALL_REGIONS, *regions):
            state[region_key] = ALL_REGIONS
        st.selectbox(
            "Region",
            [ALL_REGIONS, *regions],
            format_func=lambda r: (
                "All regions"
                if r == ALL_REGIONS
                else f"{queries.region_label(grouping, r)} ({counts['region'].get(r, 0)})"
            ),
            key=region_key,
            help="Derived from each item's countries. An item naming several countries is in each of "
            "their regions.",
        )
        st.checkbox(
            f"Also global items ({counts['region'].get(evidence.GLOBAL, 0)})",
            key="ev_global",
            disabled=not state.get(region_key),
            help="Items that name no country.",
        )
        st.multiselect(
            "Country",
            list(library_countries),
            format_func=_counted(counts["country"], lambda c: library_countries.get(c, c)),
            key="ev_country",
            placeholder="Any country",
        )
        st.multiselect(
            "Topic",
            list(TOPICS),
            format_func=_counted(counts["topic"]),
            key="ev_topic",
            placeholder="Any topic",
        )
        st.multiselect(
            "Type",
            list(EVIDENCE_TYPES),
            format_func=_counted(counts["type"]),
            key="ev_type",
            placeholder="Any type",
        )
        st.slider("Years", first, last, key="ev_years", help="Undated items show only with every year.")
        st.checkbox(f"Verified only ({counts['verified'].get('verified', 0)})", key="ev_verified")
        st.button("Clear filters", on_click=_clear_evidence_filters, args=(first, last), key="ev_clear_side")
    view = EvidenceView(
        query.grouping,
        query.region,
        query.include_global and bool(query.region),
        query.countries,
        query.topics,
        query.types,
        query.years,
        query.verified_only,
        query.q,
        state.get("ev_item"),
    )
    write_params(view.to_params())
    del countries
    return view, query, results


def evidence_summary(view, results: pd.DataFrame) -> None:
    """How many items match, and what the filters are, in words."""
    total = len(evidence_index())
    parts = []
    if view.q:
        parts.append(f"matching “{escape_markdown(view.q)}”")
    if view.region:
        parts.append("in " + escape_markdown(queries.region_label(view.grouping, view.region)))
        if view.include_global:
            parts.append("plus global items")
    st.markdown(f"**{len(results)}** of {total} items " + ", ".join(parts))


def evidence_empty(first: int, last: int) -> None:
    st.info("No item matches these filters.", icon=":material/search_off:")
    st.button("Clear filters", on_click=_clear_evidence_filters, args=(first, last), key="ev_clear_main")


def evidence_year_bounds() -> tuple[int, int]:
    return _evidence_meta(data_key(), today())[0]


def _select_item(table_key: str, ids: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    st.session_state["ev_item"] = ids[rows[0]] if rows and rows[0] < len(ids) else None


MAX_ROWS_SHOWN = 1000  # the table a browser gets; the downloads always carry the whole list
_RESULT_COLUMNS = [
    "title",
    "authors_text",
    "publisher_text",
    "year",
    "type",
    "topic_list",
    "country_names",
    "regions",
    "check",
    "link",
    "summary_text",
]


@st.cache_resource(show_spinner=False, max_entries=128)
def _results_display(version: str, query: evidence.EvidenceQuery) -> tuple[pd.DataFrame, list[str]]:
    results, _ = _evidence_run(version, query)
    head = results.head(MAX_ROWS_SHOWN)
    shown = head.assign(
        check=verified_mark(head["verified"]),
        authors_text=head["authors"].fillna(NOT_REPORTED),
        publisher_text=head["publisher"].fillna(NOT_REPORTED),
        summary_text=head["summary"].fillna(NOT_REPORTED),
    )
    return shown[_RESULT_COLUMNS], head["id"].tolist()


def evidence_results_table(results: pd.DataFrame, query: evidence.EvidenceQuery) -> None:
    """Sortable results (the first MAX_ROWS_SHOWN); clicking a row opens its details below."""
    shown, ids = _results_display(data_key(), query)
    if len(results) > len(shown):
        st.caption(
            f"Showing the first {len(shown)} of {len(results)} (best matches, then newest). Narrow the "
            "filters to see the rest; the downloads below carry all of them."
        )
    # A new table (and selection) per query: a stored row number would point at another item.
    key = f"ev_table_{abs(hash(query)) % 10**12}"
    item = st.session_state.get("ev_item")
    default = {"selection": {"rows": [ids.index(item)]}} if item in ids else None
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        on_select=functools.partial(_select_item, key, ids),
        selection_mode="single-row",
        selection_default=default,
        column_config={
            "title": st.column_config.TextColumn("Title", width="large"),
            "authors_text": "Authors",
            "publisher_text": "Publisher or journal",
            "year": st.column_config.NumberColumn("Year", format="%d"),
            "type": "Type",
            "topic_list": "Topics",
            "country_names": "Countries",
            "regions": "Regions (UNICEF)",
            "check": "Checked",
            "link": st.column_config.LinkColumn("Link", display_text="open", validate=r"^https?://"),
            "summary_text": st.column_config.TextColumn("Summary", width="large"),
        },
        placeholder=NOT_REPORTED,
    )


def _country_links(codes: list[str]) -> None:
    names = dict(zip(table("countries")["iso3"], table("countries")["name"]))
    columns = st.columns(4)
    for i, code in enumerate(codes):
        with columns[i % 4]:
            st.page_link(
                str(page("country").path),
                label=names.get(code, code),
                query_params={"country": code},
                icon=":material/flag:",
            )


def evidence_detail(item_id: str | None) -> None:
    """One item: every field, links to its countries' pages, and related items."""
    index = evidence_index()
    item = evidence.item_by_id(index, item_id)
    if item is None:
        st.caption("Click a row to see the item's details, its countries and related items.")
        return
    with st.container(border=True):
        st.markdown(f"#### {text(item['title'])}")
        if not item["verified"]:
            st.warning("Not verified: the tracker could not confirm this item against its source.")
        year = NOT_REPORTED if pd.isna(item["year"]) else str(int(item["year"]))
        st.markdown(
            f"**Authors:** {text(item['authors'])}  \n"
            f"**Publisher or journal:** {text(item['publisher'])}  \n"
            f"**Year:** {year} · **Type:** {text(item['type'])}  \n"
            f"**Topics:** {text(item['topic_list'])}  \n"
            f"**Regions (UNICEF):** {text(item['regions'])}"
        )
        st.markdown(f"**Summary:** {text(item['summary'])}")
        links = [] if item["url"] == item["doi_link"] else [source_link(item["url"], "source")]
        if isinstance(item["doi_link"], str):
            links.append(source_link(item["doi_link"], "DOI " + escape_markdown(str(item["doi"]))))
        st.markdown("**Link:** " + " · ".join(links))
        if item["country_codes"]:
            st.markdown("**Countries**")
            _country_links(item["country_codes"])
        else:
            st.markdown(f"**Countries:** {evidence.GLOBAL} (names no country)")
        related = evidence.related(index, item["id"])
        st.markdown("**Related items** (same countries or topics)")
        if related.empty:
            _empty("None in the library.")
        else:
            rows = related.assign(page=related["id"].map(members.evidence_item_url))
            st.dataframe(
                rows[["title", "year", "country_names", "topic_list", "page"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "title": st.column_config.TextColumn("Title", width="large"),
                    "year": st.column_config.NumberColumn("Year", format="%d"),
                    "country_names": "Countries",
                    "topic_list": "Topics",
                    "page": st.column_config.LinkColumn("Details", display_text="open"),
                },
                placeholder=NOT_REPORTED,
            )
        st.button("Close details", on_click=st.session_state.update, kwargs={"ev_item": None}, key="ev_close")


@st.cache_resource(show_spinner=False, max_entries=32)
def _export(version: str, query: evidence.EvidenceQuery, kind: str) -> bytes:
    results, _ = _evidence_run(version, query)
    if kind == "csv":
        return citations.to_csv(results)
    if kind == "ris":
        return citations.to_ris(results).encode("utf-8")
    return citations.to_bibtex(results).encode("utf-8")


def evidence_downloads(query: evidence.EvidenceQuery, count: int) -> None:
    """CSV, RIS and BibTeX of the filtered list, built only when clicked (and then cached)."""
    version = data_key()
    columns = st.columns(3)
    for column, (kind, label, mime) in zip(
        columns,
        (
            ("csv", "CSV (spreadsheet)", "text/csv"),
            ("ris", "RIS (Zotero, EndNote, Mendeley)", "application/x-research-info-systems"),
            ("bib", "BibTeX", "application/x-bibtex"),
        ),
    ):
        column.download_button(
            label,
            data=lambda kind=kind: _export(version, query, kind),
            file_name=f"mms-evidence.{kind}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            disabled=count == 0,
            key=f"ev_download_{kind}",
            width="stretch",
        )


# --- Members and activity -------------------------------------------------------------------
def members_view_from_url() -> Parsed:
    from hmhb_dash.permalinks import parse_members_view
    from hmhb_dash.schema import ACTIVITY_TYPES, ORGANISATION_TYPES

    return parse_members_view(
        st.query_params.to_dict(),
        table("countries"),
        tuple(table("organisations")["id"]),
        ORGANISATION_TYPES,
        ACTIVITY_TYPES,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _members_tables(version: str, grouping: str, region: str | None, org_types: tuple, activity_types: tuple):
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
    from hmhb_dash.permalinks import MembersView
    from hmhb_dash.schema import ACTIVITY_TYPES, ORGANISATION_TYPES

    start = parsed.view
    _init_state(
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
    tables = _members_tables(data_key(), grouping, view.region, view.org_types, view.activity_types)
    org_counts = members.org_type_counts(tables[0])
    activity_counts = members.activity_type_counts(tables[3])
    with st.sidebar:
        st.subheader("Filter")
        st.multiselect(
            "Organisation type",
            list(ORGANISATION_TYPES),
            format_func=_counted(org_counts),
            key="mb_orgtype",
            placeholder="Any type",
        )
        st.multiselect(
            "Activity",
            list(ACTIVITY_TYPES),
            format_func=_counted(activity_counts),
            key="mb_activity",
            placeholder="Any activity",
        )
        st.radio(
            "Region grouping",
            list(REGION_GROUPINGS),
            format_func=lambda g: REGION_GROUPINGS[g][0],
            key="mb_grouping",
        )
        regions = queries.region_options(table("countries"), grouping)
        if state.get(region_key) not in (ALL_REGIONS, *regions):
            state[region_key] = ALL_REGIONS
        st.selectbox(
            "Region",
            [ALL_REGIONS, *regions],
            format_func=lambda r: "All regions" if r == ALL_REGIONS else queries.region_label(grouping, r),
            key=region_key,
            help="Where the activity takes place (not where the organisation is based).",
        )
        st.button("Clear filters", on_click=_clear_members_filters, key="mb_clear")
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
            "name": st.column_config.TextColumn("Organisation", width="medium"),
            "short_name": "Short name",
            "type": "Type",
            "hq": "Headquarters",
            "relationship_text": st.column_config.TextColumn(
                "Relationship (as the source states it)", width="large"
            ),
            "countries_active": st.column_config.NumberColumn("Countries active"),
            "activity_types": "Activities",
            "website": st.column_config.LinkColumn("Website", display_text="website", validate=r"^https?://"),
            "source_url": st.column_config.LinkColumn(
                "Source", display_text="source", validate=r"^https?://"
            ),
            "check": "Checked",
        },
        placeholder=NOT_REPORTED,
    )


def org_detail(org_id: str | None) -> None:
    """One organisation: where it works, since when, what (each with its source), and its evidence."""
    if not org_id:
        st.caption("Click an organisation to see where it works and the evidence it published.")
        return
    orgs = table("organisations").set_index("id")
    if org_id not in orgs.index:
        return
    org = orgs.loc[org_id]
    countries = table("countries")
    names = dict(zip(countries["iso3"], countries["name"]))
    with st.container(border=True):
        st.markdown(f"#### {text(org['name'])} ({text(org['short_name'])})")
        hq = org["hq_iso3"]
        st.markdown(
            f"**Type:** {text(org['type'])} · **Headquarters:** "
            f"{text(names.get(hq, hq) if isinstance(hq, str) else None)}  \n"
            f"**Relationship:** {text(org['relationship'])} ({source_link(org['source_url'])})  \n"
            f"**Website:** {source_link(org['website'], 'website')}"
        )
        if not org["verified"]:
            st.warning("Not verified: the tracker could not confirm this against its source.")
        work = members.org_activities(table("activities"), countries, org_id)
        st.markdown("**Where it works**")
        if work.empty:
            _empty("No country activity recorded.")
        else:
            st.dataframe(
                work.assign(check=verified_mark(work["verified"]))[
                    ["country", "activity_type", "years", "description", "source_url", "page", "check"]
                ],
                hide_index=True,
                width="stretch",
                column_config={
                    "country": "Country",
                    "activity_type": "Activity",
                    "years": "Years",
                    "description": st.column_config.TextColumn("What", width="large"),
                    "source_url": st.column_config.LinkColumn(
                        "Source", display_text="source", validate=r"^https?://"
                    ),
                    "page": st.column_config.LinkColumn("Country page", display_text="open"),
                    "check": "Checked",
                },
            )
        published = members.org_evidence(table("evidence"), org_id)
        st.markdown("**Evidence it published** (where the data links them)")
        if published.empty:
            _empty("No evidence item is linked to this organisation.")
        else:
            st.dataframe(
                published[["title", "year", "type", "url", "page"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "title": st.column_config.TextColumn("Title", width="large"),
                    "year": st.column_config.NumberColumn("Year", format="%d"),
                    "type": "Type",
                    "url": st.column_config.LinkColumn("Source", display_text="open", validate=r"^https?://"),
                    "page": st.column_config.LinkColumn("In the library", display_text="details"),
                },
                placeholder=NOT_REPORTED,
            )
        st.button("Close", on_click=st.session_state.update, kwargs={"mb_org": None}, key="mb_close")


def country_activity_table(matrix: pd.DataFrame) -> None:
    if matrix.empty:
        _empty("No activity matches these filters.")
        return
    kinds = [c for c in matrix.columns if c not in ("iso3", "country", "organisations", "page")]
    st.dataframe(
        matrix[["country", "organisations", *kinds, "page"]],
        hide_index=True,
        width="stretch",
        column_config={
            "country": st.column_config.TextColumn("Country"),
            "organisations": st.column_config.NumberColumn("Organisations"),
            "page": st.column_config.LinkColumn("Country page", display_text="open"),
        },
    )


# --- Count layers (map page and members page) -------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=64)
def _count_figure(version: str, layer: str, view: MapView, day: dt.date, activities_key: tuple | None = None):
    countries = queries.filter_countries(table("countries"), view.grouping, view.region, view.income)
    current = day.year
    if layer == "evidence":
        counts = evidence.counts_per_country(table("evidence"), view.year, current)
        what = "evidence items"
    else:
        activities = table("activities")
        if activities_key is not None:
            grouping, region, org_types, activity_types = activities_key
            activities = _members_tables(version, grouping, region, org_types, activity_types)[3]
        counts = members.organisations_per_country(activities, view.year, current)
        what = "organisations"
    rows = countries[["iso3", "name"]].merge(counts, on="iso3", how="left")
    rows["count"] = rows["count"].fillna(0).astype(int)
    drawable = rows[rows["iso3"].isin(_boundaries()["iso3"]) & ~rows["iso3"].isin(geo.LEFT_OFF_MAPS)]
    return charts.FrozenFigure(
        charts.count_map(drawable, _geojson_for(tuple(drawable["iso3"])), small_states(), what)
    )


def count_map_figure(layer: str, view: MapView):
    """The evidence or organisations layer for the map page's filters and year (built once)."""
    return _count_figure(data_key(), layer, view, today())


def members_map_figure(view) -> object:
    """Organisations active per country today, for the members page's filters (built once)."""
    map_view = MapView(today().year, view.grouping, view.region, None)
    key = (view.grouping, view.region, view.org_types, view.activity_types)
    return _count_figure(data_key(), "organisations", map_view, today(), key)


@st.cache_resource(show_spinner=False, max_entries=64)
def _timeline_chart(version: str, key: tuple, year: int):
    timeline = _members_tables(version, *key)[2]
    return charts.FrozenFigure(charts.activity_timeline(timeline, year))


def activity_timeline_figure(view):
    key = (view.grouping, view.region, view.org_types, view.activity_types)
    return _timeline_chart(data_key(), key, today().year)


def members_clear_button() -> None:
    st.button("Clear filters", on_click=_clear_members_filters, key="mb_clear_main")


def map_caption(layer: str) -> str:
    if layer == "evidence":
        return (
            "Evidence items naming each country, published by the chosen year (undated ones in the "
            "current year). Click a country to open its page. Grey: none recorded."
        )
    if layer == "organisations":
        return (
            "Organisations active in each country in the chosen year (ongoing when no end year is "
            "reported). Click a country to open its page. Grey: none recorded."
        )
    return "Click a country (or a dot, for small states) to open its page. Grey: no recorded activity."


def library_link(url_path: str, label: str, params: dict[str, str], icon: str) -> None:
    """A link from the country page into the evidence library or the members page."""
    st.page_link(str(page(url_path).path), label=label, query_params=params, icon=icon)


# --- Data stewardship (the Data page) --------------------------------------------------------
# Imported here, not at the top, so this section stays one self-contained block.
from hmhb_dash import admin, ingest, workbook  # noqa: E402


@st.cache_resource(show_spinner=False)
def _admin_throttle() -> admin.Throttle:
    # One per server process, shared by every session: a new tab does not reset the wait.
    return admin.Throttle()


def _fingerprint(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def admin_signed_in() -> bool:
    """The admin sign-in: explains how to enable editing when no secret is configured."""
    import os
    import time

    secret = admin.configured_secret(st.secrets, os.environ)
    if secret is None:
        st.info(admin.HOW_TO_ENABLE, icon=":material/lock:")
        return False
    # The session remembers a hash of the secret, so changing the secret signs everyone out.
    if st.session_state.get("admin_ok") == _fingerprint(secret):
        return True
    with st.form("admin_sign_in", clear_on_submit=True):
        password = st.text_input("Admin password", type="password", key="admin_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        attempt = _admin_throttle().attempt(password or "", secret, time.monotonic())
        if attempt.ok:
            st.session_state["admin_ok"] = _fingerprint(secret)
            st.rerun()
        st.error(attempt.message, icon=":material/block:")
    return False


def admin_sign_out() -> None:
    with st.sidebar:
        if st.button("Sign out", icon=":material/logout:", key="admin_sign_out"):
            st.session_state.pop("admin_ok", None)
            st.rerun()


def flash() -> None:
    """The outcome of the last publish or restore, shown once after the rerun it triggered."""
    message = st.session_state.pop("data_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


@st.cache_data(show_spinner=False, max_entries=4)
def _workbook_bytes(root: str, version: str) -> bytes:
    from pathlib import Path

    _, tables = store.read_tables(Path(root), version)
    return workbook.export_workbook(tables, version)


def workbook_download() -> None:
    version = data_version()
    st.download_button(
        "Download the current data (.xlsx)",
        _workbook_bytes(str(store.data_dir()), version),
        file_name=f"mms-tracker-data-{version}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="workbook_download",
    )
    st.caption(
        f"Version {version}. The README sheet explains every column and the allowed values; "
        "dropdowns offer the closed lists."
    )


UPLOAD_LIMIT_MB = workbook.MAX_BYTES // (1024 * 1024)


def upload_and_check() -> tuple[ingest.Result, ingest.Diff | None, str] | None:
    """The uploader; the file's report and its changes against the current data (checked once per file)."""
    import hashlib

    files = st.file_uploader(
        "Upload the edited workbook (.xlsx), or CSV files named after the sheets",
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        max_upload_size=UPLOAD_LIMIT_MB,
        key=f"data_upload_{st.session_state.get('data_upload_round', 0)}",
        help=f"At most {UPLOAD_LIMIT_MB} MB. Nothing is written until you press Publish.",
    )
    if not files:
        return None
    workbooks = [f for f in files if f.name.lower().endswith(".xlsx")]
    if workbooks and len(files) > 1:
        # People re-upload a corrected workbook next to the first one: check the newest.
        files = workbooks[-1:]
        st.info(
            f"Checking {files[0].name}, the last workbook added. Remove the others with their x.",
            icon=":material/info:",
        )
    total = sum(f.size for f in files)
    if total > workbook.MAX_BYTES:
        st.error(
            f"The upload is {total / 1024 / 1024:.1f} MB; the limit is {UPLOAD_LIMIT_MB} MB. "
            "Nothing was read.",
            icon=":material/block:",
        )
        return None
    payload = [(f.name, f.getvalue()) for f in files]
    version = data_version()
    key = hashlib.sha256(repr([(n, hashlib.sha256(d).digest()) for n, d in payload]).encode()).hexdigest()
    cached = st.session_state.get("data_check")
    if not cached or cached[0] != (key, version):
        with st.spinner("Checking every sheet..."):
            result = ingest.validate(workbook.read_files(payload), today())
            current = {name: table(name) for name in ingest.TABLES}
            change = ingest.diff(current, result.tables, today()) if result.tables is not None else None
        cached = ((key, version), result, change)
        st.session_state["data_check"] = cached
    return cached[1], cached[2], version


_PROBLEM_COLUMNS = {
    "sheet": st.column_config.TextColumn("Sheet", width="small"),
    "row": st.column_config.TextColumn("Row", width=60),
    "column": st.column_config.TextColumn("Column", width="small"),
    "value": st.column_config.TextColumn("Found", width="small"),
    "expected": st.column_config.TextColumn("Expected", width="large"),
}


def problem_report(report: ingest.Report) -> None:
    frame = report.frame()
    # Row as text: the whole-file and whole-sheet problems have no row, shown blank rather than "None".
    frame["row"] = frame["row"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    errors = frame[frame["severity"] == ingest.ERROR].drop(columns="severity")
    warnings = frame[frame["severity"] == ingest.WARNING].drop(columns="severity")
    if len(errors):
        st.error(
            f"{len(errors)} problem(s) must be fixed before this file can be published. Nothing has been "
            "written. Fix them in your file and upload it again.",
            icon=":material/error:",
        )
        st.dataframe(errors, hide_index=True, width="stretch", column_config=_PROBLEM_COLUMNS, key="errors")
    else:
        st.success("The file passed every check.", icon=":material/check_circle:")
    if len(warnings):
        with st.expander(f"{len(warnings)} warning(s): worth a look, they do not block publishing"):
            st.dataframe(
                warnings, hide_index=True, width="stretch", column_config=_PROBLEM_COLUMNS, key="warnings"
            )
    if len(frame):
        st.download_button(
            "Download this report (CSV)",
            frame.to_csv(index=False).encode("utf-8-sig"),
            file_name="data-check-report.csv",
            mime="text/csv",
            icon=":material/download:",
            key="report_download",
        )


def change_preview(change: ingest.Diff) -> None:
    if change.empty:
        st.info("No changes: the file matches the current data.", icon=":material/info:")
        return
    moves = change.stage_changes
    if len(moves):
        st.markdown(f"**{len(moves)} country(ies) change stage** (as of today)")
        st.dataframe(
            moves[["name", "from_label", "to_label", "since"]],
            hide_index=True,
            width="stretch",
            key="stage_moves",
            column_config={
                "name": "Country",
                "from_label": "From",
                "to_label": "To",
                "since": "Since",
            },
        )
    else:
        st.markdown("**No country changes stage.**")
    counts = change.counts()
    st.markdown("**Rows per sheet**")
    st.dataframe(
        counts[(counts[["added", "removed", "changed"]] > 0).any(axis=1)],
        hide_index=True,
        key="change_counts",
        column_config={"table": "Sheet", "added": "Added", "removed": "Removed", "changed": "Changed"},
    )
    with st.expander("Every added, removed and changed row"):
        st.dataframe(
            change.changes(),
            hide_index=True,
            width="stretch",
            key="change_rows",
            column_config={
                "table": "Sheet",
                "change": "Change",
                "row": "Row (key)",
                "detail": st.column_config.TextColumn("What changed", width="large"),
            },
        )


def publish_controls(result: ingest.Result, change: ingest.Diff, checked_against: str) -> None:
    if change.empty:
        return
    name = st.text_input("Your name (recorded in the publish log)", key="publisher_name", max_chars=80)
    clicked = st.button(
        "Publish as a new version",
        type="primary",
        disabled=not name.strip(),
        key="publish",
        icon=":material/publish:",
        help="Writes a new version; the previous one is kept and can be restored.",
    )
    if not clicked:
        if not name.strip():
            st.caption("Enter your name to publish.")
        return
    root = store.data_dir()
    if store.current_version(root) != checked_against:
        st.warning(
            "Someone published while you were reviewing. The changes above were recomputed against the "
            "new data: check them and publish again.",
            icon=":material/warning:",
        )
        st.session_state.pop("data_check", None)
        return
    try:
        version = store.publish(
            root, result.tables, by=name.strip(), summary=change.summary(), source_sha256=result.sha256
        )
    except store.StoreBusyError:
        st.error("Someone else is publishing right now: nothing was written. Try again in a minute.")
        return
    st.session_state["data_flash"] = (
        f"Published version {version}. Every page shows the new data on its next interaction; "
        "the previous version is under Versions."
    )
    st.session_state.pop("data_check", None)
    st.session_state["data_upload_round"] = st.session_state.get("data_upload_round", 0) + 1
    st.rerun()


def versions_panel() -> None:
    root = store.data_dir()
    infos = store.list_versions(root)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "version": i.id,
                    "current": "current" if i.is_current else "",
                    "published": i.created[:19].replace("T", " "),
                    "by": i.by,
                    "changes": i.summary,
                }
                for i in infos
            ]
        ),
        hide_index=True,
        width="stretch",
        key="versions",
        column_config={
            "version": "Version",
            "current": "Current",
            "published": "Published (UTC)",
            "by": "By",
            "changes": st.column_config.TextColumn("Changes", width="large"),
        },
    )
    others = [i.id for i in infos if not i.is_current]
    choice = st.selectbox("Version to make current again", others, index=None, key="restore_choice")
    name = st.text_input("Your name (recorded in the log)", key="restorer_name", max_chars=80)
    if st.button(
        "Restore this version",
        disabled=not (choice and name.strip()),
        key="restore",
        icon=":material/history:",
    ):
        try:
            store.restore(root, choice, by=name.strip())
        except (store.StoreBusyError, store.UnknownVersionError) as exc:
            st.error(f"Nothing was changed: {exc}.")
            return
        st.session_state["data_flash"] = f"Version {choice} is current again."
        st.session_state.pop("data_check", None)
        st.rerun()
    log = store.publish_log(root)
    st.markdown("**Publish log**")
    if not log:
        st.caption("Nothing published yet: the app shows the bundled public-record snapshot.")
        return
    frame = pd.DataFrame(log[::-1])
    frame["source_sha256"] = frame["source_sha256"].fillna("").str[:12]
    st.dataframe(
        frame[["at", "action", "version", "by", "summary", "source_sha256"]],
        hide_index=True,
        width="stretch",
        key="publish_log",
        column_config={
            "at": "When (UTC)",
            "action": "Action",
            "version": "Version",
            "by": "By",
            "summary": st.column_config.TextColumn("Changes", width="large"),
            "source_sha256": "File hash (sha256, start)",
        },
    )
