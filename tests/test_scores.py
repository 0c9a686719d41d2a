"""Engagement scores: normalisation, latest and stale ratings, composite, bands, segments, trend, risk."""

from __future__ import annotations

import datetime as dt
import functools
import json

import duckdb

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cxlib import canonical
from cxlib.errors import MetricError
from cxlib.factors import Factor, default_factors
from cxlib.figures import scores as figures
from cxlib.scores import (
    CLI_COLUMNS,
    Scale,
    ScoreConfig,
    Thresholds,
    account_scores,
    arr_at_risk,
    band,
    band_sql,
    band_summary,
    cli_scores_table,
    detect_scales,
    effective_scales,
    factor_bands,
    factor_summary,
    parse_factor_json,
    score_history,
    score_trend,
    segment_scores,
    shown,
)
from cxlib.settings import Settings

PCT = Scale.of("0-100")
NAN = float("nan")
TS = pd.Timestamp


def cfg(*keys: str, scale: Scale | None = PCT, **kwargs: object) -> ScoreConfig:
    """A config of the given factor keys (display name = key upper-cased), all on one scale."""
    scales = {k: scale for k in keys} if scale else {}
    return ScoreConfig(factors=[Factor(k, k.upper()) for k in keys], scales=scales, **kwargs)


def ratings(con, rows) -> None:
    canonical.create_table(con, "factor_ratings", rows)


def summary_cols(df: pd.DataFrame, *factor_keys: str) -> pd.DataFrame:
    return df[["account_id", *factor_keys, "composite", "coverage", "band", "weakest_factor", "gap"]]


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(("scale", "raw", "expected"), [
    (Scale.of("1-5"), [1, 2, 3, 4, 5], [0, 25, 50, 75, 100]),
    (Scale.of("0-10"), [0, 7, 10], [0, 70, 100]),
    (Scale.of("0-100"), [0, 62.5, 120, -4], [0, 62.5, 100, 0]),
    (Scale.of("percent"), [0.0, 0.25, 1.0], [0, 25, 100]),
    (Scale.of("yes/no"), [0, 1], [0, 100]),
    # days to first value: 30 days or more is 0, same day is 100 — lower is better
    (Scale.metric(30, 0), [30, 15, 0, 45, -5], [0, 50, 100, 0, 100]),
    # licences active: 20% means 0, 80% means 100
    (Scale.metric(0.2, 0.8), [0.2, 0.5, 0.8, 0.1], [0, 50, 100, 0]),
])
def test_normalisation_per_scale(con, scale, raw, expected) -> None:
    ratings(con, [(f"a{i}", "2024-01-01", "x", float(v)) for i, v in enumerate(raw)])
    result = account_scores(con, cfg("x", scale=scale))
    assert result["x"].tolist() == pytest.approx([float(e) for e in expected])


def test_scale_direction_and_errors() -> None:
    assert Scale.metric(30, 0).direction == "lower is better"
    assert Scale.metric(0, 30).direction == "higher is better"
    with pytest.raises(MetricError, match="Unknown scale 'stars'"):
        Scale.of("stars")
    with pytest.raises(MetricError, match="needs the values that mean 0 and 100"):
        Scale.of("metric", zero=3)
    with pytest.raises(MetricError, match="must differ"):
        Scale.metric(5, 5)


def test_default_1_to_5_fixture_whole_frame(con) -> None:
    ratings(con, [("a1", "2024-01-01", "customer_intent", 1.0),
                  ("a1", "2024-01-01", "relationships", 3.0),
                  ("a1", "2024-01-01", "customer_education", 5.0),
                  ("a1", "2024-01-01", "outcomes_at_scale", 4.0)])
    result = account_scores(con, ScoreConfig(scales={f.key: Scale.of("1-5") for f in default_factors()}))
    expected = pd.DataFrame({
        "account_id": ["a1"], "customer_intent": [0.0], "anticipation_of_needs": [NAN],
        "successful_product_adoption": [NAN], "outcomes_at_scale": [75.0], "relationships": [50.0],
        "communication_and_engagement": [NAN], "customer_education": [100.0], "optimal_customer_journey": [NAN],
        # (0 + 75 + 50 + 100) / 4; gaps 80, 5, 30, -20 → customer intent is weakest
        "composite": [56.25], "coverage": [0.5], "band": ["yellow"], "weakest_factor": ["customer_intent"],
        "gap": [23.75],
    })
    assert_frame_equal(result, expected)


# ---------------------------------------------------------------- latest, as-of and stale ratings


