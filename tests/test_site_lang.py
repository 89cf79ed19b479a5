"""The static site in French and Portuguese: no English interface text, the data's texts marked with their
language, pages that parse and links that resolve, downloads in the language, the same bytes every build."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest

from hmhb_dash import i18n, site
from hmhb_dash.cli import main
from tests.site_helpers import broken_links, parse_strictly
from tests.test_i18n import TRANSLATED, _catalogue, _english_interface

# The product's name: translated in titles, kept in the citation (as the app's exports do).
KEPT_NAMES = {"MMS Adoption Tracker"}
# Attributes people read or hear: tooltips, screen-reader names, placeholders.
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class _Visible(HTMLParser):
    """The interface's texts of a page: text nodes and read attributes, leaving out script and style and
    anything inside an element that says it is in another language (the data's own texts)."""

    def __init__(self, page_lang: str):
        super().__init__()
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []  # (tag, is in another language or a script)
        self.texts: list[str] = []
        self.html_lang: str | None = None
        self.foreign: list[tuple[str, str]] = []  # (tag, lang) of the elements marked

    def _outside(self) -> bool:
        return any(flag for _, flag in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        lang = values.get("lang")
        other = lang is not None and lang != self.page_lang and tag != "a" or tag in ("script", "style")
        if lang is not None and lang != self.page_lang and tag != "html":
            self.foreign.append((tag, lang))
        if not self._outside() and not other:
            self.texts += [values[a] for a in READ_ATTRIBUTES if values.get(a)]
        if tag not in ("meta", "link", "input", "br", "img", "hr"):
            self.stack.append((tag, other))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self._outside() and data.strip():
            self.texts.append(" ".join(data.split()))


def visible(page: bytes, lang: str) -> _Visible:
    parser = _Visible(lang)
    parser.feed(page.decode("utf-8"))
    return parser


def site_data(page: bytes) -> dict:
    block = re.search(rb'<script type="application/json" id="site-data">(.*?)</script>', page, re.S)
    return json.loads(block.group(1)) if block else {}


def script_words(data: dict) -> list[str]:
    """Every word the page's script can write: its messages, the map's words and legend, filter labels."""
    words: list[str] = []

    def walk(value):
        if isinstance(value, str):
            words.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data.get("text", {}))
    view = data.get("view", {})
    walk(view.get("text", {}))
    walk([label for label, _colour in view.get("legend", [])])
    walk([label for choices in data.get("regions", {}).values() for _value, label in choices])
    walk(data.get("global", [])[1:])
    return words


def _english_phrases(lang: str) -> set[str]:
    """Longer English messages, also as the parts around their placeholders ('Countries per stage in')."""
    phrases = set()
    for message in _catalogue(lang):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or ids[0] in strings:
            continue
        for english in ids:
            for part in re.split(r"%\(\w+\)s|\{\w+(?:![rs])?\}", english):
                if len(part.split()) >= 3:
                    phrases.add(part.strip(" .,;:"))
    return phrases - KEPT_NAMES


@pytest.fixture(scope="module")
def sites(built_site_every_language):
    """Each language's own site, taken from the every-language build: {lang: {path: bytes}}."""
    files, _ = built_site_every_language
    out = {}
    for lang in i18n.LANGUAGES:
        prefix = site.build.language_root(lang, list(i18n.LANGUAGES))
        out[lang] = {p[len(prefix) :]: d for p, d in files.items() if p.startswith(prefix)}
    return out


# --- Every page in the language ----------------------------------------------------------------
@pytest.mark.parametrize("lang", TRANSLATED)
def test_pages_show_no_english_interface_text(sites, lang):
    files = sites[lang]
    english, phrases = _english_interface(lang), _english_phrases(lang)
    pages = [p for p in files if p.endswith(".html")]
    assert len(pages) > 200
    for path in pages:
        page = visible(files[path], lang)
        shown = page.texts + script_words(site_data(files[path]))
        assert [t for t in shown if t in english] == [], path
        assert [(t, p) for t in shown for p in phrases if p in t] == [], path


@pytest.mark.parametrize("lang", TRANSLATED)
def test_pages_say_their_language_and_mark_the_datas(sites, lang):
    files = sites[lang]
    for path in (p for p in files if p.endswith(".html")):
        assert visible(files[path], lang).html_lang == lang, path
    country = visible(files["countries/BFA.html"], lang)
    assert ("blockquote", "en") in country.foreign and ("span", "en") in country.foreign  # quotes, basis
    assert ("blockquote", "fr") in country.foreign or lang == "fr"  # a Burkinabè source's French words
    index = files["index.html"].decode()
    assert re.search(r'<td class="basis" lang="en">', index)
    evidence = visible(files["evidence.html"], lang)
    assert ("p", "en") in evidence.foreign  # summaries


def test_french_pages_in_french_words(sites):
    files = sites["fr"]
    index = files["index.html"].decode()
    assert "<h1>Stade du programme SMM par pays</h1>" in index
    assert "Pays par stade en <span data-year>" in index and ">Passage à l&#39;échelle<" in index
    assert "Au moins 1\u202f648\u202f500 femmes enceintes atteintes dans 4 pays" in index
    data = site_data(files["index.html"])
    assert data["view"]["text"]["play"] == "Lecture" and data["locale"] == "fr-FR"
    assert data["text"]["in_view"] == {"one": "{n} pays affiché", "other": "{n} pays affichés"}
    assert data["shapes"]["n"]["CIV"] == "Côte d'Ivoire" and data["shapes"]["n"]["IDN"] == "Indonésie"
    country = files["countries/BFA.html"].decode()
    assert "Burkina Faso : passage au stade Mise en œuvre initiale le 6 nov. 2025." in country
    assert ">Historique des stades</h2>" in country and ">Jalons</h2>" in country
    evidence = files["evidence.html"].decode()
    assert "70 sur 70 éléments affichés" in evidence
    assert '<option value="Systematic review">Revue systématique</option>' in evidence
    assert 'data-type="Systematic review"' in evidence  # the filter still reads the data's value
    assert "<title>Bibliothèque de données probantes · Suivi de l&#39;adoption de la SMM</title>" in evidence


def test_portuguese_pages_in_portuguese_words(sites):
    files = sites["pt"]
    country = files["countries/MOZ.html"].decode()
    assert "<h1>Moçambique</h1>" in country
    countries = files["countries.html"].decode()
    assert "<h1>Todos os países, de A a Z</h1>" in countries
    assert countries.index(">Guiné-Bissau<") < countries.index(">Índia<") < countries.index(">Jamaica<")
    short = files["countries/FRA.html"].decode()
    assert "França: nada sobre suplementos" in short and "Nenhuma atividade registada" in short
    assert site_data(files["embed.html"])["view"]["legend"][4][0] == "Expansão"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_downloads_follow_the_language(sites, lang):
    files = sites[lang]
    archive = zipfile.ZipFile(io.BytesIO(files["downloads/mms-tracker-dataset.zip"]))
    readme = archive.read("README.md").decode()
    citation = archive.read("CITATION.txt").decode()
    csv_name = next(p for p in files if re.fullmatch(r"downloads/mms-tracker-\d{4}-countries\.csv", p))
    table = pd.read_csv(io.BytesIO(files[csv_name]), comment="#")
    with i18n.using(lang) as tr:
        assert f"## {tr.gettext('Stage model')}" in readme
        headers = ["ISO3", *(tr.gettext(h) for h in ("Country", "Stage code", "Stage"))]
        assert list(table.columns)[:4] == headers
    assert "## Stage model" not in readme and "as of" not in citation
    # The dataset is the data: its countries table keeps the data's own names.
    countries = pd.read_csv(io.BytesIO(archive.read("countries.csv")))
    assert "Indonesia" in set(countries["name"])


# --- Pages, links, the language switcher --------------------------------------------------------
def test_every_language_build_parses_and_every_link_resolves(built_site_every_language):
    files, _ = built_site_every_language
    pages = [p for p in files if p.endswith(".html")]
    assert len(pages) > 3 * 200
    for path in pages:
        try:
            parse_strictly(files[path])
        except Exception as exc:
            pytest.fail(f"{path}: {exc}")
    assert broken_links(files) == []


def test_the_switcher_links_the_same_page_in_each_language(built_site_every_language):
    files, _ = built_site_every_language
    for path, others in [
        ("countries/BFA.html", {"fr": "../fr/countries/BFA.html", "pt": "../pt/countries/BFA.html"}),
        ("fr/countries/BFA.html", {"en": "../../countries/BFA.html", "pt": "../../pt/countries/BFA.html"}),
        ("pt/evidence.html", {"en": "../evidence.html", "fr": "../fr/evidence.html"}),
    ]:
        page = files[path].decode()
        nav = re.search(r'<nav class="languages"[^>]*>(.*?)</nav>', page, re.S).group(1)
        links = dict(re.findall(r'<a href="([^"]+)" lang="(\w+)"', nav))
        assert {lang: href for href, lang in links.items() if lang in others} == others, path
        assert 'aria-current="true">' in nav
    assert b'class="languages"' not in files["embed.html"]


def test_a_one_language_build_has_no_switcher(built_site):
    files, _ = built_site
    assert all(b'class="languages"' not in data for path, data in files.items() if path.endswith(".html"))


def test_same_data_gives_byte_identical_files_in_every_language(sites, bundled, shapes, monkeypatch):
    version, tables, _ = bundled
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    again = site.build_site(site.SiteInput(tables, version, shapes, None, "pt"))
    # A one-language build is the same site without the switcher.
    strip = re.compile(rb'<link rel="alternate"[^>]*>\n|<nav class="languages".*?</nav>\n', re.S)
    assert again.keys() == sites["pt"].keys()
    assert [p for p in again if again[p] != strip.sub(b"", sites["pt"][p])] == []
    assert site.build_site(site.SiteInput(tables, version, shapes, None, "pt")) == again


def test_the_language_of_the_datas_texts():
    assert site.build.text_language("MMS integrated into national antenatal care in 2024.") == "en"
    assert site.build.text_language("Cette initiative vise à soutenir le gouvernement dans la") == "fr"
    assert site.build.text_language("O governo aprovou a introdução dos MMS na consulta pré-natal") == "pt"
    assert site.build.text_language("UNICEF") == "en"


# --- The command ------------------------------------------------------------------------------
def test_command_builds_every_language(tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["site", str(out), "--lang", "all"]) == 0
    assert "wrote" in capsys.readouterr().out
    for folder, lang in ((out, "en"), (out / "fr", "fr"), (out / "pt", "pt")):
        assert f'<html lang="{lang}">' in (folder / "countries" / "BFA.html").read_text()
        assert (folder / "downloads" / "mms-tracker-dataset.zip").is_file()
    # Rebuilding one language over it removes the other languages' files it wrote.
    assert main(["site", str(out), "--lang", "fr"]) == 0
    assert '<html lang="fr">' in (out / "index.html").read_text() and not (out / "fr").exists()


def test_command_names_the_languages_for_an_unknown_one(tmp_path, capsys):
    assert main(["site", str(tmp_path / "out"), "--lang", "de"]) == 2
    err = capsys.readouterr().err
    assert "unknown language 'de'" in err and "en, fr, pt" in err and "all" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
