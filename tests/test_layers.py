"""The layer rules of the code (README, 'Code layout'), checked so they cannot drift."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOGIC = sorted(p for p in (ROOT / "hmhb_dash").rglob("*.py") if "ui" not in p.relative_to(ROOT).parts[1:2])
PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("path", LOGIC, ids=lambda p: str(p.relative_to(ROOT)))
def test_logic_modules_do_not_import_streamlit(path):
    assert not re.search(r"^\s*(import|from)\s+streamlit\b", path.read_text(), re.MULTILINE)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_are_thin_and_read_no_files(path):
    source = path.read_text()
    assert len(source.splitlines()) <= 80
    assert not re.search(r"\bopen\(|read_parquet|read_csv|read_excel|Path\(", source)


def test_nothing_renders_raw_html():
    for path in [*ROOT.joinpath("hmhb_dash").rglob("*.py"), *PAGES, ROOT / "app.py"]:
        assert "unsafe_allow_html" not in path.read_text(), path
