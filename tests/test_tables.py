"""Everything a table needs, for every table: a new table missed in one place fails here, naming it.

A table is described in several places on purpose (each where its job is): schema.py (schema), table_rules.py
(row keys), workbook_write.py (the workbook's column help), export.py (the dataset README's notes) and
scripts/build_data.py (the build step). README, "Where things go", lists them.
"""

import ast
from pathlib import Path

import pytest

from hmhb_dash import export, schema, table_rules, workbook_write

ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = ROOT / "scripts" / "build_data.py"


def _build_steps() -> tuple[set[str], set[str]]:
    """The build script's build_<table> functions, and the table names its build() returns."""
    tree = ast.parse(BUILD_SCRIPT.read_text())
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    build = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "build")
    built = {
        key.value
        for node in ast.walk(build)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant)
    }
    return functions, built


@pytest.mark.parametrize("table", schema.TABLES)
def test_every_table_has_everything_it_needs(table):
    missing = []
    if table not in schema.SCHEMAS:
        pytest.fail(f"{table}: no schema in schema._schemas() (add it there first)")
    columns = set(schema.SCHEMAS[table].columns)
    if table not in table_rules.KEYS:
        missing.append("row keys: table_rules.KEYS (an empty list compares whole rows)")
    elif not set(table_rules.KEYS[table]) <= columns:
        missing.append(f"table_rules.KEYS names columns the schema lacks: {table_rules.KEYS[table]}")
    helped = set(workbook_write.COLUMN_HELP.get(table, {}))
    edited = set(table_rules.workbook_columns(table))
    if helped != edited:
        missing.append(
            f"workbook_write.COLUMN_HELP[{table!r}]: missing {sorted(edited - helped)}, "
            f"not columns {sorted(helped - edited)}"
        )
    if not export.TABLE_NOTES.get(table):
        missing.append("dataset README notes: export.TABLE_NOTES")
    functions, built = _build_steps()
    if table not in built:
        missing.append(f"a build step: scripts/build_data.py build() returns no {table!r}")
    elif f"build_{table}" not in functions:
        missing.append(f"a build step: scripts/build_data.py has no build_{table}()")
    assert not missing, f"table {table!r} lacks:\n- " + "\n- ".join(missing)


def test_no_table_is_described_that_does_not_exist():
    tables = set(schema.TABLES)
    for name, described in {
        "schema.SCHEMAS": schema.SCHEMAS,
        "table_rules.KEYS": table_rules.KEYS,
        "workbook_write.COLUMN_HELP": workbook_write.COLUMN_HELP,
        "export.TABLE_NOTES": export.TABLE_NOTES,
    }.items():
        assert set(described) <= tables, (
            f"{name} describes {sorted(set(described) - tables)}, not in schema.TABLES"
        )
