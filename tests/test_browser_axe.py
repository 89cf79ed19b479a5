"""Accessibility: axe-core on every page of the registry finds no serious or critical violation."""

from pathlib import Path

import pytest

from hmhb_dash.registry import PAGES

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# Every page, plus the states people reach on them: a country, an open item, every kind of slide.
VIEWS = [
    *(f"/{spec.url_path}" for spec in PAGES),
    "/country?country=BGD",
    "/country?country=NGA",
    "/country?country=FRA",
    "/evidence?item=ev-2003-643c3dd9",
    "/members?org=NI",
    *(f"/present?year=2024&region=wca&country=NGA&step={step}" for step in range(2, 7)),
]

RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary),
    }));
}"""


def axe_violations(offline_page, path: str) -> list[dict]:
    offline_page.open(path)
    page = offline_page.page
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # charts and grids draw after the script run ends
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def test_axe_is_vendored_with_its_licence():
    assert AXE.read_text()[:400].count("Mozilla Public") == 1


@pytest.mark.parametrize("path", VIEWS)
def test_no_serious_or_critical_accessibility_violation(offline_page, path):
    violations = axe_violations(offline_page, path)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    # Headings that skip a level lose screen-reader users (axe rates it moderate; none is allowed).
    assert [v for v in violations if v["id"] == "heading-order"] == []
    assert offline_page.exceptions() == 0
    assert offline_page.external == []
