"""The parts every event mode builds its counting sequences from: the event scan, per-account stats and lists.

Each mode (`ordered`, `strict`, `unordered`) ends in the same CTE, `journeys` (account_id,
account_key, reached, t_1..t_n, last_exit, exited), and `coverage` (accounts with events, without
a step-1 entry, with step 1 only outside the date range); the per-step results read only those two.

Everything before `journeys` reads the journeys' layout (`cxlib.layout`): integer account keys,
one-byte stage codes, rows in (account, time) order. One pass grouped by account key places most
accounts; `journeys` joins the account ids back for the accounts it returns.
"""

from __future__ import annotations

from collections.abc import Callable

from cxlib import canonical, layout
from cxlib.canonical import quote
from cxlib.funnel.params import RANK_SCALE, in_range, is_exit_code, reached_expr, ts_cols
from cxlib.funnel.spec import Plan

Ctes = list[tuple[str, str]]
# (plan, source CTE of per-account lists, target CTE name) -> CTEs ending in `target`
# (account_key, t_1..t_n, last_exit).
Chain = Callable[[Plan, str, str], Ctes]


def events_cte(plan: Plan) -> tuple[str, str]:
    """`events`: the journey entries known at the as-of date as (account_id, stage, ts), all set.

    Not read by the modes themselves (they read `layout_events`); there for post-filters on
    `journeys` that look up entries by stage name and account id. Unused, it costs nothing.
    """
    return ("events", f"""
        SELECT account_id, stage, ts FROM {quote(canonical.JOURNEY_EVENTS)}
        WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
          AND ts <= CAST($as_of AS TIMESTAMP)""")


def layout_events_cte(plan: Plan) -> tuple[str, str]:
    """`layout_events`: the same entries from the journeys' layout, as (account_key, stage_code, ts)
    (the layout holds only entries with an account, a stage and a time)."""
    return ("layout_events", f"""
        SELECT account_key, stage_code, ts FROM {quote(layout.LAYOUT)}
        WHERE ts <= CAST($as_of AS TIMESTAMP)""")


def exited_expr(plan: Plan) -> str:
    """Whether the account has an exit entry at/after its last reached step (strictly after if an exit)."""
    arms = []
    for i in range(1, plan.n + 1):
        op = ">" if plan.steps[i - 1] in plan.exits else ">="
        arms.append(f"WHEN {i} THEN coalesce(last_exit {op} t_{i}, false)")
    return f"CASE reached {' '.join(arms)} ELSE false END"


def finish_journeys(plan: Plan, source: str) -> str:
    """`journeys` from rows of (account_key, t_1..t_n, last_exit): how far each got, whether it exited,
    and the account id (joined back from the layout's key dictionary unless `plan.ids` is off)."""
    columns = f"""placed.account_key, placed.reached, {ts_cols(plan.n, 'placed.')},
               placed.last_exit, {exited_expr(plan)} AS exited"""
    placed = f"(SELECT *, {reached_expr(plan.n)} AS reached FROM {source}) AS placed"
    if not plan.ids:
        return f"""
        SELECT {columns}
        FROM {placed}"""
    return f"""
        SELECT keys.account_id, {columns}
        FROM {placed}
        JOIN {quote(layout.ACCOUNT_KEYS)} AS keys ON keys.account_key = placed.account_key"""


def stats_ctes(plan: Plan) -> Ctes:
    """Per account: the earliest entry of each step stage, the in-range step-1 entries, last exit.

    Read from the layout's per-account summary when it holds exactly the entries known at the
    as-of date and no date range asks for other step-1 entries; else one hash aggregate on the
    integer account key over the layout: the cheapest pass that can place most accounts.
    """
    body = _summary_stats(plan) if plan.summary and in_range(plan, "ts") == "true" else _aggregate_stats(plan)
    return [
        ("account_stats", body),
        ("coverage", """
            SELECT count(*) AS with_events,
                   count(*) FILTER (WHERE m_1 IS NULL) AS no_step1,
                   count(*) FILTER (WHERE m_1 IS NOT NULL AND r_min IS NULL) AS out_of_range
            FROM account_stats"""),
    ]


def _summary_stats(plan: Plan) -> str:
    """`account_stats` from `_journey_accounts`: list slots by stage code (a NULL code reads NULL)."""
    # Typed: a NULL code parameter would otherwise bind as an untyped NULL.
    cols = [f"CAST(firsts[$code_{j}] AS TIMESTAMP) AS m_{j}" for j in range(1, len(plan.stage_keys) + 1)]
    cols.append("CAST(firsts[$code_1] AS TIMESTAMP) AS r_min")
    if plan.spec.window_days is not None:
        cols.append("CAST(lasts[$code_1] AS TIMESTAMP) AS r_max")
    exits = [f"CAST(lasts[$exit_code_{i}] AS TIMESTAMP)" for i in range(1, len(plan.exits) + 1)]
    # greatest() skips NULLs: the latest entry of any exit stage the account has.
    last_exit = "greatest(" + ", ".join(exits) + ")" if exits else "CAST(NULL AS TIMESTAMP)"
    cols.append(f"{last_exit} AS last_exit")
    return f"SELECT account_key, {', '.join(cols)} FROM {quote(layout.SUMMARY)}"


