"""Table schemas (pandera) and every closed vocabulary of the tracker: the one place they are defined."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

# --- Stage model ----------------------------------------------------------------------------------
STAGES: dict[int, str] = {
    0: "No recorded activity",
    1: "Evidence only",
    2: "Exploration",
    3: "Initial implementation",
    4: "Scale-up",
}
STAGE_MEANINGS: dict[int, str] = {
    0: "Nothing documented in the data.",
    1: "An MMS impact study took place; introduction not explored.",
    2: "Enabling environment: landscape analysis, advocacy, policy recommendation.",
    3: "MMS delivered in a pilot, usually with implementation research.",
    4: "National (or large sub-national) delivery through antenatal care.",
}
# Okabe-Ito based, ordered light to dark so stage reads as progress; safe for the common forms of
# colour blindness and distinct in greyscale. Grey is reserved for "no record".
STAGE_COLOURS: dict[int, str] = {
    0: "#d9d9d9",
    1: "#f0e442",
    2: "#e69f00",
    3: "#56b4e9",
    4: "#0b5394",
}

DATE_PRECISIONS = ("day", "month", "year", "not reported")

MILESTONE_KINDS: dict[str, str] = {
    "impact_trial": "Impact trial",
    "implementation_research": "Implementation research",
    "exploration": "Landscape or readiness work",
    "pilot": "Pilot",
    "delivery": "Delivery",
    "national_programme": "National programme",
    "national_launch": "National launch",
    "scale_up": "Scale-up decision",
    "policy": "Policy or strategy",
    "guideline": "Guideline",
    "eml": "Essential medicines list",
    "manufacturing": "Manufacturing",
    "supply": "Supply or donation",
    "commitment": "Commitment",
    "hmhb_map": "HMHB World Map entry",
    "consortium": "Consortium",
    "tool": "Tool",
    "evidence": "Evidence synthesis",
    "formulation": "Formulation",
}
# Milestone kinds shown as the country's policy status (policy is tracked apart from stage).
POLICY_KINDS = ("policy", "guideline", "eml", "manufacturing", "commitment")

ORGANISATION_TYPES = (
    "Academic/research",
    "Donor/foundation",
    "Government",
    "Network/consortium",
    "NGO",
    "Private sector/manufacturer",
    "UN agency",
)
ACTIVITY_TYPES = (
    "Advocacy",
    "Funding",
    "Impact trial",
    "Implementation research",
    "Manufacturing",
    "Programme delivery",
    "Supply/procurement",
    "Technical assistance",
)
EVIDENCE_TYPES = (
    "Case study",
    "Guidance document",
    "Implementation tool",
    "Policy brief",
    "Report",
    "Scientific publication",
    "Systematic review",
    "Trial",
    "Webinar/video",
)
TOPICS = (
    "Advocacy",
    "Cost-effectiveness",
    "Implementation",
    "Policy and policy development",
    "Research",
    "Supply and manufacturing",
)

# Region groupings a user can filter by: key -> (label, countries column). Short keys go in URLs.
REGION_GROUPINGS: dict[str, tuple[str, str]] = {
    "unicef": ("UNICEF region", "unicef_region"),
    "who": ("WHO region", "who_region"),
    "wb": ("World Bank region", "wb_region"),
}
WHO_REGION_NAMES: dict[str, str] = {
    "AFR": "African Region",
    "AMR": "Region of the Americas",
    "EMR": "Eastern Mediterranean Region",
    "EUR": "European Region",
    "SEAR": "South-East Asia Region",
    "WPR": "Western Pacific Region",
}
INCOME_GROUPS: dict[str, str] = {
    "L": "Low income",
    "LM": "Lower-middle income",
    "UM": "Upper-middle income",
    "H": "High income",
}
# Indicators: numbers a source gives per country. Kinds are never added together.
INDICATOR_KINDS: dict[str, str] = {
    "women_reached": "Pregnant women reached",
    "women_targeted": "Pregnant women targeted",
    "tablets_distributed": "MMS tablets distributed",
    "bottles_distributed": "MMS bottles distributed",
    "tablets_planned": "MMS tablets planned",
    "bottles_planned": "MMS bottles planned",
}
# HMHB's own published labels: the newer country pages' three phases and the 2021- World Map's four
# categories. Phases 1-3 are this project's stages 2-4; categories 1-4 are stages 1-4.
HMHB_SCHEMES: dict[str, str] = {"phase": "HMHB phase", "map_category": "HMHB World Map category"}
HMHB_PHASES: dict[int, str] = {1: "Exploration", 2: "Initial implementation", 3: "Scale-up"}
HMHB_MAP_CATEGORIES: dict[int, str] = {
    1: "Impact study only",
    2: "Exploration",
    3: "Initial implementation",
    4: "Scale-up",
}


def hmhb_stage(scheme: str, code: int) -> int:
    """The project's stage that HMHB's phase or map category corresponds to."""
    return int(code) + 1 if scheme == "phase" else int(code)


# Code used for global milestones and for evidence that names no country.
GLOBAL_ISO3 = "WLD"

LIST_SEPARATOR = ";"
NOT_REPORTED = "not reported"

# --- Schemas ---------------------------------------------------------------------------------
# The table names, in the order of the workbook's sheets and the store's files.
TABLES: tuple[str, ...] = (
    "countries",
    "stage_history",
    "milestones",
    "organisations",
    "activities",
    "evidence",
    "indicators",
    "hmhb_labels",
)


@functools.cache
def _schemas() -> dict[str, pa.DataFrameSchema]:
    """The pandera schema of every table, built on first use.

    Built lazily: pandera costs a server about 12 MiB, and only validation (ingest, the store's
    checks, the build) needs it, not a reader browsing the map.
    """
    import pandera.pandas as pa

    _URL = r"^https?://\S+$"
    _ISO3 = r"^[A-Z]{3}$"

    def _url(nullable: bool = False) -> pa.Column:
        return pa.Column(str, pa.Check.str_matches(_URL), nullable=nullable)

    def _text(nullable: bool = True) -> pa.Column:
        return pa.Column(str, nullable=nullable)

    def _list_of(allowed: tuple[str, ...] | None, pattern: str | None = None) -> pa.Column:
        """A `;`-separated list whose every item is in `allowed` (or matches `pattern`)."""

        def check(values: pd.Series) -> pd.Series:
            def ok(cell: object) -> bool:
                if not isinstance(cell, str):
                    return True
                items = [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]
                if allowed is not None:
                    return all(item in allowed for item in items)
                return all(pd.Series(items, dtype=str).str.fullmatch(pattern)) if items else True

            return values.map(ok).astype(bool)

        return pa.Column(str, pa.Check(check, element_wise=False, name="list items allowed"), nullable=True)

    COUNTRIES = pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(_ISO3), unique=True),
            "name": _text(nullable=False),
            "unicef_region": _text(),
            "unicef_programme_region": _text(),
            "unicef_as_of": _text(),
            "unicef_source_url": _url(nullable=True),
            "who_region": pa.Column(str, pa.Check.isin(list(WHO_REGION_NAMES)), nullable=True),
            "who_as_of": _text(),
            "who_source_url": _url(nullable=True),
            "wb_region": _text(),
            "wb_income": pa.Column(str, pa.Check.isin(list(INCOME_GROUPS)), nullable=True),
            "wb_as_of": _text(),
            "wb_source_url": _url(nullable=True),
            "grouping_notes": _text(),
        },
        strict=True,
        name="countries",
    )

    STAGE_HISTORY = pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(_ISO3)),
            "stage": pa.Column("int64", pa.Check.isin(list(STAGES))),
            "since": pa.Column("datetime64[us]", nullable=True),
            "since_precision": pa.Column(str, pa.Check.isin(list(DATE_PRECISIONS))),
            "basis": _text(nullable=False),
            "source_url": _url(),
        },
        strict=True,
        unique=["iso3", "stage"],
        name="stage_history",
    )

    MILESTONES = pa.DataFrameSchema(
        {
            "id": pa.Column(str, unique=True),
            "iso3": pa.Column(str, pa.Check.str_matches(_ISO3)),
            "date": pa.Column("datetime64[us]", nullable=True),
            "date_precision": pa.Column(str, pa.Check.isin(list(DATE_PRECISIONS))),
            "kind": pa.Column(str, pa.Check.isin(list(MILESTONE_KINDS))),
            "title": _text(nullable=False),
            "detail": _text(),
            "source_url": _url(),
            "source_date": _text(),
            "quote": _text(),
            "source_note": _text(),
        },
        strict=True,
        name="milestones",
    )

    ORGANISATIONS = pa.DataFrameSchema(
        {
            "id": pa.Column(str, unique=True),
            "name": _text(nullable=False),
            "short_name": _text(nullable=False),
            "type": pa.Column(str, pa.Check.isin(list(ORGANISATION_TYPES))),
            "hq_iso3": pa.Column(str, pa.Check.str_matches(_ISO3), nullable=True),
            "website": _url(nullable=True),
            "relationship": _text(),
            "source_url": _url(),
            "verified": pa.Column(bool),
        },
        strict=True,
        name="organisations",
    )

    ACTIVITIES = pa.DataFrameSchema(
        {
            "organisation_id": _text(nullable=False),
            "iso3": pa.Column(str, pa.Check.str_matches(_ISO3)),
            "activity_type": pa.Column(str, pa.Check.isin(list(ACTIVITY_TYPES))),
            "start_year": pa.Column("Int64", pa.Check.in_range(1950, 2100), nullable=True),
            "end_year": pa.Column("Int64", pa.Check.in_range(1950, 2100), nullable=True),
            "description": _text(nullable=False),
            "source_url": _url(),
            "verified": pa.Column(bool),
        },
        checks=[
            pa.Check(
                lambda df: (
                    df["end_year"].isna() | df["start_year"].isna() | (df["end_year"] >= df["start_year"])
                ),
                name="end_year not before start_year",
            )
        ],
        strict=True,
        name="activities",
    )

    EVIDENCE = pa.DataFrameSchema(
        {
            "id": pa.Column(str, unique=True),
            "title": _text(nullable=False),
            "authors": _text(),
            "publisher": _text(),
            "year": pa.Column("Int64", pa.Check.in_range(1950, 2100), nullable=True),
            "type": pa.Column(str, pa.Check.isin(list(EVIDENCE_TYPES))),
            "topics": _list_of(TOPICS),
            "countries": _list_of(None, pattern=_ISO3),
            "organisation_ids": _text(),
            "url": _url(),
            "doi": _text(),
            "summary": _text(),
            "verified": pa.Column(bool),
        },
        strict=True,
        name="evidence",
    )

    INDICATORS = pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(_ISO3)),
            "indicator": pa.Column(str, pa.Check.isin(list(INDICATOR_KINDS))),
            "value": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "period": _text(),
            "source_url": _url(),
            "quote": _text(),
            "source_date": _text(),
            "source_note": _text(),
            "verified": pa.Column(bool),
        },
        strict=True,
        name="indicators",
    )

    HMHB_LABELS = pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(_ISO3)),
            "scheme": pa.Column(str, pa.Check.isin(list(HMHB_SCHEMES))),
            "code": pa.Column("int64", pa.Check.in_range(1, 4)),
            "label": _text(nullable=False),
            "as_of": _text(),
            "source_url": _url(),
            "quote": _text(),
        },
        checks=[
            pa.Check(
                lambda df: (df["scheme"] != "phase") | (df["code"].fillna(0) <= 3),
                name="phase code at most 3",
            )
        ],
        strict=True,
        unique=["iso3", "scheme"],
        name="hmhb_labels",
    )
    return {
        "countries": COUNTRIES,
        "stage_history": STAGE_HISTORY,
        "milestones": MILESTONES,
        "organisations": ORGANISATIONS,
        "activities": ACTIVITIES,
        "evidence": EVIDENCE,
        "indicators": INDICATORS,
        "hmhb_labels": HMHB_LABELS,
    }


def __getattr__(name: str):
    # `schema.SCHEMAS` and `schema.COUNTRIES` etc. stay importable by name, built when first asked for.
    if name == "SCHEMAS":
        return _schemas()
    if name in _SCHEMA_NAMES:
        return _schemas()[_SCHEMA_NAMES[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SCHEMA_NAMES = {
    "COUNTRIES": "countries",
    "STAGE_HISTORY": "stage_history",
    "MILESTONES": "milestones",
    "ORGANISATIONS": "organisations",
    "ACTIVITIES": "activities",
    "EVIDENCE": "evidence",
    "INDICATORS": "indicators",
    "HMHB_LABELS": "hmhb_labels",
}


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes (for tests and empty exports)."""
    schema = _schemas()[name]
    return pd.DataFrame({col: pd.Series(dtype=spec.dtype.type) for col, spec in schema.columns.items()})