def test_latest_rating_per_factor_wins(con) -> None:
    ratings(con, [
        ("a1", "2024-01-01", "x", 90.0), ("a1", "2024-03-01", "x", 40.0),   # latest: 40
        ("a1", None, "y", 10.0), ("a1", "2023-06-01", "y", 70.0),            # dated beats undated: 70
        ("a2", None, "x", 60.0),                                             # undated alone counts
        ("a2", "2024-05-01", "y", 20.0), ("a2", "2024-07-01", "y", 99.0),    # after as-of: 20
    ])
    result = account_scores(con, cfg("x", "y"), Settings(as_of=dt.datetime(2024, 6, 30)))
    expected = pd.DataFrame({
        "account_id": ["a1", "a2"], "x": [40.0, 60.0], "y": [70.0, 20.0],
        "composite": [55.0, 40.0], "coverage": [1.0, 1.0], "band": ["yellow", "red"],
        "weakest_factor": ["x", "y"], "gap": [25.0, 40.0],
    })
    assert_frame_equal(summary_cols(result, "x", "y"), expected)


def test_latest_rating_ties_go_to_the_later_file_row_then_the_higher_score(con) -> None:
    # (account, ts, factor, score, source, source_row); both as of now and in the period history
    ratings(con, [
        ("a1", "2024-03-01", "x", 80.0, "f.csv", 2), ("a1", "2024-03-01", "x", 30.0, "f.csv", 7),  # row 7: 30
        ("a2", "2024-03-01", "x", 30.0, "f.csv", 3), ("a2", "2024-03-01", "x", 80.0, "f.csv", 3),  # same row: 80
        ("a3", "2024-03-01", "x", 50.0, "f.csv", None), ("a3", "2024-03-01", "x", 20.0, "f.csv", 1),  # a row: 20
        ("a4", None, "x", 90.0, "f.csv", 9), ("a4", None, "x", 10.0, "f.csv", 8),   # undated, row 9: 90
    ])
    settings = Settings(as_of=dt.datetime(2024, 6, 30))
    now = account_scores(con, cfg("x"), settings)
    assert now[["account_id", "x"]].to_dict("list") == {"account_id": ["a1", "a2", "a3", "a4"],
                                                       "x": [30.0, 80.0, 20.0, 90.0]}
    history = score_history(con, cfg("x"), "quarter", settings=settings)   # undated ratings: in no period
    assert history[["account_id", "period", "composite"]].to_dict("list") == {
        "account_id": ["a1", "a1", "a2", "a2", "a3", "a3"],
        "period": [TS("2024-01-01"), TS("2024-04-01")] * 3,
        "composite": [30.0, 30.0, 80.0, 80.0, 20.0, 20.0]}


def test_stale_ratings_ignored_by_max_age(con) -> None:
    ratings(con, [
        ("a1", "2024-05-31", "x", 100.0),   # 30 days before as-of: still counts (edge included)
        ("a1", "2024-01-01", "y", 20.0),    # 181 days old, y has no age limit: counts
        ("a2", "2024-05-30", "x", 100.0),   # 31 days old: stale
        ("a2", "2024-06-10", "y", 60.0),
    ])
    config = cfg("x", "y", max_age_days={"x": 30})
    result = account_scores(con, config, Settings(as_of=dt.datetime(2024, 6, 30)))
    expected = pd.DataFrame({
        "account_id": ["a1", "a2"], "x": [100.0, NAN], "y": [20.0, 60.0],
        "composite": [60.0, 60.0], "coverage": [1.0, 0.5], "band": ["yellow", "yellow"],
        "weakest_factor": ["y", "y"], "gap": [20.0, 20.0],
    })
    assert_frame_equal(summary_cols(result, "x", "y"), expected)


def test_as_of_defaults_to_latest_timestamp_in_data(con) -> None:
    ratings(con, [("a1", "2024-01-01", "x", 100.0), ("a1", "2024-03-01", "y", 50.0)])
    canonical.create_table(con, "journey_events", [("a1", "Usage", "2024-04-15")])
    # as-of is 2024-04-15 (the journey event), so x (105 days old) is stale at a 100-day limit
    result = account_scores(con, cfg("x", "y", max_age_days={"x": 100}))
    assert_frame_equal(result[["x", "y", "coverage"]], pd.DataFrame({"x": [NAN], "y": [50.0], "coverage": [0.5]}))


# ---------------------------------------------------------------- composite, coverage, weakest factor


def test_weights_renormalised_over_factors_with_a_value(con) -> None:
    ratings(con, [("a1", "2024-01-01", "f1", 100.0), ("a1", "2024-01-01", "f2", 50.0)])
    result = account_scores(con, cfg("f1", "f2", "f3", weights={"f1": 2, "f2": 1, "f3": 1}))
    expected = pd.DataFrame({
        "account_id": ["a1"], "f1": [100.0], "f2": [50.0], "f3": [NAN],
        # (2·100 + 1·50) / 3; coverage (2 + 1) / 4; gap (2·(80−100) + (80−50)) / 3 = 80 − 83.33
        "composite": [250 / 3], "coverage": [0.75], "band": ["green"], "weakest_factor": ["f2"],
        "gap": [-10 / 3],
    })
    assert_frame_equal(result, expected)


