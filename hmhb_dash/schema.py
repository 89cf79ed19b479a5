"""Table schemas (pandera) and every closed vocabulary of the tracker: the one place they are defined."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pandas as pd

from hmhb_dash.i18n import N_

if TYPE_CHECKING:
    import pandera.pandas as pa

# --- Stage model ----------------------------------------------------------------------------------
STAGES: dict[int, str] = {
    0: N_("No recorded activity"),
    1: N_("Evidence only"),
    2: N_("Exploration"),
    3: N_("Initial implementation"),
    4: N_("Scale-up"),
}
STAGE_MEANINGS: dict[int, str] = {
    0: N_("Nothing documented in the data."),
    1: N_("An MMS impact study took place; introduction not explored."),
    2: N_("Enabling environment: landscape analysis, advocacy, policy recommendation."),
    3: N_("MMS delivered in a pilot, usually with implementation research."),
    4: N_("National (or large sub-national) delivery through antenatal care."),
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
    "impact_trial": N_("Impact trial"),
    "implementation_research": N_("Implementation research"),
    "exploration": N_("Landscape or readiness work"),
    "pilot": N_("Pilot"),
    "delivery": N_("Delivery"),
    "national_programme": N_("National programme"),
    "national_launch": N_("National launch"),
    "scale_up": N_("Scale-up decision"),
    "policy": N_("Policy or strategy"),
    "guideline": N_("Guideline"),
    "eml": N_("Essential medicines list"),
    "manufacturing": N_("Manufacturing"),
    "supply": N_("Supply or donation"),
    "commitment": N_("Commitment"),
    "hmhb_map": N_("HMHB World Map entry"),
    "consortium": N_("Consortium"),
    "tool": N_("Tool"),
    "evidence": N_("Evidence synthesis"),
    "formulation": N_("Formulation"),
}
# Milestone kinds shown as the country's policy status (policy is tracked apart from stage).
POLICY_KINDS = ("policy", "guideline", "eml", "manufacturing", "commitment")

ORGANISATION_TYPES = (
    N_("Academic/research"),
    N_("Donor/foundation"),
    N_("Government"),
    N_("Network/consortium"),
    N_("NGO"),
    N_("Private sector/manufacturer"),
    N_("UN agency"),
)
ACTIVITY_TYPES = (
    N_("Advocacy"),
    N_("Funding"),
    N_("Impact trial"),
    N_("Implementation research"),
    N_("Manufacturing"),
    N_("Programme delivery"),
    N_("Supply/procurement"),
    N_("Technical assistance"),
)
EVIDENCE_TYPES = (
    N_("Case study"),
    N_("Guidance document"),
    N_("Implementation tool"),
    N_("Policy brief"),
    N_("Report"),
    N_("Scientific publication"),
    N_("Systematic review"),
    N_("Trial"),
    N_("Webinar/video"),
)
TOPICS = (
    N_("Advocacy"),
    N_("Cost-effectiveness"),
    N_("Implementation"),
    N_("Policy and policy development"),
    N_("Research"),
    N_("Supply and manufacturing"),
)

# Region groupings a user can filter by: key -> (label, countries column). Short keys go in URLs.
REGION_GROUPINGS: dict[str, tuple[str, str]] = {
    "unicef": (N_("UNICEF region"), "unicef_region"),
    "who": (N_("WHO region"), "who_region"),
    "wb": (N_("World Bank region"), "wb_region"),
}
WHO_REGION_NAMES: dict[str, str] = {
    "AFR": N_("African Region"),
    "AMR": N_("Region of the Americas"),
    "EMR": N_("Eastern Mediterranean Region"),
    "EUR": N_("European Region"),
    "SEAR": N_("South-East Asia Region"),
    "WPR": N_("Western Pacific Region"),
}
# The region names of the bundled groupings (data values), marked so the catalogue translates them.
REGION_NAMES = (
    N_("East Asia and Pacific"),
    N_("Eastern and Southern Africa"),
    N_("Europe and Central Asia"),
    N_("Latin America and Caribbean"),
    N_("Latin America and the Caribbean"),
    N_("Middle East and North Africa"),
    N_("North America"),
    N_("South Asia"),
    N_("West and Central Africa"),
    N_("East Asia & Pacific"),
    N_("Europe & Central Asia"),
    N_("Latin America & Caribbean"),
    N_("Middle East, North Africa, Afghanistan & Pakistan"),
    N_("Sub-Saharan Africa"),
)
INCOME_GROUPS: dict[str, str] = {
    "L": N_("Low income"),
    "LM": N_("Lower-middle income"),
    "UM": N_("Upper-middle income"),
    "H": N_("High income"),
}
# Indicators: numbers a source gives per country. Kinds are never added together.
INDICATOR_KINDS: dict[str, str] = {
    "women_reached": N_("Pregnant women reached"),
    "women_targeted": N_("Pregnant women targeted"),
    "tablets_distributed": N_("MMS tablets distributed"),
    "bottles_distributed": N_("MMS bottles distributed"),
    "tablets_planned": N_("MMS tablets planned"),
    "bottles_planned": N_("MMS bottles planned"),
}
# HMHB's own published labels: the newer country pages' three phases and the 2021- World Map's four
# categories. Phases 1-3 are this project's stages 2-4; categories 1-4 are stages 1-4.
HMHB_SCHEMES: dict[str, str] = {"phase": N_("HMHB phase"), "map_category": N_("HMHB World Map category")}
HMHB_PHASES: dict[int, str] = {1: N_("Exploration"), 2: N_("Initial implementation"), 3: N_("Scale-up")}
HMHB_MAP_CATEGORIES: dict[int, str] = {
    1: N_("Impact study only"),
    2: N_("Exploration"),
    3: N_("Initial implementation"),
    4: N_("Scale-up"),
}


def hmhb_stage(scheme: str, code: int) -> int:
    """The project's stage that HMHB's phase or map category corresponds to."""
    return int(code) + 1 if scheme == "phase" else int(code)


# Code used for global milestones and for evidence that names no country.
GLOBAL_ISO3 = "WLD"

LIST_SEPARATOR = ";"
NOT_REPORTED = N_("not reported")

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
