"""The change preview: what publishing the checked tables over the current ones changes.

Rows added, removed and changed per table (by the table's keys, or whole rows where it has none), and
each country whose stage today moves. Labels people read (kinds of change, stage names) are in the current
language; the summary written to the publish log is a record and stays in English.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from hmhb_dash import clock, queries
from hmhb_dash.cells import records, show
from hmhb_dash.i18n import N_, _
from hmhb_dash.schema import SCHEMAS, STAGES, TABLES
from hmhb_dash.table_rules import KEYS

CHANGE_LABELS = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed")}


@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, dict[str, tuple[str, str]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class Diff:
    tables: dict[str, TableDiff]
    stage_changes: pd.DataFrame  # iso3, name, from_stage, to_stage, since

    @property
    def empty(self) -> bool:
        return all(t.empty for t in self.tables.values())

    def counts(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "table": t.table,
                    "added": len(t.added),
                    "removed": len(t.removed),
                    "changed": len(t.changed),
                }
                for t in self.tables.values()
            ]
        )

    def changes(self, limit: int = 200) -> pd.DataFrame:
        """One line per added, removed or changed row (the first `limit` per table)."""
        rows = []
        added, removed, changed = (_(CHANGE_LABELS[k]) for k in ("added", "removed", "changed"))
        for t in self.tables.values():
            rows += [{"table": t.table, "change": added, "row": key, "detail": ""} for key in t.added[:limit]]
            rows += [
                {"table": t.table, "change": removed, "row": key, "detail": ""} for key in t.removed[:limit]
            ]
            for key, columns in t.changed[:limit]:
                detail = "; ".join(
                    f"{c}: {show(a, 40)!r} -> {show(b, 40)!r}" for c, (a, b) in columns.items()
                )
                rows.append({"table": t.table, "change": changed, "row": key, "detail": detail})
        return pd.DataFrame(rows, columns=["table", "change", "row", "detail"])

    def summary(self) -> str:
        """The publish log's line (English: the log is a record, read whatever the reader's language)."""
        if self.empty:
            return "no changes"
        parts = [
            f"{t.table} +{len(t.added)} -{len(t.removed)} ~{len(t.changed)}"
            for t in self.tables.values()
            if not t.empty
        ]
        moves = [f"{r.iso3} {r.from_stage}->{r.to_stage}" for r in self.stage_changes.itertuples(index=False)]
        if moves:
            parts.append("stage changes: " + ", ".join(moves[:20]) + (" ..." if len(moves) > 20 else ""))
        return "; ".join(parts)


def _stage_label(code: int) -> str:
    return _(STAGES[code]) if code in STAGES else str(code)


def _key_text(record: dict, keys: list[str]) -> str:
    return " ".join(str(record[k]) for k in keys)


def table_diff(table: str, current: pd.DataFrame, new: pd.DataFrame) -> TableDiff:
    keys = KEYS[table]
    columns = list(SCHEMAS[table].columns)
    old_rows, new_rows = records(current[columns]), records(new[columns])
    result = TableDiff(table)
    if not keys:

        def label(r: dict) -> str:
            if table == "indicators":
                period = show(r["period"]) or _("period not reported")
                return f"{r['iso3']} {r['indicator']}: {show(r['value'])} ({period})"
            return _("{organisation} in {country}: {activity}").format(
                organisation=r["organisation_id"], country=r["iso3"], activity=r["activity_type"]
            )

        old_count = Counter(tuple(r.items()) for r in old_rows)
        new_count = Counter(tuple(r.items()) for r in new_rows)
        result.added = [label(dict(r)) for r in (new_count - old_count).elements()]
        result.removed = [label(dict(r)) for r in (old_count - new_count).elements()]
        return result
    old_by = {_key_text(r, keys): r for r in old_rows}
    new_by = {_key_text(r, keys): r for r in new_rows}
    result.added = [k for k in new_by if k not in old_by]
    result.removed = [k for k in old_by if k not in new_by]
    for key, record in new_by.items():
        before = old_by.get(key)
        if before is None:
            continue
        changed = {c: (before[c], record[c]) for c in columns if before[c] != record[c]}
        if changed:
            result.changed.append((key, changed))
    return result


def diff(
    current: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], today: dt.date | None = None
) -> Diff:
    """What publishing `new` over `current` changes: rows per table and each country's stage today."""
    today = today or clock.today()
    tables = {name: table_diff(name, current[name], new[name]) for name in TABLES}
    as_of = pd.Timestamp(today)
    before = queries.stage_as_of(current["stage_history"], current["countries"], as_of, today)
    after = queries.stage_as_of(new["stage_history"], new["countries"], as_of, today)
    merged = after[["iso3", "name", "stage", "since_text"]].merge(
        before[["iso3", "stage"]], on="iso3", how="outer", suffixes=("", "_before")
    )
    merged["stage"] = merged["stage"].fillna(0).astype("int64")
    merged["stage_before"] = merged["stage_before"].fillna(0).astype("int64")
    moved = merged[merged["stage"] != merged["stage_before"]].sort_values("iso3")
    stage_changes = pd.DataFrame(
        {
            "iso3": moved["iso3"].astype(str),
            "name": moved["name"].astype(str),
            "from_stage": moved["stage_before"],
            "to_stage": moved["stage"],
            "from_label": moved["stage_before"].map(_stage_label).astype(str),
            "to_label": moved["stage"].map(_stage_label).astype(str),
            "since": moved["since_text"].fillna("").astype(str),
        }
    ).reset_index(drop=True)
    return Diff(tables, stage_changes)
