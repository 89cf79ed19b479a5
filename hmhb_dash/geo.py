"""Country boundaries (GeoParquet), compact GeoJSON, marker points and offline config for maps."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.io as pio
import shapely

# The layers plotly.js reads from its base-map topology (plots/geo: coastlines, land, ocean, lakes,
# rivers, countries, subunits). All empty: countries are drawn from our own GeoJSON instead.
_LAYERS = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
EMPTY_TOPOLOGY = {
    "type": "Topology",
    "objects": {name: {"type": "GeometryCollection", "geometries": []} for name in _LAYERS},
    "arcs": [],
}

# plotly.js fetches its base map from `${topojsonURL}/${scope}_${resolution}m.json` (getTopojsonPath
# adds the "/" when the URL does not end with one), by default from https://cdn.plot.ly/un/ -- for
# every geo trace, even with a custom GeoJSON. A data: URL ending in "#" turns that suffix into a
# fragment, which URL parsing strips before the data is decoded, so every scope and resolution gets
# the empty topology and nothing leaves the machine.
OFFLINE_TOPOJSON_URL = (
    "data:application/json;base64,"
    + base64.b64encode(json.dumps(EMPTY_TOPOLOGY, separators=(",", ":")).encode()).decode("ascii")
    + "#"
)

# Rings need at least 3 distinct points (4 with the closing one) to enclose an area.
_MIN_RING_POINTS = 4
# Fallback precisions tried when every polygon of a country collapses at the requested one.
_MAX_PRECISION = 6


def load_boundaries(path: Path) -> gpd.GeoDataFrame:
    """Read data/boundaries.parquet: iso3, name, point_lon, point_lat, geometry (EPSG:4326)."""
    return gpd.read_parquet(path)


def _clean_ring(coords: np.ndarray, precision: int, exterior: bool) -> list | None:
    """Round a ring, drop repeated points, orient it for d3-geo; None if it no longer has area."""
    ring = np.round(coords, precision)
    keep = np.concatenate([[True], np.any(ring[1:] != ring[:-1], axis=1)])
    ring = ring[keep]
    if not np.array_equal(ring[0], ring[-1]):
        ring = np.vstack([ring, ring[:1]])
    if len(ring) < _MIN_RING_POINTS:
        return None
    x, y = ring[:, 0], ring[:, 1]
    signed_area = float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))
    if signed_area == 0:
        return None
    # d3-geo (which plotly.js uses) reads winding spherically: an exterior ring must be clockwise
    # and a hole counter-clockwise, or the polygon fills the rest of the globe instead.
    if (signed_area > 0) == exterior:
        ring = ring[::-1]
    return ring.tolist()


def _clean_polygon(polygon: shapely.Polygon, precision: int) -> list | None:
    shell = _clean_ring(np.asarray(polygon.exterior.coords), precision, exterior=True)
    if shell is None:
        return None
    rings = polygon.interiors
    holes = (_clean_ring(np.asarray(r.coords), precision, exterior=False) for r in rings)
    return [shell, *(h for h in holes if h is not None)]


def _geometry_coordinates(geometry: shapely.Geometry, precision: int) -> list:
    """MultiPolygon coordinates at ``precision``, keeping at least one polygon of the country."""
    polygons = list(shapely.get_parts(geometry))
    kept = [p for p in (_clean_polygon(poly, precision) for poly in polygons) if p is not None]
    if kept:
        return kept
    # Everything collapsed (a state smaller than the grid): keep its largest polygon, with just
    # enough decimals to enclose an area, so it stays drawable and clickable.
    largest = max(polygons, key=lambda p: p.area)
    for finer in range(precision + 1, _MAX_PRECISION + 1):
        polygon = _clean_polygon(largest, finer)
        if polygon is not None:
            return [polygon]
    raise ValueError(f"polygon collapses even at {_MAX_PRECISION} decimals: {largest.wkt[:80]}")


def boundaries_geojson(boundaries: gpd.GeoDataFrame, precision: int = 2) -> dict:
    """A compact GeoJSON FeatureCollection for plotly (``featureidkey="properties.iso3"``).

    Coordinates are rounded to ``precision`` decimals (2: about 1 km, finer than a pixel of a world
    map), which is what keeps the figure spec small: it is sent to the browser on every rerun.
    """
    features = []
    for iso3, geometry in zip(boundaries["iso3"], boundaries.geometry, strict=True):
        polygons = _geometry_coordinates(geometry, precision)
        geojson_geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": str(iso3)},
                "geometry": geojson_geometry,
            },
        )
    return {"type": "FeatureCollection", "features": features}


def representative_points(boundaries: gpd.GeoDataFrame) -> pd.DataFrame:
    """One point inside each country (iso3, lon, lat): marker positions for small states."""
    return pd.DataFrame(
        {
            "iso3": boundaries["iso3"].astype(str).to_numpy(),
            "lon": boundaries["point_lon"].to_numpy(dtype=float),
            "lat": boundaries["point_lat"].to_numpy(dtype=float),
        }
    )


def plotly_config() -> dict:
    """The ``config`` for st.plotly_chart: no CDN base map, no logo, no lasso/box select."""
    return {
        "topojsonURL": OFFLINE_TOPOJSON_URL,
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def configure_offline_static_export() -> None:
    """Point kaleido's static export (pio.to_image) at the offline base map; MathJax off.

    Caveat (plotly 7.1): to_image passes ``mathjax`` to kaleido only when truthy, so False here
    does not keep kaleido's page from loading MathJax from cdnjs (offline: a failed script load,
    harmless, the figures have no LaTeX). A server started with
    ``kaleido.start_sync_server(mathjax=False)`` leaves it out for real.
    """
    pio.defaults.topojson = OFFLINE_TOPOJSON_URL
    pio.defaults.mathjax = False


# Below this area (square degrees; Jamaica is about 1) a country is a few pixels on a world map,
# too small to click, so it also gets a marker.
SMALL_STATE_AREA = 2.0


def small_states(boundaries: gpd.GeoDataFrame, max_area: float = SMALL_STATE_AREA) -> pd.DataFrame:
    """Representative points (iso3, lon, lat) of countries too small to click on a world map."""
    points = representative_points(boundaries)
    # Planar square degrees on purpose: a size on the plate-like world map, not on the ground.
    areas = shapely.area(boundaries.geometry.to_numpy())
    return points[areas < max_area].reset_index(drop=True)


# Antarctica has no population to reach and takes a fifth of a world map's height.
LEFT_OFF_MAPS = ("ATA",)