def test_zero_weight_factor_is_shown_but_not_counted(con) -> None:
    ratings(con, [("a1", "2024-01-01", "f1", 90.0), ("a1", "2024-01-01", "f2", 10.0)])
    result = account_scores(con, cfg("f1", "f2", weights={"f2": 0}))
    assert_frame_equal(summary_cols(result, "f1", "f2"), pd.DataFrame({
        "account_id": ["a1"], "f1": [90.0], "f2": [10.0], "composite": [90.0], "coverage": [1.0],
        "band": ["green"], "weakest_factor": ["f1"], "gap": [-10.0]}))


def test_weakest_factor_largest_gap_ties_by_order(con) -> None:
    ratings(con, [
        ("tie", "2024-01-01", "f1", 50.0), ("tie", "2024-01-01", "f2", 50.0), ("tie", "2024-01-01", "f3", 90.0),
        ("tgt", "2024-01-01", "f1", 50.0), ("tgt", "2024-01-01", "f2", 60.0), ("tgt", "2024-01-01", "f3", 100.0),
    ])
    # tgt: f1 is lower but its target is 60 (gap 10); f2 misses 80 by 20
    config = cfg("f1", "f2", "f3", targets={"f1": 60})
    result = account_scores(con, config).set_index("account_id")["weakest_factor"]
    assert result.to_dict() == {"tgt": "f2", "tie": "f2"}   # tie: f1 gap 10 vs f2 gap 30 → f2
    config = cfg("f1", "f2", "f3")
    assert account_scores(con, config).set_index("account_id")["weakest_factor"].to_dict() == {
        "tgt": "f1", "tie": "f1"}   # tie: 30 and 30, f1 comes first
    reordered = cfg("f2", "f1", "f3")
    assert account_scores(con, reordered).set_index("account_id")["weakest_factor"]["tie"] == "f2"


def test_accounts_without_ratings_are_grey(con) -> None:
    canonical.create_table(con, "accounts", [("a1", "One"), ("a2", "Two")])
    ratings(con, [("a1", "2024-01-01", "x", 80.0)])
    result = account_scores(con, cfg("x"))
    assert_frame_equal(result, pd.DataFrame({
        "account_id": ["a1", "a2"], "x": [80.0, NAN], "composite": [80.0, NAN], "coverage": [1.0, 0.0],
        "band": ["green", "grey"], "weakest_factor": ["x", None], "gap": [0.0, NAN]}))


def test_factor_bands_long_form(con) -> None:
    ratings(con, [("a1", "2024-01-01", "x", 49.6), ("a1", "2024-01-01", "y", 76.0)])
    result = factor_bands(con, cfg("x", "y", "z"))
    assert_frame_equal(result, pd.DataFrame({
        "account_id": ["a1", "a1", "a1"], "factor": ["x", "y", "z"], "name": ["X", "Y", "Z"],
        "score": [49.6, 76.0, NAN], "target": [80.0, 80.0, 80.0], "gap": [80 - 49.6, 4.0, NAN],
        "band": ["yellow", "green", "grey"]}))


def test_factor_summary_means_over_rated_accounts(con) -> None:
    ratings(con, [("a1", "2024-01-01", "x", 40.0), ("a2", "2024-01-01", "x", 70.0),
                  ("a2", "2024-01-01", "y", 90.0)])
    result = factor_summary(con, cfg("x", "y", targets={"y": 85}))
    assert_frame_equal(result, pd.DataFrame({
        "factor": ["x", "y"], "name": ["X", "Y"], "n": [2, 1], "score": [55.0, 90.0], "weight": [1.0, 1.0],
        "target": [80.0, 85.0], "gap": [25.0, -5.0], "band": ["yellow", "green"]}))


def test_odd_factor_keys_are_quoted_not_formatted(con) -> None:
    key = 'it\'s "odd"; DROP TABLE x'
    ratings(con, [("a1", "2024-01-01", key, 60.0)])
    result = account_scores(con, cfg(key))
    assert result[key].tolist() == [60.0]


# ---------------------------------------------------------------- bands


@pytest.mark.parametrize(("value", "coverage", "expected"), [
    (50.0, 1.0, "yellow"), (75.0, 1.0, "yellow"), (49.6, 1.0, "yellow"), (49.5, 1.0, "yellow"),
    (49.4, 1.0, "red"), (49.49, 1.0, "red"), (75.4, 1.0, "yellow"), (75.5, 1.0, "green"),
    (76.0, 1.0, "green"), (0.0, 1.0, "red"), (100.0, 1.0, "green"),
    (None, 1.0, "grey"), (NAN, 1.0, "grey"), (100.0, 0.49, "grey"), (100.0, 0.5, "green"), (60.0, None, "yellow"),
])
def test_band_edges_python_and_sql_agree(con, value, coverage, expected) -> None:
    assert band(value, coverage, Thresholds()) == expected
    sql = con.execute(f"SELECT {band_sql('CAST($v AS DOUBLE)', 'coalesce(CAST($c AS DOUBLE), 1.0)')}",
                      {"v": value, "c": coverage, "red_below": 50.0, "green_above": 75.0,
                       "min_coverage": 0.5}).fetchone()[0]
    assert sql == expected


