"""Country page: one country's stage history, milestones, policy facts, partners and evidence."""

import streamlit as st

from hmhb_dash import charts, queries, ui
from hmhb_dash.permalinks import parse_country

countries = ui.table("countries")
parsed = parse_country(st.query_params.to_dict(), countries)
ui.show_notices(parsed)
iso3 = parsed.view
if iso3 is None:
    st.title("Country")
    st.write("Choose a country to see its MMS history, partners and evidence.")
    ui.country_picker(ui.current_status(), key="country_picker_empty", label="Country")
    st.stop()

country = countries.set_index("iso3").loc[iso3]
history = queries.country_stage_history(ui.table("stage_history"), iso3)
milestones = queries.country_milestones(ui.table("milestones"), iso3)
activities = queries.country_activities(ui.table("activities"), ui.table("organisations"), iso3)
evidence = queries.evidence_for_country(ui.table("evidence"), iso3)

st.title(country["name"])
ui.stage_summary(history)

with st.sidebar:
    ui.country_picker(ui.current_status(), key="country_picker", label="Another country")
    st.caption(ui.ATTRIBUTION)

if history.empty and milestones.empty and activities.empty and evidence.empty:
    st.info(
        f"No recorded MMS activity for {country['name']} in this dataset. If you know of MMS "
        "studies, policy work or delivery here, the secretariat can add it with its source.",
        icon=":material/info:",
    )

st.subheader("Groupings")
ui.groupings_table(queries.country_groupings(country))

if not history.empty or not milestones.empty:
    st.subheader("Timeline")
    st.plotly_chart(
        charts.country_timeline(history, milestones, ui.today()), config=ui.PLOTLY_CONFIG, width="stretch"
    )
    ui.history_table(history)

st.subheader("Policy status")
ui.milestone_table(
    queries.policy_facts(ui.table("milestones"), iso3),
    key="policy",
    empty="No national policy, guideline, EML or manufacturing fact recorded.",
)

st.subheader("Milestones")
ui.milestone_table(milestones, key="milestones", empty="No milestones recorded.")

st.subheader("Organisations active here")
ui.activity_table(activities)

st.subheader("Evidence from this country")
ui.evidence_table(evidence)
