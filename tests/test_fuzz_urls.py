"""Fuzz: every page opened with generated hostile values for all its URL parameters at once (Hypothesis,
seeded and bounded). No exception, and no live markup in what the notices show."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_app
from tests.test_hostile_inputs import PARAMETERS

# Each example sets every parameter of a page, so this is also the number of values per parameter.
EXAMPLES = int(os.environ.get("HMHB_FUZZ_EXAMPLES", "200"))
MARKUP_STARTS = set("*_[]`~$<>&|{}\\")  # what Markdown or Streamlit needs to start formatting or a link

HOSTILE_VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="*_[]()`~$<>#:!&|\\/=+-@ab 01²٣", max_size=40),
    st.sampled_from(
        [
            "**B**[ok](https://evil.example/)",
            ":red[x] ~~x~~ $x^2$ :material/lock: :smile:",
            '<b>x</b><a href="https://evil.example/">y</a>',
            "javascript:alert(1)",
            "%00%0a",
            "9" * 5000,
            "²",
            "-1",
        ]
    ),
    st.from_regex(r"[0-9]{1,12}", fullmatch=True),
    st.lists(st.text(max_size=10), max_size=4).map(",".join),
)


def live_markup(text: str) -> set[str]:
    """Markup characters of `text` that no backslash escapes."""
    found, i = set(), 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in MARKUP_STARTS:
            found.add(text[i])
        i += 1
    return found


@pytest.mark.parametrize("page", list(PARAMETERS), ids=[p or "map" for p in PARAMETERS])
def test_every_page_survives_hostile_urls(page):
    at = run_app(page)
    names = PARAMETERS[page] + (["q"] if page == "evidence" else [])

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same values on every run
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.fixed_dictionaries({name: HOSTILE_VALUES for name in names}))
    def opens_cleanly(values):
        at.query_params.clear()
        for name, value in values.items():
            at.query_params[name] = value
        at.run()
        assert not at.exception, (values, at.exception)
        for notice in at.info:
            assert not live_markup(notice.value), (values, notice.value)

    opens_cleanly()
