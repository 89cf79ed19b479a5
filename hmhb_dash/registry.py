"""The page registry: the one list of pages that app.py routes and the smoke test runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hmhb_dash.i18n import N_

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass(frozen=True)
class PageSpec:
    file: str  # file name under pages/
    title: str  # English; shown through the catalogue
    url_path: str  # "" for the default page, which Streamlit serves at /
    default: bool = False
    fullscreen: bool = False  # shown without sidebar and page list (the page keeps its own way back)

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


# No icons in the page list: Material icons load a 375 kB font before the first map can paint.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("map.py", N_("World map"), "", default=True),
    PageSpec("country.py", N_("Country"), "country"),
    PageSpec("evidence.py", N_("Evidence library"), "evidence"),
    PageSpec("members.py", N_("Who does what"), "members"),
    PageSpec("present.py", N_("Presentation"), "present", fullscreen=True),
    PageSpec("data.py", N_("Data"), "data"),
)


FULLSCREEN = frozenset(p.url_path for p in PAGES if p.fullscreen)
# Pages whose first run in a session draws the map alone (base.map_first).
MAP_FIRST = frozenset({""})


def page(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)
