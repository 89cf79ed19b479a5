"""Build the static site from one data version: page contexts, Jinja2 rendering, files as bytes (pure).

Everything a page needs is in the page or in files beside it (browsers refuse `fetch` from file://),
the map is the app's own lightmap.js, and the same data version gives byte-identical files. The site's
words are in the app's catalogue: a build runs inside `i18n.using(lang)`, so the templates, this module
and the modules it calls (queries, export, presentation) all speak one language.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from hmhb_dash import evidence as evidence_lib
from hmhb_dash import export, i18n, indicators, presentation, queries, safe_text, svgmap
from hmhb_dash.i18n import _, ngettext
from hmhb_dash.permalinks import MapView
from hmhb_dash.registry import ASSETS
from hmhb_dash.schema import (
    INCOME_GROUPS,
    NOT_REPORTED,
    REGION_GROUPINGS,
    STAGE_COLOURS,
    STAGE_MEANINGS,
    STAGES,
)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LANGUAGES: dict[str, str] = i18n.LANGUAGES  # the app's languages: one catalogue for app and site
ALL = "all"  # --lang all: every language, English at the top, the others in their own folders
SOURCE_LANG = "en"  # the language the data's own texts (basis, titles, summaries) are written in
ZIP_DATE = export.ZIP_DATE
DATASET_FILE = "downloads/mms-tracker-dataset.zip"
# Copied byte for byte: the site's map is the app's map.
ASSET_FILES = {
    "assets/lightmap.js": ASSETS / "lightmap.js",
    "assets/lightmap.css": ASSETS / "lightmap.css",
    "assets/site.js": STATIC / "site.js",
    "assets/site.css": STATIC / "site.css",
    "assets/favicon.png": ASSETS / "favicon.png",
}
_ISO3 = re.compile(r"^[A-Z]{3}$")
_VERSION_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T")


class UnknownLanguageError(ValueError):
    """A language the site has no strings for."""


# --- Safety: text, links and JSON from untrusted data ------------------------------------------
def http_url(value: object) -> str | None:
    """The URL when it is an absolute http(s) link with a host (percent-encoded), else None: never a link."""
    return safe_text.safe_url(value)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def plain(value: object) -> str:
    """A value as display text: missing becomes 'not reported' (in the current language)."""
    return _(NOT_REPORTED) if _missing(value) else " ".join(str(value).split())


def optional(value: object) -> str:
    """A value as text, or '' when missing (for fields shown only when present)."""
    return "" if _missing(value) else " ".join(str(value).split())


def name_key(name: str) -> str:
    """Sort key for names in any of the languages: 'Égypte' with the E's, 'Côte' with the C's."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: object) -> Markup:
    """JSON that is safe inside <script type="application/json">: no '</script>', no '<!--', no
    line separators; read back with JSON.parse(textContent). Sorted keys keep the bytes stable."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text))


# --- Dates -------------------------------------------------------------------------------------
def _latest_fact(tables: dict[str, pd.DataFrame]) -> tuple[pd.Timestamp, str] | None:
    """The date of the newest dated stage or milestone, with the finest precision given for it."""
    rows = pd.concat(
        [
            tables["stage_history"][["since", "since_precision"]].set_axis(["date", "precision"], axis=1),
            tables["milestones"][["date", "date_precision"]].set_axis(["date", "precision"], axis=1),
        ],
        ignore_index=True,
    ).dropna(subset=["date"])
    if rows.empty:
        return None
    latest = rows["date"].max()
    given = set(rows.loc[rows["date"] == latest, "precision"].astype(str))
    return pd.Timestamp(latest), next((p for p in ("day", "month", "year") if p in given), "day")


def site_date(version: str, tables: dict[str, pd.DataFrame]) -> dt.date:
    """The date the site is 'as of': a published version's own date (its id starts YYYYMMDDT);
    for the bundled snapshot, its newest dated fact. Never the build machine's clock."""
    match = _VERSION_DATE.match(version or "")
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    latest = _latest_fact(tables)
    return latest[0].date() if latest else dt.date(2000, 1, 1)


