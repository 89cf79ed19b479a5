"""Shared Streamlit plumbing: routing, data loaders cached per data version, URL state, common widgets."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import runpy
import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from hmhb_dash import admin, clock, geo, i18n, queries, safe_text, store
from hmhb_dash.i18n import N_, _
from hmhb_dash.permalinks import MapView, Parsed
from hmhb_dash.registry import page
from hmhb_dash.safe_text import markdown as escape_markdown
from hmhb_dash.safe_text import markdown_link
from hmhb_dash.schema import INCOME_GROUPS, NOT_REPORTED, REGION_GROUPINGS
from hmhb_dash.ui import parts

ATTRIBUTION = N_(
    "Stages are this project's reading of the public record (HMHB World Map, ministries, partners, "
    "trials); each links to its source."
)


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


# Session state key: set on a session's first run, so every later run knows it is not the first.
SESSION_STARTED = "hmhb_session_started"


def start_run() -> None:
    """Note, once per run (in app.py), whether this is the session's first run."""
    _router.first_run = not st.session_state.get(SESSION_STARTED, False)
    st.session_state[SESSION_STARTED] = True


def map_first() -> bool:
    """True on a session's first run: a cold browser then draws the world map alone, and the map
    asks for the rest of the page once it is drawn.

    Every other kind of element has its own script chunks for the browser to fetch (slider, radio,
    select box, table: about 1.5 MB in 60 files), and the server works out the rest of the page;
    both used to hold back the map's own chunk.
    """
    return getattr(_router, "first_run", False)


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


@st.cache_resource(show_spinner=False)
def report_configuration_once() -> None:
    """Say in the server log, once per process, why a configured admin secret is not used."""
    with i18n.using(i18n.DEFAULT):  # the server log is in English, whoever's run starts the process
        problem = admin.secret_problem(st.secrets, os.environ)
    if problem:
        logging.getLogger("hmhb_dash").warning(problem)


def today() -> dt.date:
    return clock.today()


def data_version() -> str:
    """The id of the data version being shown (for people: file names, captions)."""
    return store.current_version(store.data_dir())


def data_key() -> str:
    """Cache key of what is shown: the data's directory and version, and the language.

    Keyed by directory too, so caches never serve one directory's tables for another whose version
    has the same id (tests and benchmarks switch HMHB_DATA_DIR within one process); by language, so
    every label, date and country name built once is built in the language it is shown in.
    """
    return f"{store.data_dir()}|{data_version()}|{i18n.current()}"


# --- Language ----------------------------------------------------------------------------------
LANG_STATE = "_hmhb_lang"  # the session's language, kept while a page link drops the URL's `lang`
LANG_WIDGET = "lang_choice"


def _browser_language() -> str | None:
    try:
        return i18n.from_locale(st.context.locale)
    except Exception:  # no browser context (AppTest, bare mode)
        return None


def set_language() -> str | None:
    """Decide the run's language once, before anything is drawn: the URL's `lang`, else the session's
    choice, else the browser's locale, else English. Returns a notice for an unknown `lang` value.

    The URL then says the language whenever it is not the one a fresh visit would get, so every link
    to the view reopens it in the same language.
    """
    lang, notice = i18n.parse_lang(st.query_params.get("lang"))
    lang = lang or st.session_state.get(LANG_STATE) or _browser_language() or i18n.DEFAULT
    i18n.set_current(lang)
    st.session_state[LANG_STATE] = lang
    wanted = lang_param()
    if st.query_params.get("lang") != wanted.get("lang"):
        if wanted:
            st.query_params["lang"] = wanted["lang"]
        elif "lang" in st.query_params and notice is None:
            del st.query_params["lang"]
    return notice


def lang_param() -> dict[str, str]:
    """`{"lang": "fr"}` for links and the URL, empty for English in an English browser."""
    lang = i18n.current()
    if lang == i18n.DEFAULT and (_browser_language() or i18n.DEFAULT) == i18n.DEFAULT:
        return {}
    return {"lang": lang}


def _language_chosen() -> None:
    chosen = st.session_state.get(LANG_WIDGET)
    if chosen in i18n.LANGUAGES:
        st.query_params["lang"] = chosen
        st.session_state[LANG_STATE] = chosen


