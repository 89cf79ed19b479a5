"""The static site: every page parses, every internal link resolves, data stays text, same data same bytes."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import zipfile

import pandas as pd
import pytest

from hmhb_dash import site, store
from hmhb_dash.cli import main
from hmhb_dash.registry import ASSETS
from tests.site_helpers import (
    HOSTILE_NAME,
    broken_links,
    hostile_tables,
    parse_strictly,
    write_store,
)

MAX_SITE = 5_000_000
MAX_INDEX = 600_000
ALLOWED_SCRIPTS = (
    '<script type="application/json" id="site-data">',
    '<script src="assets/site.js">',
    '<script src="assets/lightmap.js">',
)


def site_data(page: bytes) -> dict:
    block = re.search(rb'<script type="application/json" id="site-data">(.*?)</script>', page, re.S)
    assert block, "the page embeds its data"
    return json.loads(block.group(1))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, shapes):
    root = write_store(hostile_tables(), tmp_path_factory.mktemp("hostile"))
    version, tables = store.read_tables(root)
    return site.build_site(site.SiteInput(tables, version, shapes))


# --- What is built ----------------------------------------------------------------------------
def test_site_has_every_page_and_download(built_site, bundled):
    files, _ = built_site
    _, tables, _ = bundled
    for name in ("index.html", "embed.html", "evidence.html", "countries.html"):
        assert name in files
    assert {f"countries/{iso3}.html" for iso3 in tables["countries"]["iso3"]} <= set(files)
    assert "downloads/mms-tracker-dataset.zip" in files
    assert any(re.fullmatch(r"downloads/mms-tracker-\d{4}-countries\.csv", f) for f in files)
    archive = zipfile.ZipFile(io.BytesIO(files["downloads/mms-tracker-dataset.zip"]))
    assert {"README.md", "CITATION.txt", "countries.csv", "stage_history.csv"} <= set(archive.namelist())


def test_site_loads_the_apps_own_map_code(built_site):
    files, _ = built_site
    assert files["assets/lightmap.js"] == (ASSETS / "lightmap.js").read_bytes()
    assert files["assets/lightmap.css"] == (ASSETS / "lightmap.css").read_bytes()
    for page in ("index.html", "embed.html"):
        assert b'<script src="assets/lightmap.js"></script>' in files[page]


def test_sizes_are_within_the_targets(built_site):
    files, _ = built_site
    assert sum(len(b) for b in files.values()) <= MAX_SITE
    assert len(files["index.html"]) <= MAX_INDEX


def test_nothing_is_fetched_from_the_internet(built_site):
    files, _ = built_site
    for path, data in files.items():
        if path.endswith((".html", ".css", ".js")):
            text = data.decode()
            assert not re.search(r"""(src|href)=["']?(https?:)?//""", text.split("<body", 1)[0]), path
            assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//""", text), path
            assert "@import" not in text and "url(http" not in text, path


def test_every_page_parses_as_html_without_errors(built_site):
    files, _ = built_site
    pages = [p for p in files if p.endswith(".html")]
    assert len(pages) > 200
    for path in pages:
        try:
            parse_strictly(files[path])
        except Exception as exc:
            pytest.fail(f"{path}: {exc}")


def test_every_internal_link_resolves(built_site):
    files, _ = built_site
    assert broken_links(files) == []


def test_index_embeds_every_years_stages_and_the_table(built_site):
    files, _ = built_site
    data = site_data(files["index.html"])
    shapes, view = data["shapes"], data["view"]
    assert len(shapes["c"]) >= 200 and view["layer"] == "stage" and view["play"]
    assert view["from"] == shapes["first"] and view["last"] >= view["from"]
    assert len(shapes["t"]["BGD"]["years"]) == view["last"] - view["from"] + 1
    assert data["boxes"]["unicef|South Asia|"] != view["box"]
    page = files["index.html"].decode()
    assert 'data-country="BGD"' in page and "countries/BGD.html" in page
    assert 'src="assets/lightmap.js"' in page and "embed.html" in page and "&lt;iframe" in page


def test_bangladesh_page_tells_its_story_with_sources(built_site):
    page = built_site[0]["countries/BGD.html"].decode()
    assert "<h1>Bangladesh</h1>" in page
    assert "Bangladesh reached Evidence only in 2001." in page
    assert len(re.findall(r'class="source" href="https://', page)) >= 3
    for heading in ("Stage history", "Milestones", "Policy", "Organisations active", "Evidence"):
        assert f">{heading}</h2>" in page
    assert "<blockquote>" in page  # the source's own words


def test_a_country_with_no_record_gets_the_short_page(built_site):
    page = built_site[0]["countries/FRA.html"].decode()
    assert "No recorded activity" in page and "is documented in this dataset" in page
    assert "Milestones" not in page


def test_evidence_page_lists_every_item_with_filter_keys(built_site, bundled):
    page = built_site[0]["evidence.html"].decode()
    assert page.count("<li data-year=") == len(bundled[1]["evidence"])
    for control in ("q", "ev-region", "ev-country", "ev-topic", "ev-type", "ev-from", "ev-to"):
        assert f'id="{control}"' in page


