"""Data: download the workbook, upload an edited one, see its problems and changes, publish, restore."""

import streamlit as st

from hmhb_dash import ui

ui.require_router()


def steward() -> None:
    ui.admin_sign_out()
    ui.flash()
    update, versions = st.tabs(["Update the data", "Versions and log"])
    with update:
        st.subheader("1. Download the current data")
        ui.workbook_download()
        st.subheader("2. Upload your edited file")
        checked = ui.upload_and_check()
        if checked:
            result, change, checked_against = checked
            st.subheader("3. Check")
            ui.problem_report(result.report)
            if change is not None:
                st.subheader("4. Review the changes and publish")
                ui.change_preview(change)
                ui.publish_controls(result, change, checked_against)
    with versions:
        ui.versions_panel()


st.title("Data")
st.caption(
    "Keep the tracker current: download the data as a workbook, edit it, upload it, review what will "
    "change, publish. Every version is kept and can be restored."
)
if ui.admin_signed_in():
    steward()
