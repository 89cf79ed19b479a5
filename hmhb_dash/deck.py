"""The PowerPoint deck of a view (python-pptx): editable text and native tables, pictures only for the
map and the chart. The `deck` command that writes one is in cli_deck.py.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from hmhb_dash import export, svgmap
from hmhb_dash.i18n import _, ngettext
from hmhb_dash.presentation import (
    PRODUCT,
    STAGE_NOTE,
    Briefing,
    Slide,
    Spotlight,
    slide_sequence,
)
from hmhb_dash.schema import NOT_REPORTED, STAGE_COLOURS, STAGES

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x55, 0x55, 0x55)
ACCENT = RGBColor(0x0B, 0x53, 0x94)
FONT = "Calibri"
MAX_CHANGE_ROWS = 8
MAX_SOURCE_LINES = 18


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _ink_on(hex_colour: str) -> RGBColor:
    """Black or white text, whichever reads on the stage colour."""
    r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return INK if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else RGBColor(0xFF, 0xFF, 0xFF)


def clip(text: object, limit: int) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)) or text == "":
        return NOT_REPORTED
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(slide, left, top, width, height, lines, size=18, bold=False, colour=INK, align=PP_ALIGN.LEFT):
    """A text box; `lines` is a string or a list of strings (one paragraph each)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate([lines] if isinstance(lines, str) else lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = colour
    return box


def fitting_size(text: str, width: int, largest: int, lines: int = 1) -> int:
    """The largest font size (pt, at most `largest`) at which `text` fits `lines` lines of `width` EMU.

    Estimated from the text's length: bold sans serif is at most about 0.66 em a character (DejaVu
    Sans, which LibreOffice substitutes). French and Portuguese titles run longer than English ones
    and must not wrap into what is below them.
    """
    for size in range(largest, 17, -1):
        per_line = Emu(width).inches * 72 / (size * 0.66)
        if math.ceil(len(text) / per_line) <= lines:
            return size
    return 18


def _title(slide, text: str) -> None:
    width = WIDTH - 2 * MARGIN
    _text(slide, MARGIN, Inches(0.3), width, Inches(0.9), text, size=fitting_size(text, width, 34), bold=True)


def _footer(slide, briefing: Briefing, number: int) -> None:
    _text(
        slide,
        MARGIN,
        HEIGHT - Inches(0.5),
        WIDTH - 2 * MARGIN - Inches(0.8),
        Inches(0.35),
        f"{PRODUCT} · {briefing.subtitle()}",
        size=11,
        colour=MUTED,
    )
    _text(
        slide,
        WIDTH - MARGIN - Inches(0.8),
        HEIGHT - Inches(0.5),
        Inches(0.8),
        Inches(0.35),
        str(number),
        size=11,
        colour=MUTED,
        align=PP_ALIGN.RIGHT,
    )


def _chip(slide, left, top, width, height, stage: int, text: str, size: int = 16):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(STAGE_COLOURS[stage])
    shape.line.color.rgb = RGBColor(0x88, 0x88, 0x88)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), True, FONT
    run.font.color.rgb = _ink_on(STAGE_COLOURS[stage])
    frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    return shape


def _table(slide, left, top, width, header: list[str], rows: list[list[str]], widths: list[float], size=14):
    """A native (editable) table; `widths` are fractions of `width`."""
    shape = slide.shapes.add_table(
        len(rows) + 1, len(header), left, top, width, Inches(0.4) * (len(rows) + 1)
    )
    table = shape.table
    for j, fraction in enumerate(widths):
        table.columns[j].width = Emu(int(width * fraction))
    for i, values in enumerate([header, *rows]):
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.name = Pt(size), FONT
                    run.font.bold = i == 0
                    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if i == 0 else INK
            if i == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = ACCENT
            else:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if i % 2 else RGBColor(0xF2, 0xF4, 0xF7)
    return shape


