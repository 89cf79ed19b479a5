"""Shared fixtures: AppTest runner on the real app, a live `streamlit run` server, headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")  # AppTest resolves relative paths against the test file: use absolute
CHROMIUM = os.environ.get("HMHB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_PREFIXES = (
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "ws://localhost",
    "data:",
    "blob:",
    "about:",
)


def run_app(page_url_path: str = "", params: dict | None = None, timeout: float = 60) -> AppTest:
    """Run the real app (router included) on one page of the registry, with query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if page_url_path:
        from hmhb_dash.registry import page

        at.run()  # st.navigation must have registered the pages before a switch
        at.switch_page(str(page(page_url_path).path.relative_to(ROOT)))
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                APP,
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


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
