"""The world map as SVG: Equal Earth shapes, per-year stage tables and standalone pictures (pure).

One renderer for every copy of the map: the app's map component and the static site draw these
shapes in the browser, and exports and the deck rasterise the SVG that `map_svg` writes, so the
app, the files and the slides always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hmhb_dash import geo, queries
from hmhb_dash.i18n import N_, _
from hmhb_dash.schema import STAGE_COLOURS, STAGES

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

# Equal Earth: equal-area (no country looks bigger than it is) and pleasant to read.
EQUAL_EARTH = "EPSG:8857"
# Map width in SVG units. Integer coordinates at this width are finer than a pixel of the map on a
# laptop screen and keep the shapes sent to the browser small.
MAP_WIDTH = 1500
# Simplification tolerance, in SVG units: below what can be seen.
TOLERANCE = 0.35
# Antarctica has no population to reach and takes a fifth of a world map's height.
LEFT_OFF_MAPS = ("ATA",)
# Below this area (square degrees; Jamaica is about 1) a country is a few pixels on a world map,
# too small to click, so it also gets a dot.
SMALL_STATE_AREA = 2.0
MARKER_RADIUS = 3.2
NO_DATA_COLOUR = "#f3f3f3"  # countries outside the view's filter: context, not data
BORDER_COLOUR = "#ffffff"

# ColorBrewer YlGnBu (sequential, colour-blind safe, readable in greyscale) for counts; grey is "none".
COUNT_COLOURS = ("#d9d9d9", "#c7e9b4", "#7fcdbb", "#1d91c0", "#225ea8", "#0c2c84")
COUNT_BIN_EDGES = (0, 1, 2, 4, 7, 11)  # bins 0, 1, 2-3, 4-6, 7-10, 11+


@dataclass(frozen=True)
class MapShapes:
    """Every drawable country as an SVG path in one coordinate frame, plus dots for small states."""

    width: int
    height: int
    paths: dict[str, str]  # iso3 -> path data
    boxes: dict[str, tuple[int, int, int, int]]  # iso3 -> x0, y0, x1, y1
    markers: dict[str, tuple[float, float]] = field(default_factory=dict)  # iso3 -> x, y

    @property
    def digest(self) -> str:
        """A short id of the geometry: the browser keeps shapes by it."""
        text = "".join(f"{k}{v}" for k, v in sorted(self.paths.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _ring_path(xy: np.ndarray, decimals: int) -> str | None:
    """'M x y l dx dy ... z' for one ring, relative moves, or None when it collapses to a line."""
    scale = 10**decimals
    grid = np.round(xy * scale).astype(np.int64)
    keep = np.concatenate([[True], np.any(grid[1:] != grid[:-1], axis=1)])
    grid = grid[keep]
    if len(grid) > 1 and np.array_equal(grid[0], grid[-1]):
        grid = grid[:-1]
    if len(grid) < 3:
        return None
    steps = np.diff(grid, axis=0)

    def number(value: int) -> str:
        return str(value) if decimals == 0 else f"{value / scale:.{decimals}f}".rstrip("0").rstrip(".")

    moves = " ".join(f"{number(dx)} {number(dy)}" for dx, dy in steps).replace(" -", "-")
    return f"M{number(grid[0, 0])} {number(grid[0, 1])}l{moves}z"


def _country_path(geometry: shapely.Geometry, to_svg, decimals: int) -> str:
    import shapely

    parts = []
    for polygon in shapely.get_parts(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            path = _ring_path(to_svg(np.asarray(ring.coords)), decimals)
            if path:
                parts.append(path)
    return "".join(parts)


def build_shapes(boundaries: gpd.GeoDataFrame, width: int = MAP_WIDTH) -> MapShapes:
    """Project the boundaries (EPSG:4326) to Equal Earth and write each country as SVG path data.

    A build step (scripts/build_map_shapes.py): the app reads the result from data/, so a server
    never loads geopandas, shapely or pyproj.
    """
    import geopandas as gpd
    import shapely

    shown = boundaries[~boundaries["iso3"].isin(LEFT_OFF_MAPS)]
    projected = shown.to_crs(EQUAL_EARTH)
    x0, y0, x1, y1 = projected.total_bounds
    scale = width / (x1 - x0)
    height = int(np.ceil((y1 - y0) * scale))

    def to_svg(coords: np.ndarray) -> np.ndarray:
        return np.column_stack([(coords[:, 0] - x0) * scale, (y1 - coords[:, 1]) * scale])

    simplified = shapely.simplify(projected.geometry.to_numpy(), TOLERANCE / scale, preserve_topology=True)
    paths, boxes = {}, {}
    for iso3, geometry in zip(projected["iso3"].astype(str), simplified):
        # Whole units are enough for most countries; a state smaller than the grid gets decimals.
        path = next(p for d in (0, 1, 2, 3) if (p := _country_path(geometry, to_svg, d)) or d == 3)
        if not path:
            continue
        paths[iso3] = path
        bx0, by0, bx1, by1 = shapely.bounds(geometry)
        corners = to_svg(np.array([[bx0, by1], [bx1, by0]]))
        boxes[iso3] = tuple(int(v) for v in (*np.floor(corners[0]), *np.ceil(corners[1])))
    areas = shapely.area(shown.geometry.to_numpy())  # planar square degrees: size on a world map
    # The boundary file's own points inside each country (a centroid can fall in the sea).
    lonlat = geo.representative_points(shown)
    points = to_svg(
        gpd.GeoSeries(gpd.points_from_xy(lonlat["lon"], lonlat["lat"]), crs=shown.crs)
        .to_crs(EQUAL_EARTH)
        .get_coordinates()
        .to_numpy()
    )
    markers = {
        str(iso3): (round(float(x), 1), round(float(y), 1))
        for iso3, area, (x, y) in zip(shown["iso3"], areas, points)
        if area < SMALL_STATE_AREA and str(iso3) in paths
    }
    return MapShapes(width, height, paths, boxes, markers)


def save_shapes(shapes: MapShapes, path: Path) -> None:
    """Write the shapes as compact, sorted JSON (stable bytes for the same boundaries)."""
    record = {
        "width": shapes.width,
        "height": shapes.height,
        "paths": shapes.paths,
        "boxes": {k: list(v) for k, v in shapes.boxes.items()},
        "markers": {k: list(v) for k, v in shapes.markers.items()},
    }
    path.write_text(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")


def load_shapes(path: Path) -> MapShapes:
    record = json.loads(path.read_text(encoding="utf-8"))
    return MapShapes(
        record["width"],
        record["height"],
        dict(sorted(record["paths"].items())),
        {k: tuple(v) for k, v in sorted(record["boxes"].items())},
        {k: tuple(v) for k, v in sorted(record["markers"].items())},
    )


def view_box(shapes: MapShapes, iso3s: Iterable[str], pad: float = 0.04) -> tuple[int, int, int, int]:
    """The x, y, width, height that frames `iso3s` (the whole map when none or all are given)."""
    boxes = [shapes.boxes[i] for i in iso3s if i in shapes.boxes]
    if not boxes or len(boxes) == len(shapes.boxes):
        return 0, 0, shapes.width, shapes.height
    arr = np.array(boxes)
    x0, y0 = arr[:, 0].min(), arr[:, 1].min()
    x1, y1 = arr[:, 2].max(), arr[:, 3].max()
    w, h = x1 - x0, y1 - y0
    # Keep the map's landscape shape so a region does not become a tall sliver.
    aspect = shapes.width / shapes.height
    if w / max(h, 1) < aspect:
        w2 = h * aspect
        x0, w = x0 - (w2 - w) / 2, w2
    else:
        h2 = w / aspect
        y0, h = y0 - (h2 - h) / 2, h2
    return (
        round(x0 - pad * w),
        round(y0 - pad * h),
        round(w * (1 + 2 * pad)),
        round(h * (1 + 2 * pad)),
    )


# --- Stages over the years, for Play and for every year's picture ---------------------------
def stage_timeline(
    stage_history: pd.DataFrame, countries: pd.DataFrame, years: Sequence[int], today: dt.date
) -> dict[str, dict]:
    """Per country with any stage: its periods [[stage, since text], ...] and, one character a
    year, which period held at the end of that year ('0' none, '1' the first period, ...)."""
    by_year = {
        year: queries.stage_as_of(stage_history, countries, queries.end_of_year(year, today), today)
        for year in years
    }
    indexed = {year: frame.set_index("iso3") for year, frame in by_year.items()}
    timeline: dict[str, dict] = {}
    for iso3 in countries["iso3"]:
        periods: list[list] = []
        marks = []
        for year in years:
            stage, since = indexed[year].at[iso3, "stage"], indexed[year].at[iso3, "since_text"]
            if stage == 0:
                marks.append("0")
                continue
            period = [int(stage), str(since)]
            if period not in periods:
                periods.append(period)
            marks.append(str(periods.index(period) + 1))
        if periods:
            timeline[str(iso3)] = {"periods": periods, "years": "".join(marks)}
    return timeline


def stage_in(timeline: dict[str, dict], iso3: str, year_index: int) -> tuple[int, str]:
    """(stage, since text) of a country in the timeline's year_index-th year."""
    entry = timeline.get(iso3)
    if not entry:
        return 0, ""
    mark = int(entry["years"][year_index])
    if mark == 0:
        return 0, ""
    stage, since = entry["periods"][mark - 1]
    return stage, since


