"""Seeded synthetic tables: the bundled data scaled up (evidence, milestones, activities) for benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hmhb_dash.schema import SCHEMAS

_WORDS = tuple(
    [
        "antenatal",
        "maternal",
        "anaemia",
        "birthweight",
        "preterm",
        "stillbirth",
        "cost",
        "effectiveness",
        "supply",
        "procurement",
        "adherence",
        "counselling",
        "district",
        "pilot",
        "national",
        "guideline",
        "policy",
        "manufacturing",
        "tablets",
        "women",
        "pregnancy",
        "outcomes",
        "cohort",
        "cluster",
        "randomised",
        "evaluation",
        "implementation",
        "readiness",
        "landscape",
        "São",
        "Tomé",
        "Côte",
        "d'Ivoire",
        "Niño",
    ]
)


def _shuffle_text(rng: np.random.Generator, values: pd.Series, n: int) -> list[str]:
    base = values.to_numpy(dtype=object)[rng.integers(0, len(values), n)]
    extra = rng.choice(_WORDS, size=(n, 3))
    return [f"{b} ({' '.join(e)})" if isinstance(b, str) else b for b, e in zip(base, extra)]


def scale_tables(
    tables: dict[str, pd.DataFrame], factor: int = 100, seed: int = 7
) -> dict[str, pd.DataFrame]:
    """`factor` times the evidence, milestones and activities, resampled from the real rows with new
    ids, shuffled countries and years and varied titles; the other tables unchanged. Valid per schema."""
    rng = np.random.default_rng(seed)
    out = dict(tables)
    iso3s = tables["countries"]["iso3"].to_numpy(dtype=str)

    ev = tables["evidence"]
    n = len(ev) * factor
    pick = rng.integers(0, len(ev), n)
    rows = ev.iloc[pick].reset_index(drop=True)
    countries = []
    for original in rows["countries"]:
        k = 0 if not isinstance(original, str) else int(rng.integers(1, 4))
        countries.append(";".join(sorted(set(rng.choice(iso3s, k)))) if k else None)
    years = rows["year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    shifted = np.where(np.isnan(years), np.nan, np.clip(years + rng.integers(-5, 6, n), 1990, 2026))
    rows = rows.assign(
        id=[f"syn-{i:06d}" for i in range(n)],
        title=_shuffle_text(rng, ev["title"], n),
        summary=_shuffle_text(rng, ev["summary"], n),
        countries=pd.Series(countries, dtype=str),
        year=pd.array([None if np.isnan(y) else int(y) for y in shifted], dtype="Int64"),
    )
    out["evidence"] = rows

    ms = tables["milestones"]
    pick = rng.integers(0, len(ms), len(ms) * factor)
    rows = ms.iloc[pick].reset_index(drop=True)
    rows = rows.assign(id=[f"syn-m-{i:06d}" for i in range(len(rows))], iso3=rng.choice(iso3s, len(rows)))
    out["milestones"] = rows

    ac = tables["activities"]
    pick = rng.integers(0, len(ac), len(ac) * factor)
    rows = ac.iloc[pick].reset_index(drop=True)
    out["activities"] = rows.assign(iso3=rng.choice(iso3s, len(rows)))

    for name in ("evidence", "milestones", "activities"):
        out[name] = SCHEMAS[name].validate(out[name])
    return out
