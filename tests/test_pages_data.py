"""AppTest of the Data page: off without a secret, sign-in with throttling, upload -> report -> preview ->
publish -> the map sees it, restore."""

from __future__ import annotations

import pytest

from hmhb_dash import admin, store
from hmhb_dash.registry import page
from tests.conftest import ROOT, run_app
from tests.data_helpers import (
    XLSX,
    base_workbook,
    edit_workbook,
    france_moves,
    set_cell,
    signed_in,
    tree_hash,
    upload,
)


@pytest.fixture
def root(data_root):
    return data_root


def table_with(at, column: str):
    """The first table showing `column` (AppTest does not expose a dataframe's key)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    return " ".join(parts + [i.value for i in at.info] + [w.value for w in at.warning])


def test_without_a_secret_the_page_explains_how_to_enable(root, monkeypatch):
    monkeypatch.delenv(admin.ENV_VAR, raising=False)
    at = run_app("data")
    assert not at.exception
    assert any(admin.ENV_VAR in i.value and "secrets.toml" in i.value for i in at.info)
    assert not at.file_uploader and not at.text_input


def test_wrong_password_is_refused_and_slowed(root, with_secret):
    at = run_app("data")
    for _ in range(4):
        at.text_input(key="admin_password").set_value("wrong-password")
        at.button[0].click().run()
    assert not at.exception
    assert at.error and ("Wait" in at.error[0].value or "try again" in at.error[0].value)
    assert not at.file_uploader


def test_sign_in_then_upload_a_bad_file_shows_the_report_and_writes_nothing(root, with_secret):
    at = signed_in()
    assert at.file_uploader, "signed in: the uploader is shown"
    before = tree_hash(root)
    bad = edit_workbook(lambda b: set_cell(b["milestones"], 2, "source_url", "javascript:alert(1)"))
    upload(at, "bad.xlsx", bad)
    report = table_with(at, "expected")
    row = report.iloc[0]
    assert (row["sheet"], row["row"], row["column"], row["value"]) == (
        "milestones",
        "2",
        "source_url",
        "javascript:alert(1)",
    )
    assert "http:// or https://" in row["expected"]
    assert not [b for b in at.button if b.key == "publish"]
    assert tree_hash(root) == before


def test_text_renamed_xlsx_gets_a_message_not_a_traceback(root, with_secret):
    at = upload(signed_in(), "notes.xlsx", b"just some text")
    assert "this file is not one" in table_with(at, "expected").iloc[0]["expected"]


def test_oversized_upload_is_refused(root, with_secret):
    at = upload(signed_in(), "huge.xlsx", b"PK\x03\x04" + b"\0" * (11 * 1024 * 1024))
    assert any("the limit is 10 MB" in e.value for e in at.error)


def test_publish_is_seen_by_an_open_map_session_and_can_be_restored(root, with_secret):
    map_session = run_app()
    before = map_session.dataframe[0].value
    assert "France" not in set(before["name"])

    at = upload(signed_in(), "edited.xlsx", edit_workbook(france_moves))
    moves = table_with(at, "from_label")
    assert list(moves.itertuples(index=False, name=None)) == [
        ("France", "No recorded activity", "Initial implementation", "Mar 2025")
    ]
    assert table_with(at, "added").set_index("table").loc["stage_history", "added"] == 1
    at.text_input(key="publisher_name").set_value("Test Steward").run()
    at.button(key="publish").click().run()
    assert not at.exception
    assert any("Published version" in s.value for s in at.success)
    version = store.current_version(root)
    assert version != store.BUNDLED
    assert store.publish_log(root)[-1]["by"] == "Test Steward"

    # The map session, opened before the publish, sees the new data on its next interaction.
    map_session.run()
    after = map_session.dataframe[0].value
    assert after.set_index("name").loc["France", "stage_label"] == "Initial implementation"

    # Versions tab: restore the bundled snapshot.
    at.selectbox(key="restore_choice").set_value(store.BUNDLED)
    at.text_input(key="restorer_name").set_value("Test Steward").run()
    at.button(key="restore").click().run()
    assert not at.exception
    assert store.current_version(root) == store.BUNDLED
    map_session.run()
    assert "France" not in set(map_session.dataframe[0].value["name"])


def test_a_second_workbook_replaces_the_first(root, with_secret):
    at = upload(signed_in(), "bad.xlsx", edit_workbook(lambda b: set_cell(b["milestones"], 2, "iso3", "x")))
    assert table_with(at, "expected").iloc[0]["sheet"] == "milestones"
    at.file_uploader[0].set_value([("bad.xlsx", b"x", XLSX), ("same.xlsx", base_workbook(), XLSX)]).run()
    assert any("Checking same\\.xlsx" in i.value for i in at.info)  # file names are shown as text
    assert "No changes" in texts(at)


def test_unchanged_file_says_so(root, with_secret):
    at = upload(signed_in(), "same.xlsx", base_workbook())
    assert "No changes" in texts(at)
    assert not [b for b in at.button if b.key == "publish"]


def test_download_button_is_offered_with_the_version(root, with_secret):
    at = signed_in()
    assert at.get("download_button"), "a download button"
    assert any("Version bundled" in c.value for c in at.caption)


def test_page_is_registered():
    spec = page("data")
    assert spec.title == "Data" and (ROOT / "pages" / "data.py").exists()
