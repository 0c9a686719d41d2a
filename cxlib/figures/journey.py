"""Journey map figures: the step-numbered Sankey, top paths and the emotion curve."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cxlib.journey import SankeyData
from cxlib.stages import EXIT_COLOR
from cxlib.theme import LOW_N_OPACITY, SEQUENCE, themed

# Link colours: forward moves recede, exits carry the exit red, returns stand out in purple.
FORWARD_LINK = "rgba(150, 150, 150, 0.35)"
EXIT_LINK = "rgba(203, 24, 29, 0.45)"
RETURN_LINK = "rgba(117, 107, 177, 0.75)"
NPS_COLOR = SEQUENCE[0]
CSAT_COLOR = SEQUENCE[1]
REACHED_COLOR = "rgba(189, 189, 189, 0.45)"
FAINT_TEXT = "rgba(128, 128, 128, 0.6)"


def no_data_figure(title: str, message: str = "No data") -> go.Figure:
    """A blank figure that says plainly why nothing is drawn, instead of empty axes."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=18))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return themed(fig, title)


def _link_color(is_return: bool, is_exit: bool) -> str:
    """Exits red, returns purple, forward moves grey: the two exceptions are what a reader looks for."""
    if is_exit:
        return EXIT_LINK
    if is_return:
        return RETURN_LINK
    return FORWARD_LINK


def sankey_figure(data: SankeyData, title: str = "Journey map") -> go.Figure:
    """Sankey of the first moves: one column per step, one row per stage, returns in purple."""
    nodes, links = data.nodes, data.links
    if nodes.empty:
        return no_data_figure(title, "No data: no journey events in this selection")
    # Fixed positions: a column per step and a lane per stage, so a stage sits at the same height
    # at every step and a cycle reads as a move back up, not a tangle.
    max_step = int(nodes["step"].max())
    stage_rank = {s: i for i, s in enumerate(nodes.sort_values("stage_order")["stage"].drop_duplicates())}
    lanes = max(len(stage_rank) - 1, 1)
    x = [0.01 + 0.98 * (int(s) - 1) / max(max_step - 1, 1) for s in nodes["step"]]
    # Lanes stop short of the bottom: a big exit node (Lost deal) would hang off the chart.
    y = [0.03 + 0.8 * stage_rank[s] / lanes for s in nodes["stage"]]
    move_kind = ["return" if r and not e else "exit" if e else "forward"
                 for r, e in zip(links["is_return"], links["is_exit"], strict=True)]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(
            label=list(nodes["label"]), color=list(nodes["color"]), x=x, y=y, pad=12, thickness=16,
            customdata=list(zip(nodes["step"].astype(int), nodes["accounts"].astype(int), strict=True)),
            hovertemplate="%{label}, step %{customdata[0]}<br>%{customdata[1]} accounts<extra></extra>",
        ),
        link=dict(
            source=list(links["source"].astype(int)), target=list(links["target"].astype(int)),
            value=list(links["accounts"].astype(int)),
            color=[_link_color(r, e) for r, e in zip(links["is_return"], links["is_exit"], strict=True)],
            customdata=move_kind,
            hovertemplate="%{source.label} → %{target.label} (%{customdata})<br>"
                          "%{value} accounts<extra></extra>",
        ),
    ))
    fig.add_annotation(text=f"<span style='color:{RETURN_LINK}'>■</span> return   "
                            f"<span style='color:{EXIT_COLOR}'>■</span> exit",
                       x=1, y=1.0, xref="paper", yref="paper", yanchor="bottom", xanchor="right",
                       showarrow=False)
    fig.update_layout(margin=dict(t=80))
    return themed(fig, title)


def top_paths_figure(df: pd.DataFrame, title: str = "Most common paths") -> go.Figure:
    """Horizontal bars of the most common stage sequences, the commonest on top, with their share."""
    if df.empty:
        return no_data_figure(title, "No data: no journey events in this selection")
    fig = go.Figure(go.Bar(
        orientation="h", y=list(df["path"]), x=list(df["accounts"]),
        text=[f"{a:,} ({s:.0%})" for a, s in zip(df["accounts"], df["share"], strict=True)],
        textposition="auto", marker_color=NPS_COLOR,
        hovertemplate="%{y}<br>%{x} accounts<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text="Accounts")
    return themed(fig, title)


def _point_labels(n: pd.Series, values: pd.Series) -> list[str]:
    """"n=…" beside every drawn point; nothing where there is no score to draw."""
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else f"n={int(k)}"
            for k, v in zip(n, values, strict=True)]


def emotion_curve_figure(df: pd.DataFrame, title: str = "Emotion curve") -> go.Figure:
    """NPS and CSAT (%) per stage, each point with its n (faint below the minimum n), over the
    accounts reached drawn as bars behind on their own axis."""
    if df.empty or (df["accounts_reached"].sum() == 0 and df["nps_n"].sum() == 0 and df["csat_n"].sum() == 0):
        return no_data_figure(title, "No data: no journey events or surveys in this selection")
    stages = list(df["stage"])
    nps_low = df["nps_low_n"] if "nps_low_n" in df else df["low_n"]
    csat_low = df["csat_low_n"] if "csat_low_n" in df else df["low_n"]
    # The bars live on the first y axis (drawn first, so behind) shown on the right; the scores
    # use an overlaying axis on the left.
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=stages, y=list(df["accounts_reached"]), name="Accounts reached", marker_color=REACHED_COLOR,
        yaxis="y", hovertemplate="%{x}<br>%{y} accounts reached<extra></extra>",
    ))
    for name, values, n, low, color in (
        ("NPS", df["nps"], df["nps_n"], nps_low, NPS_COLOR),
        ("CSAT %", df["csat"] * 100, df["csat_n"], csat_low, CSAT_COLOR),
    ):
        fig.add_trace(go.Scatter(
            x=stages, y=[None if pd.isna(v) else float(v) for v in values], name=name, yaxis="y2",
            mode="lines+markers+text", text=_point_labels(n, values), textposition="top center",
            line=dict(color=color), connectgaps=False,
            textfont=dict(color=[FAINT_TEXT if lo else color for lo in low]),
            marker=dict(color=color, size=10, opacity=[LOW_N_OPACITY if lo else 1.0 for lo in low]),
            customdata=list(n.astype(int)),
            hovertemplate=f"%{{x}}<br>{name} %{{y:.0f}} (n=%{{customdata}})<extra></extra>",
        ))
    fig.update_layout(
        xaxis=dict(categoryorder="array", categoryarray=stages),
        yaxis=dict(title_text="Accounts reached", side="right", showgrid=False, rangemode="tozero"),
        yaxis2=dict(title_text="NPS / CSAT %", side="left", overlaying="y", range=[-110, 118],
                    tickvals=[-100, -50, 0, 50, 100], gridcolor="rgba(128,128,128,0.25)",
                    zeroline=True, zerolinecolor="rgba(128,128,128,0.6)"),
        barmode="overlay",
        margin=dict(t=100),
    )
    return themed(fig, title)