def _aggregate_stats(plan: Plan) -> str:
    """`account_stats` by one pass over `layout_events` grouped by account key (earliest entry per step with FILTER)."""
    aggs = [f"min(ts) FILTER (WHERE stage_code = $code_{j}) AS m_{j}" for j in range(1, len(plan.stage_keys) + 1)]
    rng = in_range(plan, "ts")
    ranged = rng != "true"
    if ranged:
        aggs.append(f"min(ts) FILTER (WHERE stage_code = $code_1 AND {rng}) AS r_min")
    if plan.spec.window_days is not None:
        aggs.append(f"max(ts) FILTER (WHERE stage_code = $code_1 AND {rng}) AS r_max")
    aggs.append(f"max(ts) FILTER (WHERE {is_exit_code(plan, 'stage_code')}) AS last_exit")
    body = f"SELECT account_key, {', '.join(aggs)} FROM layout_events GROUP BY account_key"
    if not ranged:
        body = f"SELECT *, m_1 AS r_min FROM ({body})"
    return body


def lists_ctes(plan: Plan, source: str, target: str, all_entries: bool = False) -> Ctes:
    """Per account: the entry times of each step stage (l_j), all entry times (`l_all`, when asked),
    the in-range step-1 start candidates and the last exit."""
    aggs = [f"list(ts) FILTER (WHERE stage_code = $code_{j}) AS l_{j}" for j in range(1, len(plan.stage_keys) + 1)]
    if all_entries:
        aggs.append("list(ts) AS l_all")
    aggs.append(f"max(ts) FILTER (WHERE {is_exit_code(plan, 'stage_code')}) AS last_exit")
    return [(target, f"""
        SELECT *, list_distinct(list_filter(l_1, lambda x: {in_range(plan, 'x')})) AS starts
        FROM (SELECT account_key, {', '.join(aggs)} FROM {source} GROUP BY account_key)""")]


def from_lists(plan: Plan, chain: Chain, all_entries: bool = False) -> Ctes:
    """Every account through its per-account lists: `lists`, `coverage`, the mode's chain, `journeys`."""
    return [
        *lists_ctes(plan, "layout_events", "lists", all_entries),
        ("coverage", """
            SELECT count(*) AS with_events,
                   count(*) FILTER (WHERE coalesce(len(l_1), 0) = 0) AS no_step1,
                   count(*) FILTER (WHERE len(l_1) > 0 AND coalesce(len(starts), 0) = 0) AS out_of_range
            FROM lists"""),
        *chain(plan, "lists", "journeys_raw"),
        ("journeys", finish_journeys(plan, "journeys_raw")),
    ]


def chain_ctes(plan: Plan, source: str, target: str, *, many_starts: bool,
               breaks: Callable[[str], str] | None = None) -> Ctes:
    """The ordered counting sequence from per-account lists (rows: account_key, t_1..t_n, last_exit).

    Each ti is the earliest step-i entry at or after t(i-1) not used yet (a stage listed twice
    needs two entries), within the window of t1. `breaks(p)` adds a condition on the next entry
    `nxt` after the previous step's time `p` (strict mode). With `many_starts` every in-range
    step-1 entry is tried and the earliest start reaching the furthest step is kept.
    """
    n = plan.n
    window = plan.spec.window_days is not None
    if many_starts:
        first = f"SELECT *, unnest(starts) AS t_1 FROM {source}"
    else:
        first = f"SELECT *, list_min(starts) AS t_1 FROM {source} WHERE len(starts) > 0"
    ctes = [(f"{target}_1", first)]
    for i in range(2, n + 1):
        j, p = plan.key(i), f"t_{i - 1}"
        same = [k for k in range(1, i) if plan.steps[k - 1] == plan.steps[i - 1]]
        if same:
            # Entries of this stage already used at time p (a stage listed twice needs two entries).
            used = " + ".join(f"CAST(t_{k} = {p} AS INTEGER)" for k in same)
            nxt = (f"CASE WHEN len(list_filter(l_{j}, lambda x: x = {p})) > {used} THEN {p} "
                   f"ELSE list_min(list_filter(l_{j}, lambda x: x > {p})) END")
        else:
            nxt = f"list_min(list_filter(l_{j}, lambda x: x >= {p}))"
        conds = [f"{p} IS NOT NULL"]
        if window:
            conds.append("epoch_us(nxt) - epoch_us(t_1) <= $window_us")
        if breaks is not None:
            conds.append(breaks(p))
        ctes.append((f"{target}_{i}", f"""
            SELECT * EXCLUDE (nxt), CASE WHEN {' AND '.join(conds)} THEN nxt END AS t_{i}
            FROM (SELECT *, {nxt} AS nxt FROM {target}_{i - 1})"""))
    last = f"{target}_{n}"
    if many_starts:
        # The counting sequence: the earliest start among those reaching the furthest step.
        ctes.append((target, f"""
            SELECT account_key, unnest(best), last_exit FROM (
                SELECT account_key, any_value(last_exit) AS last_exit,
                       arg_max(struct_pack({ts_cols(n)}),
                               CAST({reached_expr(n)} AS BIGINT) * {RANK_SCALE} - epoch_us(t_1)) AS best
                FROM {last} GROUP BY account_key)"""))
    else:
        ctes.append((target, f"SELECT account_key, {ts_cols(n)}, last_exit FROM {last}"))
    return ctes
