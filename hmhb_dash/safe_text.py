"""Text from data or a URL made inert for each place it goes (Markdown, plotly labels, spreadsheet cells,
Markdown links), and the one strict integer parser for values from URLs and the command line."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import pandas as pd

from hmhb_dash.i18n import _
from hmhb_dash.schema import NOT_REPORTED

# CommonMark lets any ASCII punctuation be backslash-escaped. Escaping all of it also stops Streamlit's
# extensions from starting: :red[x] directives, $math$, ~~strike~~, :material/icon: and links.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Shortcodes (:smile:) are turned into emoji after parsing, so an escape cannot stop them; a word joiner
# after the colon (invisible, never part of a shortcode) can.
_SHORTCODE = re.compile(r"\\:(?=[\w+\\-]+\\:)")
WORD_JOINER = "\u2060"

# OWASP CSV injection: spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters kept as they are in a link target; everything else (spaces, brackets, parentheses, <>,
# backslashes, quotes) is percent-encoded so it cannot end the Markdown link early.
_URL_SAFE = ":/?#@&=+,;%~-._!$*"

MAX_INT_DIGITS = 18  # far beyond any year or count, far below Python's int() digit limit


def markdown(value: object) -> str:
    """`value` as Markdown that renders as exactly this text (titles, labels, captions, notices)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    return _SHORTCODE.sub(lambda m: m.group(0) + WORD_JOINER, escaped)


def plotly_label(value: object) -> str:
    """`value` for plotly text, ticks and hovers, which read a subset of HTML (<b>, <a href>, &amp;)."""
    return html.escape(str(value), quote=False)


def missing(value: object) -> bool:
    """No value: None, NaN or the empty text (shown as "not reported")."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or value == ""


def text(value: object, empty: str | None = None) -> str:
    """A value for display in Markdown: missing becomes `empty` ("not reported" in the current
    language); the rest is escaped, on one line so no new block (heading, list, quote) can start."""
    if missing(value):
        return _(NOT_REPORTED) if empty is None else empty
    return markdown(" ".join(str(value).split()))


def safe_url(url: object) -> str | None:
    """The URL if it is http(s) with a host, percent-encoded so it cannot end a Markdown link; else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=_URL_SAFE)


def markdown_link(label: str, url: object) -> str | None:
    """A Markdown link to an http(s) URL, or None for any other; the label is escaped text."""
    target = safe_url(url)
    return None if target is None else f"[{markdown(label)}]({target})"


def host(url: object) -> str:
    """The site a URL points to (`www.` left off), for link labels people can judge."""
    target = safe_url(url)
    if target is None:
        return ""
    name = urlsplit(target).hostname or ""
    return name[4:] if name.startswith("www.") else name


def spreadsheet_cell(value: object) -> object:
    """A value for an exported CSV or XLSX cell: a text that would start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of `frame` through spreadsheet_cell; numbers and dates stay as they are."""
    texts = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(spreadsheet_cell) for c in texts})


def parse_int(raw: object, low: int, high: int) -> int | None:
    """An integer written with ASCII digits only, within [low, high]; None for anything else.

    str.isdigit() accepts '²' and other digits int() refuses, and int() refuses very long numbers.
    """
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_INT_DIGITS:
        return None
    number = int(text)
    return number if low <= number <= high else None


def shorten(value: object, limit: int = 40) -> str:
    """A value to quote back to a person, cut to `limit` characters."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."
