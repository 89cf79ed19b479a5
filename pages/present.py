"""Presentation: a projector-ready sequence of slides for the current view, stepped with next/previous."""

from hmhb_dash import presentation
from hmhb_dash.i18n import _
from hmhb_dash.ui import base, present_page

base.require_router()

parsed = present_page.present_view_from_url()
base.show_notices(parsed)
view = present_page.present_setup(parsed)
slides = presentation.slide_sequence(present_page.briefing(view))

step, link_place = present_page.present_nav(view, len(slides))

view = presentation.PresentView(view.map, view.since, view.countries, view.parts, step)
countries = base.table("countries")
params = view.to_params(countries, base.year_bounds()[1])
base.write_params(params)

present_page.present_slide(view, slides[step - 1])

with link_place.popover(_("Link"), icon=":material/link:"):
    base.copy_link(params, "present")