def test_embed_is_the_map_alone(built_site):
    page = built_site[0]["embed.html"].decode()
    assert 'id="map"' in page
    for chrome in ("<header", "<nav", "<table", "<footer", 'id="year"', "<h1"):
        assert chrome not in page


# --- Safety ---------------------------------------------------------------------------------
def test_http_url_accepts_only_http_links():
    assert site.http_url("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2"
    bad_urls = ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.org", "http://"]
    for bad in [*bad_urls, "ftp://a.org", None, float("nan")]:
        assert site.http_url(bad) is None, bad
    # Quotes and spaces are percent-encoded: they cannot end the attribute.
    assert site.http_url('https://a.org/"onmouseover=x y') == "https://a.org/%22onmouseover=x%20y"


def test_script_json_cannot_close_the_script_block():
    text = str(site.script_json({"b": "</script><!--x-->&\u2028\u2029", "a": 1}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert text.startswith('{"a":1')  # sorted keys
    assert json.loads(text) == {"a": 1, "b": "</script><!--x-->&\u2028\u2029"}


def test_hostile_data_stays_text(hostile_site):
    files = hostile_site
    pages = {p: d.decode() for p, d in files.items() if p.endswith(".html")}
    for path, page in pages.items():
        parse_strictly(files[path])
        assert "<img src=x" not in page, path
        assert "<script>alert" not in page and "<svg onload" not in page and "<b>bold" not in page, path
        assert not re.search(r'href="\s*javascript:', page, re.I), path
        # The page's only scripts are the JSON block and local files.
        for script in re.findall(r"<script[^>]*>", page):
            assert script in ALLOWED_SCRIPTS, (path, script)
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages["evidence.html"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in pages["countries/BGD.html"]
    assert site_data(files["index.html"])["shapes"]["n"]["BGD"] == HOSTILE_NAME
    assert broken_links(files) == []


def test_unknown_language_is_refused():
    for lang in ("xx", "", "EN", "all"):
        with pytest.raises(site.UnknownLanguageError):
            site.translator(lang)
    with pytest.raises(site.UnknownLanguageError, match=r"available in en, fr, pt \(or all, for every one\)"):
        site.site_languages("xx")
    assert site.site_languages("all") == ["en", "fr", "pt"] and site.site_languages("pt") == ["pt"]


# --- Determinism ----------------------------------------------------------------------------
def test_same_data_gives_byte_identical_files(built_site, bundled, shapes, monkeypatch):
    files, _ = built_site
    version, tables, _ = bundled
    later = time.time() + 400 * 86400  # a build more than a year later, on another day
    monkeypatch.setattr(time, "time", lambda: later)
    again = site.build_site(site.SiteInput(tables, version, shapes))
    assert again.keys() == files.keys()
    assert [p for p in files if files[p] != again[p]] == []
    assert site.site_zip(site.SiteInput(tables, version, shapes)) == site.deterministic_zip(files)


def test_site_date_comes_from_the_data_version(bundled):
    _, tables, _ = bundled
    assert site.site_date("20270315T101010123456Z", tables) == dt.date(2027, 3, 15)
    newest = max(tables["stage_history"]["since"].max(), tables["milestones"]["date"].max())
    assert site.site_date(store.BUNDLED, tables) == pd.Timestamp(newest).date()


# --- Writing and the command ----------------------------------------------------------------
def test_rebuild_removes_only_its_own_stale_files(tmp_path):
    out = tmp_path / "site"
    site.write_site({"index.html": b"a", "countries/OLD.html": b"b"}, out)
    (out / "notes.txt").write_text("mine")
    site.write_site({"index.html": b"c"}, out)
    assert (out / "index.html").read_bytes() == b"c"
    assert not (out / "countries" / "OLD.html").exists()
    assert (out / "notes.txt").read_text() == "mine"


def test_a_folder_with_other_files_is_never_written_into(tmp_path):
    (tmp_path / "precious.txt").write_text("keep")
    with pytest.raises(site.NotASiteFolderError):
        site.write_site({"index.html": b"x"}, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["precious.txt"]


def test_command_writes_the_site(tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["site", str(out), "--year", "2020", "--lang", "en"]) == 0
    assert "wrote" in capsys.readouterr().out
    assert site_data((out / "index.html").read_bytes())["view"]["year"] == 2020
    assert (out / "downloads" / "mms-tracker-2020-countries.csv").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lang", "xx"], "unknown language 'xx'"),
        (["--year", "1800"], "is not a year from"),
        (["--year", "soon"], "is not a year from"),
    ],  # fmt: skip
)
def test_command_refuses_bad_arguments(tmp_path, capsys, args, message):
    assert main(["site", str(tmp_path / "out"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_command_refuses_a_folder_that_is_not_a_site(tmp_path, capsys):
    (tmp_path / "report.docx").write_bytes(b"x")
    assert main(["site", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_site_dir_comes_from_secrets_then_environment(tmp_path):
    assert site.configured_site_dir({}, {}) is None
    assert site.configured_site_dir({}, {"HMHB_SITE_DIR": str(tmp_path)}) == tmp_path
    assert site.configured_site_dir(
        {"site_dir": "/srv/www"}, {"HMHB_SITE_DIR": str(tmp_path)}
    ).as_posix() == ("/srv/www")
