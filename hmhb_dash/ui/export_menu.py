"""The briefing of a view and the Export menu (shared by the map and presentation pages)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import streamlit as st

from hmhb_dash import export_formats, presentation, store
from hmhb_dash.i18n import _
from hmhb_dash.ui import light_map
from hmhb_dash.ui.base import data_key, data_version, table, today


@st.cache_resource(show_spinner=False, max_entries=32)
def briefing_for(key: str, view, day: dt.date):
    tables = {name: table(name) for name in store.TABLES}
    # The key also names the data directory, which slides must not show: give them the version id.
    return presentation.brief(tables, view, day, data_version())


def briefing(view):
    """The briefing of a presentation view (step ignored), built once per data version and view."""
    return briefing_for(data_key(), dataclasses.replace(view, step=1), today())


# Exports are built only when a download is clicked (st.download_button runs the callable then).
@st.cache_resource(show_spinner=False, max_entries=8)
def _export_bytes(key: str, view, day: dt.date, what: str) -> bytes:
    context = export_formats.ExportContext(
        briefing_for(key, view, day), light_map.map_shapes(), {n: table(n) for n in store.TABLES}, day
    )
    return export_formats.export_format(what).build(context)


def export_menu(view, key: str) -> None:
    """Downloads of the current view; each file is made only when its button is clicked."""
    view = dataclasses.replace(view, step=1)
    cache_key, day = data_key(), today()
    stem = export_formats.view_stem(view.map.year, view.map.region)
    with st.popover(_("Export")):
        for spec in export_formats.FORMATS:
            st.download_button(
                _(spec.label),
                data=functools.partial(_export_bytes, cache_key, view, day, spec.key),
                file_name=spec.name_for(stem),
                mime=spec.mime,
                on_click="ignore",
                key=f"{key}_{spec.key}",
                width="stretch",
            )
