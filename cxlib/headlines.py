"""Headline numbers the Outcomes & voice page shows from several rows or metrics at once.

Each metric computes its own rows in SQL (cxlib.outcomes, cxlib.surveys, cxlib.churn); these
functions only combine those rows for one card or message, so the page lays out and never adds up.
Definitions: README, "How each number is defined" → "Desired outcome" and "What customers say".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.outcomes import UNKNOWN


def placed_accounts(quadrants: pd.DataFrame) -> int:
    """Accounts placed in a desired-outcome quadrant (every quadrant but 'unknown') of `quadrant_summary`."""
    return int(quadrants.loc[quadrants["quadrant"] != UNKNOWN, "accounts"].sum())


@dataclass(frozen=True)
class SurveyTotals:
    """Answers counted and answers rejected (off their scale) over NPS, CSAT and CES together."""

    answers: int
    rejected: int


def survey_totals(*tables: pd.DataFrame | None) -> SurveyTotals:
    """The `n` and `rejected` of `surveys.nps`/`csat`/`ces` tables added up; a missing table (None) adds 0."""
    present = [t for t in tables if t is not None]
    return SurveyTotals(answers=sum(int(t["n"].sum()) for t in present),
                        rejected=sum(int(t["rejected"].sum()) for t in present))


def headline_churn_period(rates: pd.DataFrame) -> pd.Series:
    """The `churn_rates` row a headline shows: the last complete period, else the current (partial) one.

    A period that is not over yet would understate churn, so it leads only when nothing else exists.
    `rates` must have at least one row.
    """
    if rates.empty:
        raise ValueError("No churn periods to choose from.")
    complete = rates[~rates["partial"].astype(bool)]
    return complete.iloc[-1] if len(complete) else rates.iloc[-1]
