"""Evidence: each signal's row of `signal_rows` as one plain sentence with its dates and values.

A flag people cannot check is a flag people do not trust, so every sentence names the dates, the
values and the counts behind it. Composites show one decimal (so a 9.9-point fall reads as one),
days and NPS whole numbers, CSAT as a percentage.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxlib.cells import missing
from cxlib.early_warning.config import WarningConfig

LABELS: dict[str, str] = {
    "entered_disappointment": "Entered Disappointment",
    "score_drop": "Engagement score dropped",
    "nps_drop": "NPS dropped",
    "csat_drop": "CSAT dropped",
    "stalled": "Stalled in a funnel step",
    "silent": "Silent",
    "decision_maker_detractor": "Decision maker is a detractor",
    "missed_qbr": "Missed QBR",
}


def _day(value: Any) -> str:
    return "no date" if missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _whole(value: float) -> str:
    """Half away from zero, as the app shows days and NPS."""
    v = float(value)
    return str(int(v + 0.5) if v >= 0 else -int(-v + 0.5))


def _answer(value: float) -> str:
    return f"{float(value):g}"


def _nps_kind(score: float) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _n(value: Any, noun: str) -> str:
    n = int(value)
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def sentence(row: dict[str, Any], config: WarningConfig) -> str:
    """The evidence sentence of one signal row (keys as `signals.ROW_COLUMNS`)."""
    s = row["signal"]
    if s == "entered_disappointment":
        return (f"entered {row['label']} on {_day(row['d1'])} ({_whole(row['x1'])} days before the as-of date) "
                "and has not left it")
    if s == "score_drop":
        return (f"engagement composite fell {float(row['x3']):.1f} points, from {float(row['x1']):.1f} (period from "
                f"{_day(row['d1'])}) to {float(row['x2']):.1f} (period from {_day(row['d2'])})")
    if s == "nps_drop":
        parts = []
        if row["label"] in ("turned", "both"):
            parts.append(f"latest NPS answer {_answer(row['x1'])} on {_day(row['d1'])} (detractor) after "
                         f"{_answer(row['x2'])} on {_day(row['d2'])} ({_nps_kind(float(row['x2']))})")
        if row["label"] in ("fell", "both"):
            days = config.nps_window_days
            parts.append(f"NPS {_whole(row['x3'])} over the last {days} days ({_n(row['n1'], 'answer')}) against "
                         f"{_whole(row['x4'])} the {days} days before ({_n(row['n2'], 'answer')})")
        return "; ".join(parts)
    if s == "csat_drop":
        days = config.csat_window_days
        text = f"CSAT {float(row['x1']):.0%} over the last {days} days ({_n(row['n1'], 'answer')})"
        if row["label"] in ("low", "both"):
            text += f", below {config.csat_below:.0%}"
        if row["label"] in ("fell", "both"):
            text += f", against {float(row['x2']):.0%} the {days} days before ({_n(row['n2'], 'answer')})"
        return text
    if s == "stalled":
        return (f"in {row['label']} since {_day(row['d1'])} ({_whole(row['x1'])} days), longer than the p90 of "
                f"{float(row['x2']):.1f} days to reach {row['label2']} ({_n(row['n1'], 'account')} converted)")
    if s == "silent":
        if missing(row["d1"]):
            return "no dated survey answer, rating, journey entry or activity at all"
        return (f"no survey answer, rating, journey entry or activity since {_day(row['d1'])} ({_whole(row['x1'])} days, "
                f"more than {config.silent_days})")
    if s == "decision_maker_detractor":
        return (f"{row['label']} answered NPS {_answer(row['x1'])} on {_day(row['d1'])} (detractor) while the latest "
                f"answers of {_n(row['n1'], 'other respondent')} average {float(row['x2']):.1f}")
    if s == "missed_qbr":
        since = f"a customer since {_day(row['d2'])}"
        if missing(row["d1"]):
            return f"no QBR/EBR on record; {since} ({_whole(row['x1'])} days, at least 100)"
        return (f"last QBR/EBR on {_day(row['d1'])} ({_whole(row['x1'])} days ago, more than 100); {since}")
    raise ValueError(f"unknown signal {s!r}")


__all__ = ["LABELS", "sentence"]
