"""One NPS-answer definition (`surveys.NPS_VALID_SQL`: whole numbers 0–10) behind every NPS number.

The loader rejects answers outside a survey type's range (11, −1) but keeps a fractional one (7.5),
so each NPS must leave it out itself. Hand-made: A answers 9 then 7.5, B answers 3 then 9.5 and an
undated 6.5, both in Usage from 2024-01-01. Valid answers: 9 (promoter) and 3 (detractor) → NPS 0.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cxlib import canonical, journey, surveys
from cxlib import outcome_history as oh
from cxlib.outcomes import OutcomeSpec, outcome_quadrants
from cxlib.settings import Settings
from cxlib.workspace import Workspace
from tests.test_outcomes import CONFIG, _accounts

D = dt.datetime
NPS = OutcomeSpec(experience="nps")     # appropriate at 9 or more
SETTINGS = Settings(as_of=D(2024, 6, 30))


def test_the_loader_keeps_a_fractional_nps_answer_and_rejects_11(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text("Account ID,Name,Tier\nA1,a,Gold\nA2,b,Silver\n")
    (tmp_path / "surveys.csv").write_text("Account ID,Respondent,Survey Date,Survey Type,Score\n"
                                          "A1,x,2024-01-02,NPS,7.5\nA2,y,2024-01-03,NPS,9\nA2,z,2024-01-04,NPS,11\n")
    ws = Workspace()
    try:
        ws.load([tmp_path / "accounts.csv", tmp_path / "surveys.csv"])
        ws.apply(ws.suggest_mapping())
        rows = ws.con.execute("SELECT account_id, score FROM surveys ORDER BY account_id").fetchall()
        assert rows == [("A1", 7.5), ("A2", 9.0)]
        row = surveys.nps(ws.con).iloc[0]
        assert (row["n"], row["promoters"], row["nps"], row["rejected"]) == (1, 1, 100.0, 1)
    finally:
        ws.close()


def _build(con) -> None:
    _accounts(con, [("A", "SMB", 10.0, 1.0), ("B", "SMB", 10.0, 1.0)])
    canonical.create_table(con, "journey_events", [("A", "Usage", D(2024, 1, 1), "event", "ev", 1),
                                                   ("B", "Usage", D(2024, 1, 1), "event", "ev", 2)])
    canonical.create_table(con, "surveys", [
        (a, "r", "user", ts, "NPS", score, None, None, "s.csv", i) for i, (a, ts, score) in enumerate([
            ("A", D(2024, 1, 2), 9.0), ("A", D(2024, 1, 5), 7.5),
            ("B", D(2024, 1, 3), 3.0), ("B", D(2024, 1, 6), 9.5), ("B", None, 6.5)])])


def test_every_nps_leaves_out_the_fractional_answers(con) -> None:
    _build(con)
    row = surveys.nps(con, settings=SETTINGS).iloc[0]
    assert (row["n"], row["promoters"], row["detractors"], row["nps"]) == (2, 1, 1, 0.0)

    usage = journey.emotion_curve(con, SETTINGS).set_index("stage").loc["Usage"]
    assert (usage["nps_n"], usage["nps"]) == (2, 0.0)          # was 4 answers, NPS 25 (9.5 a promoter)

    quadrants = outcome_quadrants(con, NPS, CONFIG, SETTINGS).set_index("account_id")["experience_value"]
    assert quadrants.to_dict() == {"A": 9.0, "B": 3.0}          # was 7.5 and 9.5: the latest answers

    history = oh.quarterly_quadrants(con, NPS, SETTINGS)
    q1 = history[history["quarter"] == "FY2024 Q1"].set_index("account_id")["quadrant"].to_dict()
    assert q1 == {"A": "successful", "B": "outcome without the right experience"}

    assert oh.undated_answers(con, NPS, SETTINGS) == 0          # the undated 6.5 is no answer either
    assert "2 NPS answers with an account" in oh.placement_reason(con, NPS, SETTINGS)
