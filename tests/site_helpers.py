"""Helpers for the static-site tests: a hostile fixture store, strict HTML parsing, internal links."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib

from hmhb_dash import schema, store
from tests import fixtures

# Fixture codes moved onto real countries, so the hostile names are drawn on the map too.
REAL_CODES = {"AAA": "BGD", "BBB": "NGA", "CCC": "NER", "DDD": "VNM", "EEE": "FRA"}
HOSTILE_NAME = "Bangla</script><script>alert('name')</script>desh"
HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_URL = "javascript:alert(2)"


def hostile_tables() -> dict:
    """The unit-test fixtures with script in names and titles and javascript: links (as a tampered
    store could hold: they bypass the schema checks a workbook upload would apply)."""
    tables = {
        "countries": fixtures.countries(),
        "stage_history": fixtures.stage_history(),
        "milestones": fixtures.milestones(),
        "organisations": fixtures.organisations(),
        "activities": fixtures.activities(),
        "evidence": fixtures.evidence(),
        "indicators": schema.empty_table("indicators"),
        "hmhb_labels": schema.empty_table("hmhb_labels"),
    }
    for name, frame in tables.items():
        frame = frame.copy()
        for column in ("iso3", "hq_iso3"):
            if column in frame:
                frame[column] = frame[column].replace(REAL_CODES)
        if "countries" in frame and name == "evidence":
            frame["countries"] = frame["countries"].map(
                lambda v: ";".join(REAL_CODES.get(c, c) for c in v.split(";")) if isinstance(v, str) else v
            )
        tables[name] = frame
    countries = tables["countries"]
    countries.loc[countries["iso3"] == "BGD", "name"] = HOSTILE_NAME
    evidence = tables["evidence"]
    evidence.loc[0, "title"] = HOSTILE_TITLE
    evidence.loc[2, ["url", "doi"]] = [HOSTILE_URL, None]
    tables["milestones"].loc[0, "source_url"] = HOSTILE_URL
    tables["milestones"].loc[0, "quote"] = '"><svg onload=alert(3)>'
    tables["organisations"].loc[0, "website"] = "JavaScript:alert(4)"
    tables["stage_history"].loc[0, "basis"] = "<b>bold</b> & \u2028 line"
    tables["stage_history"].loc[1, "source_url"] = " javascript:alert(5)"
    return tables


def write_store(tables: dict, root: Path) -> Path:
    """A data directory whose bundled snapshot is `tables`, written table by table (no validation)."""
    folder = root / store.BUNDLED
    folder.mkdir(parents=True)
    for name, frame in tables.items():
        store.write_table(frame, folder / f"{name}.parquet")
    return root


def parse_strictly(data: bytes) -> None:
    """Parse as HTML5; any parse error raises (html5lib's strict mode)."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(data)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) is not None and tag in ("a", "link", "script", "img", "iframe"):
                self.links.append(values[name])


def links_and_ids(data: bytes) -> tuple[list[str], set[str]]:
    parser = _Links()
    parser.feed(data.decode("utf-8"))
    return parser.links, parser.ids


def broken_links(files: dict[str, bytes]) -> list[str]:
    """Every internal link (href/src) of every page that names no file of the site or no id in it."""
    ids = {path: links_and_ids(data)[1] for path, data in files.items() if path.endswith(".html")}
    broken = []
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        for link in links_and_ids(data)[0]:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            if parts.scheme or parts.netloc:
                broken.append(f"{path}: {link} (not a local link)")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
            if not parts.path:
                target = path
            if target not in files:
                broken.append(f"{path}: {link}")
            elif parts.fragment and parts.fragment not in ids.get(target, set()):
                broken.append(f"{path}: {link} (no such id)")
    return broken