def count_bin(count: int) -> int:
    """The colour bin of a count: 0, 1, 2-3, 4-6, 7-10, 11+."""
    return int(np.searchsorted(COUNT_BIN_EDGES, count, side="right") - 1)


def count_bin_labels() -> list[str]:
    labels = []
    for low, high in zip(COUNT_BIN_EDGES, (*COUNT_BIN_EDGES[1:], None)):
        if high is None:
            labels.append(f"{low}+")
        elif high - low == 1:
            labels.append(str(low))
        else:
            labels.append(f"{low}-{high - 1}")
    return labels


# --- Standalone pictures (exports, deck, static site) ---------------------------------------
def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str


def stage_legend(counts: dict[int, int]) -> list[LegendItem]:
    """One legend entry per stage with its count, as the map shows it."""
    return [LegendItem(STAGE_COLOURS[s], f"{_(label)} ({counts.get(s, 0)})") for s, label in STAGES.items()]


def stage_picture(status: pd.DataFrame) -> tuple[dict[str, str], dict[str, str], list[LegendItem]]:
    """Fills, hover titles and legend of a stage map from a status table (iso3, name, stage, ...)."""
    fills = dict(zip(status["iso3"], status["stage"].map(STAGE_COLOURS)))
    titles = {
        iso3: f"{name}: {label}" + (_(", since {date}").format(date=since) if since else "")
        for iso3, name, label, since in zip(
            status["iso3"], status["name"], status["stage_label"], status["since_text"]
        )
    }
    counts = status["stage"].value_counts()
    return fills, titles, stage_legend({int(k): int(v) for k, v in counts.items()})


