"""Hostile arguments and files given to the commands, incomplete versions, concurrent publishes and
sign-in attempts: each ends with a clear message and exit code, and nothing is created or lost."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

import pytest

from hmhb_dash import admin, ingest, store, workbook
from tests.conftest import run_app
from tests.data_helpers import (
    ROOT,
    SECRET,
    base_workbook,
    edit_workbook,
    make_root,
    row_of,
    set_cell,
    tree_hash,
)


@pytest.fixture
def root(tmp_path):
    return make_root(tmp_path)


def command(root, *args) -> subprocess.Popen:
    env = {**os.environ, "HMHB_DATA_DIR": str(root)}
    return subprocess.Popen(
        [sys.executable, "-m", "hmhb_dash", *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(root, *args, timeout: float = 120) -> subprocess.CompletedProcess:
    process = command(root, *args)
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


NOT_THERE = "/nonexistent/dir"
BAD_COMMANDS = [
    (["deck", "/proc/nonexistent/x.pptx"], "does not exist"),
    (["deck", f"{NOT_THERE}/x.pptx"], "does not exist"),
    (["deck", "{tmp}"], "is a folder"),
    (["deck", "{tmp}/x.pptx", "--year", "²"], "year='²' is not a year"),
    (["deck", "{tmp}/x.pptx", "--year", "9" * 5000], "is not a year"),
    (["deck", "{tmp}/x.pptx", "--since", "tomorrow"], "since='tomorrow' is not a date"),
    (["deck", "{tmp}/x.pptx", "--country", "XXX"], "No country with the code 'XXX'"),
    (["export-workbook", f"{NOT_THERE}/x.xlsx"], "does not exist"),
    (["export-workbook", "/proc/x.xlsx"], "cannot write /proc/x.xlsx"),
    (["export-workbook", "{tmp}/x.xlsx", "--version", "../../etc"], "not a version id"),
    (["ingest", "/dev/zero"], "is not a file or folder"),
    (["ingest", f"{NOT_THERE}/x.xlsx"], "is not a file or folder"),
    (["ingest", "{tmp}/x.xlsx", "--publish"], "--publish needs --by"),
    (["restore", "no-such-version"], "no such version"),
    (["restore", "../bundled"], "not a version id"),
]


@pytest.mark.parametrize(("args", "message"), BAD_COMMANDS, ids=[" ".join(a)[:40] for a, _ in BAD_COMMANDS])
def test_a_bad_argument_exits_2_with_a_message_and_creates_nothing(root, tmp_path, args, message):
    (tmp_path / "x.xlsx").write_bytes(base_workbook())
    before = tree_hash(tmp_path)
    done = run(root, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr and done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
    assert tree_hash(tmp_path) == before
    assert not os.path.exists(NOT_THERE)


def test_a_fifo_is_refused_promptly(root, tmp_path):
    fifo = tmp_path / "data.xlsx"
    os.mkfifo(fifo)
    started = time.monotonic()
    done = run(root, "ingest", fifo, timeout=30)
    assert done.returncode == 2 and "is not a file or folder" in done.stderr
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo"])
def test_reading_refuses_anything_but_a_regular_file(tmp_path, special):
    if special == "fifo":
        special = tmp_path / "x.csv"
        os.mkfifo(special)
    started = time.monotonic()
    raw = workbook.read_path(special)
    assert raw.fatal and raw.problems[0].value == "not a regular file (a device, pipe or socket)"
    assert time.monotonic() - started < 2


def test_reading_stops_at_the_limit(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (workbook.MAX_BYTES + 1))
    with pytest.raises(workbook.FileRefused, match="larger than 10.0 MB"):
        workbook.read_bounded(big)
    assert workbook.read_path(big).problems[0].value == "a file larger than 10.0 MB"


# --- Restore ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "contents", [[], ["manifest.json"], ["countries.parquet"]], ids=["empty", "manifest", "one"]
)
def test_restore_refuses_an_incomplete_version(root, contents):
    folder = root / "store" / "versions" / "20260101T000000000000Z"
    folder.mkdir(parents=True)
    for name in contents:
        (folder / name).write_text("{}")
    before = tree_hash(root)
    done = run(root, "restore", folder.name)
    assert done.returncode == 2 and "is incomplete" in done.stderr
    assert tree_hash(root) == before and store.current_version(root) == store.BUNDLED
    assert run(root, "versions").returncode == 0


# --- Concurrent publishes --------------------------------------------------------------------------
def changed_workbook(tmp_path, name: str, iso3: str, basis: str):
    def edit(book):
        sheet = book["stage_history"]
        set_cell(sheet, row_of(sheet, iso3=iso3), "basis", basis)

    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(edit_workbook(edit))
    return path


@pytest.mark.parametrize("trial", range(2))
def test_two_concurrent_publishes_never_lose_a_change(root, tmp_path, trial):
    first = changed_workbook(tmp_path, "first", "BGD", "First change.")
    second = changed_workbook(tmp_path, "second", "NGA", "Second change.")
    processes = [command(root, "ingest", path, "--publish", "--by", path.stem) for path in (first, second)]
    outcomes = [(p.wait(timeout=180), p.stdout.read(), p.stderr.read()) for p in processes]
    codes = sorted(code for code, _, _ in outcomes)
    log = store.publish_log(root)
    if codes == [0, 0]:
        # On a busy machine one may finish before the other starts: then the second was checked
        # against the first's version (its preview showed that), which is no lost update.
        assert [entry["action"] for entry in log] == ["publish", "publish"]
        assert f"(was {log[0]['version']})" in "".join(out for _, out, _ in outcomes)
        return
    assert codes == [0, 1], outcomes  # both checked against the same version: only one may publish
    refused = next(err for code, _, err in outcomes if code == 1)
    assert "nothing was written" in refused
    _, tables = store.read_tables(root)
    bases = set(tables["stage_history"]["basis"])
    winner = next(path.stem for (code, _, _), path in zip(outcomes, (first, second)) if code == 0)
    assert ("First change." in bases) == (winner == "first")
    assert ("Second change." in bases) == (winner == "second")
    assert len(log) == 1


def test_publish_against_a_stale_version_is_refused_and_writes_nothing(root):
    raw = workbook.read_files([("data.xlsx", base_workbook())])
    tables = ingest.validate(raw).tables
    store.publish(root, tables, by="first", summary="first")
    before = tree_hash(root)
    with pytest.raises(store.StaleVersionError, match="checked against version bundled"):
        store.publish(root, tables, by="second", summary="second", expected_version=store.BUNDLED)
    assert tree_hash(root) == before


# --- Sign-in ---------------------------------------------------------------------------------------
def test_one_clients_failures_never_refuse_another_clients_correct_password():
    throttle = admin.Throttle(free_failures=0, base_s=60)
    for i in range(5):
        assert not throttle.attempt("wrong", SECRET, now=i, client="attacker").ok
    assert throttle.attempt(SECRET, SECRET, now=5, client="attacker").wait_s > 0  # its own wait holds
    assert throttle.attempt(SECRET, SECRET, now=5, client="secretariat").ok


def test_failed_attempts_are_logged_with_the_client(caplog):
    throttle = admin.Throttle()
    with caplog.at_level(logging.WARNING, logger="hmhb_dash.admin"):
        throttle.attempt("wrong", SECRET, now=0, client="203.0.113.7")
        throttle.attempt(SECRET, SECRET, now=1, client="203.0.113.7")
    assert [r.getMessage() for r in caplog.records] == ["Failed admin sign-in from 203.0.113.7 (1 in a row)"]


def test_the_throttle_remembers_a_bounded_number_of_clients():
    throttle = admin.Throttle(max_clients=3)
    for i in range(10):
        throttle.attempt("wrong", SECRET, now=0, client=f"client-{i}")
    assert len(throttle._clients) == 3


@pytest.fixture
def data_page_secret(tmp_path, monkeypatch):
    from hmhb_dash.ui import data_page

    monkeypatch.setenv("HMHB_DATA_DIR", str(make_root(tmp_path)))
    monkeypatch.setenv(admin.ENV_VAR, SECRET)
    data_page._admin_throttle.clear()
    yield
    data_page._admin_throttle.clear()


def test_a_session_locked_out_by_wrong_passwords_does_not_lock_out_another(data_page_secret):
    attacker = run_app("data")
    for _ in range(6):
        attacker.text_input(key="admin_password").set_value("wrong-password")
        attacker.button[0].click().run()
    assert any("try again" in e.value or "Wait" in e.value for e in attacker.error)
    secretariat = run_app("data")
    secretariat.text_input(key="admin_password").set_value(SECRET)
    secretariat.button[0].click().run()
    assert not secretariat.exception and not secretariat.error
    assert secretariat.file_uploader, "signed in"


@pytest.mark.parametrize(("value", "length"), [("short", 5), ("1234567", 7), ("  pad  ", 3)])
def test_a_short_secret_is_explained_on_the_data_page(tmp_path, monkeypatch, value, length):
    monkeypatch.setenv("HMHB_DATA_DIR", str(make_root(tmp_path)))
    monkeypatch.setenv(admin.ENV_VAR, value)
    at = run_app("data")
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert f"has {length} characters" in warning and "at least 8" in warning and admin.ENV_VAR in warning
    assert not at.text_input, "no sign-in form without a usable secret"


def test_a_short_secret_is_explained_at_start_up(tmp_path):
    env = {**os.environ, admin.ENV_VAR: "short", "HMHB_DATA_DIR": str(make_root(tmp_path))}
    code = (
        "from streamlit.testing.v1 import AppTest;"
        f"AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60).run()"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "has 5 characters; at least 8 are needed" in done.stderr
