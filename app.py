"""MMS Adoption Tracker: the router. Page config, navigation over the page registry, nothing else."""

import streamlit as st

from hmhb_dash.registry import ASSETS, FULLSCREEN, PAGES
from hmhb_dash.ui.base import report_configuration_once, routing

# A local icon: a Material or emoji favicon is fetched from the internet, which breaks offline use.
st.set_page_config(page_title="MMS Adoption Tracker", page_icon=str(ASSETS / "favicon.png"), layout="wide")

report_configuration_once()
pages = [
    st.Page(spec.path, title=spec.title, url_path=spec.url_path or None, default=spec.default)
    for spec in PAGES
]
navigation = st.navigation(pages)
if navigation.url_path in FULLSCREEN:
    # The page is only known once st.navigation has resolved it; the last call sets what is shown.
    navigation = st.navigation(pages, position="hidden")
with routing():
    navigation.run()