def map_svg(
    shapes: MapShapes,
    fills: dict[str, str],
    titles: dict[str, str],
    legend: Sequence[LegendItem],
    *,
    title: str = "",
    subtitle: str = "",
    source: str = "",
    pixel_width: int = 1920,
    pixel_height: int = 1080,
    frame: Iterable[str] | None = None,
) -> str:
    """A self-contained SVG picture of the map: title, subtitle, the countries (`fills` colours those
    in the view; the rest are drawn as context), small-state dots, a legend and a source line.

    Every text is escaped: names come from data.
    """
    font = "font-family=\"'Source Sans Pro','DejaVu Sans','Liberation Sans',Arial,sans-serif\""
    top = 16 + (46 if title else 0) + (34 if subtitle else 0)
    legend_h = 70 if legend else 0
    bottom = legend_h + (34 if source else 0) + 16
    map_w, map_h = pixel_width - 48, pixel_height - top - bottom
    x, y, w, h = view_box(shapes, frame if frame is not None else fills)
    scale = min(map_w / w, map_h / h)
    offset_x = 24 + (map_w - w * scale) / 2 - x * scale
    offset_y = top + (map_h - h * scale) / 2 - y * scale
    stroke = 0.6 / scale * 1.4
    aria = _esc(title or _("World map"))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixel_width}" height="{pixel_height}" '
        f'viewBox="0 0 {pixel_width} {pixel_height}" role="img" aria-label="{aria}">',
        f'<rect width="{pixel_width}" height="{pixel_height}" fill="#ffffff"/>',
    ]
    if title:
        out.append(
            f'<text x="24" y="52" font-size="34" font-weight="bold" fill="#1a1a1a" {font}>'
            f"{_esc(title)}</text>"
        )
    if subtitle:
        out.append(
            f'<text x="24" y="{top - 18}" font-size="22" fill="#444444" {font}>{_esc(subtitle)}</text>'
        )
    # A region's neighbours run past its frame: clip them to the map area, so the picture keeps a
    # clean margin on every side (a slide shows the picture as drawn).
    out.append(
        f'<clipPath id="map-frame"><rect x="24" y="{top}" width="{map_w}" height="{map_h}"/></clipPath>'
        f'<g clip-path="url(#map-frame)"><g transform="translate({offset_x:.1f} {offset_y:.1f}) '
        f'scale({scale:.5f})" stroke="{BORDER_COLOUR}" stroke-width="{stroke:.3f}" stroke-linejoin="round">'
    )
    for iso3, path in shapes.paths.items():
        fill = fills.get(iso3, NO_DATA_COLOUR)
        label = f"<title>{_esc(titles[iso3])}</title>" if iso3 in titles else ""
        out.append(f'<path data-iso3="{_esc(iso3)}" fill="{fill}" d="{path}">{label}</path>')
    radius = MARKER_RADIUS / scale * 1.6
    for iso3, (mx, my) in shapes.markers.items():
        if iso3 in fills and fills[iso3] != STAGE_COLOURS[0] and fills[iso3] != COUNT_COLOURS[0]:
            out.append(
                f'<circle cx="{mx}" cy="{my}" r="{radius:.2f}" fill="{fills[iso3]}" '
                f'stroke="#1a1a1a" stroke-width="{stroke:.3f}"/>'
            )
    out.append("</g></g>")
    if legend:
        out.append(_legend_svg(legend, pixel_width, pixel_height - bottom + 18, font))
    if source:
        out.append(
            f'<text x="24" y="{pixel_height - 22}" font-size="16" fill="#555555" {font}>{_esc(source)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _legend_svg(items: Sequence[LegendItem], width: int, y: float, font: str) -> str:
    """One centred row of swatches and labels (widths estimated from the label lengths)."""
    char, swatch, gap = 11.5, 26, 34
    widths = [swatch + 10 + len(i.label) * char for i in items]
    x = (width - sum(widths) - gap * (len(items) - 1)) / 2
    parts = []
    for item, item_w in zip(items, widths):
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{swatch}" height="{swatch}" fill="{item.colour}" '
            f'stroke="#888888" stroke-width="1"/>'
            f'<text x="{x + swatch + 10:.0f}" y="{y + 20:.0f}" font-size="21" fill="#1a1a1a" {font}>'
            f"{_esc(item.label)}</text>"
        )
        x += item_w + gap
    return "".join(parts)


