"""Small, deterministic tables that follow the schemas, for unit tests of pure functions."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from hmhb_dash import schema

TODAY = dt.date(2026, 11, 29)


def _dates(values: list) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")


def countries() -> pd.DataFrame:
    rows = [
        ("AAA", "Alpha", "South Asia", "SEAR", "South Asia", "LM"),
        ("BBB", "Beta", "West and Central Africa", "AFR", "Sub-Saharan Africa", "L"),
        ("CCC", "Gamma", "West and Central Africa", "AFR", "Sub-Saharan Africa", "LM"),
        ("DDD", "Delta", "East Asia and Pacific", "WPR", "East Asia & Pacific", "UM"),
        ("EEE", "Épsilon", None, None, "Europe & Central Asia", "H"),
    ]
    frame = pd.DataFrame(
        rows, columns=["iso3", "name", "unicef_region", "who_region", "wb_region", "wb_income"]
    )
    for column in schema.COUNTRIES.columns:
        if column not in frame:
            frame[column] = pd.NA
    frame["unicef_programme_region"] = frame["unicef_region"]
    frame["unicef_source_url"] = "https://example.org/unicef"
    frame["who_source_url"] = "https://example.org/who"
    frame["wb_source_url"] = "https://example.org/wb"
    frame = frame[list(schema.COUNTRIES.columns)].astype(str).replace("nan", pd.NA)
    return schema.COUNTRIES.validate(frame)


def stage_history() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "iso3": ["AAA", "AAA", "AAA", "BBB", "CCC", "DDD"],
            "stage": [1, 2, 3, 1, 4, 3],
            "since": _dates(["2001-01-01", "2015-01-01", "2020-10-01", "2008-01-01", "2024-10-17", None]),
            "since_precision": ["year", "year", "month", "year", "day", "not reported"],
            "basis": ["trial", "strategy", "pilot", "trial", "launch", "research, undated"],
            "source_url": ["https://example.org/" + s for s in "abcdef"],
        }
    )
    return schema.STAGE_HISTORY.validate(frame)


def milestones() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": ["AAA-1", "AAA-2", "AAA-3", "WLD-1"],
            "iso3": ["AAA", "AAA", "AAA", "WLD"],
            "date": _dates(["2015-01-01", None, "2020-10-01", "2021-03-10"]),
            "date_precision": ["year", "not reported", "month", "day"],
            "kind": ["policy", "hmhb_map", "implementation_research", "consortium"],
            "title": ["Strategy names MMS", "Map entry", "Research starts", "Consortium launched"],
            "detail": pd.Series([pd.NA] * 4, dtype=str),
            "source_url": ["https://example.org/m" + s for s in "1234"],
            "source_date": ["2015", pd.NA, "2020-10", "2021-03-10"],
            "quote": ["q1", pd.NA, "q3", "q4"],
            "source_note": pd.Series([pd.NA] * 4, dtype=str),
        }
    )
    return schema.MILESTONES.validate(frame.astype({"source_date": str, "quote": str}))


def organisations() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": ["ORG1", "ORG2"],
            "name": ["Org One", "Org Two"],
            "short_name": ["ORG1", "ORG2"],
            "type": ["NGO", "UN agency"],
            "hq_iso3": ["AAA", pd.NA],
            "website": ["https://one.example.org", pd.NA],
            "relationship": ["partner", "partner"],
            "source_url": ["https://example.org/o1", "https://example.org/o2"],
            "verified": [True, False],
        }
    )
    return schema.ORGANISATIONS.validate(frame.astype({"hq_iso3": str, "website": str}))


def activities() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "organisation_id": ["ORG1", "ORG2", "ORG1"],
            "iso3": ["AAA", "AAA", "BBB"],
            "activity_type": ["Programme delivery", "Funding", "Impact trial"],
            "start_year": pd.array([2020, None, 2001], dtype="Int64"),
            "end_year": pd.array([None, None, 2004], dtype="Int64"),
            "description": ["delivers", "funds", "trial"],
            "source_url": ["https://example.org/a1", "https://example.org/a2", "https://example.org/a3"],
            "verified": [True, False, True],
        }
    )
    return schema.ACTIVITIES.validate(frame)


def evidence() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": ["ev-1", "ev-2", "ev-3"],
            "title": ["Birth weight trial in Alpha", "Global review", "<b>Beta</b> case study"],
            "authors": ["Smith J", "Doe A", pd.NA],
            "publisher": ["JAMA", "Cochrane", "Org One"],
            "year": pd.array([2014, 2019, None], dtype="Int64"),
            "type": ["Trial", "Systematic review", "Case study"],
            "topics": ["Research", "Research;Cost-effectiveness", "Implementation"],
            "countries": ["AAA", pd.NA, "BBB;CCC"],
            "organisation_ids": [pd.NA, pd.NA, "ORG1"],
            "url": ["https://doi.org/10.1/a", "https://doi.org/10.1/b", "https://example.org/c"],
            "doi": ["10.1/a", "10.1/b", pd.NA],
            "summary": ["s1", "s2", pd.NA],
            "verified": [True, True, False],
        }
    )
    return schema.EVIDENCE.validate(
        frame.astype({c: str for c in ("authors", "countries", "organisation_ids", "doi", "summary")})
    )


def library_evidence() -> pd.DataFrame:
    """Evidence for the library's search and facet tests: accents, HTML, several words, a global item."""
    frame = pd.DataFrame(
        {
            "id": ["lib-1", "lib-2", "lib-3", "lib-4", "lib-5"],
            "title": [
                "JiVitA-3 trial of maternal supplements in rural Alpha",
                "Birth weight outcomes across Beta and Gamma",
                "Évaluation de la supplémentation à Gamma",
                "<script>alert(1)</script> Global review of costs",
                "Supply notes",
            ],
            "authors": ["West KP; Christian P", "Ndiaye A", "Traoré B", pd.NA, "Müller C"],
            "publisher": ["JAMA", "Maternal & Child Nutrition", "Santé Publique", "Org {Two}", "Org One"],
            "year": pd.array([2014, 2020, 2022, None, 2010], dtype="Int64"),
            "type": ["Trial", "Scientific publication", "Report", "Systematic review", "Case study"],
            "topics": ["Research", "Research;Implementation", "Implementation", "Cost-effectiveness", pd.NA],
            "countries": ["AAA", "BBB;CCC", "CCC", pd.NA, "DDD"],
            "organisation_ids": [pd.NA, "ORG1", pd.NA, "ORG2;ORG1", pd.NA],
            "url": [
                "https://doi.org/10.1001/jama.2014.1",
                "https://example.org/bw",
                "https://example.org/eval",
                "https://example.org/review",
                "https://example.org/supply",
            ],
            "doi": ["10.1001/jama.2014.1", pd.NA, pd.NA, "10.5/x_y%z", pd.NA],
            "summary": [
                "Cluster trial: lower birth weight and preterm birth with MMS.",
                "Low birthweight fell; JiVitA results cited.",
                "Rapport sur l'introduction des suppléments multiples.",
                "Costs per DALY = 50 $ in 10 countries.",
                '=HYPERLINK("http://evil")',
            ],
            "verified": [True, True, False, True, True],
        }
    )
    return schema.EVIDENCE.validate(
        frame.astype({c: str for c in ("authors", "topics", "countries", "organisation_ids", "doi")})
    )
