"""Shared benchmark helpers: time AppTest reruns against a blank page, and run on scaled-up data."""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit.testing.v1.app_test as app_test  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from hmhb_dash import store, synthetic  # noqa: E402
from hmhb_dash.registry import page  # noqa: E402

APP = str(ROOT / "app.py")
BLANK = 'import streamlit as st\nst.title("Blank")\nst.write("A blank page.")\n'
RERUN_TARGET = 15  # a rerun of any page at most this many times a blank page's rerun


# Reruns as a server runs them. On every run AppTest makes a new script cache (so each run compiles
# every script again) and looks for a pages/ folder afresh (so each run goes through Streamlit's
# old pages/ router, and a page runs app.py's router a second time). A server compiles a script
# once, and its first st.navigation call turns the old router off for good.
_SCRIPT_CACHE = ScriptCache()


def _server_like_pages_manager(*args, **kwargs) -> PagesManager:
    manager = PagesManager(*args, **kwargs)
    PagesManager.uses_pages_directory = False
    return manager


app_test.ScriptCache = lambda: _SCRIPT_CACHE
app_test.PagesManager = _server_like_pages_manager


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def app_on(url_path: str, params: dict | None = None) -> AppTest:
    """The real app, run once on a page of the registry with query parameters."""
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
    """The floor: median rerun of a page with a title and a line of text."""
    with tempfile.TemporaryDirectory() as folder:
        blank_file = Path(folder) / "blank.py"
        blank_file.write_text(BLANK)
        blank = AppTest.from_file(str(blank_file))
        blank.run()
        return median_ms(blank.run, repeat)


@contextlib.contextmanager
def scaled_data(factor: int) -> Iterator[dict]:
    """Point HMHB_DATA_DIR at the bundled data scaled `factor` times (seeded); yields the tables."""
    with tempfile.TemporaryDirectory() as folder:
        _, tables = store.read_tables(store.PROJECT_DATA_DIR)
        scaled = synthetic.scale_tables(tables, factor=factor)
        store.write_tables(scaled, Path(folder) / store.BUNDLED)
        os.environ["HMHB_DATA_DIR"] = folder
        try:
            yield scaled
        finally:
            os.environ.pop("HMHB_DATA_DIR", None)
