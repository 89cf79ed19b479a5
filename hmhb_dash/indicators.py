"""Sourced numbers (women reached, supplies) and HMHB's own labels beside the project's stage: pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from hmhb_dash import clock, i18n, queries
from hmhb_dash.i18n import N_, _, ngettext
from hmhb_dash.schema import (
    HMHB_MAP_CATEGORIES,
    HMHB_PHASES,
    HMHB_SCHEMES,
    INDICATOR_KINDS,
    NOT_REPORTED,
    STAGES,
    hmhb_stage,
)

REACHED = "women_reached"
TOTAL_CAVEAT = N_(
    "Each country's largest reported number, whatever its period or programme; countries with no "
    "public number are not counted; women targeted, bottles and tablets are never added in."
)


# --- Indicators ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Total:
    """One kind of indicator summed over countries: one number per country, never two kinds."""

    kind: str
    value: int
    countries: int

    @property
    def empty(self) -> bool:
        return self.countries == 0

    def sentence(self) -> str:
        """'At least 2,148,500 pregnant women reached in 4 countries, as reported'."""
        if self.empty:
            return _("{what}: no country in view reports a number").format(what=_(INDICATOR_KINDS[self.kind]))
        if self.kind == "women_reached":
            sentence = ngettext(
                "At least {value} pregnant women reached in {n} country, as reported",
                "At least {value} pregnant women reached in {n} countries, as reported",
                self.countries,
            )
        elif self.kind == "women_targeted":
            sentence = ngettext(
                "At least {value} pregnant women targeted in {n} country, as reported",
                "At least {value} pregnant women targeted in {n} countries, as reported",
                self.countries,
            )
        else:
            sentence = ngettext(
                "{what}: at least {value} in {n} country, as reported",
                "{what}: at least {value} in {n} countries, as reported",
                self.countries,
            )
        return sentence.format(
            value=i18n.format_number(self.value), what=_(INDICATOR_KINDS[self.kind]), n=self.countries
        )


def total(indicators: pd.DataFrame, iso3s: object = None, kind: str = REACHED) -> Total:
    """The sum over countries of each country's largest reported value of one indicator kind.

    Within a country figures for different periods overlap, so they are not added: the largest is a
    lower bound of what the sources say. `iso3s` limits the total to the countries in view.
    """
    if kind not in INDICATOR_KINDS:
        raise ValueError(f"unknown indicator kind: {kind!r}")
    rows = indicators[(indicators["indicator"] == kind) & indicators["value"].notna()]
    if iso3s is not None:
        rows = rows[rows["iso3"].isin(list(iso3s))]
    per_country = rows.groupby("iso3")["value"].max()
    return Total(kind, int(per_country.sum()) if len(per_country) else 0, int(len(per_country)))


def value_text(value: object) -> str:
    return _(NOT_REPORTED) if value is None or pd.isna(value) else i18n.format_number(int(value))


def country_indicators(indicators: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """A country's indicator rows, with the kind's label and the value written out."""
    rows = indicators[indicators["iso3"] == iso3]
    order = {kind: i for i, kind in enumerate(INDICATOR_KINDS)}
    rows = rows.assign(_order=rows["indicator"].map(order)).sort_values(["_order", "value"])
    return (
        rows.drop(columns="_order")
        .assign(
            indicator_label=rows["indicator"].map(lambda k: _(INDICATOR_KINDS[k])).astype(str),
            value_text=rows["value"].map(value_text).astype(str),
            period_text=rows["period"].fillna(_(NOT_REPORTED)).astype(str),
        )
        .reset_index(drop=True)
    )


# --- HMHB labels -----------------------------------------------------------------------------
def label_name(scheme: str, code: int) -> str:
    names = HMHB_PHASES if scheme == "phase" else HMHB_MAP_CATEGORIES
    if scheme == "phase":
        return _("Phase {code} ({name})").format(code=int(code), name=_(names[int(code)]))
    return _("World Map category {code} ({name})").format(code=int(code), name=_(names[int(code)]))


def label_text(scheme: str, code: int, as_of: object) -> str:
    """'HMHB: Phase 3 (Scale-up), HMHB Survey 2025'."""
    when = _(NOT_REPORTED) if as_of is None or pd.isna(as_of) else str(as_of)
    return f"HMHB: {label_name(scheme, code)}, {when}"


def country_labels(labels: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """A country's HMHB labels, newest scheme (the phases) first, each with its text and stage."""
    rows = labels[labels["iso3"] == iso3]
    rows = rows.assign(_order=rows["scheme"].map({s: i for i, s in enumerate(HMHB_SCHEMES)}))
    rows = rows.sort_values("_order").drop(columns="_order")
    return rows.assign(
        text=[label_text(s, c, a) for s, c, a in zip(rows["scheme"], rows["code"], rows["as_of"])],
        stage=[hmhb_stage(s, c) for s, c in zip(rows["scheme"], rows["code"])],
    ).reset_index(drop=True)


def current_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """One label per country: the newer pages' phase where HMHB publishes one, else the map category."""
    order = {scheme: i for i, scheme in enumerate(HMHB_SCHEMES)}
    chosen = (
        labels.assign(_order=labels["scheme"].map(order))
        .sort_values(["iso3", "_order"])
        .groupby("iso3", sort=True)
        .head(1)
        .drop(columns="_order")
    )
    return chosen.assign(
        hmhb_stage=[hmhb_stage(s, c) for s, c in zip(chosen["scheme"], chosen["code"])],
        text=[label_text(s, c, a) for s, c, a in zip(chosen["scheme"], chosen["code"], chosen["as_of"])],
    ).reset_index(drop=True)


def hmhb_disagreements(
    labels: pd.DataFrame,
    stage_history: pd.DataFrame,
    countries: pd.DataFrame,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Countries whose current HMHB label corresponds to another stage than the project's today."""
    today = today or clock.today()
    status = queries.stage_as_of(stage_history, countries, pd.Timestamp(today), today)
    merged = current_labels(labels).merge(status[["iso3", "name", "stage"]], on="iso3", how="left")
    merged["stage"] = merged["stage"].fillna(0).astype("int64")
    differ = merged[merged["hmhb_stage"] != merged["stage"]]
    return pd.DataFrame(
        {
            "iso3": differ["iso3"].astype(str),
            "name": differ["name"].fillna(differ["iso3"]).astype(str),
            "hmhb": differ["text"].astype(str),
            "hmhb_stage": differ["hmhb_stage"].astype("int64"),
            "stage": differ["stage"],
            "stage_label": differ["stage"].map(STAGES).astype(str),
        }
    ).reset_index(drop=True)


def disagreement_lines(frame: pd.DataFrame) -> list[str]:
    """'NGA Nigeria: project stage 4 (Scale-up); HMHB: World Map category 3 (...), ... = stage 3'."""
    return [
        f"{r.iso3} {r.name}: project stage {r.stage} ({r.stage_label}); {r.hmhb} = stage {r.hmhb_stage}"
        for r in frame.itertuples(index=False)
    ]
