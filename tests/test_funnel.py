"""Funnel definitions on small fixtures computed by hand, and agreement with the pandas reference.

Dates are 2024 unless said; "d3" in a comment means the entry is on 2024-01-03.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cxlib import canonical, workspace
from cxlib.errors import MetricError
from cxlib.funnel import (
    CLI_COLUMNS,
    FunnelSpec,
    cli_table,
    cohorts,
    dropoff_accounts,
    funnel,
    time_to_convert,
)
from cxlib.settings import Settings
from tests.pandas_reference import ordered_funnel

A, C, D, DL, U = "Awareness", "Consideration", "Decision", "Delivery", "Usage"
NAN = float("nan")
COUNTS = ["step", "stage", "accounts", "conversion_from_previous", "conversion_from_first",
          "dropped", "dropped_exited", "dropped_in_progress"]
TIMES = ["step", "median_days_from_previous", "p90_days_from_previous", "km_median_days_from_previous",
         "converted_n", "censored_n"]


def counts(rows: list[tuple], segment: bool = False) -> pd.DataFrame:
    """Expected count columns; `rows` are (step, stage, accounts, conv_prev, conv_first, dropped, exited, in progress)."""
    cols = (["segment"] if segment else []) + COUNTS
    df = pd.DataFrame(rows, columns=cols)
    df = df.astype({"step": "int64", "accounts": "int64", "conversion_from_previous": "float64",
                    "conversion_from_first": "float64", "dropped": "int64", "dropped_exited": "int64",
                    "dropped_in_progress": "int64"})
    return df.astype({"stage": "str", **({"segment": "str"} if segment else {})})


def times(rows: list[tuple]) -> pd.DataFrame:
    """Expected time columns; `rows` are (step, median, p90, km median, converted_n, censored_n)."""
    df = pd.DataFrame(rows, columns=TIMES).astype({"step": "int64", "median_days_from_previous": "float64",
                                                   "p90_days_from_previous": "float64",
                                                   "km_median_days_from_previous": "float64"})
    df["converted_n"] = pd.array(df["converted_n"], dtype="Int64")
    df["censored_n"] = pd.array(df["censored_n"], dtype="Int64")
    return df


def events(con, rows: list[tuple]) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, rows)


# ---------------------------------------------------------------------------------------------
# ordered (default)
# ---------------------------------------------------------------------------------------------

ORDERED_FIXTURE = [
    # a1: a repeated Consideration; reaches all three steps (d1 -> d3 -> d10).
    ("a1", A, "2024-01-01"), ("a1", C, "2024-01-03"), ("a1", C, "2024-01-05"), ("a1", D, "2024-01-10"),
    # a2: skips Consideration to Decision d2, then Consideration d4: Decision never comes after it.
    ("a2", A, "2024-01-01"), ("a2", D, "2024-01-02"), ("a2", C, "2024-01-04"),
    # a3: a return: Consideration d1 before Awareness d2, then Consideration d6 and Decision d8.
    ("a3", C, "2024-01-01"), ("a3", A, "2024-01-02"), ("a3", C, "2024-01-06"), ("a3", D, "2024-01-08"),
    # a4: churns (d7) after Awareness (d5).
    ("a4", A, "2024-01-05"), ("a4", "Churn", "2024-01-07"),
    # a5: no Awareness entry at all.
    ("a5", D, "2024-01-01"),
]


@pytest.mark.parametrize("force_lists", [False, True])
def test_ordered_repeats_returns_skips(con, force_lists: bool) -> None:
    events(con, ORDERED_FIXTURE)
    result = funnel(con, FunnelSpec(steps=[A, C, D]), _force_lists=force_lists)
    assert_frame_equal(result.table[COUNTS], counts([
        (1, A, 4, 1.0, 1.0, 0, 0, 0),
        (2, C, 3, 0.75, 0.75, 1, 1, 0),        # a4 dropped, and churned after Awareness
        (3, D, 2, 2 / 3, 0.5, 1, 0, 1),         # a2 dropped, still in progress
    ]))
    # Step 2: a1 2 d, a2 3 d, a3 4 d; a4 censored at its churn, 2 d after Awareness.
    # KM: S(2) = 3/4, S(3) = 3/4 * 1/2 = 0.375 <= 0.5, so 3 d.
    # Step 3: a1 7 d, a3 2 d; a2 censored at the as-of date d10, 6 d after d4.
    # KM: S(2) = 2/3, S(7) = 0, so 7 d.
    assert_frame_equal(result.table[TIMES], times([
        (1, NAN, NAN, NAN, None, None),
        (2, 3.0, 3.8, 3.0, 3, 1),
        (3, 4.5, 6.5, 7.0, 2, 1),
    ]))
    assert result.no_step1_accounts == 1
    assert result.notes == ["1 account has no step-1 entry (Awareness)."]
    assert result.as_of == dt.datetime(2024, 1, 10)


def test_strict_breaks_on_any_entry_between(con) -> None:
    events(con, ORDERED_FIXTURE)
    table = funnel(con, FunnelSpec(steps=[A, C, D], mode="strict")).table
    # a1: Consideration d5 lies between Consideration d3 and Decision d10 -> stops at 2.
    # a2: Decision d2 lies between Awareness d1 and Consideration d4 -> stops at 1.
    # a3: Awareness d2, Consideration d6, Decision d8, nothing between -> 3. a4: 1.
    assert_frame_equal(table[COUNTS], counts([
        (1, A, 4, 1.0, 1.0, 0, 0, 0),
        (2, C, 2, 0.5, 0.5, 2, 1, 1),
        (3, D, 1, 0.5, 0.25, 1, 0, 1),
    ]))


def test_strict_tries_every_start(con) -> None:
    # The first Awareness is followed by Usage, so only the second start reaches Consideration.
    events(con, [("s1", A, "2024-01-01"), ("s1", U, "2024-01-02"), ("s1", A, "2024-01-03"),
                 ("s1", C, "2024-01-04")])
    table = funnel(con, FunnelSpec(steps=[A, C], mode="strict")).table
    assert_frame_equal(table[COUNTS], counts([(1, A, 1, 1.0, 1.0, 0, 0, 0), (2, C, 1, 1.0, 1.0, 0, 0, 0)]))
    assert table["median_days_from_previous"].tolist() == [pytest.approx(NAN, nan_ok=True), 1.0]


def test_any_order_takes_earliest_entries(con) -> None:
    events(con, ORDERED_FIXTURE)
    table = funnel(con, FunnelSpec(steps=[A, C, D], mode="any")).table
    # Every account but a4 has all three stages in some order.
    assert_frame_equal(table[COUNTS], counts([
        (1, A, 4, 1.0, 1.0, 0, 0, 0),
        (2, C, 3, 0.75, 0.75, 1, 1, 0),
        (3, D, 3, 1.0, 0.75, 0, 0, 0),
    ]))
    # Days Awareness -> Consideration: a1 2, a2 3, a3 -1 (Consideration came first).
    assert table.loc[1, "median_days_from_previous"] == 2.0


def test_same_time_entries_are_in_order(con) -> None:
    # Consideration is listed before Awareness but on the same date: ties count as in order.
    events(con, [("t1", C, "2024-01-01"), ("t1", A, "2024-01-01"), ("t2", A, "2024-01-01")])
    table = funnel(con, FunnelSpec(steps=[A, C])).table
    assert_frame_equal(table[COUNTS], counts([(1, A, 2, 1.0, 1.0, 0, 0, 0), (2, C, 1, 0.5, 0.5, 1, 0, 1)]))
    assert table.loc[1, "median_days_from_previous"] == 0.0


@pytest.mark.parametrize("mode", ["ordered", "strict", "any"])
def test_stage_listed_twice_needs_two_entries(con, mode: str) -> None:
    events(con, [
        ("b1", A, "2024-01-01"), ("b1", C, "2024-01-02"), ("b1", A, "2024-01-03"),   # A C A
        ("b2", A, "2024-01-01"), ("b2", C, "2024-01-02"),                            # only one A
        ("b3", A, "2024-01-01"), ("b3", A, "2024-01-01"), ("b3", C, "2024-01-01"),   # two A, same day
        ("b4", A, "2024-01-01"), ("b4", C, "2024-01-01"),                            # one A, same day
    ])
    table = funnel(con, FunnelSpec(steps=[A, C, A], mode=mode)).table
    assert_frame_equal(table[COUNTS], counts([
        (1, A, 4, 1.0, 1.0, 0, 0, 0),
        (2, C, 4, 1.0, 1.0, 0, 0, 0),
        (3, A, 2, 0.5, 0.5, 2, 0, 2),
    ]))


# ---------------------------------------------------------------------------------------------
# window, date range, defaults, empty input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("force_lists", [False, True])
def test_window_exactly_w_is_in_one_second_more_is_out(con, force_lists: bool) -> None:
    events(con, [
        ("w1", A, "2024-01-01 00:00:00"), ("w1", C, "2024-01-08 00:00:00"),   # exactly 7 days: in
        ("w2", A, "2024-01-01 00:00:00"), ("w2", C, "2024-01-08 00:00:01"),   # 7 days + 1 s: out
        # The first start is 24 days away; the second start (d20) converts in 5 days.
        ("w3", A, "2024-01-01"), ("w3", A, "2024-01-20"), ("w3", C, "2024-01-25"),
    ])
    table = funnel(con, FunnelSpec(steps=[A, C], window_days=7), _force_lists=force_lists).table
    assert_frame_equal(table[COUNTS], counts([(1, A, 3, 1.0, 1.0, 0, 0, 0), (2, C, 2, 2 / 3, 2 / 3, 1, 0, 1)]))
    assert table.loc[1, "median_days_from_previous"] == 6.0   # 7 and 5 days


def test_window_in_fractional_days(con) -> None:
    events(con, [("h1", A, "2024-01-01 00:00"), ("h1", C, "2024-01-01 12:00"),
                 ("h2", A, "2024-01-01 00:00"), ("h2", C, "2024-01-01 12:00:01")])
    table = funnel(con, FunnelSpec(steps=[A, C], window_days=0.5)).table
    assert table["accounts"].tolist() == [2, 1]


@pytest.mark.parametrize("mode", ["ordered", "any"])
def test_window_any_mode_spans_earliest_to_latest(con, mode: str) -> None:
    # any: Consideration d1 and Awareness d5 are within 7 days of each other.
    events(con, [("y1", C, "2024-01-01"), ("y1", A, "2024-01-05"), ("y2", A, "2024-01-01"), ("y2", C, "2024-01-20")])
    table = funnel(con, FunnelSpec(steps=[A, C], mode=mode, window_days=7)).table
    assert table["accounts"].tolist() == ([2, 1] if mode == "any" else [2, 0])


def test_date_range_applies_to_step1_only(con) -> None:
    events(con, [
        ("r1", A, "2024-01-15"), ("r1", C, "2024-02-10"),                           # Awareness before the range
        ("r2", A, "2024-02-05"), ("r2", C, "2024-03-20"),                           # Consideration after it: counts
        ("r3", A, "2024-01-10"), ("r3", A, "2024-02-20"), ("r3", C, "2024-02-25"),  # starts at the in-range entry
        ("r4", A, "2024-02-29 23:00"),                                              # last day of the range: in
        ("r5", A, "2024-03-01"),                                                    # after the range
    ])
    result = funnel(con, FunnelSpec(steps=[A, C], date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29)))
    assert_frame_equal(result.table[COUNTS], counts([(1, A, 3, 1.0, 1.0, 0, 0, 0),
                                                     (2, C, 2, 2 / 3, 2 / 3, 1, 0, 1)]))
    assert result.table.loc[1, "median_days_from_previous"] == (44.0 + 5.0) / 2
    assert result.notes == ["0 accounts have no step-1 entry (Awareness).",
                            "2 accounts have Awareness entries only outside the date range."]


def test_default_steps_start_at_first_stage_with_data(con) -> None:
    # A CS export that starts at Delivery; one account only has Usage.
    events(con, [("c1", DL, "2024-01-01"), ("c1", U, "2024-01-11"), ("c2", DL, "2024-01-05"), ("c3", U, "2024-01-02")])
    result = funnel(con)
    assert result.steps == [DL, U, "Loyalty", "Advocacy"]
    assert result.notes == [
        "No account has an entry of Awareness, Consideration, Decision; the funnel starts at Delivery.",
        "1 account has no step-1 entry (Delivery).",
    ]
    assert result.table["accounts"].tolist() == [2, 1, 0, 0]
    assert result.no_step1_accounts == 1


def test_picked_steps_without_step1_data_give_zero_counts_and_say_so(con) -> None:
    events(con, [("c1", DL, "2024-01-01")])
    result = funnel(con, FunnelSpec(steps=[A, DL]))
    assert_frame_equal(result.table[COUNTS], counts([(1, A, 0, NAN, NAN, 0, 0, 0), (2, DL, 0, NAN, NAN, 0, 0, 0)]))
    assert result.notes == ["1 account has no step-1 entry (Awareness)."]


def test_empty_input_is_a_helpful_error(con) -> None:
    with pytest.raises(MetricError, match="No journey events are loaded"):
        funnel(con)
    with pytest.raises(MetricError, match="No stage snapshot"):
        funnel(con, FunnelSpec(source="snapshot"))


def test_bad_specs_are_named(con) -> None:
    events(con, [("a", A, "2024-01-01")])
    with pytest.raises(MetricError, match="at most 20 steps; 21 were picked"):
        funnel(con, FunnelSpec(steps=[A] * 21))
    with pytest.raises(MetricError, match="Unknown stage 'Onboarding'"):
        funnel(con, FunnelSpec(steps=[A, "Onboarding"]))
    with pytest.raises(MetricError, match=r"Column 'tier' is not in the accounts table; available: account_id"):
        funnel(con, FunnelSpec(steps=[A], by="tier"))
    with pytest.raises(MetricError, match="window must be a number of days >= 0"):
        funnel(con, FunnelSpec(window_days=-1))
    with pytest.raises(MetricError, match="from 2024-02-01 is after to 2024-01-01"):
        funnel(con, FunnelSpec(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 1, 1)))
    with pytest.raises(MetricError, match="step from 1 to 1"):
        dropoff_accounts(con, FunnelSpec(steps=[A, C]), step=2)
    with pytest.raises(MetricError, match="1 <= from < to <= 2"):
        time_to_convert(con, FunnelSpec(steps=[A, C]), 2, 1)


# ---------------------------------------------------------------------------------------------
# drop-offs, KM, weights, breakdown
# ---------------------------------------------------------------------------------------------

DROP_EVENTS = [
    ("d1", A, "2024-03-01"), ("d1", "Churn", "2024-03-10"),           # exited
    ("d2", A, "2024-03-05"),                                          # in progress
    ("d3", A, "2024-03-01"), ("d3", C, "2024-03-02"),                 # converted
    ("d4", A, "2024-03-08"), ("d4", "Lost deal", "2024-03-09"),       # a lost deal ends the funnel too
    ("d5", "Disappointment", "2024-03-01"), ("d5", A, "2024-03-12"),  # the exit came before: in progress
]
DROP_ACCOUNTS = [
    ("d1", "Delta Co", None, 1000.0, None, "2024-12-31", None, None, None, 1, "SMB", "Ann"),
    ("d2", "Echo Ltd", None, None, None, None, None, None, None, 2, "Enterprise", "Bo"),
    ("d3", "Fox plc", None, 500.0, None, None, None, None, None, 3, "SMB", "Ann"),
    ("d4", "Golf AG", None, 250.0, None, "2025-01-31", None, None, None, 4, None, None),
]
SEGMENT_COLUMNS = [("tier", "VARCHAR"), ("csm", "VARCHAR")]
MARCH_END = Settings(as_of=dt.datetime(2024, 3, 31))


def test_dropped_split_into_exited_and_in_progress(con) -> None:
    events(con, DROP_EVENTS)
    table = funnel(con, FunnelSpec(steps=[A, C]), MARCH_END).table
    assert_frame_equal(table[COUNTS], counts([(1, A, 5, 1.0, 1.0, 0, 0, 0), (2, C, 1, 0.2, 0.2, 4, 2, 2)]))


def test_an_exit_as_a_step_is_not_its_own_drop_reason(con) -> None:
    events(con, [("q1", A, "2024-01-01"), ("q1", "Churn", "2024-01-05"),
                 ("q2", A, "2024-01-01"), ("q2", "Disappointment", "2024-01-02"),
                 ("q3", A, "2024-01-01"), ("q3", "Churn", "2024-01-03"), ("q3", "Churn", "2024-01-03")])
    table = funnel(con, FunnelSpec(steps=[A, "Churn", "Churn"])).table
    # q2 left through Disappointment; q1 reached Churn once and nothing came after it (in progress
    # for the second Churn step); q3 has two Churn entries at the same time, so both steps.
    assert_frame_equal(table[COUNTS], counts([(1, A, 3, 1.0, 1.0, 0, 0, 0),
                                              (2, "Churn", 2, 2 / 3, 2 / 3, 1, 1, 0),
                                              (3, "Churn", 1, 0.5, 1 / 3, 1, 0, 1)]))


def test_dropoff_list(con) -> None:
    events(con, DROP_EVENTS)
    canonical.create_table(con, canonical.ACCOUNTS, DROP_ACCOUNTS, SEGMENT_COLUMNS)
    got = dropoff_accounts(con, FunnelSpec(steps=[A, C]), step=1, settings=MARCH_END)
    expected = pd.DataFrame({
        "account_id": ["d1", "d2", "d4", "d5"],
        "name": ["Delta Co", "Echo Ltd", "Golf AG", None],
        "reached_at": pd.to_datetime(["2024-03-01", "2024-03-05", "2024-03-08", "2024-03-12"]).astype("datetime64[us]"),
        "days_since": [30.0, 26.0, 23.0, 19.0],
        "status": ["exited", "in progress", "exited", "in progress"],
        "arr": [1000.0, NAN, 250.0, NAN],
        "renewal_date": pd.to_datetime(["2024-12-31", None, "2025-01-31", None]).astype("datetime64[us]"),
        "tier": ["SMB", "Enterprise", None, None],
        "csm": ["Ann", "Bo", None, None],
    })
    assert_frame_equal(got, expected, check_dtype=False)
    assert got["days_since"].dtype == "float64"


def test_kaplan_meier_median_counts_censored(con) -> None:
    events(con, [
        ("k1", A, "2024-01-01"), ("k1", C, "2024-01-03"),          # converts in 2 days
        ("k2", A, "2024-01-01"), ("k2", C, "2024-01-05"),          # 4 days
        ("k3", A, "2024-01-29"),                                   # in progress: censored at 3 days
        ("k4", A, "2024-01-01"), ("k4", C, "2024-01-07"),          # 6 days
        ("k5", A, "2024-01-01"), ("k5", "Churn", "2024-01-06"),   # exited: censored at 5 days
    ])
    table = funnel(con, FunnelSpec(steps=[A, C]), Settings(as_of=dt.datetime(2024, 2, 1))).table
    # Times 2, 3+, 4, 5+, 6: S(2) = 4/5, S(4) = 4/5 * 2/3 = 0.533, S(6) = 0 -> KM median 6 days,
    # while the median over converters alone (2, 4, 6) says 4.
    assert_frame_equal(table[TIMES], times([(1, NAN, NAN, NAN, None, None), (2, 4.0, 5.6, 6.0, 3, 2)]))


def test_kaplan_meier_never_reaching_half_is_empty(con) -> None:
    events(con, [("k1", A, "2024-01-01"), ("k1", C, "2024-01-02"), ("k2", A, "2024-01-01"),
                 ("k3", A, "2024-01-01")])
    table = funnel(con, FunnelSpec(steps=[A, C]), Settings(as_of=dt.datetime(2024, 2, 1))).table
    assert np.isnan(table.loc[1, "km_median_days_from_previous"])   # S = 2/3 after the only event


def test_arr_weighting(con) -> None:
    events(con, [("x1", A, "2024-01-01"), ("x1", C, "2024-01-02"), ("x2", A, "2024-01-01"),
                 ("x3", A, "2024-01-01"), ("x3", C, "2024-01-03"), ("x4", A, "2024-01-01")])
    canonical.create_table(con, canonical.ACCOUNTS, [("x1", "One", None, 100.0), ("x2", "Two", None, 50.0),
                                                     ("x4", "Four", None, None)])
    result = funnel(con, FunnelSpec(steps=[A, C], weight="arr"))
    expected = counts([(1, A, 0, 1.0, 1.0, 0, 0, 0), (2, C, 0, 2 / 3, 2 / 3, 0, 0, 0)])
    expected = expected.astype({"accounts": "float64", "dropped": "float64", "dropped_exited": "float64",
                                "dropped_in_progress": "float64"})
    expected["accounts"] = [150.0, 100.0]
    expected["dropped"] = [0.0, 50.0]
    expected["dropped_in_progress"] = [0.0, 50.0]
    assert_frame_equal(result.table[COUNTS], expected)
    assert result.table["n"].tolist() == [4, 2]   # the account counts stay beside the ARR
    assert result.notes == ["0 accounts have no step-1 entry (Awareness).",
                            "ARR weight 0 for 1 account missing from the accounts table.",
                            "ARR weight 0 for 1 account without ARR."]


def test_breakdown_with_none_segment_sums_to_unbroken_funnel(con) -> None:
    events(con, DROP_EVENTS + [("d6", A, "2024-03-02"), ("d6", C, "2024-03-03")])
    canonical.create_table(con, canonical.ACCOUNTS, DROP_ACCOUNTS + [
        ("d6", "Hotel", None, 10.0, None, None, None, None, None, 6, "SMB", "Ann")], SEGMENT_COLUMNS)
    result = funnel(con, FunnelSpec(steps=[A, C], by="tier"), MARCH_END)
    # d4 has no tier and d5 is missing from accounts: both go to "(none)", listed last.
    assert_frame_equal(result.table[["segment"] + COUNTS], counts([
        ("Enterprise", 1, A, 1, 1.0, 1.0, 0, 0, 0),
        ("Enterprise", 2, C, 0, 0.0, 0.0, 1, 0, 1),
        ("SMB", 1, A, 3, 1.0, 1.0, 0, 0, 0),
        ("SMB", 2, C, 2, 2 / 3, 2 / 3, 1, 1, 0),
        ("(none)", 1, A, 2, 1.0, 1.0, 0, 0, 0),
        ("(none)", 2, C, 0, 0.0, 0.0, 2, 1, 1),
    ], segment=True))
    assert result.notes[-1] == "Shown under (none): 1 account missing from the accounts table."
    whole = funnel(con, FunnelSpec(steps=[A, C]), MARCH_END).table
    summed = result.table.groupby("step")[["accounts", "dropped", "dropped_exited", "dropped_in_progress"]].sum()
    assert_frame_equal(summed.reset_index(drop=True),
                       whole[["accounts", "dropped", "dropped_exited", "dropped_in_progress"]])


def test_duplicate_account_rows_use_the_first(con) -> None:
    events(con, [("z1", A, "2024-01-01")])
    canonical.create_table(con, canonical.ACCOUNTS, [
        ("z1", "Zed", None, 1.0, None, None, None, None, None, 2, "Late"),
        ("z1", "Zed", None, 1.0, None, None, None, None, None, 1, "Early")], [("tier", "VARCHAR")])
    table = funnel(con, FunnelSpec(steps=[A], by="tier")).table
    assert table["segment"].tolist() == ["Early"]


# ---------------------------------------------------------------------------------------------
# snapshots
# ---------------------------------------------------------------------------------------------

def test_snapshot_mode(con) -> None:
    canonical.create_table(con, canonical.STAGE_SNAPSHOTS, [
        ("s1", A, "2024-02-29"), ("s1", D, "2024-03-31"),     # the latest snapshot row counts: Decision
        ("s2", A, "2024-03-31"),
        ("s3", "Churn", "2024-03-31", C),                     # left after Consideration
        ("s4", "Churn", "2024-03-31"),                        # left, last stage unknown
        ("s5", U, "2024-03-31"),
        ("s6", "Someday", "2024-03-31"),                      # not a stage of the journey
    ])
    result = funnel(con, FunnelSpec(steps=[A, C, D, DL], source="snapshot"))
    assert_frame_equal(result.table[COUNTS], counts([
        (1, A, 4, 1.0, 1.0, 0, 0, 0),
        (2, C, 3, 0.75, 0.75, 1, 0, 1),      # s2 is still at Awareness
        (3, D, 2, 2 / 3, 0.5, 1, 1, 0),      # s3 churned after Consideration
        (4, DL, 1, 0.5, 0.25, 1, 0, 1),      # s1 is still at Decision
    ]))
    assert result.table["median_days_from_previous"].isna().all()
    assert result.exited_unknown == 1
    assert result.as_of == dt.datetime(2024, 3, 31)
    assert result.notes == [
        "0 accounts have no step-1 entry (their current stage is before Awareness).",
        "Exited (last stage unknown): 1 account on an exit stage with no last funnel stage.",
        "Outside the funnel: 1 account at a stage that is neither a funnel stage nor an exit.",
    ]


def test_snapshot_needs_steps_in_journey_order(con) -> None:
    canonical.create_table(con, canonical.STAGE_SNAPSHOTS, [("s1", A, "2024-03-31")])
    with pytest.raises(MetricError, match="distinct funnel stages in journey order"):
        funnel(con, FunnelSpec(steps=[D, A], source="snapshot"))


def test_stacked_monthly_snapshots_are_events(con) -> None:
    # Monthly snapshot rows become events (resolution 'monthly'): the first month at a stage is its entry.
    events(con, [
        ("m1", A, "2024-01-31", "monthly"), ("m1", A, "2024-02-29", "monthly"), ("m1", C, "2024-03-31", "monthly"),
        ("m2", A, "2024-01-31", "monthly"), ("m2", A, "2024-02-29", "monthly"), ("m2", A, "2024-03-31", "monthly"),
    ])
    result = funnel(con, FunnelSpec(steps=[A, C]))
    assert_frame_equal(result.table[COUNTS], counts([(1, A, 2, 1.0, 1.0, 0, 0, 0), (2, C, 1, 0.5, 0.5, 1, 0, 1)]))
    assert result.table.loc[1, "median_days_from_previous"] == 60.0


# ---------------------------------------------------------------------------------------------
# cohorts, time to convert, CLI contract
# ---------------------------------------------------------------------------------------------

COHORT_EVENTS = [
    ("c1", A, "2024-01-05"), ("c1", C, "2024-01-20"),   # 15 days: within 30
    ("c2", A, "2024-01-10"), ("c2", C, "2024-03-01"),   # 51 days: reached, but after the horizon
    ("c3", A, "2024-01-31"),
    ("c4", A, "2024-02-10"), ("c4", C, "2024-02-12"),
]


def test_cohorts_within_horizon_and_incomplete(con) -> None:
    events(con, COHORT_EVENTS)
    got = cohorts(con, FunnelSpec(steps=[A, C]), "month", horizon_days=30,
                  settings=Settings(as_of=dt.datetime(2024, 3, 20), min_n=3))
    expected = pd.DataFrame({
        "period": ["2024-01", "2024-01", "2024-02", "2024-02"],
        "period_start": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-02-01"]).astype("datetime64[us]"),
        "step": [1, 2, 1, 2],
        "stage": [A, C, A, C],
        "cohort_accounts": [3, 3, 1, 1],
        "converted": [3, 1, 1, 1],
        "conversion": [1.0, 1 / 3, 1.0, 1.0],
        "low_n": [False, False, True, True],
        # January + 30 days ended by 2024-03-02; February's would end 2024-03-31, after the as-of date.
        "complete": [True, True, False, False],
    }).astype({"period": "str", "stage": "str"})
    assert_frame_equal(got, expected)


def test_cohorts_by_fiscal_quarter_and_week(con) -> None:
    events(con, COHORT_EVENTS)
    april = Settings(as_of=dt.datetime(2024, 12, 31), fiscal_year_start_month=4)
    got = cohorts(con, FunnelSpec(steps=[A, C]), "quarter", horizon_days=30, settings=april)
    # Jan-Mar 2024 is the last quarter of the fiscal year April 2023 - March 2024 ("FY2024").
    assert got["period"].tolist() == ["FY2024 Q4", "FY2024 Q4"]
    assert got["period_start"].tolist() == [pd.Timestamp("2024-01-01")] * 2
    assert got["converted"].tolist() == [4, 2]
    weeks = cohorts(con, FunnelSpec(steps=[A, C]), "week", horizon_days=30, settings=april)
    assert weeks[weeks["step"] == 1]["period"].tolist() == ["2024-W01", "2024-W02", "2024-W05", "2024-W06"]


def test_cohorts_need_dated_events(con) -> None:
    canonical.create_table(con, canonical.STAGE_SNAPSHOTS, [("s1", A, "2024-03-31")])
    with pytest.raises(MetricError, match="Cohorts need dated journey events"):
        cohorts(con, FunnelSpec(source="snapshot"))


def test_time_to_convert_between_any_two_steps(con) -> None:
    events(con, ORDERED_FIXTURE)
    got = time_to_convert(con, FunnelSpec(steps=[A, C, D]), 1, 3)
    assert_frame_equal(got, pd.DataFrame({"account_id": ["a3", "a1"], "days": [6.0, 9.0]}), check_dtype=False)


def test_cli_column_contract(con) -> None:
    events(con, DROP_EVENTS)
    canonical.create_table(con, canonical.ACCOUNTS, DROP_ACCOUNTS, SEGMENT_COLUMNS)
    plain = cli_table(funnel(con, FunnelSpec(steps=[A, C]), MARCH_END))
    assert list(plain.columns) == CLI_COLUMNS[1:]
    broken = cli_table(funnel(con, FunnelSpec(steps=[A, C], by="tier"), MARCH_END))
    assert list(broken.columns) == CLI_COLUMNS
    assert plain["step"].tolist() == [1, 2]
    conv = pd.concat([broken["conversion_from_previous"], broken["conversion_from_first"]]).dropna()
    assert ((conv >= 0) & (conv <= 1)).all()


# ---------------------------------------------------------------------------------------------
# property: the SQL funnel agrees with the pandas reference
# ---------------------------------------------------------------------------------------------

STAGE_POOL = [A, C, D, "Churn"]
event_sets = st.lists(
    st.tuples(st.sampled_from(["p1", "p2", "p3", "p4", "p5"]), st.sampled_from(STAGE_POOL),
              st.integers(0, 12), st.sampled_from([0, 0, 6, 12])),
    min_size=1, max_size=30)
step_lists = st.lists(st.sampled_from([A, C, D]), min_size=1, max_size=5)


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([(a, s, dt.datetime(2024, 1, 1) + dt.timedelta(days=d, hours=h)) for a, s, d, h in rows],
                        columns=["account_id", "stage", "ts"])


@given(rows=event_sets, steps=step_lists, window=st.sampled_from([None, 0, 1, 2.5, 5]),
       date_from=st.sampled_from([None, dt.date(2024, 1, 3)]), mode=st.sampled_from(["ordered", "strict", "any"]))
def test_ordered_funnel_agrees_with_pandas_reference(rows, steps, window, date_from, mode) -> None:
    frame = _frame(rows)
    con = workspace.connect(memory_limit="256MB", threads=1)
    try:
        canonical.create_table(con, canonical.JOURNEY_EVENTS, frame.itertuples(index=False))
        spec = FunnelSpec(steps=steps, window_days=window, date_from=date_from)
        got = funnel(con, spec).table
        ref = ordered_funnel(frame, steps, window_days=window, date_from=date_from)
        assert got["accounts"].tolist() == ref["accounts"].tolist()
        assert np.allclose(got["median_days_from_previous"], ref["median_days_from_previous"], equal_nan=True)
        assert np.allclose(got["p90_days_from_previous"], ref["p90_days_from_previous"], equal_nan=True)
        # The per-account lists give the same table as the min-based fast path, in every mode.
        spec.mode = mode
        assert_frame_equal(funnel(con, spec).table, funnel(con, spec, _force_lists=True).table)
    finally:
        con.close()
