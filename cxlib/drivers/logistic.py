"""A numeric driver's odds ratio per standard deviation, from a one-variable logistic regression.

y (1/0) on z = (x − mean) ÷ sd (sample sd, ddof 1) with an intercept, by `statsmodels` Logit
(maximum likelihood, Newton). Odds ratio per sd = exp(β), its 95 % interval exp(β ± 1.96·se)
(Wald, `conf_int`), p the Wald test's. A fit that cannot be trusted gives no numbers, only a note
saying why — never a traceback: no spread in x, only one outcome value, perfect separation (x
splits the outcome exactly, so β runs off to infinity), or no convergence.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

LOGISTIC = "logistic"


@dataclass(frozen=True)
class PerSd:
    """Odds ratio per standard deviation with its interval and p, or a note why there is none."""

    odds_ratio: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    p_value: float = math.nan
    sd: float = math.nan
    note: str | None = None

    @property
    def fitted(self) -> bool:
        return self.note is None


def per_sd(x: npt.ArrayLike, y: npt.ArrayLike, max_iter: int = 100) -> PerSd:
    """Fit y ~ 1 + (x − mean)/sd; the odds ratio per sd of x, or a note when the fit is not usable."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import (ConvergenceWarning, PerfectSeparationError,
                                                 PerfectSeparationWarning)

    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if len(xs) < 3:
        return PerSd(note=f"only {len(xs)} accounts: too few to fit")
    sd = float(np.std(xs, ddof=1))
    if not np.isfinite(sd) or sd == 0:
        return PerSd(note="every account has the same value: no spread to fit")
    events = int(ys.sum())
    if events in (0, len(ys)):
        return PerSd(sd=sd, note=f"all {len(ys)} accounts have the same outcome: nothing to fit")
    z = (xs - xs.mean()) / sd
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(ys, sm.add_constant(z, has_constant="add")).fit(disp=0, maxiter=max_iter)
        except PerfectSeparationError:
            return PerSd(sd=sd, note="perfect separation: the value splits the outcome exactly, so the odds ratio "
                                     "is infinite")
        except np.linalg.LinAlgError:
            return PerSd(sd=sd, note="the fit is singular: no usable estimate")
    kinds = {type(w.message) for w in caught}
    if PerfectSeparationWarning in kinds:
        return PerSd(sd=sd, note="perfect separation: the value splits the outcome exactly, so the odds ratio is "
                                 "infinite")
    if ConvergenceWarning in kinds or not result.mle_retvals.get("converged", True):
        return PerSd(sd=sd, note=f"the fit did not converge in {max_iter} iterations")
    beta = float(result.params[1])
    low, high = (float(v) for v in np.asarray(result.conf_int())[1])
    if not all(np.isfinite([beta, low, high])):
        return PerSd(sd=sd, note="the fit gave no finite estimate")
    return PerSd(math.exp(beta), math.exp(low), math.exp(high), float(result.pvalues[1]), sd)


__all__ = ["LOGISTIC", "PerSd", "per_sd"]
