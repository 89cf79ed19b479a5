"""Benchmark the map and country pages: rerun ratios to a blank page, figure bytes, server memory.

Run:  .venv/bin/python bench/bench_map.py [--repeat 30] [--no-browser]
Prints figures with the targets beside them; nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from common import BLANK, RERUN_TARGET, app_on, blank_ms, median_ms, scaled_data

from hmhb_dash.registry import PAGES


def rerun_figures(repeat: int) -> dict[str, float]:
    """Rerun times (ms) of the map page, a widget change on it, and the country page."""
    results = {}
    at = app_on("")
    results["map rerun"] = median_ms(at.run, repeat)
    years = iter(range(repeat * 2 + 2))

    def change_year() -> None:
        # Alternate between two years: each change is a real widget change, served from cache
        # after the first, as it is for a user moving the slider back and forth.
        at.slider(key="year").set_value(2015 + next(years) % 2).run()

    change_year()
    change_year()
    results["map widget change"] = median_ms(change_year, repeat)
    country = app_on("country", {"country": "BGD"})
    results["country page rerun"] = median_ms(country.run, repeat)
    return results


def map_figure_kb() -> float:
    spec = json.loads(app_on("").get("plotly_chart")[0].proto.spec)
    return len(json.dumps(spec, separators=(",", ":"))) / 1000


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
            # Twenty more people on the map at once: each keeps a live session open.
            sessions = [browser.new_page(viewport={"width": 1400, "height": 1000}) for _ in range(20)]
            for session in sessions:
                session.goto(base + "/")
            for session in sessions:
                session.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=300_000)
            results["RSS added by 20 concurrent sessions (MiB)"] = (
                server.memory_info().rss / 2**20 - results["server RSS after every page (MiB)"]
            )
            for session in sessions:
                session.close()

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
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    runs = {"1x": rerun_figures(args.repeat)}
    with scaled_data(args.factor):
        runs[f"{args.factor}x"] = rerun_figures(args.repeat)
    floor = blank_ms(args.repeat)
    print(f"{'blank page rerun':40s} {floor:8.1f} ms")
    for scale, figures in runs.items():
        for name, value in figures.items():
            print(
                f"{scale:>4s} {name:35s} {value:8.1f} ms {value / floor:6.1f}x  (target <= {RERUN_TARGET}x)"
            )
    print(f"{'map figure JSON':40s} {map_figure_kb():8.1f} kB  (target <= 350 kB)")
    if not args.no_browser:
        server = server_figures()
        for name, value in server.items():
            print(f"{name:40s} {value:8.1f}")
        print(f"{'server RSS after every page':40s} (target <= 300 MiB)")
        print(f"{'RSS added by 20 concurrent sessions':40s} (target <= 60 MiB)")
        blank = server["first paint, blank page (s)"]
        for name in ("first paint, map page title (s)", "first paint, map drawn (s)"):
            ratio = server[name] / blank
            print(f"{name.replace(' (s)', '') + ' / blank':40s} {ratio:8.2f}x  (target <= 1.3x)")


if __name__ == "__main__":
    main()
