"""World map: each country's MMS programme stage as of a year, with counts, trend and sources."""

import streamlit as st

from hmhb_dash.i18n import _
from hmhb_dash.ui import base, map_page, record_section

base.require_router()

parsed = map_page.map_view_from_url()
view = map_page.view_before_widgets(parsed)  # the map reaches the browser before the sidebar

with st.container(gap=None):  # the shapes draw nothing: no gap above the title
    map_page.send_map_shapes()
    st.title(_("MMS adoption by country"))
st.caption(f"{base.escape_markdown(map_page.filter_caption(view))}. {base.attribution()}")
base.show_notices(parsed)
# Drawn above the map but filled after it, so the browser gets the map first.
above_map = st.container()

map_first = base.map_first()
clicked = map_page.world_map(view, rest_after_drawing=map_first)
if clicked:
    base.go_to_country(clicked)
st.caption(map_page.map_caption(view.layer))
with above_map:
    map_page.map_export_menu(view)
if map_first:
    st.stop()  # the map asks for the rest of the page once it is drawn

map_page.sidebar_filters(parsed, drawn=view)
map_page.headline_metrics(view)
st.caption(record_section.reached_caption(view))
map_page.map_link(view)

base.country_picker(key="map_country_picker")

st.header(_("Countries per stage over time"))
map_page.over_time_chart(view)

st.header(_("Countries with a recorded stage"))
map_page.stage_table(map_page.map_country_table(view), key="map_table")
