"""The escaping helpers: every hostile text comes out as exactly itself, with no markup left live."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from hmhb_dash import safe_text

HOSTILE_TEXTS = [
    "**bold**",
    ":red[x]",
    "~~x~~",
    "$x^2$",
    "[ok](https://evil.example/)",
    "<b>x</b>",
    '<a href="https://evil.example/">x</a>',
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "`code`",
    "&amp; &lt;",
    "back\\slash",
    ":material/lock: :smile:",
    "Côte d'Ivoire",
    "line\nbreak",
]


def unescape_markdown(value: str) -> str:
    """What CommonMark shows for `value`, minus the word joiners safe_text adds to shortcodes."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", value).replace(safe_text.WORD_JOINER, "")


def has_live_markup(value: str) -> bool:
    """True if any ASCII punctuation in `value` is not backslash-escaped (so Markdown could act on it)."""
    i = 0
    while i < len(value):
        if value[i] == "\\":
            i += 2
            continue
        if re.match(r"[!-/:-@\[-`{-~]", value[i]):
            return True
        i += 1
    return False


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_markdown_shows_exactly_the_text(text):
    escaped = safe_text.markdown(text)
    assert unescape_markdown(escaped) == text
    assert not has_live_markup(escaped)


def test_markdown_breaks_shortcodes_that_escapes_cannot_stop():
    # Emoji shortcodes are replaced after parsing, so a word joiner separates colon and name.
    assert safe_text.markdown(":smile:") == "\\:" + safe_text.WORD_JOINER + "smile\\:"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ('<a href="https://evil.example/">x</a>', '&lt;a href="https://evil.example/"&gt;x&lt;/a&gt;'),
        ("A & B", "A &amp; B"),
        ("Bangladesh", "Bangladesh"),
    ],
)
def test_plotly_label_escapes_its_html_subset(text, expected):
    assert safe_text.plotly_label(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "[source](https://a.example/x)"),
        (
            "https://a.example/)[x](javascript:alert(1))",
            "[source](https://a.example/%29%5Bx%5D%28javascript:alert%281%29%29)",
        ),
        ("https://a.example/a b<c>", "[source](https://a.example/a%20b%3Cc%3E)"),
        ("https://a.example/?q=1&r=%20", "[source](https://a.example/?q=1&r=%20)"),
    ],
)
def test_markdown_link_keeps_the_url_inside_the_link(url, expected):
    assert safe_text.markdown_link("source", url) == expected


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://a.example/", "", None, 3])
def test_markdown_link_refuses_other_schemes(url):
    assert safe_text.markdown_link("source", url) is None


def test_markdown_link_escapes_its_label():
    assert safe_text.markdown_link("[x](y)", "https://a.example/") == "[\\[x\\]\\(y\\)](https://a.example/)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ('=HYPERLINK("https://evil.example/")', '\'=HYPERLINK("https://evil.example/")'),
        ("Bangladesh", "Bangladesh"),
        ("a=1", "a=1"),
        (-1, -1),
        (None, None),
    ],
)
def test_spreadsheet_cell_quotes_formula_starts(value, expected):
    assert safe_text.spreadsheet_cell(value) == expected


def test_spreadsheet_frame_touches_only_text():
    frame = pd.DataFrame({"n": [-1, 2], "t": ["=1", "ok"], "o": pd.Series(["@x", None], dtype=object)})
    out = safe_text.spreadsheet_frame(frame)
    assert out["n"].tolist() == [-1, 2]
    assert out["t"].tolist() == ["'=1", "ok"]
    assert out["o"][0] == "'@x" and pd.isna(out["o"][1])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024", 2024),
        (" 2024 ", 2024),
        ("0002024", 2024),
        ("²", None),
        ("٢٠٢٤", None),  # Arabic-Indic digits: isdigit() says yes, a URL parameter should not
        ("2024²", None),
        ("9" * 5000, None),
        ("-1", None),
        ("+5", None),
        ("1e3", None),
        ("20.0", None),
        ("", None),
        ("1999", None),
        ("2031", None),
    ],
)
def test_parse_int_is_strict_and_bounded(raw, expected):
    assert safe_text.parse_int(raw, 2000, 2030) == expected
