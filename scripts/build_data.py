"""Curate the public-record research notes in data/raw/ into the bundled store in data/bundled/.

Deterministic: the same inputs give byte-identical Parquet files. Every stage decision in
data/raw/stage_decisions.csv must cite a source that the research notes hold for that country, so a
stage can never rest on a link nobody collected. Run:  python scripts/build_data.py
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hmhb_dash import indicators, schema, store  # noqa: E402

RAW = ROOT / "data" / "raw"

# Research-note fact types -> milestone kinds of the schema.
FACT_KINDS = {
    "impact_trial": "impact_trial",
    "implementation_research": "implementation_research",
    "implementation_research_start": "implementation_research",
    "formative_research": "exploration",
    "exploration": "exploration",
    "supply_readiness": "exploration",
    "pilot_scope": "pilot",
    "ngo_delivery": "delivery",
    "market_delivery": "delivery",
    "national_programme": "national_programme",
    "national_launch": "national_launch",
    "scale_up_announcement": "scale_up",
    "policy_inclusion": "policy",
    "policy_letter": "policy",
    "national_guidelines": "guideline",
    "national_roadmap": "policy",
    "who_guideline": "guideline",
    "who_guideline_status": "guideline",
    "eml_status": "eml",
    "manufacturing": "manufacturing",
    "donation": "supply",
    "supply": "supply",
    "commitment": "commitment",
    "investment_roadmap": "commitment",
    "hmhb_map_status": "hmhb_map",
    "hmhb_phase": "hmhb_map",
    "hmhb_map_start_date": "hmhb_map",
    "consortium": "consortium",
    "tracker": "consortium",
    "tracker_count": "consortium",
    "country_count": "consortium",
    "tool": "tool",
    "evidence": "evidence",
    "formulation": "formulation",
}

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}}) {_MONTH} (\d{{4}})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b{_MONTH},? (\d{{4}})\b", re.IGNORECASE)
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "owner/repo@commit:path" as written in the groupings notes.
_GIT_SOURCE = re.compile(r"^([\w.-]+/[\w.-]+)@([0-9a-f]{40}):(\S+)")


def read_raw(name: str) -> pd.DataFrame:
    # Read as text so nothing is reinterpreted; empty cells stay missing ("not reported").
    return pd.read_csv(RAW / name, dtype=str, keep_default_na=False).replace("", pd.NA)


def event_date(text: str, year: str | None) -> tuple[pd.Timestamp | None, str]:
    """The most precise date the fact's own words give, if it agrees with the fact's year."""
    if not year:
        return None, schema.NOT_REPORTED
    for match in _ISO_DAY.finditer(text):
        if match.group(1) == year:
            return pd.Timestamp(int(year), int(match.group(2)), int(match.group(3))), "day"
    for match in _DAY_MONTH_YEAR.finditer(text):
        if match.group(3) == year:
            month = MONTHS[match.group(2).lower()[:3]]
            return pd.Timestamp(int(year), month, int(match.group(1))), "day"
    for match in _MONTH_YEAR.finditer(text):
        if match.group(2) == year:
            return pd.Timestamp(int(year), MONTHS[match.group(1).lower()[:3]], 1), "month"
    return pd.Timestamp(int(year), 1, 1), "year"


def parse_partial_date(value: str | None) -> tuple[pd.Timestamp | None, str]:
    """'2024', '2024-01' or '2024-01-17' -> (first day of that period, precision)."""
    if pd.isna(value):
        return None, schema.NOT_REPORTED
    parts = [int(p) for p in value.split("-")]
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    return pd.Timestamp(*(parts + [1] * (3 - len(parts)))), precision


def git_source_url(text: str | None) -> str | None:
    """Turn 'owner/repo@commit:path (...)' into a permanent link to that file at that commit."""
    if pd.isna(text):
        return None
    match = _GIT_SOURCE.match(text)
    if not match:
        return None
    repo, commit, path = match.groups()
    return f"https://github.com/{repo}/blob/{commit}/{path}"


def yes(value: object) -> bool:
    return str(value).strip().lower() == "yes"


def to_datetime(values: list) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")


def build_countries(groupings: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "iso3": groupings["iso3"],
            "name": groupings["name"],
            "unicef_region": groupings["unicef_region"],
            "unicef_programme_region": groupings["unicef_programme_region"],
            "unicef_as_of": "2026-02-20 (UNICEF Country-and-Region-Metadata snapshot)",
            "unicef_source_url": groupings["unicef_region_source"].map(git_source_url),
            "who_region": groupings["who_region"],
            "who_as_of": groupings["who_region_as_of"],
            "who_source_url": groupings["who_region_source"].map(git_source_url),
            "wb_region": groupings["wb_region"],
            "wb_income": groupings["wb_income"],
            "wb_as_of": groupings["wb_as_of"],
            "wb_source_url": groupings["wb_source"].map(git_source_url),
            "grouping_notes": groupings["notes"],
        }
    )
    # A grouping without a value has no source or as-of date either.
    frame.loc[frame["unicef_region"].isna(), ["unicef_as_of", "unicef_source_url"]] = pd.NA
    return frame.sort_values("iso3").astype(str).replace("nan", pd.NA).reset_index(drop=True)


def build_stage_history(decisions: pd.DataFrame, known_sources: dict[str, set[str]]) -> pd.DataFrame:
    rows = []
    for rec in decisions.to_dict("records"):
        iso3, url = rec["iso3"], rec["source_url"]
        if url not in known_sources.get(iso3, set()):
            raise SystemExit(
                f"stage_decisions.csv: {iso3} stage {rec['stage']} cites {url}, "
                "which no research note for that country holds"
            )
        since, precision = parse_partial_date(rec["since"])
        rows.append(
            {
                "iso3": iso3,
                "stage": int(rec["stage"]),
                "since": since,
                "since_precision": precision,
                "basis": rec["basis"],
                "source_url": url,
            }
        )
    frame = pd.DataFrame(rows).sort_values(["iso3", "stage"]).reset_index(drop=True)
    frame["since"] = to_datetime(frame["since"].tolist())
    return frame.astype({"iso3": str, "since_precision": str, "basis": str, "source_url": str})


def build_milestones(facts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for rec in facts.to_dict("records"):
        text = " ".join(str(rec[c]) for c in ("value", "quote") if pd.notna(rec[c]))
        date, precision = event_date(text, rec["year"] if pd.notna(rec["year"]) else None)
        rows.append(
            {
                "iso3": rec["iso3"],
                "date": date,
                "date_precision": precision,
                "kind": FACT_KINDS[rec["fact_type"]],
                "title": rec["value"],
                "detail": pd.NA,
                "source_url": rec["source_url"],
                "source_date": rec["source_date"],
                "quote": rec["quote"],
                "source_note": rec["source_note"],
            }
        )
    frame = pd.DataFrame(rows)
    frame["date"] = to_datetime(frame["date"].tolist())
    frame = frame.sort_values(["iso3", "date", "kind", "title"], na_position="last")
    # Readable, stable ids people can refer to in the workbook: ISO3-year-kind-n.
    years = frame["date"].dt.year.map(lambda y: "undated" if pd.isna(y) else str(int(y)))
    stems = frame["iso3"] + "-" + years + "-" + frame["kind"]
    frame.insert(0, "id", stems + "-" + (stems.groupby(stems).cumcount() + 1).astype(str))
    return frame.reset_index(drop=True).astype(
        {c: str for c in ("id", "iso3", "date_precision", "kind", "title", "detail", "source_url")}
    )


def build_organisations(members: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": members["short_name"],
            "name": members["name"],
            "short_name": members["short_name"],
            "type": members["org_type"],
            "hq_iso3": members["hq_iso3"],
            "website": members["website"],
            "relationship": members["relationship"],
            "source_url": members["source_url"],
            "verified": members["verified"].map(yes).astype(bool),
        }
    )
    return frame.sort_values("id").reset_index(drop=True)


def build_activities(activities: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "organisation_id": activities["organisation"],
            "iso3": activities["iso3"],
            "activity_type": activities["activity_type"],
            "start_year": pd.to_numeric(activities["start_year"]).astype("Int64"),
            "end_year": pd.to_numeric(activities["end_year"]).astype("Int64"),
            "description": activities["description"],
            "source_url": activities["source_url"],
            "verified": activities["verified"].map(yes).astype(bool),
        }
    )
    return frame.sort_values(
        ["iso3", "organisation_id", "activity_type", "start_year"], na_position="last"
    ).reset_index(drop=True)


def normalise_list(value: object) -> object:
    if pd.isna(value):
        return pd.NA
    items = [item.strip() for item in str(value).split(schema.LIST_SEPARATOR) if item.strip()]
    return schema.LIST_SEPARATOR.join(items) if items else pd.NA


def build_evidence(evidence: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    # Link an item to an organisation only where the publisher is that organisation by name.
    by_name = {n.lower(): oid for oid, n in zip(organisations["id"], organisations["name"])}
    by_name |= {s.lower(): oid for oid, s in zip(organisations["id"], organisations["short_name"])}
    publisher = evidence["organisation_or_journal"]
    ids = [
        "ev-"
        + (year if pd.notna(year) else "nd")
        + "-"
        + hashlib.sha1(f"{title}|{url}".encode()).hexdigest()[:8]
        for title, url, year in zip(evidence["title"], evidence["url"], evidence["year"])
    ]
    frame = pd.DataFrame(
        {
            "id": ids,
            "title": evidence["title"],
            "authors": evidence["first_author"],
            "publisher": publisher,
            "year": pd.to_numeric(evidence["year"]).astype("Int64"),
            "type": evidence["resource_type"],
            "topics": evidence["topics"].map(normalise_list),
            "countries": evidence["countries"].map(normalise_list),
            "organisation_ids": publisher.map(lambda p: by_name.get(str(p).lower(), pd.NA)),
            "url": evidence["url"],
            "doi": evidence["doi"],
            "summary": evidence["summary"],
            "verified": evidence["verified"].map(yes).astype(bool),
        }
    )
    return frame.sort_values("id").reset_index(drop=True)


# HMHB's label text -> its code in that scheme, for notes that do not state the code.
_PHASE = re.compile(r"\bPhase ([123])\b")
_CATEGORY = re.compile(r"\bCategory ([1-4])\b")
HMHB_FACT_SCHEMES = {"hmhb_phase": "phase", "hmhb_map_status": "map_category"}


def hmhb_code(scheme: str, text: str) -> int:
    match = (_PHASE if scheme == "phase" else _CATEGORY).search(text)
    if not match:
        raise SystemExit(f"country_facts.csv: no HMHB {scheme} code in {text!r}")
    return int(match.group(1))


def build_hmhb_labels(facts: pd.DataFrame) -> pd.DataFrame:
    """HMHB's own label per country and scheme, from the notes that quote it."""
    rows = []
    for rec in facts[facts["fact_type"].isin(list(HMHB_FACT_SCHEMES))].to_dict("records"):
        scheme = HMHB_FACT_SCHEMES[rec["fact_type"]]
        code = hmhb_code(scheme, rec["value"])
        names = schema.HMHB_PHASES if scheme == "phase" else schema.HMHB_MAP_CATEGORIES
        rows.append(
            {
                "iso3": rec["iso3"],
                "scheme": scheme,
                "code": code,
                "label": rec["quote"].removeprefix("Summary: ") if pd.notna(rec["quote"]) else names[code],
                "as_of": rec["source_date"],
                "source_url": rec["source_url"],
                "quote": rec["quote"],
            }
        )
    frame = pd.DataFrame(rows, columns=list(schema.HMHB_LABELS.columns))
    duplicated = frame[frame.duplicated(["iso3", "scheme"], keep=False)]
    if not duplicated.empty:
        codes = sorted(set(duplicated["iso3"]))
        raise SystemExit(f"country_facts.csv: more than one HMHB label per scheme for {codes}")
    frame = frame.sort_values(["iso3", "scheme"]).reset_index(drop=True)
    return frame.astype({c: str for c in ("iso3", "scheme", "label", "as_of", "source_url", "quote")}).astype(
        {"code": "int64"}
    )


