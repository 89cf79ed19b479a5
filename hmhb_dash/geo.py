"""Country boundaries (GeoParquet), representative points, and the offline config for plotly charts."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

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


def load_boundaries(path: Path) -> gpd.GeoDataFrame:
    """Read data/boundaries.parquet: iso3, name, point_lon, point_lat, geometry (EPSG:4326)."""
    import geopandas as gpd  # build steps only: the app itself reads the prebuilt map shapes

    return gpd.read_parquet(path)


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
