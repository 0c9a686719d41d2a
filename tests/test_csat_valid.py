"""One CSAT-answer definition (whole answers on the scale's boxes) behind the CSAT numbers.

The loader keeps a fractional answer (4.5) as it keeps a fractional NPS one, so each CSAT must leave
it out itself, as `surveys.csat` does. Hand-made, 1–5 scale: A answers 5 then 4.5, B answers 2, both
in Usage from 2024-01-01. Valid answers: 5 (satisfied) and 2 → CSAT 1 of 2 = 0.5.
"""

from __future__ import annotations

import datetime as dt

from cxlib import canonical, journey, surveys
from cxlib.settings import Settings
from tests.test_outcomes import _accounts

D = dt.datetime
SETTINGS = Settings(as_of=D(2024, 6, 30))


def _build(con, answers: list[tuple] | None = None) -> None:  # type: ignore[no-untyped-def]
    """A and B in Usage from 2024-01-01 with CSAT answers (account, date, score); default: the docstring's."""
    _accounts(con, [("A", "SMB", 10.0, 1.0), ("B", "SMB", 10.0, 1.0)])
    canonical.create_table(con, "journey_events", [("A", "Usage", D(2024, 1, 1), "event", "ev", 1),
                                                   ("B", "Usage", D(2024, 1, 1), "event", "ev", 2)])
    canonical.create_table(con, "surveys", [
        (a, "r", "user", ts, "CSAT", score, None, None, "s.csv", i) for i, (a, ts, score) in enumerate(answers or [
            ("A", D(2024, 1, 2), 5.0), ("A", D(2024, 1, 5), 4.5), ("B", D(2024, 1, 3), 2.0)])])


def test_the_emotion_curve_counts_the_csat_answers_what_customers_say_counts(con) -> None:  # type: ignore[no-untyped-def]
    _build(con)
    row = surveys.csat(con, settings=SETTINGS).iloc[0]
    assert (row["n"], row["satisfied"], row["csat"], row["rejected"]) == (2, 1, 0.5, 1)
    usage = journey.emotion_curve(con, SETTINGS).set_index("stage").loc["Usage"]
    assert (usage["csat_n"], usage["csat"]) == (2, 0.5)       # was 3 answers, 2 satisfied (4.5 counted)


def test_the_emotion_curve_reads_the_csat_scale_what_customers_say_reads(con) -> None:  # type: ignore[no-untyped-def]
    # Zendesk's Good/Bad as 1/0: A good, B bad, A good again → 2 of 3 satisfied, as surveys.csat counts them
    # (with the curve's old fixed 1–5 scale: the two 1s counted, neither satisfied, the 0 rejected).
    _build(con, [("A", D(2024, 1, 2), 1.0), ("B", D(2024, 1, 3), 0.0), ("A", D(2024, 1, 5), 1.0)])
    row = surveys.csat(con, settings=SETTINGS).iloc[0]
    assert (row["n"], row["satisfied"]) == (3, 2)
    usage = journey.emotion_curve(con, SETTINGS).set_index("stage").loc["Usage"]
    assert (usage["csat_n"], round(usage["csat"], 4)) == (3, 0.6667)