def build_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "iso3": indicators["iso3"],
            "indicator": indicators["indicator"],
            "value": pd.to_numeric(indicators["value"]).astype("Int64"),
            "period": indicators["period"],
            "source_url": indicators["source_url"],
            "quote": indicators["quote"],
            "source_date": indicators["source_date"],
            "source_note": indicators["source_note"],
            "verified": indicators["verified"].map(yes).astype(bool),
        }
    )
    for column in ("iso3", "indicator", "period", "source_url", "quote", "source_date", "source_note"):
        frame[column] = frame[column].astype(str).replace("<NA>", pd.NA).replace("nan", pd.NA)
    return frame.sort_values(["iso3", "indicator", "value"]).reset_index(drop=True)


def known_sources(facts: pd.DataFrame, activities: pd.DataFrame, evidence: pd.DataFrame) -> dict:
    sources: dict[str, set[str]] = {}
    for iso3, url in zip(facts["iso3"], facts["source_url"]):
        sources.setdefault(iso3, set()).add(url)
    for iso3, url in zip(activities["iso3"], activities["source_url"]):
        sources.setdefault(iso3, set()).add(url)
    for countries, url in zip(evidence["countries"].fillna(""), evidence["url"]):
        for iso3 in countries.split(";"):
            sources.setdefault(iso3.strip(), set()).add(url)
    return sources


