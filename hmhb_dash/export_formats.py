"""The Export menu's formats: one registry entry per downloadable file (pure; no Streamlit).

Adding a format means one entry here and one builder function (usually in export.py); the app's
menu, its file names and the tests all read this list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from hmhb_dash import export, i18n, svgmap
from hmhb_dash.i18n import N_
from hmhb_dash.presentation import Briefing


@dataclass(frozen=True)
class ExportContext:
    """Everything a builder may need: the view's briefing, the map shapes, every table, today."""

    briefing: Briefing
    shapes: svgmap.MapShapes
    tables: dict[str, pd.DataFrame]
    today: dt.date


@dataclass(frozen=True)
class ExportFormat:
    key: str  # stable id: widget keys, caches, file names
    label: str  # English; the menu shows it translated
    extension: str
    mime: str
    build: Callable[[ExportContext], bytes]
    file_name: str | None = None  # a fixed name; otherwise "<view stem>-<key>.<extension>"

    def name_for(self, stem: str) -> str:
        return self.file_name or f"{stem}-{self.key.split('.')[0]}.{self.extension}"


def _deck(c: ExportContext) -> bytes:
    from hmhb_dash import deck  # python-pptx loads only when someone asks for a deck

    return deck.build_deck(c.briefing, c.shapes, c.today)


def _map_png(c: ExportContext) -> bytes:
    return export.map_image(c.briefing, c.shapes)


def _map_svg(c: ExportContext) -> bytes:
    return export.map_image(c.briefing, c.shapes, fmt="svg")


def _trend_png(c: ExportContext) -> bytes:
    return export.trend_image(c.briefing)


def _view_csv(c: ExportContext) -> bytes:
    return export.view_csv(c.briefing)


def _view_xlsx(c: ExportContext) -> bytes:
    return export.view_xlsx(c.briefing)


def _dataset_zip(c: ExportContext) -> bytes:
    return export.dataset_zip(c.tables, c.briefing.data_version, c.briefing.as_of_text)


def _website_zip(c: ExportContext) -> bytes:
    from hmhb_dash import site  # Jinja2 loads only when someone asks for the website

    version, year = c.briefing.data_version, c.briefing.view.map.year
    first, last = site.site_years(c.tables, version)
    year = year if first <= year <= last else None
    # In the app's language, as every other export.
    return site.site_zip(site.SiteInput(c.tables, version, c.shapes, year, i18n.current()))


PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("deck", N_("Slide deck (PowerPoint)"), "pptx", PPTX, _deck),
    ExportFormat("map.png", N_("Map (PNG)"), "png", "image/png", _map_png),
    ExportFormat("map.svg", N_("Map (SVG)"), "svg", "image/svg+xml", _map_svg),
    ExportFormat("trend.png", N_("Progress chart (PNG)"), "png", "image/png", _trend_png),
    ExportFormat("csv", N_("Countries in view (CSV)"), "csv", "text/csv", _view_csv),
    ExportFormat("xlsx", N_("Countries in view (Excel)"), "xlsx", XLSX, _view_xlsx),
    ExportFormat(
        "zip",
        N_("Whole dataset with README (zip)"),
        "zip",
        "application/zip",
        _dataset_zip,
        "mms-tracker-dataset.zip",
    ),
    ExportFormat("site", N_("Website (zip)"), "zip", "application/zip", _website_zip),
)


def export_format(key: str) -> ExportFormat:
    return next(f for f in FORMATS if f.key == key)


def view_stem(year: int, region: str | None) -> str:
    """'mms-tracker-2024-west-and-central-africa': the file name stem of a view's exports."""
    stem = f"mms-tracker-{year}" + (f"-{region}" if region else "")
    return "".join(c if c.isalnum() or c == "-" else "-" for c in stem.lower())