@functools.cache
def _plain_db() -> duckdb.DuckDBPyConnection:
    """One bare DuckDB for the band-rule property test (the rule reads no table)."""
    return duckdb.connect()


@given(value=st.one_of(st.floats(min_value=-1, max_value=101, allow_nan=False),
                       st.integers(0, 200).map(lambda i: i / 2)),
       coverage=st.floats(min_value=0, max_value=1),
       red=st.integers(0, 100), width=st.integers(0, 50))
def test_band_sql_matches_python_everywhere(value, coverage, red, width) -> None:
    th = Thresholds(red_below=float(red), green_above=float(red + width), min_coverage=0.5)
    sql = _plain_db().execute(f"SELECT {band_sql('CAST($v AS DOUBLE)', 'CAST($c AS DOUBLE)')}",
                          {"v": value, "c": coverage, "red_below": th.red_below,
                         "green_above": th.green_above, "min_coverage": th.min_coverage}).fetchone()[0]
    assert sql == band(value, coverage, th)


def test_shown_rounds_half_away_from_zero() -> None:
    assert [shown(v) for v in (49.5, 75.5, 74.5, 2.5, -2.5, 49.49, 0.49999999999999994)] == [
        50, 76, 75, 3, -3, 49, 0]


def test_bands_of_composites_as_shown(con) -> None:
    ratings(con, [("e50", "2024-01-01", "x", 50.0), ("e75", "2024-01-01", "x", 75.0),
                  ("s496", "2024-01-01", "x", 49.6), ("s494", "2024-01-01", "x", 49.4),
                  ("s755", "2024-01-01", "x", 75.5), ("s754", "2024-01-01", "x", 75.4)])
    result = account_scores(con, cfg("x")).set_index("account_id")["band"].to_dict()
    assert result == {"e50": "yellow", "e75": "yellow", "s494": "red", "s496": "yellow",
                      "s754": "yellow", "s755": "green"}


def test_grey_below_minimum_coverage(con) -> None:
    # one factor of eight rated 100 is not a green account; four of eight is enough
    keys = [f.key for f in default_factors()]
    ratings(con, [("one", "2024-01-01", keys[0], 5.0)]
            + [("half", "2024-01-01", k, 5.0) for k in keys[:4]])
    config = ScoreConfig(scales={k: Scale.of("1-5") for k in keys})
    result = account_scores(con, config)[["account_id", "composite", "coverage", "band"]]
    assert_frame_equal(result, pd.DataFrame({"account_id": ["half", "one"], "composite": [100.0, 100.0],
                                             "coverage": [0.5, 0.125], "band": ["green", "grey"]}))


def test_custom_thresholds(con) -> None:
    ratings(con, [("a1", "2024-01-01", "x", 60.0), ("a2", "2024-01-01", "x", 85.0)])
    config = cfg("x", thresholds=Thresholds(red_below=65, green_above=85, min_coverage=0.5))
    assert account_scores(con, config)["band"].tolist() == ["red", "yellow"]


# ---------------------------------------------------------------- scale detection


def test_detect_scales(con) -> None:
    ratings(con, [("a", None, "yn", v) for v in (0.0, 1.0, 1.0)]
            + [("a", None, "five", v) for v in (1.0, 3.0, 5.0)]
            + [("a", None, "ten", v) for v in (0.0, 7.0, 10.0)]
            + [("a", None, "pct", v) for v in (0.2, 0.75, 1.0)]
            + [("a", None, "hundred", v) for v in (12.0, 85.5)]
            + [("a", None, "days", v) for v in (-3.0, 250.0)]
            + [("a", None, "ones", v) for v in (1.0, 1.0)])
    assert detect_scales(con) == {
        "yn": Scale("yes/no", 0.0, 1.0), "five": Scale("1-5", 1.0, 5.0), "ten": Scale("0-10", 0.0, 10.0),
        "pct": Scale("percent", 0.0, 1.0), "hundred": Scale("0-100", 0.0, 100.0),
        "days": Scale("metric", -3.0, 250.0), "ones": Scale("yes/no", 0.0, 1.0)}


