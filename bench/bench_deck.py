"""Benchmark convening exports: full deck build time (target < 10 s) and PNG render time per figure.

Run:  .venv/bin/python bench/bench_deck.py [--year 2024] [--repeat 3]
Prints figures; nothing asserts. Times include Chromium start-up where it says so.
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

from hmhb_dash import deck, export, geo, presentation, store  # noqa: E402
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
    boundaries = geo.load_boundaries(store.boundaries_path())
    view = presentation.PresentView(MapView(args.year), presentation.default_since(args.year))
    seconds, briefing = timed(lambda: presentation.brief(tables, view, today, version))
    print(f"briefing (all numbers of the view):      {seconds * 1000:7.0f} ms")

    cold, data = timed(lambda: deck.build_deck(briefing, boundaries, today))
    print(f"deck, cold (starts and stops Chromium):  {cold:7.2f} s  ({len(data) // 1024} kB)  target < 10 s")

    with export.Renderer() as renderer:
        warm = [
            timed(lambda: deck.build_deck(briefing, boundaries, today, renderer))[0]
            for _ in range(args.repeat)
        ]
        print(
            f"deck, warm (Chromium already running):   {statistics.median(warm):7.2f} s"
            f"  (median of {args.repeat})"
        )
        for name, render in (
            ("map PNG 1920x1080", lambda: export.map_image(briefing, boundaries, renderer)),
            ("map SVG", lambda: export.map_image(briefing, boundaries, renderer, fmt="svg")),
            ("progress chart PNG 1920x1080", lambda: export.trend_image(briefing, renderer)),
        ):
            times = [timed(render)[0] for _ in range(args.repeat)]
            print(f"{name + ' (kaleido):':40} {statistics.median(times) * 1000:7.0f} ms")

    fallback = export.Renderer(use_browser=False)
    times = [timed(lambda: export.map_image(briefing, boundaries, fallback))[0] for _ in range(args.repeat)]
    print(f"{'map PNG (matplotlib fallback):':40} {statistics.median(times) * 1000:7.0f} ms")
    seconds, _ = timed(lambda: deck.build_deck(briefing, boundaries, today, fallback))
    print(f"deck with the fallback (no browser):     {seconds:7.2f} s")


if __name__ == "__main__":
    main()
