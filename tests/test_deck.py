"""The PowerPoint deck: slide count and titles, real text with the as-of date and filters, pictures."""

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from hmhb_dash import deck, presentation
from hmhb_dash.permalinks import MapView

TODAY = dt.date(2026, 11, 29)
ROOT = Path(__file__).resolve().parent.parent


def texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def pictures(slide) -> int:
    return sum(1 for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE)


def build(bundled, shapes, **kwargs):
    version, tables, _ = bundled
    year = kwargs.pop("year", 2024)
    view = presentation.PresentView(
        MapView(year, "unicef", kwargs.pop("region", None), None),
        kwargs.pop("since", presentation.default_since(year)),
        **kwargs,
    )
    briefing = presentation.brief(tables, view, TODAY, version)
    return Presentation(io.BytesIO(deck.build_deck(briefing, shapes, TODAY))), briefing


@pytest.fixture(scope="module")
def wca_deck(bundled, shapes):
    return build(bundled, shapes, region="West and Central Africa", countries=("NGA", "BFA"))


def test_deck_structure(wca_deck):
    prs, briefing = wca_deck
    titles = [texts(s).split("\n")[0] for s in prs.slides]
    assert len(prs.slides) == 1 + 4 + 2 + 1  # title, headline/map/trend/changes, 2 spotlights, sources
    assert titles[1:] == [
        "MMS adoption as of 31 Dec 2024",
        "Programme stage by country, 2024",
        "Countries per stage over time, to 2024",
        "What changed since 1 Jan 2023",
        "Spotlight: Nigeria",
        "Spotlight: Burkina Faso",
        "Sources",
    ]
    assert [pictures(s) for s in prs.slides] == [0, 0, 1, 1, 0, 0, 0, 0]


def test_every_slide_states_date_and_filters_in_text(wca_deck):
    prs, _ = wca_deck
    for slide in prs.slides:
        body = texts(slide)
        assert "31 Dec 2024" in body and "West and Central Africa" in body


def test_headline_numbers_are_editable_text(wca_deck):
    prs, briefing = wca_deck
    body = texts(prs.slides[1])
    assert str(briefing.staged) in body.split("\n")
    assert "Initial implementation" in body


def test_spotlight_and_sources_slides(wca_deck):
    prs, _ = wca_deck
    nigeria = texts(prs.slides[5])
    assert "Scale-up since Oct 2024" in nigeria and "Key milestones" in nigeria
    links = [
        run.hyperlink.address
        for shape in prs.slides[7].shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for run in p.runs
        if run.hyperlink.address
    ]
    assert links and all(link.startswith(("http://", "https://")) for link in links)


def touching_edges(image: Image.Image) -> dict[str, int]:
    """Pixels that differ from the background in a band along each edge (a picture cut at its edge)."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    band = max(4, round(min(width, height) * 0.015))
    background = rgb.getpixel((0, 0))
    boxes = {
        "top": (0, 0, width, band),
        "bottom": (0, height - band, width, height),
        "left": (0, 0, band, height),
        "right": (width - band, 0, width, height),
    }
    counts = {}
    for edge, box in boxes.items():
        colours = rgb.crop(box).getcolors(1 << 24) or []
        counts[edge] = sum(n for n, colour in colours if colour != background)
    return counts


def deck_pictures(prs) -> list[tuple[int, Image.Image]]:
    return [
        (number, Image.open(io.BytesIO(shape.image.blob)))
        for number, slide in enumerate(prs.slides, start=1)
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]


def test_the_edge_check_finds_a_cut_picture():
    whole = Image.new("RGB", (300, 200), "white")
    assert touching_edges(whole) == {"top": 0, "bottom": 0, "left": 0, "right": 0}
    whole.paste((20, 20, 20), (0, 80, 2, 90))  # a tick label cut at the left edge
    assert touching_edges(whole)["left"] == 20


@pytest.fixture(scope="module")
def deck_pictures_by_view(bundled, shapes):
    return {
        view: deck_pictures(build(bundled, shapes, region=region)[0])
        for view, region in (("world", None), ("wca", "West and Central Africa"))
    }


@pytest.mark.parametrize(
    "view, index",
    [
        ("world", 0),
        ("world", 1),
        ("wca", 0),
        ("wca", 1),
    ],
    ids=["world-map", "world-trend", "wca-map", "wca-trend"],
)
def test_no_picture_in_the_deck_touches_its_edges(deck_pictures_by_view, view, index):
    """LibreOffice and PowerPoint show pictures as drawn: axis labels at the edge come out cut."""
    found = deck_pictures_by_view[view]
    assert len(found) == 2
    number, image = found[index]
    assert touching_edges(image) == {"top": 0, "bottom": 0, "left": 0, "right": 0}, f"slide {number}"


def test_empty_selection_gives_a_valid_deck_that_says_so(bundled, shapes):
    version, tables, _ = bundled
    view = presentation.PresentView(
        MapView(2024, "unicef", "Europe and Central Asia", "L"), dt.date(2023, 1, 1)
    )
    empty = presentation.brief(tables, view, TODAY, version)
    assert empty.empty
    prs = Presentation(io.BytesIO(deck.build_deck(empty, shapes, TODAY)))
    assert "No countries in this selection." in texts(prs.slides[1])
    assert "No country in view changed stage" in texts(prs.slides[4])


def test_cli_writes_the_deck(tmp_path):
    out = tmp_path / "deck.pptx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hmhb_dash",
            "deck",
            str(out),
            "--year",
            "2024",
            "--region",
            "wca",
            "--country",
            "NGA",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    prs = Presentation(str(out))
    assert len(prs.slides) == 1 + 4 + 1 + 1
    assert "Nigeria" in texts(prs.slides[5])


def test_cli_rejects_bad_values(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hmhb_dash",
            "deck",
            str(tmp_path / "x.pptx"),
            "--year",
            "1066",
            "--since",
            "soon",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "year='1066'" in done.stderr and "since='soon'" in done.stderr
    assert not (tmp_path / "x.pptx").exists()


def test_headline_slide_states_women_reached_as_reported(wca_deck):
    prs, briefing = wca_deck
    assert briefing.reached.sentence() in texts(prs.slides[1])


def test_every_slide_kind_has_a_title_and_a_deck_renderer():
    """A slide kind of presentation.PARTS needs a title (TITLES; spotlights are titled per country) and a
    renderer in deck.RENDERERS; a missing one would only fail when a presenter picks that slide."""
    kinds = set(presentation.PARTS)
    assert kinds - {"spotlight"} == set(presentation.TITLES), "presentation.TITLES lacks or adds a kind"
    assert set(deck.RENDERERS) == kinds, f"deck.RENDERERS: missing {sorted(kinds - set(deck.RENDERERS))}"
    assert set(deck.PICTURES) <= kinds


@pytest.mark.parametrize(
    "text, lines",
    [("Countries per stage over time, to 2025", 1), ("Pays par stade au fil du temps, jusqu'en 2025", 1)],
)
def test_titles_get_a_size_that_fits_their_lines(text, lines):
    width = deck.WIDTH - 2 * deck.MARGIN
    size = deck.fitting_size(text, width, 34, lines)
    assert 18 <= size <= 34
    assert len(text) * size * 0.66 <= width / 12700 * lines  # EMU per point
    assert deck.fitting_size("Short", width, 34) == 34
