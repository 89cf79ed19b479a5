"""Benchmark the evidence library and members pages at 1x and 100x data: rerun ratios to a blank page.

Run:  .venv/bin/python bench/bench_evidence.py [--repeat 30] [--factor 100]
The 100x tables (evidence, milestones, activities; seeded) are written to a temporary data directory
and read through HMHB_DATA_DIR. Prints figures with the target beside them; nothing asserts.
"""

from __future__ import annotations

import argparse

from common import RERUN_TARGET, app_on, blank_ms, median_ms, scaled_data

SEARCHES = ("birth weight", "birth weight trial")


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
    with scaled_data(args.factor) as scaled:
        runs[f"{args.factor}x"] = page_figures(args.repeat)
        sizes = ", ".join(f"{name} {len(scaled[name])}" for name in ("evidence", "activities", "milestones"))
    print(f"{args.factor}x data: {sizes}")
    floor = (floor + blank_ms(args.repeat)) / 2  # the floor again, after the heavy runs
    for scale, figures in runs.items():
        for name, value in figures.items():
            print(
                f"{scale:>4s} {name:40s} {value:8.1f} ms {value / floor:6.1f}x  (target <= {RERUN_TARGET}x)"
            )


if __name__ == "__main__":
    main()
