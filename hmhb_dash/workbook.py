"""The people's interchange format, by the names the Data page and the commands use.

Writing is in workbook_write.py (the .xlsx export), reading back in workbook_read.py (a workbook or CSV
files -> raw cells and the file's own problems); validate.py then checks the contents.
"""

from hmhb_dash.schema import TABLES
from hmhb_dash.table_rules import LISTS_SHEET, README_SHEET
from hmhb_dash.workbook_read import (
    FILE,
    MAX_BYTES,
    MAX_UNPACKED_BYTES,
    FileRefused,
    RawInput,
    RawSheet,
    read_bounded,
    read_files,
    read_path,
)
from hmhb_dash.workbook_write import COLUMN_HELP, column_help, dropdowns, export_workbook, format_iso

__all__ = [
    "COLUMN_HELP",
    "FILE",
    "LISTS_SHEET",
    "MAX_BYTES",
    "MAX_UNPACKED_BYTES",
    "README_SHEET",
    "TABLES",
    "FileRefused",
    "RawInput",
    "RawSheet",
    "column_help",
    "dropdowns",
    "export_workbook",
    "format_iso",
    "read_bounded",
    "read_files",
    "read_path",
]
