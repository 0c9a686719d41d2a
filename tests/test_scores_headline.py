"""The Scores page's headline numbers, computed in cxlib: median composite and trend counts (hand-computed)."""

from __future__ import annotations

import datetime as dt

import pytest

from cxlib import canonical
from cxlib.factors import Factor
from cxlib.scores import (
    CompositeSummary,
    Scale,
    ScoreConfig,
    Thresholds,
    TrendCounts,
    account_scores,
    composite_summary,
    score_trend,
    trend_counts,
)

PCT = Scale.of("0-100")


def cfg(*keys: str, **kwargs: object) -> ScoreConfig:
    """A config of the given factor keys, all on the 0–100 scale."""
    return ScoreConfig(factors=[Factor(k, k.upper()) for k in keys], scales={k: PCT for k in keys}, **kwargs)


def ratings(con, rows) -> None:
    canonical.create_table(con, "factor_ratings", rows)


# ---------------------------------------------------------------- median composite


def _portfolio(con) -> None:
    """Weights x = 3, y = 1; composites and coverage worked out beside each account."""
    canonical.create_table(con, "accounts", [(a, a.upper()) for a in ("a1", "a2", "a3", "a4", "a5", "a6")])
    ratings(con, [
        ("a1", "2024-01-01", "x", 40.0), ("a1", "2024-01-01", "y", 40.0),   # 40, coverage 1: red
        ("a2", "2024-01-01", "x", 60.0), ("a2", "2024-01-01", "y", 80.0),   # (180 + 80) / 4 = 65: yellow
        ("a3", "2024-01-01", "y", 100.0),                                   # 100, coverage 0.25: grey
        ("a4", "2024-01-01", "x", 90.0), ("a4", "2024-01-01", "y", 70.0),   # (270 + 70) / 4 = 85: green
        ("a5", "2024-01-01", "x", 50.0),                                    # 50, coverage 0.75: yellow
    ])                                                                      # a6: not rated, grey


def test_median_composite_over_banded_accounts(con) -> None:
    _portfolio(con)
    # banded composites 40, 50, 65, 85 → median (50 + 65) / 2; a3's 100 is grey and left out
    assert composite_summary(con, cfg("x", "y", weights={"x": 3, "y": 1})) == CompositeSummary(6, 4, 57.5)


def test_median_composite_odd_count_and_minimum_coverage(con) -> None:
    _portfolio(con)
    # minimum coverage 0.8 greys a5 (0.75) too: 40, 65, 85 → 65
    config = cfg("x", "y", weights={"x": 3, "y": 1}, thresholds=Thresholds(min_coverage=0.8))
    assert composite_summary(con, config) == CompositeSummary(6, 3, 65.0)


def test_median_composite_agrees_with_the_account_rows(con) -> None:
    _portfolio(con)
    config = cfg("x", "y", weights={"x": 3, "y": 1})
    accounts = account_scores(con, config)
    banded = accounts.loc[accounts["band"] != "grey", "composite"]
    summary = composite_summary(con, config)
    assert (summary.accounts, summary.banded) == (len(accounts), len(banded))
    assert summary.median == pytest.approx(banded.median())


def test_median_composite_without_banded_accounts(con) -> None:
    assert composite_summary(con, cfg("x")) == CompositeSummary(0, 0, None)
    canonical.create_table(con, "accounts", [("a1", "One")])
    assert composite_summary(con, cfg("x")) == CompositeSummary(1, 0, None)


# ---------------------------------------------------------------- trend counts


Q1, Q2 = dt.datetime(2024, 1, 1), dt.datetime(2024, 4, 1)


def _moves(con) -> None:
    ratings(con, [
        ("a1", "2024-02-01", "x", 50.0), ("a1", "2024-05-01", "x", 55.0),   # +5 → same
        ("a2", "2024-02-01", "x", 50.0), ("a2", "2024-05-01", "x", 55.5),   # +5.5 → up
        ("a3", "2024-02-01", "x", 60.0), ("a3", "2024-05-01", "x", 54.0),   # −6 → down
        ("a4", "2024-02-01", "x", 60.0), ("a4", "2024-05-01", "x", 55.0),   # −5 → same
        ("a5", "2024-05-01", "x", 60.0),                                    # no previous: not comparable
        ("a6", "2024-02-01", "x", 70.0),                                    # carried forward → same
    ])


def test_trend_counts_at_the_dead_band_edge(con) -> None:
    _moves(con)
    assert trend_counts(con, cfg("x")) == TrendCounts(Q2, Q1, accounts=6, up=1, down=1, same=3, not_comparable=1)
    # a wider dead band (6) turns +5.5 and −6 into "same"
    assert trend_counts(con, cfg("x", dead_band=6.0)) == TrendCounts(Q2, Q1, 6, 0, 0, 5, 1)


def test_trend_counts_agree_with_the_account_rows(con) -> None:
    _moves(con)
    directions = score_trend(con, cfg("x"))["direction"]
    counts = trend_counts(con, cfg("x"))
    assert (counts.up, counts.down, counts.same, counts.not_comparable) == (
        int((directions == "up").sum()), int((directions == "down").sum()), int((directions == "same").sum()),
        int(directions.isna().sum()))


def test_trend_counts_need_coverage_on_both_sides(con) -> None:
    # previous quarter: only x of four factors (coverage 0.25) → not comparable
    ratings(con, [("a1", "2024-02-01", "x", 20.0), ("a1", "2024-05-01", "y", 90.0)])
    assert trend_counts(con, cfg("x", "y", "z", "w")) == TrendCounts(Q2, Q1, 1, 0, 0, 0, 1)


def test_trend_counts_by_month(con) -> None:
    ratings(con, [("a1", "2024-01-15", "x", 50.0), ("a1", "2024-02-10", "x", 70.0),
                  ("a2", "2024-02-10", "x", 70.0)])
    assert trend_counts(con, cfg("x"), period="month") == TrendCounts(
        dt.datetime(2024, 2, 1), dt.datetime(2024, 1, 1), 2, 1, 0, 0, 1)


def test_trend_counts_without_dated_ratings(con) -> None:
    ratings(con, [("a1", None, "x", 50.0)])
    assert trend_counts(con, cfg("x")) == TrendCounts(None, None, 0, 0, 0, 0, 0)
