"""Convening mode, pure logic: the presentation view's URL state, its slide sequence and the briefing.

The briefing is everything a presenter shows for one view (headline counts, the status map, progress
over time, what changed since a date, country spotlights and their sources), computed once from the
tables; the presentation page and the PowerPoint deck both render it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from hmhb_dash import indicators, queries
from hmhb_dash.i18n import N_, _
from hmhb_dash.permalinks import MapView, Parsed, parse_map_view
from hmhb_dash.safe_text import parse_int
from hmhb_dash.safe_text import shorten as _short
from hmhb_dash.schema import INCOME_GROUPS, NOT_REPORTED, STAGES

# Slide kinds a presenter can choose, in their default order. Spotlights are one slide per country.
PARTS: dict[str, str] = {
    "headline": N_("Headline numbers"),
    "map": N_("Map"),
    "trend": N_("Progress over time"),
    "changes": N_("What changed"),
    "spotlight": N_("Country spotlights"),
    "sources": N_("Sources"),
}
MAX_SPOTLIGHTS = 8
DEFAULT_SPOTLIGHTS = 3
PRODUCT = "MMS Adoption Tracker"
STAGE_NOTE = N_(
    "Stages are the project's reading of the public record (HMHB World Map, ministries, partners, "
    "trials), not an official HMHB classification."
)


@dataclass(frozen=True)
class PresentView:
    """What the presenter shows: the map filters, a 'since' date, spotlight countries, chosen parts."""

    map: MapView
    since: dt.date
    countries: tuple[str, ...] = ()  # spotlight ISO3 codes; empty = the default choice
    parts: tuple[str, ...] = tuple(PARTS)
    step: int = 1  # 1-based slide number

    def to_params(self, countries: pd.DataFrame, default_year: int, with_step: bool = True) -> dict[str, str]:
        params = self.map.to_params(countries, default_year)
        if self.since != default_since(self.map.year):
            params["since"] = self.since.isoformat()
        if self.countries:
            params["country"] = ",".join(self.countries)
        if self.parts != tuple(PARTS):
            params["parts"] = ",".join(self.parts)
        if with_step and self.step != 1:
            params["step"] = str(self.step)
        return params


def default_since(year: int) -> dt.date:
    """The default 'what changed since' date: two calendar years back from the end of `year`."""
    return dt.date(year - 1, 1, 1)


def _values(params: Mapping[str, object], name: str) -> list[str]:
    """Every value of a repeatable parameter; comma-separated values are split too."""
    raw = params.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def parse_present_view(
    params: Mapping[str, object], countries: pd.DataFrame, years: tuple[int, int]
) -> Parsed:
    """Map filters plus since, country (repeatable or comma-separated), parts and step."""
    parsed = parse_map_view(params, countries, years)
    notices = list(parsed.notices)
    view: MapView = parsed.view

    since = default_since(view.year)
    raw = params.get("since")
    raw = raw[0] if isinstance(raw, list | tuple) and raw else raw
    if raw:
        try:
            candidate = dt.date.fromisoformat(str(raw)) if len(str(raw)) == 10 else None
        except ValueError:
            candidate = None
        if candidate is None or not (dt.date(years[0], 1, 1) <= candidate < dt.date(view.year, 12, 31)):
            notices.append(
                _(
                    "since={value!r} is not a date (YYYY-MM-DD) from {first} to before the end of {year}; "
                    "showing changes since {date}."
                ).format(value=_short(str(raw)), first=years[0], year=view.year, date=since.isoformat())
            )
        else:
            since = candidate

    spotlight: list[str] = []
    for raw_code in _values(params, "country"):
        iso3 = queries.parse_iso3(raw_code, countries)
        if iso3 is None:
            notices.append(
                _("No country with the code {value!r}; left out of the spotlights.").format(
                    value=_short(raw_code)
                )
            )
        elif iso3 not in spotlight:
            spotlight.append(iso3)
    if len(spotlight) > MAX_SPOTLIGHTS:
        notices.append(_("At most {n} spotlight countries; showing the first {n}.").format(n=MAX_SPOTLIGHTS))
        spotlight = spotlight[:MAX_SPOTLIGHTS]

    parts = tuple(PARTS)
    chosen = _values(params, "parts")
    if chosen:
        known = [p.lower() for p in chosen if p.lower() in PARTS]
        unknown = [p for p in chosen if p.lower() not in PARTS]
        if unknown:
            notices.append(
                _("parts: {values} not one of {choices}; ignored.").format(
                    values=", ".join(repr(_short(p)) for p in unknown), choices=", ".join(PARTS)
                )
            )
        if known:
            parts = tuple(dict.fromkeys(known))

    step = 1
    raw = params.get("step")
    raw = raw[0] if isinstance(raw, list | tuple) and raw else raw
    if raw is not None:
        parsed_step = parse_int(raw, 1, 99)
        if parsed_step is not None:
            step = parsed_step
        else:
            notices.append(
                _("step={value!r} is not a slide number; showing the first slide.").format(
                    value=_short(str(raw))
                )
            )
    return Parsed(PresentView(view, since, tuple(spotlight), parts, step), notices)


# --- The briefing --------------------------------------------------------------------------
@dataclass
class Spotlight:
    iso3: str
    name: str
    stage_label: str
    since_text: str
    basis: str
    source_url: str
    history: pd.DataFrame  # country_stage_history rows
    milestones: pd.DataFrame  # key milestones, most recent first


@dataclass
class Briefing:
    view: PresentView
    as_of: pd.Timestamp
    filters: str  # "West and Central Africa, Low income" or "All countries"
    status: pd.DataFrame  # stage_as_of at as_of, filtered countries
    previous: pd.DataFrame  # stage_as_of at the end of the year before
    counts: pd.DataFrame  # stage_change(status, previous)
    over_time: pd.DataFrame  # stages_over_time up to the view's year
    changes: pd.DataFrame  # countries that moved since view.since, with what moved them
    spotlights: list[Spotlight]
    sources: pd.DataFrame  # what, url: every source behind what is shown
    data_version: str = ""
    notes: list[str] = field(default_factory=list)
    reached: indicators.Total | None = None  # women reached in the countries in view, as reported

    @property
    def as_of_text(self) -> str:
        return queries.format_date(self.as_of, "day")

    @property
    def since_text(self) -> str:
        return queries.format_date(pd.Timestamp(self.view.since), "day")

    @property
    def staged(self) -> int:
        return int((self.status["stage"] > 0).sum())

    @property
    def empty(self) -> bool:
        return self.status.empty

    def subtitle(self) -> str:
        """'As of 31 Dec 2024 · West and Central Africa · data version bundled'."""
        parts = [_("As of {date}").format(date=self.as_of_text), self.filters]
        if self.data_version:
            parts.append(_("data version {version}").format(version=self.data_version))
        return " · ".join(parts)


def filters_text(view: MapView) -> str:
    parts = []
    if view.region:
        parts.append(queries.region_label(view.grouping, view.region))
    if view.income:
        parts.append(_(INCOME_GROUPS[view.income]))
    return ", ".join(parts) if parts else _("All countries")


def changes_since(
    stage_history: pd.DataFrame,
    milestones: pd.DataFrame,
    countries: pd.DataFrame,
    since: dt.date,
    as_of: pd.Timestamp,
    today: dt.date,
    per_country: int = 3,
) -> pd.DataFrame:
    """Countries whose stage at `as_of` differs from their stage on `since`, with the milestones
    dated in between (most recent first) that moved them: iso3, name, stage_before_label, stage_label,
    since_text, basis, source_url, moves (list of 'date: title' strings), move_urls (their sources).
    """
    start = pd.Timestamp(since)
    now = queries.stage_as_of(stage_history, countries, as_of, today)
    before = queries.stage_as_of(stage_history, countries, start, today)
    moved = queries.moved_since(now, before)
    dated = milestones[(milestones["date"] > start) & (milestones["date"] <= as_of)]
    moves, urls = [], []
    for iso3 in moved["iso3"]:
        rows = queries.country_milestones(dated, iso3).iloc[::-1].head(per_country)
        # Titles often start with their own date; do not say it twice.
        moves.append(
            [t if str(t).startswith(d) else f"{d}: {t}" for d, t in zip(rows["date_text"], rows["title"])]
        )
        urls.append(list(rows["source_url"]))
    return moved.assign(moves=moves, move_urls=urls)


def key_milestones(milestones: pd.DataFrame, iso3: str, as_of: pd.Timestamp, limit: int = 6) -> pd.DataFrame:
    """A country's dated milestones up to `as_of`, most recent first (undated ones are left out)."""
    rows = queries.country_milestones(milestones, iso3)
    rows = rows[rows["date"].notna() & (rows["date"] <= as_of)]
    return rows.iloc[::-1].head(limit).reset_index(drop=True)