def _picture(slide, image: bytes, left, top, max_width, max_height, pixels: tuple[int, int]):
    """A picture scaled to fit the box, centred horizontally."""
    ratio = min(max_width / pixels[0], max_height / pixels[1])
    width, height = int(pixels[0] * ratio), int(pixels[1] * ratio)
    return slide.shapes.add_picture(io.BytesIO(image), left + (max_width - width) // 2, top, width, height)


# --- Slides ------------------------------------------------------------------------------------
def _title_slide(deck, briefing: Briefing, today: dt.date) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.35))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    heading = _("Multiple micronutrient supplements in pregnancy: where countries stand")
    width = WIDTH - 2 * MARGIN
    _text(
        slide,
        MARGIN,
        Inches(1.6),
        width,
        Inches(1.4),
        heading,
        size=fitting_size(heading, width, 40, 2),
        bold=True,
    )
    view = briefing.view
    lines = [
        _("As of {date}").format(date=briefing.as_of_text),
        _("Countries: {filters}").format(filters=briefing.filters),
        _("Changes since {date}").format(date=briefing.since_text),
    ]
    if view.countries:
        lines.append(_("Spotlight: {country}").format(country=", ".join(s.name for s in briefing.spotlights)))
    _text(slide, MARGIN, Inches(3.5), WIDTH - 2 * MARGIN, Inches(1.8), lines, size=24, colour=INK)
    _text(
        slide,
        MARGIN,
        Inches(5.6),
        WIDTH - 2 * MARGIN,
        Inches(1.2),
        [
            _("{product}, data version {version}, prepared {date}.").format(
                product=PRODUCT, version=briefing.data_version or _(NOT_REPORTED), date=today.isoformat()
            ),
            _(STAGE_NOTE),
        ],
        size=14,
        colour=MUTED,
    )


def _headline_slide(slide, briefing: Briefing) -> None:
    counts = briefing.counts.set_index("stage")
    staged_before = int((briefing.previous["stage"] > 0).sum())
    if briefing.empty:
        _text(
            slide,
            MARGIN,
            Inches(2.5),
            WIDTH - 2 * MARGIN,
            Inches(1),
            _("No countries in this selection."),
            28,
        )
        return
    cards = [(None, _("Countries with any stage"), briefing.staged, briefing.staged - staged_before)]
    cards += [
        (s, _(STAGES[s]), int(counts.loc[s, "now"]), int(counts.loc[s, "change"])) for s in STAGES if s > 0
    ]
    gap = Inches(0.2)
    card_width = (WIDTH - 2 * MARGIN - gap * (len(cards) - 1)) // len(cards)
    for i, card in enumerate(cards):
        _headline_card(slide, MARGIN + i * (card_width + gap), card_width, card, briefing.view.map.year)
    moved = len(briefing.changes)
    lines = [
        ngettext(
            "{n} country moved stage since {date}", "{n} countries moved stage since {date}", moved
        ).format(n=moved, date=briefing.since_text)
        + ".",
        ngettext(
            "{n} country in view: {filters}.", "{n} countries in view: {filters}.", len(briefing.status)
        ).format(n=len(briefing.status), filters=briefing.filters),
        *_reached_lines(briefing),
    ]
    _text(slide, MARGIN, Inches(5.3), WIDTH - 2 * MARGIN, Inches(1.0), lines, size=20)


def _headline_card(slide, left, width, card: tuple, year: int) -> None:
    """One headline number: a stage-coloured band (ink for all stages), the number, its label, the change."""
    stage, label, now, change = card
    if stage is None:
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, Inches(1.6), width, Inches(0.5))
        band.fill.solid()
        band.fill.fore_color.rgb = INK
        band.line.fill.background()
    else:
        _chip(slide, left, Inches(1.6), width, Inches(0.5), stage, "", 12)
    centred = {"align": PP_ALIGN.CENTER}
    _text(slide, left, Inches(2.2), width, Inches(1.4), str(now), size=66, bold=True, **centred)
    _text(slide, left, Inches(3.6), width, Inches(0.9), label, size=16, bold=True, **centred)
    sign = "+" if change > 0 else ""
    since = (
        _("{change} since end of {year}").format(change=f"{sign}{change}", year=year - 1)
        if change
        else _("no change since end of {year}").format(year=year - 1)
    )
    _text(slide, left, Inches(4.55), width, Inches(0.5), since, size=15, colour=MUTED, **centred)


