"""The forest chart of drivers: each segment value and each measure's per-SD row by odds ratio, with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.figures.segments import SIGNIFICANT_MARK
from cxlib.figures.surveys import add_footnote, empty_figure
from cxlib.theme import BAND_COLORS, LOW_N_OPACITY, SEQUENCE, themed

MAX_ROWS = 40
ROW_HEIGHT = 24


def driver_label(row: pd.Series) -> str:
    """'Contract = Month-to-month' for a segment value, 'tenure, per SD' for a measure."""
    if row["kind"] == "per_sd":
        return f"{row['driver']}, per SD"
    return f"{row['driver']} = {row['value']}"


def forest_chart(df: pd.DataFrame, title: str | None = None, limit: int = MAX_ROWS) -> go.Figure:
    """Drivers ranked by odds ratio (highest first) on a log axis, 95 % intervals as whiskers, 1 = no link.

    Takes `drivers.drivers`. Rows without an odds ratio (quartiles, fits that failed) are left
    out; with more than `limit` rows the ones furthest from 1 are kept (said under the chart).
    Significant rows (Benjamini–Hochberg) are starred and coloured by direction; rows below the
    minimum n are faint grey and say "small".
    """
    outcome = df.attrs.get("outcome", "the outcome")
    title = title or f"What goes with {outcome}: odds ratio against the rest"
    rows = df[df["kind"].isin(["segment", "per_sd"]) & df["odds_ratio"].notna()
              & np.isfinite(df["odds_ratio"].astype(float))].copy()
    if rows.empty:
        return empty_figure(title)
    rows["_strength"] = np.abs(np.log(rows["odds_ratio"].astype(float)))
    dropped = max(len(rows) - limit, 0)
    if dropped:
        rows = rows.nlargest(limit, "_strength")
    rows = rows.sort_values(["odds_ratio", "driver", "value"], ascending=[False, True, True])
    labels = [f"{SIGNIFICANT_MARK + ' ' if sig else ''}{driver_label(r)} (n={int(r['n']):,}{', small' if low else ''})"
              for (_, r), sig, low in zip(rows.iterrows(), rows["significant"], rows["low_n"], strict=True)]
    ratio = rows["odds_ratio"].to_numpy(dtype=float)
    colors = [BAND_COLORS["grey"] if low or not sig else (SEQUENCE[1] if r > 1 else SEQUENCE[0])
              for r, sig, low in zip(ratio, rows["significant"], rows["low_n"], strict=True)]
    hover = [f"odds ratio {r:.2f} (95% {lo:.2f}–{hi:.2f}); p = {p:.3g}"
             + ("" if pd.isna(q) else f", adjusted {q:.3g}") + f"; test: {t or 'none'}"
             for r, lo, hi, p, q, t in zip(ratio, rows["ci_low"], rows["ci_high"], rows["p_value"],
                                           rows["p_adjusted"], rows["test"], strict=True)]
    fig = go.Figure(go.Scatter(
        x=ratio, y=labels, mode="markers",
        marker=dict(color=colors, size=10, symbol="square",
                    opacity=[LOW_N_OPACITY if low else 1.0 for low in rows["low_n"]]),
        error_x=dict(type="data", symmetric=False, array=(rows["ci_high"] - rows["odds_ratio"]).fillna(0).tolist(),
                     arrayminus=(rows["odds_ratio"] - rows["ci_low"]).fillna(0).tolist(), thickness=1.5,
                     color="rgba(60,60,60,0.7)"),
        hovertext=hover, hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
    ))
    fig.add_vline(x=1, line_dash="dash", line_color="rgba(90,90,90,0.9)",
                  annotation_text="1 = no difference", annotation_position="top")
    fig.update_xaxes(type="log", title_text=f"odds of {outcome} vs the rest (log scale)")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_layout(height=max(320, 140 + ROW_HEIGHT * len(rows)), showlegend=False)
    q = df.attrs.get("q", 0.05)
    min_n = df.attrs.get("min_n", 30)
    note = (f"{SIGNIFICANT_MARK} significant (Benjamini–Hochberg, q = {q:g}); faint grey: fewer than {min_n} "
            "accounts, never tested; measures: odds ratio per standard deviation")
    if dropped:
        note += f"; the {dropped} rows closest to 1 are not drawn (the table has them)"
    add_footnote(fig, note)
    return themed(fig, title)


__all__ = ["MAX_ROWS", "driver_label", "forest_chart"]
