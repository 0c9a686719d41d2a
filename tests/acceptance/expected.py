"""Reference numbers by plain Python, straight from the README's definitions (no cxlib code)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)
FUNNEL_STAGES = ["Awareness", "Consideration", "Decision", "Delivery", "Usage", "Loyalty", "Advocacy"]


def nps(scores: Iterable[float | None]) -> dict[str, float]:
    """README: promoters 9–10, passives 7–8, detractors 0–6; NPS in points with its moe95."""
    answers = [s for s in scores if s is not None]
    n = len(answers)
    p = sum(1 for s in answers if s >= 9)
    d = sum(1 for s in answers if s <= 6)
    pp, pd = p / n, d / n
    return {"n": n, "promoters": p, "passives": n - p - d, "detractors": d, "nps": 100 * (pp - pd),
            "moe95": 1.96 * 100 * math.sqrt((pp + pd - (pp - pd) ** 2) / n)}


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval of k successes out of n."""
    p = k / n
    denom = 1 + Z95**2 / n
    center = (p + Z95**2 / (2 * n)) / denom
    half = Z95 / denom * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    return max(0.0, center - half), min(1.0, center + half)


def rate(flags: Sequence[bool]) -> dict[str, float]:
    """A share with its Wilson interval: n, k, rate, ci_low, ci_high."""
    k, n = sum(flags), len(flags)
    low, high = wilson(k, n)
    return {"n": n, "k": k, "rate": k / n, "ci_low": low, "ci_high": high}


def mean_t(values: Sequence[float]) -> dict[str, float]:
    """Mean with a Student-t 95% interval (scipy only for the t quantile)."""
    from scipy.stats import t

    n, m = len(values), statistics.fmean(values)
    half = t.ppf(0.975, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return {"n": n, "mean": m, "ci_low": m - half, "ci_high": m + half}


def counting_sequence(times_by_step: Sequence[Sequence[dt.datetime]]) -> list[dt.datetime]:
    """README `ordered`: from the earliest t1 reaching the furthest step, each ti the earliest at or after t(i−1)."""
    best: list[dt.datetime] = []
    for t1 in sorted(times_by_step[0]):
        seq = [t1]
        for times in times_by_step[1:]:
            later = [t for t in times if t >= seq[-1]]
            if not later:
                break
            seq.append(min(later))
        if len(seq) > len(best):
            best = seq
    return best


def ordered_funnel(entries: Iterable[tuple[str, str, dt.datetime]], steps: Sequence[str]) -> dict[str, list]:
    """Accounts per step and median days from the previous step, from (account, stage, time) entries."""
    by_account: dict[str, dict[str, list[dt.datetime]]] = {}
    for account, stage, ts in entries:
        by_account.setdefault(account, {}).setdefault(stage, []).append(ts)
    sequences = {a: counting_sequence([stages.get(s, []) for s in steps]) for a, stages in by_account.items()}
    accounts = [sum(1 for seq in sequences.values() if len(seq) > k) for k in range(len(steps))]
    medians: list[float | None] = [None]
    for k in range(1, len(steps)):
        days = [(seq[k] - seq[k - 1]).total_seconds() / 86400 for seq in sequences.values() if len(seq) > k]
        medians.append(statistics.median(days) if days else None)
    return {"accounts": accounts, "median_days": medians, "sequences": sequences}
