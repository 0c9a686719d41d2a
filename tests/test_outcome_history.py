"""Desired outcome over time: quadrants at fiscal quarter ends, stale answers, moves, churn after, accounts behind."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from cxlib import canonical
from cxlib import outcome_history as oh
from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.figures.outcomes import quadrant_sankey, quadrant_shares
from cxlib.outcomes import OutcomeSpec
from cxlib.scores import Scale, ScoreConfig, Thresholds
from cxlib.settings import Settings
from tests.test_cli import run
from tests.test_outcomes import _accounts

ROOT = Path(__file__).resolve().parents[1]
OK, OUT, EXP, NONE, UNK = ("successful", "outcome without the right experience",
                           "good experience without the outcome", "neither", "unknown")
AS_OF = dt.datetime(2024, 8, 15)
CSAT = OutcomeSpec()       # latest CSAT answer, appropriate at 4 or more; outcome reached at 0.5 or more


def _surveys(con, rows) -> None:
    """rows: (account_id, ts, survey_type, score); ts None is an undated answer."""
    canonical.create_table(con, "surveys", [(a, "r", "user", ts, kind, score, None, None, "s.csv", i)
                                            for i, (a, ts, kind, score) in enumerate(rows)])


@pytest.fixture
def history(con):
    """Quarter ends 2023-12-31, 2024-03-31, 2024-06-30 and the partial quarter read at 2024-08-15."""
    _accounts(con, [("a1", "SMB", 100.0, 1.0), ("a2", "SMB", 200.0, 0.0), ("a3", "ENT", 300.0, 1.0),
                    ("a4", "ENT", 400.0, None)])
    _surveys(con, [
        ("a1", "2024-01-02", "CSAT", 5.0),   # 180 days before 2024-06-30: still counts there
        ("a2", "2024-01-01", "CSAT", 5.0),   # 181 days before 2024-06-30: missing there
        ("a2", "2024-08-20", "CSAT", 1.0),   # after the as-of date: not known yet
        ("a3", "2023-11-15", "CSAT", 2.0),
        ("a3", "2024-05-10", "CSAT", 5.0),
        ("a3", None, "CSAT", 1.0),           # undated: counts in no quarter
        ("a4", "2024-07-01", "CSAT", 4.0),   # no outcome: unknown
        ("a5", "2024-02-01", "CSAT", 1.0),   # not in the accounts table: no outcome, unknown
    ])
    return con


def test_quadrant_at_each_quarter_end_with_stale_answers(history) -> None:
    frame = oh.quarterly_quadrants(history, CSAT, Settings(as_of=AS_OF))
    got = {(r.quarter, r.account_id): r.quadrant for r in frame.itertuples()}
    assert got == {
        ("FY2023 Q4", "a1"): UNK, ("FY2023 Q4", "a2"): UNK, ("FY2023 Q4", "a3"): OUT,
        ("FY2023 Q4", "a4"): UNK, ("FY2023 Q4", "a5"): UNK,
        ("FY2024 Q1", "a1"): OK, ("FY2024 Q1", "a2"): EXP, ("FY2024 Q1", "a3"): OUT,
        ("FY2024 Q1", "a4"): UNK, ("FY2024 Q1", "a5"): UNK,
        ("FY2024 Q2", "a1"): OK,    # 180 days old at 2024-06-30: counts
        ("FY2024 Q2", "a2"): UNK,   # 181 days old: missing
        ("FY2024 Q2", "a3"): OK, ("FY2024 Q2", "a4"): UNK, ("FY2024 Q2", "a5"): UNK,
        ("FY2024 Q3", "a1"): UNK,   # 226 days old at the as-of date
        ("FY2024 Q3", "a2"): UNK,   # the 2024-08-20 answer is after the as-of date
        ("FY2024 Q3", "a3"): OK, ("FY2024 Q3", "a4"): UNK, ("FY2024 Q3", "a5"): UNK,
    }
    ages = frame.set_index(["quarter", "account_id"])["age_days"]
    assert (ages["FY2024 Q2", "a1"], ages["FY2024 Q2", "a2"], ages["FY2024 Q3", "a3"]) == (180, 181, 97)
    # the partial quarter is read at the as-of date, the others at their last day
    q = oh.quarters(history, CSAT, Settings(as_of=AS_OF))
    assert q["quarter"].tolist() == ["FY2023 Q4", "FY2024 Q1", "FY2024 Q2", "FY2024 Q3"]
    assert q["partial"].tolist() == [False, False, False, True]
    assert [d.isoformat() for d in pd.to_datetime(q["at_day"]).dt.date] == [
        "2023-12-31", "2024-03-31", "2024-06-30", "2024-08-15"]
    assert oh.undated_answers(history, CSAT) == 1


def test_undated_outcome_counts_in_every_quarter(history) -> None:
    # a3's outcome (no date: the accounts view has none) places it in every quarter it has a fresh answer
    frame = oh.quarterly_quadrants(history, CSAT, Settings(as_of=AS_OF))
    a3 = frame[frame["account_id"] == "a3"]
    assert a3["outcome_value"].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert a3["experience_value"].tolist() == [2.0, 2.0, 5.0, 5.0]


def test_shares_per_quarter_and_partial(history) -> None:
    summary = oh.quarterly_summary(history, CSAT, settings=Settings(as_of=AS_OF))
    q1 = summary[summary["quarter"] == "FY2024 Q1"].set_index("quadrant")
    assert q1["accounts"].to_dict() == {OK: 1, OUT: 1, EXP: 1, NONE: 0, UNK: 2}
    assert q1.loc[OK, "share"] == pytest.approx(1 / 3)
    assert pd.isna(q1.loc[UNK, "share"])
    assert q1["arr"].to_dict() == {OK: 100.0, OUT: 300.0, EXP: 200.0, NONE: 0.0, UNK: 400.0}
    assert q1.loc[OUT, "arr_share"] == pytest.approx(300 / 600)
    q3 = summary[summary["quarter"] == "FY2024 Q3"].set_index("quadrant")
    assert q3["accounts"].to_dict() == {OK: 1, OUT: 0, EXP: 0, NONE: 0, UNK: 4}
    assert q3.loc[OK, "share"] == 1.0 and q3["partial"].all()
    assert not summary.loc[summary["quarter"] != "FY2024 Q3", "partial"].any()
    assert oh.cli_table(summary).columns.tolist() == ["quarter", "quadrant", "accounts", "share", "arr", "partial"]


def test_shares_per_segment(history) -> None:
    summary = oh.quarterly_summary(history, CSAT, by="Tier", settings=Settings(as_of=AS_OF))
    q2 = summary[summary["quarter"] == "FY2024 Q2"].set_index(["segment", "quadrant"])["accounts"]
    assert (q2["SMB", OK], q2["SMB", UNK], q2["ENT", OK], q2["ENT", UNK], q2["(none)", UNK]) == (1, 1, 1, 1, 1)
    assert summary["segment"].unique().tolist() == ["ENT", "SMB", "(none)"]
    assert oh.cli_table(summary).columns.tolist() == list(oh.CLI_COLUMNS)


def test_fiscal_year_starting_in_february_moves_the_quarter_ends(history) -> None:
    settings = Settings(as_of=AS_OF, fiscal_year_start_month=2)
    q = oh.quarters(history, CSAT, settings)
    # FY2025 runs Feb 2024 – Jan 2025: its quarters end 2024-04-30, 2024-07-31, and the partial one
    assert q["quarter"].tolist() == ["FY2024 Q4", "FY2025 Q1", "FY2025 Q2", "FY2025 Q3"]
    assert [d.isoformat() for d in pd.to_datetime(q["at_day"]).dt.date] == [
        "2024-01-31", "2024-04-30", "2024-07-31", "2024-08-15"]
    got = oh.quarterly_quadrants(history, CSAT, settings).set_index(["quarter", "account_id"])["quadrant"]
    assert (got["FY2025 Q1", "a1"], got["FY2025 Q2", "a1"]) == (OK, UNK)   # 119 days old, then 211
    # a1 answered on 2024-01-02: inside the quarter ending 2024-01-31 (the calendar year's 2023 Q4 had no answer)
    assert (got["FY2025 Q1", "a2"], got["FY2024 Q4", "a1"]) == (EXP, OK)


def test_moves_between_two_quarters(history) -> None:
    moves = oh.quadrant_moves(history, CSAT, "FY2024 Q1", "FY2024 Q2", Settings(as_of=AS_OF))
    assert [tuple(r) for r in moves[["from_quadrant", "to_quadrant", "accounts"]].itertuples(index=False)] == [
        (OK, OK, 1), (OUT, OK, 1), (EXP, UNK, 1), (UNK, UNK, 2)]
    fig = quadrant_sankey(moves, "FY2024 Q1", "FY2024 Q2")
    assert list(fig.data[0].link.value) == [1, 1, 1, 2]


def test_every_count_equals_the_length_of_its_accounts(history) -> None:
    settings = Settings(as_of=AS_OF)
    summary = oh.quarterly_summary(history, CSAT, by="tier", settings=settings)
    for r in summary.itertuples():
        accounts = oh.quadrant_accounts(history, CSAT, r.quarter, r.quadrant, by="tier", segment=r.segment,
                                        settings=settings)
        assert len(accounts) == r.accounts, (r.quarter, r.segment, r.quadrant)
    listed = oh.quadrant_accounts(history, CSAT, "FY2024 Q2", OK, settings=settings)
    # the one list shape of cxlib.behind: id, name, segment columns, ARR, value
    assert listed.to_dict("list") == {"account_id": ["a1", "a3"], "name": ["A1", "A3"], "tier": ["SMB", "ENT"],
                                      "arr": [100.0, 300.0], "value": [5.0, 5.0]}
    moves = oh.quadrant_moves(history, CSAT, "FY2023 Q4", "FY2024 Q3", settings)
    for r in moves.itertuples():
        assert len(oh.move_accounts(history, CSAT, "FY2023 Q4", "FY2024 Q3", r.from_quadrant, r.to_quadrant,
                                    settings)) == r.accounts


def test_unknown_quarter_and_score_measures_are_refused(history) -> None:
    with pytest.raises(MetricError, match=r"Quarter 'FY2020 Q1' is not one of .*FY2023 Q4, FY2024 Q1"):
        oh.quadrant_accounts(history, CSAT, "FY2020 Q1", OK, settings=Settings(as_of=AS_OF))
    with pytest.raises(MetricError, match="by 'composite' needs the score configuration"):
        oh.quarterly_summary(history, OutcomeSpec(experience="composite"), settings=Settings(as_of=AS_OF))
    with pytest.raises(MetricError, match=r"'z' is not one of the configured factors \(x, y\)"):
        oh.quarters(history, OutcomeSpec(experience="factor:z"), Settings(as_of=AS_OF), SCORES)


def test_no_dates_at_all_says_why(con) -> None:
    _accounts(con, [("a1", "SMB", 100.0, 1.0)])
    _surveys(con, [("a1", None, "CSAT", 5.0)])
    with pytest.raises(MetricError, match="needs dates: no row is dated"):
        oh.quarterly_summary(con, CSAT)
    # with an as-of date set, the current quarter alone is read (the undated answer counts in no quarter)
    summary = oh.quarterly_summary(con, CSAT, settings=Settings(as_of=dt.datetime(2024, 5, 5)))
    assert summary["quarter"].unique().tolist() == ["FY2024 Q2"]
    assert summary.set_index("quadrant")["accounts"][UNK] == 1 and summary["partial"].all()


# ---------------------------------------------------------------- a factor or the composite over time

SCORES = ScoreConfig(factors=[Factor("x", "X"), Factor("y", "Y")],
                     scales={"x": Scale.of("0-100"), "y": Scale.of("0-100")})   # equal weights, min coverage 0.5
FACTOR_X = OutcomeSpec(experience="factor:x")        # appropriate at 75 or more
COMPOSITE = OutcomeSpec(experience="composite")      # appropriate at 75 or more, at coverage 0.5 or more


def _ratings(con, rows) -> None:
    """rows: (account_id, ts, factor, score); ts None is an undated rating."""
    canonical.create_table(con, "factor_ratings", [(a, ts, f, score, "r.csv", i)
                                                   for i, (a, ts, f, score) in enumerate(rows)])


@pytest.fixture
def rated(con):
    """Quarter ends 2024-03-31, 2024-06-30 and the partial quarter read at 2024-08-15 (AS_OF)."""
    _accounts(con, [("b1", "SMB", 100.0, 1.0), ("b2", "SMB", 200.0, 1.0), ("b3", "ENT", 300.0, 0.0),
                    ("b4", "ENT", 400.0, 1.0)])
    _ratings(con, [
        # 180 days before 2024-06-30 by date, though more than 180×24 hours before that day's last instant
        ("b1", "2024-01-02 18:00", "x", 90.0),
        ("b1", "2024-05-01", "y", 70.0),
        ("b2", "2024-01-01 06:00", "x", 90.0),   # 181 days before 2024-06-30: missing there
        ("b2", "2024-05-01", "y", 70.0),
        ("b2", "2024-08-20", "x", 50.0),         # after the as-of date: not known yet
        ("b3", "2024-06-30 23:00", "x", 60.0),   # the quarter's last day, late: counts in that quarter
        ("b4", None, "x", 99.0),                 # undated: counts in no quarter
        ("b5", "2024-02-01", "y", 40.0),         # not in the accounts table (no outcome); no x rating
    ])
    return con


def test_factor_measure_at_each_quarter_end_with_a_stale_rating(rated) -> None:
    settings = Settings(as_of=AS_OF)
    frame = oh.quarterly_quadrants(rated, FACTOR_X, settings, SCORES)
    got = {(r.quarter, r.account_id): r.quadrant for r in frame.itertuples()}
    assert got == {
        ("FY2024 Q1", "b1"): OK, ("FY2024 Q1", "b2"): OK, ("FY2024 Q1", "b3"): UNK, ("FY2024 Q1", "b4"): UNK,
        ("FY2024 Q2", "b1"): OK,    # x is 180 days old at 2024-06-30: counts
        ("FY2024 Q2", "b2"): UNK,   # x is 181 days old: missing
        ("FY2024 Q2", "b3"): NONE, ("FY2024 Q2", "b4"): UNK,
        ("FY2024 Q3", "b1"): UNK,   # 226 days old at the as-of date
        ("FY2024 Q3", "b2"): UNK,   # the 2024-08-20 rating is after the as-of date
        ("FY2024 Q3", "b3"): NONE, ("FY2024 Q3", "b4"): UNK,
    }
    at = frame.set_index(["quarter", "account_id"])
    assert (at.loc[("FY2024 Q2", "b1"), "age_days"], at.loc[("FY2024 Q2", "b2"), "age_days"]) == (180, 181)
    assert at.loc[("FY2024 Q2", "b1"), "experience_value"] == 90.0
    assert pd.isna(at.loc[("FY2024 Q2", "b2"), "experience_value"])
    q = oh.quarters(rated, FACTOR_X, settings, SCORES)
    assert q["quarter"].tolist() == ["FY2024 Q1", "FY2024 Q2", "FY2024 Q3"]
    assert q["partial"].tolist() == [False, False, True]
    assert oh.undated_answers(rated, FACTOR_X, config=SCORES) == 1
    assert oh.answers_word(FACTOR_X) == "2 factor ratings have" and oh.answers_word(FACTOR_X, 1) == "1 factor rating has"


def test_composite_at_each_quarter_end_drops_a_stale_factor(rated) -> None:
    settings = Settings(as_of=AS_OF)
    frame = oh.quarterly_quadrants(rated, COMPOSITE, settings, SCORES)
    at = frame.set_index(["quarter", "account_id"])
    got = at["quadrant"].to_dict()
    assert got == {
        ("FY2024 Q1", "b1"): OK, ("FY2024 Q1", "b2"): OK,       # x alone: 90 at coverage 0.5
        ("FY2024 Q1", "b3"): UNK, ("FY2024 Q1", "b4"): UNK, ("FY2024 Q1", "b5"): UNK,
        ("FY2024 Q2", "b1"): OK,    # (90 + 70) / 2 = 80: x, 180 days old, still counts
        ("FY2024 Q2", "b2"): OUT,   # x is 181 days old: y alone, 70
        ("FY2024 Q2", "b3"): NONE, ("FY2024 Q2", "b4"): UNK, ("FY2024 Q2", "b5"): UNK,
        ("FY2024 Q3", "b1"): OUT, ("FY2024 Q3", "b2"): OUT,     # x stale for both: y alone, 70
        ("FY2024 Q3", "b3"): NONE, ("FY2024 Q3", "b4"): UNK,
        ("FY2024 Q3", "b5"): UNK,   # no outcome (and y is 196 days old)
    }
    values = at["experience_value"]
    assert (values["FY2024 Q2", "b1"], values["FY2024 Q2", "b2"], values["FY2024 Q1", "b1"]) == (80.0, 70.0, 90.0)
    assert pd.isna(values["FY2024 Q3", "b5"]) and values["FY2024 Q2", "b5"] == 40.0    # 150 days old there
    summary = oh.quarterly_summary(rated, COMPOSITE, settings=settings, config=SCORES)
    q2 = summary[summary["quarter"] == "FY2024 Q2"].set_index("quadrant")
    assert q2["accounts"].to_dict() == {OK: 1, OUT: 1, EXP: 0, NONE: 1, UNK: 2}
    assert q2.loc[OK, "share"] == pytest.approx(1 / 3) and q2["arr"].to_dict()[UNK] == 400.0
    assert summary.loc[summary["quarter"] == "FY2024 Q3", "partial"].all()
    # below the minimum coverage a composite is no experience: one factor of two is 0.5 < 0.75
    strict = ScoreConfig(factors=SCORES.factors, scales=SCORES.scales, thresholds=Thresholds(50, 75, 0.75))
    got = oh.quarterly_quadrants(rated, COMPOSITE, settings, strict).set_index(["quarter", "account_id"])["quadrant"]
    assert (got["FY2024 Q1", "b1"], got["FY2024 Q2", "b1"], got["FY2024 Q2", "b2"], got["FY2024 Q3", "b1"]) == (
        UNK, OK, UNK, UNK)
    # every count has its accounts
    for r in summary.itertuples():
        assert len(oh.quadrant_accounts(rated, COMPOSITE, r.quarter, r.quadrant, settings=settings,
                                        config=SCORES)) == r.accounts
    moves = oh.quadrant_moves(rated, COMPOSITE, "FY2024 Q2", "FY2024 Q3", settings, SCORES)
    assert [tuple(r) for r in moves[["from_quadrant", "to_quadrant", "accounts"]].itertuples(index=False)] == [
        (OK, OUT, 1), (OUT, OUT, 1), (NONE, NONE, 1), (UNK, UNK, 2)]
    listed = oh.move_accounts(rated, COMPOSITE, "FY2024 Q2", "FY2024 Q3", OK, OUT, settings, SCORES)
    assert listed[["account_id", "value"]].to_dict("list") == {"account_id": ["b1"], "value": [70.0]}
    assert list(listed.columns[:2]) == ["account_id", "name"] and list(listed.columns[-2:]) == ["arr", "value"]


def test_a_factors_own_maximum_age_counts_in_days_too(rated) -> None:
    # y of 2024-05-01 is 106 days old at 2024-08-15: a maximum of 106 days keeps it, 105 does not
    settings = Settings(as_of=AS_OF)
    for days, expected in ((106, OUT), (105, UNK)):
        config = ScoreConfig(factors=SCORES.factors, scales=SCORES.scales, max_age_days={"y": days})
        got = oh.quarterly_quadrants(rated, COMPOSITE, settings, config).set_index(["quarter", "account_id"])
        assert got.loc[("FY2024 Q3", "b2"), "quadrant"] == expected, days


# ---------------------------------------------------------------- the cost of the wrong experience


@pytest.fixture
def churning(con):
    """Customers at the end of 2024-Q2 (window for churn: 2024-07-01 ≤ t < 2025-01-01), as of 2025-03-31."""
    _accounts(con, [(a, "SMB", 10.0, 1.0) for a in ("s1", "s2", "s3", "s4", "o1", "o2", "x1", "x2")])
    _surveys(con, [(a, "2024-06-01", "CSAT", 5.0) for a in ("s1", "s2", "s3", "s4", "x1", "x2")]
             + [(a, "2024-06-01", "CSAT", 2.0) for a in ("o1", "o2")])
    events = [(a, "Decision", "2024-01-10") for a in ("s1", "s2", "s3", "s4", "o1", "o2", "x1")]
    events += [("s1", "Churn", "2024-07-01"),    # the window's first instant: churned within it
               ("s2", "Churn", "2025-01-01"),    # the window's end: not within it
               ("o1", "Churn", "2024-09-15"), ("o2", "Churn", "2024-12-31"),
               ("x1", "Churn", "2024-06-30"),    # left before the quarter's end: not a customer then
               ("x2", "Decision", "2024-07-01"),  # signed after it: not a customer then
               ("u1", "Decision", "2024-02-01")]  # a customer no table gives an outcome or answer: unknown
    canonical.create_table(con, "journey_events", [(a, s, ts, "event", "e.csv", i)
                                                   for i, (a, s, ts) in enumerate(events)])
    return con


def test_churn_within_two_quarters_by_quadrant_with_wilson(churning) -> None:
    settings = Settings(as_of=dt.datetime(2025, 3, 31))
    assert oh.default_churn_quarter(churning, CSAT, settings) == "FY2024 Q2"   # Q3's window ends 2025-04-01
    table = oh.churn_after(churning, CSAT, settings=settings).set_index("quadrant")
    assert table["accounts"].to_dict() == {OK: 4, OUT: 2, EXP: 0, NONE: 0, UNK: 1}
    assert table["churned"].to_dict() == {OK: 1, OUT: 2, EXP: 0, NONE: 0, UNK: 0}
    assert table.loc[OK, ["churn_rate", "ci_low", "ci_high"]].tolist() == pytest.approx([0.25, 0.045587, 0.699358],
                                                                                        abs=1e-6)
    assert table.loc[OUT, ["churn_rate", "ci_low", "ci_high"]].tolist() == pytest.approx([1.0, 0.342380, 1.0],
                                                                                         abs=1e-6)
    assert table.loc[UNK, ["churn_rate", "ci_low", "ci_high"]].tolist() == pytest.approx([0.0, 0.0, 0.793451],
                                                                                         abs=1e-6)
    assert table.loc[EXP, ["churn_rate", "ci_low", "ci_high"]].isna().all()
    assert table["low_n"].all()
    assert table.attrs["complete"] and table.attrs["window_end"] == dt.datetime(2025, 1, 1)
    for quadrant, r in table.iterrows():
        assert len(oh.churn_after_accounts(churning, CSAT, "FY2024 Q2", quadrant, settings=settings)) == r["accounts"]
        assert len(oh.churn_after_accounts(churning, CSAT, "FY2024 Q2", quadrant, churned=True,
                                           settings=settings)) == r["churned"]
    gone = oh.churn_after_accounts(churning, CSAT, "FY2024 Q2", OK, churned=True, settings=settings)
    assert gone["account_id"].tolist() == ["s1"] and gone["value"].tolist() == [pd.Timestamp("2024-07-01")]


def test_churn_after_an_unfinished_window_or_the_current_quarter(churning) -> None:
    settings = Settings(as_of=dt.datetime(2025, 3, 31))
    later = oh.churn_after(churning, CSAT, "FY2024 Q3", settings)
    assert not later.attrs["complete"]       # its window runs to 2025-04-01, after the as-of date
    with pytest.raises(MetricError, match="has not ended"):
        oh.churn_after(churning, CSAT, "FY2025 Q1", settings)


def test_share_chart_has_a_bar_per_placed_quadrant(history) -> None:
    fig = quadrant_shares(oh.quarterly_summary(history, CSAT, settings=Settings(as_of=AS_OF)))
    assert [t.name for t in fig.data] == ["Successful", "Outcome without the right experience",
                                          "Good experience without the outcome", "Neither"]


# ---------------------------------------------------------------- command line


def test_cli_outcomes_by_quarter(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text(
        "Account ID,Tier,ARR,Outcome Achieved\nA1,SMB,100,Yes\nA2,SMB,200,No\nA3,ENT,300,Yes\n", encoding="utf-8")
    (tmp_path / "surveys.csv").write_text(
        "Account ID,Survey Date,Survey Type,Score\nA1,2024-01-02,CSAT,5\nA2,2024-01-01,CSAT,5\n"
        "A3,2024-06-30,CSAT,2\n", encoding="utf-8")
    (tmp_path / "undated.csv").write_text("Account ID,Survey Type,Score\nA3,CSAT,5\n", encoding="utf-8")
    files = [str(tmp_path / name) for name in ("accounts.csv", "surveys.csv", "undated.csv")]
    code, out, err = run("outcomes", *files, "--by-quarter", "--format", "csv")
    assert code == 0, err
    assert "note: 1 CSAT answer has no date: they count in no quarter" in err
    lines = out.splitlines()
    assert lines[0] == "quarter,quadrant,accounts,share,arr,partial"
    # As of 2024-06-30 (the latest date) the quarter ending that day is read at it and marked partial,
    # as churn marks a period ending after the as-of instant. A1's answer is 180 days old (counts), A2's 181.
    assert "FY2024 Q2,successful,1,0.5,100.0,True" in lines
    assert "FY2024 Q2,outcome without the right experience,1,0.5,300.0,True" in lines
    assert "FY2024 Q2,unknown,1,,200.0,True" in lines
    assert "FY2024 Q1,good experience without the outcome,1,0.5,200.0,False" in lines
    code, out, err = run("outcomes", *files, "--by", "Tier")
    rows = json.loads(out)
    assert list(rows[0]) == ["segment", "quadrant", "accounts", "share", "arr"]
    # now (no age limit) A3's latest answer is the 2024-06-30 one: the undated answer loses to any dated one
    assert {(r["segment"], r["quadrant"]): r["accounts"] for r in rows}[("ENT", OUT)] == 1
    code, out, err = run("outcomes", *files, "--by-quarter", "--by", "Tier", "--format", "csv")
    assert out.splitlines()[0] == ",".join(oh.CLI_COLUMNS)


def test_cli_outcomes_by_quarter_by_a_factor(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text(
        "Account ID,Tier,ARR,Outcome Achieved\nA1,SMB,100,Yes\nA2,SMB,200,No\nA3,ENT,300,Yes\n", encoding="utf-8")
    (tmp_path / "ratings.csv").write_text(     # 1–5 ratings: 5 is 100, 2 is 25
        "Account ID,Rating Date,Customer Intent\nA1,2024-01-02,5\nA2,2024-01-01,5\nA3,2024-06-30,2\n",
        encoding="utf-8")
    (tmp_path / "undated.csv").write_text("Account ID,Customer Intent\nA3,5\n", encoding="utf-8")
    files = [str(tmp_path / name) for name in ("accounts.csv", "ratings.csv", "undated.csv")]
    code, out, err = run("outcomes", *files, "--by-quarter", "--experience", "factor:customer_intent",
                          "--format", "csv")
    assert code == 0, err
    assert "note: 1 factor rating has no date: they count in no quarter" in err
    lines = out.splitlines()
    assert lines[0] == ",".join(c for c in oh.CLI_COLUMNS if c != "segment")
    # as of 2024-06-30: A1's rating is 180 days old (counts), A2's 181 (missing), A3's 25 is below 75
    assert "FY2024 Q2,successful,1,0.5,100.0,True" in lines
    assert "FY2024 Q2,outcome without the right experience,1,0.5,300.0,True" in lines
    assert "FY2024 Q2,unknown,1,,200.0,True" in lines
    assert "FY2024 Q1,good experience without the outcome,1,0.5,200.0,False" in lines
    # one factor of eight rated: no composite reaches the minimum coverage, and the error says so
    code, out, err = run("outcomes", *files[:2], "--by-quarter", "--experience", "composite")
    assert (code, out) == (2, "")
    assert "3 factor ratings with an account (a composite counts only when" in err
    code, out, err = run("outcomes", *files[:2], "--by-quarter", "--experience", "factor:nope")
    assert code == 2 and "Experience factor 'nope' is not one of the configured factors" in err


def test_cli_outcomes_without_dates_or_outcomes_says_why(tmp_path: Path) -> None:
    churn_file = tmp_path / "telco_like.csv"
    churn_file.write_text("customerID,Contract,tenure,Churn\n0001-A,Month-to-month,3,Yes\n0002-B,Two year,40,No\n",
                          encoding="utf-8")
    code, out, err = run("outcomes", str(churn_file), "--by-quarter")
    assert (code, out) == (2, "")
    assert err.startswith("error: The desired outcome over time needs dates: no row is dated")
    code, out, err = run("outcomes", str(churn_file))
    assert (code, out) == (2, "")
    assert "2 accounts loaded, 0 with an outcome (map the accounts' outcome column" in err
    assert "0 CSAT answers with an account" in err


def test_cli_outcomes_is_documented() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "    outcomes" in out
    code, out, _ = run("outcomes", "--help")
    assert "columns quarter, (segment), quadrant, accounts, share, arr, partial" in " ".join(out.split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `outcomes` |"))
    for column in oh.CLI_COLUMNS:
        assert f"`{column}`" in row


def test_a_good_bad_csat_is_appropriate_at_good_in_every_quarter(con) -> None:
    # Zendesk's Good/Bad as 1/0: the default line is the scale's satisfied box, as on the Desired outcome tab.
    _accounts(con, [("a1", "SMB", 1.0, 1.0), ("a2", "SMB", 1.0, 1.0)])
    _surveys(con, [("a1", "2024-05-01", "CSAT", 1.0), ("a2", "2024-05-01", "CSAT", 0.0)])
    got = oh.quarterly_quadrants(con, CSAT, Settings(as_of=AS_OF))
    assert got[["quarter", "account_id", "quadrant"]].values.tolist() == [
        ["FY2024 Q2", "a1", OK], ["FY2024 Q2", "a2", OUT], ["FY2024 Q3", "a1", OK], ["FY2024 Q3", "a2", OUT]]