def language_picker(where=None) -> None:
    """English, Français, Português: a compact choice, in the sidebar unless told where.

    Radio buttons, as the map's filters are: a widget kind of its own would cost a cold browser
    its own script chunks before the map's.
    """
    st.session_state[LANG_WIDGET] = i18n.current()
    (where or st.sidebar).radio(
        _("Language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key=LANG_WIDGET,
        on_change=_language_chosen,
        horizontal=True,
        label_visibility="collapsed",
    )


def show_language_notice(notice: str | None) -> None:
    if notice:
        st.info(escape_markdown(notice), icon=":material/translate:")


# cache_resource, not cache_data: tables are read-only here and copying them on every rerun
# (what cache_data does) would cost more than the page itself.
@st.cache_resource(show_spinner=False, max_entries=8)
def _load_table(root: str, version: str, name: str) -> pd.DataFrame:
    return pd.read_parquet(store.version_dir(Path(root), version) / f"{name}.parquet")


@st.cache_resource(show_spinner=False, max_entries=8)
def _localised_countries(root: str, version: str, lang: str) -> pd.DataFrame:
    return i18n.localise_countries(_load_table(root, version, "countries"), lang)


def table(name: str) -> pd.DataFrame:
    """A table of the data shown; the countries' names are in the current language."""
    if name == "countries" and i18n.current() != i18n.DEFAULT:
        return _localised_countries(str(store.data_dir()), data_version(), i18n.current())
    return _load_table(str(store.data_dir()), data_version(), name)


def stored_table(name: str) -> pd.DataFrame:
    """A table as stored, the countries' own names included: what an uploaded file is compared with."""
    return _load_table(str(store.data_dir()), data_version(), name)


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


PLOTLY_CONFIG = geo.plotly_config()


def attribution() -> str:
    return _(ATTRIBUTION)


def show_notices(parsed: Parsed) -> None:
    # Notices quote what the URL held: shown as literal text, never as Markdown.
    for notice in parsed.notices:
        st.info(escape_markdown(notice), icon=":material/info:")


def write_params(params: dict[str, str], keep: Iterable[str] = ()) -> None:
    """Make the URL show exactly `params` (plus the `keep` ones already there)."""
    current = st.query_params.to_dict()
    wanted = {k: v for k, v in current.items() if k in keep} | params | lang_param()
    if wanted != current:
        st.query_params.from_dict(wanted)


def country_page_link(iso3: str, name: str) -> None:
    st.page_link(
        str(page("country").path),
        label=escape_markdown(name),
        query_params={"country": iso3},
        icon=":material/arrow_forward:",
    )


def go_to_country(iso3: str) -> None:
    st.switch_page(str(page("country").path), query_params={"country": iso3})


def source_link(url: object, label: str | None = None) -> str:
    """Markdown link for a source URL; only http(s) is ever rendered as a link."""
    return markdown_link(_("source") if label is None else label, url) or _(NOT_REPORTED)


# --- Column presets for st.dataframe ----------------------------------------------------------
def external_link_column(label: str, display_text: str):
    """Links out of the app (sources, websites): only http(s) addresses are shown as links."""
    return st.column_config.LinkColumn(label, display_text=display_text, validate=r"^https?://")


def source_column():
    """The "Source" column every table of facts has."""
    return external_link_column(_("Source"), _("source"))


def page_column(label: str, display_text: str | None = None):
    """Links to another page of the app (relative, built by the app, never from data)."""
    return st.column_config.LinkColumn(label, display_text=display_text or _("open"))


def text(value: object) -> str:
    """A value for display: missing becomes 'not reported'; Markdown specials are escaped."""
    return safe_text.text(value)


@st.cache_resource(show_spinner=False, max_entries=8)
def _picker_names(version: str, day: dt.date) -> dict[str, str]:
    ordered = current_status().sort_values(["stage", "name"], ascending=[False, True])
    return dict(zip(ordered["iso3"], ordered["name"]))


def country_picker(key: str, label: str | None = None) -> None:
    """A selector of every country (those with a stage first): reaches states too small to click."""
    names = _picker_names(data_key(), today())
    choice = st.selectbox(
        _("Open a country page") if label is None else label,
        [None, *names],
        format_func=lambda c: _("Choose a country") if c is None else names[c],
        key=key,
    )
    if choice:
        go_to_country(choice)


def country_url(iso3: str) -> str:
    # Relative, so the link keeps working behind any base path.
    return f"{page('country').url_path}?country={iso3}"


def current_status() -> pd.DataFrame:
    """Every country's stage today, no filter."""
    return status(MapView(today().year))


def empty_note(message: str) -> None:
    st.caption(message)


def verified_mark(verified: pd.Series) -> pd.Series:
    return verified.map({True: "", False: _("not verified")})


def copy_link(params: dict[str, str], url_path: str, where=None) -> None:
    """The link that reopens this view, with a button that copies it."""
    query = urlencode(params | lang_param(), safe=",")
    path = "/" + url_path + (f"?{query}" if query else "")
    try:
        here = urlsplit(st.context.url or "")
        base = f"{here.scheme}://{here.netloc}" if here.scheme in ("http", "https") else ""
    except Exception:  # no browser context (AppTest, bare mode): the path alone still works
        base = ""
    parts.show_link(base + path, key="view_link", where=where)


def init_state(values: dict) -> None:
    # Widgets take their first value from the URL; after that the widget's own state rules.
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = value


def counted(counts: dict[str, int], label=str):
    return lambda value: f"{label(value)} ({counts.get(value, 0)})"


def library_link(url_path: str, label: str, params: dict[str, str], icon: str) -> None:
    """A link from the country page into the evidence library or the members page."""
    st.page_link(str(page(url_path).path), label=escape_markdown(label), query_params=params, icon=icon)


ALL_REGIONS = ""  # the "All regions" choice (None would show as an empty selectbox)


def region_and_income(container, start: MapView, key_prefix: str = "", horizontal: bool = False):
    """Region grouping, region and income group widgets (map and presentation share them).

    Returns (grouping, region, income) as chosen, starting from `start`. Radio buttons, not select
    boxes: one click to choose, and a select box loaded before the map delays it by about half a second.
    """
    countries = table("countries")
    grouping = container.radio(
        _("Region grouping"),
        list(REGION_GROUPINGS),
        index=list(REGION_GROUPINGS).index(start.grouping),
        format_func=queries.grouping_label,
        key=f"{key_prefix}grouping",
        horizontal=horizontal,
    )
    regions = queries.region_options(countries, grouping)
    region = container.radio(
        _("Region"),
        [None, *regions],
        index=([None, *regions].index(start.region) if start.region in regions else 0),
        format_func=lambda r: _("All regions") if r is None else queries.region_label(grouping, r),
        key=f"{key_prefix}region_{grouping}",
        horizontal=horizontal,
    )
    income = container.radio(
        _("Income group (World Bank)"),
        [None, *INCOME_GROUPS],
        index=[None, *INCOME_GROUPS].index(start.income),
        format_func=lambda i: _("All income groups") if i is None else queries.income_label(i),
        key=f"{key_prefix}income",
        horizontal=horizontal,
    )
    return grouping, region, income
