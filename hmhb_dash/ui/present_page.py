"""Convening mode: the presentation page's setup, slides and navigation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from hmhb_dash import indicators, presentation, queries
from hmhb_dash.i18n import _, ngettext
from hmhb_dash.permalinks import MapView, Parsed
from hmhb_dash.registry import page
from hmhb_dash.ui import light_map, parts, slide_keys
from hmhb_dash.ui.base import (
    data_key,
    escape_markdown,
    go_to_country,
    lang_param,
    language_picker,
    region_and_income,
    source_link,
    table,
    text,
    today,
    year_bounds,
)
from hmhb_dash.ui.export_menu import briefing, briefing_for, export_menu


def present_view_from_url() -> Parsed:
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    return presentation.parse_present_view(params, table("countries"), year_bounds())


def present_setup(parsed: Parsed):
    """The presenter's choices (filters, since, spotlights, slides), kept in the URL."""
    countries = table("countries")
    first, last = year_bounds()
    start = parsed.view
    with st.expander(_("Set up the presentation"), icon=":material/tune:"):
        left, middle, right = st.columns(3)
        language_picker(left)
        year = left.slider(_("As of year"), first, last, start.map.year, key="present_year")
        grouping, region, income = region_and_income(middle, start.map, "present_", horizontal=True)
        since = left.date_input(
            _("What changed since"),
            start.since,
            min_value=dt.date(first, 1, 1),
            max_value=dt.date(last, 12, 31),
            key="present_since",
        )
        names = dict(zip(countries["iso3"], countries["name"]))
        spotlight = right.multiselect(
            _("Spotlight countries"),
            sorted(names, key=names.get),
            default=list(start.countries),
            format_func=names.get,
            max_selections=presentation.MAX_SPOTLIGHTS,
            placeholder=_("Countries that moved (default)"),
            key="present_countries",
        )
        parts = right.multiselect(
            _("Slides, in order"),
            list(presentation.PARTS),
            default=list(start.parts),
            format_func=lambda part: _(presentation.PARTS[part]),
            key="present_parts",
        )
    if not isinstance(since, dt.date) or since >= dt.date(year, 12, 31):
        since = presentation.default_since(year)
    mv = MapView(year, grouping, region, income)
    if mv != start.map and since == start.since and start.since == presentation.default_since(start.map.year):
        since = presentation.default_since(year)  # the default window follows the year
    return presentation.PresentView(
        mv, since, tuple(spotlight), tuple(parts) or tuple(presentation.PARTS), start.step
    )


def _go_to_step(step: int) -> None:
    # A callback runs before the rerun, so the page reads the new step from the URL.
    st.query_params["step"] = str(step)


def present_nav(view, count: int):
    """Previous / next buttons, clicker and keyboard keys, and the way out.

    Returns the slide shown and a place in the same row for the link to it.

    PageDown, Space, Right and Down step forward; PageUp, Left and Up step back; Escape leaves.
    """
    step = min(max(view.step, 1), max(count, 1))
    pressed = slide_keys.slide_keys(key="present_keys")
    if pressed == "leave":
        leave(view)
    elif pressed == "next":
        step = min(step + 1, count)
    elif pressed == "previous":
        step = max(step - 1, 1)
    back, forward, where, menu, link, out = st.columns([2, 2, 6, 2, 2, 2], vertical_alignment="center")
    back.button(
        _("Previous"),
        icon=":material/arrow_back:",
        disabled=step <= 1,
        key="prev",
        on_click=_go_to_step,
        args=(step - 1,),
    )
    forward.button(
        _("Next"),
        icon=":material/arrow_forward:",
        disabled=step >= count,
        key="next",
        on_click=_go_to_step,
        args=(step + 1,),
    )
    where.caption(
        _("Slide {step} of {count} · PageDown, Space or → next · PageUp or ← back · Esc leaves").format(
            step=step, count=count
        )
    )
    with menu:
        export_menu(view, key="present_export")
    out.page_link(
        str(page("").path),
        label=_("Leave"),
        icon=":material/close:",
        query_params=_map_params(view),
    )
    return step, link


def _map_params(view) -> dict[str, str]:
    return view.map.to_params(table("countries"), year_bounds()[1]) | lang_param()


def leave(view) -> None:
    """Back to the world map, showing the same year and filters."""
    st.switch_page(str(page("").path), query_params=_map_params(view))


@st.cache_resource(show_spinner=False, max_entries=16)
def _present_trend(version: str, view, day: dt.date) -> str:
    from hmhb_dash import export

    # Wide enough that, scaled to the screen width, the chart leaves room for the title and controls.
    return export.trend_svg(briefing_for(version, view, day), captioned=False, width=1600, height=560)


