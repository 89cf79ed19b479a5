"""Benchmark the map and country pages: rerun ratios to a blank page, figure bytes, server memory.

Run:  .venv/bin/python bench/bench_map.py [--repeat 30] [--no-browser]
Prints figures; the targets (DESIGN.md section 6) are printed beside them, nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from hmhb_dash.registry import PAGES, page  # noqa: E402

APP = str(ROOT / "app.py")
BLANK = 'import streamlit as st\nst.title("Blank")\nst.write("A blank page.")\n'


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def app_on(url_path: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if url_path:
        at.switch_page(str(page(url_path).path.relative_to(ROOT)))
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def rerun_figures(repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        blank_file = Path(folder) / "blank.py"
        blank_file.write_text(BLANK)
        blank = AppTest.from_file(str(blank_file))
        blank.run()
        blank_ms = median_ms(blank.run, repeat)

    results = {"blank page rerun (ms)": blank_ms}
    at = app_on("")
    results["map rerun (ms)"] = median_ms(at.run, repeat)
    years = iter(range(repeat * 2))

    def change_year() -> None:
        # Alternate between two years: each change is a real widget change, served from cache
        # after the first, as it is for a user moving the slider back and forth.
        at.slider(key="year").set_value(2015 + next(years) % 2).run()

    change_year()
    results["map widget change (ms)"] = median_ms(change_year, repeat)
    spec = json.loads(app_on("").get("plotly_chart")[0].proto.spec)
    results["map figure JSON (kB)"] = len(json.dumps(spec, separators=(",", ":"))) / 1000
    country = app_on("country", {"country": "BGD"})
    results["country page rerun (ms)"] = median_ms(country.run, repeat)
    return results


def server_figures() -> dict[str, float]:
    """RSS of a real `streamlit run` after Chromium visits every page, and first-paint ratio."""
    import psutil
    from playwright.sync_api import sync_playwright

    from tests.live_server import CHROMIUM, CHROMIUM_ARGS, running_app

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder) / "server.log") as (base, proc):
        server = psutil.Process(proc.pid)
        results["server idle RSS (MiB)"] = server.memory_info().rss / 2**20
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            for spec in PAGES:
                tab.goto(f"{base}/{spec.url_path}")
                tab.wait_for_selector(
                    "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000
                )
                tab.wait_for_timeout(1500)
            results["server RSS after every page (MiB)"] = server.memory_info().rss / 2**20

            def first_paint(url: str, selector: str) -> float:
                times = []
                for _ in range(3):
                    fresh = browser.new_page(viewport={"width": 1400, "height": 1000})
                    start = time.perf_counter()
                    fresh.goto(url)
                    fresh.wait_for_selector(selector, timeout=120_000)
                    times.append(time.perf_counter() - start)
                    fresh.close()
                return statistics.median(times)

            title = "[data-testid='stMain'] h1"
            results["first paint, map page title (s)"] = first_paint(base + "/", title)
            results["first paint, map drawn (s)"] = first_paint(
                base + "/", ".js-plotly-plot .choroplethlocation"
            )
            blank_file = Path(folder) / "blank.py"
            blank_file.write_text(BLANK)
            with running_app(Path(folder) / "blank.log", script=blank_file) as (blank_base, _):
                results["first paint, blank page (s)"] = first_paint(blank_base + "/", title)
            browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    figures = rerun_figures(args.repeat)
    blank = figures["blank page rerun (ms)"]
    for name, value in figures.items():
        print(f"{name:38s} {value:9.1f}")
    for name in ("map rerun (ms)", "map widget change (ms)", "country page rerun (ms)"):
        print(f"{name.replace(' (ms)', '') + ' / blank':38s} {figures[name] / blank:9.1f}x  (target <= 15x)")
    print(f"{'map figure JSON':38s} {figures['map figure JSON (kB)']:9.1f} kB (target <= 350 kB)")
    if not args.no_browser:
        server = server_figures()
        for name, value in server.items():
            print(f"{name:38s} {value:9.1f}")
        print(f"{'server RSS after every page':38s} (target <= 300 MiB)")
        blank = server["first paint, blank page (s)"]
        for name in ("first paint, map page title (s)", "first paint, map drawn (s)"):
            ratio = server[name] / blank
            print(f"{name.replace(' (s)', '') + ' / blank':38s} {ratio:9.2f}x  (target <= 1.3x)")


if __name__ == "__main__":
    main()
