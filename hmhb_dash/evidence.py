"""The evidence library: a search index built once per data version, combined filters, facet counts,
accent- and case-insensitive multi-word search with title matches first, and related items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from unidecode import unidecode

from hmhb_dash.queries import region_column, split_list
from hmhb_dash.schema import NOT_REPORTED, REGION_GROUPINGS

GLOBAL = "Global"  # the derived region of an item that names no country
MAX_QUERY_WORDS = 12
FACETS = ("region", "country", "topic", "type", "verified")


def normalise(value: object) -> str:
    """Lower case, accents and other marks folded to ASCII, punctuation to spaces, single spaces."""
    if not isinstance(value, str):
        return ""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", unidecode(value).lower()).split())


def query_words(query: str) -> list[str]:
    """The distinct words of a search, normalised, in order, at most MAX_QUERY_WORDS."""
    seen: list[str] = []
    for word in normalise(query).split():
        if word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def doi_url(doi: object) -> str | None:
    """https://doi.org/<doi> for a DOI in any common written form; None when there is none."""
    if not isinstance(doi, str) or not doi.strip():
        return None
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.IGNORECASE)
    return f"https://doi.org/{value}" if value.startswith("10.") else None


def _link(url: object, doi: object) -> str | None:
    by_doi = doi_url(doi)
    if by_doi:
        return by_doi
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class EvidenceIndex:
    """Evidence rows with derived columns, normalised search keys and one boolean mask per facet value."""

    items: pd.DataFrame
    title_key: list[str] = field(repr=False)
    all_key: list[str] = field(repr=False)  # title, authors, publisher and summary
    facets: dict[str, dict[str, np.ndarray]] = field(repr=False)
    years: np.ndarray = field(repr=False)  # float, NaN where not reported
    title_order: np.ndarray = field(repr=False)  # each item's rank in alphabetical title order

    def __len__(self) -> int:
        return len(self.items)


def _masks(values: list[list[str]], n: int) -> dict[str, np.ndarray]:
    masks: dict[str, np.ndarray] = {}
    for row, row_values in enumerate(values):
        for value in row_values:
            masks.setdefault(value, np.zeros(n, dtype=bool))[row] = True
    return dict(sorted(masks.items()))


