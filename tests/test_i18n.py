"""Languages: the translator, formats and country names, the catalogues' completeness and freshness,
and every page rendered in French and Portuguese with no English interface text."""

import datetime as dt
import io
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
        # Brace fields ({name}) and, in the static site's templates, printf fields (%(name)s).
        placeholder = r"\{[a-z_]+(?:![rs])?\}|%\([a-z_]+\)s"
        wanted = set(re.findall(placeholder, source[-1]))
        for string in strings:
            assert set(re.findall(placeholder, string)) == wanted, message.id


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
    """The interface's own texts on a rendered page: titles, headings, captions, labels, buttons, and
    the tables' column headings."""
    import json

    texts = []
    for kind in ("title", "header", "subheader", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in at.get(kind)]
    for kind in (
        "button",
        "download_button",
        "file_uploader",
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
    for frame in at.dataframe:
        columns = json.loads(frame.proto.columns or "{}")
        texts += [str(c["label"]) for c in columns.values() if isinstance(c, dict) and c.get("label")]
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


# --- The Data page once signed in, and the checks' messages ----------------------------------
def _bad_workbook() -> bytes:
    """A workbook with errors (a link, a date, a country code, a stage) and the bundled warnings."""
    from tests.data_helpers import edit_workbook, set_cell

    def edit(book):
        set_cell(book["milestones"], 2, "source_url", "javascript:alert(1)")
        set_cell(book["milestones"], 3, "date", "31/12/2024")
        set_cell(book["activities"], 2, "iso3", "bgd")
        set_cell(book["stage_history"], 2, "stage", 9)

    return edit_workbook(edit)


def _checked(data: bytes, lang: str):
    from hmhb_dash import ingest, workbook
    from tests.fixtures import TODAY

    with i18n.using(lang):
        return ingest.validate(workbook.read_files([("edited.xlsx", data)]), TODAY)


def _assert_no_english(at, lang: str) -> None:
    assert not at.exception, at.exception
    english = _english_interface(lang)
    untranslated = [t for t in _interface_texts(at) if t in english]
    assert untranslated == [], untranslated


@pytest.mark.parametrize("lang", TRANSLATED)
def test_data_page_signed_in_shows_no_english_interface_text(lang, data_root, with_secret):
    from tests.data_helpers import edit_workbook, france_moves, signed_in, upload

    at = signed_in(params={"lang": lang})
    assert at.file_uploader, "signed in: the uploader is shown"
    _assert_no_english(at, lang)

    # A workbook with problems: the report, its messages and the warnings are in the language.
    at = upload(at, "bad.xlsx", _bad_workbook())
    _assert_no_english(at, lang)
    report = next(df.value for df in at.dataframe if "expected" in df.value.columns)
    english = {
        (p.sheet, str(p.row), p.column): p.expected for p in _checked(_bad_workbook(), "en").report.errors
    }
    assert len(report) == len(english) >= 4
    for row in report.itertuples(index=False):
        assert row.expected and row.expected != english[(row.sheet, row.row, row.column)], row
    assert not [b for b in at.button if b.key == "publish"]

    # A valid workbook: the preview of the changes and the publish controls.
    at = upload(at, "edited.xlsx", edit_workbook(france_moves))
    _assert_no_english(at, lang)
    moves = next(df.value for df in at.dataframe if "from_label" in df.value.columns)
    stages = i18n.translator(lang)
    assert list(moves["from_label"]) == [stages.gettext("No recorded activity")]
    assert list(moves["to_label"]) == [stages.gettext("Initial implementation")]
    assert list(moves["name"]) == [stages.country("FRA", "France")]
    changes = next(df.value for df in at.dataframe if "detail" in df.value.columns)
    assert set(changes["change"]) == {stages.gettext("added")} != {"added"}
    assert [b for b in at.button if b.key == "publish"]


def test_a_problem_found_in_french_says_where_and_what_in_french():
    from hmhb_dash.problems import Report

    result = _checked(_bad_workbook(), "fr")
    assert result.tables is None
    (link,) = result.report.find("milestones", 2, "source_url")
    assert link.expected == "un lien http:// ou https:// sans espaces"
    with i18n.using("fr"):
        line = link.line()
        csv = result.report.csv().decode("utf-8-sig")
    assert line == (
        "erreur  milestones, ligne 2, colonne source_url : trouvé 'javascript:alert(1)' ; "
        "attendu : un lien http:// ou https:// sans espaces"
    )
    assert csv.startswith("Gravité,Feuille,Ligne,Colonne,Trouvé,Attendu")
    (date,) = result.report.find("milestones", 3, "date")
    assert date.expected.startswith("une date : une date Excel, ou un texte AAAA")
    assert "l'ordre du jour et du mois est ambigu dans 31/12/2024" in date.expected
    (code,) = result.report.find("activities", 2, "iso3")
    assert code.expected == "un code ISO3 de trois lettres majuscules, p. ex. BGD (vouliez-vous dire BGD ?)"
    (stage,) = result.report.find("stage_history", 2, "stage")
    assert "4 (Passage à l'échelle)" in stage.expected and stage.expected.startswith("un code de stade 0")
    # The same file checked in English, afterwards, is in English: nothing was translated at import.
    english = _checked(_bad_workbook(), "en").report
    assert (
        english.find("milestones", 2, "source_url")[0].expected
        == "an http:// or https:// link with no spaces"
    )
    assert (
        english.find("milestones", 2, "source_url")[0].line().startswith("error   milestones row 2, column")
    )
    # Under Portuguese, a whole-file problem too.
    with i18n.using("pt"):
        from hmhb_dash import workbook

        empty = workbook.read_files([("vazio.xlsx", b"")])
    assert [(p.sheet, p.value, p.expected) for p in Report(empty.problems).problems] == [
        ("vazio.xlsx", "0 bytes", "um livro de Excel; este ficheiro está vazio")
    ]


def test_french_workbook_has_a_french_readme_and_reads_back_the_same(bundled):
    import io

    from openpyxl import load_workbook

    from hmhb_dash import workbook
    from tests.fixtures import TODAY

    version, tables, _ = bundled
    with i18n.using("fr"):
        data = workbook.export_workbook(tables, version, TODAY)
    book = load_workbook(io.BytesIO(data))
    readme = list(book[workbook.README_SHEET].iter_rows(values_only=True))
    assert readme[0][0] == "MMS Adoption Tracker : classeur de données"
    assert ("feuille", "colonne", "obligatoire", "valeurs admises", "signification", "lignes") in [
        r[:6] for r in readme
    ]
    stage = next(r for r in readme if r[:2] == ("stage_history", "stage"))
    assert stage[2] == "oui" and "4 Passage à l'échelle" in stage[4]
    assert book.sheetnames[1:3] == ["countries", "stage_history"]  # sheet names and headers stay
    assert [c.value for c in book["stage_history"][1]] == ["iso3", "stage", "since", "basis", "source_url"]
    english = _checked(workbook.export_workbook(tables, version, TODAY), "en")
    french = _checked(data, "fr")
    assert french.report.errors == [] and english.report.errors == []
    for name, frame in english.tables.items():
        assert french.tables[name].equals(frame), name


def test_yes_and_no_may_be_typed_in_french_or_portuguese():
    from hmhb_dash.cells import to_bool

    assert [to_bool(v) for v in ("oui", "Sim", "non", "não", "yes", "no")] == [
        True,
        True,
        False,
        False,
        True,
        False,
    ]


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


# --- Exports, the deck and URL notices in the language ----------------------------------------
def _briefing(bundled, year=2024, region="West and Central Africa", countries=()):
    from hmhb_dash import presentation
    from hmhb_dash.permalinks import MapView

    version, tables, _ = bundled
    view = presentation.PresentView(
        MapView(year, "unicef", region, None), presentation.default_since(year), countries
    )
    return presentation.brief(tables, view, dt.date(2026, 11, 29), version)


def test_french_view_csv_and_xlsx_have_french_headers(bundled):
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from hmhb_dash import export

    with i18n.using("fr"):
        briefing = _briefing(bundled)
        text = export.view_csv(briefing).decode()
        book = load_workbook(io.BytesIO(export.view_xlsx(briefing)))
    assert "# Date de référence: " in text and "# Filtres: " in text and "# Pays affichés: 24" in text
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert list(table.columns) == [
        "ISO3",
        "Pays",
        "Code du stade",
        "Stade",
        "Depuis",
        "Justification (en anglais)",
    ] + ["Source"]
    assert table.loc[table["ISO3"] == "NGA", "Stade"].item() == "Passage à l'échelle"
    assert book.sheetnames == ["Pays", "À propos"]
    assert [c.value for c in book["À propos"][1]] == ["Champ", "Valeur"]
    assert book["À propos"]["A2"].value == "Titre"
    about = {row[0]: row[1] for row in book["À propos"].iter_rows(min_row=2, values_only=True)}
    assert about["Licence"].startswith("Aucune licence") and about["Remarque"].startswith("Les stades")
    # English stays as it was
    assert export.view_csv(briefing).decode().startswith("# Title: MMS Adoption Tracker: programme stage")


def test_portuguese_dataset_readme_and_citation(bundled):
    from hmhb_dash import export

    version, tables, _ = bundled
    with i18n.using("pt"):
        readme = export.readme_text(tables, version, "31/dez./2024")
        cite = export.citation(version, "31/dez./2024")
    for needle in ("## Modelo de fases", "## Tabelas", "## Licença", "## Como citar", "| código | fase |"):
        assert needle in readme, needle
    assert "Expansão" in readme and "linhas)" in readme and "`iso3`: código de país ISO 3166-1" in readme
    assert cite.startswith(
        "MMS Adoption Tracker (Healthy Mothers Healthy Babies Consortium). Fase do programa"
    )
    assert "As of" not in readme and "## Stage model" not in readme


def test_portuguese_deck_cover_and_tables(bundled, shapes):
    from pptx import Presentation

    from hmhb_dash import deck

    with i18n.using("pt"):
        briefing = _briefing(bundled, countries=("NGA",))
        prs = Presentation(io.BytesIO(deck.build_deck(briefing, shapes, dt.date(2026, 11, 29))))

    def texts(slide):
        parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        return "\n".join(parts)

    slides = [texts(s) for s in prs.slides]
    cover = slides[0]
    assert "Suplementos de micronutrientes múltiplos na gravidez: em que ponto estão os países" in cover
    assert "Data de referência" not in cover and "Países: " in cover and "Alterações desde " in cover
    assert "versão dos dados" in cover and "As of" not in cover
    changes = next(s for s in slides if "O que a fez mudar (língua original)" in s)
    assert "País" in changes and "Desde" in changes
    spotlight = next(s for s in slides if "Historial das fases" in s)
    assert "Marcos principais" in spotlight and "Fase" in spotlight
    assert "Citar como: MMS Adoption Tracker" in slides[-1]
    english = ("Stage history", "Key milestones", "What moved it", "Cite as", "Changes since", "prepared")
    assert not [word for word in english if any(word in s for s in slides)]


def test_bad_url_values_give_notices_in_the_language(bundled):
    from hmhb_dash import permalinks, presentation

    _, tables, _ = bundled
    countries = tables["countries"]
    bad = {"year": "<b>1066</b>", "region": "xyz", "layer": "heat", "since": "soon", "step": "x"}
    with i18n.using("fr"):
        notices = presentation.parse_present_view(bad, countries, (2015, 2026)).notices
        evidence = permalinks.parse_evidence_view(
            {"topic": "nope", "verified": "maybe"}, countries, (2015, 2026), set(), ("Policy",), ()
        ).notices
    assert any(n.startswith("year='<b>1066</b>' n'est pas une année entre 2015 et 2026") for n in notices)
    assert any("n'est pas une région UNICEF" in n for n in notices)
    assert any("n'est pas une date (AAAA-MM-JJ)" in n for n in notices)
    assert any("n'est pas un numéro de diapositive" in n for n in notices)
    assert evidence == [
        "topic='nope' n'est pas un thème connu ; ignoré.",
        "verified='maybe' ne vaut ni 1 ni 0 ; ignoré.",
    ]
    # English is unchanged
    english = permalinks.parse_layer({"layer": "heat"}).notices
    assert english == ["layer='heat' is not one of stage, evidence, organisations; showing stages."]


def test_page_notice_for_a_bad_url_value_is_in_french():
    at = run_app(params={"lang": "fr", "year": "**1066**"})
    assert not at.exception
    notices = [str(i.value) for i in at.info]
    assert any("n'est pas une année" in n.replace("\\", "") and "\\*\\*1066\\*\\*" in n for n in notices), (
        notices
    )
