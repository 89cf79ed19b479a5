"""Build data/map_shapes.json: the world map's Equal Earth SVG paths, from data/boundaries.parquet.

The app, the exports, the deck and the static site all draw these shapes; building them here keeps
geopandas, shapely and pyproj out of the running server. Same boundaries, same bytes.

Usage: python scripts/build_map_shapes.py [--output PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hmhb_dash import geo, store, svgmap  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=store.map_shapes_path())
    args = parser.parse_args(argv)
    shapes = svgmap.build_shapes(geo.load_boundaries(store.boundaries_path()))
    svgmap.save_shapes(shapes, args.output)
    print(f"{args.output}: {len(shapes.paths)} countries, {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
