"""The Drivers forest chart: ranked by odds ratio, significant rows starred, small n greyed and faint."""

from __future__ import annotations

import math

import pandas as pd

from cxlib.figures.drivers import forest_chart
from cxlib.theme import BAND_COLORS, LOW_N_OPACITY, SEQUENCE

COLUMNS = ["kind", "driver", "value", "n", "odds_ratio", "ci_low", "ci_high", "p_value", "p_adjusted", "test",
           "significant", "low_n"]


def drivers(*rows: tuple) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df.attrs.update(outcome="churned", q=0.05, min_n=30)
    return df


def test_rows_ranked_by_odds_ratio_small_n_grey_and_faint_quartiles_left_out() -> None:
    df = drivers(
        ("segment", "Contract", "One year", 1473, 0.288, 0.243, 0.342, 1e-50, 1e-49, "z", True, False),
        ("segment", "Contract", "Month-to-month", 3875, 10.29, 8.83, 11.99, 1e-253, 1e-251, "z", True, False),
        ("segment", "Region", "North", 12, 3.0, 0.8, 11.0, 0.09, None, "fisher", False, True),
        ("per_sd", "tenure", None, 7043, 0.45, 0.41, 0.49, 1e-90, 1e-89, "logit", True, False),
        ("segment", "Plan", "Basic", 400, 1.1, 0.9, 1.3, 0.4, 0.5, "z", False, False),
        ("quartile", "tenure", "Q1 (≤ 9)", 1800, None, None, None, None, None, None, False, False),
    )
    trace = forest_chart(df).data[0]
    assert list(trace.y) == ["★ Contract = Month-to-month (n=3,875)", "Region = North (n=12, small)",
                             "Plan = Basic (n=400)", "★ tenure, per SD (n=7,043)",
                             "★ Contract = One year (n=1,473)"]
    assert list(trace.x) == [10.29, 3.0, 1.1, 0.45, 0.288]
    grey = BAND_COLORS["grey"]
    assert list(trace.marker.color) == [SEQUENCE[1], grey, grey, SEQUENCE[0], SEQUENCE[0]]
    assert list(trace.marker.opacity) == [1.0, LOW_N_OPACITY, 1.0, 1.0, 1.0]
    # Whiskers: the 95 % interval around each ratio, in the same order.
    assert [round(v, 2) for v in trace.error_x.array] == [1.7, 8.0, 0.2, 0.04, 0.05]
    assert [round(v, 3) for v in trace.error_x.arrayminus] == [1.46, 2.2, 0.2, 0.04, 0.045]


def test_with_more_rows_than_the_limit_the_furthest_from_1_are_kept() -> None:
    df = drivers(*[("segment", "Tier", f"T{i}", 100, ratio, ratio / 2, ratio * 2, 0.01, 0.02, "z", True, False)
                   for i, ratio in enumerate([1.05, 0.2, 4.0, 0.9, 2.5])])
    trace = forest_chart(df, limit=3).data[0]
    assert list(trace.x) == [4.0, 2.5, 0.2]                  # |log 0.2| = 1.61 beats |log 1.05|, |log 0.9|
    assert all(math.isfinite(v) for v in trace.x)
