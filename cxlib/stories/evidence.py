"""A story's three dated sentences (challenge, timing, celebration), its reference badge and the CLI table."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxlib.cells import missing
from cxlib.scores import shown
from cxlib.stories.config import REFERENCE_DAYS

# The `stories` command's columns, in order (a public contract: README "Command line").
CLI_COLUMNS = ["account_id", "name", "score", "challenge", "timing", "celebration", "days_to_value", "evidence",
               "quote", "recent_reference"]


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _days_between(start: Any, end: Any) -> int:
    return (pd.Timestamp(end).normalize() - pd.Timestamp(start).normalize()).days


def _days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _number(value: Any) -> str:
    return f"{float(value):g}"


def _low_text(row: Any) -> str:
    kind, day, value = row["low_kind"], _day(row["low_ts"]), row["low_value"]
    if kind == "disappointment":
        return f"Entered Disappointment on {day}"
    if kind == "nps":
        return f"NPS answer {_number(value)} on {day}"
    if kind == "csat":
        return f"CSAT answer {_number(value)} on {day}"
    return f"Composite red ({shown(value)}) on {day}"


def _recovery_text(row: Any) -> str:
    kind, day, value = row["recovery_kind"], _day(row["recovery_ts"]), row["recovery_value"]
    if kind == "stage":
        verb = "back in" if row["low_kind"] == "disappointment" else "entered"
        return f"{verb} {row['recovery_label']} on {day}"
    if kind == "nps":
        return f"NPS answer {_number(value)} on {day}"
    return f"composite green ({shown(value)}) on {day}"


def challenge_sentence(row: Any) -> str:
    """'Entered Disappointment on 2025-03-02; back in Usage on 2025-05-10, 69 days later.' or why C is 0.5 or 0."""
    if not missing(row["low_kind"]):
        days = _days_between(row["low_ts"], row["recovery_ts"])
        return f"{_low_text(row)}; {_recovery_text(row)}, {_days_text(days)} later."
    if not missing(row["intent_text"]):
        return (f"Bought to replace a legacy process or leave a competitor: \"{str(row['intent_text']).strip()}\" "
                "(no low point overcome on record).")
    return ("No challenge overcome on record: no low point (Disappointment, NPS 0–6, a CSAT answer below the middle of "
            "its scale, a red composite) followed by a recovery on a later day.")


def timing_sentence(row: Any, segment_column: str | None = None) -> str:
    """'Decision on …; in Usage on …, N days later (timing 0.75 among 5 accounts …).' or why T is 0."""
    if missing(row["decision_ts"]):
        return "No dated Decision entry, so no time to value (timing 0)."
    if missing(row["days_to_value"]):
        return f"Decision on {_day(row['decision_ts'])}; no Usage entry since, so no time to value (timing 0)."
    where = f"in {segment_column} {row['segment']}" if segment_column else "overall"
    peers = int(row["peers"])
    return (f"Decision on {_day(row['decision_ts'])}; in Usage on {_day(row['usage_ts'])}, "
            f"{_days_text(int(row['days_to_value']))} later (timing {round(float(row['timing']), 3):g} among "
            f"{peers} account{'s' if peers != 1 else ''} with a known time {where}).")


def celebration_sentence(row: Any) -> str:
    """'Latest NPS answer 10 from a decision maker on …; outcome achieved; reached Advocacy on ….'"""
    if missing(row["nps_score"]):
        nps = "No NPS answer"
    else:
        who = f" ({row['nps_role']})" if bool(row["nps_leader"]) and not missing(row["nps_role"]) else ""
        when = f" on {_day(row['nps_ts'])}" if not missing(row["nps_ts"]) else " (undated)"
        nps = f"Latest NPS answer {_number(row['nps_score'])}{who}{when}"
    if bool(row["outcome_achieved"]):
        outcome = "outcome achieved"
    elif missing(row["outcome_value"]):
        outcome = "outcome not recorded"
    else:
        outcome = "outcome not achieved"
    if not missing(row["advocacy_ts"]):
        advocacy = f"reached Advocacy on {_day(row['advocacy_ts'])}"
    elif bool(row["reached_advocacy"]):
        advocacy = "in Advocacy (accounts table)"
    else:
        advocacy = "not in Advocacy yet"
    return f"{nps}; {outcome}; {advocacy}."


def evidence(row: Any, segment_column: str | None = None) -> list[str]:
    """The story's three dated sentences: challenge, timing, celebration."""
    return [challenge_sentence(row), timing_sentence(row, segment_column), celebration_sentence(row)]


def reference_text(row: Any, activities: int) -> str:
    """Reference fatigue: whether the account gave a reference in the last 90 days, or that nobody can tell."""
    if bool(row["recent_reference"]):
        return f"Used as a reference on {_day(row['reference_ts'])} (within {REFERENCE_DAYS} days): ask sparingly."
    if activities == 0:
        return "No activities loaded: reference use unknown."
    return f"No reference given in the last {REFERENCE_DAYS} days."


def cli_table(stories: pd.DataFrame, top: int | None = None, segment_column: str | None = None) -> pd.DataFrame:
    """The `stories` command's table: the first `top` stories, columns `CLI_COLUMNS` (score 1 decimal, parts 3)."""
    head = stories if top is None else stories.head(top)
    return pd.DataFrame({
        "account_id": head["account_id"].astype("string"),
        "name": head["name"].astype("string"),
        "score": head["score"].astype(float).round(1),
        "challenge": head["challenge"].astype(float).round(3),
        "timing": head["timing"].astype(float).round(3),
        "celebration": head["celebration"].astype(float).round(3),
        "days_to_value": head["days_to_value"].astype("Int64"),
        "evidence": [" ".join(evidence(r, segment_column)) for _, r in head.iterrows()],
        "quote": head["quote"].astype("string"),
        "recent_reference": head["recent_reference"].astype(bool),
    }, columns=CLI_COLUMNS)


__all__ = ["CLI_COLUMNS", "celebration_sentence", "challenge_sentence", "cli_table", "evidence", "reference_text",
           "timing_sentence"]
