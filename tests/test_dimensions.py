"""Dimensions every metric shares: one as-of date, one "(none)" label, one row per account, one column check."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from cxlib import canonical, churn, dimensions
from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.funnel import FunnelSpec, dropoff_accounts, funnel
from cxlib.outcomes import OutcomeSpec, quadrant_summary
from cxlib.scores import Scale, ScoreConfig, score_trend, segment_scores
from cxlib.settings import Settings

A, C = "Awareness", "Consideration"
D = dt.datetime
TS = pd.Timestamp
CONFIG = ScoreConfig(factors=[Factor("x", "X")], scales={"x": Scale.of("0-100")})


# ---------------------------------------------------------------- the as-of date


def test_as_of_is_the_setting_else_the_latest_timestamp(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, [("a", A, "2024-01-01"), ("a", C, "2024-03-05 10:00")])
    assert dimensions.as_of_date(con) == D(2024, 3, 5, 10, 0)
    assert dimensions.as_of_date(con, Settings(as_of=D(2024, 6, 30))) == D(2024, 6, 30)
    assert dimensions.as_of_label(con, Settings()) == "2024-03-05"


def test_as_of_is_the_latest_of_every_dated_view_never_an_account_date(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.ACCOUNTS, [("a", "Alpha", None, 10.0, "2030-01-01", "2031-01-01")])
    canonical.create_table(con, canonical.JOURNEY_EVENTS, [("a", A, "2024-01-01")])
    assert dimensions.as_of_date(con) == D(2024, 1, 1)
    canonical.create_table(con, canonical.STAGE_SNAPSHOTS, [("a", A, "2024-02-29")])
    assert dimensions.as_of_date(con) == D(2024, 2, 29)
    canonical.create_table(con, canonical.FACTOR_RATINGS, [("a", "2024-03-31", "x", 50.0)])
    assert dimensions.as_of_date(con) == D(2024, 3, 31)
    canonical.create_table(con, canonical.SURVEYS, [("a", None, None, "2024-04-30", "NPS", 9.0)])
    assert dimensions.as_of_date(con) == D(2024, 4, 30)


def test_an_undated_accounts_export_is_as_of_the_date_in_its_file_name(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.ACCOUNTS, [
        {"account_id": "a", "source": "customers_2026-08-31.csv", "source_row": 2, "start_date": "2030-01-01"},
        {"account_id": "b", "source": "customers.csv", "source_row": 2}])
    assert dimensions.as_of_date(con) == D(2026, 8, 31)           # never the upload time, never a start date
    assert dimensions.as_of_origin(con) == "the date in the accounts file's name"
    assert dimensions.as_of_date(con, Settings(as_of=D(2026, 9, 15))) == D(2026, 9, 15)  # the Data page wins
    assert dimensions.as_of_origin(con, Settings(as_of=D(2026, 9, 15))) == "set by you"
    canonical.create_table(con, canonical.JOURNEY_EVENTS, [("a", A, "2026-09-02")])
    assert dimensions.as_of_date(con) == D(2026, 9, 2)            # the latest date the data carries
    assert dimensions.as_of_origin(con) == "latest date in the data"


def test_a_zoned_setting_is_read_as_naive_utc(con: duckdb.DuckDBPyConnection) -> None:
    paris = Settings(as_of=D(2024, 7, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert dimensions.as_of_date(con, paris) == D(2024, 6, 30, 23, 30)
    assert dimensions.as_of_param(con, paris) == D(2024, 6, 30, 23, 30)
    assert dimensions.as_of_label(con, paris) == "2024-06-30"


def test_without_dated_rows_there_is_no_as_of_date(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.ACCOUNTS, [("a", "Alpha", None, 10.0, "2030-01-01", "2031-01-01")])
    with pytest.raises(MetricError, match=r"set the as-of date on the Data page \(the command line reads it from a mapping"):
        dimensions.as_of_date(con, Settings())
    assert dimensions.as_of_param(con, Settings()) is None
    assert dimensions.as_of_label(con, Settings()) == "no dated rows"
    assert "days-since and periods are hidden" in dimensions.as_of_origin(con, Settings())


# ---------------------------------------------------------------- one as-of date for every metric
#
# Journey events end on 31 Mar 2024; an NPS answer on 30 Jun 2024 is the latest dated row, so the
# as-of date is 30 Jun 2024 for every metric (the funnel and churn used to stop at 31 Mar).
#   a1  Awareness 1 Jan, Consideration 21 Jan       converts in 20 days
#   a4  Awareness 1 Jan, Consideration 31 Mar       converts in 90 days
#   a5  Awareness 1 Feb, Disappointment 11 Feb      exited: censored at its exit, 10 days
#   a2  Awareness 21 Mar                            in progress: censored at the as-of date, 101 days
#   c1  Decision 1 Oct 2023, Churn 15 Feb 2024      a customer who churns in Q1
#   c2  Decision 1 Oct 2023                         a customer who stays
#   a1's factor x: 40 on 1 Feb (Q1), 80 on 1 May (Q2)

EVENTS = [
    ("a1", A, "2024-01-01"), ("a1", C, "2024-01-21"),
    ("a4", A, "2024-01-01"), ("a4", C, "2024-03-31"),
    ("a5", A, "2024-02-01"), ("a5", "Disappointment", "2024-02-11"),
    ("a2", A, "2024-03-21"),
    ("c1", "Decision", "2023-10-01"), ("c1", "Churn", "2024-02-15"),
    ("c2", "Decision", "2023-10-01"),
]


@pytest.fixture
def dated(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, EVENTS)
    canonical.create_table(con, canonical.SURVEYS, [("a1", None, None, "2024-06-30", "NPS", 9.0)])
    canonical.create_table(con, canonical.FACTOR_RATINGS, [("a1", "2024-02-01", "x", 40.0),
                                                           ("a1", "2024-05-01", "x", 80.0)])
    return con


def _step2(con: duckdb.DuckDBPyConnection, settings: Settings) -> list:
    table = funnel(con, FunnelSpec(steps=[A, C]), settings).table
    return table.loc[1, ["accounts", "dropped_exited", "dropped_in_progress", "median_days_from_previous",
                         "km_median_days_from_previous", "censored_n"]].tolist()


def test_surveys_after_the_last_event_set_the_as_of_date_of_every_metric(dated: duckdb.DuckDBPyConnection) -> None:
    settings = Settings()
    # The caption every page shows.
    assert dimensions.as_of_label(dated, settings) == "2024-06-30"
    # Funnel: a5 exited, a2 still in progress. Kaplan-Meier: 10+ (a5), 20 (a1), 90 (a4), 101+ (a2):
    # S(20) = 3/4 and S(90) = 3/4 × 1/2 = 3/8, so the median is 90 days. Censoring a2 at 31 Mar
    # (10 days) would have left 2 at risk at 20 days: S(20) = 1/2, a median of 20.
    result = funnel(dated, FunnelSpec(steps=[A, C]), settings)
    assert result.as_of == D(2024, 6, 30)
    assert _step2(dated, settings) == [2, 1, 1, 55.0, 90.0, 2]
    assert dropoff_accounts(dated, FunnelSpec(steps=[A, C]), 1, settings).set_index("account_id")[
        "days_since"].to_dict() == {"a2": 101.0, "a5": 150.0}
    # Scores: the trend runs to Q2 2024, the quarter holding the as-of date: 40 → 80.
    trend = score_trend(dated, CONFIG, "quarter", settings)
    assert trend[["previous_period", "previous_composite", "period", "composite", "direction"]].values.tolist() == [
        [TS("2024-01-01"), 40.0, TS("2024-04-01"), 80.0, "up"]]
    # Churn: Q1 2024 (c1 of c1, c2 churned) is complete; Q2 runs past the as-of date: partial.
    rates = churn.churn_rates(dated, "quarter", settings=settings)
    assert rates[["period_start", "active_start", "churned", "partial"]].values.tolist() == [
        [TS("2024-01-01"), 2, 1, False], [TS("2024-04-01"), 1, 0, True]]


def test_an_as_of_date_set_on_the_data_page_cuts_every_metric_there(dated: duckdb.DuckDBPyConnection) -> None:
    settings = Settings(as_of=D(2024, 2, 5))
    assert dimensions.as_of_label(dated, settings) == "2024-02-05"
    # Known by 5 Feb: a1 converted; a4 (1 Jan) and a5 (1 Feb, its exit on 11 Feb not known yet) are in
    # progress; a2 has not started. KM: 4+ (a5), 20 (a1), 35+ (a4): S(20) = 1/2, the median is 20 days.
    assert _step2(dated, settings) == [1, 0, 2, 20.0, 20.0, 2]
    # Scores: only Q1's rating is known; the period before it has none, so no direction.
    trend = score_trend(dated, CONFIG, "quarter", settings)
    assert trend[["previous_period", "period", "composite"]].values.tolist() == [
        [TS("2023-10-01"), TS("2024-01-01"), 40.0]]
    assert trend["direction"].isna().all()
    # Churn: c1's churn on 15 Feb is after the as-of date; Q1 is cut off by it.
    rates = churn.churn_rates(dated, "quarter", settings=settings)
    assert rates[["period_start", "active_start", "churned", "partial"]].values.tolist() == [
        [TS("2024-01-01"), 2, 0, True]]


# ---------------------------------------------------------------- one row per account, one "(none)"


def test_an_account_listed_twice_counts_by_its_first_row_everywhere(con: duckdb.DuckDBPyConnection) -> None:
    # z1's first row (source_row 1) says Early with outcome 1; its later row says Late with outcome 0.
    canonical.create_table(con, canonical.ACCOUNTS, [
        ("z1", "Zed", None, 100.0, None, None, None, 0.0, "b.csv", 2, "Late"),
        ("z1", "Zed", None, 100.0, None, None, None, 1.0, "a.csv", 1, "Early"),
        ("y1", "Why", None, 50.0, None, None, None, None, "a.csv", 3, " "),
    ], [("tier", "VARCHAR")])
    canonical.create_table(con, canonical.JOURNEY_EVENTS, [("z1", A, "2024-01-01"), ("y1", A, "2024-01-01")])
    canonical.create_table(con, canonical.FACTOR_RATINGS, [("z1", "2024-01-01", "x", 50.0),
                                                           ("y1", "2024-01-01", "x", 70.0)])
    assert funnel(con, FunnelSpec(steps=[A], by="tier")).table["segment"].tolist() == ["Early", "(none)"]
    assert segment_scores(con, CONFIG, "tier")[["segment", "accounts", "composite"]].values.tolist() == [
        ["Early", 1, 50.0], ["(none)", 1, 70.0]]
    quadrants = quadrant_summary(con, OutcomeSpec(experience="composite", experience_threshold=40), CONFIG,
                                 by="tier")
    placed = quadrants[quadrants["accounts"] > 0][["segment", "quadrant", "accounts"]].values.tolist()
    assert placed == [["Early", "successful", 1], ["(none)", "unknown", 1]]


def test_segment_sql_labels_blanks_none(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute(f"SELECT {dimensions.segment_sql('v')} FROM (VALUES ('Gold'), (' Gold '), (''), ('  '), "
                      "(NULL)) AS t(v)").fetchall()
    assert [r[0] for r in got] == ["Gold", "Gold", "(none)", "(none)", "(none)"]


# ---------------------------------------------------------------- one accounts-column check


def test_accounts_columns_are_found_case_insensitively(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.ACCOUNTS, [("a", "Alpha", None, 1.0, None, None, None, None, "f", 1,
                                                      "Gold")], [("Customer tier", "VARCHAR")])
    assert dimensions.check_accounts_column(con, "Customer tier") == "Customer tier"
    assert dimensions.check_accounts_column(con, "customer TIER") == "Customer tier"
    assert dimensions.check_accounts_column(con, "ARR") == "arr"
    with pytest.raises(MetricError) as err:
        dimensions.check_accounts_column(con, "region")
    assert str(err.value) == ("Column 'region' is not in the accounts table; available: account_id, name, stage, "
                              "arr, start_date, renewal_date, churn_reason, outcome, churned, intent, Customer tier.")
    # the metrics take the column as the user typed it
    canonical.create_table(con, canonical.JOURNEY_EVENTS, [("a", A, "2024-01-01")])
    result = funnel(con, FunnelSpec(steps=[A], by="CUSTOMER TIER"))
    assert (result.by, result.table["segment"].tolist()) == ("Customer tier", ["Gold"])
    assert dimensions.segment_values(con, "customer tier")["value"].tolist() == ["Gold"]


def test_periods_and_fiscal_quarters(con: duckdb.DuckDBPyConnection) -> None:
    april = Settings(fiscal_year_start_month=4)
    params = dimensions.period_params("quarter", april)
    start = con.execute(f"SELECT {dimensions.period_sql('$t')}", params | {"t": D(2024, 3, 15)}).fetchone()[0]
    label = con.execute(f"SELECT {dimensions.period_label_sql('quarter', '$s')}",
                        {"s": start, "fy_shift": params["fy_shift"]}).fetchone()[0]
    assert (start, label) == (D(2024, 1, 1), "FY2024 Q4")
    assert dimensions.period_params("week", april, dimensions.COHORT_PERIODS)["fy_shift"] == 0
    with pytest.raises(MetricError, match="Unknown period 'week'"):
        dimensions.period_params("week", april)
    assert dimensions.period_months("year") == 12