def build_index(evidence: pd.DataFrame, countries: pd.DataFrame) -> EvidenceIndex:
    """Derive countries, regions (per grouping), topics and links; normalise the searchable text."""
    items = evidence.reset_index(drop=True)
    n = len(items)
    codes = items["countries"].map(split_list).tolist()
    names = dict(zip(countries["iso3"], countries["name"]))
    topics = items["topics"].map(split_list).tolist()

    facets: dict[str, dict[str, np.ndarray]] = {
        "country": _masks(codes, n),
        "topic": _masks(topics, n),
        "type": _masks([[t] for t in items["type"]], n),
        "verified": _masks([["verified" if v else "not verified"] for v in items["verified"]], n),
    }
    derived: dict[str, list[list[str]]] = {}
    for grouping in REGION_GROUPINGS:
        lookup = countries.set_index("iso3")[region_column(grouping)].dropna().to_dict()
        derived[grouping] = [
            sorted({lookup[c] for c in row if c in lookup}) if row else [GLOBAL] for row in codes
        ]
        facets[f"region:{grouping}"] = _masks(derived[grouping], n)

    items = items.assign(
        country_codes=codes,
        country_names=["; ".join(names.get(c, c) for c in row) if row else GLOBAL for row in codes],
        regions=["; ".join(r) if r else NOT_REPORTED for r in derived["unicef"]],
        topic_list=["; ".join(t) for t in topics],
        link=[_link(u, d) for u, d in zip(items["url"], items["doi"])],
        doi_link=items["doi"].map(doi_url),
    )
    titles = [normalise(t) for t in items["title"]]
    others = [
        " | ".join(normalise(v) for v in values)
        for values in zip(items["authors"], items["publisher"], items["summary"])
    ]
    return EvidenceIndex(
        items=items,
        title_key=titles,
        all_key=[f"{t} | {o}" for t, o in zip(titles, others)],
        facets=facets,
        years=items["year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        title_order=np.argsort(np.argsort(items["title"].str.lower().to_numpy(dtype=str), kind="stable")),
    )


@dataclass(frozen=True)
class EvidenceQuery:
    """What the user asked for; every field empty means the whole library."""

    grouping: str = "unicef"
    region: str | None = None
    include_global: bool = False
    countries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    years: tuple[int, int] | None = None  # inclusive; None means every year, undated items included
    verified_only: bool = False
    q: str = ""


def _any_of(index: EvidenceIndex, facet: str, values: tuple[str, ...]) -> np.ndarray:
    n = len(index)
    mask = np.zeros(n, dtype=bool)
    for value in values:
        mask |= index.facets[facet].get(value, np.zeros(n, dtype=bool))
    return mask


def facet_masks(index: EvidenceIndex, query: EvidenceQuery) -> dict[str, np.ndarray]:
    """One mask per active filter (search included), so facet counts can leave their own filter out."""
    n = len(index)
    masks: dict[str, np.ndarray] = {}
    if query.region:
        region = _any_of(index, f"region:{query.grouping}", (query.region,))
        if query.include_global:
            region |= _any_of(index, f"region:{query.grouping}", (GLOBAL,))
        masks["region"] = region
    if query.countries:
        masks["country"] = _any_of(index, "country", query.countries)
    if query.topics:
        masks["topic"] = _any_of(index, "topic", query.topics)
    if query.types:
        masks["type"] = _any_of(index, "type", query.types)
    if query.verified_only:
        masks["verified"] = _any_of(index, "verified", ("verified",))
    if query.years:
        low, high = query.years
        with np.errstate(invalid="ignore"):
            masks["years"] = (index.years >= low) & (index.years <= high)
    words = query_words(query.q)
    if words:
        masks["q"] = search_mask(index, words)
    masks["_all"] = np.ones(n, dtype=bool)
    return masks


def search_mask(index: EvidenceIndex, words: list[str]) -> np.ndarray:
    """Items where every word occurs (as part of a word) in the title, authors, publisher or summary."""
    # Plain substring tests on prebuilt keys ("weight" finds "birthweight"); each further word only
    # looks at the items the previous ones left, so a search over 7,000 items takes about 1 ms.
    keys = index.all_key
    candidates = range(len(keys))
    for word in words:
        candidates = [i for i in candidates if word in keys[i]]
    mask = np.zeros(len(keys), dtype=bool)
    mask[list(candidates)] = True
    return mask


def title_score(index: EvidenceIndex, words: list[str], rows: np.ndarray) -> np.ndarray:
    """How many of the words occur in each row's title (the search's ranking)."""
    titles = index.title_key
    return np.fromiter((sum(w in titles[r] for w in words) for r in rows), dtype=int, count=len(rows))


def combine(masks: dict[str, np.ndarray], leave_out: str | None = None) -> np.ndarray:
    result = masks["_all"].copy()
    for name, mask in masks.items():
        if name != leave_out:
            result &= mask
    return result


def search(index: EvidenceIndex, query: EvidenceQuery) -> pd.DataFrame:
    """Matching items: with a search, most title words matched first; then newest first, then title."""
    return _ranked(index, query, facet_masks(index, query))


def _ranked(index: EvidenceIndex, query: EvidenceQuery, masks: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = np.flatnonzero(combine(masks))
    words = query_words(query.q)
    year = np.nan_to_num(index.years[rows], nan=-1)
    score = title_score(index, words, rows) if words else np.zeros(len(rows), dtype=int)
    order = np.lexsort((index.title_order[rows], -year, -score))
    return index.items.iloc[rows[order]].assign(title_match=score[order]).reset_index(drop=True)


def run(index: EvidenceIndex, query: EvidenceQuery) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """The ranked results and the facet counts of one query, sharing the filter work."""
    masks = facet_masks(index, query)
    return _ranked(index, query, masks), _counts(index, query, masks)


def facet_counts(index: EvidenceIndex, query: EvidenceQuery) -> dict[str, dict[str, int]]:
    """For each facet, how many items each choice would give with every *other* filter kept.

    Region counts are for the query's grouping; 'Global' counts items naming no country.
    """
    return _counts(index, query, facet_masks(index, query))


def _counts(
    index: EvidenceIndex, query: EvidenceQuery, masks: dict[str, np.ndarray]
) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    names = {
        "region": f"region:{query.grouping}",
        "country": "country",
        "topic": "topic",
        "type": "type",
        "verified": "verified",
    }
    for facet, key in names.items():
        base = combine(masks, leave_out=facet)
        counts[facet] = {value: int((base & mask).sum()) for value, mask in index.facets[key].items()}
    return counts


def related(index: EvidenceIndex, item_id: str, limit: int = 5) -> pd.DataFrame:
    """Items sharing the most countries with an item, then the most topics; newest first on ties."""
    items = index.items
    matches = np.flatnonzero(items["id"].to_numpy(dtype=str) == item_id)
    if not len(matches):
        return items.iloc[0:0]
    row = items.iloc[matches[0]]
    n = len(index)
    shared_countries = np.zeros(n, dtype=int)
    for code in row["country_codes"]:
        shared_countries += index.facets["country"].get(code, np.zeros(n, dtype=bool))
    shared_topics = np.zeros(n, dtype=int)
    for topic in split_list(row["topics"]):
        shared_topics += index.facets["topic"].get(topic, np.zeros(n, dtype=bool))
    score = shared_countries * 100 + shared_topics
    score[matches[0]] = 0
    candidates = np.flatnonzero(score > 0)
    year = np.nan_to_num(index.years[candidates], nan=-1)
    order = np.lexsort((-year, -score[candidates]))[:limit]
    chosen = candidates[order]
    return items.iloc[chosen].assign(
        shared_countries=shared_countries[chosen], shared_topics=shared_topics[chosen]
    )


def item_by_id(index: EvidenceIndex, item_id: str | None) -> pd.Series | None:
    if not item_id:
        return None
    found = index.items[index.items["id"] == item_id]
    return None if found.empty else found.iloc[0]


def counts_per_country(
    evidence: pd.DataFrame, up_to_year: int | None = None, current_year: int | None = None
) -> pd.DataFrame:
    """iso3, count: evidence items naming each country (published by `up_to_year`, if given).

    Undated items count only in the current year's view, as undated stages do.
    """
    rows = evidence
    if up_to_year is not None:
        dated = rows["year"].notna()
        keep = (dated & (rows["year"].fillna(0) <= up_to_year)) | (~dated & (up_to_year == current_year))
        rows = rows[keep.astype(bool)]
    codes = rows["countries"].map(split_list).explode().dropna()
    counts = codes.value_counts()
    return pd.DataFrame({"iso3": counts.index.astype(str), "count": counts.to_numpy(dtype=int)})
