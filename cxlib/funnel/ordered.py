"""`ordered` mode (the default): steps 1..k at times t1 <= t2 <= … <= tk, other stages allowed between.

Without repeated stages most accounts are placed from per-stage min/max/count alone (one hash
aggregate); only accounts that need more — a return up the funnel, or another start inside a
window — go through their per-account lists. With a repeated stage, every account does.
"""

from __future__ import annotations

from cxlib.funnel.params import ts_cols, within_window
from cxlib.funnel.sequences import Ctes, chain_ctes, finish_journeys, from_lists, lists_ctes, stats_ctes
from cxlib.funnel.spec import Plan


def chain(plan: Plan, source: str, target: str) -> Ctes:
    """The ordered counting sequence from lists; with a window every in-range start is tried."""
    return chain_ctes(plan, source, target, many_starts=plan.spec.window_days is not None)


def journeys_ctes(plan: Plan, force_lists: bool = False) -> Ctes:
    """`coverage` and `journeys` for the ordered mode (fast path unless stages repeat or lists are forced)."""
    if plan.repeats or force_lists:
        return from_lists(plan, chain)
    return stats_ctes(plan) + _fast_ctes(plan)


def _fast_ctes(plan: Plan) -> Ctes:
    """Ordered chain from the earliest in-range step-1 entry using only each stage's earliest entry.

    While each stage's earliest entry is at or after the previous step's time, it is the next
    step. An account whose earliest entry of a step comes before the previous step (a return) is
    `needs_lists`. With a window, a later start can only go further than the earliest one when
    it lies within W of the entry that fell outside the window (`cut`): a later start's sequence
    is never earlier, step by step. Only then does the account need its lists too.
    """
    n = plan.n
    window = plan.spec.window_days is not None
    ctes = [("fast_1", """
        SELECT *, r_min AS t_1, false AS needs_lists, CAST(NULL AS TIMESTAMP) AS cut
        FROM account_stats WHERE r_min IS NOT NULL""")]
    for i in range(2, n + 1):
        j, p = plan.key(i), f"t_{i - 1}"
        inside = within_window(plan, f"m_{j}", "t_1")
        ctes.append((f"fast_{i}", f"""
            SELECT * REPLACE (needs_lists OR coalesce(m_{j} < {p}, false) AS needs_lists,
                              coalesce(cut, CASE WHEN m_{j} >= {p} AND NOT ({inside}) THEN m_{j} END) AS cut),
                   CASE WHEN m_{j} >= {p} AND {inside} THEN m_{j} END AS t_{i}
            FROM fast_{i - 1}"""))
    later_start = (" OR (cut IS NOT NULL AND r_max > r_min AND epoch_us(cut) - epoch_us(r_max) <= $window_us)"
                   if window else "")
    ctes.append(("fast", f"""
        SELECT account_key, {ts_cols(n)}, last_exit, needs_lists{later_start} AS needs_lists
        FROM fast_{n}"""))
    ctes.append(("slow_events", """
        SELECT * FROM layout_events
        WHERE account_key IN (SELECT account_key FROM fast WHERE needs_lists)"""))
    ctes += lists_ctes(plan, "slow_events", "slow_lists")
    ctes += chain(plan, "slow_lists", "slow")
    ctes.append(("journeys", finish_journeys(plan, f"""(
            SELECT account_key, {ts_cols(n)}, last_exit FROM fast WHERE NOT needs_lists
            UNION ALL
            SELECT account_key, {ts_cols(n)}, last_exit FROM slow)""")))
    return ctes