def _present_map(view) -> None:
    """The light map of the view (large, with Play); clicking a country opens its page."""
    include = None if not (view.map.region or view.map.income) else list(briefing(view).status["iso3"])
    clicked = light_map.show_map(light_map.stage_view(view.map.year, include), key="present_map")
    if clicked:
        go_to_country(clicked)


def present_slide(view, slide) -> None:
    """One slide of the presentation, in large type."""
    key = dataclasses.replace(view, step=1)
    brief = briefing(view)
    st.title(escape_markdown(slide.title))
    if slide.kind == "headline":
        _present_headline(brief)
    elif slide.kind == "map":
        _present_map(view)
    elif slide.kind == "trend":
        parts.show_figure(_present_trend(data_key(), key, today()), key="present_trend")
    elif slide.kind == "changes":
        _present_changes(brief)
    elif slide.kind == "spotlight":
        _present_spotlight(next(s for s in brief.spotlights if s.iso3 == slide.iso3))
    elif slide.kind == "sources":
        _present_sources(brief)
    st.caption(escape_markdown(brief.subtitle()))


def _present_headline(brief) -> None:
    if brief.empty:
        st.header(_("No countries in this selection."))
        return

    counts = brief.counts.set_index("stage")
    before = int((brief.previous["stage"] > 0).sum())
    cards = [(_("Countries with any stage"), brief.staged, brief.staged - before)]
    cards += [
        (queries.stage_label(s), int(counts.loc[s, "now"]), int(counts.loc[s, "change"]))
        for s in counts.index
        if s > 0
    ]
    year = brief.view.map.year
    for column, (label, now, change) in zip(st.columns(len(cards)), cards):
        column.markdown(f"## {now}\n### {label}")
        column.markdown(
            _("{change} since end of {year}").format(change=f"{change:+d}", year=year - 1)
            if change
            else _("no change since end of {year}").format(year=year - 1)
        )
    moved = len(brief.changes)
    st.header(
        ngettext(
            "{n} country moved stage since {date}", "{n} countries moved stage since {date}", moved
        ).format(n=moved, date=brief.since_text)
    )
    _present_reached(brief)


def _present_reached(brief) -> None:
    """Women reached in the countries in view, as reported, with its caveat."""
    if brief.reached is None or brief.reached.empty:
        return
    st.subheader(text(brief.reached.sentence()))
    st.caption(_(indicators.TOTAL_CAVEAT))


def _present_changes(brief) -> None:
    if brief.changes.empty:
        st.header(
            _("No country in view changed stage between {start} and {end}.").format(
                start=brief.since_text, end=brief.as_of_text
            )
        )
        return
    lines = []
    for row in brief.changes.head(8).itertuples():
        what = row.moves[0] if row.moves else row.basis
        lines.append(
            f"- **{text(row.name)}**: {text(row.stage_label_before)} → **{text(row.stage_label)}**. "
            f"{text(what)} ({source_link(row.source_url)})"
        )
    st.markdown("\n".join(lines))
    if len(brief.changes) > 8:
        also = ", ".join(text(n) for n in brief.changes["name"].iloc[8:])
        st.markdown(_("Also moved: {countries}").format(countries=also))


def _present_spotlight(spot) -> None:
    status = (
        _("{stage} since {date}").format(stage=spot.stage_label, date=spot.since_text)
        if spot.since_text
        else spot.stage_label
    )
    st.header(text(status))
    st.markdown(f"{text(spot.basis)} ({source_link(spot.source_url)})")
    left, right = st.columns([2, 3])
    left.subheader(_("Stage history"))
    left.markdown(
        "\n".join(f"- **{text(h.since_text)}**: {text(h.stage_label)}" for h in spot.history.itertuples())
    )
    right.subheader(_("Key milestones"))
    if spot.milestones.empty:
        right.markdown(_("No dated milestones recorded."))
    else:
        right.markdown(
            "\n".join(
                f"- **{text(m.date_text)}**: {text(m.title)}" for m in spot.milestones.head(5).itertuples()
            )
        )


def _present_sources(brief) -> None:
    lines = [f"- {text(r.what)}: {source_link(r.url, _('link'))}" for r in brief.sources.itertuples()]
    half = (len(lines) + 1) // 2 if len(lines) > 8 else len(lines)  # two columns keep a long list on screen
    for column, part in zip(st.columns(2), (lines[:half], lines[half:])):
        if part:
            column.markdown("\n".join(part))
