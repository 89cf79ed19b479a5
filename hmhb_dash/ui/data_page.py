"""The Data page's widgets: admin sign-in, workbook download, upload check, preview, publish, restore."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from hmhb_dash import admin, store
from hmhb_dash.i18n import _
from hmhb_dash.ui.base import data_version, escape_markdown, table, today

# ingest and workbook (pandera, pycountry, openpyxl) are imported inside the steward's functions:
# a reader who opens this page without signing in never pays their memory.
if TYPE_CHECKING:
    from hmhb_dash import ingest


@st.cache_resource(show_spinner=False)
def _admin_throttle() -> admin.Throttle:
    # One per server process, shared by every session: a new tab does not reset the wait.
    return admin.Throttle()


def _client() -> str:
    """Who is signing in, for the throttle: the connection's address.

    Streamlit gives no address for localhost (and none in tests): each session is then its own client,
    which only the machine's own user can exploit.
    """
    address = st.context.ip_address
    if isinstance(address, str) and address:  # AppTest gives a stand-in object, not an address
        return address
    return "session " + st.session_state.setdefault("admin_client", secrets.token_hex(8))


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def admin_signed_in() -> bool:
    """The admin sign-in: explains how to enable editing when no secret is configured."""
    secret = admin.configured_secret(st.secrets, os.environ)
    if secret is None:
        problem = admin.secret_problem(st.secrets, os.environ)
        if problem:
            st.warning(problem, icon=":material/lock:")
        else:
            st.info(
                _(
                    "Editing data is off because no admin secret is configured. To turn it on, set the "
                    'environment variable `{env}` before starting the app, or add `{key} = "..."` to '
                    "`.streamlit/secrets.toml` (that file is never committed). Use a long random value, at "
                    "least {length} characters, and share it only with the people who publish data."
                ).format(env=admin.ENV_VAR, key=admin.SECRETS_KEY, length=admin.MIN_SECRET_LENGTH),
                icon=":material/lock:",
            )
        return False
    # The session remembers a hash of the secret, so changing the secret signs everyone out.
    if st.session_state.get("admin_ok") == _fingerprint(secret):
        return True
    with st.form("admin_sign_in", clear_on_submit=True):
        password = st.text_input(_("Admin password"), type="password", key="admin_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        attempt = _admin_throttle().attempt(password or "", secret, time.monotonic(), _client())
        if attempt.ok:
            st.session_state["admin_ok"] = _fingerprint(secret)
            st.rerun()
        st.error(attempt.message, icon=":material/block:")
    return False


def admin_sign_out() -> None:
    with st.sidebar:
        if st.button(_("Sign out"), icon=":material/logout:", key="admin_sign_out"):
            st.session_state.pop("admin_ok", None)
            st.rerun()


def flash() -> None:
    """The outcome of the last publish or restore, shown once after the rerun it triggered."""
    message = st.session_state.pop("data_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


@st.cache_data(show_spinner=False, max_entries=4)
def _workbook_bytes(root: str, version: str) -> bytes:
    from hmhb_dash import workbook

    _version, tables = store.read_tables(Path(root), version)
    return workbook.export_workbook(tables, version)


def workbook_download() -> None:
    version = data_version()
    st.download_button(
        "Download the current data (.xlsx)",
        _workbook_bytes(str(store.data_dir()), version),
        file_name=f"mms-tracker-data-{version}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="workbook_download",
    )
    st.caption(
        f"Version {version}. The README sheet explains every column and the allowed values; "
        "dropdowns offer the closed lists."
    )


def _upload_limit_mb() -> int:
    from hmhb_dash import workbook

    return workbook.MAX_BYTES // (1024 * 1024)


def upload_and_check() -> tuple[ingest.Result, ingest.Diff | None, str] | None:
    """The uploader; the file's report and its changes against the current data (checked once per file)."""
    from hmhb_dash import ingest, workbook

    files = st.file_uploader(
        "Upload the edited workbook (.xlsx), or CSV files named after the sheets",
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        max_upload_size=_upload_limit_mb(),
        key=f"data_upload_{st.session_state.get('data_upload_round', 0)}",
        help=f"At most {_upload_limit_mb()} MB. Nothing is written until you press Publish.",
    )
    if not files:
        return None
    workbooks = [f for f in files if f.name.lower().endswith(".xlsx")]
    if workbooks and len(files) > 1:
        # People re-upload a corrected workbook next to the first one: check the newest.
        files = workbooks[-1:]
        st.info(
            f"Checking {escape_markdown(files[0].name)}, the last workbook added. "
            "Remove the others with their x.",
            icon=":material/info:",
        )
    total = sum(f.size for f in files)
    if total > workbook.MAX_BYTES:
        st.error(
            f"The upload is {total / 1024 / 1024:.1f} MB; the limit is {_upload_limit_mb()} MB. "
            "Nothing was read.",
            icon=":material/block:",
        )
        return None
    payload = [(f.name, f.getvalue()) for f in files]
    version = data_version()
    key = hashlib.sha256(repr([(n, hashlib.sha256(d).digest()) for n, d in payload]).encode()).hexdigest()
    cached = st.session_state.get("data_check")
    if not cached or cached[0] != (key, version):
        with st.spinner("Checking every sheet..."):
            result = ingest.validate(workbook.read_files(payload), today())
            current = {name: table(name) for name in ingest.TABLES}
            change = ingest.diff(current, result.tables, today()) if result.tables is not None else None
        cached = ((key, version), result, change)
        st.session_state["data_check"] = cached
    return cached[1], cached[2], version


