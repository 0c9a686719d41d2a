"""Account drill-down figures: the stage timeline, pace against the segment, factors, history, quadrant."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from cxlib.figures.journey import RETURN_LINK, no_data_figure
from cxlib.figures.scores import QUADRANT_COLORS, factor_bar_chart, history_chart
from cxlib.outcomes import EXPERIENCE_ONLY, NEITHER, OUTCOME_ONLY, SUCCESSFUL, OutcomeSpec
from cxlib.scores import shown
from cxlib.stages import EXIT_COLOR, Stage, stage_order
from cxlib.theme import SEQUENCE, stage_color, themed

DAY_MS = 86_400_000
SEGMENT_COLOR = "#9e9e9e"
TILE_LABELS = {SUCCESSFUL: "Successful", OUTCOME_ONLY: "Outcome without<br>the right experience",
               EXPERIENCE_ONLY: "Good experience<br>without the outcome", NEITHER: "Neither"}
P90_COLOR = "#424242"


ACTIVITY_LANE = "Activities"
ACTIVITY_SYMBOLS = {"provider": "circle", "customer": "diamond"}


def timeline_figure(timeline: pd.DataFrame, as_of: dt.datetime | None = None,
                    stages: list[Stage] | None = None, title: str = "Journey timeline",
                    activities: pd.DataFrame | None = None) -> go.Figure:
    """Gantt-like bars: one lane per stage (journey order, top down), one bar per visit.

    Bars carry the stage's fixed colour, exit stages the exit red; the current visit runs to the
    as-of date and is hatched; a return into a stage is marked with a purple triangle. `activities`
    (`account_rows.ACTIVITY_COLUMNS`) adds a lane of markers at the bottom: circles for the
    provider's, diamonds for the customer's, QBR/EBRs larger.
    """
    if timeline is None or timeline.empty:
        return no_data_figure(title, "No dated journey entries for this account")
    order = stage_order(stages)
    lanes = sorted(timeline["stage"].unique(), key=lambda s: (order.get(s, len(order) + 1), s))
    end = timeline["left"].fillna(pd.Timestamp(as_of) if as_of is not None else timeline["entered"].max())
    frame = timeline.assign(end=end, ongoing=timeline["left"].isna())
    fig = go.Figure()
    for stage, rows in frame.groupby("stage", sort=False):
        color = EXIT_COLOR if bool(rows["is_exit"].any()) else stage_color(stage, stages)
        duration_ms = (rows["end"] - rows["entered"]).dt.total_seconds() * 1000
        fig.add_trace(go.Bar(
            y=rows["stage"], x=duration_ms, base=rows["entered"], orientation="h", name=str(stage),
            marker=dict(color=color, pattern=dict(shape=["/" if o else "" for o in rows["ongoing"]])),
            customdata=list(zip(rows["entered"].dt.strftime("%Y-%m-%d"),
                                ["now" if o else e.strftime("%Y-%m-%d") for o, e in zip(rows["ongoing"], rows["end"])],
                                [shown(d) if pd.notna(d) else "–" for d in rows["days_in_stage"]], strict=True)),
            hovertemplate="%{y}: %{customdata[0]} → %{customdata[1]} (%{customdata[2]} days)<extra></extra>"))
    returns = frame[frame["is_return"]]
    if len(returns):
        fig.add_trace(go.Scatter(
            x=returns["entered"], y=returns["stage"], mode="markers", name="Return",
            marker=dict(symbol="triangle-right", size=14, color=RETURN_LINK, line=dict(width=1, color="#3f007d")),
            hovertemplate="Return to %{y} on %{x|%Y-%m-%d}<extra></extra>"))
    if activities is not None and not activities.empty:
        for who, rows in activities.groupby(activities["initiated_by"].fillna("unknown"), sort=True):
            fig.add_trace(go.Scatter(
                x=rows["ts"], y=[ACTIVITY_LANE] * len(rows), mode="markers", name=f"{who} activity",
                marker=dict(symbol=ACTIVITY_SYMBOLS.get(str(who), "square"),
                            size=[14 if t == "qbr" else 9 for t in rows["activity_type"]],
                            color=SEQUENCE[0] if who == "provider" else SEQUENCE[1],
                            opacity=[1.0 if d is not False else 0.4 for d in rows["done"]]),
                customdata=list(zip(rows["activity_type"].fillna(""), rows["subject"].fillna(""), strict=True)),
                hovertemplate=f"%{{x|%Y-%m-%d}} {who}: %{{customdata[0]}} %{{customdata[1]}}<extra></extra>"))
        lanes = [*lanes, ACTIVITY_LANE]
    if as_of is not None:
        fig.add_vline(x=pd.Timestamp(as_of).to_pydatetime(), line_dash="dot", line_color="rgba(80,80,80,0.9)")
        fig.add_annotation(x=pd.Timestamp(as_of).to_pydatetime(), y=1, yref="paper", text="as of",
                           showarrow=False, yanchor="bottom")
    fig.update_layout(barmode="overlay", showlegend=False)
    fig.update_xaxes(type="date", title_text="Date")
    fig.update_yaxes(categoryorder="array", categoryarray=lanes, autorange="reversed", title_text=None)
    return themed(fig, title)


def pace_figure(pace: pd.DataFrame, segment: str | None = None,
                title: str = "Days to reach each step") -> go.Figure:
    """Grouped bars per step reached: the account's days from the previous step beside the segment's
    median, with the segment's p90 as a tick."""
    if pace is None or pace.empty:
        return no_data_figure(title, "No funnel step reached after the first")
    who = f"{segment} median" if segment else "Median of all accounts"
    labels = list(pace["stage"])
    steps = [f"{prev} → {stage}" for prev, stage in zip(pace["previous_stage"], pace["stage"], strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=pace["days_from_previous"], name="This account", marker_color=SEQUENCE[0],
                         text=[shown(d) for d in pace["days_from_previous"]], textposition="outside",
                         customdata=steps, hovertemplate="%{customdata}: %{y:.1f} days<extra>This account</extra>"))
    fig.add_trace(go.Bar(x=labels, y=pace["segment_median_days"], name=who, marker_color=SEGMENT_COLOR,
                         text=["" if pd.isna(d) else shown(d) for d in pace["segment_median_days"]],
                         textposition="outside", customdata=steps,
                         hovertemplate="%{customdata}: %{y:.1f} days<extra>" + who + "</extra>"))
    fig.add_trace(go.Scatter(x=labels, y=pace["segment_p90_days"], mode="markers", name="Segment p90",
                             marker=dict(symbol="line-ew-open", size=30, color=P90_COLOR,
                                         line=dict(width=3, color=P90_COLOR)),
                             customdata=steps, hovertemplate="%{customdata}: p90 %{y:.1f} days<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Step reached")
    fig.update_yaxes(title_text="Days from the previous step", rangemode="tozero")
    return themed(fig, title)


def factor_figure(factors: pd.DataFrame, title: str = "Factors against the desired state") -> go.Figure:
    """The account's factor scores against their targets (the Scores page's factor bars)."""
    return factor_bar_chart(factors, title=title)


def history_figure(history: pd.DataFrame, title: str = "Engagement over time") -> go.Figure:
    """The account's composite per period (the Scores page's history chart)."""
    return history_chart(history, title=title)


def quadrant_figure(quadrant: dict, spec: OutcomeSpec, experience_label: str = "experience",
                    title: str = "Desired outcome") -> go.Figure:
    """The four desired-outcome quadrants as tiles, the account's own lit in its quadrant colour.

    `quadrant` holds outcome_value, experience_value and quadrant (from `account_story`); an
    account that cannot be placed leaves every tile grey and says what is missing.
    """
    tiles = {SUCCESSFUL: (1, 1), OUTCOME_ONLY: (0, 1), EXPERIENCE_ONLY: (1, 0), NEITHER: (0, 0)}
    mine = quadrant.get("quadrant")
    fig = go.Figure()
    for name, (col, row) in tiles.items():
        lit = name == mine
        fig.add_shape(type="rect", x0=col + 0.02, x1=col + 0.98, y0=row + 0.02, y1=row + 0.98,
                      fillcolor=QUADRANT_COLORS[name] if lit else "rgba(189,189,189,0.25)",
                      line=dict(color=QUADRANT_COLORS[name], width=3 if lit else 1))
        label = TILE_LABELS[name]
        fig.add_annotation(x=col + 0.5, y=row + 0.62, text=f"<b>{label}</b>" if lit else label,
                           showarrow=False, font=dict(color="#111111" if lit else "#616161"))
    outcome, experience = quadrant.get("outcome_value"), quadrant.get("experience_value")
    values = (f"outcome {'–' if outcome is None else f'{outcome:g}'} (line {spec.outcome_threshold:g}) · "
              f"{experience_label} {'–' if experience is None else f'{experience:g}'} (line {spec.threshold:g})")
    if mine in tiles:
        col, row = tiles[mine]
        fig.add_annotation(x=col + 0.5, y=row + 0.35, text="This account", showarrow=False,
                           font=dict(color="#111111"))
    else:
        fig.add_annotation(x=1, y=1, text="Not placed: a measure is missing", showarrow=False,
                           bgcolor="rgba(255,255,255,0.85)")
    fig.add_annotation(x=0.5, y=-0.2, xref="paper", yref="paper", text=values, showarrow=False,
                       yanchor="top", font=dict(size=13))
    fig.update_xaxes(range=[0, 2], tickvals=[0.5, 1.5], ticktext=["Experience<br>below the line", "Appropriate<br>experience"],
                     showgrid=False, fixedrange=True)
    fig.update_yaxes(range=[0, 2], tickvals=[0.5, 1.5], ticktext=["Outcome<br>not reached", "Outcome<br>reached"],
                     showgrid=False, fixedrange=True)
    fig.update_layout(showlegend=False, margin=dict(l=100, b=110))
    return themed(fig, title)


__all__ = ["factor_figure", "history_figure", "pace_figure", "quadrant_figure", "timeline_figure"]
