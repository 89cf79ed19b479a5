"""Evidence library: every item, filtered by region, country, topic, type, year and words; downloads."""

import streamlit as st

from hmhb_dash.i18n import _
from hmhb_dash.ui import base, evidence_page

base.require_router()

parsed = evidence_page.evidence_view_from_url()
view, query, results = evidence_page.evidence_filters(parsed)

st.title(_("Evidence library"))
st.caption(
    _(
        "Studies, reviews, guidance and tools on MMS in pregnancy. Regions come from each item's "
        "countries; items that name no country are global. Filters, search and the open item are in the "
        "link, so a filtered list can be shared."
    )
)
base.show_notices(parsed)
base.copy_link(st.query_params.to_dict(), "evidence", where=st.sidebar)
evidence_page.evidence_summary(view, results)

if results.empty:
    evidence_page.evidence_empty(*evidence_page.evidence_year_bounds())
    st.stop()

evidence_page.evidence_results_table(results, query)
evidence_page.evidence_detail(view.item)

st.header(_("Download this list"))
st.caption(_("Each file carries every item's source link (and DOI link where there is one)."))
evidence_page.evidence_downloads(query, len(results))
