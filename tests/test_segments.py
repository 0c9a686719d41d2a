"""Segment comparisons against scipy and hand values; low-n segments never significant."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal
from scipy import stats as sst

from cxlib import canonical, segments
from cxlib.errors import MetricError
from cxlib.settings import Settings

D = dt.datetime
SEGMENT_EXTRA = [("tier", "VARCHAR")]

# tier → (accounts, of which in Churn); ARR of the i-th account of a tier = base + step × i
TIERS = {"Gold": (40, 20, 3000.0, 50.0), "Silver": (50, 10, 1000.0, 20.0), "Bronze": (10, 9, 500.0, 10.0)}


def tier_arr(tier: str) -> np.ndarray:
    size, _, base, step = TIERS[tier]
    return base + step * np.arange(size)


def accounts_rows() -> list[tuple]:
    """100 tiered accounts, plus one Silver with no stage (unknown) and two without a tier."""
    rows: list[tuple] = []
    for tier, (size, churned, _, _) in TIERS.items():
        arr = tier_arr(tier)
        for i in range(size):
            stage = "Churn" if i < churned else "Usage"
            rows.append((f"{tier}-{i}", f"{tier} {i}", stage, float(arr[i]), None, None, None,
                         1.0 if i % 2 == 0 else 0.0, "acc.csv", len(rows) + 1, tier))
    rows.append(("S-x", "Silver unknown", None, None, None, None, None, None, "acc.csv", 900, "Silver"))
    rows.append(("N-1", "No tier 1", "Usage", 100.0, None, None, None, None, "acc.csv", 901, None))
    rows.append(("N-2", "No tier 2", "usage ", 300.0, None, None, None, None, "acc.csv", 902, " "))
    return rows


@pytest.fixture
def tiers(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    canonical.create_table(con, canonical.ACCOUNTS, accounts_rows(), extra_columns=SEGMENT_EXTRA)
    return con


def chi2_p(x1: int, n1: int, x2: int, n2: int) -> float:
    return sst.chi2_contingency(np.array([[x1, n1 - x1], [x2, n2 - x2]]), correction=False)[1]


def test_compare_rate_whole_table(tiers: duckdb.DuckDBPyConnection) -> None:
    # churned: Gold 20/40 vs rest 19/62; Silver 10/50 (its stage-less account is unknown) vs 29/52;
    # Bronze 9/10 vs 30/92; (none) 0/2 vs 39/100. Only Gold and Silver have 30+ accounts, so the
    # BH family is those two: Silver 0.000202 × 2/1, Gold 0.04955 × 2/2 → both significant.
    # (Had the low-n cells joined the family, Gold's adjusted p would be 0.04955 × 4/3 = 0.066.)
    result = segments.compare(tiers, "tier", rate="stage=churn")
    p = [chi2_p(20, 40, 19, 62), chi2_p(10, 50, 29, 52), chi2_p(9, 10, 30, 92), chi2_p(0, 2, 39, 100)]
    expected = pd.DataFrame({
        "segment": ["Bronze", "Gold", "Silver", "(none)"],
        "n": pd.Series([10, 40, 50, 2], dtype="int64"),
        "rate": [0.9, 0.5, 0.2, 0.0],
        "ci_low": [0.5958, 0.3520, 0.1124, 0.0],
        "ci_high": [0.9821, 0.6480, 0.3304, 0.6576],
        "rest": [30 / 92, 19 / 62, 29 / 52, 39 / 100],
        "p_value": [p[2], p[0], p[1], p[3]],
        "p_adjusted": [np.nan, 0.049545, 0.000405, np.nan],
        "significant": [False, True, True, False],
        "low_n": [True, False, False, True],
    })
    assert_frame_equal(result, expected, check_exact=False, atol=1e-4)
    assert_allclose(result["p_value"], [p[2], p[0], p[1], p[3]], rtol=1e-10)  # = chi2_contingency exactly
    assert result.attrs["kind"] == "rate" and result.attrs["value"] == "churn"


def test_compare_rate_on_a_numeric_column(tiers: duckdb.DuckDBPyConnection) -> None:
    # outcome is 1.0 for even-numbered accounts: Gold 20/40, Silver 25/50, Bronze 5/10
    result = segments.compare(tiers, "tier", rate=("outcome", "1"))
    assert result[["segment", "n", "rate"]].values.tolist() == [
        ["Bronze", 10, 0.5], ["Gold", 40, 0.5], ["Silver", 25 * 2, 0.5]]
    assert result["p_value"].tolist() == [1.0, 1.0, 1.0]  # identical rates: nothing to detect
    assert not result["significant"].any()


@pytest.mark.parametrize("value", ["Yes", "true", "oui", "1", "是"])
def test_compare_rate_yes_words_mean_true_on_boolean_and_text_columns(con: duckdb.DuckDBPyConnection,
                                                                       value: str) -> None:
    # churned (BOOLEAN) and churn (its Yes/No text): Gold 1 of 3 churned, Silver 2 of 2, one unknown.
    rows = [{"account_id": "a", "churned": True, "tier": "Gold", "churn": "Yes"},
            {"account_id": "b", "churned": False, "tier": "Gold", "churn": "No"},
            {"account_id": "c", "churned": False, "tier": "Gold", "churn": "no"},
            {"account_id": "d", "churned": True, "tier": "Silver", "churn": "YES"},
            {"account_id": "e", "churned": True, "tier": "Silver", "churn": "sim"},
            {"account_id": "f", "churned": None, "tier": "Silver", "churn": None}]
    canonical.create_table(con, canonical.ACCOUNTS, rows, [("tier", "VARCHAR"), ("churn", "VARCHAR")])
    for column in ("churned", "churn"):
        result = segments.compare(con, "tier", rate=(column, value))
        assert result[["segment", "n", "rate"]].values.tolist() == [["Gold", 3, 1 / 3], ["Silver", 2, 1.0]]
    no = segments.compare(con, "tier", rate=("churned", "Non"))
    assert no[["segment", "n", "rate"]].values.tolist() == [["Gold", 3, 2 / 3], ["Silver", 2, 0.0]]


def test_compare_rate_on_a_status_word_counts_only_that_word(con: duckdb.DuckDBPyConnection) -> None:
    rows = [("a", "EMEA", "Active"), ("b", "EMEA", "Cancelled"), ("c", "AMER", "Churned"), ("d", "AMER", "cancelled ")]
    canonical.create_table(con, canonical.ACCOUNTS, [{"account_id": a, "region": r, "status": st} for a, r, st in rows],
                           [("region", "VARCHAR"), ("status", "VARCHAR")])
    result = segments.compare(con, "region", rate="status=Cancelled")
    assert result[["segment", "n", "rate"]].values.tolist() == [["AMER", 2, 0.5], ["EMEA", 2, 0.5]]


def test_compare_mean_equals_welch_on_raw_values(tiers: duckdb.DuckDBPyConnection) -> None:
    result = segments.compare(tiers, "tier", mean="arr", settings=Settings(min_n=10))
    blank = np.array([100.0, 300.0])
    raw = {"Bronze": tier_arr("Bronze"), "Gold": tier_arr("Gold"), "Silver": tier_arr("Silver"), "(none)": blank}
    for _, row in result.iterrows():
        mine = raw[row["segment"]]
        rest = np.concatenate([v for k, v in raw.items() if k != row["segment"]])
        welch = sst.ttest_ind(mine, rest, equal_var=False)
        assert row["p_value"] == pytest.approx(welch.pvalue, rel=1e-9), row["segment"]
        assert row["mean"] == pytest.approx(mine.mean())
        low, high = sst.t.interval(0.95, len(mine) - 1, loc=mine.mean(), scale=sst.sem(mine))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    # Gold mean 3975 vs rest 1318: far apart; min_n 10 puts three segments in the family
    assert result[["segment", "n", "significant", "low_n"]].values.tolist() == [
        ["Bronze", 10, True, False], ["Gold", 40, True, False], ["Silver", 50, True, False],
        ["(none)", 2, False, True]]
    tested = result["p_value"].to_numpy()[:3]
    assert_allclose(result["p_adjusted"].to_numpy()[:3], sst.false_discovery_control(tested))
    assert math.isnan(result["p_adjusted"].iloc[3])


def test_cli_compare_table_columns(tiers: duckdb.DuckDBPyConnection) -> None:
    assert list(segments.cli_compare_table(segments.compare(tiers, "tier", rate="stage=Churn")).columns) == \
        ["segment", "n", "rate", "ci_low", "ci_high", "p_value", "p_adjusted", "significant"]
    assert list(segments.cli_compare_table(segments.compare(tiers, "tier", mean="arr")).columns) == \
        ["segment", "n", "mean", "ci_low", "ci_high", "p_value", "p_adjusted", "significant"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rate": "stage"}, "must look like COLUMN=VALUE"),
    ({"rate": "=Churn"}, "names no column"),
    ({}, "exactly one of them"),
    ({"rate": "stage=Churn", "mean": "arr"}, "exactly one of them"),
    ({"rate": "stag=Churn"}, "Column 'stag' is not in the accounts table"),
    ({"mean": "name"}, "Column 'name' has no numeric values"),
])
def test_compare_refuses_bad_specs(tiers: duckdb.DuckDBPyConnection, kwargs: dict, message: str) -> None:
    with pytest.raises(MetricError, match=message):
        segments.compare(tiers, "tier", **kwargs)


def test_compare_says_why_when_no_account_has_a_value(con: duckdb.DuckDBPyConnection) -> None:
    # Three accounts, an all-blank churn flag: no silent empty table, the count and the column named.
    canonical.create_table(con, canonical.ACCOUNTS, [{"account_id": a, "plan": "Pro", "churn": None} for a in "abc"],
                           [("plan", "VARCHAR"), ("churn", "VARCHAR")])
    with pytest.raises(MetricError, match=r"3 accounts loaded; 0 have a value in column 'churn'"):
        segments.compare(con, "plan", rate="churn=Yes")
    with pytest.raises(MetricError, match=r"3 accounts loaded; 0 have a number in column 'arr'"):
        segments.compare(con, "plan", mean="arr")


def test_compare_by_unknown_column(tiers: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(MetricError, match="Column 'region' is not in the accounts table"):
        segments.compare(tiers, "region", rate="stage=Churn")


@given(sizes=st.lists(st.tuples(st.integers(1, 60), st.floats(0, 1)), min_size=2, max_size=4))
def test_low_n_is_never_significant(sizes: list[tuple[int, float]]) -> None:
    con = duckdb.connect()
    rows = []
    for s, (size, share) in enumerate(sizes):
        churned = round(size * share)
        rows += [(f"{s}-{i}", None, "Churn" if i < churned else "Usage", None, None, None, None, None, "x", i,
                  f"seg{s}") for i in range(size)]
    canonical.create_table(con, canonical.ACCOUNTS, rows, extra_columns=SEGMENT_EXTRA)
    result = segments.compare(con, "tier", rate="stage=Churn")
    small = result[result["low_n"]]
    assert not small["significant"].any()
    assert small["p_adjusted"].isna().all()
    assert (result["low_n"] == (result["n"] < 30)).all()


def test_segment_overview(tiers: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(tiers, canonical.SURVEYS, [
        ("Gold-0", "r1", None, D(2024, 1, 1), "NPS", 10), ("Gold-1", "r2", None, D(2024, 1, 2), "NPS", 3),
        ("Silver-0", "r3", None, D(2024, 1, 3), "NPS", 9),
        ("Gold-0", "r4", None, D(2024, 1, 4), "CSAT", 5), ("Ghost", "r5", None, D(2024, 1, 5), "CSAT", 2),
    ])
    # Gold-0 signed in 2023 and churned in March 2024; Gold-1 signed in 2023 and stays;
    # Silver-0 signed a month before the as-of date (1 Dec 2024): not active twelve months before
    canonical.create_table(tiers, canonical.JOURNEY_EVENTS, [
        ("Gold-0", "Decision", D(2023, 6, 1)), ("Gold-0", "Churn", D(2024, 3, 1)),
        ("Gold-1", "Decision", D(2023, 7, 1)), ("Silver-0", "Decision", D(2024, 11, 1)),
        ("Silver-0", "Usage", D(2024, 12, 1)),
    ])
    result = segments.segment_overview(tiers, "tier")
    gold_arr = float(tier_arr("Gold").sum())
    expected = pd.DataFrame({
        "segment": ["Bronze", "Gold", "Silver", "(none)"],
        "accounts": pd.Series([10, 40, 51, 2], dtype="int64"),
        "arr": [float(tier_arr("Bronze").sum()), gold_arr, float(tier_arr("Silver").sum()), 400.0],
        "nps": [np.nan, 0.0, 100.0, np.nan],
        "nps_n": pd.Series([0, 2, 1, 0], dtype="int64"),
        "csat": [np.nan, 1.0, np.nan, 0.0],          # "Ghost" is not an account: (none)
        "csat_n": pd.Series([0, 1, 0, 1], dtype="int64"),
        "churn_12m": [np.nan, 0.5, np.nan, np.nan],
        "churn_active_start": pd.Series([0, 2, 0, 0], dtype="int64"),
        "churned_share": [np.nan] * 4,               # no account has a churn flag
        "churn_flagged": pd.Series([0, 0, 0, 0], dtype="int64"),
        "low_n": [True, False, False, True],
    })
    assert_frame_equal(result, expected, check_exact=False, atol=1e-9)
    assert result.attrs["notes"] == []


def test_segment_overview_notes_what_is_missing(tiers: duckdb.DuckDBPyConnection) -> None:
    result = segments.segment_overview(tiers, "tier")
    assert result["churn_12m"].isna().all() and result["nps"].isna().all()
    assert result.attrs["notes"] == ["Churn: no journey events loaded."]


def test_compare_chart_marks_significant_and_greys_small(tiers: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import segments as fig_segments
    from cxlib.theme import LOW_N_OPACITY

    fig = fig_segments.compare_chart(segments.compare(tiers, "tier", rate="stage=Churn"))
    bar = fig.data[0]
    assert list(bar.y) == ["Bronze (n=10, small)", "★ Gold (n=40)", "★ Silver (n=50)", "(none) (n=2, small)"]
    assert list(bar.marker.opacity) == [LOW_N_OPACITY, 1.0, 1.0, LOW_N_OPACITY]
    assert list(bar.x) == [0.9, 0.5, 0.2, 0.0]
    assert fig.layout.title.text == "Share with stage = Churn, by tier"
    # the population line: 39 churned of 102 accounts with a known stage
    assert fig.layout.shapes[0].x0 == pytest.approx(39 / 102)


def test_segment_figures_without_data(con: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import segments as fig_segments

    canonical.create_table(con, canonical.ACCOUNTS, [], extra_columns=SEGMENT_EXTRA)
    for fig in (fig_segments.compare_chart(segments.compare(con, "tier", mean="arr")),
                fig_segments.overview_heatmap(segments.segment_overview(con, "tier"))):
        assert [a.text for a in fig.layout.annotations] == ["No data"]


def test_overview_heatmap_scales_each_column(tiers: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import segments as fig_segments

    overview = segments.segment_overview(tiers, "tier")
    fig = fig_segments.overview_heatmap(overview, columns=["accounts", "arr"])
    heat = fig.data[0]
    assert list(heat.x) == ["Accounts", "ARR"]
    assert list(heat.y) == ["Bronze (small)", "Gold", "Silver", "(none) (small)"]
    # accounts 10, 40, 51, 2 → (x − 2)/49; the largest is 1, the smallest 0
    assert [row[0] for row in heat.z] == pytest.approx([8 / 49, 38 / 49, 1.0, 0.0])
    assert heat.text[1][0] == "40"


def flag_file(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A Telco-like accounts file: contract, tenure and charges (measures), a churn flag, no dates."""
    rows = [("a", "Monthly", 1.0, 70.0, True), ("b", "Monthly", 5.0, 90.0, True), ("c", "Monthly", 12.0, 50.0, False),
            ("d", "Yearly", 24.0, 55.0, False), ("e", "Yearly", 40.0, None, True), ("f", "Yearly", 60.0, 25.0, False)]
    canonical.create_table(con, canonical.ACCOUNTS, [
        {"account_id": a, "contract": c, "tenure": t, "charges": m, "churned": f, "source_row": i}
        for i, (a, c, t, m, f) in enumerate(rows)],
        [("contract", "VARCHAR"), ("tenure", "DOUBLE"), ("charges", "DOUBLE")])
    return con


