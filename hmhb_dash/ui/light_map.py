"""The light map component: the server-built SVG world map in the page, with hover, click and Play.

Two mounts: the shapes (the map's script, geometry, names, every year's stages) in a message that
stays byte-identical while the view changes, so Streamlit's message cache sends it once, and the
view (year, layer, filter), a few hundred bytes and a small adapter, on every rerun. The browser
draws the colours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from hmhb_dash import evidence, members, queries, store, svgmap
from hmhb_dash.i18n import N_, _
from hmhb_dash.registry import ASSETS
from hmhb_dash.ui.base import data_key, table, today, year_bounds

# The shapes mount carries the map's script too: its message stays byte-identical from rerun to
# rerun, so Streamlit's message cache sends script and shapes once, and the view mount's message
# (sent on every rerun) is only its small adapter, the stylesheet and the view.
_SHAPES_JS = (
    (ASSETS / "lightmap.js").read_text(encoding="utf-8")
    + """
export default function ({ data }) {
  const store = (globalThis.__hmhbShapes = globalThis.__hmhbShapes || {});
  store[data.id] = data;
  globalThis.dispatchEvent(new CustomEvent("hmhb-shapes", { detail: data.id }));
}
"""
)
_VIEW_JS = """
export default function ({ data, parentElement, setTriggerValue }) {
  const handlers = {
    onCountry: (iso3) => setTriggerValue("country", iso3),
    onYear: (year) => setTriggerValue("year", year),
  };
  const show = () => {
    const shapes = (globalThis.__hmhbShapes || {})[data.shapes];
    if (!shapes || !globalThis.HMHBMap) return false;
    globalThis.HMHBMap.mount(parentElement, shapes, data, handlers);
    if (data.rest_after_drawing) askForTheRest();
    return true;
  };
  // Once the map is in the page: its code is loaded by then, so the rest of the page no longer
  // competes with it (asking only after the next frame measured slower for both).
  function askForTheRest() {
    if (parentElement.__hmhbAskedForTheRest) return;
    parentElement.__hmhbAskedForTheRest = true;
    setTriggerValue("drawn", true);
  }
  if (!show()) {
    const wait = (event) => {
      if (event.detail === data.shapes && show()) globalThis.removeEventListener("hmhb-shapes", wait);
    };
    globalThis.addEventListener("hmhb-shapes", wait);
  }
}
"""
_SHAPES = st.components.v2.component("hmhb_map_shapes", js=_SHAPES_JS)
_COMPONENT = st.components.v2.component(
    "hmhb_light_map", css=(ASSETS / "lightmap.css").read_text(encoding="utf-8"), js=_VIEW_JS
)


@st.cache_resource(show_spinner=False)
def map_shapes() -> svgmap.MapShapes:
    """The projected country paths, read once per server."""
    return svgmap.load_shapes(store.map_shapes_path())


@st.cache_resource(show_spinner=False, max_entries=8)
def _shapes_payload(version: str, day: dt.date) -> dict:
    countries = table("countries")
    first, last = year_bounds()
    timeline = svgmap.stage_timeline(table("stage_history"), countries, range(first, last + 1), day)
    names = dict(zip(countries["iso3"], countries["name"]))
    return svgmap.shapes_payload(map_shapes(), names, timeline, first, version)


def shapes_payload() -> dict:
    """Shapes, names and every year's stages for the data shown (built once per data version)."""
    return _shapes_payload(data_key(), today())


def _year_callback(key: str, year_key: str) -> Callable[[], None]:
    def follow_played_year() -> None:
        # Runs before the script, so the slider may still be set: the page follows the played year.
        result = st.session_state.get(key)
        year = result.get("year") if hasattr(result, "get") else getattr(result, "year", None)
        first, last = year_bounds()
        if isinstance(year, int) and not isinstance(year, bool) and first <= year <= last:
            st.session_state[year_key] = year

    return follow_played_year


def send_shapes(key: str) -> None:
    """Mount the map's shapes (and script) now, ahead of the map itself: the browser then fetches the
    component's code while the page's first elements are drawn. Give show_map `shapes_sent=True`."""
    _SHAPES(key=f"{key}_shapes", data=shapes_payload(), height="content")


def show_map(
    view: dict,
    key: str,
    year_key: str | None = None,
    rest_after_drawing: bool = False,
    shapes_sent: bool = False,
) -> str | None:
    """Mount the map with `view` (from svgmap.*_view_payload); the ISO3 code clicked, if any.

    With `year_key`, a year reached by Play is written to that widget's state when it stops. With
    `rest_after_drawing`, the map asks for a rerun once it is in the page (base.map_first).
    """
    with st.container(gap=None):
        if not shapes_sent:
            send_shapes(key)
        result = _COMPONENT(
            key=key,
            data=view | {"rest_after_drawing": True} if rest_after_drawing else view,
            height="content",
            on_country_change=lambda: None,
            on_drawn_change=lambda: None,
            on_year_change=_year_callback(key, year_key) if year_key else (lambda: None),
        )
    return queries.parse_iso3(getattr(result, "country", None), table("countries"))


def stage_view(year: int, include: list[str] | None, play: bool = True) -> dict:
    shapes = shapes_payload()
    return svgmap.stage_view_payload(
        map_shapes(),
        shapes["id"],
        year=year,
        years=year_bounds(),
        include=include,
        text=svgmap.map_text(svgmap.MAP_TEXT),
        play=play,
    )


def count_view(year: int, counts: dict[str, int], what: str, include: list[str] | None) -> dict:
    shapes = shapes_payload()
    return svgmap.count_view_payload(
        map_shapes(),
        shapes["id"],
        year=year,
        counts=counts,
        what=what,
        include=include,
        text=svgmap.map_text(svgmap.COUNT_TEXT),
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _layer_counts(version: str, layer: str, year: int, day: dt.date) -> dict[str, int]:
    if layer == "evidence":
        counts = evidence.counts_per_country(table("evidence"), year, day.year)
    else:
        counts = members.organisations_per_country(table("activities"), year, day.year)
    return dict(zip(counts["iso3"], counts["count"].astype(int)))


COUNT_NAMES = {"evidence": N_("evidence items"), "organisations": N_("organisations active")}


def count_layer_view(layer: str, year: int, include: list[str] | None) -> dict:
    """The evidence or organisations layer: items naming each country by `year`, or organisations
    active there in `year`."""
    return count_view(year, _layer_counts(data_key(), layer, year, today()), _(COUNT_NAMES[layer]), include)
