"""Data stewardship from the command line: export-workbook, ingest (validate, diff, publish), versions,
restore. The store is `HMHB_DATA_DIR` (default: the project's bundled data)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from hmhb_dash import ingest, store, workbook
from hmhb_dash.cli import UsageError, check_output, write_output


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="the .xlsx file to write")
    parser.add_argument("--version", help="a version id (default: the current one; see `versions`)")


def _export(args: argparse.Namespace) -> int:
    root = store.data_dir()
    check_output(args.out)
    try:
        version, tables = store.read_tables(root, args.version)
    except store.UnknownVersionError as exc:
        raise UsageError(f"{exc} (see `python -m hmhb_dash versions`)") from None
    write_output(args.out, workbook.export_workbook(tables, version))
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in tables.items())
    print(f"wrote {args.out} (version {version}: {counts})")
    return 0


def _ingest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path, help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    parser.add_argument("--publish", action="store_true", help="publish it as a new version if it is valid")
    parser.add_argument("--by", help="who publishes (required with --publish)")


def print_report(report: ingest.Report, limit: int = 200) -> None:
    lines = report.lines()
    for line in lines[:limit]:
        print(line)
    if len(lines) > limit:
        print(f"... and {len(lines) - limit} more")
    print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")


def print_diff(change: ingest.Diff, limit: int = 50) -> None:
    if change.empty:
        print("No changes: the file matches the current data.")
        return
    print("Changes:")
    for row in change.counts().itertuples(index=False):
        print(f"  {row.table:15s} +{row.added} added, -{row.removed} removed, ~{row.changed} changed")
    for row in change.stage_changes.itertuples(index=False):
        since = f" since {row.since}" if row.since else ""
        print(f"  stage: {row.iso3} {row.name}: {row.from_label} -> {row.to_label}{since}")
    details = change.changes(limit)
    for row in details.head(limit).itertuples(index=False):
        print(f"  {row.table}: {row.change} {row.row}" + (f" ({row.detail})" if row.detail else ""))
    if len(details) > limit:
        print(f"  ... and {len(details) - limit} more rows")


def _ingest(args: argparse.Namespace) -> int:
    if args.publish and not (args.by or "").strip():
        raise UsageError("--publish needs --by NAME (who publishes, for the log)")
    if not (args.source.is_file() or args.source.is_dir()):
        # Devices and pipes are refused too: reading /dev/zero or a FIFO would never end.
        raise UsageError(f"{args.source} is not a file or folder (devices and pipes are not read)")
    root = store.data_dir()
    result = ingest.validate(workbook.read_path(args.source))
    print_report(result.report)
    if result.tables is None:
        print("Not valid: nothing was written.")
        return 1
    version, current = store.read_tables(root)
    change = ingest.diff(current, result.tables)
    print_diff(change)
    if not args.publish:
        print("Valid. Run again with --publish --by NAME to publish it.")
        return 0
    if change.empty:
        print("Nothing to publish.")
        return 0
    try:
        new = store.publish(
            root,
            result.tables,
            by=args.by.strip(),
            summary=change.summary(),
            source_sha256=result.sha256,
            expected_version=version,  # the version the changes above were computed against
        )
    except (store.StoreBusyError, store.StaleVersionError) as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    print(f"Published version {new} (was {version}).")
    return 0


def _versions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log", action="store_true", help="show the publish log instead")


def _versions(args: argparse.Namespace) -> int:
    root = store.data_dir()
    if args.log:
        for entry in store.publish_log(root):
            print(
                f"{entry['at']}  {entry['action']:8s} {entry['version']}  by {entry['by']}  "
                f"sha256 {entry.get('source_sha256') or '-'}  {entry['summary']}"
            )
        return 0
    for info in store.list_versions(root):
        mark = "*" if info.is_current else " "
        print(f"{mark} {info.id:24s} {info.created[:19]:19s}  {info.by:20s}  {info.summary}")
    print("(* = current)")
    return 0


def _restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("version", help="a version id from `versions` (or 'bundled')")
    parser.add_argument("--by", help="who restores (default: the login name)")


def _restore(args: argparse.Namespace) -> int:
    root = store.data_dir()
    try:
        store.restore(root, args.version, by=args.by or getpass.getuser())
    except store.UnknownVersionError as exc:
        raise UsageError(f"{exc} (see `python -m hmhb_dash versions`)") from None
    except store.StoreBusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Version {args.version} is current again.")
    return 0


def register(commands: dict) -> None:
    commands["export-workbook"] = (
        "Write the current data as an Excel workbook to edit.",
        (_export_arguments, _export),
    )
    commands["ingest"] = (
        "Validate a workbook or CSVs and show what would change; exit 1 if not valid. --publish to publish.",
        (_ingest_arguments, _ingest),
    )
    commands["versions"] = (
        "List published versions (or the publish log with --log).",
        (_versions_arguments, _versions),
    )
    commands["restore"] = ("Make an earlier version current again.", (_restore_arguments, _restore))
