"""Funnel figures: the funnel, its breakdown by segment, the cohort heatmap, time-to-convert.

Each builder takes what `cxlib.funnel` returns and gives a themed Plotly figure; empty input
gives a figure that says so instead of empty axes. Small n is drawn faint, never hidden.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cxlib.funnel import FunnelResult
from cxlib.stages import NEUTRAL_COLOR, Stage
from cxlib.theme import LOW_N_OPACITY, SEQUENCE, stage_color, themed

GREY = "#bdbdbd"


def empty_figure(title: str, message: str = "No data") -> go.Figure:
    """A figure with a centred message and no axes, for when there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=18))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return themed(fig, title)


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _pct(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def _amount(x: float, arr: bool) -> str:
    return f"{x:,.0f} ARR" if arr else f"{int(x):,}"


def funnel_chart(result: FunnelResult, stages: list[Stage] | None = None, title: str = "Funnel") -> go.Figure:
    """Accounts (or ARR) reaching each step, stage-coloured, labelled with n and step conversion."""
    table = result.table
    if table.empty:
        return empty_figure(title)
    if result.by is not None:
        return breakdown_chart(result, stages, title)
    arr = result.weight == "arr"
    optional = table["optional"].tolist() if "optional" in table else [False] * len(table)
    labels = [f"{s}. {stage}" + (" (optional)" if opt else "")
              for s, stage, opt in zip(table["step"], table["stage"], optional)]
    colors = [_rgba(stage_color(stage, stages), LOW_N_OPACITY if low else 1.0)
              for stage, low in zip(table["stage"], table["low_n"])]
    text = [f"{_amount(a, arr)} · {_pct(c)} took it" if opt else
            f"{_amount(a, arr)} · {_pct(c)} of previous" if s > 1 else _amount(a, arr)
            for s, a, c, opt in zip(table["step"], table["accounts"], table["conversion_from_previous"], optional)]
    fig = go.Figure(go.Funnel(
        y=labels, x=table["accounts"].astype(float).tolist(), text=text, textinfo="text",
        marker=dict(color=colors), connector=dict(fillcolor="#eeeeee", line=dict(color=GREY, width=1)),
        customdata=list(zip(table["n"], table["conversion_from_first"].map(_pct),
                            table["median_days_from_previous"])),
        hovertemplate="%{y}<br>" + ("ARR %{x:,.0f}" if arr else "accounts %{x:,}")
                      + "<br>n = %{customdata[0]:,}<br>%{customdata[1]} of step 1"
                      + "<br>median days from previous: %{customdata[2]:.1f}<extra></extra>",
    ))
    if result.exited_unknown:
        fig.add_annotation(text=f"Exited (last stage unknown): {result.exited_unknown:,} accounts",
                           x=1, y=-0.08, xref="paper", yref="paper", showarrow=False, xanchor="right",
                           font=dict(color=NEUTRAL_COLOR))
    fig.update_yaxes(automargin=True)
    return themed(fig, title)


def breakdown_chart(result: FunnelResult, stages: list[Stage] | None = None,
                    title: str = "Funnel by segment") -> go.Figure:
    """Grouped bars: share of each segment's step-1 accounts reaching each step, n on every bar."""
    table = result.table
    if table.empty:
        return empty_figure(title)
    if "segment" not in table:
        table = table.assign(segment="All accounts")
    fig = go.Figure()
    order = list(dict.fromkeys(table["segment"]))
    x_labels = [f"{s}. {stage}" for s, stage in zip(table["step"], table["stage"])]
    table = table.assign(x=x_labels)
    for i, segment in enumerate(order):
        part = table[table["segment"] == segment]
        fig.add_trace(go.Bar(
            name=str(segment), x=part["x"], y=part["conversion_from_first"].fillna(0.0),
            text=[f"n={n:,}" for n in part["n"]], textposition="outside",
            marker=dict(color=SEQUENCE[i % len(SEQUENCE)],
                        opacity=[LOW_N_OPACITY if low else 1.0 for low in part["low_n"]]),
            customdata=list(zip(part["n"], part["accounts"], part["conversion_from_previous"].map(_pct))),
            hovertemplate=f"{segment}<br>%{{x}}<br>%{{y:.0%}} of step 1<br>n = %{{customdata[0]:,}}"
                          "<br>%{customdata[2]} of previous<extra></extra>",
        ))
    fig.update_layout(barmode="group", yaxis=dict(tickformat=".0%", title="share of step 1"))
    return themed(fig, title)


def cohort_heatmap(cohorts: pd.DataFrame, title: str = "Conversion by cohort") -> go.Figure:
    """Cohort × step conversion within the horizon; incomplete or low-n cells greyed, n annotated."""
    if cohorts.empty:
        return empty_figure(title)
    df = cohorts.copy()
    if "segment" in df:
        df["period"] = df["segment"].astype(str) + " · " + df["period"].astype(str)
    steps = [f"{s}. {stage}" for s, stage in df[["step", "stage"]].drop_duplicates().itertuples(index=False)]
    df["x"] = [f"{s}. {stage}" for s, stage in zip(df["step"], df["stage"])]
    rows = list(dict.fromkeys(df["period"]))
    shown = df.assign(z=df["conversion"].where(df["complete"] & ~df["low_n"]))
    greyed = df.assign(z=df["conversion"].where(~(df["complete"] & ~df["low_n"])))

    def grid(frame: pd.DataFrame) -> list[list[float | None]]:
        pivot = frame.pivot(index="period", columns="x", values="z").reindex(index=rows, columns=steps)
        return [[None if pd.isna(v) else float(v) for v in row] for row in pivot.to_numpy()]

    ok = df["complete"] & ~df["low_n"]
    labels = [f"{_pct(c)}<br>n={n:,}" + ("" if complete else "<br>(incomplete)")
              for c, n, complete in zip(df["conversion"], df["cohort_accounts"], df["complete"])]

    def text_grid(mask: pd.Series) -> list[list[str]]:
        frame = df.assign(t=[t if m else "" for t, m in zip(labels, mask)])
        pivot = frame.pivot(index="period", columns="x", values="t").reindex(index=rows, columns=steps)
        return pivot.fillna("").to_numpy().tolist()

    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=grid(shown), x=steps, y=rows, zmin=0, zmax=1, colorscale="Blues",
                             colorbar=dict(title="conversion", tickformat=".0%"),
                             text=text_grid(ok), texttemplate="%{text}", hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>"))
    fig.add_trace(go.Heatmap(z=grid(greyed), x=steps, y=rows, zmin=0, zmax=1,
                             colorscale=[[0, "#eeeeee"], [1, GREY]], showscale=False,
                             text=text_grid(~ok), texttemplate="%{text}",
                             hovertemplate="%{y} · %{x}<br>%{text}<br>greyed: too young or n too small<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(type="category")
    return themed(fig, title)


def time_to_convert_histogram(times: pd.DataFrame, from_stage: str = "", to_stage: str = "",
                              title: str | None = None) -> go.Figure:
    """Histogram of days between two steps with the median marked (n in the title)."""
    title = title or (f"Days from {from_stage} to {to_stage}" if from_stage and to_stage else "Days to convert")
    if times.empty:
        return empty_figure(title)
    days = times["days"].astype(float)
    median = float(days.median())
    fig = go.Figure(go.Histogram(x=days, marker=dict(color=stage_color(to_stage) if to_stage else SEQUENCE[0]),
                                 hovertemplate="%{x} days<br>%{y} accounts<extra></extra>"))
    fig.add_vline(x=median, line=dict(color="#333333", dash="dash", width=2),
                  annotation_text=f"median {median:.1f} days", annotation_position="top right")
    fig.update_layout(xaxis_title="days", yaxis_title="accounts", bargap=0.05)
    return themed(fig, f"{title} (n={len(days):,})")
