"""Figures for the desired outcome over time: shares per quarter, moves between two quarters, churn after."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxlib.figures.scores import QUADRANT_COLORS, _empty
from cxlib.figures.surveys import add_footnote
from cxlib.outcomes import QUADRANTS, UNKNOWN
from cxlib.theme import BAND_COLORS, LOW_N_OPACITY, themed

_COLORS = QUADRANT_COLORS | {UNKNOWN: BAND_COLORS["grey"]}


def _label(quadrant: str) -> str:
    return quadrant[:1].upper() + quadrant[1:]


def quadrant_shares(summary: pd.DataFrame, title: str = "Desired outcome per quarter") -> go.Figure:
    """Stacked shares of the placed accounts per quarter (one `quarterly_summary` without segments); the
    partial quarter's bars are faint and its label says so."""
    if summary is None or summary.empty or summary["share"].notna().sum() == 0:
        return _empty(title)
    frame = summary.copy()
    frame["label"] = frame["quarter"] + frame["partial"].map({True: " (so far)", False: ""})
    fig = go.Figure()
    for quadrant in QUADRANTS:
        if quadrant == UNKNOWN:
            continue
        rows = frame[frame["quadrant"] == quadrant]
        fig.add_trace(go.Bar(
            x=rows["label"], y=rows["share"], name=_label(quadrant), marker_color=_COLORS[quadrant],
            marker_opacity=[LOW_N_OPACITY if p else 1.0 for p in rows["partial"]],
            customdata=rows[["accounts"]], hovertemplate="%{x}: %{y:.0%} (%{customdata[0]} accounts)<extra>"
            + _label(quadrant) + "</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="Share of the accounts placed", tickformat=".0%", range=[0, 1])
    fig.update_xaxes(type="category", title_text="Fiscal quarter (read at its last day)")
    if frame["partial"].any():
        add_footnote(fig, "Faint: the current quarter, read at the as-of date (not over yet)")
    return themed(fig, title)


def quadrant_sankey(moves: pd.DataFrame, from_quarter: str, to_quarter: str,
                    title: str | None = None) -> go.Figure:
    """Accounts moving from their quadrant at one quarter's end to their quadrant at another's (`quadrant_moves`)."""
    title = title or f"Moves between {from_quarter} and {to_quarter}"
    if moves is None or moves.empty:
        return _empty(title)
    nodes = [(from_quarter, q) for q in QUADRANTS] + [(to_quarter, q) for q in QUADRANTS]
    index = {node: i for i, node in enumerate(nodes)}
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=[f"{_label(q)} ({when})" for when, q in nodes],
                  color=[_COLORS[q] for _, q in nodes], pad=14, thickness=16),
        link=dict(source=[index[(from_quarter, q)] for q in moves["from_quadrant"]],
                  target=[index[(to_quarter, q)] for q in moves["to_quadrant"]],
                  value=moves["accounts"].tolist(),
                  customdata=moves["arr"].tolist(),
                  hovertemplate="%{source.label} → %{target.label}: %{value} accounts, ARR %{customdata:,.0f}"
                                "<extra></extra>"),
    ))
    return themed(fig, title)


def churn_after_bars(table: pd.DataFrame, title: str = "Churn within the next two quarters") -> go.Figure:
    """Churn rate per quadrant with its Wilson 95% interval (`churn_after`); faint bars below the minimum n."""
    rows = table[table["accounts"] > 0] if table is not None and not table.empty else None
    if rows is None or rows.empty:
        return _empty(title)
    fig = go.Figure(go.Bar(
        x=[_label(q) for q in rows["quadrant"]], y=rows["churn_rate"],
        error_y=dict(type="data", symmetric=False, array=rows["ci_high"] - rows["churn_rate"],
                     arrayminus=rows["churn_rate"] - rows["ci_low"]),
        marker=dict(color=[_COLORS[q] for q in rows["quadrant"]],
                    opacity=[LOW_N_OPACITY if low else 1.0 for low in rows["low_n"]]),
        customdata=rows[["churned", "accounts"]],
        hovertemplate="%{x}: %{y:.1%} (%{customdata[0]} of %{customdata[1]})<extra></extra>"))
    fig.update_yaxes(title_text="Churned within two quarters", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(type="category")
    if rows["low_n"].any():
        add_footnote(fig, "Faint bars: fewer accounts than the minimum n — read with care")
    return themed(fig, title)


__all__ = ["churn_after_bars", "quadrant_sankey", "quadrant_shares"]
