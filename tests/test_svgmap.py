"""The SVG map renderer and chart: shapes, projection bounds, per-year stages, escaping, stable output."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from hmhb_dash import queries, store, svgchart, svgmap

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 29)
HOSTILE = "<script>alert('x')</script> & \"Q\""
SHAPES_LIMIT = 120_000  # bytes of path data: the browser is sent them once per session


def test_every_drawable_country_has_a_path(bundled, shapes):
    _, tables, boundaries = bundled
    drawable = set(boundaries["iso3"]) - set(svgmap.LEFT_OFF_MAPS)
    assert set(shapes.paths) == drawable
    assert set(tables["countries"]["iso3"]) - set(svgmap.LEFT_OFF_MAPS) <= drawable
    assert sum(len(p) for p in shapes.paths.values()) < SHAPES_LIMIT
    # Tuvalu, the Maldives and Sao Tome are tiny: still drawn, and marked with a dot.
    assert {"TUV", "MDV", "STP"} <= set(shapes.markers)
    assert "BRA" not in shapes.markers


def test_paths_stay_inside_the_projected_frame(shapes):
    assert shapes.width == svgmap.MAP_WIDTH and 0.4 < shapes.height / shapes.width < 0.5
    for iso3, (x0, y0, x1, y1) in shapes.boxes.items():
        assert -1 <= x0 <= x1 <= shapes.width + 1 and -1 <= y0 <= y1 <= shapes.height + 1, iso3
    for iso3, (x, y) in shapes.markers.items():
        bx0, by0, bx1, by1 = shapes.boxes[iso3]
        assert bx0 - 1 <= x <= bx1 + 1 and by0 - 1 <= y <= by1 + 1, iso3


def test_equal_earth_puts_the_north_up_and_the_west_left(shapes):
    assert shapes.boxes["CAN"][1] < shapes.boxes["BRA"][1]  # Canada above Brazil
    assert shapes.boxes["BRA"][0] < shapes.boxes["NGA"][0] < shapes.boxes["IDN"][0]


def test_path_data_is_compact_relative_commands(shapes):
    for path in shapes.paths.values():
        assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", path), path[:60]


def test_committed_map_shapes_are_built_from_the_boundaries(bundled, shapes, tmp_path):
    # The app reads data/map_shapes.json; it must be what scripts/build_map_shapes.py makes now.
    built = svgmap.build_shapes(bundled[2])
    assert built == shapes and built.digest == shapes.digest
    svgmap.save_shapes(built, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == store.map_shapes_path().read_bytes()


def test_a_reader_never_loads_the_build_and_validation_libraries():
    # geopandas, shapely and pyproj are build steps; pandera, pycountry and openpyxl serve the
    # steward: a server showing every page to a reader needs none of them (about 40 MiB).
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120).run()\n"
        "at.run()  # the world map's second pass: the rest of the page\n"
        "for page in ('country', 'evidence', 'members', 'present', 'data'):\n"
        "    at.switch_page(f'pages/{page}.py').run()\n"
        "    assert not at.exception, (page, at.exception)\n"
        "heavy = {'geopandas', 'shapely', 'pyproj', 'pandera', 'pycountry', 'openpyxl', 'pptx'}\n"
        "heavy &= {name.split('.')[0] for name in sys.modules}\n"
        "print(sorted(heavy)); sys.exit(bool(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]


def test_a_state_smaller_than_the_grid_keeps_a_shape():
    frame = gpd.GeoDataFrame(
        {
            "iso3": ["AAA", "BBB"],
            "name": ["A", "B"],
            "point_lon": [12.452, 10.0],
            "point_lat": [41.902, 10.0],
        },
        geometry=[shapely.box(12.451, 41.901, 12.454, 41.904), shapely.box(-20, -10, 20, 10)],
        crs="EPSG:4326",
    )
    shapes = svgmap.build_shapes(frame)
    assert set(shapes.paths) == {"AAA", "BBB"} and "." in shapes.paths["AAA"]
    assert set(shapes.markers) == {"AAA"}


def test_view_box_frames_a_region_in_landscape(shapes):
    assert svgmap.view_box(shapes, []) == (0, 0, shapes.width, shapes.height)
    x, y, w, h = svgmap.view_box(shapes, ["NGA", "SEN", "CMR"])
    assert w < shapes.width / 3 and abs(w / h - shapes.width / shapes.height) < 0.05
    nga = shapes.boxes["NGA"]
    assert x <= nga[0] and nga[2] <= x + w and y <= nga[1] and nga[3] <= y + h


def test_stage_timeline_matches_stage_as_of_every_year(bundled):
    _, tables, _ = bundled
    countries, history = tables["countries"], tables["stage_history"]
    years = range(2000, 2027)
    timeline = svgmap.stage_timeline(history, countries, years, TODAY)
    for index, year in enumerate(years):
        status = queries.stage_as_of(history, countries, queries.end_of_year(year, TODAY), TODAY)
        for row in status.itertuples():
            assert svgmap.stage_in(timeline, row.iso3, index) == (
                row.stage,
                row.since_text if row.stage else "",
            )
    assert all(set(entry["years"]) <= set("0123456789") for entry in timeline.values())


@pytest.mark.parametrize(
    "count,expected", [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (7, 4), (11, 5), (99, 5)]
)
def test_count_bins(count, expected):
    assert svgmap.count_bin(count) == expected
    assert svgmap.count_bin_labels() == ["0", "1", "2-3", "4-6", "7-10", "11+"]


def _status(name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": ["BGD", "NGA"],
            "name": [name, "Nigeria"],
            "stage": [3, 0],
            "stage_label": ["Initial implementation", "No recorded activity"],
            "since_text": ["Oct 2020", ""],
        }
    )


def test_hostile_names_are_escaped_in_titles_and_legend(shapes):
    fills, titles, legend = svgmap.stage_picture(_status(HOSTILE))
    svg = svgmap.map_svg(shapes, fills, titles, legend, title=HOSTILE, subtitle=HOSTILE, source=HOSTILE)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;" in svg and "&quot;Q&quot;" in svg
    root = ET.fromstring(svg)  # well-formed XML
    ns = {"s": "http://www.w3.org/2000/svg"}
    bgd = root.find(".//s:path[@data-iso3='BGD']", ns)
    assert bgd.find("s:title", ns).text == f"{HOSTILE}: Initial implementation, since Oct 2020"
    assert root.get("role") == "img" and root.get("aria-label") == HOSTILE


def test_map_svg_is_stable_for_the_same_data(shapes):
    picture = svgmap.stage_picture(_status("Bangladesh"))
    assert svgmap.map_svg(shapes, *picture, title="t") == svgmap.map_svg(shapes, *picture, title="t")


def test_stage_view_payload_is_small_and_shapes_payload_carries_names(bundled, shapes):
    _, tables, _ = bundled
    names = dict(zip(tables["countries"]["iso3"], tables["countries"]["name"]))
    timeline = svgmap.stage_timeline(tables["stage_history"], tables["countries"], range(2020, 2027), TODAY)
    big = svgmap.shapes_payload(shapes, names, timeline, 2020, "bundled")
    assert big["n"]["CIV"] == names["CIV"] and len(big["c"]) == len(shapes.paths)
    view = svgmap.stage_view_payload(
        shapes, big["id"], year=2024, years=(2020, 2026), include=None, text={"play": "Play"}
    )
    assert len(str(view)) < 1500 and view["shapes"] == big["id"]


def test_chart_svg_axes_fit_and_escape():
    over_time = pd.DataFrame(
        [{"year": y, "stage": s, "countries": (y - 1999) * s} for y in range(2000, 2027) for s in range(5)]
    )
    svg = svgchart.stages_over_time_svg(over_time, title=HOSTILE)
    root = ET.fromstring(svg)
    assert "&lt;script&gt;" in svg
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "2000" in labels and "2025" in labels and "Countries" in labels
    assert svgchart.nice_step(270) in (50, 100) and svgchart.nice_step(3) == 1


def test_renderers_do_not_import_streamlit():
    code = "import sys, hmhb_dash.svgmap, hmhb_dash.svgchart; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
