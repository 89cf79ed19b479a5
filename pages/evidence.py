"""Evidence library: every item, filtered by region, country, topic, type, year and words; downloads."""

import streamlit as st

from hmhb_dash import ui

ui.require_router()

parsed = ui.evidence_view_from_url()
view, query, results = ui.evidence_filters(parsed)

st.title("Evidence library")
st.caption(
    "Studies, reviews, guidance and tools on MMS in pregnancy. Regions come from each item's countries; "
    "items that name no country are global. Filters, search and the open item are in the link, so a "
    "filtered list can be shared."
)
ui.show_notices(parsed)
ui.copy_link(st.query_params.to_dict(), "evidence", where=st.sidebar)
ui.evidence_summary(view, results)

if results.empty:
    ui.evidence_empty(*ui.evidence_year_bounds())
    st.stop()

ui.evidence_results_table(results, query)
ui.evidence_detail(view.item)

st.subheader("Download this list")
st.caption("Each file carries every item's source link (and DOI link where there is one).")
ui.evidence_downloads(query, len(results))
