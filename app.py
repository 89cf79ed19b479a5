"""MMS Adoption Tracker: the router. Page config, navigation over the page registry, nothing else."""

import streamlit as st

from hmhb_dash.registry import ASSETS, PAGES
from hmhb_dash.ui.base import report_configuration_once, routing

# A local icon: a Material or emoji favicon is fetched from the internet, which breaks offline use.
st.set_page_config(page_title="MMS Adoption Tracker", page_icon=str(ASSETS / "favicon.png"), layout="wide")

report_configuration_once()
navigation = st.navigation(
    [
        st.Page(
            spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path or None, default=spec.default
        )
        for spec in PAGES
    ]
)
with routing():
    navigation.run()
