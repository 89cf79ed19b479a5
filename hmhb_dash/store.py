"""The versioned Parquet store: read tables, publish a new version atomically, list and restore versions.

Layout under the data directory (``HMHB_DATA_DIR``, default the project's ``data/``)::

    bundled/<table>.parquet        the public-record snapshot built by scripts/build_data.py (in git)
    store/versions/<id>/...        every published version, never modified after it is written
    store/CURRENT                  the id of the version readers see; absent means "bundled"
    store/publish.log.jsonl        who published or restored what, when
    store/.lock                    held while publishing, so two publishers cannot interleave

A reader resolves CURRENT once and reads a complete, immutable directory, so it sees the old or the
new version, never a mix; a publisher writes the whole new directory first and switches CURRENT last
with an atomic rename.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hmhb_dash import schema
from hmhb_dash.schema import TABLES, empty_table

BUNDLED = "bundled"
PROJECT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class StoreBusyError(RuntimeError):
    """Another publish holds the lock."""


class UnknownVersionError(ValueError):
    """A version id that the store does not have (or has only part of)."""


class StaleVersionError(RuntimeError):
    """The current version is no longer the one a change was checked against."""

    def __init__(self, expected: str, current: str):
        super().__init__(
            f"the data changed while this was being checked: it was checked against version {expected}, "
            f"and {current} is current now; check the file again"
        )
        self.expected, self.current = expected, current


@dataclass(frozen=True)
class VersionInfo:
    id: str
    created: str
    by: str
    summary: str
    is_current: bool


def data_dir() -> Path:
    """The data directory: ``HMHB_DATA_DIR`` if set, else the project's bundled ``data/``."""
    return Path(os.environ.get("HMHB_DATA_DIR") or PROJECT_DATA_DIR)


def boundaries_path(root: Path | None = None) -> Path:
    # Boundaries are not versioned data: they ship with the project, whatever the data directory.
    return PROJECT_DATA_DIR / "boundaries.parquet" if root is None else root / "boundaries.parquet"


def map_shapes_path() -> Path:
    """The world map's projected shapes, built from the boundaries by scripts/build_map_shapes.py."""
    return PROJECT_DATA_DIR / "map_shapes.json"


def _store(root: Path) -> Path:
    return root / "store"


def current_version(root: Path) -> str:
    pointer = _store(root) / "CURRENT"
    if pointer.exists():
        return pointer.read_text(encoding="utf-8").strip() or BUNDLED
    return BUNDLED


def version_dir(root: Path, version: str) -> Path:
    if version == BUNDLED:
        return root / BUNDLED
    if not version or "/" in version or version.startswith("."):
        raise UnknownVersionError(f"not a version id: {version!r}")
    path = _store(root) / "versions" / version
    if not path.is_dir():
        raise UnknownVersionError(f"no such version: {version!r}")
    return path


def _check_complete(folder: Path, version: str) -> None:
    """A version can be made current only if it holds its manifest (bundled has none) and every table."""
    needed = [f"{name}.parquet" for name in TABLES] + ([] if version == BUNDLED else ["manifest.json"])
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise UnknownVersionError(f"version {version!r} is incomplete (missing {', '.join(missing)})")


def read_tables(root: Path, version: str | None = None) -> tuple[str, dict[str, pd.DataFrame]]:
    """All tables of one version (the current one by default), with the version id."""
    version = version or current_version(root)
    folder = version_dir(root, version)
    return version, {name: _read_table(folder, name) for name in TABLES}


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    # A version published before a table existed has no file for it: that table is empty there.
    path = folder / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else empty_table(name)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write one table as Parquet with a stable layout, so equal data gives identical bytes."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, path, compression="zstd", write_statistics=False)


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        schema.SCHEMAS[name].validate(tables[name])
        write_table(tables[name], folder / f"{name}.parquet")


class _Lock:
    """An exclusive, non-blocking lock on a lock file (flock).

    The kernel releases it when the holder exits, however it exits, so a publish killed halfway never
    leaves the store locked. The file itself stays; removing it would let two holders lock two inodes.
    """

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> _Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreBusyError("another publish is in progress; try again in a minute") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _switch_current(root: Path, version: str) -> None:
    store = _store(root)
    fd, tmp = tempfile.mkstemp(dir=store, prefix=".CURRENT.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(version)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, store / "CURRENT")


def _log(root: Path, entry: dict) -> None:
    with open(_store(root) / "publish.log.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")


def _new_version_id(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def publish(
    root: Path,
    tables: dict[str, pd.DataFrame],
    by: str,
    summary: str,
    source_sha256: str = "",
    now: dt.datetime | None = None,
    expected_version: str | None = None,
) -> str:
    """Write `tables` as a new version and make it current; returns the new version id.

    With `expected_version` (the version the change was checked against) this is a compare-and-swap:
    if another publish or restore got in first, StaleVersionError and nothing is written, so a change
    computed against old data can never silently revert a newer one.
    """
    now = now or dt.datetime.now(dt.UTC)
    store = _store(root)
    with _Lock(store / ".lock"):
        current = current_version(root)
        if expected_version is not None and current != expected_version:
            raise StaleVersionError(expected_version, current)
        version = _new_version_id(now)
        staging = Path(tempfile.mkdtemp(dir=store, prefix=".staging-"))
        try:
            write_tables(tables, staging)
            (staging / "manifest.json").write_text(
                json.dumps(
                    {
                        "id": version,
                        "created": now.isoformat(),
                        "by": by,
                        "summary": summary,
                        "source_sha256": source_sha256,
                    },
                    indent=2,
                ),
                encoding="utf-8",
            )
            (store / "versions").mkdir(exist_ok=True)
            os.replace(staging, store / "versions" / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _switch_current(root, version)
        _log(
            root,
            {
                "action": "publish",
                "version": version,
                "at": now.isoformat(),
                "by": by,
                "summary": summary,
                "source_sha256": source_sha256,
            },
        )
    return version


def restore(root: Path, version: str, by: str, now: dt.datetime | None = None) -> None:
    """Make an existing, complete version current again (the bundled snapshot included)."""
    _check_complete(version_dir(root, version), version)  # raises UnknownVersionError
    now = now or dt.datetime.now(dt.UTC)
    store = _store(root)
    store.mkdir(parents=True, exist_ok=True)
    with _Lock(store / ".lock"):
        _switch_current(root, version)
        _log(
            root,
            {
                "action": "restore",
                "version": version,
                "at": now.isoformat(),
                "by": by,
                "summary": f"restored {version}",
                "source_sha256": "",
            },
        )


def list_versions(root: Path) -> list[VersionInfo]:
    """Every version, newest first, the bundled snapshot last."""
    current = current_version(root)
    infos = []
    versions = _store(root) / "versions"
    if versions.is_dir():
        for folder in sorted(versions.iterdir(), reverse=True):
            manifest = folder / "manifest.json"
            if not manifest.exists():
                continue
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            infos.append(
                VersionInfo(
                    folder.name,
                    meta.get("created", ""),
                    meta.get("by", ""),
                    meta.get("summary", ""),
                    folder.name == current,
                )
            )
    infos.append(
        VersionInfo(
            BUNDLED,
            "",
            "scripts/build_data.py",
            "public-record snapshot shipped with the project",
            current == BUNDLED,
        )
    )
    return infos


def publish_log(root: Path) -> list[dict]:
    path = _store(root) / "publish.log.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
