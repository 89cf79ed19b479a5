"""View state <-> URL query parameters: short readable names, strict parsing, defaults on bad input.

Nothing from a URL is evaluated: every value is matched against a closed set of choices or parsed as
a bounded integer, and anything else falls back to the default with a notice naming it. Notices are
plain text (the command line prints them); pages escape them for Markdown when they show them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from hmhb_dash.i18n import N_, _
from hmhb_dash.queries import parse_iso3, region_column
from hmhb_dash.safe_text import parse_int
from hmhb_dash.safe_text import shorten as _shown
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


def _region_params(grouping: str, region: str | None) -> dict[str, str]:
    """The grouping and region part of a view's URL, defaults left out."""
    params: dict[str, str] = {}
    if grouping != DEFAULT_GROUPING:
        params["grouping"] = grouping
    if region:
        params["region"] = region_slug(region)
    return params


@dataclass(frozen=True)
class MapView:
    year: int
    grouping: str = DEFAULT_GROUPING
    region: str | None = None  # full region name within the grouping
    income: str | None = None  # World Bank income code (L, LM, UM, H)
    layer: str = "stage"  # what the map colours: a key of MAP_LAYERS

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
        if self.layer != "stage":
            params["layer"] = self.layer
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
        parsed_year = parse_int(raw, first_year, last_year)
        if parsed_year is not None:
            year = parsed_year
        else:
            notices.append(
                _("year={value!r} is not a year from {first} to {last}; showing {last}.").format(
                    value=_shown(raw), first=first_year, last=last_year
                )
            )

    grouping, region = _grouping_and_region(params, countries, notices)

    income = None
    raw = _first(params, "income")
    if raw:
        if raw.upper() in INCOME_GROUPS:
            income = raw.upper()
        else:
            notices.append(
                _("income={value!r} is not one of {choices}; showing all income groups.").format(
                    value=raw, choices=", ".join(k.lower() for k in INCOME_GROUPS)
                )
            )
    layer = parse_layer(params)
    return Parsed(MapView(year, grouping, region, income, layer.view), notices + layer.notices)


def parse_country(params: Mapping[str, object], countries: pd.DataFrame) -> Parsed:
    """Read `country` (ISO3); a missing value is no notice, a wrong one is."""
    raw = _first(params, "country")
    if raw is None or raw == "":
        return Parsed(None)
    iso3 = parse_iso3(raw, countries)
    if iso3 is None:
        return Parsed(
            None,
            [_("No country with the code {value!r}. Choose one from the list.").format(value=_shown(raw))],
        )
    return Parsed(iso3)


# --- Evidence library, members and map layer ---------------------------------------------------
MAX_QUERY_CHARS = 200
MAP_LAYERS: dict[str, str] = {
    "stage": N_("Programme stage"),
    "evidence": N_("Evidence items"),
    "organisations": N_("Organisations active"),
}


def value_slug(value: str) -> str:
    """'Policy and policy development' -> 'policy-and-policy-development' (topics, types in URLs)."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _choices(
    params: Mapping[str, object], name: str, allowed: tuple[str, ...] | list[str], what: str
) -> tuple[tuple[str, ...], list[str]]:
    """A comma-separated list of slugs from a closed set; unknown ones are dropped with a notice.

    `what` is the notice's message (marked N_, with {name} and {value}), translated here."""
    raw = _first(params, name)
    if not raw:
        return (), []
    by_slug = {value_slug(v): v for v in allowed}
    chosen, unknown = [], []
    for part in raw.split(",")[:50]:
        value = by_slug.get(value_slug(part))
        if value is None:
            unknown.append(part.strip())
        elif value not in chosen:
            chosen.append(value)
    notices = [_(what).format(name=name, value=_shown(", ".join(unknown)))] if unknown else []
    return tuple(chosen), notices


def _flag(params: Mapping[str, object], name: str, notices: list[str]) -> bool:
    raw = _first(params, name)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() not in ("0", "false", "no"):
        notices.append(_("{name}={value!r} is not 1 or 0; ignored.").format(name=name, value=_shown(raw)))
    return False


_NOT_A_REGION = {
    "unicef": N_("region={value!r} is not a UNICEF region (one of {choices}); showing all regions."),
    "who": N_("region={value!r} is not a WHO region (one of {choices}); showing all regions."),
    "wb": N_("region={value!r} is not a World Bank region (one of {choices}); showing all regions."),
}


def _grouping_and_region(
    params: Mapping[str, object], countries: pd.DataFrame, notices: list[str]
) -> tuple[str, str | None]:
    grouping = DEFAULT_GROUPING
    raw = _first(params, "grouping")
    if raw is not None:
        if raw.lower() in REGION_GROUPINGS:
            grouping = raw.lower()
        else:
            notices.append(
                _("grouping={value!r} is not one of {choices}; using UNICEF regions.").format(
                    value=_shown(raw), choices=", ".join(REGION_GROUPINGS)
                )
            )
    region = None
    raw = _first(params, "region")
    if raw:
        slugs = region_slugs(countries, grouping)
        region = slugs.get(raw.lower())
        if region is None:
            notices.append(_(_NOT_A_REGION[grouping]).format(value=_shown(raw), choices=", ".join(slugs)))
    return grouping, region


