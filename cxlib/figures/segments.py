"""Figures for segment comparisons: each segment against the population, significant ones marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.figures.surveys import add_footnote, empty_figure, segment_labels
from cxlib.theme import BAND_COLORS, LOW_N_OPACITY, SEQUENCE, themed

SIGNIFICANT_MARK = "★"
OVERVIEW_LABELS = {"accounts": "Accounts", "arr": "ARR", "nps": "NPS", "csat": "CSAT",
                   "churn_12m": "Churn (12 months)"}
PERCENT_COLUMNS = ("csat", "churn_12m")


def _title(df: pd.DataFrame) -> str:
    """A title from the comparison's attrs: what is measured, broken down by what."""
    attrs = df.attrs
    by = attrs.get("by", "segment")
    if attrs.get("kind") == "rate":
        return f"Share with {attrs.get('column')} = {attrs.get('value')}, by {by}"
    if attrs.get("kind") == "mean":
        return f"Mean {attrs.get('column')}, by {by}"
    return f"Comparison by {by}"


def compare_chart(df: pd.DataFrame, title: str | None = None, population: float | None = None) -> go.Figure:
    """Horizontal bars per segment with intervals, the population value as a line, significant cells starred.

    Takes `segments.compare`; the population value is `population`, else the one `compare` left in
    attrs (no line without either). A significant segment (BH-adjusted, q from attrs) gets a star
    and a dark outline, coloured by the side it differs on; low-n segments are faint and say so.
    """
    title = title or _title(df)
    measure = "rate" if "rate" in df else "mean"
    if df.empty or measure not in df or df[measure].notna().sum() == 0:
        return empty_figure(title)
    labels = segment_labels(df["segment"])
    percent = measure == "rate"
    values = df[measure].to_numpy(dtype=float)
    population = df.attrs.get("population") if population is None else population
    has_line = population is not None and np.isfinite(population)
    colors = []
    for value, sig, rest in zip(values, df["significant"], df["rest"], strict=True):
        if not sig:
            colors.append(BAND_COLORS["grey"])
        else:
            colors.append(SEQUENCE[0] if value > rest else SEQUENCE[1])
    fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:,.1f}")
    ticks = [f"{SIGNIFICANT_MARK + ' ' if sig else ''}{label} (n={n}{', small' if low else ''})"
             for label, n, sig, low in zip(labels, df["n"], df["significant"], df["low_n"], strict=True)]
    hover = [f"{fmt(v)}; p = {p:.3g}" + ("" if pd.isna(q) else f", adjusted {q:.3g}") + f"<br>rest: {fmt(r)}"
             for v, p, q, r in zip(values, df["p_value"], df["p_adjusted"], df["rest"], strict=True)]
    fig = go.Figure(go.Bar(
        y=ticks, x=values, orientation="h", text=[fmt(v) for v in values], textposition="inside",
        insidetextanchor="start",
        marker=dict(color=colors, opacity=[LOW_N_OPACITY if low else 1.0 for low in df["low_n"]],
                    line=dict(color=["#222222" if s else "rgba(0,0,0,0)" for s in df["significant"]], width=2)),
        error_x=dict(type="data", symmetric=False, array=(df["ci_high"] - df[measure]).fillna(0).tolist(),
                     arrayminus=(df[measure] - df["ci_low"]).fillna(0).tolist(), thickness=1.5,
                     color="rgba(60,60,60,0.8)"),
        hovertext=hover, hovertemplate="%{y}: %{hovertext}<extra></extra>",
    ))
    if has_line:
        fig.add_vline(x=population, line_dash="dash", line_color="rgba(90,90,90,0.9)",
                      annotation_text=f"all accounts {fmt(population)}", annotation_position="top")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(title_text="Share of accounts" if percent else str(df.attrs.get("column", "mean")),
                     tickformat=".0%" if percent else None, range=[0, 1.1] if percent else None)
    q = df.attrs.get("q", 0.05)
    min_n = df.attrs.get("min_n", 30)
    add_footnote(fig, f"{SIGNIFICANT_MARK} differs from the rest (Benjamini–Hochberg, q = {q:g}); "
                      f"faint: fewer than {min_n} accounts, never tested")
    return themed(fig, title)


def overview_heatmap(df: pd.DataFrame, columns: list[str] | None = None,
                     title: str = "Segments side by side") -> go.Figure:
    """Segment × measure grid from `segment_overview` (or it merged with scores), each column scaled on its own.

    Colour shows where a segment stands among segments for that measure (so ARR and NPS can sit
    side by side); the cell text is the real value. Low-n segments are labelled as such.
    """
    columns = columns or [c for c in ("nps", "csat", "churn_12m") if c in df]
    if df.empty or not columns or df[columns].notna().sum().sum() == 0:
        return empty_figure(title)
    values = df[columns].astype(float)
    span = (values.max() - values.min()).replace(0, np.nan)
    scaled = ((values - values.min()) / span).fillna(0.5)
    if "churn_12m" in scaled:
        scaled["churn_12m"] = 1 - scaled["churn_12m"]  # less churn is better: same colour direction
    text = [[("" if pd.isna(v) else f"{v:.0%}" if c in PERCENT_COLUMNS else f"{v:,.0f}")
             for c, v in zip(columns, row, strict=True)] for row in values.itertuples(index=False)]
    rows = [f"{s} (small)" if low else str(s)
            for s, low in zip(segment_labels(df["segment"]), df.get("low_n", [False] * len(df)), strict=True)]
    fig = go.Figure(go.Heatmap(
        z=scaled.where(values.notna()).to_numpy(), x=[OVERVIEW_LABELS.get(c, c) for c in columns], y=rows, text=text, texttemplate="%{text}",
        colorscale=[[0, BAND_COLORS["red"]], [0.5, BAND_COLORS["yellow"]], [1, BAND_COLORS["green"]]],
        showscale=False, hoverinfo="skip", xgap=2, ygap=2,
    ))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(side="top", type="category")
    return themed(fig, title)


__all__ = ["OVERVIEW_LABELS", "SIGNIFICANT_MARK", "compare_chart", "overview_heatmap"]
