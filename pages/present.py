"""Presentation: a projector-ready sequence of slides for the current view, stepped with next/previous."""

import streamlit as st

from hmhb_dash import presentation, ui

ui.require_router()

parsed = ui.present_view_from_url()
ui.show_notices(parsed)
view = ui.present_setup(parsed)
slides = presentation.slide_sequence(ui.briefing(view))

step = ui.present_nav(view, len(slides))

view = presentation.PresentView(view.map, view.since, view.countries, view.parts, step)
countries = ui.table("countries")
params = view.to_params(countries, ui.year_bounds()[1])
ui.write_params(params)

ui.present_slide(view, slides[step - 1])

with st.expander("Link to this slide", icon=":material/link:"):
    ui.copy_link(params, "present")
