"""Country boundaries and the geo module: data file, compact GeoJSON, offline plotly config."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.io as pio
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
GEOJSON_LIMIT = 250_000  # bytes, compact JSON: the map's geometry is sent on every rerun
TOPOLOGY_OBJECTS = {"coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits"}


@pytest.fixture(scope="module")
def boundaries() -> gpd.GeoDataFrame:
    return geo.load_boundaries(BOUNDARIES)


@pytest.fixture(scope="module")
def geojson(boundaries) -> dict:
    return geo.boundaries_geojson(boundaries)


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


def test_every_grouping_country_is_drawable(boundaries, geojson):
    groupings = set(pd.read_csv(GROUPINGS)["iso3"])
    assert len(groupings) == 250
    missing = groupings - set(boundaries["iso3"]) - set(NOT_DRAWABLE)
    assert not missing, f"no geometry for {sorted(missing)}"
    # ...and still drawable after the GeoJSON rounding (tiny states keep a polygon).
    in_geojson = {f["properties"]["iso3"] for f in geojson["features"]}
    assert groupings - set(NOT_DRAWABLE) <= in_geojson


def test_natural_earth_pseudo_codes_are_resolved(boundaries):
    codes = set(boundaries["iso3"])
    assert not codes & {"SOL", "CYN", "IOA", "KAS", "ATC"}
    # Somaliland is drawn as part of Somalia, Northern Cyprus as part of Cyprus.
    assert boundaries.set_index("iso3").geometry["SOM"].covers(shapely.Point(45.0, 10.0))
    assert boundaries.set_index("iso3").geometry["CYP"].covers(shapely.Point(33.9, 35.3))


@pytest.mark.parametrize("iso3", ["RUS", "FJI", "ATA", "USA", "NZL", "KIR"])
def test_antimeridian_countries_valid_and_in_range(boundaries, iso3):
    geometry = boundaries.set_index("iso3").geometry[iso3]
    assert geometry.is_valid
    minx, miny, maxx, maxy = geometry.bounds
    assert minx >= -180 and maxx <= 180
    assert miny >= -90 and maxy <= 90


def test_antimeridian_fix_keeps_the_land(boundaries):
    by_iso3 = boundaries.set_index("iso3").geometry
    # Chukotka (east of 180) stays Russian; Antarctica covers the pole region, not the rest.
    assert by_iso3["RUS"].covers(shapely.Point(-175.0, 66.5))
    assert by_iso3["RUS"].covers(shapely.Point(100.0, 60.0))
    assert by_iso3["ATA"].covers(shapely.Point(0.0, -85.0))
    assert not by_iso3["ATA"].intersects(shapely.Point(0.0, -50.0))
    # No country spans a band across the whole map (the symptom of an unfixed seam).
    widths = boundaries.geometry.bounds.eval("maxx - minx")
    wide = set(boundaries.loc[widths > 300, "iso3"])
    assert wide <= {"ATA", "RUS", "FJI", "USA", "NZL", "KIR", "UMI"}
    assert by_iso3["RUS"].area < 2 * by_iso3["CAN"].area


def test_geojson_is_compact(boundaries, geojson):
    size = len(json.dumps(geojson, separators=(",", ":")))
    assert size < GEOJSON_LIMIT, f"{size} bytes"
    assert geojson["type"] == "FeatureCollection"
    expected = [{"iso3": iso3} for iso3 in boundaries["iso3"]]
    assert [f["properties"] for f in geojson["features"]] == expected


def _rings(feature: dict) -> list[tuple[list, bool]]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [(ring, i == 0) for polygon in polygons for i, ring in enumerate(polygon)]


def _signed_area(ring: list) -> float:
    xy = np.asarray(ring)
    return float(np.dot(xy[:-1, 0], xy[1:, 1]) - np.dot(xy[1:, 0], xy[:-1, 1]))


def test_geojson_rings_rounded_deduplicated_and_clockwise(geojson):
    for feature in geojson["features"]:
        for ring, exterior in _rings(feature):
            xy = np.asarray(ring)
            assert np.array_equal(xy, np.round(xy, 2))
            assert len(xy) >= 4 and np.array_equal(xy[0], xy[-1])
            assert np.all(np.any(xy[1:] != xy[:-1], axis=1)), "consecutive duplicate point"
            # d3-geo winding: exterior clockwise (negative planar area), holes counter-clockwise.
            assert (_signed_area(ring) < 0) == exterior


def test_geojson_keeps_a_polygon_for_a_state_smaller_than_the_grid():
    tiny = shapely.box(12.451, 41.901, 12.454, 41.904)  # collapses at 2 decimals
    island = shapely.box(10.0, 10.0, 10.001, 10.001)
    frame = gpd.GeoDataFrame(
        {"iso3": ["AAA", "BBB"]},
        geometry=[tiny, shapely.MultiPolygon([shapely.box(0, 0, 1, 1), island])],
        crs="EPSG:4326",
    )
    features = geo.boundaries_geojson(frame)["features"]
    assert [f["properties"]["iso3"] for f in features] == ["AAA", "BBB"]
    assert features[0]["geometry"]["type"] == "Polygon"  # kept, with more decimals
    assert features[1]["geometry"]["type"] == "Polygon"  # the collapsed island was dropped


def _decode_data_url(url: str) -> dict:
    url, _fragment = urllib.parse.urldefrag(url)
    prefix = "data:application/json;base64,"
    assert url.startswith(prefix)
    return json.loads(base64.b64decode(url[len(prefix) :], validate=True))


def test_offline_topojson_url_is_an_empty_topology():
    topology = _decode_data_url(geo.OFFLINE_TOPOJSON_URL)
    assert topology["type"] == "Topology"
    assert topology["arcs"] == []
    assert set(topology["objects"]) >= TOPOLOGY_OBJECTS
    for layer in topology["objects"].values():
        assert layer == {"type": "GeometryCollection", "geometries": []}


@pytest.mark.parametrize("name", ["world_110m", "world_50m", "africa_50m"])
def test_offline_topojson_url_survives_plotly_suffix(name):
    # plotly.js getTopojsonPath: url + ("/" unless it ends with one) + name + ".json".
    url = geo.OFFLINE_TOPOJSON_URL
    fetched = f"{url}{'' if url.endswith('/') else '/'}{name}.json"
    assert _decode_data_url(fetched)["type"] == "Topology"


def test_plotly_config():
    config = geo.plotly_config()
    assert config["topojsonURL"] == geo.OFFLINE_TOPOJSON_URL
    assert config["displaylogo"] is False
    assert {"lasso2d", "select2d"} <= set(config["modeBarButtonsToRemove"])


def test_configure_offline_static_export(monkeypatch):
    monkeypatch.setattr(pio.defaults, "topojson", None)
    monkeypatch.setattr(pio.defaults, "mathjax", None)
    geo.configure_offline_static_export()
    assert pio.defaults.topojson == geo.OFFLINE_TOPOJSON_URL
    assert pio.defaults.mathjax is False


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
