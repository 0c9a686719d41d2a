"""Interval estimates and significance tests on already-aggregated tables (counts, means, variances).

Metrics aggregate in SQL; these functions take the small per-group numbers and return intervals
and p-values. They are thin over scipy where scipy has the statistic, vectorised over numpy arrays,
and return NaN (never raise) where a statistic is undefined (n = 0, a single observation, …).
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]

CONFIDENCE = 0.95
FDR_Q = 0.05


def _st() -> ModuleType:
    """scipy.stats, imported when a statistic first needs it: importing it is most of a command-line
    start (1-2 s on this machine), and most commands (a funnel) never use it."""
    from scipy import stats

    return stats


def _z(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 at 95%)."""
    return float(_st().norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: ArrayLike, n: ArrayLike, confidence: float = CONFIDENCE,
                    ) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a proportion: stays inside 0–1 and behaves at small n and p near 0/1.

    Same numbers as `scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`, vectorised;
    NaN where n = 0.
    """
    k = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / total
        denom = 1 + z**2 / total
        center = (p + z**2 / (2 * total)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / total + z**2 / (4 * total**2))
        low = np.where(total > 0, np.clip(center - half, 0.0, 1.0), np.nan)
        high = np.where(total > 0, np.clip(center + half, 0.0, 1.0), np.nan)
    return low, high


def t_interval(mean: ArrayLike, sd: ArrayLike, n: ArrayLike, confidence: float = CONFIDENCE,
               ) -> tuple[FloatArray, FloatArray]:
    """Student-t interval for a mean from its n, mean and sample sd; NaN where n < 2."""
    m = np.asarray(mean, dtype=float)
    s = np.asarray(sd, dtype=float)
    total = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        dof = np.where(total >= 2, total - 1, np.nan)
        half = _st().t.ppf(0.5 + confidence / 2, dof) * s / np.sqrt(total)
        low = np.where(total >= 2, m - half, np.nan)
        high = np.where(total >= 2, m + half, np.nan)
    return low, high


def two_proportion_ztest(x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike,
                         ) -> tuple[FloatArray, FloatArray]:
    """Pooled two-proportion z-test, two-sided: (z, p) per pair of groups.

    Equal to `scipy.stats.chi2_contingency(table, correction=False)` on the 2×2 table (z² is the
    chi-square statistic). When both groups are all-success or all-failure the proportions are
    identical and there is nothing to detect: z = 0, p = 1. NaN when a group is empty.
    """
    a = np.asarray(x1, dtype=float)
    na = np.asarray(n1, dtype=float)
    b = np.asarray(x2, dtype=float)
    nb = np.asarray(n2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (a + b) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        diff = a / na - b / nb
        z = np.where(se > 0, diff / se, 0.0)
        p = np.where(se > 0, 2 * _st().norm.sf(np.abs(z)), 1.0)
    empty = (na <= 0) | (nb <= 0)
    return np.where(empty, np.nan, z), np.where(empty, np.nan, p)


def welch_ttest(mean1: ArrayLike, var1: ArrayLike, n1: ArrayLike,
                mean2: ArrayLike, var2: ArrayLike, n2: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Welch's unequal-variance t-test from per-group n/mean/variance: (t, p), two-sided.

    Thin over `scipy.stats.ttest_ind_from_stats(equal_var=False)`, which gives the same p as
    `ttest_ind(equal_var=False)` on the raw values. NaN when a group has fewer than two values
    or both variances are zero.
    """
    m1, v1, c1 = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (mean1, var1, n1))
    m2, v2, c2 = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (mean2, var2, n2))
    m1, v1, c1, m2, v2, c2 = np.broadcast_arrays(m1, v1, c1, m2, v2, c2)
    ok = (c1 >= 2) & (c2 >= 2) & np.isfinite(v1) & np.isfinite(v2) & ((v1 + v2) > 0)
    t = np.full(m1.shape, np.nan)
    p = np.full(m1.shape, np.nan)
    if ok.any():
        res = _st().ttest_ind_from_stats(m1[ok], np.sqrt(v1[ok]), c1[ok], m2[ok], np.sqrt(v2[ok]), c2[ok],
                                       equal_var=False)
        t[ok] = res.statistic
        p[ok] = res.pvalue
    return t, p


def benjamini_hochberg(pvalues: ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate); NaN entries stay NaN.

    The family is the finite p-values only: a NaN (an untested cell) neither counts towards m nor
    gets an adjusted value. Thin over `scipy.stats.false_discovery_control(method="bh")`.
    """
    p = np.asarray(pvalues, dtype=float).reshape(-1)
    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = _st().false_discovery_control(p[finite], method="bh")
    return out


__all__ = ["CONFIDENCE", "FDR_Q", "benjamini_hochberg", "t_interval", "two_proportion_ztest",
           "welch_ttest", "wilson_interval"]
