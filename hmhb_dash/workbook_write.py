"""Write the people's interchange format: the tables as one Excel workbook.

A README sheet describing every column, a sheet per table, dropdowns for closed vocabularies, frozen
headers, readable widths; dates written at their precision so they read back the same. The README sheet
and the dropdowns' messages are in the current language; sheet names, column headers and values are the
data model's and stay as they are, so a workbook exported in any language reads back the same.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hmhb_dash import clock
from hmhb_dash.cells import missing
from hmhb_dash.i18n import N_, _
from hmhb_dash.schema import (
    GLOBAL_ISO3,
    INCOME_GROUPS,
    INDICATOR_KINDS,
    LIST_SEPARATOR,
    MILESTONE_KINDS,
    SCHEMAS,
    STAGES,
    TABLES,
    TOPICS,
    WHO_REGION_NAMES,
)
from hmhb_dash.table_rules import (
    DATE_COLUMNS,
    LISTS_SHEET,
    README_SHEET,
    is_url_column,
    vocabulary,
    workbook_columns,
)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B5394")
# What people may type in a column, in words, when it has no dropdown (the README sheet's "allowed values").
# Every text of the README sheet is marked N_() and translated when a workbook is written.
DATE_ALLOWED = N_("YYYY, YYYY-MM, YYYY-MM-DD or an Excel date, not in the future")
README_INTRO = [
    N_("Edit the sheets, save as .xlsx, upload on the Data page (or: python -m hmhb_dash ingest FILE)."),
    N_("Keep sheet names and column headers as they are; one row per record; no merged cells or formulas."),
    N_("Dates: an Excel date, or text YYYY, YYYY-MM or YYYY-MM-DD; the app shows the precision given."),
    N_("Lists (topics, countries, organisation ids) are separated by '{separator}'."),
    N_("Links must start with http:// or https://. Empty cells mean 'not reported'."),
    N_("Nothing is written until the whole file passes the checks; every published version is kept."),
]
README_HEADER = [N_("sheet"), N_("column"), N_("required"), N_("allowed values"), N_("meaning"), N_("rows")]

COLUMN_HELP: dict[str, dict[str, str]] = {
    "countries": {
        "iso3": N_("ISO 3166-1 alpha-3 code; the key every other sheet refers to."),
        "name": N_("Country or territory name as shown in the app."),
        "unicef_region": N_("UNICEF reporting region."),
        "unicef_programme_region": N_("UNICEF programme region."),
        "unicef_as_of": N_("When the UNICEF grouping was read (text)."),
        "unicef_source_url": N_("Link to the source of the UNICEF grouping."),
        "who_region": N_("WHO region code: {who_regions}."),
        "who_as_of": N_("When the WHO grouping was read (text)."),
        "who_source_url": N_("Link to the source of the WHO grouping."),
        "wb_region": N_("World Bank region."),
        "wb_income": N_("World Bank income group: {income_groups}."),
        "wb_as_of": N_("Which World Bank fiscal-year classification (text)."),
        "wb_source_url": N_("Link to the source of the World Bank grouping."),
        "grouping_notes": N_("Free-text notes on the groupings."),
    },
    "stage_history": {
        "iso3": N_("Country code from the countries sheet."),
        "stage": N_("Programme stage: {stages}."),
        "since": N_("When the country reached this stage. Empty means 'not reported' (counts from today)."),
        "basis": N_("One sentence: why this stage."),
        "source_url": N_("Link to the source of the deciding fact."),
    },
    "milestones": {
        "id": N_("Unique id, e.g. BGD-2024-policy-1. Keep ids of existing rows unchanged."),
        "iso3": N_("Country code from the countries sheet, or {global_code} for a global milestone."),
        "date": N_("When it happened. Empty means 'not reported'."),
        "kind": N_("Kind of milestone: {milestone_kinds}."),
        "title": N_("What happened, in one line."),
        "detail": N_("Optional longer description."),
        "source_url": N_("Link to the source."),
        "source_date": N_("Date of the source as written there (text)."),
        "quote": N_("The source's own words."),
        "source_note": N_("Notes on the source (mirror, substitutes, doubts)."),
    },
    "organisations": {
        "id": N_("Unique id that activities and evidence refer to (often the short name)."),
        "name": N_("Full name."),
        "short_name": N_("Short name or acronym."),
        "type": N_("Type of organisation."),
        "hq_iso3": N_("Headquarters country code (from the countries sheet)."),
        "website": N_("Website link."),
        "relationship": N_("Relationship to the HMHB Consortium."),
        "source_url": N_("Link to the source."),
        "verified": N_("yes if the secretariat has checked the source; no shows 'not verified'."),
    },
    "activities": {
        "organisation_id": N_("Id from the organisations sheet."),
        "iso3": N_("Country code from the countries sheet."),
        "activity_type": N_("Type of activity."),
        "start_year": N_("First year (a whole number); empty if not reported."),
        "end_year": N_("Last year; empty if ongoing or not reported."),
        "description": N_("What the organisation does there."),
        "source_url": N_("Link to the source."),
        "verified": N_("yes if the secretariat has checked the source; no shows 'not verified'."),
    },
    "evidence": {
        "id": N_("Unique id. Keep ids of existing rows unchanged."),
        "title": N_("Title of the item (kept as plain text)."),
        "authors": N_("Authors (first author is enough)."),
        "publisher": N_("Publisher or journal."),
        "year": N_("Year of publication."),
        "type": N_("Type of evidence."),
        "topics": N_("One or more topics separated by ';'."),
        "countries": N_("Country codes separated by ';' (e.g. BGD;NPL); {global_code} or empty for global."),
        "organisation_ids": N_("Ids from the organisations sheet separated by ';'."),
        "url": N_("Link to the item."),
        "doi": N_("DOI, e.g. 10.1136/bmj.326.7389.571."),
        "summary": N_("Two or three sentences."),
        "verified": N_("yes if the secretariat has checked the source; no shows 'not verified'."),
    },
    "indicators": {
        "iso3": N_("Country code from the countries sheet."),
        "indicator": N_("What the number counts: {indicator_kinds}. Kinds are never added together."),
        "value": N_(
            "The number the source gives, as a whole number (47000, not '47,000' or 'over 47k'). "
            "Empty means 'not reported'."
        ),
        "period": N_("The period or scope the number covers, in words (e.g. 2021, 'July 2022 to 2023')."),
        "source_url": N_("Link to the source of the number."),
        "quote": N_("The source's own words giving the number (at most 200 characters)."),
        "source_date": N_("Date of the source as written there (text)."),
        "source_note": N_("Notes on the source (mirror, secondary copy, doubts)."),
        "verified": N_("yes if the source itself was read; no for a mirror or secondary copy."),
    },
    "hmhb_labels": {
        "iso3": N_("Country code from the countries sheet."),
        "scheme": N_(
            "Which HMHB scheme: phase (newer country pages: 1 Exploration, 2 Initial implementation, "
            "3 Scale-up) or map_category (2021- World Map: 1 impact study only, 2-4 the three phases)."
        ),
        "code": N_(
            "HMHB's number in that scheme: phase 1-3 or category 1-4. Phase n is the project's stage "
            "n+1; category n is stage n."
        ),
        "label": N_("HMHB's own words for the label."),
        "as_of": N_("When HMHB published it, as written there (e.g. HMHB Survey 2025)."),
        "source_url": N_("Link to the HMHB page."),
        "quote": N_("The page's own words (at most 200 characters)."),
    },
}


def column_help(table: str, column: str) -> str:
    """A column's meaning for the README sheet, in the current language (vocabularies' labels too)."""
    return _(COLUMN_HELP[table][column]).format(
        who_regions=", ".join(f"{k} {_(v)}" for k, v in WHO_REGION_NAMES.items()),
        income_groups=", ".join(f"{k} {_(v)}" for k, v in INCOME_GROUPS.items()),
        stages="; ".join(f"{k} {_(v)}" for k, v in STAGES.items()),
        milestone_kinds=", ".join(f"{k} ({_(v)})" for k, v in MILESTONE_KINDS.items()),
        indicator_kinds=", ".join(f"{k} ({_(v)})" for k, v in INDICATOR_KINDS.items()),
        global_code=GLOBAL_ISO3,
    )


def dropdowns(table: str) -> dict[str, tuple[list, bool]]:
    """Columns with a dropdown: values and whether Excel should refuse anything else."""
    found: dict[str, tuple[list, bool]] = {}
    for column in workbook_columns(table):
        allowed = vocabulary(table, column)
        if allowed is not None:
            found[column] = (allowed, True)
    if table == "evidence":
        found["topics"] = (list(TOPICS), False)  # several topics are typed with ';'
    if "verified" in SCHEMAS[table].columns:
        found["verified"] = (["yes", "no"], True)
    return found


def _cell_value(table: str, column: str, value: object, precision: object = None) -> object:
    if missing(value):
        return None
    if (table, column) in DATE_COLUMNS:
        return format_iso(value, str(precision))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def format_iso(value: object, precision: str) -> str:
    """A date as text at its precision, so it reads back with the same precision."""
    stamp = pd.Timestamp(value)
    return {"year": f"{stamp.year:04d}", "month": f"{stamp.year:04d}-{stamp.month:02d}"}.get(
        precision, stamp.date().isoformat()
    )


def export_workbook(tables: dict[str, pd.DataFrame], version: str, today: dt.date | None = None) -> bytes:
    """The tables as one .xlsx workbook (bytes)."""
    today = today or clock.today()
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = README_SHEET
    list_ranges = _write_lists(book.create_sheet(LISTS_SHEET))
    for table in TABLES:
        _write_sheet(book.create_sheet(table), table, tables[table], list_ranges)
    _write_readme(readme, tables, version, today)
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_lists(lists) -> dict[tuple[str, str], str]:
    """Every dropdown's values in a column of the hidden lists sheet; the range each dropdown refers to."""
    lists.sheet_state = "hidden"
    list_ranges: dict[tuple[str, str], str] = {}
    list_column = 0
    for table in TABLES:
        for column, (values, _strict) in dropdowns(table).items():
            list_column += 1
            letter = get_column_letter(list_column)
            lists.cell(1, list_column, f"{table}.{column}")
            for i, item in enumerate(values, start=2):
                lists.cell(i, list_column, item)
            list_ranges[(table, column)] = f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    return list_ranges


