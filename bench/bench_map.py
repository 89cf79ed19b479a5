"""Benchmark the map and country pages: reruns, paint and settle against a blank page, bytes, memory.

Run:  .venv/bin/python bench/bench_map.py [--repeat 30] [--loads 5] [--no-browser]
Prints figures with the targets beside them; nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
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


def map_payload_kb() -> dict[str, float]:
    """Bytes of what the map component is sent: the shapes (once) and one year's view (each rerun)."""
    at = app_on("")
    sizes = {}
    for element in at.get("bidi_component"):
        data = json.loads(element.proto.json)
        sizes[f"map component data: {data['role']}"] = len(element.proto.json) / 1000
    return sizes


SETTLED = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector("[data-testid='stSkeleton']")
        && !document.querySelector("[data-testid='stStatusWidget'] [data-testid='stStatusWidgetRunningIcon']")
        && !document.querySelector("[data-stale='true']");
}"""
MAP_DRAWN = "path[data-iso3] >> nth=199"  # Playwright's CSS reaches inside the component
# In-page tests of the same conditions, run on every animation frame (below).
MAP_DRAWN_JS = """() => {
    for (const host of document.querySelectorAll("[data-testid='stBidiComponentIsolated']")) {
        if (host.shadowRoot && host.shadowRoot.querySelectorAll("path[data-iso3]").length >= 200) return true;
    }
    return false;
}"""
BLANK_DRAWN_JS = """() => !!document.querySelector("[data-testid='stMain'] h1")"""
SETTLED_FOR_S = 1.0  # settled means: and still so this long after
# Times are taken in the page, on every animation frame, from the navigation's start: a Playwright
# wait polls at growing intervals (up to 0.5 s apart), which would time the poll, not the page.
FRAME_CLOCK = """(() => {
    const drawn = %s, settled = %s;
    const clock = (globalThis.__frameClock = { drawn: null, settledSince: null, now: 0 });
    const tick = () => {
        const now = performance.now();
        if (clock.drawn === null && drawn()) clock.drawn = now;
        if (clock.drawn !== null && settled()) {
            if (clock.settledSince === null) clock.settledSince = now;
        } else clock.settledSince = null;
        clock.now = now;
        requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})();"""


def _counting_tab(browser):
    """A tab in a fresh (cold) context, and a one-item list that counts the websocket bytes it receives."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    received = [0]
    tab.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda f: received.__setitem__(0, received[0] + len(f))),
    )
    return context, tab, received


def _load(browser, url: str, drawn_js: str) -> tuple[float, float, int]:
    """(drawn s, settled s, websocket bytes received) of one cold load in a fresh context, from the
    navigation's start: drawn is the first frame in which `drawn_js` holds, settled the first frame
    after which the page was drawn and idle (SETTLED) for SETTLED_FOR_S."""
    context, tab, received = _counting_tab(browser)
    tab.add_init_script(FRAME_CLOCK % (drawn_js, SETTLED))
    tab.goto(url)
    tab.wait_for_function(
        """(hold) => { const c = globalThis.__frameClock;
            return c && c.settledSince !== null && c.now - c.settledSince >= hold; }""",
        arg=SETTLED_FOR_S * 1000,
        timeout=120_000,
    )
    clock = tab.evaluate("globalThis.__frameClock")
    context.close()
    return clock["drawn"] / 1000, clock["settledSince"] / 1000, received[0]


def _year_change_bytes(browser, base: str) -> float:
    """Websocket bytes received when the as-of year moves by one (the slider's arrow key)."""
    context, tab, received = _counting_tab(browser)
    tab.goto(base + "/?year=2024")
    tab.wait_for_selector(MAP_DRAWN, timeout=120_000)
    tab.wait_for_function(SETTLED, timeout=120_000)
    tab.wait_for_timeout(1000)
    sizes = []
    for key in ("ArrowLeft", "ArrowRight", "ArrowLeft"):
        before = received[0]
        tab.get_by_role("slider").first.focus()
        tab.keyboard.press(key)
        tab.wait_for_timeout(400)
        tab.wait_for_function(SETTLED, timeout=120_000)
        tab.wait_for_timeout(800)
        sizes.append(received[0] - before)
    context.close()
    return statistics.median(sizes) / 1000


def server_figures(loads: int) -> dict[str, float]:
    """Paint and settle ratios to a blank page (alternating cold loads), websocket bytes, memory."""
    import psutil
    from playwright.sync_api import sync_playwright

    from tests.live_server import CHROMIUM, CHROMIUM_ARGS, running_app

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder) / "server.log") as (base, proc):
        blank_file = Path(folder) / "blank.py"
        blank_file.write_text(BLANK)
        server = psutil.Process(proc.pid)
        results["server idle RSS (MiB)"] = server.memory_info().rss / 2**20
        with (
            sync_playwright() as pw,
            running_app(Path(folder) / "blank.log", script=blank_file) as (blank, _),
        ):
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _load(browser, base + "/", MAP_DRAWN_JS)  # warm the server's caches, as for any later visitor
            _load(browser, blank + "/", BLANK_DRAWN_JS)
            home, empty = [], []
            for _ in range(loads):  # alternating, so both see the same machine
                home.append(_load(browser, base + "/", MAP_DRAWN_JS))
                empty.append(_load(browser, blank + "/", BLANK_DRAWN_JS))
            paint = statistics.median(h[0] for h in home)
            blank_paint = statistics.median(e[0] for e in empty)
            results["home map drawn (s)"] = paint
            results["blank page painted (s)"] = blank_paint
            results["home map drawn / blank"] = paint / blank_paint
            results["home settled / blank settled"] = statistics.median(
                h[1] for h in home
            ) / statistics.median(e[1] for e in empty)
            results["websocket kB to load the home page"] = statistics.median(h[2] for h in home) / 1000
            results["websocket kB for a year change"] = _year_change_bytes(browser, base)
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            for spec in PAGES:
                tab.goto(f"{base}/{spec.url_path}")
                tab.wait_for_function(SETTLED, timeout=120_000)
                tab.wait_for_timeout(1500)
            results["server RSS after every page (MiB)"] = server.memory_info().rss / 2**20
            # Twenty more people on the map at once: each keeps a live session open.
            sessions = [browser.new_page(viewport={"width": 1400, "height": 1000}) for _ in range(20)]
            for session in sessions:
                session.goto(base + "/")
            for session in sessions:
                session.wait_for_selector(MAP_DRAWN, timeout=300_000)
            results["RSS added by 20 concurrent sessions (MiB)"] = (
                server.memory_info().rss / 2**20 - results["server RSS after every page (MiB)"]
            )
            browser.close()
    return results


TARGETS = {
    "home map drawn / blank": "<= 1.3x (moonshot 1.1x)",
    "home settled / blank settled": "<= 2x (moonshot 1.5x)",
    "websocket kB to load the home page": "<= 350 kB (moonshot 150 kB)",
    "websocket kB for a year change": "<= 30 kB (moonshot 10 kB)",
    "server RSS after every page (MiB)": "<= 250 MiB (moonshot 200 MiB)",
    "RSS added by 20 concurrent sessions (MiB)": "<= 40 MiB",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--loads", type=int, default=5, help="cold loads of each page for the paint ratios")
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
    for name, value in map_payload_kb().items():
        print(f"{name:40s} {value:8.1f} kB")
    if not args.no_browser:
        for name, value in server_figures(args.loads).items():
            print(f"{name:42s} {value:8.2f}  {TARGETS.get(name, '')}")


if __name__ == "__main__":
    main()
