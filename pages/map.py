"""World map: each country's MMS programme stage as of a year, with counts, trend and sources."""

import streamlit as st

from hmhb_dash import ui

ui.require_router()

parsed = ui.map_view_from_url()
view = ui.map_filters(parsed)

st.title("MMS adoption by country")
st.caption(f"{ui.filter_caption(view)}. {ui.ATTRIBUTION}")
ui.show_notices(parsed)
ui.map_link(view)
ui.map_export_menu(view)

ui.headline_metrics(view)

event = st.plotly_chart(
    ui.map_figure(view),
    key="map",
    on_select="rerun",
    selection_mode="points",
    config=ui.PLOTLY_CONFIG,
    width="stretch",
)
clicked = ui.clicked_country(event)
if clicked:
    ui.go_to_country(clicked)
st.caption(ui.map_caption(view.layer))

ui.country_picker(key="map_country_picker")

st.subheader("Countries per stage over time")
st.plotly_chart(ui.over_time_figure(view), config=ui.PLOTLY_CONFIG, width="stretch")

st.subheader("Countries with a recorded stage")
ui.stage_table(ui.map_country_table(view), key="map_table")