def default_spotlights(
    changes: pd.DataFrame, status: pd.DataFrame, limit: int = DEFAULT_SPOTLIGHTS
) -> list[str]:
    """Countries that moved (most advanced first), topped up with the most advanced of the view."""
    chosen = list(changes["iso3"].head(limit))
    if len(chosen) < limit:
        ranked = status[status["stage"] > 0].sort_values(["stage", "name"], ascending=[False, True])
        chosen += [c for c in ranked["iso3"] if c not in chosen][: limit - len(chosen)]
    return chosen


def _spotlight(tables: dict[str, pd.DataFrame], iso3: str, as_of: pd.Timestamp, today: dt.date) -> Spotlight:
    countries = tables["countries"]
    name = countries.loc[countries["iso3"] == iso3, "name"].iloc[0]
    history = queries.country_stage_history(tables["stage_history"], iso3)
    effective = history["since"].fillna(pd.Timestamp(today))
    history = history[effective <= as_of].reset_index(drop=True)
    if history.empty:
        stage_label, since_text, basis, source = _(STAGES[0]), "", _(NOT_REPORTED), ""
    else:
        latest = history.iloc[-1]
        stage_label, since_text = str(latest["stage_label"]), str(latest["since_text"])
        basis, source = str(latest["basis"]), str(latest["source_url"])
    return Spotlight(
        iso3,
        str(name),
        stage_label,
        since_text,
        basis,
        source,
        history,
        key_milestones(tables["milestones"], iso3, as_of),
    )


