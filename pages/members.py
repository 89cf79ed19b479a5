"""Who does what: the organisations directory, who is active where doing what, a map and a timeline."""

import streamlit as st

from hmhb_dash.ui import base, members_page

base.require_router()

parsed = members_page.members_view_from_url()
view, (directory, matrix, timeline, active) = members_page.members_filters(parsed)

st.title("Who does what")
st.caption(
    "Organisations working on MMS, where they are active and doing what, each with its source. "
    "Relationships are given as the source states them; activity regions come from the activity's country."
)
base.show_notices(parsed)
base.copy_link(st.query_params.to_dict(), "members", where=st.sidebar)
members_page.org_detail(view.org)

st.markdown(
    f"**{len(directory)}** organisations, **{len(active)}** activities in **{len(matrix)}** countries"
)
if directory.empty:
    st.info("No organisation matches these filters.", icon=":material/search_off:")
    members_page.members_clear_button()
    st.stop()

directory_tab, where_tab, map_tab, timeline_tab = st.tabs(
    ["Directory", "Country x activity", "Map", "Timeline"]
)
with directory_tab:
    members_page.directory_table(directory, view)
with where_tab:
    st.caption("Who is active where, doing what: the organisations in each cell, countries with most first.")
    members_page.country_activity_table(matrix)
with map_tab:
    st.caption("Number of organisations active per country (today). Grey: none recorded.")
    clicked = members_page.members_map(view)
    if clicked:
        base.go_to_country(clicked)
with timeline_tab:
    st.caption(
        f"Activities with a start year ({len(timeline)} of {len(active)}); hatched bars with an arrow are "
        "ongoing (no end year reported)."
    )
    if not timeline.empty:
        st.plotly_chart(
            members_page.activity_timeline_figure(view), config=base.PLOTLY_CONFIG, width="stretch"
        )