def test_detected_scale_is_overridable(con) -> None:
    ratings(con, [("a1", None, "x", 3.0), ("a2", None, "x", 5.0), ("a1", None, "y", 4.0)])
    config = cfg("x", "y", scale=None)
    assert effective_scales(con, config) == {"x": Scale.of("1-5"), "y": Scale.of("1-5")}
    assert account_scores(con, config)["x"].tolist() == [50.0, 100.0]
    config.scales["x"] = Scale.of("0-10")
    assert effective_scales(con, config)["x"] == Scale.of("0-10")
    assert account_scores(con, config)["x"].tolist() == [30.0, 50.0]


# ---------------------------------------------------------------- segments


def _segment_fixture(con) -> None:
    canonical.create_table(con, "accounts", [
        ("a1", "One", "Usage", 100.0), ("a2", "Two", "Usage", 300.0), ("a3", "Three", "Usage", 200.0),
        ("a4", "Four", "Usage", None), ("a5", "Five", "Usage", 1000.0),
    ], [("tier", "VARCHAR")])
    con.execute("UPDATE accounts SET tier = CASE account_id WHEN 'a1' THEN 'A' WHEN 'a2' THEN 'A' "
                "WHEN 'a3' THEN 'B' WHEN 'a5' THEN 'B' END")
    ratings(con, [("a1", "2024-01-01", "f1", 80.0), ("a1", "2024-01-01", "f2", 60.0),   # 70, gap 10
                  ("a2", "2024-01-01", "f1", 40.0),                                     # 40, gap 40
                  ("a3", "2024-01-01", "f1", 90.0), ("a3", "2024-01-01", "f2", 90.0),   # 90, gap -10
                  ("a4", "2024-01-01", "f1", 20.0)])                                    # 20, gap 60; a5 unrated


SEGMENT_COLUMNS = ["segment", "accounts", "n", "composite", "f1", "f2", "coverage", "band", "weakest_factor",
                   "gap", "gap_f1", "gap_f2", "low_n"]


def test_segment_means_plain(con) -> None:
    _segment_fixture(con)
    result = segment_scores(con, cfg("f1", "f2"), "tier", settings=Settings(min_n=2))
    expected = pd.DataFrame({
        "segment": ["A", "B", "(none)"], "accounts": [2, 2, 1], "n": [2, 1, 1],
        "composite": [55.0, 90.0, 20.0], "f1": [60.0, 90.0, 20.0], "f2": [60.0, 90.0, NAN],
        "coverage": [0.75, 0.5, 0.5], "band": ["yellow", "green", "red"],
        "weakest_factor": ["f1", "f1", "f1"], "gap": [25.0, -10.0, 60.0],
        "gap_f1": [20.0, -10.0, 60.0], "gap_f2": [20.0, -10.0, NAN], "low_n": [False, True, True],
    })
    assert_frame_equal(result[SEGMENT_COLUMNS], expected)


def test_segment_means_arr_weighted(con) -> None:
    _segment_fixture(con)
    result = segment_scores(con, cfg("f1", "f2"), "tier", weight="arr", settings=Settings(min_n=2))
    expected = pd.DataFrame({
        "segment": ["A", "B", "(none)"], "accounts": [2, 2, 1], "n": [2, 1, 1],
        # A: (100·70 + 300·40) / 400; f1 (100·80 + 300·40) / 400; a4 has no ARR → no weight
        "composite": [47.5, 90.0, NAN], "f1": [50.0, 90.0, NAN], "f2": [60.0, 90.0, NAN],
        "coverage": [0.75, 0.5, 0.5], "band": ["red", "green", "grey"],
        "weakest_factor": ["f1", "f1", None], "gap": [32.5, -10.0, NAN],
        "gap_f1": [30.0, -10.0, NAN], "gap_f2": [20.0, -10.0, NAN], "low_n": [False, True, True],
    })
    assert_frame_equal(result[SEGMENT_COLUMNS], expected)


def test_segment_errors_name_the_column(con) -> None:
    with pytest.raises(MetricError, match="Column 'regio' is not in the accounts table"):
        segment_scores(con, cfg("f1"), "regio")
    with pytest.raises(MetricError, match="'accounts' or 'arr'"):
        segment_scores(con, cfg("f1"), "stage", weight="logos")


# ---------------------------------------------------------------- trend and history