def _sources(changes: pd.DataFrame, spotlights: list[Spotlight], countries: pd.DataFrame) -> pd.DataFrame:
    rows: list[tuple[str, str]] = []
    for row in changes.itertuples():
        rows.append((f"{row.name}: {row.stage_label}", row.source_url))
        rows += [(_("{country}: milestone").format(country=row.name), url) for url in row.move_urls]
    for spot in spotlights:
        rows += [(f"{spot.name}: {h.stage_label}", h.source_url) for h in spot.history.itertuples()]
        rows += [(f"{spot.name}: {m.kind_label}", m.source_url) for m in spot.milestones.itertuples()]
    grouping_urls = pd.concat(
        [countries[c] for c in ("unicef_source_url", "who_source_url", "wb_source_url")]
    )
    rows += [(_("Country groupings"), url) for url in grouping_urls.dropna().unique()]
    frame = pd.DataFrame(rows, columns=["what", "url"])
    frame = frame[frame["url"].astype(str).str.match(r"^https?://")]
    return frame.drop_duplicates("url").reset_index(drop=True)


def brief(
    tables: dict[str, pd.DataFrame], view: PresentView, today: dt.date, data_version: str = ""
) -> Briefing:
    """Everything the presentation page and the deck show for `view`."""
    mv = view.map
    countries = queries.filter_countries(tables["countries"], mv.grouping, mv.region, mv.income)
    as_of = queries.end_of_year(mv.year, today)
    history = tables["stage_history"]
    status = queries.stage_as_of(history, countries, as_of, today)
    previous = queries.stage_as_of(history, countries, queries.end_of_year(mv.year - 1, today), today)
    first, _last = queries.year_range(history, today)
    over_time = queries.stages_over_time(history, countries, range(min(first, mv.year), mv.year + 1), today)
    changes = changes_since(history, tables["milestones"], countries, view.since, as_of, today)
    chosen = list(view.countries) or default_spotlights(changes, status)
    spotlights = [_spotlight(tables, iso3, as_of, today) for iso3 in chosen]
    return Briefing(
        view=view,
        as_of=as_of,
        filters=filters_text(mv),
        status=status,
        previous=previous,
        counts=queries.stage_change(status, previous),
        over_time=over_time,
        changes=changes,
        spotlights=spotlights,
        sources=_sources(changes, spotlights, countries),
        data_version=data_version,
        reached=indicators.total(tables["indicators"], countries["iso3"]),
    )


# --- The slide sequence ----------------------------------------------------------------------
@dataclass(frozen=True)
class Slide:
    kind: str  # one of PARTS (spotlight slides carry the country)
    title: str
    iso3: str | None = None


# Each slide kind's title (translated when shown); a spotlight is one slide per country, titled with its
# name. A new kind of PARTS adds its title here and its renderer in deck.RENDERERS and in
# ui/present_page.present_slide.
TITLES: dict[str, Callable[[Briefing], str]] = {
    "headline": lambda b: _("MMS adoption as of {date}").format(date=b.as_of_text),
    "map": lambda b: _("Programme stage by country, {year}").format(year=b.view.map.year),
    "trend": lambda b: _("Countries per stage over time, to {year}").format(year=b.view.map.year),
    "changes": lambda b: _("What changed since {date}").format(date=b.since_text),
    "sources": lambda b: _("Sources"),
}


def slide_sequence(briefing: Briefing) -> list[Slide]:
    """The slides of a briefing, in the presenter's chosen order, one per spotlight country."""
    slides = []
    for part in briefing.view.parts:
        if part == "spotlight":
            slides += [
                Slide(part, _("Spotlight: {country}").format(country=s.name), s.iso3)
                for s in briefing.spotlights
            ]
        else:
            slides.append(Slide(part, TITLES[part](briefing)))
    return slides


def clamp_step(step: int, slides: list[Slide]) -> int:
    return min(max(step, 1), max(len(slides), 1))
