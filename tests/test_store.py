"""Publishing under faults: a publish killed between writing and switching, two publishers at once, a
restore after a bad publish, and readers that only ever see whole versions."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time

import pandas as pd
import pytest

from hmhb_dash import ingest, store
from tests.data_helpers import ROOT, make_root, tree_hash


@pytest.fixture
def root(tmp_path):
    return make_root(tmp_path)


def edited(tables: dict[str, pd.DataFrame], marker: str) -> dict[str, pd.DataFrame]:
    """The tables with every stage basis set to `marker` (so a reader can tell versions apart)."""
    out = dict(tables)
    out["stage_history"] = tables["stage_history"].assign(basis=marker).astype({"basis": "str"})
    return out


def markers(tables: dict[str, pd.DataFrame]) -> set[str]:
    return set(tables["stage_history"]["basis"])


def test_publish_then_read_back(root):
    _, tables = store.read_tables(root)
    version = store.publish(root, edited(tables, "v1"), by="A", summary="first", source_sha256="ab" * 32)
    current, again = store.read_tables(root)
    assert current == version and markers(again) == {"v1"}
    entry = store.publish_log(root)[-1]
    assert entry["action"] == "publish" and entry["by"] == "A" and entry["source_sha256"] == "ab" * 32


def test_failure_between_writing_and_switching_leaves_the_old_version(root, monkeypatch):
    _, tables = store.read_tables(root)
    before = store.current_version(root)

    def crash(*args):
        raise OSError("disk gone")

    monkeypatch.setattr(store, "_switch_current", crash)
    with pytest.raises(OSError):
        store.publish(root, edited(tables, "lost"), by="A", summary="x")
    monkeypatch.undo()
    assert store.current_version(root) == before
    assert markers(store.read_tables(root)[1]) == markers(tables)
    # The lock was released: the next publish works at once.
    store.publish(root, edited(tables, "next"), by="B", summary="y")
    assert markers(store.read_tables(root)[1]) == {"next"}


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {project!r})
    from hmhb_dash import store
    root = Path({root!r})
    _, tables = store.read_tables(root)
    tables["stage_history"] = tables["stage_history"].assign(basis="killed").astype({{"basis": "str"}})
    point = {point!r}
    if point == "switch":
        store._switch_current = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
    else:
        original = store.write_table
        calls = []
        def write_then_die(frame, path):
            calls.append(path)
            if len(calls) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            original(frame, path)
        store.write_table = write_then_die
    store.publish(root, tables, by="doomed", summary="never")
    """
)


@pytest.mark.parametrize("point", ["switch", "write"])
def test_publish_killed_midway_loses_nothing(root, point):
    """SIGKILL (no cleanup, no finally) while writing, or between writing and switching."""
    store.publish(root, edited(store.read_tables(root)[1], "good"), by="A", summary="good")
    good = store.current_version(root)
    script = KILL_SCRIPT.format(project=str(ROOT), root=str(root), point=point)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert store.current_version(root) == good
    assert markers(store.read_tables(root)[1]) == {"good"}
    assert [v.id for v in store.list_versions(root) if v.is_current] == [good]
    # The killed process held the lock; the kernel released it, so publishing works straight away.
    store.publish(root, edited(store.read_tables(root)[1], "after"), by="B", summary="after")
    assert markers(store.read_tables(root)[1]) == {"after"}


def test_two_publishes_at_once_the_second_is_told(root, monkeypatch):
    _, tables = store.read_tables(root)
    inside, release = threading.Event(), threading.Event()
    original = store.write_tables

    def slow_write(*args):
        inside.set()
        assert release.wait(30)
        original(*args)

    monkeypatch.setattr(store, "write_tables", slow_write)
    first_result: list = []
    first = threading.Thread(
        target=lambda: first_result.append(store.publish(root, edited(tables, "first"), by="A", summary="1"))
    )
    first.start()
    assert inside.wait(30)
    monkeypatch.setattr(store, "write_tables", original)
    before = tree_hash(root)
    with pytest.raises(store.StoreBusyError):
        store.publish(root, edited(tables, "second"), by="B", summary="2")
    with pytest.raises(store.StoreBusyError):
        store.restore(root, store.BUNDLED, by="B")
    assert tree_hash(root) == before  # the refused publisher wrote nothing
    release.set()
    first.join(30)
    assert first_result and markers(store.read_tables(root)[1]) == {"first"}
    assert [e["by"] for e in store.publish_log(root)] == ["A"]


