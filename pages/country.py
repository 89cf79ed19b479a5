"""Country page: one country's stage history, milestones, policy facts, partners and evidence."""

import streamlit as st

from hmhb_dash.i18n import _
from hmhb_dash.permalinks import parse_country
from hmhb_dash.ui import base, country_page, record_section

base.require_router()

countries = base.table("countries")
parsed = parse_country(st.query_params.to_dict(), countries)
base.show_notices(parsed)
iso3 = parsed.view
if iso3 is None:
    st.title(_("Country"))
    st.write(_("Choose a country to see its MMS history, partners and evidence."))
    base.country_picker(key="country_picker_empty", label=_("Country"))
    st.stop()

profile = country_page.country_profile(iso3)
texts = country_page.country_texts(iso3)
history, milestones = profile.history, profile.milestones

st.title(base.escape_markdown(profile.name))
country_page.stage_summary(history)
record_section.hmhb_label_lines(iso3)

with st.sidebar:
    base.country_picker(key="country_picker", label=_("Another country"))
    st.caption(base.attribution())
    base.copy_link({"country": iso3}, "country")

if not profile.has_records:
    st.info(
        _(
            "No recorded MMS activity for {country} in this dataset. If you know of MMS studies, policy "
            "work or delivery here, the secretariat can add it with its source."
        ).format(country=base.escape_markdown(profile.name)),
        icon=":material/info:",
    )

st.header(_("Stage history"))
country_page.history_story(iso3)
if not history.empty or not milestones.empty:
    st.plotly_chart(country_page.timeline_figure(iso3), config=base.PLOTLY_CONFIG, width="stretch")

st.header(_("Women reached and supplies, as reported"))
record_section.indicator_table(iso3)

st.header(_("Policy status"))
country_page.milestone_story(
    texts.policy, empty=_("No national policy, guideline, EML or manufacturing fact recorded.")
)

st.header(_("Milestones"))
country_page.milestone_story(texts.milestones, empty=_("No milestones recorded."))

st.header(_("Groupings"))
country_page.groupings_table(profile.groupings)

st.header(_("Organisations active here"))
country_page.activity_table(iso3)
base.library_link("members", _("Who does what, in every country"), {}, ":material/groups:")

st.header(_("Evidence from this country"))
country_page.evidence_table(iso3)
base.library_link(
    "evidence",
    _("All evidence naming {country}").format(country=profile.name),
    {"country": iso3},
    ":material/menu_book:",
)
