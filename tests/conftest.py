"""Shared fixtures: a pinned clock, AppTest runner on the real app, a live server, headless Chromium."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import TODAY
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, running_app

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")  # AppTest resolves relative paths against the test file: use absolute
LOCAL_PREFIXES = (
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "ws://localhost",
    "data:",
    "blob:",
    "about:",
)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """Every test, AppTests included, runs on the same day: hmhb_dash.clock is the code's one clock.
    (The live server of the browser tests is another process, on the real date.)"""
    from hmhb_dash import clock

    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def data_root(tmp_path, monkeypatch) -> Path:
    """HMHB_DATA_DIR pointed at a copy of the bundled snapshot (the Data page's tests publish into it)."""
    from tests.data_helpers import make_root

    data = make_root(tmp_path)
    monkeypatch.setenv("HMHB_DATA_DIR", str(data))
    return data


@pytest.fixture
def with_secret(monkeypatch):
    """The admin secret the Data page's tests sign in with (tests.data_helpers.SECRET)."""
    from hmhb_dash import admin
    from hmhb_dash.ui import data_page
    from tests.data_helpers import SECRET

    monkeypatch.setenv(admin.ENV_VAR, SECRET)
    data_page._admin_throttle.clear()  # the throttle is shared by the whole process, as in the app
    yield
    data_page._admin_throttle.clear()


def run_app(page_url_path: str = "", params: dict | None = None, timeout: float = 60) -> AppTest:
    """Run the real app (router included) on one page of the registry, with query parameters.

    The session has started, as a browser's has once its first map is on screen: the first run's
    map-only pass (base.map_first) has its own test.
    """
    from hmhb_dash.ui.base import SESSION_STARTED

    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state[SESSION_STARTED] = True
    if page_url_path:
        from hmhb_dash.registry import page

        at.run()  # st.navigation must have registered the pages before a switch
        at.switch_page(str(page(page_url_path).path.relative_to(ROOT)))
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def light_map_data(at: AppTest, role: str) -> list[dict]:
    """The data sent to the light map's two components, by role: "shapes" or "view"."""
    names = ("hmhb_light_map", "hmhb_map_shapes")
    sent = (json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name in names)
    return [data for data in sent if data.get("role") == role]


def view_links(at: AppTest) -> list[str]:
    """The 'link to this view' URLs a page shows."""
    elements = at.get("bidi_component")
    sent = (json.loads(e.proto.json) for e in elements if e.proto.component_name == "hmhb_parts")
    return [data["url"] for data in sent if data.get("role") == "link"]


def map_stages(at: AppTest, index: int = 0) -> dict[str, int]:
    """Stage per country that the index-th map on the page shows (worked out as the browser does)."""
    shapes, view = light_map_data(at, "shapes")[index], light_map_data(at, "view")[index]
    included = view["include"] if view["include"] is not None else [iso3 for iso3, _ in shapes["c"]]
    stages = {}
    for iso3 in included:
        entry = shapes["t"].get(iso3)
        mark = int(entry["years"][view["year"] - shapes["first"]]) if entry else 0
        stages[iso3] = entry["periods"][mark - 1][0] if mark else 0
    return stages


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port; yields its base URL."""
    with running_app(tmp_path_factory.mktemp("server") / "streamlit.log") as (base, _):
        yield base


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Debian's Chromium under Playwright. A missing browser fails the run: it never skips."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install -y chromium) "
            "or set HMHB_CHROMIUM",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


class OfflinePage:
    """A browser tab where every request that is not to the local server is blocked and recorded."""

    def __init__(self, context, base: str):
        self.base = base
        self.external: list[str] = []
        self.page = context.new_page()
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base + path)
        self.wait_idle()

    def wait_idle(self, timeout_ms: int = 60_000) -> None:
        """Wait until the script run is over (Playwright's sync API must be pumping to route)."""
        self.page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms
        )
        self.page.wait_for_timeout(500)
        self.page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms
        )

    def exceptions(self) -> int:
        return self.page.locator("[data-testid='stException']").count()


@pytest.fixture
def offline_page(browser, app_server) -> Iterator[OfflinePage]:
    tab = OfflinePage(browser, app_server)
    yield tab
    tab.page.close()


@pytest.fixture(scope="session")
def shapes(bundled):
    """The map's projected country shapes, as the app reads them."""
    from hmhb_dash import store, svgmap

    return svgmap.load_shapes(store.map_shapes_path())


@pytest.fixture(scope="session")
def bundled():
    """The bundled tables, their version and the boundaries, read once."""
    from hmhb_dash import geo, store

    version, tables = store.read_tables(store.data_dir())
    return version, tables, geo.load_boundaries(store.boundaries_path())


@pytest.fixture(scope="session")
def built_site(bundled, shapes, tmp_path_factory):
    """The static site of the bundled data, built once: (files by path, the folder it was written to)."""
    from hmhb_dash import site

    version, tables, _ = bundled
    files = site.build_site(site.SiteInput(tables, version, shapes))
    out = tmp_path_factory.mktemp("site") / "site"
    site.write_site(files, out)
    return files, out


@pytest.fixture(scope="session")
def built_site_every_language(bundled, shapes, tmp_path_factory):
    """The static site in every language (--lang all: English at the top, fr/ and pt/), built once."""
    from hmhb_dash import site

    version, tables, _ = bundled
    files = site.build_site(site.SiteInput(tables, version, shapes, None, site.ALL))
    out = tmp_path_factory.mktemp("site-all") / "site"
    site.write_site(files, out)
    return files, out
