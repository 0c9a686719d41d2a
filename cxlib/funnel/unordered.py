"""`any` mode: entries of steps 1..k in any order; ti is the earliest entry of step i.

The r-th listing of a stage takes its r-th earliest entry. With a window every ti lies within W
of the earliest of t1..tk. Days between steps can be negative in this mode.
"""

from __future__ import annotations

from cxlib.funnel.params import t
from cxlib.funnel.sequences import Ctes, finish_journeys, from_lists, stats_ctes
from cxlib.funnel.spec import Plan


def journeys_ctes(plan: Plan, force_lists: bool = False) -> Ctes:
    """`coverage` and `journeys` for the any-order mode (from per-stage minima unless stages repeat)."""
    if plan.repeats or force_lists:
        return from_lists(plan, chain)
    return stats_ctes(plan) + _direct_ctes(plan)


def _direct_ctes(plan: Plan) -> Ctes:
    """Distinct stages: ti is the earliest entry of step i (step 1 within range)."""
    n = plan.n
    cols = ["r_min AS t_1"] + [f"m_{plan.key(i)} AS t_{i}" for i in range(2, n + 1)]
    ctes = [("any_0", f"SELECT account_key, last_exit, {', '.join(cols)} FROM account_stats WHERE r_min IS NOT NULL")]
    ctes += _prefix_ctes(plan, "any_0", "journeys_raw")
    ctes.append(("journeys", finish_journeys(plan, "journeys_raw")))
    return ctes


def _prefix_ctes(plan: Plan, source: str, target: str) -> Ctes:
    """Keep t_1..t_k only while all exist and (with a window) span at most W."""
    n = plan.n
    conds = []
    for k in range(2, n + 1):
        prefix = ", ".join(t(i) for i in range(1, k + 1))
        ok = f"t_{k - 1} IS NOT NULL AND t_{k} IS NOT NULL"
        if plan.spec.window_days is not None:
            ok += f" AND epoch_us(greatest({prefix})) - epoch_us(least({prefix})) <= $window_us"
        conds.append((k, ok))
    if not conds:
        return [(target, f"SELECT * FROM {source}")]
    ctes = []
    prev = source
    for k, ok in conds:
        name = target if k == n else f"any_{k}"
        ctes.append((name, f"SELECT * REPLACE (CASE WHEN {ok} THEN t_{k} END AS t_{k}) FROM {prev}"))
        prev = name
    return ctes


def chain(plan: Plan, source: str, target: str) -> Ctes:
    """From lists: the r-th listing of a stage takes its r-th earliest entry; step 1 takes the
    earliest in-range entry, which the later listings of that stage then skip."""
    cols = ["list_min(starts) AS t_1"]
    seen: dict[str, int] = {plan.steps[0]: 1}
    for i in range(2, plan.n + 1):
        stage, j = plan.steps[i - 1], plan.key(i)
        r = seen.get(stage, 0) + 1
        seen[stage] = r
        if j == 1:
            # Step 1 used one entry of this stage (the earliest in range): skip it, take the (r-1)-th.
            cols.append(f"list_concat(sorted_1[1:pos_1 - 1], sorted_1[pos_1 + 1:])[{r - 1}] AS t_{i}")
        else:
            cols.append(f"list_sort(l_{j})[{r}] AS t_{i}")
    base = f"{target}_0"
    ctes = [(base, f"""
        SELECT account_key, last_exit, {', '.join(cols)}
        FROM (SELECT *, list_sort(l_1) AS sorted_1, list_position(list_sort(l_1), list_min(starts)) AS pos_1
              FROM {source} WHERE len(starts) > 0)""")]
    ctes += _prefix_ctes(plan, base, target)
    return ctes
