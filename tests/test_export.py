"""Exports: CSV/XLSX of a view, the dataset zip, PNG/SVG images of the map and the progress chart."""

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from hmhb_dash import export, presentation
from hmhb_dash.permalinks import MapView
from hmhb_dash.schema import TABLES

TODAY = dt.date(2026, 11, 29)


def briefing_for(bundled, year=2024, region=None, income=None):
    version, tables, _ = bundled
    view = presentation.PresentView(MapView(year, "unicef", region, income), presentation.default_since(year))
    return presentation.brief(tables, view, TODAY, version)


@pytest.fixture(scope="module")
def brief_2024(bundled):
    return briefing_for(bundled, region="West and Central Africa")


def test_view_csv_has_date_filters_and_every_country(brief_2024):
    text = export.view_csv(brief_2024).decode()
    assert "# As of: 31 Dec 2024" in text and "# Filters: West and Central Africa" in text
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert len(table) == len(brief_2024.status) == 24
    assert {"ISO3", "Country", "Stage", "Since", "Source"} <= set(table.columns)
    assert table.loc[table["ISO3"] == "NGA", "Stage"].item() == "Scale-up"


def test_view_xlsx_opens_with_about_sheet(brief_2024):
    book = load_workbook(io.BytesIO(export.view_xlsx(brief_2024)))
    assert book.sheetnames == ["Countries", "About"]
    assert book["Countries"].max_row == 25
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["As of"] == "31 Dec 2024" and about["Filters"] == "West and Central Africa"


def test_empty_selection_exports_say_empty(bundled):
    # Europe and Central Asia has no low-income country: an empty selection.
    empty = briefing_for(bundled, region="Europe and Central Asia", income="L")
    assert empty.empty
    assert "contains no countries" in export.view_csv(empty).decode()
    book = load_workbook(io.BytesIO(export.view_xlsx(empty)))
    assert book["Countries"].max_row == 1
    assert any("no countries" in str(v) for row in book["About"].iter_rows(values_only=True) for v in row)


def test_dataset_zip_has_every_table_readme_and_citation(bundled):
    version, tables, _ = bundled
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_zip(tables, version, "31 Dec 2024")))
    assert set(archive.namelist()) == {f"{t}.csv" for t in TABLES} | {"README.md", "CITATION.txt"}
    assert archive.testzip() is None
    readme = archive.read("README.md").decode()
    for needle in (
        "## Stage model",
        "Scale-up",
        "## Licence",
        "## How to cite",
        "31 Dec 2024",
        "stage_history.csv",
    ):
        assert needle in readme
    for column in tables["milestones"].columns:
        assert f"`{column}`" in readme
    milestones = pd.read_csv(archive.open("milestones.csv"))
    assert len(milestones) == len(tables["milestones"])


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).size


def test_map_png_is_slide_sized_and_coloured(brief_2024, shapes):
    data = export.map_image(brief_2024, shapes)
    assert png_size(data) == (export.SLIDE_WIDTH, export.SLIDE_HEIGHT)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    # The initial-implementation blue of the stage palette is in the picture.
    assert any(
        abs(r - 0x56) < 8 and abs(g - 0xB4) < 8 and abs(b - 0xE9) < 8
        for _, (r, g, b) in image.getcolors(1 << 20)
    )


def test_map_svg_has_title_date_and_filter_as_text(brief_2024, shapes):
    svg = export.map_image(brief_2024, shapes, fmt="svg").decode()
    assert svg.startswith("<svg") and "31 Dec 2024" in svg and "West and Central Africa" in svg
    # The view's countries are coloured, the rest drawn as context.
    assert 'data-iso3="NGA" fill="#' in svg and 'data-iso3="BGD" fill="#f3f3f3"' in svg


def test_map_png_is_the_map_svg_rasterised(brief_2024, shapes):
    svg = export.map_svg(brief_2024, shapes)
    assert export.map_image(brief_2024, shapes) == export.svg_to_png(svg)


def test_trend_png_is_slide_sized(brief_2024):
    assert png_size(export.trend_image(brief_2024)) == (export.SLIDE_WIDTH, export.SLIDE_HEIGHT)


def test_every_export_format_builds_a_file_of_its_kind(brief_2024, shapes, bundled):
    from hmhb_dash import export_formats

    context = export_formats.ExportContext(brief_2024, shapes, bundled[1], TODAY)
    magic = {"pptx": b"PK", "xlsx": b"PK", "zip": b"PK", "png": b"\x89PNG", "svg": b"<svg", "csv": b""}
    keys = [spec.key for spec in export_formats.FORMATS]
    assert len(keys) == len(set(keys))
    for spec in export_formats.FORMATS:
        data = spec.build(context)
        assert data and data.startswith(magic[spec.extension]), spec.key
        assert spec.name_for("mms-tracker-2024-wca").endswith("." + spec.extension)
