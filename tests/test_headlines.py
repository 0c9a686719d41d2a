"""Headline numbers of the Outcomes & voice page: placed accounts, survey totals, the churn period shown."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlib import canonical
from cxlib import surveys as sv
from cxlib.factors import Factor
from cxlib.headlines import SurveyTotals, headline_churn_period, placed_accounts, survey_totals
from cxlib.outcomes import OutcomeSpec, quadrant_summary
from cxlib.scores import Scale, ScoreConfig

CONFIG = ScoreConfig(factors=[Factor("x", "X")], scales={"x": Scale.of("0-100")})


def _surveys(con, rows) -> None:
    """rows: (account_id, ts, survey_type, score)."""
    canonical.create_table(con, "surveys", [(a, "r", "user", ts, kind, score) for a, ts, kind, score in rows])


def test_placed_accounts_leave_out_unknown(con) -> None:
    canonical.create_table(con, "accounts", [(a, a.upper(), "Usage", 100.0, None, None, None, outcome)
                                             for a, outcome in [("a1", 1.0), ("a2", 0.0), ("a3", None)]])
    _surveys(con, [("a1", "2024-01-01", "CSAT", 5.0), ("a2", "2024-01-01", "CSAT", 2.0),
                   ("a3", "2024-01-01", "CSAT", 5.0), ("a4", "2024-01-01", "CSAT", 5.0)])
    summary = quadrant_summary(con, OutcomeSpec(), CONFIG)
    # a1 successful, a2 neither; a3 (no outcome) and a4 (not in accounts) unknown
    assert placed_accounts(summary) == 2
    _surveys(con, [])
    assert placed_accounts(quadrant_summary(con, OutcomeSpec(), CONFIG)) == 0


def test_survey_totals_add_answers_and_rejections(con) -> None:
    _surveys(con, [
        ("a1", "2024-01-01", "NPS", 10.0), ("a2", "2024-01-01", "NPS", 5.0),
        ("a3", "2024-01-01", "NPS", 11.0),                                      # off the 0–10 scale: rejected
        ("a1", "2024-01-01", "CSAT", 5.0), ("a2", "2024-01-01", "CSAT", 4.0),
        ("a3", "2024-01-01", "CSAT", None),                                     # blank: not a response
    ])
    nps, csat, ces = sv.nps(con), sv.csat(con), sv.ces(con)
    assert survey_totals(nps, csat, ces) == SurveyTotals(answers=4, rejected=1)
    assert survey_totals(nps, None, ces) == SurveyTotals(answers=2, rejected=1)   # a failed metric adds 0
    assert survey_totals() == SurveyTotals(0, 0)


def _rates(partial: list[bool]) -> pd.DataFrame:
    starts = pd.date_range("2024-01-01", periods=len(partial), freq="QS")
    return pd.DataFrame({"period_start": starts, "logo_churn": [0.1 * (i + 1) for i in range(len(partial))],
                         "partial": partial})


def test_headline_churn_period_is_the_last_complete_one() -> None:
    assert headline_churn_period(_rates([False, False, True]))["period_start"] == pd.Timestamp("2024-04-01")
    assert headline_churn_period(_rates([False, False]))["period_start"] == pd.Timestamp("2024-04-01")
    # only the current quarter so far: it is shown (the page says it is not over yet)
    only = headline_churn_period(_rates([True]))
    assert (only["period_start"], bool(only["partial"])) == (pd.Timestamp("2024-01-01"), True)
    with pytest.raises(ValueError, match="No churn periods"):
        headline_churn_period(_rates([]))
