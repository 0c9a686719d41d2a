"""What both packs share: slide titles, number wording, the settings line, the funnel figure, writing the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from cxlib.cells import missing
from cxlib.errors import CxError
from cxlib.figures.journey import no_data_figure
from cxlib.pack import PackContent, write_pdf, write_pptx
from cxlib.scores import shown
from cxlib.settings import Settings
from cxlib.theme import LOW_N_OPACITY, stage_color, themed


FUNNEL_TITLE = "Funnel"


JOURNEY_TITLE = "Journey map"


SCORES_TITLE = "Engagement against the desired state"


VOICE_TITLE = "Voice of the customer"


SUMMARY_TITLE = "Meeting summary"


WARNING_TITLE = "Flagged accounts (early warning)"


WARNING_ROWS = 8          # flagged accounts listed with their evidence on the segment's slide


ALL_ACCOUNTS = "All accounts"


COMMENTS = 4              # recent comments quoted on the voice slide


COMMENT_CHARS = 180       # a longer comment is cut with an ellipsis


TOP_PATHS = 3


TOP_DRIVERS = 5           # strongest significant churn drivers in the segment pack's summary


SANKEY_MOVES = 6


# Which early-warning flags an account pack also shows on a topic slide (all of them are in the summary).
FUNNEL_SIGNALS = ("stalled",)


JOURNEY_SIGNALS = ("entered_disappointment",)


SCORES_SIGNALS = ("score_drop",)


VOICE_SIGNALS = ("nps_drop", "csat_drop", "decision_maker_detractor")


PACK_SUFFIXES = (".pptx", ".pdf")


def day_text(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def percent(share: float) -> str:
    """A 0–1 share as a whole percentage, rounded as the app shows numbers (half away from zero); – when unknown."""
    return "–" if missing(share) else f"{shown(100 * share)}%"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def settings_line(settings: Settings, as_of: dt.datetime | None) -> str:
    """The settings every number in the pack depends on, for every slide's footer."""
    as_of_text = day_text(as_of) if as_of is not None else "no dated rows"
    origin = "set in the settings" if settings.as_of else "latest date in the data"
    zones = ", ".join(sorted(set(settings.timezones.values()))) or "UTC"
    return (f"As of {as_of_text} ({origin}) · fiscal year starts in month {settings.fiscal_year_start_month} · "
            f"minimum n {settings.min_n} · time zone {zones} · Journey Lens")


def comment_text(comment: str) -> str:
    text = " ".join(str(comment).split())
    return text if len(text) <= COMMENT_CHARS else text[:COMMENT_CHARS - 1].rstrip() + "…"


def quote_bullets(comments: pd.DataFrame) -> list[str]:
    """Recent comments as quotes with who answered what and when (columns ts, survey_type, score, who, comment)."""
    return [f"“{comment_text(c)}” — {who}, {kind} {number_text(score)}"
            + ("" if missing(ts) else f", {day_text(ts)}")
            for ts, kind, score, who, c in zip(comments["ts"], comments["survey_type"], comments["score"],
                                               comments["who"], comments["comment"], strict=True)]


def number_text(value: Any) -> str:
    """An answer as written: whole numbers without decimals (9), others as given (4.5); blank as –."""
    if missing(value):
        return "–"
    return f"{float(value):g}"


def funnel_figure(table: pd.DataFrame, settings: Settings, title: str = "Funnel") -> go.Figure:
    """A funnel of accounts per step in the stages' fixed colours; steps below the minimum n are faint."""
    if table is None or table.empty or int(table["accounts"].max()) == 0:
        return no_data_figure(title, "No data: no account entered the first funnel step")
    faint = table["low_n"].fillna(False).astype(bool) if "low_n" in table else pd.Series(False, index=table.index)
    fig = go.Figure(go.Funnel(
        y=list(table["stage"]), x=[int(a) for a in table["accounts"]],
        texttemplate="%{value:,} (%{percentInitial:.0%})", textposition="outside", cliponaxis=False,
        marker=dict(color=[stage_color(s, settings.stages) for s in table["stage"]],
                    opacity=[LOW_N_OPACITY if f else 1.0 for f in faint]),
        connector=dict(fillcolor="rgba(189,189,189,0.25)"),
        hovertemplate="%{y}: %{x:,} accounts (%{percentInitial:.0%} of the first step)<extra></extra>",
    ))
    fig.update_yaxes(automargin=True)
    fig.update_layout(margin=dict(r=140))   # room for the first step's label beside the widest bar
    if faint.any():
        fig.add_annotation(text=f"Faint steps: fewer than {settings.min_n} accounts — read with care",
                           x=0, y=0, xref="paper", yref="paper", yanchor="top", yshift=-20, showarrow=False)
    return themed(fig, title)


def write_pack(content: PackContent, out: Path) -> None:
    """Write the pack as PowerPoint (.pptx) or PDF (.pdf), chosen by the file's suffix."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".pptx":
        write_pptx(content, out)
    elif suffix == ".pdf":
        write_pdf(content, out)
    else:
        raise CxError(f"A meeting pack is written as .pptx or .pdf, not '{out.suffix or out.name}' ({out}).",
                      file=str(out))