_PROBLEM_COLUMNS = {
    "sheet": st.column_config.TextColumn("Sheet", width="small"),
    "row": st.column_config.TextColumn("Row", width=60),
    "column": st.column_config.TextColumn("Column", width="small"),
    "value": st.column_config.TextColumn("Found", width="small"),
    "expected": st.column_config.TextColumn("Expected", width="large"),
}


def problem_report(report: ingest.Report) -> None:
    from hmhb_dash import ingest

    frame = report.frame()
    # Row as text: the whole-file and whole-sheet problems have no row, shown blank rather than "None".
    frame["row"] = frame["row"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    errors = frame[frame["severity"] == ingest.ERROR].drop(columns="severity")
    warnings = frame[frame["severity"] == ingest.WARNING].drop(columns="severity")
    if len(errors):
        st.error(
            f"{len(errors)} problem(s) must be fixed before this file can be published. Nothing has been "
            "written. Fix them in your file and upload it again.",
            icon=":material/error:",
        )
        st.dataframe(errors, hide_index=True, width="stretch", column_config=_PROBLEM_COLUMNS, key="errors")
    else:
        st.success("The file passed every check.", icon=":material/check_circle:")
    if len(warnings):
        with st.expander(f"{len(warnings)} warning(s): worth a look, they do not block publishing"):
            st.dataframe(
                warnings, hide_index=True, width="stretch", column_config=_PROBLEM_COLUMNS, key="warnings"
            )
    if len(frame):
        st.download_button(
            "Download this report (CSV)",
            frame.to_csv(index=False).encode("utf-8-sig"),
            file_name="data-check-report.csv",
            mime="text/csv",
            icon=":material/download:",
            key="report_download",
        )


def change_preview(change: ingest.Diff) -> None:
    if change.empty:
        st.info("No changes: the file matches the current data.", icon=":material/info:")
        return
    moves = change.stage_changes
    if len(moves):
        st.markdown(f"**{len(moves)} country(ies) change stage** (as of today)")
        st.dataframe(
            moves[["name", "from_label", "to_label", "since"]],
            hide_index=True,
            width="stretch",
            key="stage_moves",
            column_config={"name": "Country", "from_label": "From", "to_label": "To", "since": "Since"},
        )
    else:
        st.markdown("**No country changes stage.**")
    counts = change.counts()
    st.markdown("**Rows per sheet**")
    st.dataframe(
        counts[(counts[["added", "removed", "changed"]] > 0).any(axis=1)],
        hide_index=True,
        key="change_counts",
        column_config={"table": "Sheet", "added": "Added", "removed": "Removed", "changed": "Changed"},
    )
    with st.expander("Every added, removed and changed row"):
        st.dataframe(
            change.changes(),
            hide_index=True,
            width="stretch",
            key="change_rows",
            column_config={
                "table": "Sheet",
                "change": "Change",
                "row": "Row (key)",
                "detail": st.column_config.TextColumn("What changed", width="large"),
            },
        )


def rebuild_site(root: Path) -> str:
    """After a publish or restore, the static site in the configured folder is rebuilt (if one is set)."""
    from hmhb_dash import site  # Jinja2 and the exporters: only when someone publishes

    out = site.configured_site_dir(st.secrets, os.environ)
    if out is None:
        return ""
    from hmhb_dash.ui.light_map import map_shapes

    try:
        info = site.publish_site(root, out, map_shapes())
    except (site.NotASiteFolderError, OSError, ValueError) as exc:
        return f" The website in {out} was not rebuilt: {exc}."
    return f" The website in {out} was rebuilt ({info['files']} files)."


def publish_controls(result: ingest.Result, change: ingest.Diff, checked_against: str) -> None:
    if change.empty:
        return
    name = st.text_input("Your name (recorded in the publish log)", key="publisher_name", max_chars=80)
    clicked = st.button(
        "Publish as a new version",
        type="primary",
        disabled=not name.strip(),
        key="publish",
        icon=":material/publish:",
        help="Writes a new version; the previous one is kept and can be restored.",
    )
    if not clicked:
        if not name.strip():
            st.caption("Enter your name to publish.")
        return
    try:
        version = store.publish(
            store.data_dir(),
            result.tables,
            by=name.strip(),
            summary=change.summary(),
            source_sha256=result.sha256,
            expected_version=checked_against,
        )
    except store.StaleVersionError:
        st.warning(
            "Someone published while you were reviewing. The changes above were recomputed against the "
            "new data: check them and publish again.",
            icon=":material/warning:",
        )
        st.session_state.pop("data_check", None)
        return
    except store.StoreBusyError:
        st.error("Someone else is publishing right now: nothing was written. Try again in a minute.")
        return
    st.session_state["data_flash"] = (
        f"Published version {version}. Every page shows the new data on its next interaction; "
        "the previous version is under Versions."
    ) + rebuild_site(store.data_dir())
    st.session_state.pop("data_check", None)
    st.session_state["data_upload_round"] = st.session_state.get("data_upload_round", 0) + 1
    st.rerun()


def versions_panel() -> None:
    root = store.data_dir()
    infos = store.list_versions(root)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "version": i.id,
                    "current": "current" if i.is_current else "",
                    "published": i.created[:19].replace("T", " "),
                    "by": i.by,
                    "changes": i.summary,
                }
                for i in infos
            ]
        ),
        hide_index=True,
        width="stretch",
        key="versions",
        column_config={
            "version": "Version",
            "current": "Current",
            "published": "Published (UTC)",
            "by": "By",
            "changes": st.column_config.TextColumn("Changes", width="large"),
        },
    )
    others = [i.id for i in infos if not i.is_current]
    choice = st.selectbox("Version to make current again", others, index=None, key="restore_choice")
    name = st.text_input("Your name (recorded in the log)", key="restorer_name", max_chars=80)
    if st.button(
        "Restore this version",
        disabled=not (choice and name.strip()),
        key="restore",
        icon=":material/history:",
    ):
        try:
            store.restore(root, choice, by=name.strip())
        except (store.StoreBusyError, store.UnknownVersionError) as exc:
            st.error(f"Nothing was changed: {exc}.")
            return
        st.session_state["data_flash"] = f"Version {choice} is current again." + rebuild_site(root)
        st.session_state.pop("data_check", None)
        st.rerun()
    log = store.publish_log(root)
    st.markdown("**Publish log**")
    if not log:
        st.caption("Nothing published yet: the app shows the bundled public-record snapshot.")
        return
    frame = pd.DataFrame(log[::-1])
    frame["source_sha256"] = frame["source_sha256"].fillna("").str[:12]
    st.dataframe(
        frame[["at", "action", "version", "by", "summary", "source_sha256"]],
        hide_index=True,
        width="stretch",
        key="publish_log",
        column_config={
            "at": "When (UTC)",
            "action": "Action",
            "version": "Version",
            "by": "By",
            "summary": st.column_config.TextColumn("Changes", width="large"),
            "source_sha256": "File hash (sha256, start)",
        },
    )