def build() -> dict[str, pd.DataFrame]:
    facts, activities, evidence = (
        read_raw(n) for n in ("country_facts.csv", "activities.csv", "evidence.csv")
    )
    organisations = build_organisations(read_raw("members.csv"))
    tables = {
        "countries": build_countries(read_raw("country_groupings.csv")),
        "stage_history": build_stage_history(
            read_raw("stage_decisions.csv"), known_sources(facts, activities, evidence)
        ),
        "milestones": build_milestones(facts),
        "organisations": organisations,
        "activities": build_activities(activities),
        "evidence": build_evidence(evidence, organisations),
        "indicators": build_indicators(read_raw("indicators.csv")),
        "hmhb_labels": build_hmhb_labels(facts),
    }
    for name, frame in tables.items():
        tables[name] = schema.SCHEMAS[name].validate(frame)
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / store.BUNDLED)
    args = parser.parse_args()
    tables = build()
    store.write_tables(tables, args.out)
    for name, frame in tables.items():
        print(f"{name:15s} {len(frame):5d} rows -> {args.out / (name + '.parquet')}")
    for line in indicators.disagreement_lines(
        indicators.hmhb_disagreements(tables["hmhb_labels"], tables["stage_history"], tables["countries"])
    ):
        print("HMHB label differs:", line)


if __name__ == "__main__":
    main()
