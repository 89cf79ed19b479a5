"""The app's ways to the static site: 'Website (zip)' in the Export menu, and the Data page's publish
rebuilding the site in the configured folder."""

from __future__ import annotations

import io
import zipfile

from hmhb_dash import export_formats, i18n, site, store
from hmhb_dash.permalinks import MapView
from hmhb_dash.presentation import PresentView, default_since
from hmhb_dash.ui import export_menu
from hmhb_dash.ui.base import data_key, today
from tests.data_helpers import edit_workbook, france_moves, signed_in, upload


def test_export_menu_offers_the_website_as_a_zip():
    spec = export_formats.export_format("site")
    assert (spec.label, spec.extension, spec.mime) == ("Website (zip)", "zip", "application/zip")
    assert spec.name_for(export_formats.view_stem(2024, None)) == "mms-tracker-2024-site.zip"
    view = PresentView(MapView(2024), default_since(2024))
    data = export_menu._export_bytes(data_key(), view, today(), "site")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"index.html", "embed.html", "evidence.html", "countries/BGD.html", "assets/lightmap.js"} <= names
    assert b'"year":2024' in archive.read("index.html")


def test_the_website_zip_is_in_the_apps_language():
    view = PresentView(MapView(2024), default_since(2024))
    with i18n.using("fr"):
        data = export_menu._export_bytes(data_key(), view, today(), "site")
    archive = zipfile.ZipFile(io.BytesIO(data))
    index = archive.read("index.html").decode()
    assert '<html lang="fr">' in index and "<h1>Stade du programme SMM par pays</h1>" in index
    assert (
        "## Modèle de stades"
        in zipfile.ZipFile(io.BytesIO(archive.read(site.DATASET_FILE))).read("README.md").decode()
    )


def test_publish_rebuilds_the_site_in_the_configured_folder(data_root, with_secret, tmp_path, monkeypatch):
    out = tmp_path / "www"
    monkeypatch.setenv(site.ENV_VAR, str(out))
    at = upload(signed_in(), "edited.xlsx", edit_workbook(france_moves))
    at.text_input(key="publisher_name").set_value("Test Steward").run()
    at.button(key="publish").click().run()
    assert not at.exception
    # The folder is shown as text: Markdown characters in it are escaped.
    assert any(f"The website in {out} was rebuilt" in s.value.replace("\\", "") for s in at.success)
    assert store.current_version(data_root) in (out / "index.html").read_text()
    assert "Initial implementation" in (out / "countries" / "FRA.html").read_text()
