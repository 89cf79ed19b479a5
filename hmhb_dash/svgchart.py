"""Countries per stage over time as a stacked-bar SVG (pure): one picture for the app, files and slides.

Drawn here rather than by plotly so the home page need not load plotly's 4.7 MB chunk and the
deck and static site get the same picture without a browser.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from hmhb_dash.i18n import _, ngettext
from hmhb_dash.schema import STAGE_COLOURS, STAGES

FONT = "font-family=\"'Source Sans Pro','DejaVu Sans','Liberation Sans',Arial,sans-serif\""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bar_title(stage: int, n: int, year: int) -> str:
    counted = ngettext("{n} country in {year}", "{n} countries in {year}", n).format(n=n, year=year)
    return f"{_(STAGES[stage])}: {counted}"


def nice_step(top: int, ticks: int = 5) -> int:
    """A round tick step (1, 2, 5, 10, 20, ...) giving at most about `ticks` gridlines up to `top`."""
    raw = max(top, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return max(int(factor * magnitude), 1)
    return int(10 * magnitude)


def stages_over_time_svg(
    over_time: pd.DataFrame,
    *,
    width: int = 960,
    height: int = 380,
    scale: float = 1.0,
    title: str = "",
    subtitle: str = "",
    source: str = "",
    label: str = "",
) -> str:
    """Stacked bars of countries at stages 1-4 per year (`over_time`: year, stage, countries).

    `scale` enlarges every text and margin (slides); margins leave room for the longest labels, so
    nothing is cut at the picture's edges.
    """
    label = label or _("Countries per MMS programme stage at the end of each year")
    staged = over_time[over_time["stage"] > 0]
    years = sorted(staged["year"].unique())
    totals = staged.groupby("year")["countries"].sum()
    top = int(totals.max()) if len(totals) else 0
    step = nice_step(top)
    y_max = max(step * math.ceil(max(top, 1) / step), step)
    text = 14 * scale
    left = 24 + 12 * scale + len(str(y_max)) * text * 0.6 + 10 * scale
    head = 16 * scale + (40 * scale if title else 0) + (28 * scale if subtitle else 0)
    legend_y = head + 14 * scale
    plot_top = legend_y + 28 * scale
    bottom = 30 * scale + (28 * scale if source else 0) + 12
    plot_w, plot_h = width - left - 20 * scale, height - plot_top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(label)}">',
        f"<title>{_esc(label)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        parts.append(
            f'<text x="{20 * scale:.0f}" y="{16 * scale + 28 * scale:.0f}" font-size="{26 * scale:.0f}" '
            f'font-weight="bold" fill="#1a1a1a" {FONT}>{_esc(title)}</text>'
        )
    if subtitle:
        parts.append(
            f'<text x="{20 * scale:.0f}" y="{head - 6 * scale:.0f}" font-size="{17 * scale:.0f}" '
            f'fill="#444444" {FONT}>{_esc(subtitle)}</text>'
        )
    # Legend: one row above the plot, so it never covers a bar.
    x = left
    for stage, name in STAGES.items():
        if stage == 0:
            continue
        name = _(name)
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y:.0f}" width="{14 * scale:.0f}" height="{14 * scale:.0f}" '
            f'fill="{STAGE_COLOURS[stage]}" stroke="#777777" stroke-width="0.6"/>'
            f'<text x="{x + 20 * scale:.0f}" y="{legend_y + 12 * scale:.0f}" font-size="{text:.0f}" '
            f'fill="#1a1a1a" {FONT}>{_esc(name)}</text>'
        )
        x += 20 * scale + len(name) * text * 0.55 + 22 * scale
    # Gridlines and y labels.
    for value in range(0, y_max + 1, step):
        y = plot_top + plot_h * (1 - value / y_max)
        parts.append(
            f'<line x1="{left:.0f}" x2="{left + plot_w:.0f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{"#9a9a9a" if value == 0 else "#e5e5e5"}" stroke-width="1"/>'
            f'<text x="{left - 8 * scale:.0f}" y="{y + text * 0.35:.1f}" font-size="{text:.0f}" '
            f'text-anchor="end" fill="#333333" {FONT}>{value}</text>'
        )
    parts.append(
        f'<text transform="translate({20 + 8 * scale:.0f} {plot_top + plot_h / 2:.0f}) rotate(-90)" '
        f'font-size="{text:.0f}" text-anchor="middle" fill="#333333" {FONT}>{_esc(_("Countries"))}</text>'
    )
    if years:
        slot = plot_w / len(years)
        bar = slot * 0.72
        label_every = 5 if len(years) > 15 else 1
        counts = staged.set_index(["year", "stage"])["countries"]
        for i, year in enumerate(years):
            x0 = left + i * slot + (slot - bar) / 2
            base = 0
            for stage in (s for s in STAGES if s > 0):
                n = int(counts.get((year, stage), 0))
                if n == 0:
                    continue
                y1 = plot_top + plot_h * (1 - base / y_max)
                y0 = plot_top + plot_h * (1 - (base + n) / y_max)
                parts.append(
                    f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{bar:.1f}" height="{y1 - y0:.1f}" '
                    f'fill="{STAGE_COLOURS[stage]}" stroke="#555555" stroke-width="0.4">'
                    f"<title>{_esc(_bar_title(stage, n, year))}</title></rect>"
                )
                base += n
            if year % label_every == 0 or len(years) <= 15:
                parts.append(
                    f'<text x="{x0 + bar / 2:.1f}" y="{plot_top + plot_h + 20 * scale:.0f}" '
                    f'font-size="{text:.0f}" text-anchor="middle" fill="#333333" {FONT}>{year}</text>'
                )
    if source:
        parts.append(
            f'<text x="{20 * scale:.0f}" y="{height - 14:.0f}" font-size="{12 * scale:.0f}" '
            f'fill="#555555" {FONT}>{_esc(source)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
