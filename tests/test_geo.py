"""Country boundaries and the geo module: data file, representative points, offline plotly config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from hmhb_dash import geo

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "data" / "boundaries.parquet"
GROUPINGS = ROOT / "data" / "raw" / "country_groupings.csv"
BUILD_SCRIPT = ROOT / "scripts" / "build_boundaries.py"

# Codes of the groupings table that have no geometry, with the reason (see the build script's
# docstring). Empty: every one is drawable.
NOT_DRAWABLE: dict[str, str] = {}


@pytest.fixture(scope="module")
def boundaries() -> gpd.GeoDataFrame:
    return geo.load_boundaries(BOUNDARIES)


def test_boundaries_load(boundaries):
    assert isinstance(boundaries, gpd.GeoDataFrame)
    assert list(boundaries.columns) == ["iso3", "name", "point_lon", "point_lat", "geometry"]
    assert boundaries.crs.to_epsg() == 4326
    assert len(boundaries) >= 240
    assert boundaries["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert boundaries["name"].notna().all()
    assert boundaries.is_valid.all() and not boundaries.is_empty.any()


def test_iso3_unique_and_sorted(boundaries):
    assert boundaries["iso3"].is_unique
    assert boundaries["iso3"].is_monotonic_increasing


def test_every_grouping_country_has_a_boundary(boundaries):
    groupings = set(pd.read_csv(GROUPINGS)["iso3"])
    assert len(groupings) == 250
    assert groupings - set(boundaries["iso3"]) == set(NOT_DRAWABLE)


def test_plotly_config():
    config = geo.plotly_config()
    assert "topojsonURL" not in config
    assert config["displaylogo"] is False
    assert {"lasso2d", "select2d"} <= set(config["modeBarButtonsToRemove"])


def test_representative_points_lie_in_their_country(boundaries):
    points = geo.representative_points(boundaries)
    assert list(points.columns) == ["iso3", "lon", "lat"]
    assert points["iso3"].tolist() == boundaries["iso3"].tolist()
    geometries = boundaries.geometry.to_numpy()
    distances = shapely.distance(geometries, shapely.points(points[["lon", "lat"]].to_numpy()))
    # Points are rounded to 3 decimals: allow that much slack.
    far = points.loc[distances > 0.002, "iso3"].tolist()
    assert not far, f"points outside their country: {far}"


def test_geo_does_not_import_streamlit():
    code = "import sys, hmhb_dash.geo; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_build_is_reproducible(tmp_path):
    # Offline (uses the committed data/raw copy) and byte-identical to the committed file.
    out = tmp_path / "boundaries.parquet"
    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--output", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == BOUNDARIES.read_bytes()
