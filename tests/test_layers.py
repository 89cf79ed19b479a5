"""The layer rules of the code (README, 'Code layout'), checked so they cannot drift."""

import ast
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


def _imports(path: Path, module_level_only: bool) -> set[str]:
    """The hmhb_dash modules a file imports (`from hmhb_dash import x` counts as hmhb_dash.x)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    if module_level_only:  # include imports nested in `if TYPE_CHECKING:` and try blocks at module level
        nodes = [
            n
            for top in tree.body
            for n in ast.walk(top)
            if not isinstance(top, ast.FunctionDef | ast.ClassDef)
        ]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("hmhb_dash")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hmhb_dash"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return found


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


MODULES = {_module_name(p): p for p in sorted((ROOT / "hmhb_dash").rglob("*.py"))}


def test_no_module_imports_one_that_imports_it():
    """No import cycle among hmhb_dash's modules, at module level (TYPE_CHECKING blocks included)."""
    graph = {
        name: _imports(path, module_level_only=True) & set(MODULES) - {name} for name, path in MODULES.items()
    }
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        for target in sorted(graph[name]):
            if target in trail:
                cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in done:
                visit(target, [*trail, target])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles)))


PAGE_MODULES = sorted((ROOT / "hmhb_dash" / "ui").glob("*_page.py"))


@pytest.mark.parametrize("path", PAGE_MODULES, ids=lambda p: p.name)
def test_page_modules_do_not_import_each_other(path):
    """What pages share lives in shared ui modules (base, parts, export_menu ...), never in a page."""
    pages = {_module_name(p) for p in PAGE_MODULES}
    reached = _imports(path, module_level_only=False) & pages - {_module_name(path)}
    assert not reached, (
        f"{path.name} imports the page module(s) {sorted(reached)}: move what they share to ui/"
    )


def test_only_the_clock_asks_for_today():
    """hmhb_dash.clock is the one seam tests pin (tests/conftest.py): no other module reads the date."""
    asking = re.compile(r"\bdate\.today\(|Timestamp\.(today|now)\(|\bdate\.fromtimestamp\(")
    for path in [*ROOT.joinpath("hmhb_dash").rglob("*.py"), *PAGES, ROOT / "app.py"]:
        if path.name != "clock.py":
            assert not asking.search(path.read_text()), f"{path.relative_to(ROOT)}: use clock.today()"


def _readme_layout() -> set[str]:
    """The modules the README's code layout lists, as paths (hmhb_dash/x.py, hmhb_dash/ui/x.py)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Code layout and layer rules", 1)[1].split("```", 2)[1]
    listed, folders = set(), []
    for line in section.splitlines():
        match = re.match(r"^( *)(\S+)", line)
        if not match:
            continue
        indent, name = len(match[1]), match[2]
        folders = [f for f in folders if f[0] < indent]
        if name.endswith("/"):
            folders.append((indent, name))
        elif name.endswith(".py") and folders:
            listed.add("".join(f for _, f in folders) + name)
    return listed


def test_readme_code_layout_matches_the_tree():
    listed = _readme_layout()
    modules = {
        str(p.relative_to(ROOT))
        for folder in (ROOT / "hmhb_dash", ROOT / "hmhb_dash" / "ui")
        for p in folder.glob("*.py")
        if not p.name.startswith("__")
    }
    assert not listed - modules, f"README lists modules that do not exist: {sorted(listed - modules)}"
    assert not modules - listed, f"README's code layout lacks: {sorted(modules - listed)}"