def test_trend_directions_at_the_dead_band_edge(con) -> None:
    ratings(con, [
        ("a1", "2024-02-01", "x", 50.0), ("a1", "2024-05-01", "x", 55.0),   # +5 → same
        ("a2", "2024-02-01", "x", 50.0), ("a2", "2024-05-01", "x", 55.5),   # +5.5 → up
        ("a3", "2024-02-01", "x", 60.0), ("a3", "2024-05-01", "x", 54.0),   # −6 → down
        ("a4", "2024-02-01", "x", 60.0), ("a4", "2024-05-01", "x", 55.0),   # −5 → same
        ("a5", "2024-05-01", "x", 60.0),                                    # no previous
        ("a6", "2024-02-01", "x", 70.0),                                    # carried forward → same
    ])
    result = score_trend(con, cfg("x"))
    q1, q2 = TS("2024-01-01"), TS("2024-04-01")
    expected = pd.DataFrame({
        "account_id": ["a1", "a2", "a3", "a4", "a5", "a6"],
        "previous_period": [q1] * 6, "previous_composite": [50.0, 50.0, 60.0, 60.0, NAN, 70.0],
        "period": [q2] * 6, "composite": [55.0, 55.5, 54.0, 55.0, 60.0, 70.0],
        "change": [5.0, 5.5, -6.0, -5.0, NAN, 0.0],
        "direction": ["same", "up", "down", "same", None, "same"],
    })
    expected[["previous_period", "period"]] = expected[["previous_period", "period"]].astype("datetime64[us]")
    assert_frame_equal(result, expected)


def test_trend_needs_coverage_on_both_sides(con) -> None:
    ratings(con, [("a1", "2024-02-01", "x", 20.0), ("a1", "2024-05-01", "y", 90.0)])
    result = score_trend(con, cfg("x", "y", "z", "w"))
    # previous quarter: only x (coverage 0.25) → no direction even though the composite moved by 35
    assert result[["previous_composite", "composite", "change", "direction"]].iloc[0].tolist()[:3] == [
        20.0, 55.0, 35.0]
    assert result["direction"].isna().all()


def test_trend_months_and_fiscal_quarters(con) -> None:
    ratings(con, [("a1", "2024-01-15", "x", 50.0), ("a1", "2024-02-10", "x", 70.0)])
    monthly = score_trend(con, cfg("x"), period="month")
    assert monthly[["previous_period", "period", "change", "direction"]].iloc[0].tolist() == [
        TS("2024-01-01"), TS("2024-02-01"), 20.0, "up"]
    # fiscal year from February: quarters Nov–Jan and Feb–Apr
    fiscal = score_trend(con, cfg("x"), settings=Settings(fiscal_year_start_month=2))
    assert fiscal[["previous_period", "period", "change"]].iloc[0].tolist() == [
        TS("2023-11-01"), TS("2024-02-01"), 20.0]
    with pytest.raises(MetricError, match="'quarter' or 'month'"):
        score_trend(con, cfg("x"), period="week")


def test_history_per_account_and_segment(con) -> None:
    canonical.create_table(con, "accounts", [("a1", "One"), ("a2", "Two")], [("tier", "VARCHAR")])
    con.execute("UPDATE accounts SET tier = 'A'")
    ratings(con, [("a1", "2024-01-15", "x", 40.0), ("a1", "2024-03-05", "x", 80.0),
                  ("a2", "2024-02-20", "x", 60.0)])
    history = score_history(con, cfg("x"), period="month")
    jan, feb, mar = TS("2024-01-01"), TS("2024-02-01"), TS("2024-03-01")
    expected = pd.DataFrame({
        "account_id": ["a1", "a1", "a1", "a2", "a2"], "period": [jan, feb, mar, feb, mar],
        "composite": [40.0, 40.0, 80.0, 60.0, 60.0], "coverage": [1.0] * 5,
        "band": ["red", "red", "green", "yellow", "yellow"]})
    expected["period"] = expected["period"].astype("datetime64[us]")
    assert_frame_equal(history, expected)
    by_tier = score_history(con, cfg("x"), period="month", by="tier", settings=Settings(min_n=2))
    expected = pd.DataFrame({
        "segment": ["A", "A", "A"], "period": [jan, feb, mar], "n": [1, 2, 2], "composite": [40.0, 50.0, 70.0],
        "band": ["red", "yellow", "yellow"], "low_n": [True, False, False]})
    expected["period"] = expected["period"].astype("datetime64[us]")
    assert_frame_equal(by_tier, expected)


def test_trend_empty_without_dated_ratings(con) -> None:
    ratings(con, [("a1", None, "x", 50.0)])
    assert score_trend(con, cfg("x")).empty


# ---------------------------------------------------------------- revenue view