def _write_sheet(sheet, table: str, frame: pd.DataFrame, list_ranges: dict) -> None:
    columns = workbook_columns(table)
    sheet.append(columns)
    precision_of = {col: prec for (tab, col), prec in DATE_COLUMNS.items() if tab == table}
    data = frame.reset_index(drop=True)
    cells = {c: data[c].tolist() for c in columns}
    precisions = {c: data[p].tolist() for c, p in precision_of.items()}
    for i in range(len(data)):
        row = [
            _cell_value(table, c, cells[c][i], precisions[c][i] if c in precisions else None) for c in columns
        ]
        sheet.append(row)
    # A text starting with '=' is data, not a formula: never let Excel evaluate what users typed.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    for index, column in enumerate(columns, start=1):
        _format_column(sheet, table, index, column, cells[column])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(data) + 1, 2)}"
    _add_dropdowns(sheet, table, columns, list_ranges)


def _format_column(sheet, table: str, index: int, column: str, values: list) -> None:
    """Header style, a width fitting most values, and text format for dates and codes."""
    head = sheet.cell(1, index)
    head.font, head.fill = HEADER_FONT, HEADER_FILL
    lengths = sorted(len(str(v)) for v in values if not missing(v))
    typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
    sheet.column_dimensions[get_column_letter(index)].width = max(len(column) + 4, min(typical + 2, 60), 10)
    if (table, column) in DATE_COLUMNS or column in ("iso3", "id"):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = "@"


