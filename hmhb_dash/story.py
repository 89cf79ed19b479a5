"""The country page as text people read: stage history as sentences, milestones with their sources' words.

Pure functions from the profile's tables to Markdown strings; every value from data is escaped and only
http(s) sources become links.
"""

from __future__ import annotations

import pandas as pd

from hmhb_dash.i18n import _
from hmhb_dash.safe_text import NOT_REPORTED, host, markdown_link, missing, text


def source_line(url: object, source_date: object = None, note: object = None) -> str:
    """'Source: site.org (dated 2014)' as a link, or 'Source: not reported' when there is no http(s) URL."""
    label = host(url)
    made = markdown_link(_("Source: {site}").format(site=label), url) if label else None
    parts = [made or _("Source: {site}").format(site=_(NOT_REPORTED))]
    if not missing(source_date):
        dated = str(source_date).strip()
        parts.append(_("dated {date}").format(date=text(dated)) if dated[:1].isdigit() else text(dated))
    if not missing(note):
        parts.append(text(note))
    return " · ".join(parts)


def _in_order(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    # Undated rows last, in their given order.
    return frame.assign(_undated=frame[column].isna()).sort_values(["_undated", column], kind="stable")


def history_sentences(history: pd.DataFrame) -> list[str]:
    """One sentence per stage reached, oldest first: when, which stage, why, and the source."""
    lines = []
    for row in _in_order(history, "since").itertuples():
        when = text(row.since_text) if not pd.isna(row.since) else _("At a date not reported")
        reached = _("**{when}**: reached **{stage}**.").format(when=when, stage=text(row.stage_label))
        sentence = f"{reached} {text(row.basis, _('No basis given.'))}"
        lines.append(f"{sentence} ({source_line(row.source_url)})")
    return lines


def milestone_blocks(milestones: pd.DataFrame) -> list[str]:
    """One block per milestone, oldest first: date and kind, what happened, the source's words, source."""
    blocks = []
    for row in _in_order(milestones, "date").itertuples():
        when = text(row.date_text) if not pd.isna(row.date) else _("Date not reported")
        lines = [f"**{when}** · {text(row.kind_label)}", text(row.title)]
        if not missing(getattr(row, "detail", None)):
            lines.append(text(row.detail))
        body = "  \n".join(lines)
        quote = (
            f"> “{text(row.quote)}”"
            if not missing(row.quote)
            else "> " + _("The source's own words are not recorded.")
        )
        source = source_line(row.source_url, row.source_date, getattr(row, "source_note", None))
        blocks.append(f"{body}\n\n{quote}\n\n{source}")
    return blocks