def _risk_fixture(con) -> None:
    canonical.create_table(con, "accounts", [
        ("r1", "Red soon", "Usage", 100.0, None, "2024-07-30"),        # 30 days: in
        ("r2", "Red edge", "Usage", 200.0, None, "2024-09-28"),        # 90 days: in
        ("r3", "Red later", "Usage", 400.0, None, "2024-09-29"),       # 91 days: out
        ("r4", "Red past", "Usage", 1600.0, None, "2024-06-29"),       # renewed before as-of: out
        ("d1", "Disappointed", "Usage", 800.0, None, "2024-08-01"),    # green but disappointed: in
        ("d2", "Recovered", "Usage", 3200.0, None, "2024-08-01"),      # back in Loyalty: out
        ("g1", "Fine", "Usage", 6400.0, None, "2024-07-01"),           # green: out
        ("c1", "Churned", "Usage", 12800.0, None, "2024-07-01"),       # red but churned: out
        ("y1", "Acct stage", "Disappointment", 50.0, None, "2024-07-01"),  # no events: accounts.stage counts
    ])
    ratings(con, [(a, "2024-06-01", "x", 30.0) for a in ("r1", "r2", "r3", "r4", "c1")]
            + [(a, "2024-06-01", "x", 90.0) for a in ("d1", "d2", "g1", "y1")])
    canonical.create_table(con, "journey_events", [
        ("d1", "Usage", "2024-03-01"), ("d1", "Disappointment", "2024-06-01"),
        ("d2", "Disappointment", "2024-03-01"), ("d2", "Loyalty", "2024-06-01"),
        ("c1", "Disappointment", "2024-03-01"), ("c1", "Churn", "2024-06-01"),
        ("r1", "Usage", "2024-01-01"),
    ])


def test_arr_at_risk_renewals_inside_and_outside_the_horizon(con) -> None:
    _risk_fixture(con)
    total, accounts = arr_at_risk(con, cfg("x"), settings=Settings(as_of=dt.datetime(2024, 6, 30)))
    assert total == 1150.0
    expected = pd.DataFrame({
        "account_id": ["y1", "r1", "d1", "r2"], "name": ["Acct stage", "Red soon", "Disappointed", "Red edge"],
        "arr": [50.0, 100.0, 800.0, 200.0],
        "renewal_date": pd.to_datetime(["2024-07-01", "2024-07-30", "2024-08-01", "2024-09-28"]).astype(
            "datetime64[us]"),
        "days_to_renewal": [1, 30, 32, 90], "stage": ["Disappointment", "Usage", "Disappointment", "Usage"],
        "composite": [90.0, 30.0, 90.0, 30.0], "band": ["green", "red", "green", "red"],
        "reason": ["Disappointment", "red", "Disappointment", "red"],
    })
    assert_frame_equal(accounts, expected)
    total_30, accounts_30 = arr_at_risk(con, cfg("x"), days=30, settings=Settings(as_of=dt.datetime(2024, 6, 30)))
    assert (total_30, accounts_30["account_id"].tolist()) == (150.0, ["y1", "r1"])


def test_arr_at_risk_needs_an_as_of_date(con) -> None:
    canonical.create_table(con, "accounts", [("a1", "One", "Usage", 10.0, None, "2024-07-01")])
    with pytest.raises(MetricError, match="needs an as-of date"):
        arr_at_risk(con, cfg("x"))


def test_band_summary_counts_and_arr(con) -> None:
    _risk_fixture(con)
    result = band_summary(con, cfg("x"))
    red_arr, green_arr = 100 + 200 + 400 + 1600 + 12800, 800 + 3200 + 6400 + 50
    total = red_arr + green_arr
    expected = pd.DataFrame({
        "band": ["red", "yellow", "green", "grey"], "accounts": [5, 0, 4, 0], "share": [5 / 9, 0, 4 / 9, 0],
        "arr": [float(red_arr), 0.0, float(green_arr), 0.0],
        "arr_share": [red_arr / total, 0.0, green_arr / total, 0.0]})
    assert_frame_equal(result, expected)


# ---------------------------------------------------------------- configuration and CLI contract


def test_config_round_trip_through_json() -> None:
    config = ScoreConfig(scales={"customer_intent": Scale.of("0-10"), "customer_education": Scale.metric(0, 12)},
                         weights={"relationships": 2.0}, targets={"customer_intent": 90.0},
                         thresholds=Thresholds(40, 70, 0.6), max_age_days={"relationships": 180},
                         dead_band=3.0, risk_horizon_days=60)
    config = config.rename("relationships", "Partnership").drop("optimal_customer_journey").add(
        Factor("nps_trend", "NPS trend"), scale=Scale.of("0-100"), weight=0.5, target=70)
    back = ScoreConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert back == config
    assert back.keys[-1] == "nps_trend" and "optimal_customer_journey" not in back.keys
    assert back.factors[4] == Factor("relationships", "Partnership")
    assert (back.weight("relationships"), back.weight("customer_intent"), back.target("nps_trend")) == (2.0, 1.0, 70.0)
    assert ScoreConfig.from_dict({}) == ScoreConfig()


