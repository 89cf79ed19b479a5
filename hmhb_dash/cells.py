"""One cell of an edited table: blank or not, shown to people, read as its column's type (CellError if not).

Cells are what workbook_read.py gives: values as Excel or a CSV gave them. Each converter either returns
the typed value or raises CellError, whose message says what the column expects, in the current language:
the module's messages are marked N_() and translated when a cell is read, never at import.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from hmhb_dash.i18n import N_, _
from hmhb_dash.schema import NOT_REPORTED, STAGES

EARLIEST_DATE = pd.Timestamp(1950, 1, 1)
# What a whole-number cell means, per column (years unless named here). Messages: translate with _().
WHOLE_EXPECTED = {
    "value": N_("a whole number of 0 or more, e.g. 47000 (no commas or words)"),
    "code": N_("a whole number: HMHB phase 1-3 or World Map category 1-4"),
}
YEAR_EXPECTED = N_("a whole year, e.g. 2021")
URL_EXPECTED = N_("an http:// or https:// link with no spaces")
ISO3_EXPECTED = N_("a three-letter upper-case ISO3 code, e.g. BGD")
DATE_FORMATS = N_("a date: an Excel date, or text YYYY, YYYY-MM or YYYY-MM-DD")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# yes/no as the workbook writes them, and as people may type them in French or Portuguese.
_TRUE = {"yes", "y", "true", "1", "verified", "oui", "vérifié", "sim", "verificado"}
_FALSE = {"no", "n", "false", "0", "not verified", "non", "non vérifié", "não", "nao", "não verificado"}


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message says what is expected."""


def missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA; a text is never missing (an empty one is blank, see `blank`)."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def blank(value: object) -> bool:
    """Missing, or a text of white space only: an empty cell."""
    return missing(value) or (isinstance(value, str) and not value.strip())


def _as_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def show(value: object, limit: int = 80) -> str:
    """A cell value as people see it, shortened."""
    if missing(value):
        return ""
    text = _as_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: object) -> object:
    """A cell as a plain Python value (None for missing, ISO text for a timestamp), for comparing rows."""
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a table as dicts of plain values."""
    columns = list(frame.columns)
    return [dict(zip(columns, map(plain, values))) for values in frame.itertuples(index=False, name=None)]


def to_text(value: object) -> str | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return _as_text(value).strip()


def to_whole(value: object, expected: str) -> int | None:
    if blank(value):
        return None
    if isinstance(value, bool | dt.date):
        raise CellError(expected)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(expected)
    text = str(value).strip()
    # ASCII digits, and few enough that float() stays finite (a 400-digit text would overflow).
    if re.fullmatch(r"[+-]?[0-9]{1,15}(\.0+)?", text):
        return int(float(text))
    raise CellError(expected)


def stage_expected() -> str:
    """'a stage code 0 (No recorded activity), 1 (Evidence only), ...' in the current language."""
    codes = ", ".join(f"{code} ({_(label)})" for code, label in STAGES.items())
    return _("a stage code {codes}").format(codes=codes)


def _stage_labels() -> dict[str, int]:
    """Stage names people may type instead of the code: English, and the current language's."""
    labels = {label.lower(): code for code, label in STAGES.items()}
    labels.update({_(label).lower(): code for code, label in STAGES.items()})
    return labels


def to_stage(value: object) -> int | None:
    if isinstance(value, str):
        by_label = _stage_labels()
        if value.strip().lower() in by_label:
            return by_label[value.strip().lower()]
    code = to_whole(value, stage_expected())
    if code is not None and code not in STAGES:
        raise CellError(stage_expected())
    return code


def to_bool(value: object) -> bool:
    if blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("yes or no"))


def check_url(value: str | None) -> None:
    if value is not None and not re.fullmatch(r"https?://\S+", value):
        raise CellError(_(URL_EXPECTED))


def parse_date(value: object, today: dt.date) -> tuple[pd.Timestamp | None, str, str | None]:
    """A date cell -> (first day of the period, precision, warning or None). Raises CellError.

    Accepts Excel date cells, text 'YYYY', 'YYYY-MM', 'YYYY-MM-DD', and Excel serial numbers (a date
    cell whose format was lost); a serial number is read but flagged, since it may not be what was meant.
    """
    if blank(value):
        return None, NOT_REPORTED, None
    if isinstance(value, bool):
        raise CellError(_(DATE_FORMATS))
    warning = None
    if isinstance(value, dt.datetime | dt.date):
        stamp, precision = pd.Timestamp(value.year, value.month, value.day), "day"
    elif isinstance(value, int | float) or (isinstance(value, str) and _SERIAL.match(value.strip())):
        stamp, precision, warning = _date_from_number(float(value))
    else:
        stamp, precision = _date_from_text(str(value).strip())
    if stamp < EARLIEST_DATE:
        raise CellError(_("a date from {year} on").format(year=EARLIEST_DATE.year))
    if stamp > pd.Timestamp(today):
        raise CellError(
            _("a date that is not in the future (today is {today})").format(today=today.isoformat())
        )
    return stamp, precision, warning


def _date_from_number(number: float) -> tuple[pd.Timestamp, str, str | None]:
    """A year typed as a number, or an Excel serial number (read, with a warning to check it)."""
    if number.is_integer() and 1000 <= number <= 9999:
        return _checked(int(number), 1, 1), "year", None
    if 1 <= number < 2958466:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(number))
        stamp = pd.Timestamp(day.year, day.month, day.day)
        warning = _(
            "an Excel date serial number, read as {date}: check it, or type the date as YYYY-MM-DD"
        ).format(date=stamp.date().isoformat())
        return stamp, "day", warning
    raise CellError(_(DATE_FORMATS))


def _date_from_text(text: str) -> tuple[pd.Timestamp, str]:
    if match := _YEAR.match(text):
        return _checked(int(match[1]), 1, 1), "year"
    if match := _MONTH.match(text):
        return _checked(int(match[1]), int(match[2]), 1), "month"
    if match := _DAY.match(text):
        return _checked(int(match[1]), int(match[2]), int(match[3])), "day"
    if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", text):
        raise CellError(
            _("{formats} (day and month order is ambiguous in {text})").format(
                formats=_(DATE_FORMATS), text=text
            )
        )
    raise CellError(_(DATE_FORMATS))


def _checked(year: int, month: int, day: int) -> pd.Timestamp:
    try:
        return pd.Timestamp(dt.date(year, month, day))
    except ValueError:
        raise CellError(_("a date that exists in the calendar (check day and month)")) from None
