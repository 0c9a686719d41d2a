"""Undated rows (issue 10): totals count them, trends and periods leave them out and say so."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from cxlib import account_rows, canonical, scores, surveys
from cxlib.factors import Factor
from cxlib.scores import Scale, ScoreConfig
from cxlib.settings import Settings

D = dt.datetime
CONFIG = ScoreConfig(factors=[Factor("x", "X")], scales={"x": Scale.of("0-100")})


@pytest.fixture
def answers(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # Dated: 9 in Q1, 3 in Q2. Undated (a sheet without dates): 10, 10, 6.
    canonical.create_table(con, canonical.SURVEYS, [
        ("a", "r1", None, D(2024, 2, 1), "NPS", 9.0), ("b", "r2", None, D(2024, 5, 1), "NPS", 3.0),
        (None, "Ana", None, None, "NPS", 10.0), (None, "Ben", None, None, "NPS", 10.0),
        ("a", "Cleo", None, None, "NPS", 6.0)])
    return con


def test_nps_total_counts_undated_answers(answers: duckdb.DuckDBPyConnection) -> None:
    # 5 answers: promoters 9, 10, 10; detractors 3, 6 → 100 × (3 − 2) / 5 = 20
    [row] = surveys.nps(answers).to_dict("records")
    assert (row["n"], row["promoters"], row["detractors"], row["nps"]) == (5, 3, 2, 20.0)


def test_nps_per_quarter_leaves_undated_answers_out_and_says_so(answers: duckdb.DuckDBPyConnection) -> None:
    result = surveys.nps(answers, period="quarter")
    assert result[["period_start", "n", "nps"]].values.tolist() == [[D(2024, 1, 1), 1, 100.0],
                                                                    [D(2024, 4, 1), 1, -100.0]]
    assert result.attrs["notes"] == ["3 undated rows, not in trends"]
    assert surveys.nps(answers, by="quarter").attrs["notes"] == ["3 undated rows, not in trends"]
    assert surveys.nps(answers).attrs["notes"] == []          # a total leaves nothing out


def test_an_accounts_undated_answers_are_listed_last(answers: duckdb.DuckDBPyConnection) -> None:
    listed = account_rows.account_surveys(answers, "a", D(2024, 6, 30), None)
    assert [(None if ts is None or ts != ts else ts, s) for ts, s in zip(listed["ts"], listed["score"])] == [
        (D(2024, 2, 1), 9.0), (None, 6.0)]


def test_score_trend_leaves_undated_ratings_out(con: duckdb.DuckDBPyConnection) -> None:
    # a1 rated 80 in Q1 and 40 in Q2; a2 rated 60 with no date: in today's scores, in no quarter.
    canonical.create_table(con, canonical.ACCOUNTS, [("a1", "One"), ("a2", "Two")])
    canonical.create_table(con, canonical.FACTOR_RATINGS, [
        ("a1", D(2024, 2, 15), "x", 80.0), ("a1", D(2024, 5, 15), "x", 40.0), ("a2", None, "x", 60.0)])
    now = scores.account_scores(con, CONFIG, settings=Settings())
    assert dict(zip(now["account_id"], now["composite"])) == {"a1": 40.0, "a2": 60.0}
    history = scores.score_history(con, CONFIG, "quarter", settings=Settings())
    assert history[["account_id", "period", "composite"]].values.tolist() == [
        ["a1", D(2024, 1, 1), 80.0], ["a1", D(2024, 4, 1), 40.0]]
    assert history.attrs["notes"] == ["1 undated rows, not in trends"]
    trend = scores.score_trend(con, CONFIG, "quarter", settings=Settings())
    assert trend[["account_id", "previous_composite", "composite", "direction"]].values.tolist() == [
        ["a1", 80.0, 40.0, "down"]]
    assert trend.attrs["notes"] == ["1 undated rows, not in trends"]


def test_outcomes_page_on_an_undated_survey_sheet(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ad-hoc NPS sheet (no date, no account column): the total shows, the trend says what it left out."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from cxlib.workspace import Workspace

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    sheet = tmp_path / "nps_workshop.csv"
    sheet.write_text("Respondent,Plan,NPS score,Comment\nAna,Pro,9,Love it\nBen,Basic,3,Too slow\nCleo,Pro,10,\n"
                     "Dan,Basic,8,\n", encoding="utf-8")
    ws = Workspace()
    ws.load([sheet])
    ws.apply(ws.suggest_mapping())
    at = AppTest.from_file(str(root / "app.py"), default_timeout=180)
    at.session_state["workspace"] = ws
    at.session_state["oc_section"] = "What customers say"
    at.switch_page("app_pages/outcomes.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # 4 answers: promoters 9, 10; detractor 3 → 100 × (2 − 1) / 4 = 25
    assert {m.label: m.value for m in at.metric}["NPS"] == "25"
    assert any("NPS: 4 undated rows, not in trends" in c.value for c in at.caption)
    ws.close()


def test_account_level_nps_without_any_account_says_why(con: duckdb.DuckDBPyConnection) -> None:
    from cxlib.errors import MetricError

    canonical.create_table(con, canonical.SURVEYS, [(None, "Ana", None, None, "NPS", 10.0),
                                                    (None, "Ben", None, None, "NPS", 3.0)])
    assert surveys.nps(con)["n"].tolist() == [2]
    with pytest.raises(MetricError, match="2 NPS answers loaded; none has an account"):
        surveys.nps(con, level="account")
