"""View state <-> URL query parameters: short readable names, strict parsing, defaults on bad input.

Nothing from a URL is evaluated: every value is matched against a closed set of choices or parsed as
a bounded integer, and anything else falls back to the default with a notice naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from hmhb_dash.queries import parse_iso3, region_column
from hmhb_dash.schema import INCOME_GROUPS, REGION_GROUPINGS

DEFAULT_GROUPING = "unicef"
_SKIP_WORDS = {"and", "the", "of"}


def region_slug(region: str) -> str:
    """'West and Central Africa' -> 'wca'; WHO codes -> 'afr'. Short enough to type in a URL."""
    if re.fullmatch(r"[A-Z]{3,4}", region):
        return region.lower()
    words = [w for w in re.split(r"[\s,&-]+", region.lower()) if w and w not in _SKIP_WORDS]
    return "".join(w[0] for w in words)


def region_slugs(countries: pd.DataFrame, grouping: str) -> dict[str, str]:
    """slug -> region name for every region of a grouping."""
    regions = sorted(countries[region_column(grouping)].dropna().unique())
    return {region_slug(r): r for r in regions}


@dataclass(frozen=True)
class MapView:
    year: int
    grouping: str = DEFAULT_GROUPING
    region: str | None = None  # full region name within the grouping
    income: str | None = None  # World Bank income code (L, LM, UM, H)

    def to_params(self, countries: pd.DataFrame, default_year: int) -> dict[str, str]:
        """Query parameters for this view, defaults left out so links stay short."""
        params: dict[str, str] = {}
        if self.year != default_year:
            params["year"] = str(self.year)
        if self.grouping != DEFAULT_GROUPING:
            params["grouping"] = self.grouping
        if self.region:
            params["region"] = region_slug(self.region)
        if self.income:
            params["income"] = self.income.lower()
        return params


@dataclass
class Parsed:
    """A parsed view plus one notice per parameter that was ignored."""

    view: object
    notices: list[str] = field(default_factory=list)


def _first(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)


def parse_map_view(params: Mapping[str, object], countries: pd.DataFrame, years: tuple[int, int]) -> Parsed:
    """Read year, grouping, region and income from query parameters."""
    notices: list[str] = []
    first_year, last_year = years

    year = last_year
    raw = _first(params, "year")
    if raw is not None:
        if raw.isdigit() and first_year <= int(raw) <= last_year:
            year = int(raw)
        else:
            notices.append(
                f"year={raw!r} is not a year from {first_year} to {last_year}; showing {last_year}."
            )

    grouping = DEFAULT_GROUPING
    raw = _first(params, "grouping")
    if raw is not None:
        if raw.lower() in REGION_GROUPINGS:
            grouping = raw.lower()
        else:
            notices.append(
                f"grouping={raw!r} is not one of {', '.join(REGION_GROUPINGS)}; using UNICEF regions."
            )

    region = None
    raw = _first(params, "region")
    if raw:
        slugs = region_slugs(countries, grouping)
        region = slugs.get(raw.lower())
        if region is None:
            notices.append(
                f"region={raw!r} is not a {REGION_GROUPINGS[grouping][0]} "
                f"(one of {', '.join(slugs)}); showing all regions."
            )

    income = None
    raw = _first(params, "income")
    if raw:
        if raw.upper() in INCOME_GROUPS:
            income = raw.upper()
        else:
            notices.append(
                f"income={raw!r} is not one of {', '.join(k.lower() for k in INCOME_GROUPS)}; "
                "showing all income groups."
            )
    return Parsed(MapView(year, grouping, region, income), notices)


def parse_country(params: Mapping[str, object], countries: pd.DataFrame) -> Parsed:
    """Read `country` (ISO3); a missing value is no notice, a wrong one is."""
    raw = _first(params, "country")
    if raw is None or raw == "":
        return Parsed(None)
    iso3 = parse_iso3(raw, countries)
    if iso3 is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        return Parsed(None, [f"No country with the code {shown!r}. Choose one from the list."])
    return Parsed(iso3)
