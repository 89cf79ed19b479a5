"""Widgets for the sourced numbers and HMHB's own labels: the country page's section, the map's total."""

from __future__ import annotations

import streamlit as st

from hmhb_dash import indicators, queries
from hmhb_dash.i18n import _
from hmhb_dash.permalinks import MapView
from hmhb_dash.ui import country_page
from hmhb_dash.ui.base import empty_note, source_column, source_link, table, text


def hmhb_label_lines(iso3: str) -> None:
    """'HMHB: Phase 3 (Scale-up), HMHB Survey 2025', one line per label HMHB publishes, with its source."""
    labels = country_page.country_texts(iso3).labels
    if labels.empty:
        st.caption(_("HMHB: no label published for this country in this dataset."))
        return
    for row in labels.itertuples(index=False):
        st.markdown(f"**{text(row.text)}** · {source_link(row.source_url)}")


def indicator_table(iso3: str) -> None:
    """The country's sourced numbers: what, how many, when, the source's words and link."""
    rows = country_page.country_texts(iso3).indicators
    if rows.empty:
        empty_note(_("No number of women reached, women targeted or supplements distributed is public here."))
        return
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="indicators",
        column_config={
            "indicator_label": _("What"),
            "value_text": _("Number"),
            "period_text": _("Period"),
            "quote": st.column_config.TextColumn(_("In the source's words"), width="large"),
            "source_url": source_column(),
            "check": _("Checked"),
            "note": st.column_config.TextColumn(_("Source note")),
        },
    )
    st.caption(_("Numbers of different kinds are never added together."))


def reached_caption(view: MapView) -> str:
    """'At least N pregnant women reached in M countries, as reported' for the countries in view."""
    countries = queries.filter_countries(table("countries"), view.grouping, view.region, view.income)
    total = indicators.total(table("indicators"), countries["iso3"])
    return "{sentence}. {caveat} {latest}".format(
        sentence=text(total.sentence()),
        caveat=_(indicators.TOTAL_CAVEAT),
        latest=_("Latest sources, whatever the year shown."),
    )
