"""Pure figure builders: tables in, plotly figures out (no Streamlit, no file I/O)."""

from __future__ import annotations

import datetime as dt

import orjson
import pandas as pd
import plotly.graph_objects as go

from hmhb_dash.schema import ACTIVITY_TYPES, MILESTONE_KINDS, STAGE_COLOURS, STAGES

# An empty template: the default one adds ~10 kB to every figure and we set every style we use.
TEMPLATE = "none"
FONT = dict(family="Source Sans Pro, Helvetica, Arial, sans-serif", size=14, color="#1a1a1a")
NO_RECORD_OUTLINE = "#ffffff"


class FrozenFigure(go.Figure):
    """A figure serialised once, for reruns that send the same figure again.

    Streamlit turns a figure into JSON on every rerun via `to_dict()`, which deep-copies and
    re-cleans every GeoJSON coordinate (about 140 ms for the world map). Here the GeoJSON is
    encoded once as an orjson fragment that plotly's JSON encoder passes through untouched, so a
    rerun costs about 1 ms. The figure must not be modified after freezing.
    """

    def __init__(self, figure: go.Figure):
        super().__init__(figure)
        spec = figure.to_dict()
        for trace in spec["data"]:
            if isinstance(trace.get("geojson"), dict):
                trace["geojson"] = orjson.Fragment(orjson.dumps(trace["geojson"]))
        self._frozen_spec = spec

    def to_dict(self) -> dict:
        return {"data": list(self._frozen_spec["data"]), "layout": dict(self._frozen_spec["layout"])}


def _frame_map(fig: go.Figure) -> None:
    """The map frame every map shares: no base map (our own shapes), zoomed to the countries drawn."""
    fig.update_geos(
        visible=False,
        projection_type="natural earth",
        fitbounds="locations",
        showframe=False,
        bgcolor="rgba(0,0,0,0)",
    )


def _add_small_state_markers(fig: go.Figure, markers: pd.DataFrame, customdata, colour, hovertemplate: str):
    """Clickable dots on states too small to click; customdata[0] is the ISO3 code a click returns."""
    if markers.empty:
        return
    fig.add_trace(
        go.Scattergeo(
            lon=markers["lon"],
            lat=markers["lat"],
            customdata=customdata,
            marker=dict(size=9, color=colour, line=dict(color="#1a1a1a", width=1)),
            mode="markers",
            hovertemplate=hovertemplate,
            showlegend=False,
            name="small states",
        )
    )


def _stage_colorscale() -> list[list]:
    """A stepped scale so z = stage (0..4) maps to exactly one colour each."""
    scale, n = [], len(STAGES)
    for stage, colour in STAGE_COLOURS.items():
        low, high = stage / n, (stage + 1) / n
        scale += [[low, colour], [high, colour]]
    return scale


def _hover_rows(status: pd.DataFrame) -> list[list[str]]:
    since = status["since_text"].replace("", "-")
    return [[n, label, s] for n, label, s in zip(status["name"], status["stage_label"], since)]