@dataclass(frozen=True)
class EvidenceView:
    grouping: str = DEFAULT_GROUPING
    region: str | None = None
    include_global: bool = False
    countries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    verified_only: bool = False
    q: str = ""
    item: str | None = None

    def to_params(self) -> dict[str, str]:
        params = _region_params(self.grouping, self.region)
        if self.region and self.include_global:
            params["global"] = "1"
        if self.countries:
            params["country"] = ",".join(self.countries)
        if self.topics:
            params["topic"] = ",".join(value_slug(t) for t in self.topics)
        if self.types:
            params["type"] = ",".join(value_slug(t) for t in self.types)
        if self.years:
            params["years"] = f"{self.years[0]}-{self.years[1]}"
        if self.verified_only:
            params["verified"] = "1"
        if self.q:
            params["q"] = self.q
        if self.item:
            params["item"] = self.item
        return params


def parse_evidence_view(
    params: Mapping[str, object],
    countries: pd.DataFrame,
    years: tuple[int, int],
    item_ids: frozenset[str] | set[str],
    topics: tuple[str, ...],
    types: tuple[str, ...],
) -> Parsed:
    """Read the evidence library's filters: region, country, topic, type, years, verified, q, item."""
    notices: list[str] = []
    grouping, region = _grouping_and_region(params, countries, notices)
    include_global = _flag(params, "global", notices)

    codes: list[str] = []
    raw = _first(params, "country")
    if raw:
        bad = []
        for part in raw.split(",")[:50]:
            iso3 = parse_iso3(part, countries)
            if iso3 is None:
                bad.append(part.strip())
            elif iso3 not in codes:
                codes.append(iso3)
        if bad:
            notices.append(
                _("country={value!r} is not a known country code; ignored.").format(
                    value=_shown(", ".join(bad))
                )
            )

    chosen_topics, more = _choices(
        params, "topic", topics, N_("{name}={value!r} is not a known topic; ignored.")
    )
    notices += more
    chosen_types, more = _choices(
        params, "type", types, N_("{name}={value!r} is not a known evidence type; ignored.")
    )
    notices += more

    span = None
    first, last = years
    raw = _first(params, "years")
    if raw:
        match = re.fullmatch(r"\s*([0-9]{4})\s*-\s*([0-9]{4})\s*", raw)
        low, high = (int(match[1]), int(match[2])) if match else (0, -1)
        if match and first <= low <= high <= last:
            span = None if (low, high) == (first, last) else (low, high)
        else:
            notices.append(
                _("years={value!r} is not a range like {first}-{last}; showing every year.").format(
                    value=_shown(raw), first=first, last=last
                )
            )

    verified_only = _flag(params, "verified", notices)

    q = _first(params, "q") or ""
    if len(q) > MAX_QUERY_CHARS:
        notices.append(_("The search was cut to its first {n} characters.").format(n=MAX_QUERY_CHARS))
        q = q[:MAX_QUERY_CHARS]

    item = _first(params, "item") or None
    if item is not None and item not in item_ids:
        notices.append(
            _("No evidence item with the id {value!r}; showing the list.").format(value=_shown(item))
        )
        item = None

    view = EvidenceView(
        grouping,
        region,
        include_global,
        tuple(codes),
        chosen_topics,
        chosen_types,
        span,
        verified_only,
        q,
        item,
    )
    return Parsed(view, notices)


@dataclass(frozen=True)
class MembersView:
    grouping: str = DEFAULT_GROUPING
    region: str | None = None
    org_types: tuple[str, ...] = ()
    activity_types: tuple[str, ...] = ()
    org: str | None = None

    def to_params(self) -> dict[str, str]:
        params = _region_params(self.grouping, self.region)
        if self.org_types:
            params["orgtype"] = ",".join(value_slug(t) for t in self.org_types)
        if self.activity_types:
            params["activity"] = ",".join(value_slug(t) for t in self.activity_types)
        if self.org:
            params["org"] = self.org
        return params


def parse_org(params: Mapping[str, object], org_ids: list[str] | tuple[str, ...]) -> Parsed:
    """Read `org` (an organisation id, case-insensitive); a wrong one gives a notice."""
    raw = _first(params, "org")
    if not raw:
        return Parsed(None)
    if raw in org_ids:
        return Parsed(raw)
    by_lower = {o.lower(): o for o in org_ids}
    if raw.strip().lower() in by_lower:
        return Parsed(by_lower[raw.strip().lower()])
    return Parsed(
        None, [_("No organisation with the id {value!r}; showing the directory.").format(value=_shown(raw))]
    )


def parse_members_view(
    params: Mapping[str, object],
    countries: pd.DataFrame,
    org_ids: list[str] | tuple[str, ...],
    org_types: tuple[str, ...],
    activity_types: tuple[str, ...],
) -> Parsed:
    """Read the members page's filters (orgtype, activity, grouping, region) and `org`."""
    notices: list[str] = []
    grouping, region = _grouping_and_region(params, countries, notices)
    chosen_org_types, more = _choices(
        params, "orgtype", org_types, N_("{name}={value!r} is not a known organisation type; ignored.")
    )
    notices += more
    chosen_activities, more = _choices(
        params, "activity", activity_types, N_("{name}={value!r} is not a known activity type; ignored.")
    )
    notices += more
    org = parse_org(params, org_ids)
    notices += org.notices
    return Parsed(MembersView(grouping, region, chosen_org_types, chosen_activities, org.view), notices)


def parse_layer(params: Mapping[str, object]) -> Parsed:
    """Read the map's `layer` (stage, evidence or organisations); stage is the default."""
    raw = _first(params, "layer")
    if raw is None or raw == "" or raw.lower() == "stage":
        return Parsed("stage")
    if raw.lower() in MAP_LAYERS:
        return Parsed(raw.lower())
    return Parsed(
        "stage",
        [
            _("layer={value!r} is not one of {choices}; showing stages.").format(
                value=_shown(raw), choices=", ".join(MAP_LAYERS)
            )
        ],
    )
