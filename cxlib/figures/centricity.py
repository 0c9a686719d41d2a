"""Figures for the Centricity page: active weeks across customers, and promoter shares with and without."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from cxlib.theme import BAND_COLORS, SEQUENCE, themed


def act_daily_distribution(distribution: pd.DataFrame, weeks: int = 13) -> go.Figure:
    """Bars: customers per number of weeks (0–13) with a provider-initiated activity."""
    fig = go.Figure(go.Bar(x=distribution["weeks"], y=distribution["accounts"], marker_color=SEQUENCE[0],
                           hovertemplate=f"%{{x}} of {weeks} weeks active: %{{y:,}} customers<extra></extra>"))
    fig.update_xaxes(title_text=f"weeks of the last {weeks} with a provider-initiated activity", dtick=1,
                     range=[-0.5, weeks + 0.5])
    fig.update_yaxes(title_text="customers", rangemode="tozero")
    return themed(fig, "Act daily: active weeks per customer")


def attested(row: dict[str, Any]) -> go.Figure:
    """Promoter share with and without a proactive activity in the 90 days before, Wilson 95 % bars."""
    sides = [("with a proactive activity", "with"), ("without", "without")]
    y = [row.get(f"attested_{s}") for _, s in sides]
    low = [row.get(f"attested_{s}_low") for _, s in sides]
    high = [row.get(f"attested_{s}_high") for _, s in sides]
    n = [int(row.get(f"{s}_n", 0) or 0) for _, s in sides]
    up = [None if pd.isna(h) or pd.isna(v) else h - v for h, v in zip(high, y)]
    down = [None if pd.isna(lo) or pd.isna(v) else v - lo for lo, v in zip(low, y)]
    fig = go.Figure(go.Bar(
        x=[label for label, _ in sides], y=y, marker_color=[BAND_COLORS["green"], BAND_COLORS["grey"]],
        error_y=dict(type="data", array=up, arrayminus=down, visible=True), customdata=n,
        hovertemplate="%{x}: %{y:.0%} promoters of %{customdata:,} answers<extra></extra>"))
    fig.update_yaxes(title_text="promoter share of NPS answers", tickformat=".0%", range=[0, 1.05])
    return themed(fig, "Attested: promoters with and without a proactive activity (Wilson 95 %)")


__all__ = ["act_daily_distribution", "attested"]