def stage_map(
    status: pd.DataFrame,
    geojson: dict,
    small_states: pd.DataFrame,
    title: str = "",
    height: int = 560,
) -> go.Figure:
    """World (or regional) choropleth of programme stage, one legend entry per stage with its count.

    `status` has iso3, name, stage, stage_label, since_text for the countries to draw; `small_states`
    has iso3, lon, lat of countries too small to click, drawn as markers on top.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.iso3",
            locations=status["iso3"],
            z=status["stage"] + 0.5,  # centre of each colour step
            zmin=0,
            zmax=len(STAGES),
            colorscale=_stage_colorscale(),
            showscale=False,
            marker_line_color=NO_RECORD_OUTLINE,
            marker_line_width=0.4,
            customdata=_hover_rows(status),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>since %{customdata[2]}"
            "<extra></extra>",
            showlegend=False,
            name="countries",
        )
    )
    markers = small_states.merge(status, on="iso3")
    markers = markers[markers["stage"] > 0]
    _add_small_state_markers(
        fig,
        markers,
        customdata=[[i] + row for i, row in zip(markers["iso3"], _hover_rows(markers))],
        colour=markers["stage"].map(STAGE_COLOURS),
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<br>since %{customdata[3]}<extra></extra>",
    )
    counts = status["stage"].value_counts()
    # Legend-only traces: the geometry is sent once, in the choropleth, not once per stage.
    for stage, label in STAGES.items():
        fig.add_trace(
            go.Scattergeo(
                lon=[None],
                lat=[None],
                mode="markers",
                marker=dict(
                    size=14,
                    symbol="square",
                    color=STAGE_COLOURS[stage],
                    line=dict(color="#888888", width=0.5),
                ),
                name=f"{label} ({int(counts.get(stage, 0))})",
                hoverinfo="skip",
            )
        )
    _frame_map(fig)
    fig.update_layout(
        title=dict(text=title, x=0, font=dict(size=18)) if title else None,
        height=height,
        margin=dict(l=0, r=0, t=40 if title else 0, b=0),
        font=FONT,
        template=TEMPLATE,
        legend=dict(
            orientation="h",
            yanchor="top",
            y=0.0,
            x=0.5,
            xanchor="center",
            itemclick=False,
            itemdoubleclick=False,
            font=dict(size=14),
        ),
        paper_bgcolor="white",
        dragmode=False,
        clickmode="event+select",
    )
    return fig


def stages_over_time_chart(over_time: pd.DataFrame, title: str = "") -> go.Figure:
    """Stacked bars: countries at each stage (1-4) per year."""
    fig = go.Figure()
    for stage, label in STAGES.items():
        if stage == 0:
            continue
        rows = over_time[over_time["stage"] == stage]
        fig.add_trace(
            go.Bar(
                x=rows["year"],
                y=rows["countries"],
                name=label,
                marker_color=STAGE_COLOURS[stage],
                marker_line=dict(color="#555555", width=0.3),
                hovertemplate=f"{label}: %{{y}} countries in %{{x}}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title=dict(text=title, x=0) if title else None,
        height=360,
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        font=FONT,
        template=TEMPLATE,
        yaxis_title="Countries",
        xaxis=dict(dtick=5 if over_time["year"].nunique() > 15 else 1),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0),
        plot_bgcolor="white",
        yaxis=dict(gridcolor="#e5e5e5"),
    )
    return fig


def country_timeline(history: pd.DataFrame, milestones: pd.DataFrame, today: dt.date) -> go.Figure:
    """Stage periods as coloured bands and dated milestones as points, on one time axis."""
    fig = go.Figure()
    dated = history.dropna(subset=["since"]).sort_values("since")
    ends = list(dated["since"].iloc[1:]) + [pd.Timestamp(today)]
    for (_, row), end in zip(dated.iterrows(), ends):
        start = pd.Timestamp(row["since"])
        fig.add_trace(
            go.Bar(
                y=["Stage"],
                x=[(end - start).total_seconds() * 1000],
                base=[start.isoformat()],
                orientation="h",
                marker_color=STAGE_COLOURS[row["stage"]],
                marker_line=dict(color="#555555", width=0.5),
                name=STAGES[row["stage"]],
                hovertemplate=f"{STAGES[row['stage']]} from {row['since_text']}<extra></extra>",
                text=STAGES[row["stage"]],
                textposition="inside",
                insidetextanchor="middle",
            )
        )
    points = milestones.dropna(subset=["date"])
    if len(points):
        fig.add_trace(
            go.Scatter(
                x=points["date"],
                y=points["kind"].map(MILESTONE_KINDS),
                mode="markers",
                marker=dict(size=12, color="#1a1a1a", symbol="diamond"),
                customdata=list(zip(points["date_text"], points["title"].str.slice(0, 90))),
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
                name="Milestones",
                showlegend=False,
            )
        )
    fig.update_layout(
        height=max(220, 90 + 34 * (1 + points["kind"].nunique() if len(points) else 1)),
        margin=dict(l=10, r=10, t=10, b=10),
        font=FONT,
        template=TEMPLATE,
        showlegend=False,
        barmode="overlay",
        plot_bgcolor="white",
        xaxis=dict(type="date", gridcolor="#e5e5e5"),
        yaxis=dict(autorange="reversed", type="category"),
    )
    return fig


# ColorBrewer YlGnBu (sequential, colour-blind safe, readable in greyscale); grey is "none recorded".
COUNT_COLOURS = ("#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
NO_COUNT_COLOUR = "#d9d9d9"


def _count_colorscale(top: int) -> list[list]:
    """Grey for zero, then light to dark from 1 to `top` (so a single item is already coloured)."""
    top = max(top, 1)
    zero = 0.5 / top  # z runs 0..top; everything under 0.5 is the zero band
    scale = [[0.0, NO_COUNT_COLOUR], [zero, NO_COUNT_COLOUR]]
    steps = len(COUNT_COLOURS) - 1
    for i, colour in enumerate(COUNT_COLOURS):
        scale.append([min(1.0, zero + 1e-6 + (1 - zero - 1e-6) * i / steps), colour])
    return scale


def count_map(
    counts: pd.DataFrame,
    geojson: dict,
    small_states: pd.DataFrame,
    what: str,
    height: int = 560,
) -> go.Figure:
    """World (or regional) choropleth of a count per country (evidence items, organisations active).

    `counts` has iso3, name, count (zero included) for every country to draw; `what` names the
    count in hover text and the colour bar ("evidence items", "organisations").
    """
    top = max(int(counts["count"].max()) if len(counts) else 1, 1)
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.iso3",
            locations=counts["iso3"],
            z=counts["count"],
            zmin=0,
            zmax=top,
            colorscale=_count_colorscale(top),
            marker_line_color=NO_RECORD_OUTLINE,
            marker_line_width=0.4,
            customdata=[[n, int(c)] for n, c in zip(counts["name"], counts["count"])],
            hovertemplate=f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]}} {what}<extra></extra>",
            colorbar=dict(
                title=dict(text=what.capitalize(), side="right"),
                thickness=14,
                len=0.6,
                tickvals=sorted({0, 1, top}),
            ),
            name="countries",
        )
    )
    markers = small_states.merge(counts, on="iso3")
    markers = markers[markers["count"] > 0]
    _add_small_state_markers(
        fig,
        markers,
        customdata=[[i, n, int(c)] for i, n, c in zip(markers["iso3"], markers["name"], markers["count"])],
        colour="#225ea8",
        hovertemplate=f"<b>%{{customdata[1]}}</b><br>%{{customdata[2]}} {what}<extra></extra>",
    )
    _frame_map(fig)
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=0, b=0),
        font=FONT,
        template=TEMPLATE,
        paper_bgcolor="white",
        dragmode=False,
        clickmode="event+select",
    )
    return fig


ACTIVITY_COLOURS = dict(
    zip(
        ACTIVITY_TYPES,
        # Okabe-Ito, then grey: distinguishable with the common colour-vision deficiencies; one colour
        # per activity type, in the schema's order.
        ("#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#777777"),
    )
)


def activity_timeline(rows: pd.DataFrame, current_year: int) -> go.Figure:
    """One bar per activity from its start to its end year; ongoing ones run to now and are open
    (hatched, with an arrow) so they do not read as ended this year."""
    fig = go.Figure()
    for kind, colour in ACTIVITY_COLOURS.items():
        part = rows[rows["activity_type"] == kind]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=part["label"],
                x=(part["end"] - part["start"] + 1),
                base=part["start"],
                orientation="h",
                name=kind,
                marker=dict(
                    color=colour,
                    line=dict(color="#333333", width=0.5),
                    pattern=dict(
                        shape=["/" if o else "" for o in part["ongoing"]],
                        fillmode="overlay",
                        fgcolor="#ffffff",
                        fgopacity=0.7,
                    ),
                ),
                customdata=list(zip(part["years"], part["description"].str.slice(0, 100))),
                hovertemplate=f"{kind}, %{{customdata[0]}}<br>%{{customdata[1]}}<extra>%{{y}}</extra>",
            )
        )
    ongoing = rows[rows["ongoing"]]
    if len(ongoing):
        fig.add_trace(
            go.Scatter(
                y=ongoing["label"],
                x=ongoing["end"] + 1,
                mode="markers",
                marker=dict(symbol="triangle-right", size=10, color="#1a1a1a"),
                name="ongoing",
                hoverinfo="skip",
            )
        )
    labels = list(dict.fromkeys(rows["label"]))
    fig.update_layout(
        barmode="overlay",
        height=max(280, 150 + 22 * len(labels)),
        margin=dict(l=10, r=10, t=40, b=100),
        font=FONT,
        template=TEMPLATE,
        plot_bgcolor="white",
        xaxis=dict(
            side="top",
            gridcolor="#e5e5e5",
            range=[rows["start"].min() - 1 if len(rows) else 2000, current_year + 2],
        ),
        yaxis=dict(type="category", categoryorder="array", categoryarray=labels[::-1], automargin=True),
        # Years on top (next to the first rows), the legend at the foot: it never covers a bar.
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, font=dict(size=13)),
    )
    return fig
