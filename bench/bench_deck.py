"""Benchmark convening exports: full deck build time (target < 10 s) and PNG render time per figure.

Run:  .venv/bin/python bench/bench_deck.py [--year 2024] [--repeat 3]
Prints figures; nothing asserts. Pictures are the app's SVG, rasterised with resvg (no browser).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hmhb_dash import deck, export, presentation, store, svgmap  # noqa: E402
from hmhb_dash.permalinks import MapView  # noqa: E402


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    today = dt.date.today()
    version, tables = store.read_tables(store.data_dir())
    shapes = svgmap.load_shapes(store.map_shapes_path())
    view = presentation.PresentView(MapView(args.year), presentation.default_since(args.year))
    seconds, briefing = timed(lambda: presentation.brief(tables, view, today, version))
    print(f"briefing (all numbers of the view):      {seconds * 1000:7.0f} ms")

    builds = [timed(lambda: deck.build_deck(briefing, shapes, today)) for _ in range(args.repeat)]
    size = len(builds[0][1]) // 1024
    median = statistics.median(t for t, _ in builds)
    print(f"deck (median of {args.repeat}):                  {median:7.2f} s  ({size} kB)  target < 10 s")
    for name, render in (
        ("map PNG 1920x1080", lambda: export.map_image(briefing, shapes)),
        ("map SVG", lambda: export.map_image(briefing, shapes, fmt="svg")),
        ("progress chart PNG 1920x1080", lambda: export.trend_image(briefing)),
    ):
        times = [timed(render)[0] for _ in range(args.repeat)]
        print(f"{name + ':':40} {statistics.median(times) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