def _reached_lines(briefing: Briefing) -> list[str]:
    """The headline's 'women reached' line, only where a country in view reports a number."""
    if briefing.reached is None or briefing.reached.empty:
        return []
    return [f"{briefing.reached.sentence()}."]


def _picture_slide(slide, image: bytes, pixels: tuple[int, int], caption: str) -> None:
    _picture(slide, image, MARGIN, Inches(1.15), WIDTH - 2 * MARGIN, Inches(5.4), pixels)
    _text(slide, MARGIN, Inches(6.55), WIDTH - 2 * MARGIN, Inches(0.4), caption, size=13, colour=MUTED)


def _changes_slide(slide, briefing: Briefing) -> None:
    changes = briefing.changes
    if changes.empty:
        _text(
            slide,
            MARGIN,
            Inches(2.5),
            WIDTH - 2 * MARGIN,
            Inches(1.5),
            _("No country in view changed stage between {start} and {end}.").format(
                start=briefing.since_text, end=briefing.as_of_text
            ),
            size=26,
        )
        return
    rows = []
    for row in changes.head(MAX_CHANGE_ROWS).itertuples():
        what = row.moves[0] if row.moves else f"{row.basis}"
        rows.append([row.name, row.stage_label_before, row.stage_label, row.since_text, clip(what, 120)])
    _table(
        slide,
        MARGIN,
        Inches(1.3),
        WIDTH - 2 * MARGIN,
        [_("Country"), _("From"), _("To"), _("Since"), _("What moved it")],
        rows,
        [0.12, 0.17, 0.17, 0.1, 0.44],
        size=13 if len(rows) > 5 else 15,
    )
    if len(changes) > MAX_CHANGE_ROWS:
        rest = ", ".join(changes["name"].iloc[MAX_CHANGE_ROWS:])
        _text(
            slide,
            MARGIN,
            Inches(6.45),
            WIDTH - 2 * MARGIN,
            Inches(0.5),
            clip(_("Also moved: {countries}").format(countries=rest), 200),
            13,
        )


def _spotlight_slide(slide, spot: Spotlight) -> None:
    stage = next((s for s, label in STAGES.items() if _(label) == spot.stage_label), 0)
    status = (
        _("{stage} since {date}").format(stage=spot.stage_label, date=spot.since_text)
        if spot.since_text
        else spot.stage_label
    )
    _chip(slide, MARGIN, Inches(1.3), Inches(5.6), Inches(0.7), stage, status, size=20)
    _text(slide, MARGIN, Inches(2.15), Inches(5.6), Inches(1.6), clip(spot.basis, 260), size=16)
    history_rows = [[h.since_text, h.stage_label] for h in spot.history.itertuples()] or [
        [_(NOT_REPORTED), _(STAGES[0])]
    ]
    _text(slide, MARGIN, Inches(3.75), Inches(5.6), Inches(0.4), _("Stage history"), size=18, bold=True)
    _table(
        slide, MARGIN, Inches(4.2), Inches(5.6), [_("Since"), _("Stage")], history_rows, [0.35, 0.65], size=14
    )
    right = MARGIN + Inches(6.0)
    width = WIDTH - MARGIN - right
    _text(slide, right, Inches(1.3), width, Inches(0.4), _("Key milestones"), size=18, bold=True)
    if spot.milestones.empty:
        _text(slide, right, Inches(1.8), width, Inches(0.6), _("No dated milestones recorded."), size=16)
    else:
        rows = [[m.date_text, clip(m.title, 95)] for m in spot.milestones.itertuples()]
        _table(
            slide,
            right,
            Inches(1.75),
            width,
            [_("Date"), _("What happened")],
            rows,
            [0.2, 0.8],
            size=12,
        )


