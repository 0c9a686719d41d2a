"""Figures for engagement scores and the desired outcome: distribution, factors, history, bands, quadrant."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxlib.factors import factor_name
from cxlib.outcomes import EXPERIENCE_ONLY, NEITHER, OUTCOME_ONLY, SUCCESSFUL, UNKNOWN, OutcomeSpec
from cxlib.scores import BANDS, ScoreConfig, Thresholds, shown
from cxlib.theme import BAND_COLORS, LOW_N_OPACITY, SEQUENCE, themed

QUADRANT_COLORS = {SUCCESSFUL: BAND_COLORS["green"], OUTCOME_ONLY: BAND_COLORS["yellow"],
                   EXPERIENCE_ONLY: SEQUENCE[0], NEITHER: BAND_COLORS["red"]}
BAND_LABELS = {"red": "Red", "yellow": "Yellow", "green": "Green", "grey": "Insufficient data"}


def _empty(title: str) -> go.Figure:
    """A themed figure that says there is nothing to show, instead of a blank frame."""
    fig = go.Figure()
    fig.add_annotation(text="No data", x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=18))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return themed(fig, title)


def _has(df: pd.DataFrame | None, column: str) -> bool:
    return df is not None and column in df and df[column].notna().any()


def _band_lines(fig: go.Figure, thresholds: Thresholds, axis: str = "x") -> None:
    """Dotted lines where the bands change, so a reader sees how close a value is to the next band."""
    for value in (thresholds.red_below, thresholds.green_above):
        if axis == "x":
            fig.add_vline(x=value, line_dash="dot", line_color="rgba(128,128,128,0.8)")
        else:
            fig.add_hline(y=value, line_dash="dot", line_color="rgba(128,128,128,0.8)")


def composite_histogram(scores: pd.DataFrame, thresholds: Thresholds | None = None,
                        title: str = "Composite score distribution") -> go.Figure:
    """Histogram of account composites (bins of 5 points), stacked by band, with the band edges."""
    if not _has(scores, "composite"):
        return _empty(title)
    thresholds = thresholds or Thresholds()
    fig = go.Figure()
    for name in BANDS:
        values = scores.loc[(scores["band"] == name) & scores["composite"].notna(), "composite"]
        if len(values):
            fig.add_trace(go.Histogram(x=values, name=BAND_LABELS[name], marker_color=BAND_COLORS[name],
                                       xbins=dict(start=0, end=100.0001, size=5),
                                       hovertemplate="%{x}: %{y} accounts<extra>" + BAND_LABELS[name] + "</extra>"))
    _band_lines(fig, thresholds)
    unscored = int(scores["composite"].isna().sum())
    if unscored:
        fig.add_annotation(text=f"{unscored} account(s) without any rating are not shown",
                           x=1, y=1.0, xref="paper", yref="paper", xanchor="right", showarrow=False)
    fig.update_layout(barmode="stack", bargap=0.05)
    fig.update_xaxes(title_text="Composite (0–100)", range=[0, 100])
    fig.update_yaxes(title_text="Accounts")
    return themed(fig, title)


def factor_bar_chart(summary: pd.DataFrame, title: str = "Factors against the desired state") -> go.Figure:
    """One bar per factor (coloured by band) with its target marked and the gap written beside it.

    Takes `scores.factor_summary` (or any frame with name, score, target, gap, band).
    """
    if not _has(summary, "score") and not _has(summary, "target"):
        return _empty(title)
    names = summary["name"] if "name" in summary else summary["factor"]
    colors = [BAND_COLORS.get(b, BAND_COLORS["grey"]) for b in summary.get("band", ["grey"] * len(summary))]
    text = [("no data" if pd.isna(s) else f"{shown(s)} · {shown(g)} below target" if g > 0
             else f"{shown(s)} · at or above target")
            for s, g in zip(summary["score"], summary["gap"], strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=summary["score"].fillna(0), orientation="h", marker_color=colors,
                         text=text, textposition="outside", name="Score",
                         hovertemplate="%{y}: %{x:.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(y=names, x=summary["target"], mode="markers", name="Target",
                             marker=dict(symbol="line-ns-open", size=26, line=dict(width=3, color="#222222")),
                             hovertemplate="%{y} target: %{x:.0f}<extra></extra>"))
    fig.update_xaxes(title_text="Score (0–100)", range=[0, 115])
    fig.update_yaxes(autorange="reversed")
    return themed(fig, title)


def history_chart(history: pd.DataFrame, by: str | None = None,
                  title: str = "Composite over time") -> go.Figure:
    """Composite per period: one line per account, or per segment with `by` (low-n segments faint)."""
    if not _has(history, "composite"):
        return _empty(title)
    key = "segment" if by is not None or "segment" in history else "account_id"
    fig = go.Figure()
    for i, (label, rows) in enumerate(history.groupby(key, sort=False)):
        faint = "low_n" in rows and bool(rows["low_n"].any())
        fig.add_trace(go.Scatter(x=rows["period"], y=rows["composite"], mode="lines+markers",
                                 name=str(label) + (" (low n)" if faint else ""),
                                 opacity=LOW_N_OPACITY if faint else 1.0,
                                 line=dict(color=SEQUENCE[i % len(SEQUENCE)]),
                                 hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}<extra>" + str(label) + "</extra>"))
    fig.update_xaxes(title_text="Period")
    fig.update_yaxes(title_text="Composite (0–100)", range=[0, 100])
    return themed(fig, title)


def band_summary_chart(summary: pd.DataFrame, title: str = "Accounts and ARR by band") -> go.Figure:
    """Two bar panels from `scores.band_summary`: account counts and ARR per band."""
    if summary is None or summary.empty or summary["accounts"].sum() == 0:
        return _empty(title)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Accounts", "ARR"))
    labels = [BAND_LABELS.get(b, b) for b in summary["band"]]
    colors = [BAND_COLORS.get(b, BAND_COLORS["grey"]) for b in summary["band"]]
    share = [f"{n} ({s:.0%})" if not pd.isna(s) else str(n)
             for n, s in zip(summary["accounts"], summary["share"], strict=True)]
    arr_share = [f"{a:,.0f} ({s:.0%})" if not pd.isna(s) else f"{a:,.0f}"
                 for a, s in zip(summary["arr"], summary["arr_share"], strict=True)]
    fig.add_trace(go.Bar(x=labels, y=summary["accounts"], marker_color=colors, text=share,
                         textposition="outside", showlegend=False), row=1, col=1)
    fig.add_trace(go.Bar(x=labels, y=summary["arr"], marker_color=colors, text=arr_share,
                         textposition="outside", showlegend=False), row=1, col=2)
    return themed(fig, title)


def quadrant_scatter(quadrants: pd.DataFrame, spec: OutcomeSpec,
                     title: str = "Desired outcome: outcome × experience") -> go.Figure:
    """Accounts by experience (x) and outcome (y), coloured by quadrant, with the two threshold lines."""
    placed = quadrants[quadrants["quadrant"] != UNKNOWN] if quadrants is not None and "quadrant" in quadrants \
        else None
    if placed is None or placed.empty:
        return _empty(title)
    fig = go.Figure()
    for name, color in QUADRANT_COLORS.items():
        rows = placed[placed["quadrant"] == name]
        if len(rows):
            fig.add_trace(go.Scatter(x=rows["experience_value"], y=rows["outcome_value"], mode="markers",
                                     name=name.capitalize(), text=rows["account_id"],
                                     marker=dict(color=color, size=10, opacity=0.75),
                                     hovertemplate="%{text}: experience %{x}, outcome %{y}<extra></extra>"))
    fig.add_vline(x=spec.threshold, line_dash="dash", line_color="rgba(80,80,80,0.9)")
    fig.add_hline(y=spec.outcome_threshold, line_dash="dash", line_color="rgba(80,80,80,0.9)")
    corners = {SUCCESSFUL: (0.99, 0.99, "right", "top"), OUTCOME_ONLY: (0.01, 0.99, "left", "top"),
               EXPERIENCE_ONLY: (0.99, 0.01, "right", "bottom"), NEITHER: (0.01, 0.01, "left", "bottom")}
    for name, (x, y, xa, ya) in corners.items():
        fig.add_annotation(text=name.capitalize(), x=x, y=y, xref="x domain", yref="y domain",
                           xanchor=xa, yanchor=ya, showarrow=False, font=dict(color=QUADRANT_COLORS[name]))
    unknown = len(quadrants) - len(placed)
    if unknown:
        fig.add_annotation(text=f"{unknown} account(s) missing a measure are not placed",
                           x=1, y=-0.15, xref="paper", yref="paper", xanchor="right", showarrow=False)
    fig.update_xaxes(title_text=f"Experience ({spec.experience})")
    fig.update_yaxes(title_text="Required outcome")
    return themed(fig, title)


def segment_radar(segments: pd.DataFrame, config: ScoreConfig, segment: str,
                  title: str | None = None) -> go.Figure:
    """A segment's factor scores against the desired state (each factor's target) on a radar."""
    title = title or f"{segment} against the desired state"
    rows = segments[segments["segment"] == segment] if segments is not None and "segment" in segments else None
    keys = [k for k in config.keys if rows is not None and k in rows]
    if rows is None or rows.empty or not keys or rows[keys].isna().all(axis=None):
        return _empty(title)
    row = rows.iloc[0]
    names = [factor_name(k, config.factors) for k in keys]
    values = [None if pd.isna(row[k]) else float(row[k]) for k in keys]
    faint = bool(row.get("low_n", False))
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=[config.target(k) for k in keys] + [config.target(keys[0])],
                                  theta=names + names[:1], name="Desired state", mode="lines",
                                  line=dict(color="#636363", dash="dash")))
    fig.add_trace(go.Scatterpolar(r=values + values[:1], theta=names + names[:1], fill="toself",
                                  name=str(segment) + (" (low n)" if faint else ""),
                                  opacity=LOW_N_OPACITY if faint else 0.8, line=dict(color=SEQUENCE[0])))
    fig.update_layout(polar=dict(radialaxis=dict(range=[0, 100])))
    return themed(fig, title)


def segment_factor_heatmap(segments: pd.DataFrame, config: ScoreConfig,
                           title: str = "Factor scores by segment") -> go.Figure:
    """Segments × factors, each cell coloured by its band (edges from the config) and labelled."""
    keys = [k for k in config.keys if segments is not None and k in segments]
    if segments is None or segments.empty or not keys or segments[keys].isna().all(axis=None):
        return _empty(title)
    th = config.thresholds
    # Values are banded as shown (rounded), so the colour changes half a point before each edge.
    lo = min(max((th.red_below - 0.5) / 100, 0.0), 1.0)
    hi = min(max((th.green_above + 0.5) / 100, lo), 1.0)
    scale = [[0, BAND_COLORS["red"]], [lo, BAND_COLORS["red"]], [lo, BAND_COLORS["yellow"]],
             [hi, BAND_COLORS["yellow"]], [hi, BAND_COLORS["green"]], [1, BAND_COLORS["green"]]]
    labels = [f"{s} (n={n}, low n)" if low else f"{s} (n={n})"
              for s, n, low in zip(segments["segment"], segments["n"], segments.get("low_n", [False] * len(segments)),
                                   strict=True)]
    z = segments[keys].to_numpy(dtype=float)
    text = [["" if math.isnan(v) else str(shown(v)) for v in row] for row in z]
    fig = go.Figure(go.Heatmap(z=z, x=[factor_name(k, config.factors) for k in keys], y=labels,
                               zmin=0, zmax=100, colorscale=scale, text=text, texttemplate="%{text}",
                               hovertemplate="%{y} · %{x}: %{z:.1f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return themed(fig, title)
