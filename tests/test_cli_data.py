"""The data commands as people run them: `python -m hmhb_dash ...` in a subprocess, on a temporary store."""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest

from hmhb_dash import store
from tests.data_helpers import ROOT, make_root, row_of, set_cell, tree_hash


@pytest.fixture
def root(tmp_path):
    return make_root(tmp_path)


def run(root, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "HMHB_DATA_DIR": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "hmhb_dash", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_whole_loop_export_edit_ingest_publish_versions_restore(root, tmp_path):
    out = tmp_path / "data.xlsx"
    done = run(root, "export-workbook", out)
    assert done.returncode == 0, done.stderr
    assert "version bundled" in done.stdout and out.stat().st_size > 10_000

    unchanged = run(root, "ingest", out)
    assert unchanged.returncode == 0, unchanged.stdout
    assert "No changes" in unchanged.stdout

    book = openpyxl.load_workbook(out)
    sheet = book["stage_history"]
    set_cell(sheet, row_of(sheet, iso3="KEN", stage=2), "since", "2022-03")
    sheet.append(["KEN", 3, "2025", "Pilot in two districts (test).", "https://example.org/ken"])
    book.save(out)

    preview = run(root, "ingest", out)
    assert preview.returncode == 0
    assert "stage: KEN Kenya: Exploration -> Initial implementation since 2025" in preview.stdout
    assert "stage_history   +1 added, -0 removed, ~1 changed" in preview.stdout
    assert store.current_version(root) == store.BUNDLED  # a preview writes nothing

    published = run(root, "ingest", out, "--publish", "--by", "Ada")
    assert published.returncode == 0, published.stdout + published.stderr
    version = store.current_version(root)
    assert version != store.BUNDLED and f"Published version {version}" in published.stdout

    versions = run(root, "versions")
    assert versions.returncode == 0
    assert f"* {version}" in versions.stdout and "Ada" in versions.stdout and "bundled" in versions.stdout
    log = run(root, "versions", "--log")
    assert "publish" in log.stdout and "KEN 2->3" in log.stdout

    restored = run(root, "restore", "bundled", "--by", "Ada")
    assert restored.returncode == 0 and store.current_version(root) == store.BUNDLED
    again = run(root, "restore", version)
    assert again.returncode == 0 and store.current_version(root) == version


def test_invalid_file_exits_1_with_the_problem_and_writes_nothing(root, tmp_path):
    bad = tmp_path / "bad.xlsx"
    assert run(root, "export-workbook", bad).returncode == 0
    book = openpyxl.load_workbook(bad)
    set_cell(book["milestones"], 2, "source_url", "javascript:alert(1)")
    book.save(bad)
    before = tree_hash(root)
    done = run(root, "ingest", bad, "--publish", "--by", "Ada")
    assert done.returncode == 1
    assert "error   milestones row 2, column source_url: found 'javascript:alert(1)'" in done.stdout
    assert "Not valid: nothing was written." in done.stdout
    assert tree_hash(root) == before


def test_text_renamed_xlsx_is_rejected(root, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("iso3,name\n")
    done = run(root, "ingest", fake)
    assert done.returncode == 1 and "this file is not one" in done.stdout


def test_publish_needs_a_name(root, tmp_path):
    out = tmp_path / "data.xlsx"
    run(root, "export-workbook", out)
    done = run(root, "ingest", out, "--publish")
    assert done.returncode == 2 and "--by" in done.stderr


def test_restore_unknown_version_exits_2(root):
    done = run(root, "restore", "no-such-version")
    assert done.returncode == 2 and "no such version" in done.stderr


def test_folder_of_csvs(root, tmp_path):
    out = tmp_path / "data.xlsx"
    run(root, "export-workbook", out)
    folder = tmp_path / "csv"
    folder.mkdir()
    import csv

    book = openpyxl.load_workbook(out)
    for table in store.TABLES:
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(
                ["" if v is None else v for v in row] for row in book[table].iter_rows(values_only=True)
            )
    done = run(root, "ingest", folder)
    assert done.returncode == 0, done.stdout
    assert "No changes" in done.stdout