def _add_dropdowns(sheet, table: str, columns: list[str], list_ranges: dict) -> None:
    for column, (_values, strict) in dropdowns(table).items():
        letter = get_column_letter(columns.index(column) + 1)
        validation = DataValidation(
            type="list",
            formula1=list_ranges[(table, column)],
            allow_blank=True,
            showErrorMessage=strict,
            errorTitle=_("Not in the list"),
            error=_("Choose a {column} from the list (see the README sheet).").format(column=column),
            showInputMessage=not strict,
            prompt=_("Pick one, or type several separated by ';'") if not strict else None,
        )
        validation.add(f"{letter}2:{letter}1048576")
        sheet.add_data_validation(validation)


def _allowed(table: str, column: str, allowed_by: dict[str, tuple[list, bool]]) -> str:
    """A column's allowed values in words, for the README sheet."""
    dtype = str(SCHEMAS[table].columns[column].dtype)
    if column in allowed_by:
        return ", ".join(map(str, allowed_by[column][0]))
    if (table, column) in DATE_COLUMNS:
        return _(DATE_ALLOWED)
    if is_url_column(column):
        return _("http:// or https:// link")
    if column == "value":
        return _("a whole number, 0 or more")
    if column == "code":
        return _("1-4 (phase: 1-3)")
    if dtype == "Int64":
        return _("a year, {low}-{high}").format(low=1950, high=2100)
    if column in ("iso3", "hq_iso3"):
        return _("three upper-case letters")
    return ""


def _write_readme(sheet, tables: dict[str, pd.DataFrame], version: str, today: dt.date) -> None:
    intro = [
        [_("MMS Adoption Tracker: data workbook")],
        [_("Exported {date} from data version {version}.").format(date=today.isoformat(), version=version)],
        *([_(line).format(separator=LIST_SEPARATOR)] for line in README_INTRO),
        [],
        [_(label) for label in README_HEADER],
    ]
    for line in intro:
        sheet.append(line)
    header_row = len(intro)
    for cell in sheet[header_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    sheet["A1"].font = Font(bold=True, size=14)
    for table in TABLES:
        allowed_by = dropdowns(table)
        for column in workbook_columns(table):
            spec = SCHEMAS[table].columns[column]
            required = _("no") if spec.nullable or str(spec.dtype) == "bool" else _("yes")
            allowed = _allowed(table, column, allowed_by)
            sheet.append([table, column, required, allowed, column_help(table, column), len(tables[table])])
    for letter, width in zip("ABCDEF", (16, 24, 10, 50, 80, 8)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{header_row + 1}"
