"""Benchmark the evidence library and members pages at 1x and 100x data: rerun ratios to a blank page.

Run:  .venv/bin/python bench/bench_evidence.py [--repeat 30] [--factor 100]
The 100x tables (evidence, milestones, activities; seeded) are written to a temporary data directory
and read through HMHB_DATA_DIR. Prints figures; the target (DESIGN.md section 6) is printed beside
them, nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from hmhb_dash import store, synthetic  # noqa: E402
from hmhb_dash.registry import page  # noqa: E402

APP = str(ROOT / "app.py")
BLANK = 'import streamlit as st\nst.title("Blank")\nst.write("A blank page.")\n'
TARGET = 15
SEARCHES = ("birth weight", "birth weight trial")


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def app_on(url_path: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    if url_path:
        at.switch_page(str(page(url_path).path.relative_to(ROOT)))
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    # A page that failed would rerun fast and look good: never time one.
    assert not at.exception, f"{url_path} {params}: {at.exception}"
    return at


def blank_ms(repeat: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        blank_file = Path(folder) / "blank.py"
        blank_file.write_text(BLANK)
        blank = AppTest.from_file(str(blank_file))
        blank.run()
        return median_ms(blank.run, repeat)


def page_figures(repeat: int) -> dict[str, float]:
    results: dict[str, float] = {}
    library = app_on("evidence")
    results["library, no filter: rerun"] = median_ms(library.run, repeat)
    filtered = app_on("evidence", {"region": "sa", "topic": "research", "q": "birth weight"})
    results["library, filter + search: rerun"] = median_ms(filtered.run, repeat)
    turns = iter(range(repeat * 2 + 2))

    def change_search() -> None:
        # Alternate between two searches: a real widget change each time, as a user typing and
        # deleting a word; served from the per-query cache after the first of each.
        filtered.text_input(key="ev_q").input(SEARCHES[next(turns) % 2]).run()
        assert not filtered.exception

    change_search()
    change_search()
    results["library, search change (cached query)"] = median_ms(change_search, repeat)
    words = iter(f"birth {i}" for i in range(repeat * 2 + 2))

    def new_search() -> None:
        # A search never run before: filters, facet counts and ranking computed afresh.
        filtered.text_input(key="ev_q").input(next(words)).run()
        assert not filtered.exception

    results["library, search change (new query)"] = median_ms(new_search, max(5, repeat // 3))
    members = app_on("members", {"region": "wca"})
    results["members, region filter: rerun"] = median_ms(members.run, repeat)
    layer = app_on("", {"layer": "evidence"})
    results["map, evidence layer: rerun"] = median_ms(layer.run, repeat)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--factor", type=int, default=100)
    args = parser.parse_args()

    floor = blank_ms(args.repeat)
    print(f"{'blank page rerun (ms)':44s} {floor:9.1f}")
    runs = {"1x": page_figures(args.repeat)}
    with tempfile.TemporaryDirectory() as folder:
        _, tables = store.read_tables(store.PROJECT_DATA_DIR)
        scaled = synthetic.scale_tables(tables, factor=args.factor)
        store.write_tables(scaled, Path(folder) / store.BUNDLED)
        os.environ["HMHB_DATA_DIR"] = folder
        try:
            runs[f"{args.factor}x"] = page_figures(args.repeat)
        finally:
            os.environ.pop("HMHB_DATA_DIR", None)
        sizes = ", ".join(f"{name} {len(scaled[name])}" for name in ("evidence", "activities", "milestones"))
    print(f"{args.factor}x data: {sizes}")
    floor = (floor + blank_ms(args.repeat)) / 2  # the floor again, after the heavy runs
    for scale, figures in runs.items():
        for name, value in figures.items():
            print(f"{scale:>4s} {name:40s} {value:8.1f} ms {value / floor:6.1f}x  (target <= {TARGET}x)")


if __name__ == "__main__":
    main()
