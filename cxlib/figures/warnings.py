"""Figures for the early warning: flagged accounts and ARR per signal, and flagged accounts per month."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxlib.theme import BAND_COLORS, LOW_N_OPACITY, SEQUENCE, themed


def signal_counts(summary: pd.DataFrame) -> go.Figure:
    """Horizontal bars: accounts per signal (left) and their ARR (right); 'any signal' left out."""
    rows = summary[summary["signal"] != "any signal"].iloc[::-1]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, subplot_titles=("Accounts", "ARR"),
                        horizontal_spacing=0.04)
    fig.add_trace(go.Bar(y=rows["label"], x=rows["accounts"], orientation="h", marker_color=BAND_COLORS["red"],
                         text=rows["accounts"], textposition="auto", name="accounts",
                         hovertemplate="%{y}: %{x:,} accounts<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(y=rows["label"], x=rows["arr"], orientation="h", marker_color=SEQUENCE[0],
                         name="ARR", hovertemplate="%{y}: ARR %{x:,.0f}<extra></extra>"), row=1, col=2)
    fig.update_layout(showlegend=False, height=360)
    return themed(fig, "Flagged accounts and ARR per signal")


def flagged_over_time(history: pd.DataFrame) -> go.Figure:
    """Flagged accounts at each month's end; the current (partial) month drawn faint."""
    colors = [SEQUENCE[1]] * len(history)
    opacity = [LOW_N_OPACITY if p else 1.0 for p in history["partial"]]
    fig = go.Figure(go.Bar(
        x=history["month"], y=history["flagged"], marker=dict(color=colors, opacity=opacity),
        customdata=history[["customers", "share"]].to_numpy(),
        hovertemplate="%{x}: %{y:,} flagged of %{customdata[0]:,} customers (%{customdata[1]:.0%})<extra></extra>"))
    fig.update_yaxes(title_text="flagged accounts", rangemode="tozero")
    fig.update_xaxes(type="category", title_text="as of the month's end (faint: the as-of date, month not over)")
    return themed(fig, "Flagged accounts per month")


__all__ = ["flagged_over_time", "signal_counts"]
