"""2×2 tables (in the group or not × outcome or not): odds ratio, Woolf interval, and the test that fits.

The counts come from SQL; these functions only do the arithmetic on them (README, "Drivers"):

            outcome   no outcome
  group        a          b
  rest         c          d

- Odds ratio = (a·d) ÷ (b·c), the sample odds ratio. When any cell is zero, 0.5 is added to
  every cell first (the Haldane–Anscombe correction), for the ratio and its interval alike.
- 95 % Woolf (logit) interval: exp(ln OR ± 1.959964 · √(1/a + 1/b + 1/c + 1/d)).
- Test: Fisher's exact test (two-sided) when any expected cell (row total × column total ÷ N)
  is below 5, else the pooled two-proportion z-test (`stats.two_proportion_ztest`). Exactly 5
  is not below 5. A table with an empty row (no group or no rest) is not tested.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as _st

from cxlib import stats

FISHER, Z_TEST = "fisher", "z"
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class TwoByTwo:
    """What one 2×2 table gives: odds ratio with its Woolf interval, the p-value and which test gave it."""

    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str | None        # 'fisher', 'z', or None when not testable (an empty row)
    corrected: bool         # 0.5 was added to every cell (a zero cell)


def odds_ratio(a: float, b: float, c: float, d: float, confidence: float = stats.CONFIDENCE,
               ) -> tuple[float, float, float, bool]:
    """(odds ratio, Woolf low, Woolf high, corrected): 0.5 added to every cell when any is zero."""
    corrected = min(a, b, c, d) == 0
    if corrected:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or = math.log(a * d / (b * c))
    half = float(_st.norm.ppf(0.5 + confidence / 2)) * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.exp(log_or), math.exp(log_or - half), math.exp(log_or + half), corrected


def min_expected(a: float, b: float, c: float, d: float) -> float:
    """The smallest expected cell count under independence: row total × column total ÷ N."""
    n = a + b + c + d
    return min(a + b, c + d) * min(a + c, b + d) / n if n > 0 else 0.0


def p_value_2x2(a: int, b: int, c: int, d: int) -> tuple[float, str | None]:
    """(p, test): Fisher's exact when any expected cell < 5, else the two-proportion z-test; (NaN, None) untestable."""
    if a + b == 0 or c + d == 0:
        return float("nan"), None
    if min_expected(a, b, c, d) < MIN_EXPECTED:
        return float(_st.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue), FISHER
    _, p = stats.two_proportion_ztest(a, a + b, c, c + d)
    return float(p), Z_TEST


def analyse(a: int, b: int, c: int, d: int) -> TwoByTwo:
    """The whole row of one 2×2 table: odds ratio, interval, p-value and test."""
    if a + b == 0 or c + d == 0:
        return TwoByTwo(float("nan"), float("nan"), float("nan"), float("nan"), None, False)
    ratio, low, high, corrected = odds_ratio(a, b, c, d)
    p, test = p_value_2x2(a, b, c, d)
    return TwoByTwo(ratio, low, high, p, test, corrected)


__all__ = ["FISHER", "MIN_EXPECTED", "TwoByTwo", "Z_TEST", "analyse", "min_expected", "odds_ratio", "p_value_2x2"]
