"""Intervals and tests against hand values and scipy on fixed data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats as sst

from cxlib import stats


def test_wilson_eight_of_ten_matches_hand_value() -> None:
    low, high = stats.wilson_interval(8, 10)
    assert_allclose([low, high], [0.4902, 0.9433], atol=5e-5)


def test_wilson_vectorised_edges() -> None:
    low, high = stats.wilson_interval([0, 10, 0], [10, 10, 0])
    # 0 of 10 → [0, 0.2775]; 10 of 10 → [0.7225, 1]; n = 0 → undefined
    assert_allclose(low[:2], [0.0, 0.7225], atol=5e-5)
    assert_allclose(high[:2], [0.2775, 1.0], atol=5e-5)
    assert np.isnan(low[2]) and np.isnan(high[2])


@given(n=st.integers(1, 500), data=st.data())
def test_wilson_equals_scipy_binomtest(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    low, high = stats.wilson_interval(k, n)
    ci = sst.binomtest(k, n).proportion_ci(method="wilson")
    assert_allclose([low, high], [ci.low, ci.high], rtol=1e-9, atol=1e-12)


def test_t_interval_equals_scipy() -> None:
    values = np.array([2.0, 3.0, 5.0, 4.0, 6.0, 1.0])
    low, high = stats.t_interval(values.mean(), values.std(ddof=1), len(values))
    expected = sst.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=sst.sem(values))
    assert_allclose([low, high], expected, rtol=1e-12)
    # by hand: mean 3.5, sd 1.8708, t(0.975, 5) = 2.5706 → 3.5 ± 1.9633
    assert_allclose([low, high], [1.5367, 5.4633], atol=1e-4)


def test_t_interval_needs_two_values() -> None:
    low, high = stats.t_interval([4.0], [np.nan], [1])
    assert np.isnan(low[0]) and np.isnan(high[0])


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(12, 40, 30, 60), (3, 31, 20, 90), (45, 50, 10, 70)])
def test_ztest_equals_chi2_contingency_without_correction(x1: int, n1: int, x2: int, n2: int) -> None:
    z, p = stats.two_proportion_ztest(x1, n1, x2, n2)
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    chi2, p_chi2, _, _ = sst.chi2_contingency(table, correction=False)
    assert_allclose(p, p_chi2, rtol=1e-10)
    assert_allclose(z**2, chi2, rtol=1e-10)


def test_ztest_hand_value_and_degenerate_cases() -> None:
    # 12/40 vs 30/60: pooled 0.42, se = sqrt(.42*.58*(1/40+1/60)) = 0.100747, z = -0.2/0.100747
    z, p = stats.two_proportion_ztest([12, 0, 5], [40, 10, 5], [30, 0, 3], [60, 20, 0])
    assert_allclose(z[0], -1.98517, atol=1e-5)
    assert_allclose(p[0], 0.04713, atol=1e-5)
    assert (z[1], p[1]) == (0.0, 1.0)        # both groups 0%: identical, nothing to detect
    assert np.isnan(z[2]) and np.isnan(p[2])  # empty comparison group


def test_welch_equals_scipy_on_raw_values() -> None:
    a = np.array([3.1, 4.2, 5.0, 6.3, 4.4, 5.9, 3.8])
    b = np.array([2.0, 2.5, 3.9, 2.2, 3.1, 1.8, 2.9, 3.3, 2.4])
    t, p = stats.welch_ttest(a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b))
    expected = sst.ttest_ind(a, b, equal_var=False)
    assert_allclose([t[0], p[0]], [expected.statistic, expected.pvalue], rtol=1e-10)


def test_welch_undefined_cases_are_nan() -> None:
    t, p = stats.welch_ttest([1.0, 1.0], [np.nan, 0.0], [1, 5], [2.0, 1.0], [1.0, 0.0], [5, 5])
    assert np.isnan(p).all() and np.isnan(t).all()


def test_benjamini_hochberg_hand_example() -> None:
    # sorted 0.01, 0.03, 0.04, 0.20 → 0.01*4/1=0.04; 0.03*4/2=0.06; 0.04*4/3=0.0533; 0.20
    # monotone from the top: min(0.06, 0.0533) = 0.0533 for 0.03
    adjusted = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    assert_allclose(adjusted, [0.04, 0.053333, 0.053333, 0.20], atol=1e-6)


def test_benjamini_hochberg_leaves_nan_out_of_the_family() -> None:
    adjusted = stats.benjamini_hochberg([0.01, np.nan, 0.04])
    # family of two: 0.01*2/1 = 0.02, 0.04*2/2 = 0.04
    assert_allclose(adjusted, [0.02, np.nan, 0.04])
    assert stats.benjamini_hochberg([]).shape == (0,)