def site_date_text(version: str, tables: dict[str, pd.DataFrame]) -> str:
    """The site's date as people read it: no more precise than the fact it comes from ('2026')."""
    day = site_date(version, tables)
    latest = None if _VERSION_DATE.match(version or "") else _latest_fact(tables)
    precision = latest[1] if latest and latest[0].date() == day else "day"
    return queries.format_date(pd.Timestamp(day), precision)


def deterministic_zip(files: dict[str, bytes]) -> bytes:
    """A zip of `files` in name order with one fixed date: equal contents give equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


# --- Languages ---------------------------------------------------------------------------------
# The data's texts stay as written: the tracker's own (basis, titles, summaries) in English, a source's
# words (quotes) in the source's language, sometimes French or Portuguese. Frequent short words tell
# which, so each text can carry its `lang` for screen readers, hyphenation and translation tools.
_COMMON_WORDS = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and in to is was with for on by from that are this",
        "fr": "le la les des du une est dans pour sur avec et au aux qui par été",
        "pt": "o os da do das dos uma não para com em e no na pelo pela que foi",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]+")


def text_language(value: str) -> str:
    """The language a text of the data is written in: SOURCE_LANG unless French or Portuguese words
    clearly outnumber English ones."""
    words = [w.casefold() for w in _WORD.findall(value)]
    scores = {lang: sum(w in common for w in words) for lang, common in _COMMON_WORDS.items()}
    best = max(("fr", "pt"), key=lambda lang: scores[lang])
    return best if scores[best] >= 2 and scores[best] > 2 * scores[SOURCE_LANG] else SOURCE_LANG


def lang_attr(page_lang: str) -> Callable[[object], Markup]:
    """A template filter: ' lang="en"' for a text of the data written in another language than the page."""

    def attr(value: object) -> Markup:
        text = optional(value)
        lang = text_language(text) if text else page_lang
        return Markup(f' lang="{lang}"') if lang != page_lang else Markup("")

    return attr


def site_languages(lang: str) -> list[str]:
    """The languages a `--lang` value builds: one, or every one for 'all' (English first)."""
    if lang == ALL:
        return list(LANGUAGES)
    if lang not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise UnknownLanguageError(
            f"unknown language {safe_text.shorten(str(lang))!r}: the site is available in {known} "
            f"(or {ALL}, for every one)"
        )
    return [lang]


def translator(lang: str) -> i18n.Translator:
    """The translator of one of the site's languages (UnknownLanguageError for any other)."""
    site_languages(lang)
    if lang == ALL:
        raise UnknownLanguageError(f"{ALL} is every language, not one")
    return i18n.translator(lang)


def language_root(lang: str, languages: list[str]) -> str:
    """The folder of a language in a build of `languages`: the first at the top, the others in theirs."""
    return "" if lang == languages[0] else f"{lang}/"


