"""The static site: the tracker as plain files for any web server, a USB stick or an <iframe>.

`python -m hmhb_dash site OUT_DIR [--year YYYY] [--lang en|fr|pt|all]` writes it; the app's Export menu offers
it as a zip in the app's language and the Data page can rebuild it into a configured folder after each
publish (`HMHB_SITE_DIR`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from hmhb_dash.site.build import (
    ALL,
    DATASET_FILE,
    LANGUAGES,
    SiteInput,
    UnknownLanguageError,
    build_site,
    deterministic_zip,
    http_url,
    script_json,
    site_date,
    site_languages,
    site_zip,
    translator,
    year_bounds,
)

__all__ = [
    "ALL",
    "DATASET_FILE",
    "LANGUAGES",
    "MANIFEST",
    "NotASiteFolderError",
    "SiteInput",
    "UnknownLanguageError",
    "build_site",
    "configured_site_dir",
    "deterministic_zip",
    "http_url",
    "publish_site",
    "register",
    "script_json",
    "site_date",
    "site_languages",
    "site_years",
    "site_zip",
    "translator",
    "write_site",
    "year_bounds",
]

ENV_VAR = "HMHB_SITE_DIR"
SECRETS_KEY = "site_dir"
# Lists what the last build wrote, so a rebuild removes only its own stale files.
MANIFEST = ".hmhb-site.json"


class NotASiteFolderError(ValueError):
    """A folder that holds other files than a previous build of the site: never written into."""


def configured_site_dir(
    secrets: Mapping | None = None, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The folder the Data page rebuilds the site into: secrets `site_dir`, else `HMHB_SITE_DIR`."""
    environ = os.environ if environ is None else environ
    candidates = []
    if secrets is not None:
        with contextlib.suppress(Exception):  # st.secrets raises when there is no secrets.toml
            candidates.append(secrets.get(SECRETS_KEY))
    candidates.append(environ.get(ENV_VAR))
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return Path(value.strip()).expanduser()
    return None


def _previous_files(out: Path) -> list[str]:
    manifest = out / MANIFEST
    if not out.exists():
        return []
    if not out.is_dir():
        raise NotASiteFolderError(f"{out} is a file, not a folder")
    if manifest.is_file():
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
        except (OSError, ValueError, AttributeError):
            listed = []
        return [f for f in listed if isinstance(f, str)]
    if any(out.iterdir()):
        raise NotASiteFolderError(
            f"{out} is not empty and holds no previous build of the site: choose an empty or new folder"
        )
    return []


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return  # unchanged: keep the file (and its date) as it is
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_emptied(folder: Path, root: Path) -> None:
    """Remove `folder` and its parents up to `root` while they are empty (a language no longer built)."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty: someone's files, or this build's
        folder = folder.parent


def write_site(files: dict[str, bytes], out: Path) -> None:
    """Write the site into `out`: each file replaced atomically (a reader never sees half a file),
    then files of the previous build that this one no longer has are removed."""
    out = Path(out)
    previous = _previous_files(out)
    for name in sorted(files):
        _write_atomic(out / name, files[name])
    root = out.resolve()
    for name in sorted(set(previous) - set(files)):
        stale = (out / name).resolve()
        # Only files inside the folder: a tampered manifest cannot delete anything else.
        if stale.is_relative_to(root) and stale.is_file():
            stale.unlink()
            _remove_emptied(stale.parent, root)
    _write_atomic(out / MANIFEST, json.dumps({"files": sorted(files)}, indent=1).encode() + b"\n")


def site_years(tables, version: str) -> tuple[int, int]:
    """The first and last year the site of this data version shows."""
    return year_bounds(tables, site_date(version, tables))


def publish_site(root: Path, out: Path, shapes, version: str | None = None, lang: str = "en") -> dict:
    """Build the site of a data version (the current one by default) and write it into `out`."""
    from hmhb_dash import store

    version, tables = store.read_tables(root, version)
    files = build_site(SiteInput(tables, version, shapes, None, lang))
    write_site(files, out)
    return {"version": version, "files": len(files), "bytes": sum(len(b) for b in files.values())}


# --- Command line ------------------------------------------------------------------------------
def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "out", type=Path, help="folder to write the site into (new, empty, or a previous build)"
    )
    parser.add_argument("--year", help="the year the map and table open on (default: the latest)")
    parser.add_argument(
        "--lang",
        default="en",
        help=f"language of the site: {', '.join(LANGUAGES)}, or {ALL} (English in OUT_DIR, the others in "
        "OUT_DIR/fr/ and OUT_DIR/pt/, with links between them)",
    )


def _run(args: argparse.Namespace) -> int:
    from hmhb_dash import safe_text, store, svgmap

    try:
        site_languages(args.lang)
    except UnknownLanguageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    version, tables = store.read_tables(store.data_dir())
    first, last = site_years(tables, version)
    year = None
    if args.year is not None:
        year = safe_text.parse_int(args.year, first, last)
        if year is None:
            print(f"error: --year {safe_text.shorten(args.year)!r} is not a year from {first} to {last}",
                  file=sys.stderr)  # fmt: skip
            return 2
    shapes = svgmap.load_shapes(store.map_shapes_path())
    files = build_site(SiteInput(tables, version, shapes, year, args.lang))
    try:
        write_site(files, args.out)
    except (NotASiteFolderError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = sum(len(b) for b in files.values())
    print(
        f"wrote {len(files)} files ({size / 1e6:.2f} MB) to {args.out}, data version {version}: "
        f"open {args.out / 'index.html'}, or serve the folder: python -m http.server -d {args.out}"
    )
    return 0


def register(commands: dict) -> None:
    commands["site"] = (
        "Write the static site (map, country pages, evidence, downloads, embed) into a folder.",
        (_add_arguments, _run),
    )
