"""Checks across the typed tables: country codes and organisation ids that exist, stages in time order,
unverified rows, HMHB's labels against the project's stages, empty sheets. Each adds to the report, in the
current language."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pycountry

from hmhb_dash import indicators
from hmhb_dash.i18n import _
from hmhb_dash.problems import WARNING, Report
from hmhb_dash.schema import GLOBAL_ISO3, LIST_SEPARATOR, STAGES, TABLES

Cells = set[tuple[int, str]]  # (Excel row, column) of cells already reported
# Codes in use that ISO 3166-1 has not assigned (user-assigned range), accepted as country codes.
EXTRA_ISO3 = {"XKX": "Kosovo"}
# Columns holding codes from the countries sheet, and whether the global code is allowed there.
CODE_COLUMNS = (
    ("stage_history", "iso3", False),
    ("milestones", "iso3", True),
    ("activities", "iso3", False),
    ("organisations", "hq_iso3", False),
    ("evidence", "countries", True),
    ("indicators", "iso3", False),
    ("hmhb_labels", "iso3", False),
)
ORGANISATION_COLUMNS = (("activities", "organisation_id"), ("evidence", "organisation_ids"))
VERIFIED_TABLES = ("organisations", "activities", "evidence", "indicators")


def _valid_iso3(code: str) -> bool:
    return code in EXTRA_ISO3 or pycountry.countries.get(alpha_3=code) is not None


def _did_you_mean(code: str) -> str:
    return " " + _("(did you mean {code}?)").format(code=code)


def _suggest(code: str, known: set[str]) -> str:
    upper = code.strip().upper()
    if upper in known and upper != code:
        return _did_you_mean(upper)
    try:
        match = pycountry.countries.lookup(code.strip())
    except LookupError:
        return ""
    return _did_you_mean(match.alpha_3) if match.alpha_3 in known else ""


def _items(cell: str) -> list[str]:
    return [i.strip() for i in cell.split(LIST_SEPARATOR) if i.strip()]


def cross_checks(
    tables: dict[str, pd.DataFrame],
    labels: dict[str, str],
    failed: dict[str, Cells],
    report: Report,
    cells: dict[str, pd.DataFrame],
    today: dt.date,
) -> None:
    """`tables` typed, `labels` the sheet names people see, `failed` the cells already reported per
    table, `cells` the raw cells per table (to quote what was typed)."""
    countries = tables["countries"]
    if countries.empty:
        report.add(
            labels["countries"],
            None,
            None,
            "",
            _("rows: the countries sheet is empty, and every sheet refers to it"),
        )
        return
    for row, code in countries["iso3"].dropna().items():
        if (row, "iso3") not in failed["countries"] and not _valid_iso3(code):
            report.add(labels["countries"], row, "iso3", code, _("an ISO 3166-1 alpha-3 country code"))
    known = set(countries["iso3"].dropna())
    for table, column, allow_global in CODE_COLUMNS:
        _check_codes(tables[table], labels[table], column, known, allow_global, failed[table], report)
    _check_organisations(tables, labels, report)
    _stage_order(tables["stage_history"], labels["stage_history"], failed["stage_history"], report)
    for table in VERIFIED_TABLES:
        for row in tables[table].index[~tables[table]["verified"]]:
            report.add(
                labels[table],
                int(row),
                "verified",
                cells[table].at[row, "verified"],
                _("yes once someone has checked the source (until then the app shows 'not verified')"),
                WARNING,
            )
    _hmhb_checks(tables, labels, failed, report, today)
    for table in TABLES:
        if tables[table].empty:
            expected = _("rows: this sheet is empty, so publishing empties the table")
            report.add(labels[table], None, None, "", expected, WARNING)


def _check_codes(
    frame: pd.DataFrame,
    label: str,
    column: str,
    known: set[str],
    allow_global: bool,
    bad: Cells,
    report: Report,
) -> None:
    allowed = known | ({GLOBAL_ISO3} if allow_global else set())
    for row, cell in frame[column].dropna().items():
        if (row, column) in bad:
            continue
        items = [i.strip() for i in cell.split(LIST_SEPARATOR)] if column == "countries" else [cell]
        unknown = [i for i in items if i and i not in allowed]
        if unknown:
            if allow_global:
                expected = _("a code listed in the countries sheet, or {code} for global").format(
                    code=GLOBAL_ISO3
                )
            else:
                expected = _("a code listed in the countries sheet")
            expected += _suggest(unknown[0], known)
            report.add(label, row, column, cell, expected)


def _check_organisations(tables: dict[str, pd.DataFrame], labels: dict[str, str], report: Report) -> None:
    organisation_ids = set(tables["organisations"]["id"].dropna())
    by_lower = {i.lower(): i for i in organisation_ids}
    for table, column in ORGANISATION_COLUMNS:
        for row, cell in tables[table][column].dropna().items():
            unknown = [i for i in _items(cell) if i not in organisation_ids]
            if unknown:
                near = by_lower.get(unknown[0].lower())
                hint = _did_you_mean(near) if near else ""
                expected = _("an id from the organisations sheet") + hint
                report.add(labels[table], row, column, cell, expected)


def _hmhb_checks(
    tables: dict[str, pd.DataFrame],
    labels: dict[str, str],
    failed: dict[str, Cells],
    report: Report,
    today: dt.date,
) -> None:
    """Where HMHB's own current label reads another stage than the project's, say so (a warning:
    the project's stage is its own reading of the public record, and may differ on purpose)."""
    hmhb = tables["hmhb_labels"]
    bad_rows = {row for row, _ in failed["hmhb_labels"]}
    usable = hmhb.dropna(subset=["iso3", "scheme", "code"])
    usable = usable[~usable.index.isin(list(bad_rows))]
    if usable.empty:
        return
    usable = usable.assign(code=usable["code"].astype("int64"))
    history = tables["stage_history"].dropna(subset=["iso3", "stage"]).astype({"stage": "int64"})
    differ = indicators.hmhb_disagreements(usable, history, tables["countries"], today)
    current = indicators.current_labels(usable.reset_index(names="_row"))
    rows = dict(zip(current["iso3"], current["_row"]))
    for rec in differ.itertuples(index=False):
        report.add(
            labels["hmhb_labels"],
            int(rows[rec.iso3]),
            "code",
            rec.hmhb,
            _(
                "a label matching the project's stage for {country} today ({stage} {stage_label}; this "
                "label means stage {hmhb_stage}): check the stage, or keep both if the readings differ"
            ).format(
                country=rec.iso3,
                stage=rec.stage,
                stage_label=_(STAGES.get(int(rec.stage), str(rec.stage_label))),
                hmhb_stage=rec.hmhb_stage,
            ),
            WARNING,
        )


def _stage_order(history: pd.DataFrame, label: str, bad: Cells, report: Report) -> None:
    """Within a country, a higher stage cannot start before a lower one, and an undated stage (which
    counts from today) must be the country's highest, or it would replace a later stage today."""
    usable = history.dropna(subset=["iso3", "stage"])
    for iso3, rows in usable.groupby("iso3", sort=False):
        rows = rows.sort_values("stage")
        previous = None
        for row, rec in rows.iterrows():
            if (row, "since") in bad:
                continue
            if pd.isna(rec["since"]):
                higher = rows[rows["stage"] > rec["stage"]]
                if not higher.empty:
                    report.add(
                        label,
                        int(row),
                        "since",
                        "",
                        _(
                            "a date: {country} has a higher stage ({stage}, row {row}), and an undated "
                            "stage counts from today"
                        ).format(country=iso3, stage=int(higher["stage"].iloc[0]), row=int(higher.index[0])),
                    )
                continue
            if previous is not None and rec["since"] < previous[1]:
                report.add(
                    label,
                    int(row),
                    "since",
                    rec["since"].date().isoformat(),
                    _(
                        "a date not before {country}'s stage {stage} (row {row}, since {since}): stages "
                        "follow each other in time"
                    ).format(
                        country=iso3,
                        stage=int(previous[0]),
                        row=previous[2],
                        since=previous[1].date().isoformat(),
                    ),
                )
            previous = (rec["stage"], rec["since"], int(row))
