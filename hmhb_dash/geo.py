"""Country boundaries (GeoParquet, for build steps), representative points, and the plotly chart config."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd


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
    """The ``config`` for st.plotly_chart (the timelines): no logo, no lasso/box select.

    No plotly figure draws a map any more (the map is svgmap.py), so none needs plotly's base-map
    download; the browser tests still fail on any request that leaves the machine.
    """
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }
