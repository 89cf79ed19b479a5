"""Benchmark the static site: its size, index.html's size, index painted from disk, build time.

Run:  .venv/bin/python bench/bench_site.py [--loads 5] [--lang fr]   (--lang all: the three languages)
Prints figures with the targets beside them; nothing asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hmhb_dash import site, store, svgmap  # noqa: E402
from tests.live_server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

MAX_SITE_MB, MAX_INDEX_KB, MAX_PAINT_S = 5.0, 600, 0.5
DRAWN = "#map path[data-iso3] >> nth=199"


def build(out: Path, lang: str = "en") -> tuple[dict[str, bytes], float, float]:
    """(files, seconds to read the data and build the shapes, seconds to build and write the site)."""
    start = time.perf_counter()
    version, tables = store.read_tables(store.data_dir())
    shapes = svgmap.load_shapes(store.map_shapes_path())
    loaded = time.perf_counter()
    files = site.build_site(site.SiteInput(tables, version, shapes, None, lang))
    site.write_site(files, out)
    return files, loaded - start, time.perf_counter() - loaded


def paint_times(index: Path, loads: int) -> list[float]:
    """Seconds from navigation to 200 country shapes drawn, each load in a fresh context."""
    from playwright.sync_api import sync_playwright

    times, blocked = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(loads + 1):  # the first load warms the browser up and is not counted
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            tab = context.new_page()
            tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else (
                blocked.append(r.request.url), r.abort()))  # fmt: skip
            start = time.perf_counter()
            tab.goto(index.as_uri())
            tab.wait_for_selector(DRAWN, timeout=60_000)
            times.append(time.perf_counter() - start)
            assert not blocked, blocked
            context.close()
        browser.close()
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--lang", default="en", help="en, fr, pt or all (the size target is per language)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        files, load_s, build_s = build(out, args.lang)
        total = sum(len(b) for b in files.values())
        index = len(files["index.html"])
        pages = sum(1 for p in files if p.endswith(".html"))
        print(f"files: {len(files)} ({pages} pages)")
        languages = site.site_languages(args.lang)
        print(
            f"whole site: {total / 1e6:.2f} MB in {len(languages)} language(s) "
            f"(target <= {MAX_SITE_MB} MB per language)"
        )
        print(f"index.html: {index / 1000:.0f} kB (target <= {MAX_INDEX_KB} kB)")
        largest = max(len(b) for p, b in files.items() if p.startswith("countries/"))
        print(f"largest country page: {largest / 1000:.0f} kB")
        print(
            f"build: {build_s:.2f} s to build and write the site, plus {load_s:.2f} s to read data and shapes"
        )
        times = paint_times(out / "index.html", args.loads)
        print(
            f"index painted from disk (200 shapes drawn), median of {len(times)}: "
            f"{statistics.median(times):.3f} s (target <= {MAX_PAINT_S} s; all: "
            + ", ".join(f"{t:.3f}" for t in times)
            + ")"
        )


if __name__ == "__main__":
    main()