def test_segment_overview_with_a_churn_flag(con: duckdb.DuckDBPyConnection) -> None:
    # Monthly 2 of 3 churned, Yearly 1 of 3: the churned share (no period); no events, so no churn_12m.
    result = segments.segment_overview(flag_file(con), "contract")
    assert result[["segment", "accounts", "churned_share", "churn_flagged"]].values.tolist() == [
        ["Monthly", 3, 2 / 3, 3], ["Yearly", 3, 1 / 3, 3]]
    assert result["churn_12m"].isna().all()
    assert result.attrs["notes"][0] == "Churn: no journey events loaded."
    assert "churned share (no period)" in result.attrs["notes"][1]


def test_measure_means_per_segment(con: duckdb.DuckDBPyConnection) -> None:
    # Monthly tenure (1 + 5 + 12) / 3 = 6, charges 70; Yearly tenure 124 / 3, charges (55 + 25) / 2 = 40.
    result = segments.measure_means(flag_file(con), "contract")
    assert segments.measure_columns(con) == ["tenure", "charges"]
    assert result.attrs["measures"] == ["tenure", "charges"]
    assert result.drop(columns="low_n").values.tolist() == [["Monthly", 3, 6.0, 3, 70.0, 3],
                                                            ["Yearly", 3, 124 / 3, 3, 40.0, 2]]
    # and the same means through compare, each tested against the rest
    assert segments.compare(con, "contract", mean="charges")["mean"].tolist() == [70.0, 40.0]
