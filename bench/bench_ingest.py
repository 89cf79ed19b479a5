"""Benchmark the data workflow on a 10,000-row workbook: export, read, validate, diff, publish.

Run:  .venv/bin/python bench/bench_ingest.py [--rows 10000] [--repeat 3]
Prints figures (median of the repeats); the target is validate + publish < 5 s.
Works on a temporary copy of the store; nothing under data/ is written.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hmhb_dash import ingest, store, synthetic, workbook  # noqa: E402


def timed(action):
    start = time.perf_counter()
    value = action()
    return value, time.perf_counter() - start


def one_run(data: bytes, bundled: dict) -> dict[str, float]:
    """Read, validate, diff and publish the workbook into a fresh temporary store."""
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(store.PROJECT_DATA_DIR / store.BUNDLED, root / store.BUNDLED)
        clock = time.perf_counter()
        raw = workbook.read_files([("bench.xlsx", data)])
        seconds["read"] = time.perf_counter() - clock
        clock = time.perf_counter()
        result = ingest.validate(raw)
        seconds["validate"] = time.perf_counter() - clock
        assert result.tables is not None, result.report.lines()[:5]
        clock = time.perf_counter()
        change = ingest.diff(bundled, result.tables)
        seconds["diff"] = time.perf_counter() - clock
        clock = time.perf_counter()
        store.publish(root, result.tables, by="bench", summary=change.summary(), source_sha256=raw.sha256)
        seconds["publish"] = time.perf_counter() - clock
    seconds["total"] = sum(seconds.values())
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="data rows in the workbook, about")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    version, bundled = store.read_tables(store.PROJECT_DATA_DIR, store.BUNDLED)
    per_factor = sum(len(bundled[t]) for t in ("evidence", "milestones", "activities"))
    fixed = sum(len(bundled[t]) for t in ("countries", "stage_history", "organisations"))
    factor = max(1, math.ceil((args.rows - fixed) / per_factor))
    tables = synthetic.scale_tables(bundled, factor=factor)
    rows = sum(len(frame) for frame in tables.values())
    data, export_s = timed(lambda: workbook.export_workbook(tables, version))
    print(
        f"workbook: {rows} data rows in 6 sheets, {len(data) / 1024 / 1024:.1f} MB; export {export_s:.2f} s"
    )

    runs = [one_run(data, bundled) for _ in range(args.repeat)]
    for name in runs[0]:
        values = [run[name] for run in runs]
        print(f"{name:9s} {statistics.median(values):6.2f} s  (median of {len(values)})")
    total = statistics.median(run["total"] for run in runs)
    verdict = "met" if total < 5 else "NOT met"
    print(f"read + validate + diff + publish: {total:.2f} s; target < 5 s: {verdict}")


if __name__ == "__main__":
    main()