def _sources_slide(slide, briefing: Briefing) -> None:
    box = slide.shapes.add_textbox(MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(4.6))
    frame = box.text_frame
    frame.word_wrap = True
    shown = briefing.sources.head(MAX_SOURCE_LINES)
    for i, row in enumerate(shown.itertuples()):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        label = paragraph.add_run()
        label.text = f"{clip(row.what, 60)}: "
        link = paragraph.add_run()
        link.text = clip(row.url, 110)
        link.hyperlink.address = row.url
        for run in (label, link):
            run.font.size, run.font.name = Pt(11), FONT
        label.font.color.rgb = INK
        link.font.color.rgb = ACCENT
    if not len(shown):
        frame.paragraphs[0].text = _("No sources: the view shows no country.")
    more = len(briefing.sources) - len(shown)
    tail = [_("…and {n} more; every row of the dataset links its source.").format(n=more)] if more > 0 else []
    _text(
        slide,
        MARGIN,
        Inches(5.8),
        WIDTH - 2 * MARGIN,
        Inches(1.1),
        [
            *tail,
            _("Cite as: {citation}").format(
                citation=export.citation(briefing.data_version, briefing.as_of_text)
            ),
            _(STAGE_NOTE),
        ],
        size=12,
        colour=MUTED,
    )


# --- The deck -------------------------------------------------------------------------------------
PICTURE_PIXELS = (1800, 840)


def _map_picture(briefing: Briefing, shapes: svgmap.MapShapes) -> bytes:
    width, height = PICTURE_PIXELS
    return export.map_image(briefing, shapes, captioned=False, width=width, height=height)


def _trend_picture(briefing: Briefing, shapes: svgmap.MapShapes) -> bytes:
    width, height = PICTURE_PIXELS
    return export.trend_image(briefing, captioned=False, width=width, height=height)


def _map_slide(slide, spec: Slide, briefing: Briefing, images: dict[str, bytes]) -> None:
    caption = _("Programme stage at {date}; grey: no recorded activity. Dots mark small states.").format(
        date=briefing.as_of_text
    )
    _picture_slide(slide, images["map"], PICTURE_PIXELS, caption)


def _trend_slide(slide, spec: Slide, briefing: Briefing, images: dict[str, bytes]) -> None:
    _picture_slide(
        slide, images["trend"], PICTURE_PIXELS, _("Countries at each stage at the end of each year.")
    )


def _spotlight_of(slide, spec: Slide, briefing: Briefing, images: dict[str, bytes]) -> None:
    _spotlight_slide(slide, next(s for s in briefing.spotlights if s.iso3 == spec.iso3))


def _from_briefing(draw: Callable[[object, Briefing], None]) -> Callable[..., None]:
    """A renderer for a slide drawn from the briefing alone."""
    return lambda slide, spec, briefing, images: draw(slide, briefing)


# How the deck draws each slide kind of presentation.PARTS: (slide, spec, briefing, pictures) -> None.
# A new kind adds its entry here (tests/test_deck.py checks every kind has one), and a picture builder
# in PICTURES when it shows one of the SVG pictures.
RENDERERS: dict[str, Callable[[object, Slide, Briefing, dict[str, bytes]], None]] = {
    "headline": _from_briefing(_headline_slide),
    "map": _map_slide,
    "trend": _trend_slide,
    "changes": _from_briefing(_changes_slide),
    "spotlight": _spotlight_of,
    "sources": _from_briefing(_sources_slide),
}
# The SVG pictures (rasterised, the same as the app's and the image downloads) a slide kind shows.
PICTURES: dict[str, Callable[[Briefing, svgmap.MapShapes], bytes]] = {
    "map": _map_picture,
    "trend": _trend_picture,
}


def build_deck(briefing: Briefing, shapes: svgmap.MapShapes, today: dt.date) -> bytes:
    """The deck of a briefing as .pptx bytes: title, then the briefing's slides in order."""
    slides = slide_sequence(briefing)
    kinds = {s.kind for s in slides}
    images = {kind: build(briefing, shapes) for kind, build in PICTURES.items() if kind in kinds}
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = f"{PRODUCT}: {briefing.subtitle()}"
    _title_slide(deck, briefing, today)
    for number, spec in enumerate(slides, start=2):
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        _title(slide, spec.title)
        RENDERERS[spec.kind](slide, spec, briefing, images)
        _footer(slide, briefing, number)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
