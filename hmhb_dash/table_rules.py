"""What the edited tables are beyond their schemas: the columns people edit, date columns, row keys.

A new table is described here (KEYS), in schema.py (its schema), in workbook_write.py (COLUMN_HELP), in
export.py (TABLE_NOTES) and in scripts/build_data.py (a build_<table> step); tests/test_tables.py fails,
naming what is missing, when one of them is not there.
"""

from __future__ import annotations

from hmhb_dash import schema

# The workbook's sheets besides one per table (what the reader skips).
README_SHEET = "README"
LISTS_SHEET = "lists"
# Date columns and the precision column each one sets; precision is derived, never typed by people.
DATE_COLUMNS = {("stage_history", "since"): "since_precision", ("milestones", "date"): "date_precision"}
DERIVED_COLUMNS = {table: precision for (table, _), precision in DATE_COLUMNS.items()}
# Keys that identify a row when comparing versions (activities have none: whole rows are compared).
KEYS: dict[str, list[str]] = {
    "countries": ["iso3"],
    "stage_history": ["iso3", "stage"],
    "milestones": ["id"],
    "organisations": ["id"],
    "activities": [],
    "evidence": ["id"],
    "indicators": [],
    "hmhb_labels": ["iso3", "scheme"],
}


def workbook_columns(table: str) -> list[str]:
    """The columns people edit: the schema's, without the derived precision columns."""
    return [c for c in schema.SCHEMAS[table].columns if c != DERIVED_COLUMNS.get(table)]


def is_url_column(column: str) -> bool:
    return column in ("url", "website") or column.endswith("source_url")


def vocabulary(table: str, column: str) -> list | None:
    """The closed list of values a column allows, read from the schema's isin check."""
    spec = schema.SCHEMAS[table].columns[column]
    for check in spec.checks:
        allowed = (check.statistics or {}).get("allowed_values")
        if allowed is not None:
            return list(allowed)
    return None
