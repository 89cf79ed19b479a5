"""The Data page's widgets: admin sign-in, workbook download, upload check, preview, publish, restore.

Everything is in the current language: the problem report's messages are built by the checks in it, so a
check is cached per file, data version and language. Sheet and column names, values and the publish log's
summaries (a record, in English) stay as they are."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from hmhb_dash import admin, i18n, store
from hmhb_dash.i18n import N_, _, ngettext
from hmhb_dash.ui.base import data_version, escape_markdown, stored_table, today

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
def _workbook_bytes(root: str, version: str, lang: str) -> bytes:
    from hmhb_dash import workbook

    _version, tables = store.read_tables(Path(root), version)
    with i18n.using(lang):  # the README sheet in the language (cached per language)
        return workbook.export_workbook(tables, version)


def workbook_download() -> None:
    version = data_version()
    st.download_button(
        _("Download the current data (.xlsx)"),
        _workbook_bytes(str(store.data_dir()), version, i18n.current()),
        file_name=f"mms-tracker-data-{version}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="workbook_download",
    )
    st.caption(
        _(
            "Version {version}. The README sheet explains every column and the allowed values; dropdowns "
            "offer the closed lists."
        ).format(version=escape_markdown(version))
    )


def _upload_limit_mb() -> int:
    from hmhb_dash import workbook

    return workbook.MAX_BYTES // (1024 * 1024)


def upload_and_check() -> tuple[ingest.Result, ingest.Diff | None, str] | None:
    """The uploader; the file's report and its changes against the current data (checked once per file)."""
    from hmhb_dash import ingest, workbook

    files = st.file_uploader(
        _("Upload the edited workbook (.xlsx), or CSV files named after the sheets"),
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        max_upload_size=_upload_limit_mb(),
        key=f"data_upload_{st.session_state.get('data_upload_round', 0)}",
        help=_("At most {size} MB. Nothing is written until you press Publish.").format(
            size=_upload_limit_mb()
        ),
    )
    if not files:
        return None
    workbooks = [f for f in files if f.name.lower().endswith(".xlsx")]
    if workbooks and len(files) > 1:
        # People re-upload a corrected workbook next to the first one: check the newest.
        files = workbooks[-1:]
        st.info(
            _("Checking {name}, the last workbook added. Remove the others with their x.").format(
                name=escape_markdown(files[0].name)
            ),
            icon=":material/info:",
        )
    total = sum(f.size for f in files)
    if total > workbook.MAX_BYTES:
        st.error(
            _("The upload is {size} MB; the limit is {limit} MB. Nothing was read.").format(
                size=i18n.format_number(round(total / 1024 / 1024, 1)), limit=_upload_limit_mb()
            ),
            icon=":material/block:",
        )
        return None
    payload = [(f.name, f.getvalue()) for f in files]
    version = data_version()
    key = hashlib.sha256(repr([(n, hashlib.sha256(d).digest()) for n, d in payload]).encode()).hexdigest()
    cached = st.session_state.get("data_check")
    # The report's messages are in the language they were built in: a language change checks again.
    if not cached or cached[0] != (key, version, i18n.current()):
        with st.spinner(_("Checking every sheet...")):
            result = ingest.validate(workbook.read_files(payload), today())
            # As stored: the countries' names in the language would all read as changed.
            current = {name: stored_table(name) for name in ingest.TABLES}
            change = ingest.diff(current, result.tables, today()) if result.tables is not None else None
        cached = ((key, version, i18n.current()), result, change)
        st.session_state["data_check"] = cached
    return cached[1], cached[2], version


# Rows taller than 4rem let the grid wrap a cell's text: a message is read whole (French and Portuguese
# ones are longer), not cut at the column's edge.
_ROW_HEIGHT = 76


