"""Figures for what customers say and who leaves: NPS, CSAT, CES by segment and over time, churn.

Every bar or point carries its interval and its n; groups below the minimum n are drawn faint
(never hidden); an empty frame gives a "No data" figure rather than bare axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from cxlib.figures.data import no_data_figure
from cxlib.stages import stage_colors
from cxlib.theme import LOW_N_OPACITY, SEQUENCE, themed

NPS_RANGE = (-100, 100)


def empty_figure(title: str) -> go.Figure:
    """The themed "No data" figure with the chart's title, so a reader knows what is missing."""
    return themed(no_data_figure("No data"), title)


def segment_labels(values: pd.Series) -> list[str]:
    """Segment values as axis labels: periods as dates, everything else as text."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return [v.strftime("%Y-%m-%d") if pd.notna(v) else "(no date)" for v in values]
    return [str(v) for v in values]


def bar_colors(labels: Sequence[str], default: str = SEQUENCE[0]) -> list[str]:
    """Stage colours when the segments are stages (the fixed colours of every chart), else one colour."""
    colors = stage_colors()
    return [colors.get(label, default) for label in labels]


def _opacity(df: pd.DataFrame) -> list[float]:
    low = df["low_n"] if "low_n" in df else pd.Series(False, index=df.index)
    return [LOW_N_OPACITY if flag else 1.0 for flag in low]


def add_footnote(fig: go.Figure, text: str) -> go.Figure:
    """A small note under the plot (faint = low n, open = partial period…), with room made for it."""
    fig.add_annotation(text=text, x=0, y=0, xref="paper", yref="paper", xanchor="left", yanchor="top",
                       yshift=-80, showarrow=False, font=dict(size=12))
    fig.update_layout(margin=dict(b=110))
    return fig


def interval_bars(df: pd.DataFrame, value: str, low: str | None, high: str | None, *, title: str,
                  y_title: str, hover: Sequence[str], percent: bool = False,
                  y_range: tuple[float, float] | None = None) -> go.Figure:
    """One bar per segment with its interval as an (asymmetric) error bar and n under its label."""
    labels = segment_labels(df["segment"]) if "segment" in df else ["All"] * len(df)
    ticks = [f"{label}<br>n={n}" for label, n in zip(labels, df["n"], strict=True)]
    error = None
    if low is not None and high is not None:
        error = dict(type="data", symmetric=False, array=(df[high] - df[value]).tolist(),
                     arrayminus=(df[value] - df[low]).tolist(), color="rgba(60,60,60,0.8)", thickness=1.5)
    fig = go.Figure(go.Bar(
        x=ticks, y=df[value], error_y=error,
        marker=dict(color=bar_colors(labels), opacity=_opacity(df)),
        hovertext=list(hover), hovertemplate="%{hovertext}<extra></extra>",
    ))
    fig.update_yaxes(title_text=y_title, tickformat=".0%" if percent else None, range=y_range)
    fig.update_xaxes(type="category")
    if "low_n" in df and df["low_n"].any():
        add_footnote(fig, "Faint bars: fewer answers than the minimum n — read with care")
    return themed(fig, title)


def _rejected_note(fig: go.Figure, df: pd.DataFrame, scale: str) -> go.Figure:
    rejected = int(df["rejected"].sum()) if "rejected" in df else 0
    if rejected:
        fig.add_annotation(text=f"{rejected} answer(s) off the {scale} scale were rejected, not counted",
                           x=1, y=1.0, xref="paper", yref="paper", xanchor="right", yanchor="bottom",
                           showarrow=False, font=dict(size=12))
    return fig


def nps_bars(df: pd.DataFrame, title: str = "NPS") -> go.Figure:
    """NPS per segment/stage/period, bars from −100 to 100 with the 95% margin of error and n."""
    df = df[df["n"] > 0] if "n" in df else df
    if df.empty:
        return empty_figure(title)
    hover = [f"NPS {s:.0f} ± {m:.0f}<br>{p} promoters · {pa} passives · {d} detractors (n={n})"
             for s, m, p, pa, d, n in zip(df["nps"], df["moe95"], df["promoters"], df["passives"],
                                          df["detractors"], df["n"], strict=True)]
    error = df.assign(nps_low=df["nps"] - df["moe95"], nps_high=df["nps"] + df["moe95"])
    fig = interval_bars(error, "nps", "nps_low", "nps_high", title=title, y_title="NPS (points)",
                        hover=hover, y_range=NPS_RANGE)
    fig.add_hline(y=0, line_color="rgba(128,128,128,0.6)")
    return _rejected_note(fig, df, "0–10")


def csat_bars(df: pd.DataFrame, title: str = "CSAT") -> go.Figure:
    """CSAT (share satisfied) per segment with its Wilson 95% interval and n."""
    df = df[df["n"] > 0] if "n" in df else df
    if df.empty:
        return empty_figure(title)
    scale = str(df["scale"].iloc[0])
    hover = [f"{c:.0%} satisfied ({s} of {n})<br>95% interval {lo:.0%}–{hi:.0%}"
             for c, s, n, lo, hi in zip(df["csat"], df["satisfied"], df["n"], df["ci_low"], df["ci_high"],
                                        strict=True)]
    y_title = "Satisfied (good of good/bad)" if scale == "0-1" else f"Satisfied (top two boxes, {scale})"
    fig = interval_bars(df, "csat", "ci_low", "ci_high", title=title, y_title=y_title,
                        hover=hover, percent=True, y_range=(0, 1.08))
    return _rejected_note(fig, df, scale)


def ces_bars(df: pd.DataFrame, title: str = "Customer effort (CES)") -> go.Figure:
    """Mean effort score per segment with its t 95% interval; the axis says which way is better."""
    df = df[df["n"] > 0] if "n" in df else df
    if df.empty:
        return empty_figure(title)
    scale = str(df["scale"].iloc[0])
    lo_end, hi_end = (float(x) for x in scale.split("-"))
    direction = "lower is better" if bool(df["lower_is_better"].iloc[0]) else "higher is better"
    hover = [f"mean {m:.2f} (n={n})" + ("" if pd.isna(lo) else f"<br>95% interval {lo:.2f}–{hi:.2f}")
             for m, n, lo, hi in zip(df["mean"], df["n"], df["ci_low"], df["ci_high"], strict=True)]
    fig = interval_bars(df.fillna({"ci_low": df["mean"], "ci_high": df["mean"]}), "mean", "ci_low", "ci_high",
                        title=title, y_title=f"Mean effort ({scale}, {direction})", hover=hover,
                        y_range=(lo_end, hi_end + (hi_end - lo_end) * 0.08))
    return _rejected_note(fig, df, scale)


MEASURES = {
    "nps": ("nps", "NPS (points)", False),
    "csat": ("csat", "CSAT (share satisfied)", True),
    "ces": ("mean", "Mean effort", False),
    "logo_churn": ("logo_churn", "Logo churn", True),
    "revenue_churn": ("revenue_churn", "Gross revenue churn", True),
}


def trend_lines(df: pd.DataFrame, measure: str, title: str | None = None) -> go.Figure:
    """A measure over periods, one line per segment, with interval error bars and faint low-n points.

    Takes the frame of `nps`/`csat`/`ces` broken down by a period (`by='quarter'` or
    `period='quarter'`) or of `churn_rates`. `measure` is one of MEASURES.
    """
    value, y_title, percent = MEASURES[measure]
    title = title or f"{y_title} over time"
    time_col = "period_start" if "period_start" in df else "segment"
    if df.empty or value not in df or df[value].notna().sum() == 0:
        return empty_figure(title)
    series_col = "segment" if time_col == "period_start" and "segment" in df else None
    groups = list(df.groupby(series_col, sort=False)) if series_col else [(None, df)]
    fig = go.Figure()
    for i, (name, part) in enumerate(groups):
        part = part.sort_values(time_col)
        if measure == "nps":
            lo, hi = part[value] - part["moe95"], part[value] + part["moe95"]
        elif measure == "revenue_churn":
            lo = hi = None
        else:
            lo, hi = part["ci_low"], part["ci_high"]
        error = None if lo is None else dict(type="data", symmetric=False, array=(hi - part[value]).tolist(),
                                              arrayminus=(part[value] - lo).tolist(), thickness=1)
        n_col = "active_start" if "active_start" in part else "n"
        partial = part["partial"] if "partial" in part else pd.Series(False, index=part.index)
        fig.add_trace(go.Scatter(
            x=part[time_col], y=part[value], error_y=error, mode="lines+markers",
            name=str(name) if name is not None else y_title,
            line=dict(color=SEQUENCE[i % len(SEQUENCE)]),
            marker=dict(size=9, opacity=_opacity(part),
                        symbol=["circle-open" if p else "circle" for p in partial]),
            customdata=part[n_col], hovertemplate="%{x|%Y-%m-%d}: %{y" + (":.1%" if percent else ":.1f")
            + "} (n=%{customdata})<extra>" + (str(name) if name is not None else "") + "</extra>",
        ))
    fig.update_yaxes(title_text=y_title, tickformat=".0%" if percent else None,
                     range=list(NPS_RANGE) if measure == "nps" else None)
    fig.update_xaxes(title_text="Period start")
    notes = []
    if "low_n" in df and df["low_n"].any():
        notes.append("faint points: below the minimum n")
    if "partial" in df and df["partial"].any():
        notes.append("open points: period not over at the as-of date")
    if notes:
        add_footnote(fig, "; ".join(notes).capitalize())
    if series_col is None:
        fig.update_layout(showlegend=False)
    else:
        fig.update_layout(margin=dict(t=100))  # room for the legend between the title and the plot
    return themed(fig, title)


def churn_trend(df: pd.DataFrame, revenue: bool = False, title: str | None = None) -> go.Figure:
    """Logo churn (Wilson intervals) or gross revenue churn per period, a line per segment."""
    measure = "revenue_churn" if revenue else "logo_churn"
    return trend_lines(df, measure, title or ("Gross revenue churn" if revenue else "Logo churn") + " per period")


def churn_reason_bars(df: pd.DataFrame, title: str = "Churn by reason") -> go.Figure:
    """Churn events by reason: shares with Wilson intervals and ARR, or per period stacked counts.

    Takes `churn_by_reason` without a period (horizontal bars, most frequent on top) or with one
    (a stacked bar per period, a colour per reason).
    """
    if df.empty:
        return empty_figure(title)
    fig = go.Figure()
    if "period_start" in df:
        for i, (reason, part) in enumerate(df.groupby("reason", sort=False)):
            fig.add_trace(go.Bar(
                x=part["period_start"], y=part["churned"], name=str(reason),
                marker_color=SEQUENCE[i % len(SEQUENCE)], customdata=part["arr_churned"].fillna(0),
                hovertemplate="%{x|%Y-%m-%d}: %{y} churned<br>ARR %{customdata:,.0f}<extra>"
                + str(reason) + "</extra>",
            ))
        fig.update_layout(barmode="stack")
        fig.update_xaxes(title_text="Period start")
        fig.update_yaxes(title_text="Accounts churned")
        return themed(fig, title)
    df = df.iloc[::-1]
    fig.add_trace(go.Bar(
        y=df["reason"].astype(str), x=df["share"], orientation="h", marker_color=SEQUENCE[1],
        error_x=dict(type="data", symmetric=False, array=(df["ci_high"] - df["share"]).tolist(),
                     arrayminus=(df["share"] - df["ci_low"]).tolist(), thickness=1.5),
        text=[f"{c} churned" for c in df["churned"]], textposition="inside", insidetextanchor="start",
        customdata=df["arr_churned"].fillna(0), hovertemplate="%{y}: %{x:.0%} of churn events"
        "<br>ARR churned %{customdata:,.0f}<extra></extra>",
    ))
    fig.update_xaxes(title_text="Share of churn events", tickformat=".0%", range=[0, 1.05])
    fig.update_yaxes(type="category", automargin=True)
    return themed(fig, title)


__all__ = ["MEASURES", "ces_bars", "churn_reason_bars", "churn_trend", "csat_bars", "add_footnote", "empty_figure",
           "interval_bars", "nps_bars", "trend_lines"]
