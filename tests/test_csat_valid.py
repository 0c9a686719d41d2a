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


def _build(con) -> None:  # type: ignore[no-untyped-def]
    _accounts(con, [("A", "SMB", 10.0, 1.0), ("B", "SMB", 10.0, 1.0)])
    canonical.create_table(con, "journey_events", [("A", "Usage", D(2024, 1, 1), "event", "ev", 1),
                                                   ("B", "Usage", D(2024, 1, 1), "event", "ev", 2)])
    canonical.create_table(con, "surveys", [
        (a, "r", "user", ts, "CSAT", score, None, None, "s.csv", i) for i, (a, ts, score) in enumerate([
            ("A", D(2024, 1, 2), 5.0), ("A", D(2024, 1, 5), 4.5), ("B", D(2024, 1, 3), 2.0)])])


def test_the_emotion_curve_counts_the_csat_answers_what_customers_say_counts(con) -> None:  # type: ignore[no-untyped-def]
    _build(con)
    row = surveys.csat(con, settings=SETTINGS).iloc[0]
    assert (row["n"], row["satisfied"], row["csat"], row["rejected"]) == (2, 1, 0.5, 1)
    usage = journey.emotion_curve(con, SETTINGS).set_index("stage").loc["Usage"]
    assert (usage["csat_n"], usage["csat"]) == (2, 0.5)       # was 3 answers, 2 satisfied (4.5 counted)
