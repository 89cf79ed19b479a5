"""Data: download the workbook, upload an edited one, see its problems and changes, publish, restore."""

import streamlit as st

from hmhb_dash.i18n import _
from hmhb_dash.ui import base, data_page

base.require_router()


def steward() -> None:
    data_page.admin_sign_out()
    data_page.flash()
    update, versions = st.tabs([_("Update the data"), _("Versions and log")])
    with update:
        st.subheader(_("1. Download the current data"))
        data_page.workbook_download()
        st.subheader(_("2. Upload your edited file"))
        checked = data_page.upload_and_check()
        if checked:
            result, change, checked_against = checked
            st.subheader(_("3. Check"))
            data_page.problem_report(result.report)
            if change is not None:
                st.subheader(_("4. Review the changes and publish"))
                data_page.change_preview(change)
                data_page.publish_controls(result, change, checked_against)
    with versions:
        data_page.versions_panel()


st.title(_("Data"))
st.caption(
    _(
        "Keep the tracker current: download the data as a workbook, edit it, upload it, review what will "
        "change, publish. Every version is kept and can be restored."
    )
)
if data_page.admin_signed_in():
    steward()