def _problem_columns() -> dict:
    from hmhb_dash.problems import COLUMN_LABELS

    widths = {"sheet": 120, "row": 60, "column": 130, "value": 160, "expected": "large"}
    return {c: st.column_config.TextColumn(_(COLUMN_LABELS[c]), width=w) for c, w in widths.items()}


def problem_report(report: ingest.Report) -> None:
    from hmhb_dash import ingest

    frame = report.frame()
    # Row as text: the whole-file and whole-sheet problems have no row, shown blank rather than "None".
    frame["row"] = frame["row"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    errors = frame[frame["severity"] == ingest.ERROR].drop(columns="severity")
    warnings = frame[frame["severity"] == ingest.WARNING].drop(columns="severity")
    columns = _problem_columns()
    if len(errors):
        st.error(
            ngettext(
                "{n} problem must be fixed before this file can be published. Nothing has been written. "
                "Fix it in your file and upload it again.",
                "{n} problems must be fixed before this file can be published. Nothing has been written. "
                "Fix them in your file and upload it again.",
                len(errors),
            ).format(n=i18n.format_number(len(errors))),
            icon=":material/error:",
        )
        st.dataframe(
            errors,
            hide_index=True,
            width="stretch",
            column_config=columns,
            key="errors",
            row_height=_ROW_HEIGHT,
        )
    else:
        st.success(_("The file passed every check."), icon=":material/check_circle:")
    if len(warnings):
        label = ngettext(
            "{n} warning: worth a look, it does not block publishing",
            "{n} warnings: worth a look, they do not block publishing",
            len(warnings),
        ).format(n=i18n.format_number(len(warnings)))
        with st.expander(label):
            st.dataframe(
                warnings,
                hide_index=True,
                width="stretch",
                column_config=columns,
                key="warnings",
                row_height=_ROW_HEIGHT,
            )
    if len(frame):
        st.download_button(
            _("Download this report (CSV)"),
            report.csv(),
            file_name="data-check-report.csv",
            mime="text/csv",
            icon=":material/download:",
            key="report_download",
        )


def change_preview(change: ingest.Diff) -> None:
    if change.empty:
        st.info(_("No changes: the file matches the current data."), icon=":material/info:")
        return
    moves = change.stage_changes
    if len(moves):
        st.markdown(
            ngettext(
                "**{n} country changes stage** (as of today)",
                "**{n} countries change stage** (as of today)",
                len(moves),
            ).format(n=i18n.format_number(len(moves)))
        )
        # The table shows the country names in the language, as every other page does.
        names = [i18n.country_name(i, n, i18n.current()) for i, n in zip(moves["iso3"], moves["name"])]
        st.dataframe(
            moves.assign(name=names)[["name", "from_label", "to_label", "since"]],
            hide_index=True,
            width="stretch",
            key="stage_moves",
            column_config={
                "name": _("Country"),
                "from_label": _("From"),
                "to_label": _("To"),
                "since": _("Since"),
            },
        )
    else:
        st.markdown(_("**No country changes stage.**"))
    counts = change.counts()
    st.markdown(_("**Rows per sheet**"))
    st.dataframe(
        counts[(counts[["added", "removed", "changed"]] > 0).any(axis=1)],
        hide_index=True,
        key="change_counts",
        column_config={
            "table": _("Sheet"),
            "added": _("Added"),
            "removed": _("Removed"),
            "changed": _("Changed"),
        },
    )
    with st.expander(_("Every added, removed and changed row")):
        st.dataframe(
            change.changes(),
            hide_index=True,
            width="stretch",
            key="change_rows",
            column_config={
                "table": _("Sheet"),
                "change": _("Change"),
                "row": _("Row (key)"),
                "detail": st.column_config.TextColumn(_("What changed"), width="large"),
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
        return " " + _("The website in {folder} was not rebuilt: {reason}.").format(
            folder=escape_markdown(str(out)), reason=escape_markdown(str(exc))
        )
    return " " + ngettext(
        "The website in {folder} was rebuilt ({n} file).",
        "The website in {folder} was rebuilt ({n} files).",
        info["files"],
    ).format(folder=escape_markdown(str(out)), n=i18n.format_number(info["files"]))


def publish_controls(result: ingest.Result, change: ingest.Diff, checked_against: str) -> None:
    if change.empty:
        return
    name = st.text_input(_("Your name (recorded in the publish log)"), key="publisher_name", max_chars=80)
    clicked = st.button(
        _("Publish as a new version"),
        type="primary",
        disabled=not name.strip(),
        key="publish",
        icon=":material/publish:",
        help=_("Writes a new version; the previous one is kept and can be restored."),
    )
    if not clicked:
        if not name.strip():
            st.caption(_("Enter your name to publish."))
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
            _(
                "Someone published while you were reviewing. The changes above were recomputed against the "
                "new data: check them and publish again."
            ),
            icon=":material/warning:",
        )
        st.session_state.pop("data_check", None)
        return
    except store.StoreBusyError:
        st.error(_("Someone else is publishing right now: nothing was written. Try again in a minute."))
        return
    st.session_state["data_flash"] = _(
        "Published version {version}. Every page shows the new data on its next interaction; the previous "
        "version is under Versions and log."
    ).format(version=escape_markdown(version)) + rebuild_site(store.data_dir())
    st.session_state.pop("data_check", None)
    st.session_state["data_upload_round"] = st.session_state.get("data_upload_round", 0) + 1
    st.rerun()


_ACTIONS = {"publish": N_("publish"), "restore": N_("restore")}


def versions_panel() -> None:
    root = store.data_dir()
    infos = store.list_versions(root)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "version": i.id,
                    "current": _("current") if i.is_current else "",
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
            "version": _("Version"),
            "current": _("Current"),
            "published": _("Published (UTC)"),
            "by": _("By"),
            "changes": st.column_config.TextColumn(_("Changes (in English)"), width="large"),
        },
    )
    others = [i.id for i in infos if not i.is_current]
    choice = st.selectbox(
        _("Version to make current again"),
        others,
        index=None,
        key="restore_choice",
        placeholder=_("Choose a version"),
    )
    name = st.text_input(_("Your name (recorded in the log)"), key="restorer_name", max_chars=80)
    if st.button(
        _("Restore this version"),
        disabled=not (choice and name.strip()),
        key="restore",
        icon=":material/history:",
    ):
        try:
            store.restore(root, choice, by=name.strip())
        except store.StoreBusyError:
            st.error(_("Nothing was changed: another publish is in progress; try again in a minute."))
            return
        except store.UnknownVersionError:
            st.error(
                _(
                    "Nothing was changed: version {version} cannot be restored (unknown or incomplete)."
                ).format(version=escape_markdown(choice))
            )
            return
        st.session_state["data_flash"] = _("Version {version} is current again.").format(
            version=escape_markdown(choice)
        ) + rebuild_site(root)
        st.session_state.pop("data_check", None)
        st.rerun()
    log = store.publish_log(root)
    st.markdown(_("**Publish log**"))
    if not log:
        st.caption(_("Nothing published yet: the app shows the bundled public-record snapshot."))
        return
    frame = pd.DataFrame(log[::-1])
    frame["source_sha256"] = frame["source_sha256"].fillna("").str[:12]
    frame["action"] = frame["action"].map(lambda a: _(_ACTIONS[a]) if a in _ACTIONS else a)
    st.dataframe(
        frame[["at", "action", "version", "by", "summary", "source_sha256"]],
        hide_index=True,
        width="stretch",
        key="publish_log",
        column_config={
            "at": _("When (UTC)"),
            "action": _("Action"),
            "version": _("Version"),
            "by": _("By"),
            "summary": st.column_config.TextColumn(_("Changes (in English)"), width="large"),
            "source_sha256": _("File hash (sha256, start)"),
        },
    )
