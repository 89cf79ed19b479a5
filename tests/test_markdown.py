"""Escaping data for Markdown and the country page's story: literal text, only http(s) links."""

import pandas as pd
import pytest

from hmhb_dash import safe_text, story


@pytest.mark.parametrize(
    "raw",
    [
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "# Heading",
        "**bold** _it_ `code` ~~gone~~ $x^2$",
        ":red[danger] :material/home:",
        "1. not a list",
        "| a | b |",
    ],
)
def test_escape_leaves_no_markdown_syntax(raw):
    escaped = safe_text.markdown(raw)
    # Every special character is preceded by a backslash, so the renderer shows it as typed.
    for i, char in enumerate(escaped):
        if char in "[]()<>#*_`~$:|." and (i == 0 or escaped[i - 1] != "\\"):
            pytest.fail(f"unescaped {char!r} in {escaped!r}")
    assert escaped.replace("\\", "") == raw.replace("\\", "")


def test_text_of_missing_values_and_whitespace():
    assert safe_text.text(None) == safe_text.text(float("nan")) == safe_text.text("") == "not reported"
    assert safe_text.text("a\n\n# b") == "a \\# b"  # no new block can start


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.org/a b(c)", "https://example.org/a%20b%28c%29"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("ftp://example.org/x", None),
        ("https:///nohost", None),
        ("  ", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_only_http_links_are_made(url, expected):
    assert safe_text.safe_url(url) == expected
    made = safe_text.markdown_link("a [label]", url)
    assert made == (None if expected is None else f"[a \\[label\\]]({expected})")


def test_host_names_the_site():
    assert safe_text.host("https://www.who.int/news/x") == "who.int"
    assert safe_text.host("mailto:a@b") == ""


def milestones(**overrides):
    row = {
        "date": pd.Timestamp("2020-10-01"),
        "date_text": "Oct 2020",
        "kind_label": "Pilot",
        "title": "Pilot [in] 2 districts",
        "detail": None,
        "quote": "MMS *was* delivered",
        "source_url": "https://example.org/report",
        "source_date": "2021",
        "source_note": None,
    }
    return pd.DataFrame([row | overrides])


def test_a_milestone_block_has_date_words_quote_and_link():
    (block,) = story.milestone_blocks(milestones())
    assert block.startswith("**Oct 2020** · Pilot  \nPilot \\[in\\] 2 districts")
    assert "> “MMS \\*was\\* delivered”" in block
    assert "[Source\\: example\\.org](https://example.org/report) · dated 2021" in block


def test_a_milestone_without_http_source_or_quote_says_so():
    (block,) = story.milestone_blocks(milestones(source_url="javascript:alert(1)", quote=None))
    assert "javascript" not in block and "Source: not reported" in block
    assert "not recorded" in block


def test_milestones_in_date_order_undated_last():
    rows = pd.concat(
        [
            milestones(date=pd.NaT, date_text="not reported", title="undated"),
            milestones(date=pd.Timestamp("2024-01-01"), title="later"),
            milestones(title="earlier"),
        ]
    )
    titles = [b.split("\n")[1] for b in story.milestone_blocks(rows)]
    assert titles == ["earlier", "later", "undated"]


def test_history_as_sentences():
    history = pd.DataFrame(
        {
            "since": [pd.Timestamp("2015-01-01"), pd.NaT],
            "since_text": ["2015", "not reported"],
            "stage_label": ["Exploration", "Initial implementation"],
            "basis": ["Strategy 2015-2024.", None],
            "source_url": ["https://example.org/s", "not a url"],
        }
    )
    first, second = story.history_sentences(history)
    assert first == (
        "**2015**: reached **Exploration**. Strategy 2015\\-2024\\. "
        "([Source\\: example\\.org](https://example.org/s))"
    )
    assert second.startswith("**At a date not reported**: reached **Initial implementation**. No basis")
    assert "Source: not reported" in second