def test_lock_is_held_across_processes(root, tmp_path):
    go = tmp_path / "go"
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from hmhb_dash import store
        root = Path({str(root)!r})
        original = store._switch_current
        def wait_then_switch(*a):
            Path({str(tmp_path / "inside")!r}).touch()
            while not Path({str(go)!r}).exists():
                time.sleep(0.05)
            original(*a)
        store._switch_current = wait_then_switch
        _, tables = store.read_tables(root)
        store.publish(root, tables, by="other process", summary="x")
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "inside").exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        with pytest.raises(store.StoreBusyError):
            store.publish(root, store.read_tables(root)[1], by="me", summary="y")
    finally:
        go.touch()
        proc.wait(60)
    assert proc.returncode == 0
    assert store.publish_log(root)[-1]["by"] == "other process"


def test_restore_after_a_bad_publish(root):
    _, tables = store.read_tables(root)
    good = store.publish(
        root, edited(tables, "good"), by="A", summary="good", now=pd.Timestamp("2026-01-01", tz="UTC")
    )
    bad_tables = dict(tables)
    bad_tables["stage_history"] = tables["stage_history"].iloc[:3]
    bad = store.publish(root, bad_tables, by="A", summary="oops", now=pd.Timestamp("2026-01-02", tz="UTC"))
    assert len(store.read_tables(root)[1]["stage_history"]) == 3
    store.restore(root, good, by="B")
    version, now = store.read_tables(root)
    assert version == good and markers(now) == {"good"}
    assert [v.id for v in store.list_versions(root)] == [bad, good, store.BUNDLED]  # nothing is deleted
    assert [e["action"] for e in store.publish_log(root)] == ["publish", "publish", "restore"]
    store.restore(root, store.BUNDLED, by="B")
    assert store.current_version(root) == store.BUNDLED
    with pytest.raises(store.UnknownVersionError):
        store.restore(root, "../../etc", by="B")
    with pytest.raises(store.UnknownVersionError):
        store.restore(root, "20990101T000000000000Z", by="B")


def _version_of(n: int, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = edited(tables, f"v{n}")
    out["organisations"] = (
        tables["organisations"].assign(relationship=f"v{n}").astype({"relationship": "str"})
    )
    return out


def test_readers_never_see_a_mix(root):
    """Readers running during many publishes always get every table from one version."""
    _, tables = store.read_tables(root)
    store.publish(root, _version_of(0, tables), by="A", summary="0")
    stop = threading.Event()
    seen: list[tuple[set[str], set[str]]] = []

    def reader():
        while not stop.is_set():
            _, got = store.read_tables(root)
            seen.append((markers(got), set(got["organisations"]["relationship"])))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(1, 9):
            store.publish(root, _version_of(n, tables), by="A", summary=str(n))
    finally:
        stop.set()
        thread.join(30)
    assert seen
    for stages, organisations in seen:
        assert len(stages) == 1 and stages == organisations


def test_version_ids_reject_path_tricks(root):
    for bad in ("", ".", "..", "../bundled", "a/b", ".staging-x"):
        with pytest.raises(store.UnknownVersionError):
            store.version_dir(root, bad)


def test_diff_summary_goes_into_the_log(root):
    _, tables = store.read_tables(root)
    new = dict(tables)
    new["stage_history"] = tables["stage_history"][tables["stage_history"]["iso3"] != "IDN"]
    change = ingest.diff(tables, new)
    store.publish(root, new, by="A", summary=change.summary())
    assert "IDN 4->0" in store.publish_log(root)[-1]["summary"]
