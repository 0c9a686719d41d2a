"""Logo and revenue churn on a small journey worked out by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib import canonical, churn, dimensions
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.stages import Stage

D = dt.datetime
RATE_COLS = ["period_start", "active_start", "churned", "logo_churn", "ci_low", "ci_high",
             "arr_active_start", "arr_churned", "revenue_churn", "low_n", "partial"]

# A: customer from Jun 2023, churns 15 Feb 2024 (ARR 100, reason Price, Gold)
# B: customer from Nov 2023, stays (ARR 200, Gold)
# C: a lost deal: never a customer, never churn
# D: customer from 15 Dec 2023, disappointed in March, churns 10 May 2024, returns 1 Aug 2024
#    (ARR 50, no reason given, Silver)
# E: signs at the first instant of Q1 2024 (so not active at its start), churns 1 Mar 2024
#    (ARR 70, reason Product fit, Silver)
# F: went Consideration → Disappointment → Churn without signing: not a customer, not churn
# The as-of date is the latest event, 1 Aug 2024.
EVENTS = [
    ("A", "Decision", D(2023, 6, 1)), ("A", "Usage", D(2023, 9, 1)), ("A", "Churn", D(2024, 2, 15)),
    ("B", "Decision", D(2023, 11, 1)),
    ("C", "Consideration", D(2023, 10, 1)), ("C", "Lost deal", D(2023, 12, 1)),
    ("D", "Decision", D(2023, 12, 15)), ("D", "Disappointment", D(2024, 3, 1)),
    ("D", "Churn", D(2024, 5, 10)), ("D", "Decision", D(2024, 8, 1)),
    ("E", "Decision", D(2024, 1, 1)), ("E", "Churn", D(2024, 3, 1)),
    ("F", "Consideration", D(2023, 5, 1)), ("F", "Disappointment", D(2023, 8, 1)), ("F", "Churn", D(2023, 9, 1)),
]


@pytest.fixture
def journey(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    canonical.create_table(con, canonical.ACCOUNTS, [
        ("A", "Alpha", "Churn", 100.0, None, None, "Price", None, "acc.csv", 1, "Gold"),
        ("B", "Beta", "Usage", 200.0, None, None, None, None, "acc.csv", 2, "Gold"),
        ("C", "Gamma", "Lost deal", None, None, None, None, None, "acc.csv", 3, "Silver"),
        ("D", "Delta", "Decision", 50.0, None, None, None, None, "acc.csv", 4, "Silver"),
        ("E", "Epsilon", "Churn", 70.0, None, None, "Product fit", None, "acc.csv", 5, "Silver"),
        ("F", "Phi", "Churn", 10.0, None, None, "Price", None, "acc.csv", 6, "Silver"),
    ], extra_columns=[("tier", "VARCHAR")])
    canonical.create_table(con, canonical.JOURNEY_EVENTS,
                           [(a, s, t, "event", "events.csv", i) for i, (a, s, t) in enumerate(EVENTS)])
    return con


def frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for c in ("active_start", "churned"):
        df[c] = df[c].astype("int64")
    df["period_start"] = df["period_start"].astype("datetime64[us]")
    return df


def check(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    result = result.astype({"period_start": "datetime64[us]"})
    assert_frame_equal(result, expected, check_exact=False, rtol=1e-4, atol=1e-4)


def test_quarterly_logo_and_revenue_churn(journey: duckdb.DuckDBPyConnection) -> None:
    # Q3/Q4 2023: only A active. Q1 2024: A, B, D active (E signs at the first instant), A churns:
    # 1/3, ARR 100/350. Q2: B and D active, D churns: 1/2, ARR 50/250. Q3 2024: B (D returns
    # in August, after the start), cut off by the as-of date. Wilson 1/3 → [0.0615, 0.7923].
    expected = frame([
        [D(2023, 7, 1), 1, 0, 0.0, 0.0, 0.7935, 100.0, 0.0, 0.0, True, False],
        [D(2023, 10, 1), 1, 0, 0.0, 0.0, 0.7935, 100.0, 0.0, 0.0, True, False],
        [D(2024, 1, 1), 3, 1, 1 / 3, 0.0615, 0.7923, 350.0, 100.0, 100 / 350, True, False],
        [D(2024, 4, 1), 2, 1, 0.5, 0.0945, 0.9055, 250.0, 50.0, 0.2, True, False],
        [D(2024, 7, 1), 1, 0, 0.0, 0.0, 0.7935, 200.0, 0.0, 0.0, True, True],
    ], RATE_COLS)
    check(churn.churn_rates(journey), expected)


def test_monthly_churn_counts_a_customer_from_the_month_after_signing(journey: duckdb.DuckDBPyConnection) -> None:
    result = churn.churn_rates(journey, period="month")
    feb_mar = result[result["period_start"].between(D(2024, 2, 1), D(2024, 3, 1))]
    # Feb: A, B, D, E active (420 ARR), A churns. Mar: B, D, E (320), E churns (70).
    assert feb_mar[["active_start", "churned", "arr_active_start", "arr_churned"]].values.tolist() == [
        [4, 1, 420.0, 100.0], [3, 1, 320.0, 70.0]]
    assert len(result) == 14  # Jul 2023 … Aug 2024


def test_churn_by_segment(journey: duckdb.DuckDBPyConnection) -> None:
    result = churn.churn_rates(journey, by="tier")
    assert list(result.columns) == ["period_start", "segment", *RATE_COLS[1:]]
    got = result[["segment", "active_start", "churned", "revenue_churn"]]
    got.insert(0, "q", result["period_start"].dt.strftime("%Y-%m"))
    assert got.values.tolist() == [
        ["2023-07", "Gold", 1, 0, 0.0], ["2023-10", "Gold", 1, 0, 0.0],
        ["2024-01", "Gold", 2, 1, 1 / 3], ["2024-01", "Silver", 1, 0, 0.0],
        ["2024-04", "Gold", 1, 0, 0.0], ["2024-04", "Silver", 1, 1, 1.0],
        ["2024-07", "Gold", 1, 0, 0.0],
    ]


def test_as_of_setting_cuts_events_and_fiscal_quarters(journey: duckdb.DuckDBPyConnection) -> None:
    # As of 1 May 2024, fiscal year from February: quarters start Nov, Feb, May, Aug.
    # Feb-quarter 2024: A, B, D active at 1 Feb (E too: signed 1 Jan); A and E churn.
    # May-quarter: B and D active at 1 May but D's churn (10 May) is after the as-of date.
    settings = Settings(as_of=D(2024, 5, 1), fiscal_year_start_month=2)
    result = churn.churn_rates(journey, settings=settings)
    assert result[["active_start", "churned", "partial"]].values.tolist() == [
        [1, 0, False], [1, 0, False], [4, 2, False], [2, 0, True]]
    assert result["period_start"].dt.month.tolist() == [8, 11, 2, 5]


def test_timezone_aware_as_of_is_read_as_utc(journey: duckdb.DuckDBPyConnection) -> None:
    aware = D(2024, 5, 10, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))  # 00:00 UTC
    assert dimensions.as_of_date(journey, Settings(as_of=aware)) == D(2024, 5, 10)
    assert dimensions.as_of_date(journey) == D(2024, 8, 1)


def test_churn_window_trailing(journey: duckdb.DuckDBPyConnection) -> None:
    # From 1 Jan 2024 to the as-of date: A, B, D active at the start; A and D churn (150 of 350)
    result = churn.churn_window(journey, D(2024, 1, 1), by=None)
    assert result[["active_start", "churned", "arr_churned", "revenue_churn", "partial"]].values.tolist() == [
        [3, 2, 150.0, 150 / 350, False]]


def test_churn_by_reason(journey: duckdb.DuckDBPyConnection) -> None:
    # churn events: A (Price, 100), E (Product fit, 70), D (no reason, 50); F was never a customer
    expected = pd.DataFrame({
        "reason": ["Price", "Product fit", "(none)"],
        "churned": pd.Series([1, 1, 1], dtype="int64"),
        "share": [1 / 3] * 3,
        "ci_low": [0.0615] * 3, "ci_high": [0.7923] * 3,
        "arr_churned": [100.0, 70.0, 50.0],
        "arr_share": [100 / 220, 70 / 220, 50 / 220],
    })
    assert_frame_equal(churn.churn_by_reason(journey), expected, check_exact=False, atol=1e-4)
    by_quarter = churn.churn_by_reason(journey, period="quarter")
    assert by_quarter[["reason", "churned", "share"]].values.tolist() == [
        ["Price", 1, 0.5], ["Product fit", 1, 0.5], ["(none)", 1, 1.0]]


def test_no_journey_means_no_rows(con: duckdb.DuckDBPyConnection) -> None:
    assert churn.churn_rates(con).empty
    assert list(churn.churn_rates(con).columns) == RATE_COLS
    assert churn.churn_by_reason(con).empty


def test_renamed_stages_are_recognised_and_missing_ones_refused(con: duckdb.DuckDBPyConnection) -> None:
    stages = [Stage("Lead"), Stage("Closed won"), Stage("Live"), Stage("Cancelled", "exit")]
    assert churn.customer_stages(stages) == ["Closed won", "Live"]
    assert churn.churn_stage(stages) == "Cancelled"
    with pytest.raises(MetricError, match="no Churn exit stage"):
        churn.churn_stage([Stage("Lead"), Stage("Closed won")])
    with pytest.raises(MetricError, match="no Decision"):
        churn.churn_rates(con, settings=Settings(stages=[Stage("Lead"), Stage("Churn", "exit")]))


def test_unknown_period_and_column_are_refused(journey: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(MetricError, match="Unknown period 'week'"):
        churn.churn_rates(journey, period="week")
    with pytest.raises(MetricError, match="Column 'segment' is not in the accounts table"):
        churn.churn_rates(journey, by="segment")


def test_churn_figures(journey: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import surveys as fig_surveys

    trend = fig_surveys.churn_trend(churn.churn_rates(journey, by="tier"))
    assert [t.name for t in trend.data] == ["Gold", "Silver"]
    gold = trend.data[0]
    assert list(gold.y) == pytest.approx([0.0, 0.0, 0.5, 0.0, 0.0])
    assert list(gold.marker.symbol) == ["circle"] * 4 + ["circle-open"]  # Q3 2024 is cut off by the as-of date
    revenue = fig_surveys.churn_trend(churn.churn_rates(journey), revenue=True)
    assert list(revenue.data[0].y) == pytest.approx([0.0, 0.0, 100 / 350, 0.2, 0.0])
    assert revenue.layout.title.text == "Gross revenue churn per period"
    reasons = fig_surveys.churn_reason_bars(churn.churn_by_reason(journey))
    assert list(reasons.data[0].y) == ["(none)", "Product fit", "Price"]  # most frequent on top
    stacked = fig_surveys.churn_reason_bars(churn.churn_by_reason(journey, period="quarter"))
    assert [t.name for t in stacked.data] == ["Price", "Product fit", "(none)"]


def test_churn_figures_without_data(con: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import surveys as fig_surveys

    for fig in (fig_surveys.churn_trend(churn.churn_rates(con)), fig_surveys.churn_reason_bars(churn.churn_by_reason(con))):
        assert [a.text for a in fig.layout.annotations] == ["No data"]


# ---- a churn flag without churn dates: churned share (no period) -----------------------------------

# (account, tier, churned flag, ARR, churn reason): C's flag is blank (unknown), G has no tier.
FLAGGED = [("A", "Gold", True, 100.0, "Price"), ("B", "Gold", False, 200.0, None), ("C", "Gold", None, 50.0, None),
           ("D", "Silver", True, None, None), ("E", "Silver", True, 300.0, "Price"),
           ("F", "Silver", False, 100.0, None), ("G", None, False, None, None)]


@pytest.fixture
def flagged(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    canonical.create_table(con, canonical.ACCOUNTS, [
        {"account_id": a, "tier": t, "churned": c, "arr": arr, "churn_reason": r, "source_row": i}
        for i, (a, t, c, arr, r) in enumerate(FLAGGED)], extra_columns=[("tier", "VARCHAR")])
    return con


def test_churned_share_without_periods(flagged: duckdb.DuckDBPyConnection) -> None:
    # 3 of the 6 accounts with a flag churned (C unknown, left out); Wilson 3/6 → [0.1876, 0.8124].
    # ARR of the flagged accounts 100 + 200 + 300 + 100 = 700, of the churned 100 + 300 = 400.
    result = churn.churned_share(flagged)
    assert result.attrs == {"label": "churned share (no period)", "unknown": 1}
    assert_frame_equal(result, pd.DataFrame({
        "accounts": pd.Series([6], dtype="int64"), "churned": pd.Series([3], dtype="int64"),
        "churned_share": [0.5], "ci_low": [0.1876], "ci_high": [0.8124], "arr": [700.0], "arr_churned": [400.0],
        "revenue_share": [400 / 700], "low_n": [True]}), check_exact=False, atol=1e-4)


def test_churned_share_by_segment(flagged: duckdb.DuckDBPyConnection) -> None:
    # Gold: A churned, B not (C unknown): 1/2, ARR 100/300. Silver: D, E churned, F not: 2/3, ARR 300/400
    # (D has no ARR). (none): G not churned, no ARR at all. Wilson 1/2 → [0.0945, 0.9055],
    # 2/3 → [0.2077, 0.9385], 0/1 → [0, 0.7935].
    result = churn.churned_share(flagged, by="tier", settings=Settings(min_n=2))
    assert_frame_equal(result, pd.DataFrame({
        "segment": ["Gold", "Silver", "(none)"], "accounts": pd.Series([2, 3, 1], dtype="int64"),
        "churned": pd.Series([1, 2, 0], dtype="int64"), "churned_share": [0.5, 2 / 3, 0.0],
        "ci_low": [0.0945, 0.2077, 0.0], "ci_high": [0.9055, 0.9385, 0.7935], "arr": [300.0, 400.0, np.nan],
        "arr_churned": [100.0, 300.0, np.nan], "revenue_share": [1 / 3, 0.75, np.nan],
        "low_n": [False, False, True]}), check_exact=False, atol=1e-4)


def test_flagged_churn_by_reason(flagged: duckdb.DuckDBPyConnection) -> None:
    # Churned A (Price, 100), D (no reason, no ARR), E (Price, 300): Price 2/3 with all 400 of ARR.
    assert_frame_equal(churn.flagged_churn_by_reason(flagged), pd.DataFrame({
        "reason": ["Price", "(none)"], "churned": pd.Series([2, 1], dtype="int64"), "share": [2 / 3, 1 / 3],
        "ci_low": [0.2077, 0.0615], "ci_high": [0.9385, 0.7923], "arr_churned": [400.0, np.nan],
        "arr_share": [1.0, np.nan]}), check_exact=False, atol=1e-4)


def test_churned_share_needs_a_flag(journey: duckdb.DuckDBPyConnection) -> None:
    assert not churn.has_churn_flags(journey)
    with pytest.raises(MetricError, match="No account has a churn flag"):
        churn.churned_share(journey)
    assert churn.flagged_churn_by_reason(journey).empty
    # An accounts table written before the flag existed has no such column at all.
    journey.execute("ALTER TABLE accounts DROP COLUMN churned")
    assert not churn.has_churn_flags(journey)
