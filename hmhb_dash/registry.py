"""The page registry: the one list of pages that app.py routes and the smoke test runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass(frozen=True)
class PageSpec:
    file: str  # file name under pages/
    title: str
    icon: str
    url_path: str  # "" for the default page, which Streamlit serves at /
    default: bool = False
    fullscreen: bool = False  # shown without sidebar and page list (the page keeps its own way back)

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


PAGES: tuple[PageSpec, ...] = (
    PageSpec("map.py", "World map", ":material/public:", "", default=True),
    PageSpec("country.py", "Country", ":material/flag:", "country"),
    PageSpec("evidence.py", "Evidence library", ":material/menu_book:", "evidence"),
    PageSpec("members.py", "Who does what", ":material/groups:", "members"),
    PageSpec("present.py", "Presentation", ":material/slideshow:", "present", fullscreen=True),
    PageSpec("data.py", "Data", ":material/database:", "data"),
)


FULLSCREEN = frozenset(p.url_path for p in PAGES if p.fullscreen)


def page(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)