# --- What the browser map is sent -----------------------------------------------------------
# The map's own words (lightmap.js reads them from the view): the app and the static site share them.
MAP_TEXT = {
    "play": N_("Play"),
    "pause": N_("Pause"),
    "since": N_("since"),
    "click": N_("Click to open the country page"),
    "aria": N_("World map of MMS programme stage by country, as of"),
}
COUNT_TEXT = MAP_TEXT | {"aria": N_("World map of counts per country")}


def map_text(text: dict[str, str]) -> dict[str, str]:
    """The map's own words in the current language."""
    return {key: _(value) for key, value in text.items()}


def shapes_payload(
    shapes: MapShapes, names: dict[str, str], timeline: dict[str, dict], first_year: int, data_id: str
) -> dict:
    """Everything that stays the same while the year, layer or filter changes: sent once."""
    digest = hashlib.sha256(f"{shapes.digest}|{data_id}".encode()).hexdigest()[:16]
    return {
        "role": "shapes",
        "id": digest,
        "c": [[iso3, path] for iso3, path in shapes.paths.items()],
        "m": [[iso3, x, y] for iso3, (x, y) in shapes.markers.items()],
        "n": {iso3: names[iso3] for iso3 in shapes.paths if iso3 in names},
        "t": timeline,
        "first": first_year,
    }


def stage_view_payload(
    shapes: MapShapes,
    shapes_id: str,
    *,
    year: int,
    years: tuple[int, int],
    include: Sequence[str] | None,
    text: dict[str, str],
    play: bool = True,
) -> dict:
    """One year of the stage map: a few hundred bytes, the colours are worked out in the browser."""
    return {
        "role": "view",
        "shapes": shapes_id,
        "layer": "stage",
        "year": year,
        "from": years[0],
        "last": years[1],
        "play": play,
        "include": list(include) if include is not None else None,
        "box": list(view_box(shapes, include or ())),
        "legend": [[_(label), STAGE_COLOURS[stage]] for stage, label in STAGES.items()],
        "text": text,
    }


def count_view_payload(
    shapes: MapShapes,
    shapes_id: str,
    *,
    year: int,
    counts: dict[str, int],
    what: str,
    include: Sequence[str] | None,
    text: dict[str, str],
) -> dict:
    """A count per country (evidence items, organisations) in sequential colour bins."""
    return {
        "role": "view",
        "shapes": shapes_id,
        "layer": "count",
        "year": year,
        "from": year,
        "last": year,
        "play": False,
        "include": list(include) if include is not None else None,
        "box": list(view_box(shapes, include or ())),
        "counts": {iso3: int(n) for iso3, n in counts.items() if n},
        "edges": list(COUNT_BIN_EDGES),
        "what": what,
        "legend": [[label, colour] for label, colour in zip(count_bin_labels(), COUNT_COLOURS)],
        "text": text,
    }
