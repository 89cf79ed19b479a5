"""The evidence library page's widgets: filters with counts, results, item detail, downloads."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import streamlit as st

from hmhb_dash import citations, evidence, members, queries
from hmhb_dash.i18n import _, ngettext
from hmhb_dash.permalinks import EvidenceView, Parsed, parse_evidence_view
from hmhb_dash.registry import page
from hmhb_dash.schema import EVIDENCE_TYPES, NOT_REPORTED, REGION_GROUPINGS, TOPICS
from hmhb_dash.ui.base import (
    ALL_REGIONS,
    counted,
    data_key,
    empty_note,
    escape_markdown,
    external_link_column,
    init_state,
    page_column,
    source_link,
    table,
    text,
    today,
    verified_mark,
    write_params,
)


@st.cache_resource(show_spinner=False, max_entries=8)
def _evidence_index(version: str) -> evidence.EvidenceIndex:
    # The normalised search keys and facet masks: built once per data version, never per rerun.
    return evidence.build_index(table("evidence"), table("countries"))


def evidence_index() -> evidence.EvidenceIndex:
    return _evidence_index(data_key())


@st.cache_resource(show_spinner=False, max_entries=8)
def _evidence_meta(version: str, day: dt.date) -> tuple[tuple[int, int], frozenset[str], dict[str, str]]:
    index = _evidence_index(version)
    years = index.items["year"].dropna()
    first = int(years.min()) if len(years) else day.year
    names = dict(zip(table("countries")["iso3"], table("countries")["name"]))
    in_library = sorted(index.facets["country"], key=lambda c: names.get(c, c))
    last = max(day.year, int(years.max()) if len(years) else day.year)
    # A slider needs two different ends, even for an empty library or one of this year's items only.
    first = min(first, last - 1)
    return (
        (first, last),
        frozenset(index.items["id"]),
        {c: names.get(c, c) for c in in_library},
    )


def evidence_view_from_url() -> Parsed:
    years, ids, _names = _evidence_meta(data_key(), today())
    return parse_evidence_view(
        st.query_params.to_dict(), table("countries"), years, ids, TOPICS, EVIDENCE_TYPES
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def _evidence_run(version: str, query: evidence.EvidenceQuery):
    return evidence.run(_evidence_index(version), query)


def _clear_evidence_filters(first: int, last: int) -> None:
    for key in list(st.session_state):
        if key.startswith("ev_region_"):
            st.session_state[key] = ALL_REGIONS
    st.session_state.update(
        ev_q="",
        ev_grouping="unicef",
        ev_global=False,
        ev_country=[],
        ev_topic=[],
        ev_type=[],
        ev_years=(first, last),
        ev_verified=False,
        ev_item=None,
    )


def evidence_filters(parsed: Parsed):
    """Sidebar filters of the evidence library with match counts per choice; kept in the URL.

    Returns the view and the query it asks for.
    """

    start = parsed.view
    (first, last), _ids, library_countries = _evidence_meta(data_key(), today())
    countries = table("countries")
    init_state(
        {
            "ev_q": start.q,
            "ev_grouping": start.grouping,
            f"ev_region_{start.grouping}": start.region or ALL_REGIONS,
            "ev_global": start.include_global,
            "ev_country": list(start.countries),
            "ev_topic": list(start.topics),
            "ev_type": list(start.types),
            "ev_years": start.years or (first, last),
            "ev_verified": start.verified_only,
            "ev_item": start.item,
        }
    )
    state = st.session_state
    grouping = state["ev_grouping"]
    years = tuple(state["ev_years"])
    query = evidence.EvidenceQuery(
        grouping=grouping,
        region=state.get(f"ev_region_{grouping}") or None,
        include_global=bool(state["ev_global"]),
        countries=tuple(state["ev_country"]),
        topics=tuple(state["ev_topic"]),
        types=tuple(state["ev_type"]),
        years=None if years == (first, last) else years,
        verified_only=bool(state["ev_verified"]),
        q=state["ev_q"][:200],
    )
    results, counts = _evidence_run(data_key(), query)
    with st.sidebar:
        st.text_input(
            _("Search"),
            key="ev_q",
            max_chars=200,
            placeholder=_("e.g. jivita birth weight"),
            help=_(
                "Words in the title, authors, publisher or summary; all must match. Case and accents "
                "do not matter. Title matches come first."
            ),
        )
        st.radio(
            _("Region grouping"),
            list(REGION_GROUPINGS),
            format_func=queries.grouping_label,
            key="ev_grouping",
        )
        regions = [r for r in counts["region"] if r != evidence.GLOBAL]
        region_key = f"ev_region_{grouping}"
        if state.get(region_key) not in (ALL_REGIONS, *regions):
            state[region_key] = ALL_REGIONS
        st.selectbox(
            _("Region"),
            [ALL_REGIONS, *regions],
            format_func=lambda r: (
                _("All regions")
                if r == ALL_REGIONS
                else f"{queries.region_label(grouping, r)} ({counts['region'].get(r, 0)})"
            ),
            key=region_key,
            help=_(
                "Derived from each item's countries. An item naming several countries is in each of "
                "their regions."
            ),
        )
        st.checkbox(
            _("Also global items ({n})").format(n=counts["region"].get(evidence.GLOBAL, 0)),
            key="ev_global",
            disabled=not state.get(region_key),
            help=_("Items that name no country."),
        )
        st.multiselect(
            _("Country"),
            list(library_countries),
            format_func=counted(counts["country"], lambda c: library_countries.get(c, c)),
            key="ev_country",
            placeholder=_("Any country"),
        )
        st.multiselect(
            _("Topic"),
            list(TOPICS),
            format_func=counted(counts["topic"], _),
            key="ev_topic",
            placeholder=_("Any topic"),
        )
        st.multiselect(
            _("Type"),
            list(EVIDENCE_TYPES),
            format_func=counted(counts["type"], _),
            key="ev_type",
            placeholder=_("Any type"),
        )
        st.slider(_("Years"), first, last, key="ev_years", help=_("Undated items show only with every year."))
        st.checkbox(
            _("Verified only ({n})").format(n=counts["verified"].get("verified", 0)), key="ev_verified"
        )
        st.button(
            _("Clear filters"), on_click=_clear_evidence_filters, args=(first, last), key="ev_clear_side"
        )
    view = EvidenceView(
        query.grouping,
        query.region,
        query.include_global and bool(query.region),
        query.countries,
        query.topics,
        query.types,
        query.years,
        query.verified_only,
        query.q,
        state.get("ev_item"),
    )
    write_params(view.to_params())
    del countries
    return view, query, results


def evidence_summary(view, results: pd.DataFrame) -> None:
    """How many items match, and what the filters are, in words."""
    total = len(evidence_index())
    parts = []
    if view.q:
        parts.append(_("matching “{words}”").format(words=escape_markdown(view.q)))
    if view.region:
        parts.append(
            _("in {region}").format(region=escape_markdown(queries.region_label(view.grouping, view.region)))
        )
        if view.include_global:
            parts.append(_("plus global items"))
    summary = ngettext("**{n}** of {total} item", "**{n}** of {total} items", total).format(
        n=len(results), total=total
    )
    st.markdown(summary + " " + ", ".join(parts))


def evidence_empty(first: int, last: int) -> None:
    st.info(_("No item matches these filters."), icon=":material/search_off:")
    st.button(_("Clear filters"), on_click=_clear_evidence_filters, args=(first, last), key="ev_clear_main")


def evidence_year_bounds() -> tuple[int, int]:
    return _evidence_meta(data_key(), today())[0]


def _select_item(table_key: str, ids: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    st.session_state["ev_item"] = ids[rows[0]] if rows and rows[0] < len(ids) else None


MAX_ROWS_SHOWN = 1000  # the table a browser gets; the downloads always carry the whole list


_RESULT_COLUMNS = [
    "title",
    "authors_text",
    "publisher_text",
    "year",
    "type",
    "topic_list",
    "country_names",
    "regions",
    "check",
    "link",
    "summary_text",
]


@st.cache_resource(show_spinner=False, max_entries=128)
def _results_display(version: str, query: evidence.EvidenceQuery) -> tuple[pd.DataFrame, list[str]]:
    results, _counts = _evidence_run(version, query)
    head = results.head(MAX_ROWS_SHOWN)
    shown = head.assign(
        check=verified_mark(head["verified"]),
        authors_text=head["authors"].fillna(_(NOT_REPORTED)),
        publisher_text=head["publisher"].fillna(_(NOT_REPORTED)),
        summary_text=head["summary"].fillna(_(NOT_REPORTED)),
        type=head["type"].map(queries.vocabulary_label),
        topic_list=head["topic_list"].map(queries.list_label),
    )
    return shown[_RESULT_COLUMNS], head["id"].tolist()


def evidence_results_table(results: pd.DataFrame, query: evidence.EvidenceQuery) -> None:
    """Sortable results (the first MAX_ROWS_SHOWN); clicking a row opens its details below."""
    shown, ids = _results_display(data_key(), query)
    if len(results) > len(shown):
        st.caption(
            _(
                "Showing the first {shown} of {total} (best matches, then newest). Narrow the filters to see "
                "the rest; the downloads below carry all of them."
            ).format(shown=len(shown), total=len(results))
        )
    # A new table (and selection) per query: a stored row number would point at another item.
    key = f"ev_table_{abs(hash(query)) % 10**12}"
    item = st.session_state.get("ev_item")
    default = {"selection": {"rows": [ids.index(item)]}} if item in ids else None
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        on_select=functools.partial(_select_item, key, ids),
        selection_mode="single-row",
        selection_default=default,
        column_config={
            "title": st.column_config.TextColumn(_("Title"), width="large"),
            "authors_text": _("Authors"),
            "publisher_text": _("Publisher or journal"),
            "year": st.column_config.NumberColumn(_("Year"), format="%d"),
            "type": _("Type"),
            "topic_list": _("Topics"),
            "country_names": _("Countries"),
            "regions": _("Regions (UNICEF)"),
            "check": _("Checked"),
            "link": external_link_column(_("Link"), _("open")),
            "summary_text": st.column_config.TextColumn(_("Summary"), width="large"),
        },
        placeholder=_(NOT_REPORTED),
    )


def _country_links(codes: list[str]) -> None:
    names = dict(zip(table("countries")["iso3"], table("countries")["name"]))
    columns = st.columns(4)
    for i, code in enumerate(codes):
        with columns[i % 4]:
            st.page_link(
                str(page("country").path),
                label=escape_markdown(names.get(code, code)),
                query_params={"country": code},
                icon=":material/flag:",
            )


def evidence_detail(item_id: str | None) -> None:
    """One item: every field, links to its countries' pages, and related items."""
    index = evidence_index()
    item = evidence.item_by_id(index, item_id)
    if item is None:
        st.caption(_("Click a row to see the item's details, its countries and related items."))
        return
    with st.container(border=True):
        st.markdown(f"## {text(item['title'])}")
        if not item["verified"]:
            st.warning(_("Not verified: the tracker could not confirm this item against its source."))
        year = _(NOT_REPORTED) if pd.isna(item["year"]) else str(int(item["year"]))
        st.markdown(
            _(
                "**Authors:** {authors}  \n**Publisher or journal:** {publisher}  \n**Year:** {year} · "
                "**Type:** {type}  \n**Topics:** {topics}  \n**Regions (UNICEF):** {regions}"
            ).format(
                authors=text(item["authors"]),
                publisher=text(item["publisher"]),
                year=year,
                type=text(queries.vocabulary_label(item["type"])),
                topics=text(queries.list_label(item["topic_list"])),
                regions=text(item["regions"]),
            )
        )
        st.markdown(_("**Summary:** {summary}").format(summary=text(item["summary"])))
        links = [] if item["url"] == item["doi_link"] else [source_link(item["url"])]
        if isinstance(item["doi_link"], str):
            links.append(source_link(item["doi_link"], f"DOI {item['doi']}"))
        st.markdown(_("**Link:** ") + " · ".join(links))
        if item["country_codes"]:
            st.markdown(_("**Countries**"))
            _country_links(item["country_codes"])
        else:
            st.markdown(_("**Countries:** global (names no country)"))
        related = evidence.related(index, item["id"])
        st.markdown(_("**Related items** (same countries or topics)"))
        if related.empty:
            empty_note(_("None in the library."))
        else:
            rows = related.assign(page=related["id"].map(members.evidence_item_url))
            st.dataframe(
                rows[["title", "year", "country_names", "topic_list", "page"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "title": st.column_config.TextColumn(_("Title"), width="large"),
                    "year": st.column_config.NumberColumn(_("Year"), format="%d"),
                    "country_names": _("Countries"),
                    "topic_list": _("Topics"),
                    "page": page_column(_("Details")),
                },
                placeholder=_(NOT_REPORTED),
            )
        st.button(
            _("Close details"), on_click=st.session_state.update, kwargs={"ev_item": None}, key="ev_close"
        )


@st.cache_resource(show_spinner=False, max_entries=32)
def _export(version: str, query: evidence.EvidenceQuery, kind: str) -> bytes:
    results, _counts = _evidence_run(version, query)
    if kind == "csv":
        return citations.to_csv(results)
    if kind == "ris":
        return citations.to_ris(results).encode("utf-8")
    return citations.to_bibtex(results).encode("utf-8")


def evidence_downloads(query: evidence.EvidenceQuery, count: int) -> None:
    """CSV, RIS and BibTeX of the filtered list, built only when clicked (and then cached)."""
    version = data_key()
    columns = st.columns(3)
    for column, (kind, label, mime) in zip(
        columns,
        (
            ("csv", _("CSV (spreadsheet)"), "text/csv"),
            ("ris", "RIS (Zotero, EndNote, Mendeley)", "application/x-research-info-systems"),
            ("bib", "BibTeX", "application/x-bibtex"),
        ),
    ):
        column.download_button(
            label,
            data=lambda kind=kind: _export(version, query, kind),
            file_name=f"mms-evidence.{kind}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            disabled=count == 0,
            key=f"ev_download_{kind}",
            width="stretch",
        )
