"""Pure figure builders: tables in, plotly figures out (no Streamlit, no file I/O)."""

from __future__ import annotations

import datetime as dt

import orjson
import pandas as pd
import plotly.graph_objects as go

from hmhb_dash.schema import MILESTONE_KINDS, STAGE_COLOURS, STAGES

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
    if len(markers):
        fig.add_trace(
            go.Scattergeo(
                lon=markers["lon"],
                lat=markers["lat"],
                customdata=[[i] + row for i, row in zip(markers["iso3"], _hover_rows(markers))],
                marker=dict(
                    size=9,
                    color=markers["stage"].map(STAGE_COLOURS),
                    line=dict(color="#1a1a1a", width=1),
                ),
                mode="markers",
                hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<br>since %{customdata[3]}"
                "<extra></extra>",
                showlegend=False,
                name="small states",
            )
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
    fig.update_geos(
        visible=False,
        projection_type="natural earth",
        fitbounds="locations",
        showframe=False,
        bgcolor="rgba(0,0,0,0)",
    )
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
