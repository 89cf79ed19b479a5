"""Who does what: the organisations directory, who is active where doing what, a map and a timeline."""

import streamlit as st

from hmhb_dash.i18n import _, ngettext
from hmhb_dash.ui import base, members_page

base.require_router()

parsed = members_page.members_view_from_url()
view, (directory, matrix, timeline, active) = members_page.members_filters(parsed)

st.title(_("Who does what"))
st.caption(
    _(
        "Organisations working on MMS, where they are active and doing what, each with its source. "
        "Relationships are given as the source states them; activity regions come from the activity's "
        "country."
    )
)
base.show_notices(parsed)
base.copy_link(st.query_params.to_dict(), "members", where=st.sidebar)
members_page.org_detail(view.org)

st.markdown(
    ngettext("**{n}** organisation", "**{n}** organisations", len(directory)).format(n=len(directory))
    + ", "
    + ngettext(
        "**{n}** activity in **{m}** countries", "**{n}** activities in **{m}** countries", len(active)
    ).format(n=len(active), m=len(matrix))
)
if directory.empty:
    st.info(_("No organisation matches these filters."), icon=":material/search_off:")
    members_page.members_clear_button()
    st.stop()

directory_tab, where_tab, map_tab, timeline_tab = st.tabs(
    [_("Directory"), _("Country x activity"), _("Map"), _("Timeline")]
)
with directory_tab:
    members_page.directory_table(directory, view)
with where_tab:
    st.caption(
        _("Who is active where, doing what: the organisations in each cell, countries with most first.")
    )
    members_page.country_activity_table(matrix)
with map_tab:
    st.caption(_("Number of organisations active per country (today). Grey: none recorded."))
    clicked = members_page.members_map(view)
    if clicked:
        base.go_to_country(clicked)
with timeline_tab:
    st.caption(
        _(
            "Activities with a start year ({n} of {total}); hatched bars with an arrow are ongoing (no end "
            "year reported)."
        ).format(n=len(timeline), total=len(active))
    )
    if not timeline.empty:
        st.plotly_chart(
            members_page.activity_timeline_figure(view), config=base.PLOTLY_CONFIG, width="stretch"
        )
