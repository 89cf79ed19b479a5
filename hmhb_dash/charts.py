"""Pure figure builders for the timelines: tables in, plotly figures out (no Streamlit, no file I/O).

The world map and the progress chart are SVG (svgmap.py, svgchart.py), not plotly."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from hmhb_dash.i18n import _
from hmhb_dash.queries import stage_label
from hmhb_dash.safe_text import plotly_label
from hmhb_dash.schema import ACTIVITY_TYPES, MILESTONE_KINDS, STAGE_COLOURS

# An empty template: the default one adds ~10 kB to every figure and we set every style we use.
TEMPLATE = "none"
FONT = dict(family="Source Sans Pro, Helvetica, Arial, sans-serif", size=14, color="#1a1a1a")
NO_RECORD_OUTLINE = "#ffffff"


class FrozenFigure(go.Figure):
    """A figure serialised once, for reruns that send the same figure again.

    Streamlit turns a figure into JSON on every rerun via `to_dict()`, which deep-copies and
    re-validates every trace; the frozen spec is returned as is. Must not be modified after freezing.
    """

    def __init__(self, figure: go.Figure):
        super().__init__(figure)
        self._frozen_spec = figure.to_dict()

    def to_dict(self) -> dict:
        return {"data": list(self._frozen_spec["data"]), "layout": dict(self._frozen_spec["layout"])}


def _labels(values: pd.Series) -> list[str]:
    """Texts from data for plotly, which would otherwise read <b>, <a href> and &...; in them."""
    return [plotly_label(v) for v in values]


def country_timeline(history: pd.DataFrame, milestones: pd.DataFrame, today: dt.date) -> go.Figure:
    """Stage periods as coloured bands and dated milestones as points, on one time axis."""
    fig = go.Figure()
    dated = history.dropna(subset=["since"]).sort_values("since")
    ends = list(dated["since"].iloc[1:]) + [pd.Timestamp(today)]
    for (_index, row), end in zip(dated.iterrows(), ends):
        start = pd.Timestamp(row["since"])
        fig.add_trace(
            go.Bar(
                y=[_("Stage")],
                x=[(end - start).total_seconds() * 1000],
                base=[start.isoformat()],
                orientation="h",
                marker_color=STAGE_COLOURS[row["stage"]],
                marker_line=dict(color="#555555", width=0.5),
                name=stage_label(row["stage"]),
                hovertemplate=_("{stage} from {date}").format(
                    stage=stage_label(row["stage"]), date=plotly_label(row["since_text"])
                )
                + "<extra></extra>",
                text=stage_label(row["stage"]),
                textposition="inside",
                insidetextanchor="middle",
            )
        )
    points = milestones.dropna(subset=["date"])
    if len(points):
        fig.add_trace(
            go.Scatter(
                x=points["date"],
                y=points["kind"].map(lambda k: _(MILESTONE_KINDS[k]) if k in MILESTONE_KINDS else k),
                mode="markers",
                marker=dict(size=12, color="#1a1a1a", symbol="diamond"),
                customdata=list(zip(points["date_text"], _labels(points["title"].str.slice(0, 90)))),
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
                name=_("Milestones"),
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
    rows = rows.assign(label=_labels(rows["label"]))
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
                name=_(kind),
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
                customdata=list(
                    zip(part["years"], _labels(part["description"].fillna("").str.slice(0, 100)))
                ),
                hovertemplate=f"{_(kind)}, %{{customdata[0]}}<br>%{{customdata[1]}}<extra>%{{y}}</extra>",
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
                name=_("ongoing"),
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
