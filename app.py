"""MMS Adoption Tracker: the router. Page config, navigation over the page registry, nothing else."""

import streamlit as st

from hmhb_dash.i18n import _
from hmhb_dash.registry import ASSETS, FULLSCREEN, MAP_FIRST, PAGES
from hmhb_dash.ui.base import (
    language_picker,
    map_first,
    report_configuration_once,
    routing,
    set_language,
    show_language_notice,
    start_run,
)

language_notice = set_language()  # once per run, before any text is drawn
start_run()
# A local icon: a Material or emoji favicon is fetched from the internet, which breaks offline use.
st.set_page_config(page_title=_("MMS Adoption Tracker"), page_icon=str(ASSETS / "favicon.png"), layout="wide")

report_configuration_once()
pages = [
    st.Page(spec.path, title=_(spec.title), url_path=spec.url_path or None, default=spec.default)
    for spec in PAGES
]
navigation = st.navigation(pages)
if navigation.url_path in FULLSCREEN:
    # The page is only known once st.navigation has resolved it; the last call sets what is shown.
    navigation = st.navigation(pages, position="hidden")
elif not (map_first() and navigation.url_path in MAP_FIRST):
    language_picker()  # the presentation has its own, in its setup
show_language_notice(language_notice)
with routing():
    navigation.run()
