"""The accounts behind every number: each count equals the length of its list, on hand-computed fixtures
and on the sample company, and every list has the same shape (id, name, segment columns, ARR, value).

Fixture dates are 2024; the as-of date is 2024-03-31 (midnight) unless said.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd
import pytest

from cxlib import behind as bh
from cxlib import canonical, churn
from cxlib import funnel as fn
from cxlib import journey as jn
from cxlib import outcomes as oc
from cxlib import scores as sc
from cxlib import segments as sg
from cxlib import surveys as sv
from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.settings import Settings
from cxlib.workspace import Workspace

A, C, D = "Awareness", "Consideration", "Decision"
MARCH_END = Settings(as_of=dt.datetime(2024, 3, 31))
NAN = float("nan")


def ids(frame: pd.DataFrame) -> list[str]:
    return frame["account_id"].tolist()


# ---------------------------------------------------------------------------------------------
# The list's shape
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def accounts(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """f1–f5 in the accounts table (f4 without a tier, f5 with a seat count); f6 only in the events."""
    canonical.create_table(con, canonical.ACCOUNTS, [
        ("f1", "Alpha", None, 100.0, None, None, None, 1.0, None, 1, "SMB", 10),
        ("f2", "Bravo", None, 200.0, None, None, None, 0.0, None, 2, "ENT", 50),
        ("f3", "Charlie", None, None, None, None, None, None, None, 3, "SMB", None),
        ("f4", "Delta", None, 50.0, None, None, None, 1.0, None, 4, "  ", 5),
        ("f5", "Echo", None, 10.0, None, None, None, 0.0, None, 5, "ENT", 1),
    ], [("tier", "VARCHAR"), ("seats", "BIGINT")])
    return con


def test_list_shape_segments_arr_value_and_extras(accounts) -> None:
    got = bh.accounts_behind(accounts, "SELECT * FROM (VALUES ('f6', 3.5, 'x'), ('f4', 1.0, 'y'), ('f1', 2.0, 'z')) "
                                       "AS v(account_id, value, note)", value_label="a number")
    assert list(got.columns) == ["account_id", "name", "tier", "seats", "arr", "value", "note"]
    assert ids(got) == ["f1", "f4", "f6"]                       # by account id
    assert got["name"].tolist()[:2] == ["Alpha", "Delta"] and got["name"].isna().tolist()[2]
    # Text segments in the one vocabulary: blank and missing from the accounts table are "(none)".
    assert got["tier"].tolist() == ["SMB", "(none)", "(none)"]
    assert got["seats"].tolist()[:2] == [10, 5]                 # numbers stay numbers
    assert got["arr"].tolist()[:2] == [100.0, 50.0] and math.isnan(got["arr"].iloc[2])
    assert got["value"].tolist() == [2.0, 1.0, 3.5]
    assert got["note"].tolist() == ["z", "y", "x"]
    assert got.attrs["value_label"] == "a number"


def test_list_from_a_relation_and_with_parameters(accounts) -> None:
    rel = accounts.sql("SELECT account_id, arr AS value FROM accounts WHERE arr > 60")
    assert ids(bh.accounts_behind(accounts, rel)) == ["f1", "f2"]
    got = bh.accounts_behind(accounts, "SELECT account_id, arr AS value FROM accounts WHERE arr <= $cap", {"cap": 50})
    assert ids(got) == ["f4", "f5"] and got["value"].tolist() == [50.0, 10.0]


def test_list_refuses_a_relation_without_value_or_with_an_account_twice(accounts) -> None:
    with pytest.raises(MetricError, match="account_id and value"):
        bh.accounts_behind(accounts, "SELECT account_id FROM accounts")
    with pytest.raises(MetricError, match="Account 'f1' is listed twice"):
        bh.accounts_behind(accounts, "SELECT 'f1' AS account_id, 1 AS value UNION ALL SELECT 'f1', 2")


def test_an_empty_count_is_an_empty_list_with_the_columns(accounts) -> None:
    got = bh.accounts_behind(accounts, "SELECT account_id, arr AS value FROM accounts WHERE false")
    assert got.empty and list(got.columns) == ["account_id", "name", "tier", "seats", "arr", "value"]


# ---------------------------------------------------------------------------------------------
# Funnel
# ---------------------------------------------------------------------------------------------

FUNNEL_EVENTS = [
    ("f1", A, "2024-01-01"), ("f1", C, "2024-01-10"), ("f1", D, "2024-01-20"),            # reaches 3
    ("f2", A, "2024-01-05"), ("f2", C, "2024-01-15"), ("f2", "Churn", "2024-02-01"),     # 2, then exits
    ("f3", A, "2024-01-10"),                                                              # 1, in progress
    ("f4", A, "2024-02-01"), ("f4", "Lost deal", "2024-02-10"),                           # 1, exits
    ("f5", C, "2024-01-01"),                                                              # no step-1 entry
    ("f6", A, "2024-01-02"), ("f6", C, "2024-01-03"), ("f6", D, "2024-04-15"),           # D after as-of
]
STEPS = [A, C, D]


@pytest.fixture
def journeys(accounts) -> duckdb.DuckDBPyConnection:
    canonical.create_table(accounts, canonical.JOURNEY_EVENTS, FUNNEL_EVENTS)
    return accounts


def test_funnel_lists_by_hand(journeys) -> None:
    spec = fn.FunnelSpec(steps=STEPS)
    table = fn.funnel(journeys, spec, MARCH_END).table
    assert table["accounts"].tolist() == [5, 3, 1]
    assert table["dropped_exited"].tolist() == [0, 1, 1] and table["dropped_in_progress"].tolist() == [0, 1, 1]
    reached = bh.funnel_accounts(journeys, spec, 1, "reached", MARCH_END)
    assert ids(reached) == ["f1", "f2", "f3", "f4", "f6"]
    assert reached["value"].dt.strftime("%m-%d").tolist() == ["01-01", "01-05", "01-10", "02-01", "01-02"]
    assert reached.attrs["value_label"] == "reached step 1 (Awareness) on"
    assert ids(bh.funnel_accounts(journeys, spec, 2, "reached", MARCH_END)) == ["f1", "f2", "f6"]
    assert ids(bh.funnel_accounts(journeys, spec, 3, "reached", MARCH_END)) == ["f1"]   # f6's Decision is after as-of
    dropped = bh.funnel_accounts(journeys, spec, 2, "dropped", MARCH_END)
    assert ids(dropped) == ["f3", "f4"] and dropped["status"].tolist() == ["in progress", "exited"]
    # Days since reaching Awareness: 10 Jan → 31 Mar is 81 days, 1 Feb → 31 Mar is 59 (2024 is a leap year).
    assert dropped["value"].tolist() == [81.0, 59.0]
    assert dropped["name"].tolist() == ["Charlie", "Delta"] and dropped["tier"].tolist() == ["SMB", "(none)"]
    assert ids(bh.funnel_accounts(journeys, spec, 3, "dropped_exited", MARCH_END)) == ["f2"]
    in_progress = bh.funnel_accounts(journeys, spec, 3, "dropped_in_progress", MARCH_END)
    assert ids(in_progress) == ["f6"] and in_progress["value"].tolist() == [88.0]   # 3 Jan → 31 Mar
    assert in_progress["tier"].tolist() == ["(none)"] and in_progress["name"].isna().all()   # not in accounts
    assert ids(bh.funnel_accounts(journeys, spec, 1, "no_step1", MARCH_END)) == ["f5"]


@pytest.mark.parametrize("mode", ["ordered", "strict", "any"])
@pytest.mark.parametrize("window", [None, 10.0])
def test_every_funnel_count_equals_its_list(journeys, mode: str, window: float | None) -> None:
    spec = fn.FunnelSpec(steps=STEPS, mode=mode, window_days=window)
    result = fn.funnel(journeys, spec, MARCH_END)
    for row in result.table.itertuples(index=False):
        assert len(bh.funnel_accounts(journeys, spec, row.step, "reached", MARCH_END)) == row.accounts
        if row.step > 1:
            for which in ("dropped", "dropped_exited", "dropped_in_progress"):
                assert len(bh.funnel_accounts(journeys, spec, row.step, which, MARCH_END)) == getattr(row, which)
    assert len(bh.funnel_accounts(journeys, spec, 1, "no_step1", MARCH_END)) == result.no_step1_accounts == 1


def test_funnel_lists_with_an_optional_step_follow_the_shown_numbers(journeys) -> None:
    # Decision is required after Awareness; Consideration (shown step 2) may be skipped.
    spec = fn.FunnelSpec(steps=STEPS, optional=(2,))
    table = fn.funnel(journeys, spec, MARCH_END).table
    assert table[["step", "accounts", "dropped", "optional"]].values.tolist() == [
        [1, 5, 0, False], [2, 3, 0, True], [3, 1, 4, False]]
    taken = bh.funnel_accounts(journeys, spec, 2, "reached", MARCH_END)
    # f1 took Consideration 9 days after Awareness, f2 10 days after (never reached Decision), f6 1 day after.
    assert ids(taken) == ["f1", "f2", "f6"] and taken["value"].tolist() == [9.0, 10.0, 1.0]
    assert ids(bh.funnel_accounts(journeys, spec, 3, "reached", MARCH_END)) == ["f1"]
    assert ids(bh.funnel_accounts(journeys, spec, 3, "dropped_exited", MARCH_END)) == ["f2", "f4"]
    assert ids(bh.funnel_accounts(journeys, spec, 3, "dropped_in_progress", MARCH_END)) == ["f3", "f6"]
    with pytest.raises(MetricError, match="Step 2 is optional: it drops no one"):
        bh.funnel_accounts(journeys, spec, 2, "dropped", MARCH_END)


def test_funnel_segment_lists_by_hand(journeys) -> None:
    spec = fn.FunnelSpec(steps=STEPS, by="tier")
    table = fn.funnel(journeys, spec, MARCH_END).table
    step1 = table[table["step"] == 1].set_index("segment")["accounts"].to_dict()
    assert step1 == {"ENT": 1, "SMB": 2, "(none)": 2}
    assert ids(bh.funnel_accounts(journeys, spec, 1, "reached", MARCH_END, "(none)")) == ["f4", "f6"]
    assert ids(bh.funnel_accounts(journeys, spec, 2, "dropped", MARCH_END, "SMB")) == ["f3"]
    for row in table.itertuples(index=False):
        assert len(bh.funnel_accounts(journeys, spec, row.step, "reached", MARCH_END, row.segment)) == row.accounts


def test_snapshot_funnel_lists_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.STAGE_SNAPSHOTS, [
        ("s1", A, "2024-02-29"), ("s1", D, "2024-03-31"),     # the latest snapshot row counts: Decision
        ("s2", A, "2024-03-31"),
        ("s3", "Churn", "2024-03-31", C),                     # left after Consideration
        ("s4", "Churn", "2024-03-31"),                        # left, last stage unknown
        ("s6", "Someday", "2024-03-31"),                      # not a stage of the journey
        ("s7", D, "2024-03-31"),
    ])
    spec = fn.FunnelSpec(steps=[C, D], source="snapshot")
    result = fn.funnel(con, spec)
    assert result.table["accounts"].tolist() == [3, 2] and result.no_step1_accounts == 1
    assert ids(bh.funnel_accounts(con, spec, 1, "reached")) == ["s1", "s3", "s7"]
    assert ids(bh.funnel_accounts(con, spec, 2, "dropped_exited")) == ["s3"]
    no_step1 = bh.funnel_accounts(con, spec, 1, "no_step1")
    assert ids(no_step1) == ["s2"] and no_step1["value"].tolist() == [A]     # still before Consideration
    assert ids(bh.funnel_accounts(con, spec, 1, "exited_unknown")) == ["s4"] and result.exited_unknown == 1


def test_funnel_list_refuses_a_step_out_of_range(journeys) -> None:
    with pytest.raises(MetricError, match="pick a step from 2 to 3"):
        bh.funnel_accounts(journeys, fn.FunnelSpec(steps=STEPS), 1, "dropped", MARCH_END)
    with pytest.raises(MetricError, match="broken down by a column"):
        bh.funnel_accounts(journeys, fn.FunnelSpec(steps=STEPS), 1, "reached", MARCH_END, "SMB")
    with pytest.raises(MetricError, match="a snapshot's count"):
        bh.funnel_accounts(journeys, fn.FunnelSpec(steps=STEPS), 1, "exited_unknown", MARCH_END)


# ---------------------------------------------------------------------------------------------
# Scores: bands at their edges
# ---------------------------------------------------------------------------------------------

CONFIG = sc.ScoreConfig(factors=[Factor("x", "X"), Factor("y", "Y")],
                        scales={"x": sc.Scale.of("0-100"), "y": sc.Scale.of("0-100")})


def test_band_lists_at_the_edges(accounts) -> None:
    canonical.create_table(accounts, canonical.FACTOR_RATINGS, [
        ("f1", "2024-01-01", "x", 80.0), ("f1", "2024-01-01", "y", 80.0),      # 80 → green
        ("f2", "2024-01-01", "x", 50.0), ("f2", "2024-01-01", "y", 49.0),      # 49.5 shown 50 → yellow
        ("f3", "2024-01-01", "x", 49.4),                                       # coverage 0.5, 49 → red
        ("f5", "2024-01-01", "x", 75.4), ("f5", "2024-01-01", "y", 75.6),      # 75.5 shown 76 → green
        ("f7", "2024-01-01", "x", 10.0), ("f7", "2024-01-01", "y", 20.0),      # not in accounts: 15 → red
    ])                                                                          # f4 unrated → grey
    summary = sc.band_summary(accounts, CONFIG).set_index("band")["accounts"].to_dict()
    assert summary == {"red": 2, "yellow": 1, "green": 2, "grey": 1}
    green = bh.band_accounts(accounts, CONFIG, "green")
    assert ids(green) == ["f1", "f5"] and green["value"].tolist() == [80.0, 75.5]
    yellow = bh.band_accounts(accounts, CONFIG, "yellow")
    assert ids(yellow) == ["f2"] and yellow["value"].tolist() == [49.5]
    red = bh.band_accounts(accounts, CONFIG, "red")
    assert ids(red) == ["f3", "f7"] and red["coverage"].tolist() == [0.5, 1.0]
    assert ids(bh.band_accounts(accounts, CONFIG, "grey")) == ["f4"]
    scores = sc.segment_scores(accounts, CONFIG, "tier").set_index("segment")
    assert ids(bh.segment_score_accounts(accounts, CONFIG, "tier", "(none)", "accounts")) == ["f4", "f7"]
    assert ids(bh.segment_score_accounts(accounts, CONFIG, "tier", "(none)", "scored")) == ["f7"]
    assert ids(bh.segment_score_accounts(accounts, CONFIG, "tier", "SMB", "scored")) == ["f1", "f3"]
    for segment, row in scores.iterrows():
        assert len(bh.segment_score_accounts(accounts, CONFIG, "tier", segment, "accounts")) == row["accounts"]
        assert len(bh.segment_score_accounts(accounts, CONFIG, "tier", segment, "scored")) == row["n"]
    with pytest.raises(MetricError, match="Unknown band 'blue'"):
        bh.band_accounts(accounts, CONFIG, "blue")


# ---------------------------------------------------------------------------------------------
# Desired outcome
# ---------------------------------------------------------------------------------------------

def test_quadrant_lists_by_hand(accounts) -> None:
    canonical.create_table(accounts, canonical.SURVEYS, [
        ("f1", "r", "user", "2024-01-01", "CSAT", 5.0),      # outcome 1, CSAT 5 → successful
        ("f2", "r", "user", "2024-01-01", "CSAT", 4.0),      # outcome 0, CSAT 4 (exactly the line) → experience only
        ("f4", "r", "user", "2024-01-01", "CSAT", 3.0),      # outcome 1, CSAT 3 → outcome only
        ("f5", "r", "user", "2024-01-01", "CSAT", 1.0),      # outcome 0 → neither
        ("f8", "r", "user", "2024-01-01", "CSAT", 5.0),      # not in accounts → unknown
    ])                                                         # f3: no outcome, no answer → unknown
    spec = oc.OutcomeSpec()
    summary = oc.quadrant_summary(accounts, spec, CONFIG).set_index("quadrant")["accounts"]
    for quadrant, expected in ((oc.SUCCESSFUL, ["f1"]), (oc.EXPERIENCE_ONLY, ["f2"]), (oc.OUTCOME_ONLY, ["f4"]),
                               (oc.NEITHER, ["f5"]), (oc.UNKNOWN, ["f3", "f8"])):
        got = bh.quadrant_accounts(accounts, spec, CONFIG, quadrant)
        assert ids(got) == expected and len(got) == summary[quadrant]
    unknown_none = bh.quadrant_accounts(accounts, spec, CONFIG, oc.UNKNOWN, "tier", "(none)")
    assert ids(unknown_none) == ["f8"]
    assert bh.quadrant_accounts(accounts, spec, CONFIG, oc.SUCCESSFUL)["outcome_value"].tolist() == [1.0]
    by_tier = oc.quadrant_summary(accounts, spec, CONFIG, by="tier")
    for row in by_tier.itertuples(index=False):
        assert len(bh.quadrant_accounts(accounts, spec, CONFIG, row.quadrant, "tier", row.segment)) == row.accounts


# ---------------------------------------------------------------------------------------------
# NPS per account
# ---------------------------------------------------------------------------------------------

def test_nps_account_lists_by_hand(accounts) -> None:
    canonical.create_table(accounts, canonical.SURVEYS, [
        ("f1", "r", "user", "2024-01-01", "NPS", 10.0), ("f1", "r", "user", "2024-02-01", "NPS", 6.0),  # latest 6
        ("f2", "r", "user", "2024-01-01", "NPS", 7.0),                                                    # passive
        ("f3", "r", "user", "2024-01-01", "NPS", 9.0),                                                    # promoter
        ("f4", "r", "user", "2024-01-01", "NPS", 11.0),                                                   # rejected
        (None, "r", "user", "2024-01-01", "NPS", 10.0),                                                   # no account
        ("f5", "r", "user", "2024-05-01", "NPS", 0.0),                                                    # after as-of
    ])
    row = sv.nps(accounts, level="account", settings=MARCH_END).iloc[0]
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (3, 1, 1, 1)
    detractors = bh.nps_accounts(accounts, "detractors", settings=MARCH_END)
    assert ids(detractors) == ["f1"] and detractors["value"].tolist() == [6.0]
    assert ids(bh.nps_accounts(accounts, "n", settings=MARCH_END)) == ["f1", "f2", "f3"]
    assert ids(bh.nps_accounts(accounts, "promoters", settings=MARCH_END)) == ["f3"]
    assert ids(bh.nps_accounts(accounts, "passives", "tier", "ENT", MARCH_END)) == ["f2"]
    by_tier = sv.nps(accounts, by="tier", level="account", settings=MARCH_END)
    for r in by_tier.itertuples(index=False):
        for group in bh.NPS_GROUPS:
            assert len(bh.nps_accounts(accounts, group, "tier", r.segment, MARCH_END)) == getattr(r, group)


# ---------------------------------------------------------------------------------------------
# Segments
# ---------------------------------------------------------------------------------------------

def test_segment_row_and_test_lists_by_hand(accounts) -> None:
    overview = sg.segment_overview(accounts, "tier").set_index("segment")["accounts"].to_dict()
    assert overview == {"ENT": 2, "SMB": 2, "(none)": 1}
    assert ids(bh.segment_accounts(accounts, "tier", "(none)")) == ["f4"]
    tested = sg.compare(accounts, "tier", rate="outcome=1").set_index("segment")["n"].to_dict()
    assert tested == {"ENT": 2, "SMB": 1, "(none)": 1}       # f3 has no outcome: not in n
    smb = bh.compare_accounts(accounts, "tier", "SMB", rate="outcome=1")
    assert ids(smb) == ["f1"] and smb["value"].tolist() == [1.0]
    ent = bh.compare_accounts(accounts, "tier", "ENT", mean="seats")
    assert ids(ent) == ["f2", "f5"] and ent["value"].tolist() == [50.0, 1.0]


# ---------------------------------------------------------------------------------------------
# Journey map
# ---------------------------------------------------------------------------------------------

def test_journey_lists_by_hand(accounts) -> None:
    canonical.create_table(accounts, canonical.JOURNEY_EVENTS, [
        ("f1", A, "2024-01-01"), ("f1", C, "2024-01-02"), ("f1", A, "2024-01-03"), ("f1", C, "2024-01-04"),
        ("f2", A, "2024-01-01"), ("f2", C, "2024-01-02"), ("f2", C, "2024-01-05"),   # repeat: one visit
        ("f3", A, "2024-01-01"),
    ])
    assert jn.map_summary(accounts)["accounts"] == 3
    on_map = bh.journey_accounts(accounts)
    assert ids(on_map) == ["f1", "f2", "f3"]
    assert on_map["value"].tolist() == ["Awareness → Consideration → Awareness → Consideration",
                                        "Awareness → Consideration", "Awareness"]
    moves = jn.transitions(accounts).set_index(["from_stage", "to_stage"])["accounts"].to_dict()
    assert moves == {(A, C): 2, (C, A): 1}
    made = bh.journey_accounts(accounts, move=(A, C))
    assert ids(made) == ["f1", "f2"] and made["moves"].tolist() == [2, 1]
    assert ids(bh.journey_accounts(accounts, move=(C, A))) == ["f1"]
    assert ids(bh.journey_accounts(accounts, path=[A, C])) == ["f2"]
    assert ids(bh.journey_accounts(accounts, segment=("tier", "SMB"))) == ["f1", "f3"]
    curve = jn.emotion_curve(accounts).set_index("stage")["accounts_reached"]
    assert (curve[A], curve[C], curve[D]) == (3, 2, 0)
    assert ids(bh.journey_accounts(accounts, stage=C)) == ["f1", "f2"]
    assert bh.journey_accounts(accounts, stage=D).empty


# ---------------------------------------------------------------------------------------------
# The sample company: every count of the existing pages equals the length of its list
# ---------------------------------------------------------------------------------------------

def test_sample_funnel_counts_equal_their_lists(sample: Workspace) -> None:
    spec = fn.FunnelSpec()
    result = fn.funnel(sample.con, spec, sample.settings)
    for row in result.table.itertuples(index=False):
        assert len(bh.funnel_accounts(sample.con, spec, row.step, "reached", sample.settings)) == row.accounts
        if row.step > 1:
            for which in ("dropped", "dropped_exited", "dropped_in_progress"):
                assert len(bh.funnel_accounts(sample.con, spec, row.step, which, sample.settings)) \
                    == getattr(row, which)
    split = fn.FunnelSpec(by="tier")
    for row in fn.funnel(sample.con, split, sample.settings).table.itertuples(index=False):
        assert len(bh.funnel_accounts(sample.con, split, row.step, "reached", sample.settings, row.segment)) \
            == row.accounts


def test_sample_scores_and_outcome_counts_equal_their_lists(sample: Workspace) -> None:
    con, cfg, settings = sample.con, sample.score_config, sample.settings
    for row in sc.band_summary(con, cfg, settings).itertuples(index=False):
        assert len(bh.band_accounts(con, cfg, row.band, settings)) == row.accounts
    counts = sc.trend_counts(con, cfg, "quarter", settings)
    for direction in bh.TREND_DIRECTIONS:
        assert len(bh.trend_accounts(con, cfg, "quarter", direction, settings)) == getattr(counts, direction)
    spec = oc.OutcomeSpec()
    for row in oc.quadrant_summary(con, spec, cfg, "tier", settings).itertuples(index=False):
        assert len(bh.quadrant_accounts(con, spec, cfg, row.quadrant, "tier", row.segment, settings)) == row.accounts
    nps = sv.nps(con, level="account", settings=settings).iloc[0]
    for group in bh.NPS_GROUPS:
        assert len(bh.nps_accounts(con, group, settings=settings)) == nps[group]


def test_sample_segment_and_journey_counts_equal_their_lists(sample: Workspace) -> None:
    con, settings = sample.con, sample.settings
    for row in sg.segment_overview(con, "region", settings).itertuples(index=False):
        assert len(bh.segment_accounts(con, "region", row.segment)) == row.accounts
    for row in sg.compare(con, "region", mean="arr", settings=settings).itertuples(index=False):
        assert len(bh.compare_accounts(con, "region", row.segment, mean="arr")) == row.n
    assert len(bh.journey_accounts(con, settings)) == jn.map_summary(con, settings)["accounts"]
    for row in jn.top_paths(con, 5, settings).itertuples(index=False):
        assert len(bh.journey_accounts(con, settings, path=list(row.stages))) == row.accounts
    for row in jn.emotion_curve(con, settings).itertuples(index=False):
        assert len(bh.journey_accounts(con, settings, stage=row.stage)) == row.accounts_reached
    for row in jn.transitions(con, settings).head(8).itertuples(index=False):
        assert len(bh.journey_accounts(con, settings, move=(row.from_stage, row.to_stage))) == row.accounts


# ---------------------------------------------------------------------------------------------
# Churn (the hand-worked journey of tests/test_churn.py)
# ---------------------------------------------------------------------------------------------

def test_churn_lists_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    from tests.test_churn import EVENTS

    canonical.create_table(con, canonical.ACCOUNTS, [
        ("A", "Alpha", None, 100.0, None, None, "Price", None, "acc.csv", 1, "Gold"),
        ("B", "Beta", None, 200.0, None, None, None, None, "acc.csv", 2, "Gold"),
        ("D", "Delta", None, 50.0, None, None, None, None, "acc.csv", 4, "Silver"),
        ("E", "Epsilon", None, 70.0, None, None, "Product fit", None, "acc.csv", 5, "Silver"),
    ], extra_columns=[("tier", "VARCHAR")])
    canonical.create_table(con, canonical.JOURNEY_EVENTS,
                           [(a, s, t, "event", "events.csv", i) for i, (a, s, t) in enumerate(EVENTS)])
    q1, q2, march = dt.datetime(2024, 1, 1), dt.datetime(2024, 4, 1), dt.datetime(2024, 3, 1)
    # Q1 2024: A, B and D are customers at its start (E signs at its first instant); A churns.
    active = bh.churn_accounts(con, q1, "active_start")
    assert ids(active) == ["A", "B", "D"] and active["value"].tolist() == [True, False, False]
    assert ids(bh.churn_accounts(con, q1, "churned")) == ["A"]
    assert ids(bh.churn_accounts(con, q2, "churned")) == ["D"]
    assert ids(bh.churn_accounts(con, march, "churned", period="month")) == ["E"]
    assert ids(bh.churn_accounts(con, q1, "active_start", by="tier", segment="Silver")) == ["D"]
    # The window from 1 Jan 2024 through the as-of date (1 Aug 2024): A, B, D at its start; A and D churn.
    window = bh.churn_window_accounts(con, q1)
    assert ids(window) == ["A", "B", "D"] and window["value"].tolist() == [True, False, True]
    assert ids(bh.churn_window_accounts(con, q1, q2, "churned")) == ["A"]
    assert len(bh.churn_window_accounts(con, q1, None, "churned", "tier", "Gold")) == \
        int(churn.churn_window(con, q1, by="tier").set_index("segment").loc["Gold", "churned"]) == 1
    for period in ("quarter", "month"):
        for row in churn.churn_rates(con, period, "tier").itertuples(index=False):
            for which in ("active_start", "churned"):
                got = bh.churn_accounts(con, row.period_start.to_pydatetime(), which, period, "tier", row.segment)
                assert len(got) == getattr(row, which)


def test_churn_flag_lists_by_hand(accounts) -> None:
    for account, flag in (("f1", True), ("f2", False), ("f3", True), ("f5", None)):   # f4: no flag either
        accounts.execute("UPDATE accounts SET churned = ? WHERE account_id = ?", [flag, account])
    share = churn.churned_share(accounts, by="tier").set_index("segment")
    assert share[["accounts", "churned"]].to_dict("index") == {"ENT": {"accounts": 1, "churned": 0},
                                                               "SMB": {"accounts": 2, "churned": 2}}
    assert ids(bh.flagged_accounts(accounts, "churned")) == ["f1", "f3"]
    assert ids(bh.flagged_accounts(accounts, "accounts", "tier", "ENT")) == ["f2"]
    assert ids(bh.flagged_accounts(accounts, "unknown")) == ["f4", "f5"]
