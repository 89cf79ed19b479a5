"""Text from data made safe for Markdown (st.markdown, titles, labels): escaped; links only to http(s)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

NOT_REPORTED = "not reported"
# Every character that can start Markdown or HTML syntax in Streamlit's renderer.
_SPECIAL = "\\`*_{}[]()#+-.!|<>$~:"


def escape(value: str) -> str:
    """`value` as literal text: no links, emphasis, headings, HTML, maths or emoji codes."""
    return "".join("\\" + char if char in _SPECIAL else char for char in value)


def missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or value == ""


def text(value: object, empty: str = NOT_REPORTED) -> str:
    """A value for display: missing becomes `empty`; everything else is escaped."""
    return empty if missing(value) else escape(" ".join(str(value).split()))


def safe_url(url: object) -> str | None:
    """The URL if it is http(s) with a host, made safe inside a Markdown link target; else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ("\n", "")):
        url = url.replace(char, code)
    return url


def link(url: object, label: str) -> str | None:
    """A Markdown link with an escaped label, or None when the URL is not http(s)."""
    target = safe_url(url)
    return None if target is None else f"[{escape(label)}]({target})"


def host(url: object) -> str:
    """The site a URL points to (`www.` left off), for link labels people can judge."""
    target = safe_url(url)
    if target is None:
        return ""
    name = urlsplit(target).hostname or ""
    return name[4:] if name.startswith("www.") else name
