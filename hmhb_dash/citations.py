"""Exports of an evidence list: CSV, RIS (Zotero, EndNote, Mendeley) and BibTeX, each with source links."""

from __future__ import annotations

import io
import re

import pandas as pd
import rispy
from unidecode import unidecode

from hmhb_dash.evidence import GLOBAL, doi_url
from hmhb_dash.queries import split_list
from hmhb_dash.safe_text import spreadsheet_frame

# Evidence type -> (RIS type, BibTeX entry type).
REFERENCE_TYPES: dict[str, tuple[str, str]] = {
    "Scientific publication": ("JOUR", "article"),
    "Systematic review": ("JOUR", "article"),
    "Trial": ("JOUR", "article"),
    "Report": ("RPRT", "techreport"),
    "Case study": ("RPRT", "techreport"),
    "Policy brief": ("RPRT", "techreport"),
    "Guidance document": ("GOVDOC", "techreport"),
    "Implementation tool": ("ELEC", "misc"),
    "Webinar/video": ("VIDEO", "misc"),
}
_JOURNAL_RIS = {"JOUR"}

CSV_COLUMNS = {
    "id": "id",
    "title": "title",
    "authors": "authors",
    "publisher": "publisher_or_journal",
    "year": "year",
    "type": "type",
    "topic_list": "topics",
    "countries": "countries_iso3",
    "country_names": "countries",
    "regions": "unicef_regions",
    "doi": "doi",
    "doi_link": "doi_link",
    "url": "source_url",
    "summary": "summary",
    "verified": "verified",
}


def _present(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value)) and str(value) != ""


def _http(url: object) -> str | None:
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _authors(value: object) -> list[str]:
    return split_list(value) if isinstance(value, str) else []


def to_csv(items: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read accents right) of the listed items."""
    frame = items[[c for c in CSV_COLUMNS if c in items]].rename(columns=CSV_COLUMNS)
    frame = spreadsheet_frame(frame.astype(object).where(frame.notna(), ""))
    return frame.to_csv(index=False).encode("utf-8-sig")


def ris_records(items: pd.DataFrame) -> list[dict]:
    """One rispy record per item; the source URL and the DOI link both go in UR."""
    records = []
    for row in items.to_dict("records"):
        ris_type, _ = REFERENCE_TYPES.get(row["type"], ("GEN", "misc"))
        record: dict = {"type_of_reference": ris_type, "id": row["id"], "title": row["title"]}
        authors = _authors(row.get("authors"))
        if authors:
            record["authors"] = authors
        if _present(row.get("year")):
            record["year"] = str(int(row["year"]))
        if _present(row.get("publisher")):
            record["journal_name" if ris_type in _JOURNAL_RIS else "publisher"] = row["publisher"]
        if _present(row.get("doi")):
            record["doi"] = row["doi"]
        urls = [u for u in (_http(row.get("url")), doi_url(row.get("doi"))) if u]
        if urls:
            record["urls"] = list(dict.fromkeys(urls))
        if _present(row.get("summary")):
            record["abstract"] = row["summary"]
        keywords = split_list(row.get("topics")) + [
            c for c in str(row.get("country_names", "")).split("; ") if c and c != GLOBAL
        ]
        if keywords:
            record["keywords"] = keywords
        notes = [f"Evidence type: {row['type']}"]
        if not row.get("verified", True):
            notes.append("Not verified: the tracker could not confirm this item against its source.")
        record["notes"] = notes
        records.append(record)
    return records


def to_ris(items: pd.DataFrame) -> str:
    # Single-line values: a newline inside a value would start a bogus tag in RIS.
    records = [
        {k: _one_line(v) if isinstance(v, str) else [_one_line(x) for x in v] for k, v in r.items()}
        for r in ris_records(items)
    ]
    return rispy.dumps(records)


def _one_line(value: str) -> str:
    return " ".join(value.split())


_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(value: str) -> str:
    """Text safe inside a braced BibTeX field: LaTeX specials escaped, no unbalanced braces, one line."""
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in _one_line(value))


def bibtex_url(value: str) -> str:
    # In url/doi fields (url package) only these break the field or the LaTeX run.
    return "".join("\\" + c if c in "%#{}\\" else c for c in value if c not in "\n\r")


def bibtex_key(row: dict, taken: set[str]) -> str:
    """firstauthor + year + first title word, ASCII letters and digits only, unique in the file."""
    author = _authors(row.get("authors"))
    surname = re.sub(r"[^A-Za-z]", "", unidecode(author[0].split()[0])) if author else ""
    title_words = [w for w in re.findall(r"[A-Za-z]+", unidecode(row.get("title", ""))) if len(w) > 3]
    year = str(int(row["year"])) if _present(row.get("year")) else "nd"
    base = (surname.lower() or "anon") + year + (title_words[0].lower() if title_words else "")
    key, suffix = base, 0
    while key in taken:
        suffix += 1
        key = f"{base}{chr(ord('a') + suffix - 1) if suffix <= 26 else suffix}"
    taken.add(key)
    return key


def to_bibtex(items: pd.DataFrame) -> str:
    """BibTeX entries: article for journal items, techreport for reports, misc otherwise."""
    out = io.StringIO()
    taken: set[str] = set()
    for row in items.to_dict("records"):
        _, entry_type = REFERENCE_TYPES.get(row["type"], ("GEN", "misc"))
        fields: list[tuple[str, str]] = [("title", "{" + bibtex_escape(row["title"]) + "}")]
        authors = _authors(row.get("authors"))
        if authors:
            # Braced names: "SUMMIT Study Group" is kept whole, not split into given and family names.
            fields.append(("author", " and ".join("{" + bibtex_escape(a) + "}" for a in authors)))
        if _present(row.get("year")):
            fields.append(("year", str(int(row["year"]))))
        if _present(row.get("publisher")):
            name = {"article": "journal", "techreport": "institution"}.get(entry_type, "publisher")
            fields.append((name, bibtex_escape(row["publisher"])))
        if _present(row.get("doi")):
            fields.append(("doi", bibtex_url(str(row["doi"]))))
        url = _http(row.get("url")) or doi_url(row.get("doi"))
        if url:
            fields.append(("url", bibtex_url(url)))
        if _present(row.get("summary")):
            fields.append(("abstract", bibtex_escape(row["summary"])))
        keywords = split_list(row.get("topics"))
        if keywords:
            fields.append(("keywords", bibtex_escape(", ".join(keywords))))
        note = f"Evidence type: {row['type']}"
        if not row.get("verified", True):
            note += ". Not verified against its source"
        fields.append(("note", bibtex_escape(note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        out.write(f"@{entry_type}{{{bibtex_key(row, taken)},\n{body}\n}}\n\n")
    return out.getvalue()


def filename(stem: str, extension: str) -> str:
    safe = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "evidence"
    return f"{safe}.{extension}"