@pytest.mark.parametrize(("config", "message"), [
    (ScoreConfig(factors=[]), "No engagement factors"),
    (ScoreConfig(weights={k: 0 for k in ScoreConfig().keys}), "add up to 0"),
    (ScoreConfig(weights={"relationships": -1}), "Weight of 'relationships'"),
    (ScoreConfig(targets={"relationships": 120}), "Target of 'relationships'"),
    (ScoreConfig(thresholds=Thresholds(80, 60)), "must not exceed"),
    (ScoreConfig(factors=[Factor("composite", "Composite")]), "clashes"),
    (ScoreConfig(factors=[Factor("a", "A"), Factor("a", "B")]), "used twice"),
    (ScoreConfig(max_age_days={"relationships": 0}), "Maximum age of 'relationships'"),
])
def test_config_validation_messages(config, message) -> None:
    with pytest.raises(MetricError, match=message):
        config.validate()


def test_cli_scores_table_columns(con) -> None:
    ratings(con, [("a1", "2024-01-01", "customer_intent", 4.0), ("a1", "2024-01-01", "relationships", 3.0)])
    config = ScoreConfig(scales={"customer_intent": Scale.of("1-5"), "relationships": Scale.of("1-5")})
    table = cli_scores_table(account_scores(con, config))
    assert list(table.columns) == ["account_id", *CLI_COLUMNS]
    assert table.iloc[0][["account_id", "customer_intent", "relationships", "composite", "coverage", "band",
                          "weakest_factor", "gap"]].tolist() == ["a1", 75.0, 50.0, 62.5, 0.25, "grey",
                                                                 "relationships", 17.5]
    canonical.create_table(con, "accounts", [("a1", "One")], [("tier", "VARCHAR")])
    by = cli_scores_table(segment_scores(con, config, "tier"), by="tier")
    assert list(by.columns) == ["segment", *CLI_COLUMNS]
    assert by["segment"].tolist() == ["(none)"]


def test_cli_table_keeps_contract_keys_when_a_factor_is_dropped(con) -> None:
    ratings(con, [("a1", "2024-01-01", "customer_intent", 4.0)])
    config = ScoreConfig(scales={"customer_intent": Scale.of("1-5")}).drop("relationships")
    table = cli_scores_table(account_scores(con, config))
    assert list(table.columns) == ["account_id", *CLI_COLUMNS]
    assert table["relationships"].isna().all()


def test_parse_factor_json_keys_and_names() -> None:
    config = ScoreConfig().rename("relationships", "Partnership")
    assert parse_factor_json('{"customer_intent": 2, "Customer education": 0.5, "Partnership": 3}', config) == {
        "customer_intent": 2.0, "customer_education": 0.5, "relationships": 3.0}
    with pytest.raises(MetricError, match="Unknown factor 'Happiness'"):
        parse_factor_json('{"Happiness": 1}', config)
    with pytest.raises(MetricError, match="'customer_intent' needs a number"):
        parse_factor_json('{"customer_intent": "high"}', config)
    with pytest.raises(MetricError, match="Not valid JSON"):
        parse_factor_json("{customer_intent: 1}", config)
    with pytest.raises(MetricError, match="JSON object"):
        parse_factor_json("[1, 2]", config)


# ---------------------------------------------------------------- figures


def test_figures_draw_bands_and_say_no_data(con) -> None:
    _segment_fixture(con)
    config = cfg("f1", "f2")
    scores = account_scores(con, config)
    hist = figures.composite_histogram(scores)
    assert {t.name: len(t.x) for t in hist.data} == {"Red": 2, "Yellow": 1, "Green": 1}
    assert [t.marker.color for t in hist.data] == ["#d7301f", "#fdae37", "#31a354"]
    assert hist.layout.template.layout.font.family.startswith("Inter")
    bars = figures.factor_bar_chart(factor_summary(con, config))
    assert list(bars.data[1].x) == [80.0, 80.0] and bars.data[0].text[0] == "58 · 23 below target"
    summary = figures.band_summary_chart(band_summary(con, config))
    assert list(summary.data[1].y) == [300.0, 100.0, 200.0, 1000.0]
    segments = segment_scores(con, config, "tier", settings=Settings(min_n=2))
    heat = figures.segment_factor_heatmap(segments, config)
    assert heat.data[0].y[1] == "B (n=1, low n)"
    radar = figures.segment_radar(segments, config, "A")
    assert list(radar.data[1].r) == [60.0, 60.0, 60.0] and list(radar.data[0].r) == [80.0, 80.0, 80.0]
    history = figures.history_chart(score_history(con, config, by="tier", settings=Settings(min_n=2)), by="tier")
    assert {t.name for t in history.data} == {"A", "B (low n)", "(none) (low n)"}
    for empty in (figures.composite_histogram(scores.iloc[0:0]), figures.factor_bar_chart(None),
                  figures.history_chart(pd.DataFrame()), figures.segment_radar(segments, config, "Z"),
                  figures.segment_factor_heatmap(segments.iloc[0:0], config),
                  figures.band_summary_chart(band_summary(con, cfg("zzz")).assign(accounts=0))):
        assert [a.text for a in empty.layout.annotations] == ["No data"]
