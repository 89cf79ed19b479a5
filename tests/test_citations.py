"""Exports of the evidence list: RIS parses back, BibTeX is escaped and balanced, CSV is safe."""

import csv
import io

import pytest
import rispy

from hmhb_dash import citations
from hmhb_dash import evidence as ev
from tests import fixtures as fx


@pytest.fixture(scope="module")
def items():
    return ev.build_index(fx.library_evidence(), fx.countries()).items


def test_ris_parses_back_with_titles_authors_and_links(items):
    records = rispy.loads(citations.to_ris(items))
    assert len(records) == len(items)
    by_id = {r["id"]: r for r in records}
    trial = by_id["lib-1"]
    assert trial["type_of_reference"] == "JOUR"
    assert trial["title"] == "JiVitA-3 trial of maternal supplements in rural Alpha"
    assert trial["authors"] == ["West KP", "Christian P"]
    assert trial["year"] == "2014"
    assert trial["journal_name"] == "JAMA"
    assert trial["doi"] == "10.1001/jama.2014.1"
    assert trial["urls"] == ["https://doi.org/10.1001/jama.2014.1"]
    report = by_id["lib-3"]
    assert report["type_of_reference"] == "RPRT"
    assert report["publisher"] == "Santé Publique"
    assert any("Not verified" in note for note in report["notes"])
    assert "Gamma" in report["keywords"] and "Implementation" in report["keywords"]
    # Every record carries its source link.
    assert all(r.get("urls") for r in records)


def test_ris_keeps_untrusted_text_on_one_line():
    frame = fx.library_evidence()
    frame.loc[0, "title"] = "Line one\nTY  - JOUR\nER  - "
    items = ev.build_index(frame, fx.countries()).items
    records = rispy.loads(citations.to_ris(items))
    assert len(records) == len(items)
    assert records[0]["title"] == "Line one TY - JOUR ER -"


def test_bibtex_escapes_specials_and_balances_braces(items):
    text = citations.to_bibtex(items)
    assert text.count("{") == text.count("}") + text.count("\\}") - text.count("\\{")
    assert "@article{west2014jivita," in text
    assert "Maternal \\& Child Nutrition" in text
    assert "Org \\{Two\\}" in text
    assert "DALY = 50 \\$ in 10" in text
    assert "doi = {10.5/x_y\\%z}" in text
    assert "author = {{West KP} and {Christian P}}" in text
    assert text.count("@") == len(items)
    # Every entry carries a url field.
    assert text.count("  url = {") == len(items)


def test_bibtex_keys_are_unique_and_ascii():
    frame = fx.library_evidence()
    frame.loc[:, "authors"] = "Ñúñez A"
    frame.loc[:, "year"] = 2020
    frame.loc[:, "title"] = "Same title"
    text = citations.to_bibtex(ev.build_index(frame, fx.countries()).items)
    keys = [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert len(set(keys)) == len(keys) == len(frame)
    assert keys[0] == "nunez2020same" and all(k.isascii() for k in keys)


def test_csv_has_links_regions_and_defuses_formulas(items):
    text = citations.to_csv(items).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(items)
    first = rows[0]
    assert first["source_url"] == "https://doi.org/10.1001/jama.2014.1"
    assert first["doi_link"] == "https://doi.org/10.1001/jama.2014.1"
    assert first["unicef_regions"] == "South Asia"
    assert rows[3]["countries"] == "Global"
    assert rows[4]["summary"].startswith("'=HYPERLINK")
    assert rows[3]["title"] == "<script>alert(1)</script> Global review of costs"
