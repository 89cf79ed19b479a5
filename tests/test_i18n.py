"""Languages: the translator, formats and country names, the catalogues' completeness and freshness,
and every page rendered in French and Portuguese with no English interface text."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from hmhb_dash import i18n
from hmhb_dash.registry import PAGES
from tests.conftest import run_app, view_links

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "hmhb_dash" / "locale"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]


def _catalogue(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang)


def _template():
    with (LOCALE / "messages.pot").open("rb") as source:
        return read_po(source)


def _ids(catalogue) -> set:
    return {m.id for m in catalogue if m.id}


# --- The translator ---------------------------------------------------------------------------
def test_stage_names_use_the_fields_terms():
    fr, pt = i18n.translator("fr"), i18n.translator("pt")
    assert [fr.gettext(s) for s in ("Evidence only", "Initial implementation", "Scale-up")] == [
        "Données probantes uniquement",
        "Mise en œuvre initiale",
        "Passage à l'échelle",
    ]
    assert [pt.gettext(s) for s in ("No recorded activity", "Exploration", "Scale-up")] == [
        "Nenhuma atividade registada",
        "Exploração",
        "Expansão",
    ]


def test_plural_forms():
    fr, pt = i18n.translator("fr"), i18n.translator("pt")
    one, many = "{n} country moved stage since {date}", "{n} countries moved stage since {date}"
    assert fr.ngettext(one, many, 1).startswith("{n} pays a changé")
    assert fr.ngettext(one, many, 3).startswith("{n} pays ont changé")
    assert pt.ngettext(one, many, 1).startswith("{n} país mudou")
    assert pt.ngettext(one, many, 2).startswith("{n} países mudaram")


def test_dates_and_numbers_in_the_language():
    day = dt.date(2024, 10, 17)
    assert i18n.translator("en").date(day) == "17 Oct 2024"
    assert i18n.translator("fr").date(day) == "17 oct. 2024"
    assert i18n.translator("pt").date(day, "month").lower().startswith("out")
    assert i18n.translator("en").number(2148500) == "2,148,500"
    assert i18n.translator("fr").number(2148500).replace("\u202f", " ").replace("\xa0", " ") == "2 148 500"


def test_country_names_from_iso_3166_translations():
    assert i18n.country_name("CIV", "Côte d'Ivoire", "fr") == "Côte d'Ivoire"
    assert i18n.country_name("IDN", "Indonesia", "fr") == "Indonésie"
    assert i18n.country_name("MOZ", "Mozambique", "pt") == "Moçambique"
    assert i18n.country_name("COD", "DR Congo", "pt") == "República Democrática do Congo"
    assert i18n.country_name("COD", "DR Congo", "en") == "DR Congo"  # the data's own English name
    assert i18n.country_name("WLD", "World", "fr") == "World"


def test_current_language_and_url_values():
    assert i18n.current() == "en"
    with i18n.using("pt"):
        assert i18n._("Country") == "País"
    assert i18n._("Country") == "Country"
    assert i18n.parse_lang("FR") == ("fr", None)
    assert i18n.parse_lang("pt-BR") == ("pt", None)
    assert i18n.parse_lang(None) == (None, None)
    lang, notice = i18n.parse_lang("<b>de</b>")
    assert lang is None and "showing English" in notice
    assert i18n.from_locale("fr-FR") == "fr" and i18n.from_locale("de-DE") is None


def test_unknown_language_gives_english():
    assert i18n.translator("xx").gettext("Country") == "Country"


# --- The catalogues ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang):
    catalogue = _catalogue(lang)
    assert _ids(catalogue) == _ids(_template())
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert strings and all(s.strip() for s in strings), message.id


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang):
    import re

    for message in _catalogue(lang):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{[a-z_]+(?:![rs])?\}", source[-1]))
        for string in strings:
            assert set(re.findall(r"\{[a-z_]+(?:![rs])?\}", string)) == wanted, message.id


def test_catalogue_is_up_to_date_with_the_code(tmp_path):
    out = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "--no-location"]
        + ["--sort-output", "-o", str(out), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open("rb") as source:
        extracted = _ids(read_po(source))
    committed = _ids(_template())
    assert extracted - committed == set(), "new strings not extracted: run the pybabel commands in README"
    assert committed - extracted == set(), "strings no longer in the code: run pybabel extract and update"


# --- Every page in French and Portuguese ------------------------------------------------------
def _interface_texts(at) -> list[str]:
    """The interface's own texts on a rendered page: titles, headings, captions, labels, buttons."""
    texts = []
    for kind in ("title", "header", "subheader", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in at.get(kind)]
    for kind in (
        "button",
        "metric",
        "radio",
        "selectbox",
        "multiselect",
        "slider",
        "checkbox",
        "text_input",
        "date_input",
        "expander",
        "tab",
    ):
        texts += [str(getattr(e, "label", "")) for e in at.get(kind)]
    texts += [str(e.value) for e in at.markdown]
    return [t.replace("\\", "") for t in texts if t]


def _english_interface(lang: str) -> set[str]:
    """English messages whose translation differs (so seeing them means a text was not translated)."""
    english = set()
    for message in _catalogue(lang):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and "{" not in ids[0] and ids[0] not in strings:
            english.update(ids)
    return english


PAGE_PARAMS = {"country": {"country": "CIV"}}


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_page_shows_no_english_interface_text(spec, lang):
    at = run_app(spec.url_path, params={"lang": lang, **PAGE_PARAMS.get(spec.url_path, {})})
    assert not at.exception, at.exception
    english = _english_interface(lang)
    shown = _interface_texts(at)
    assert shown
    untranslated = [t for t in shown if t in english]
    assert untranslated == [], untranslated


def test_language_is_kept_in_the_link_to_the_view():
    at = run_app(params={"lang": "pt", "year": "2022"})
    assert not at.exception
    assert all("lang=pt" in link for link in view_links(at))
    assert at.query_params["lang"] == ["pt"] or at.query_params["lang"] == "pt"


def test_unknown_language_falls_back_to_english_with_a_notice():
    at = run_app(params={"lang": "**xx**"})
    assert not at.exception
    assert at.title[0].value == "MMS adoption by country"
    notices = [str(i.value) for i in at.info]
    assert any("showing English" in n and "\\*\\*xx\\*\\*" in n for n in notices), notices