def environment(tr: i18n.Translator) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: data is text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(tr.gettext, tr.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["lang_attr"] = lang_attr(tr.lang)
    return env


# --- Contexts ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SiteInput:
    tables: dict[str, pd.DataFrame]
    version: str
    shapes: svgmap.MapShapes
    year: int | None = None
    lang: str = "en"


def year_bounds(tables: dict[str, pd.DataFrame], today: dt.date) -> tuple[int, int]:
    return queries.year_range(tables["stage_history"], today)


def country_href(iso3: str) -> str:
    return f"countries/{iso3}.html"


def _stage_sentence(name: str, stage: str, since: object, precision: str) -> str:
    if since is None or pd.isna(since) or precision == NOT_REPORTED:
        return _("%(name)s reached %(stage)s; no source gives the date.") % {"name": name, "stage": stage}
    when = queries.format_date(since, precision)
    if precision == "day":
        return _("%(name)s reached %(stage)s on %(date)s.") % {"name": name, "stage": stage, "date": when}
    return _("%(name)s reached %(stage)s in %(date)s.") % {"name": name, "stage": stage, "date": when}


def _current_stage(history: pd.DataFrame, today: dt.date) -> dict | None:
    """The stage a country's history reads on the site's date (an undated stage counts from it)."""
    effective = history["since"].fillna(pd.Timestamp(today))
    rows = history.assign(_effective=effective)
    rows = rows[rows["_effective"] <= pd.Timestamp(today)].sort_values(["_effective", "stage"])
    if rows.empty:
        return None
    latest = rows.iloc[-1]
    return {
        "stage": int(latest["stage"]),
        "label": str(latest["stage_label"]),
        "since": optional(latest["since_text"]) if not pd.isna(latest["since"]) else "",
        "basis": optional(latest["basis"]),
        "url": http_url(latest["source_url"]),
        "colour": STAGE_COLOURS[int(latest["stage"])],
    }


def _year_text(value: object) -> str:
    return _(NOT_REPORTED) if value is None or pd.isna(value) else str(int(value))


def evidence_rows(frame: pd.DataFrame) -> list[dict]:
    return [
        {
            "title": plain(row["title"]),
            "link": http_url(evidence_lib.doi_url(row["doi"])) or http_url(row["url"]),
            "year": _year_text(row["year"]),
            "type": plain(queries.vocabulary_label(row["type"])),
            "publisher": optional(row["publisher"]),
            "authors": optional(row["authors"]),
            "summary": optional(row["summary"]),
            "verified": bool(row["verified"]),
        }
        for _, row in frame.iterrows()
    ]


def recorded_countries(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Countries that any table says something about (the others get the short 'no record' page)."""
    named = set(tables["evidence"]["countries"].map(queries.split_list).explode().dropna())
    for name in ("stage_history", "milestones", "activities", "indicators", "hmhb_labels"):
        named |= set(tables[name]["iso3"].astype(str))
    return named


def _no_record_profile(country: pd.Series, iso3: str) -> queries.CountryProfile:
    """The profile of a country no table mentions, without joining every table for nothing."""
    none = pd.DataFrame()
    return queries.CountryProfile(
        iso3, str(country["name"]), queries.country_groupings(country), none, none, none, none, none
    )


def country_context(
    tables: dict[str, pd.DataFrame], iso3: str, today: dt.date, country: pd.Series | None = None
) -> dict:
    """Everything one country page says, as plain values (the template escapes them). With `country`
    (its row of the countries table) the page is the short one of a country no table mentions."""
    recorded = country is None
    profile = queries.country_profile(tables, iso3) if recorded else _no_record_profile(country, iso3)
    name = plain(profile.name)
    story = [
        {
            "sentence": _stage_sentence(name, str(h.stage_label), h.since, str(h.since_precision)),
            "basis": optional(h.basis),
            "url": http_url(h.source_url),
            "colour": STAGE_COLOURS[int(h.stage)],
        }
        for h in profile.history.itertuples(index=False)
    ]

    def milestone(m) -> dict:
        return {
            "date": plain(m.date_text) if not pd.isna(m.date) else _("Date not reported"),
            "kind": plain(m.kind_label),
            "title": plain(m.title),
            "detail": optional(m.detail),
            "quote": optional(m.quote),
            "url": http_url(m.source_url),
            "note": optional(m.source_note),
        }

    none = pd.DataFrame(columns=["text", "source_url"])
    labels = indicators.country_labels(tables["hmhb_labels"], iso3) if recorded else none
    numbers = indicators.country_indicators(tables["indicators"], iso3) if recorded else none
    activities = profile.activities
    groupings = profile.groupings
    return {
        "iso3": iso3,
        "name": name,
        "has_records": profile.has_records,
        "current": _current_stage(profile.history, today) if not profile.history.empty else None,
        "story": story,
        "milestones": [milestone(m) for m in profile.milestones.itertuples(index=False)],
        "policy": [milestone(m) for m in profile.policy.itertuples(index=False)],
        "labels": [
            {"text": plain(r.text), "url": http_url(r.source_url)} for r in labels.itertuples(index=False)
        ],
        "numbers": [
            {
                "what": plain(r.indicator_label),
                "value": plain(r.value_text),
                "period": plain(r.period_text),
                "quote": optional(r.quote),
                "url": http_url(r.source_url),
                "verified": bool(r.verified),
            }
            for r in numbers.itertuples(index=False)
        ],
        "activities": [
            {
                "organisation": plain(a.organisation),
                "website": http_url(a.website),
                "type": plain(queries.vocabulary_label(a.activity_type)),
                "years": plain(a.years),
                "description": optional(a.description),
                "url": http_url(a.source_url),
                "verified": bool(a.verified),
            }
            for a in activities.itertuples(index=False)
        ],
        "evidence": evidence_rows(profile.evidence),
        "groupings": [
            {
                "grouping": plain(g.grouping),
                "value": plain(g.value),
                "as_of": optional(g.as_of),
                "url": http_url(g.source_url),
            }
            for g in groupings.itertuples(index=False)
        ],
    }


# --- The index: map, headline, filters, table ---------------------------------------------------
def _reached(k: int) -> str:
    return ngettext(
        "At least {n} pregnant women reached in {k} country, as reported",
        "At least {n} pregnant women reached in {k} countries, as reported",
        k,
    )


def _in_view(n: int) -> str:
    return ngettext("{n} country in view", "{n} countries in view", n)


def _shown(total: int) -> str:
    return ngettext("Showing {n} of {total} item", "Showing {n} of {total} items", total)


def plural_forms(message: Callable[[int], str]) -> dict[str, str]:
    """A counted message as site.js picks it: by the language's plural category (Intl.PluralRules),
    'one' or 'other', which for English, French and Portuguese match the catalogues' plural forms."""
    return {"one": message(1), "other": message(2)}


def page_text() -> dict:
    """Words site.js writes into the page, in the current language (placeholders in braces)."""
    return {
        "change": _("{n} since end of {year}"),
        "no_change": _("no change since end of {year}"),
        "reached": plural_forms(_reached),
        "reached_none": _("No country in view reports a number of pregnant women reached"),
        "in_view": plural_forms(_in_view),
        "source": _("source"),
        "not_reported": _(NOT_REPORTED),
        "shown": plural_forms(_shown),
        "no_rows": _("No country in view has a recorded stage in {year}."),
    }


def browser_locale(lang: str) -> str:
    """The BCP 47 locale site.js formats numbers and picks plurals with ('pt-PT', as Babel does)."""
    return i18n.BABEL_LOCALES.get(lang, lang).replace("_", "-")


def region_choices(countries: pd.DataFrame) -> dict[str, list[list[str]]]:
    return {
        grouping: [
            [r, queries.region_label(grouping, r)] for r in queries.region_options(countries, grouping)
        ]
        for grouping in REGION_GROUPINGS
    }


def country_groups(countries: pd.DataFrame) -> dict[str, list]:
    """iso3 -> [UNICEF region, WHO region, World Bank region, income group] (None where missing)."""
    columns = [queries.region_column(g) for g in REGION_GROUPINGS] + ["wb_income"]
    return {
        str(row["iso3"]): [None if pd.isna(row[c]) else str(row[c]) for c in columns]
        for _, row in countries.iterrows()
    }


def filter_boxes(countries: pd.DataFrame, shapes: svgmap.MapShapes) -> dict[str, list[int]]:
    """'grouping|region|income' -> the map frame of that filter (svgmap.view_box, as the app frames it)."""
    boxes = {}
    for grouping in REGION_GROUPINGS:
        for region in [None, *queries.region_options(countries, grouping)]:
            for income in [None, *INCOME_GROUPS]:
                if region is None and income is None:
                    continue
                chosen = queries.filter_countries(countries, grouping, region, income)
                if len(chosen):
                    key = f"{grouping}|{region or ''}|{income or ''}"
                    boxes[key] = list(svgmap.view_box(shapes, chosen["iso3"]))
    return boxes


def period_details(stage_history: pd.DataFrame, timeline: dict[str, dict]) -> dict[str, list[list]]:
    """iso3 -> [[basis, source url or None, basis language], ...], one per period of the timeline."""
    details = {}
    for iso3, entry in timeline.items():
        rows = queries.country_stage_history(stage_history, iso3)
        by_period = {(int(r.stage), str(r.since_text)): r for r in rows.itertuples(index=False)}
        out = []
        for stage, since in entry["periods"]:
            row = by_period.get((int(stage), str(since)))
            basis = optional(row.basis) if row is not None else ""
            url = http_url(row.source_url) if row is not None else None
            out.append([basis, url, text_language(basis) if basis else None])
        details[iso3] = out
    return details


def headline(timeline: dict[str, dict], included: set[str] | None, first: int, year: int) -> dict:
    """Countries per stage in `year` and the change since the year before (site.js does the same)."""

    def counts(at: int) -> dict[int, int]:
        tally = dict.fromkeys(STAGES, 0)
        for iso3 in timeline:
            if included is not None and iso3 not in included:
                continue
            index = at - first
            stage = (
                svgmap.stage_in(timeline, iso3, min(index, len(timeline[iso3]["years"]) - 1))[0]
                if index >= 0
                else 0
            )
            tally[stage] += 1
        return tally

    now, before = counts(year), counts(year - 1)
    cards = [("any", sum(now[s] for s in STAGES if s), sum(before[s] for s in STAGES if s))]
    cards += [(str(s), now[s], before[s]) for s in STAGES if s]
    return {key: {"now": n, "change": n - b} for key, n, b in cards}


def change_text(change: int, year: int) -> str:
    if not change:
        return _("no change since end of {year}").format(year=year - 1)
    return _("{n} since end of {year}").format(n=f"{change:+d}", year=year - 1)


def reached_text(reached: dict[str, int], included: set[str] | None) -> str:
    values = [v for iso3, v in reached.items() if included is None or iso3 in included]
    if not values:
        return _("No country in view reports a number of pregnant women reached")
    return _reached(len(values)).format(n=i18n.format_number(sum(values)), k=len(values))


def reached_per_country(table: pd.DataFrame) -> dict[str, int]:
    """iso3 -> the largest number of pregnant women reached its sources give (never another kind)."""
    rows = table[(table["indicator"] == indicators.REACHED) & table["value"].notna()]
    return {str(k): int(v) for k, v in rows.groupby("iso3")["value"].max().items()}


def table_rows(
    timeline: dict[str, dict],
    details: dict[str, list[list]],
    names: dict[str, str],
    first: int,
    year: int,
    attr: Callable[[object], Markup],
) -> list[dict]:
    """The country table: every country that has a stage in some year, as of `year` (hidden at 0)."""
    order = {iso3: i for i, iso3 in enumerate(sorted(timeline, key=lambda c: (name_key(names.get(c, c)), c)))}
    rows = []
    for iso3 in timeline:
        stage, since = svgmap.stage_in(timeline, iso3, min(year - first, len(timeline[iso3]["years"]) - 1))
        mark = int(timeline[iso3]["years"][min(year - first, len(timeline[iso3]["years"]) - 1)])
        basis, url, _lang = details[iso3][mark - 1] if mark else ("", None, None)
        rows.append(
            {
                "iso3": iso3,
                "name": plain(names.get(iso3, iso3)),
                "href": country_href(iso3),
                "order": order[iso3],
                "stage": stage,
                "label": _(STAGES[stage]),
                "since": since or _(NOT_REPORTED),
                "basis": basis or _(NOT_REPORTED),
                "basis_lang": attr(basis),
                "url": url,
                "hidden": stage == 0,
            }
        )
    return sorted(rows, key=lambda r: (-r["stage"], r["order"]))


# --- The evidence page -------------------------------------------------------------------------
def evidence_items(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Every evidence item with what the client-side filters and the search read."""
    countries = tables["countries"]
    index = evidence_lib.build_index(tables["evidence"], countries)
    ordered = evidence_lib.search(index, evidence_lib.EvidenceQuery())
    lookups = {
        g: countries.set_index("iso3")[queries.region_column(g)].dropna().to_dict() for g in REGION_GROUPINGS
    }
    names = dict(zip(countries["iso3"], countries["name"]))
    items = []
    for row in ordered.to_dict("records"):
        codes = [c for c in row["country_codes"] if _ISO3.match(c)]
        regions = {
            g: sorted({lookup[c] for c in codes if c in lookup}) if codes else [evidence_lib.GLOBAL]
            for g, lookup in lookups.items()
        }
        title = evidence_lib.normalise(row["title"])
        others = " | ".join(evidence_lib.normalise(row[c]) for c in ("authors", "publisher", "summary"))
        topics = queries.split_list(row["topics"])
        items.append(
            {
                "title": plain(row["title"]),
                "link": http_url(evidence_lib.doi_url(row["doi"])) or http_url(row["url"]),
                "year": _year_text(row["year"]),
                "year_value": "" if pd.isna(row["year"]) else str(int(row["year"])),
                "type": plain(queries.vocabulary_label(row["type"])),
                "type_key": optional(row["type"]),
                "publisher": optional(row["publisher"]),
                "authors": optional(row["authors"]),
                "summary": optional(row["summary"]),
                "verified": bool(row["verified"]),
                "countries": [
                    {
                        "iso3": c,
                        "name": plain(names.get(c, c)),
                        "href": country_href(c) if c in names else None,
                    }
                    for c in codes
                ],
                "topics": topics,
                "topic_labels": [_(topic) for topic in topics],
                "regions": {g: "|".join(r) for g, r in regions.items()},
                "codes": "|".join(codes),
                "topic_key": "|".join(topics),
                "title_key": title,
                "text_key": f"{title} | {others}",
            }
        )
    return items


def evidence_filters(items: list[dict], countries: pd.DataFrame) -> dict:
    names = dict(zip(countries["iso3"], countries["name"]))
    named = sorted(
        {c["iso3"] for item in items for c in item["countries"] if c["iso3"] in names},
        key=lambda c: (name_key(names[c]), c),
    )
    years = [int(i["year_value"]) for i in items if i["year_value"]]

    def choices(values: set[str]) -> list[list[str]]:
        """[value, label] in the order of the labels: values filter the data, labels are read."""
        return sorted(([v, _(v)] for v in values), key=lambda c: (name_key(c[1]), c[0]))

    return {
        "countries": [[c, plain(names[c])] for c in named],
        "topics": choices({t for item in items for t in item["topics"]}),
        "types": choices({item["type_key"] for item in items if item["type_key"]}),
        "years": [min(years), max(years)] if years else [0, 0],
    }


# --- Rendering ----------------------------------------------------------------------------------
def _html(env: jinja2.Environment, name: str, **context) -> bytes:
    return env.get_template(name).render(**context).encode("utf-8")


def switcher(lang: str, languages: list[str], page_path: str) -> list[dict]:
    """Links to the same page in each language of the build (none when it has one language).
    Relative, so they work from file:// and on any server path."""
    if len(languages) < 2:
        return []
    up = "../" * page_path.count("/") + ("../" if language_root(lang, languages) else "")
    return [
        {
            "lang": other,
            "name": LANGUAGES[other],
            "href": up + language_root(other, languages) + page_path,
            "current": other == lang,
        }
        for other in languages
    ]


def build_site(source: SiteInput) -> dict[str, bytes]:
    """Every file of the site, path -> bytes. Pure: the same input gives the same bytes.

    `source.lang` is one language, or 'all': every language, the first at the top of the folder and the
    others in folders of their own (fr/, pt/), each complete, with links between the same pages."""
    languages = site_languages(source.lang)
    files: dict[str, bytes] = {}
    for lang in languages:
        prefix = language_root(lang, languages)
        built = _build_language(replace(source, lang=lang), languages)
        files.update({prefix + path: data for path, data in built.items()})
    return files


def _build_language(source: SiteInput, languages: list[str]) -> dict[str, bytes]:
    with i18n.using(source.lang) as tr:
        return _build(source, tr, languages)


def _build(source: SiteInput, tr: i18n.Translator, languages: list[str]) -> dict[str, bytes]:
    lang, shapes = source.lang, source.shapes
    env = environment(tr)
    today = site_date(source.version, source.tables)
    first, last = year_bounds(source.tables, today)
    year = last if source.year is None else source.year
    if not first <= year <= last:
        raise ValueError(f"year {year} is outside the data's years, {first} to {last}")
    # Country names in the language everywhere the site names a country; the dataset keeps the data's.
    tables = source.tables | {"countries": i18n.localise_countries(source.tables["countries"], lang)}
    countries = tables["countries"]
    names = {str(k): plain(v) for k, v in zip(countries["iso3"], countries["name"])}
    timeline = svgmap.stage_timeline(tables["stage_history"], countries, range(first, last + 1), today)
    shapes_data = svgmap.shapes_payload(shapes, names, timeline, first, source.version)
    view = svgmap.stage_view_payload(
        shapes,
        shapes_data["id"],
        year=year,
        years=(first, last),
        include=None,
        text=svgmap.map_text(svgmap.MAP_TEXT),
    )
    text = page_text()
    details = period_details(tables["stage_history"], timeline)
    reached = reached_per_country(tables["indicators"])
    heads = headline(timeline, None, first, year)
    as_of = queries.end_of_year(year, today)
    as_of_text = site_date_text(source.version, tables)
    common = {
        "lang": lang,
        "product": _(presentation.PRODUCT),  # as the app's own title; the citation keeps the name
        "version": source.version,
        "as_of_text": as_of_text,
        "stage_note": _(presentation.STAGE_NOTE),
        "licence": _(export.LICENCE),
        "citation": export.citation(source.version, as_of_text),
        "number": tr.number,
        "stages": [
            {"code": s, "label": _(STAGES[s]), "meaning": _(STAGE_MEANINGS[s]), "colour": STAGE_COLOURS[s]}
            for s in STAGES
        ],
    }

    def page(name: str, path: str, **context) -> bytes:
        root = "../" * path.count("/")
        return _html(env, name, root=root, languages=switcher(lang, languages, path), **common, **context)

    csv_file = f"downloads/mms-tracker-{year}-countries.csv"
    brief = presentation.brief(
        tables,
        presentation.PresentView(MapView(year), presentation.default_since(year)),
        today,
        source.version,
    )
    files: dict[str, bytes] = {path: file.read_bytes() for path, file in ASSET_FILES.items()}
    files[DATASET_FILE] = export.dataset_zip(source.tables, source.version, as_of_text)
    files[csv_file] = export.view_csv(brief)
    map_data = {
        "shapes": shapes_data,
        "view": view,
        "text": text,
        "locale": browser_locale(lang),
    }
    index_data = map_data | {
        "countries": country_groups(countries),
        "regions": region_choices(countries),
        "boxes": filter_boxes(countries, shapes),
        "reached": reached,
        "details": details,
        "first": first,
        "last": last,
    }
    groupings = [(g, _(label)) for g, (label, _col) in REGION_GROUPINGS.items()]
    files["index.html"] = page(
        "index.html",
        "index.html",
        page="map",
        data=script_json(index_data),
        year=year,
        first=first,
        last=last,
        as_of_year_text=queries.format_date(as_of, "day"),
        headline=heads,
        year_span=Markup("<span data-year>{}</span>").format(year),
        change_text=lambda change: change_text(change, year),
        reached=reached_text(reached, None),
        reached_caveat=_(indicators.TOTAL_CAVEAT)
        + " "
        + _("The figures are from the latest sources, whatever the year shown."),
        groupings=groupings,
        regions=region_choices(countries)["unicef"],
        incomes=[(key, _(label)) for key, label in INCOME_GROUPS.items()],
        rows=table_rows(timeline, details, names, first, year, env.filters["lang_attr"]),
        csv_file=csv_file,
        csv_size=len(files[csv_file]),
        dataset_file=DATASET_FILE,
        dataset_size=len(files[DATASET_FILE]),
    )
    files["embed.html"] = page("embed.html", "embed.html", page="embed", data=script_json(map_data))
    items = evidence_items(tables)
    files["evidence.html"] = page(
        "evidence.html",
        "evidence.html",
        page="evidence",
        items=items,
        shown=_shown(len(items)).format(n=len(items), total=len(items)),
        filters=evidence_filters(items, countries),
        groupings=groupings,
        data=script_json(
            {
                "regions": region_choices(countries),
                "text": text,
                "global": [evidence_lib.GLOBAL, _("Global")],
                "locale": browser_locale(lang),
            }
        ),
    )
    listing = []
    recorded = recorded_countries(tables)
    indexed = countries.set_index("iso3")
    for iso3 in sorted(names, key=lambda c: (name_key(names[c]), c)):
        if not _ISO3.match(iso3):
            continue
        context = country_context(tables, iso3, today, None if iso3 in recorded else indexed.loc[iso3])
        files[country_href(iso3)] = page("country.html", country_href(iso3), page="country", c=context)
        current = context["current"]
        listing.append(
            {
                "iso3": iso3,
                "name": context["name"],
                "href": country_href(iso3),
                "label": current["label"] if current else _(STAGES[0]),
                "colour": current["colour"] if current else STAGE_COLOURS[0],
            }
        )
    files["countries.html"] = page("countries.html", "countries.html", page="countries", countries=listing)
    return files


def site_zip(source: SiteInput) -> bytes:
    """The whole site as one zip (the Export menu's 'Website')."""
    return deterministic_zip(build_site(source))
