"""Funnel conversion over the canonical views: modes, window, breakdown, cohorts, drop-offs, times.

Definitions (the README quotes them; tests pin them on hand-computed fixtures):

- Times are compared as stored: a date without a time part is midnight, so entries on the same
  date tie. Entries at the same time are in order (ties count as "at or after").
- ``ordered`` (default): an account reaches step k when it has distinct entries of steps 1..k at
  times t1 <= t2 <= ... <= tk (other stages may lie between). The counting sequence starts at the
  earliest t1 that reaches the account's furthest step; each later ti is the earliest step-i
  entry at or after t(i-1) that the sequence has not used yet (a stage listed twice needs two
  entries). Times, cohorts and histograms all use that sequence.
- ``strict``: the ordered sequence from a start, broken at the first step whose entry has any
  other entry of the account (any stage, exits included) strictly between it and the previous
  step's entry. Every step-1 entry is tried as a start; the earliest start reaching the furthest
  step is the counting sequence.
- ``any``: the account has entries of steps 1..k in any order; ti is the earliest entry of
  step i (the r-th earliest for the r-th time a stage is listed). Days between steps can be
  negative in this mode.
- Window W (days, fractions allowed): every ti lies within W of the sequence's earliest entry
  (t1 for ordered/strict, the earliest of t1..tk for any); exactly W is in. For ordered and
  strict every step-1 entry is tried as a start.
- ``date_from``/``date_to`` (inclusive dates) restrict the step-1 entry only.
- Each account counts once per step.
- dropped(k) = accounts(k-1) - accounts(k): ``dropped_exited`` when the account has an exit
  entry (Disappointment, Churn, Lost deal) at or after its last reached step (strictly after when
  that step is itself an exit), else ``dropped_in_progress``.
- Days from previous: (tk - t(k-1)) in fractional days over the accounts that reached k; median
  and p90 by ``quantile_cont``. The Kaplan-Meier median treats accounts that reached k-1 but not
  k as censored: at their last exit entry when exited, at the as-of date when in progress; it
  is the first time the survival estimate falls to 0.5 or below (NULL when it never does).
- As-of date: ``dimensions.as_of_date`` (the setting, else the latest timestamp in the data);
  entries after it are not known yet, so "in progress" and censoring are as they stood then.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.canonical import quote
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.stages import exit_stages, funnel_stages, stage_order

Mode = Literal["ordered", "strict", "any"]
Weight = Literal["accounts", "arr"]
Source = Literal["events", "snapshot"]
Period = Literal["week", "month", "quarter"]

MAX_STEPS = 20
DAY_US = 86_400_000_000
# reached * RANK_SCALE - epoch_us(t1) orders starts by furthest step, then earliest start.
RANK_SCALE = 10**17

CLI_COLUMNS = ["segment", "step", "stage", "accounts", "conversion_from_previous",
               "conversion_from_first", "dropped", "dropped_exited", "dropped_in_progress",
               "median_days_from_previous", "p90_days_from_previous"]
TABLE_COLUMNS = CLI_COLUMNS + ["km_median_days_from_previous", "converted_n", "censored_n", "n", "low_n"]


@dataclass
class FunnelSpec:
    """What funnel to compute: steps, mode, window, step-1 date range, breakdown, weight, source."""

    steps: list[str] | None = None
    mode: Mode = "ordered"
    window_days: float | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    by: str | None = None
    weight: Weight = "accounts"
    source: Source = "events"


@dataclass
class FunnelResult:
    """One funnel: a row per (segment,) step, the notes to show beside it, and what it was cut at."""

    table: pd.DataFrame
    notes: list[str]
    steps: list[str]
    no_step1_accounts: int
    as_of: dt.datetime
    exited_unknown: int = 0
    weight: Weight = "accounts"
    by: str | None = None


@dataclass
class _Plan:
    """The resolved inputs every funnel query shares (steps after defaults, exits, as-of)."""

    spec: FunnelSpec
    settings: Settings
    steps: list[str]
    exits: list[str]
    as_of: dt.datetime
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.steps)

    @property
    def stage_keys(self) -> list[str]:
        """Distinct stages among the steps, in first-listed order."""
        return list(dict.fromkeys(self.steps))

    def key(self, step: int) -> int:
        """1-based index into stage_keys of 1-based step `step`."""
        return self.stage_keys.index(self.steps[step - 1]) + 1

    @property
    def repeats(self) -> bool:
        return len(self.stage_keys) < len(self.steps)


# --------------------------------------------------------------------------------------------
# Step resolution
# --------------------------------------------------------------------------------------------

def _accounts(n: int) -> str:
    """'1 account' / '3 accounts'."""
    return f"{n:,} account" + ("" if n == 1 else "s")


def _have(n: int) -> str:
    return "has" if n == 1 else "have"


def _has_rows(con: duckdb.DuckDBPyConnection, view: str) -> bool:
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(view)})").fetchone()[0]


def _stage_present(con: duckdb.DuckDBPyConnection, stage: str) -> bool:
    """Whether any journey event has this stage (stops at the first match)."""
    return con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {quote(canonical.JOURNEY_EVENTS)} WHERE stage = $stage)",
        {"stage": stage}).fetchone()[0]


def _plan(con: duckdb.DuckDBPyConnection, spec: FunnelSpec, settings: Settings | None) -> _Plan:
    """Validate the spec, resolve default steps (starting at the first with data) and the as-of."""
    settings = settings or Settings()
    if spec.mode not in ("ordered", "strict", "any"):
        raise MetricError(f"Unknown funnel mode {spec.mode!r}: use ordered, strict or any.")
    if spec.weight not in ("accounts", "arr"):
        raise MetricError(f"Unknown weight {spec.weight!r}: use accounts or arr.")
    if spec.source not in ("events", "snapshot"):
        raise MetricError(f"Unknown funnel source {spec.source!r}: use events or snapshot.")
    if spec.window_days is not None and (not math.isfinite(spec.window_days) or spec.window_days < 0):
        raise MetricError(f"The conversion window must be a number of days >= 0, got {spec.window_days!r}.")
    if spec.date_from and spec.date_to and spec.date_from > spec.date_to:
        raise MetricError(f"The date range is empty: from {spec.date_from} is after to {spec.date_to}.")
    view = canonical.STAGE_SNAPSHOTS if spec.source == "snapshot" else canonical.JOURNEY_EVENTS
    if not _has_rows(con, view):
        what = "stage snapshot" if spec.source == "snapshot" else "journey events"
        raise MetricError(f"No {what} are loaded, so there is no funnel yet: load a file with an "
                          "account, a stage and a date column and map it.")
    if spec.by is not None:
        spec = replace(spec, by=dimensions.check_accounts_column(con, spec.by))
    notes: list[str] = []
    exits = exit_stages(settings.stages)
    if spec.steps is not None:
        steps = [str(s) for s in spec.steps]
        if not steps:
            raise MetricError("Pick at least one funnel step.")
        if len(steps) > MAX_STEPS:
            raise MetricError(f"A funnel has at most {MAX_STEPS} steps; {len(steps)} were picked.")
        known = set(stage_order(settings.stages))
        for stage in dict.fromkeys(steps):
            if stage not in known and (spec.source == "snapshot" or not _stage_present(con, stage)):
                raise MetricError(f"Unknown stage {stage!r} in the funnel steps: it is neither a "
                                  f"configured stage ({', '.join(known)}) nor present in the data.")
    else:
        steps = funnel_stages(settings.stages)
        if not steps:
            raise MetricError("The stage list has no funnel stages; mark some stages as funnel stages.")
        if spec.source == "events":
            first = next((i for i, s in enumerate(steps) if _stage_present(con, s)), None)
            if first is None:
                raise MetricError("No journey event has a funnel stage (" + ", ".join(steps)
                                  + "); check the stage mapping.")
            if first > 0:
                notes.append(f"No account has an entry of {', '.join(steps[:first])}; "
                             f"the funnel starts at {steps[first]}.")
                steps = steps[first:]
    if spec.source == "snapshot":
        order = stage_order(settings.stages)
        funnel = set(funnel_stages(settings.stages))
        ranks = [order.get(s) for s in steps]
        if any(s not in funnel for s in steps) or ranks != sorted(set(ranks)):
            raise MetricError("A snapshot funnel needs distinct funnel stages in journey order "
                              f"({', '.join(funnel_stages(settings.stages))}); got {', '.join(steps)}.")
    as_of = dimensions.as_of_date(con, settings)
    return _Plan(spec=spec, settings=settings, steps=steps, exits=exits, as_of=as_of, notes=notes)


# --------------------------------------------------------------------------------------------
# SQL building blocks: the per-account counting sequence ("journeys")
# --------------------------------------------------------------------------------------------

def _params(plan: _Plan) -> dict[str, Any]:
    """Named parameters shared by every funnel query (stage names, exits, range, window, as-of)."""
    spec = plan.spec
    params: dict[str, Any] = {f"stage_{j}": s for j, s in enumerate(plan.stage_keys, start=1)}
    params["exits"] = plan.exits
    params.update({f"exit_{i}": e for i, e in enumerate(plan.exits, start=1)})
    params["as_of"] = plan.as_of
    if spec.date_from is not None:
        params["date_from"] = dt.datetime.combine(spec.date_from, dt.time())
    if spec.date_to is not None:
        params["date_to_excl"] = dt.datetime.combine(spec.date_to + dt.timedelta(days=1), dt.time())
    if spec.window_days is not None:
        params["window_us"] = round(spec.window_days * DAY_US)
    return params


def _in_range(plan: _Plan, x: str) -> str:
    """SQL predicate: `x` (a timestamp expression) lies in the step-1 date range."""
    parts = []
    if plan.spec.date_from is not None:
        parts.append(f"{x} >= $date_from")
    if plan.spec.date_to is not None:
        parts.append(f"{x} < $date_to_excl")
    return " AND ".join(parts) or "true"


def _within_window(plan: _Plan, t: str, start: str) -> str:
    if plan.spec.window_days is None:
        return "true"
    return f"epoch_us({t}) - epoch_us({start}) <= $window_us"


def _t(i: int) -> str:
    return f"t_{i}"


def _ts_cols(n: int, prefix: str = "") -> str:
    return ", ".join(f"{prefix}t_{i}" for i in range(1, n + 1))


def _reached_expr(n: int) -> str:
    return " + ".join(f"CAST(t_{i} IS NOT NULL AS INTEGER)" for i in range(1, n + 1))


def _exited_expr(plan: _Plan) -> str:
    """Whether the account has an exit entry at/after its last reached step (strictly after if an exit)."""
    arms = []
    for i in range(1, plan.n + 1):
        op = ">" if plan.steps[i - 1] in plan.exits else ">="
        arms.append(f"WHEN {i} THEN coalesce(last_exit {op} t_{i}, false)")
    return f"CASE reached {' '.join(arms)} ELSE false END"


def _journeys_ctes(plan: _Plan, force_lists: bool = False) -> list[tuple[str, str]]:
    """Named CTEs ending in `journeys` (account_id, reached, t_1..t_n, last_exit, exited) and
    `coverage` (accounts with events, without a step-1 entry, with step 1 only outside the range).

    Ordered funnels without repeated stages first resolve every account from per-stage min/max/
    count (one hash aggregate); only accounts that need more (a third entry of a stage, or another
    start inside a window) go through the per-account lists. Other modes use the lists directly.
    """
    mode = plan.spec.mode
    if plan.spec.source == "snapshot":
        return _snapshot_ctes(plan)
    ctes: list[tuple[str, str]] = [("events", f"""
        SELECT account_id, stage, ts FROM {quote(canonical.JOURNEY_EVENTS)}
        WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
          AND ts <= CAST($as_of AS TIMESTAMP)""")]
    if mode == "any" and not plan.repeats and not force_lists:
        ctes += _stats_ctes(plan)
        ctes += _any_direct_ctes(plan)
    elif mode == "ordered" and not plan.repeats and not force_lists:
        ctes += _stats_ctes(plan)
        ctes += _ordered_fast_ctes(plan)
    else:
        ctes += _lists_ctes(plan, "events", "lists")
        ctes.append(("coverage", """
            SELECT count(*) AS with_events,
                   count(*) FILTER (WHERE coalesce(len(l_1), 0) = 0) AS no_step1,
                   count(*) FILTER (WHERE len(l_1) > 0 AND coalesce(len(starts), 0) = 0) AS out_of_range
            FROM lists"""))
        ctes += _generic_chain_ctes(plan, "lists", "journeys_raw")
        ctes.append(("journeys", _finish_journeys(plan, "journeys_raw")))
    return ctes


def _finish_journeys(plan: _Plan, source: str) -> str:
    return f"""
        SELECT account_id, reached, {_ts_cols(plan.n)}, last_exit, {_exited_expr(plan)} AS exited
        FROM (SELECT *, {_reached_expr(plan.n)} AS reached FROM {source})"""


def _stats_ctes(plan: _Plan) -> list[tuple[str, str]]:
    """Per account: the earliest entry of each step stage, the in-range step-1 entries, last exit.

    One hash aggregate on account_id: the cheapest pass that can place most accounts.
    """
    aggs = [f"min(ts) FILTER (WHERE stage = $stage_{j}) AS m_{j}" for j in range(1, len(plan.stage_keys) + 1)]
    rng = _in_range(plan, "ts")
    ranged = rng != "true"
    if ranged:
        aggs.append(f"min(ts) FILTER (WHERE stage = $stage_1 AND {rng}) AS r_min")
    if plan.spec.window_days is not None:
        aggs.append(f"max(ts) FILTER (WHERE stage = $stage_1 AND {rng}) AS r_max")
    aggs.append(f"max(ts) FILTER (WHERE {_is_exit(plan, 'stage')}) AS last_exit")
    body = f"SELECT account_id, {', '.join(aggs)} FROM events GROUP BY account_id"
    if not ranged:
        body = f"SELECT *, m_1 AS r_min FROM ({body})"
    return [
        ("account_stats", body),
        ("coverage", """
            SELECT count(*) AS with_events,
                   count(*) FILTER (WHERE m_1 IS NULL) AS no_step1,
                   count(*) FILTER (WHERE m_1 IS NOT NULL AND r_min IS NULL) AS out_of_range
            FROM account_stats"""),
    ]


def _is_exit(plan: _Plan, x: str) -> str:
    """SQL predicate: `x` is one of the exit stages (scalar parameters: cheaper than a list lookup)."""
    return f"{x} IN (" + ", ".join(f"$exit_{i}" for i in range(1, len(plan.exits) + 1)) + ")"


def _any_direct_ctes(plan: _Plan) -> list[tuple[str, str]]:
    """`any` mode with distinct stages: ti is the earliest entry of step i (step 1 within range)."""
    n = plan.n
    cols = ["r_min AS t_1"] + [f"m_{plan.key(i)} AS t_{i}" for i in range(2, n + 1)]
    ctes = [("any_0", f"SELECT account_id, last_exit, {', '.join(cols)} FROM account_stats WHERE r_min IS NOT NULL")]
    ctes += _any_prefix_ctes(plan, "any_0", "journeys_raw")
    ctes.append(("journeys", _finish_journeys(plan, "journeys_raw")))
    return ctes


def _any_prefix_ctes(plan: _Plan, source: str, target: str) -> list[tuple[str, str]]:
    """Keep t_1..t_k only while all exist and (with a window) span at most W."""
    n = plan.n
    conds = []
    for k in range(2, n + 1):
        prefix = ", ".join(_t(i) for i in range(1, k + 1))
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


def _ordered_fast_ctes(plan: _Plan) -> list[tuple[str, str]]:
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
        inside = _within_window(plan, f"m_{j}", "t_1")
        ctes.append((f"fast_{i}", f"""
            SELECT * REPLACE (needs_lists OR coalesce(m_{j} < {p}, false) AS needs_lists,
                              coalesce(cut, CASE WHEN m_{j} >= {p} AND NOT ({inside}) THEN m_{j} END) AS cut),
                   CASE WHEN m_{j} >= {p} AND {inside} THEN m_{j} END AS t_{i}
            FROM fast_{i - 1}"""))
    later_start = (" OR (cut IS NOT NULL AND r_max > r_min AND epoch_us(cut) - epoch_us(r_max) <= $window_us)"
                   if window else "")
    ctes.append(("fast", f"""
        SELECT account_id, {_ts_cols(n)}, last_exit, needs_lists{later_start} AS needs_lists
        FROM fast_{n}"""))
    ctes.append(("slow_events", """
        SELECT * FROM events
        WHERE account_id IN (SELECT account_id FROM fast WHERE needs_lists)"""))
    ctes += _lists_ctes(plan, "slow_events", "slow_lists")
    ctes += _generic_chain_ctes(plan, "slow_lists", "slow")
    ctes.append(("journeys", _finish_journeys(plan, f"""(
            SELECT account_id, {_ts_cols(n)}, last_exit FROM fast WHERE NOT needs_lists
            UNION ALL
            SELECT account_id, {_ts_cols(n)}, last_exit FROM slow)""")))
    return ctes


def _lists_ctes(plan: _Plan, source: str, target: str) -> list[tuple[str, str]]:
    """Per account: the entry times of each step stage (l_j), all entry times (strict), the
    in-range step-1 start candidates and the last exit."""
    aggs = [f"list(ts) FILTER (WHERE stage = $stage_{j}) AS l_{j}" for j in range(1, len(plan.stage_keys) + 1)]
    if plan.spec.mode == "strict":
        aggs.append("list(ts) AS l_all")
    aggs.append(f"max(ts) FILTER (WHERE {_is_exit(plan, 'stage')}) AS last_exit")
    return [(target, f"""
        SELECT *, list_distinct(list_filter(l_1, lambda x: {_in_range(plan, 'x')})) AS starts
        FROM (SELECT account_id, {', '.join(aggs)} FROM {source} GROUP BY account_id)""")]


def _generic_chain_ctes(plan: _Plan, source: str, target: str) -> list[tuple[str, str]]:
    """The counting sequence from per-account lists, for every mode (rows: account_id, t_1..t_n, last_exit)."""
    n = plan.n
    if plan.spec.mode == "any":
        return _any_lists_ctes(plan, source, target)
    window = plan.spec.window_days is not None
    many_starts = window or plan.spec.mode == "strict"
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
            conds.append(f"epoch_us(nxt) - epoch_us(t_1) <= $window_us")
        if plan.spec.mode == "strict":
            conds.append(f"(nxt = {p} OR nxt <= list_min(list_filter(l_all, lambda x: x > {p})))")
        ctes.append((f"{target}_{i}", f"""
            SELECT * EXCLUDE (nxt), CASE WHEN {' AND '.join(conds)} THEN nxt END AS t_{i}
            FROM (SELECT *, {nxt} AS nxt FROM {target}_{i - 1})"""))
    last = f"{target}_{n}"
    if many_starts:
        # The counting sequence: the earliest start among those reaching the furthest step.
        ctes.append((target, f"""
            SELECT account_id, unnest(best), last_exit FROM (
                SELECT account_id, any_value(last_exit) AS last_exit,
                       arg_max(struct_pack({_ts_cols(n)}),
                               CAST({_reached_expr(n)} AS BIGINT) * {RANK_SCALE} - epoch_us(t_1)) AS best
                FROM {last} GROUP BY account_id)"""))
    else:
        ctes.append((target, f"SELECT account_id, {_ts_cols(n)}, last_exit FROM {last}"))
    return ctes


def _any_lists_ctes(plan: _Plan, source: str, target: str) -> list[tuple[str, str]]:
    """`any` mode from lists: the r-th listing of a stage takes its r-th earliest entry; step 1
    takes the earliest in-range entry, which the later listings of that stage then skip."""
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
        SELECT account_id, last_exit, {', '.join(cols)}
        FROM (SELECT *, list_sort(l_1) AS sorted_1, list_position(list_sort(l_1), list_min(starts)) AS pos_1
              FROM {source} WHERE len(starts) > 0)""")]
    ctes += _any_prefix_ctes(plan, base, target)
    return ctes


def _snapshot_ctes(plan: _Plan) -> list[tuple[str, str]]:
    """An account at funnel stage k has reached steps 1..k; an account on an exit sits at its
    last_funnel_stage when given (and counts as exited), else it is 'exited (last stage unknown)'."""
    order = stage_order(plan.settings.stages)
    ranks = [order[s] for s in plan.steps]
    # reached = number of steps whose journey position is at or before the account's stage.
    reached = " + ".join(f"CAST(pos >= {r} AS INTEGER)" for r in ranks)
    order_case = " ".join(f"WHEN $ord_{i} THEN {rank}" for i, (_, rank) in enumerate(order.items()))
    null_ts = ", ".join(f"CAST(NULL AS TIMESTAMP) AS t_{i}" for i in range(1, plan.n + 1))
    return [
        ("latest", f"""
            SELECT account_id, arg_max(stage, as_of) AS stage, arg_max(last_funnel_stage, as_of) AS last_funnel
            FROM {quote(canonical.STAGE_SNAPSHOTS)}
            WHERE account_id IS NOT NULL AND (as_of IS NULL OR as_of <= CAST($as_of AS TIMESTAMP))
            GROUP BY account_id"""),
        ("placed", f"""
            SELECT account_id, stage, list_contains($exits, stage) AS on_exit,
                   CASE WHEN list_contains($exits, stage) THEN last_funnel ELSE stage END AS at_stage
            FROM latest"""),
        ("positioned", f"""
            SELECT *, CASE at_stage {order_case} END AS pos FROM placed"""),
        ("classified", f"""
            SELECT *, coalesce({reached}, 0) AS reached,
                   on_exit AND (at_stage IS NULL OR NOT list_contains($funnel, at_stage)) AS exit_unknown,
                   NOT on_exit AND NOT list_contains($funnel, coalesce(stage, '')) AS outside
            FROM positioned"""),
        ("coverage", """
            SELECT count(*) AS with_events,
                   count(*) FILTER (WHERE reached = 0 AND NOT exit_unknown AND NOT outside) AS no_step1,
                   0 AS out_of_range,
                   count(*) FILTER (WHERE exit_unknown) AS exited_unknown,
                   count(*) FILTER (WHERE outside) AS outside
            FROM classified"""),
        ("journeys", f"""
            SELECT account_id, reached, {null_ts}, CAST(NULL AS TIMESTAMP) AS last_exit, on_exit AS exited
            FROM classified WHERE reached > 0 AND NOT exit_unknown"""),
    ]


def _snapshot_params(plan: _Plan) -> dict[str, Any]:
    order = stage_order(plan.settings.stages)
    params = {f"ord_{i}": name for i, name in enumerate(order)}
    params["funnel"] = funnel_stages(plan.settings.stages)
    return params


def _with(ctes: list[tuple[str, str]],
          materialize: tuple[str, ...] = ("account_stats", "fast", "lists", "classified", "weighted")) -> str:
    """WITH clause: expensive CTEs read twice are computed once; the event scan is never copied."""
    parts = []
    for name, body in ctes:
        mat = " MATERIALIZED" if name in materialize else " NOT MATERIALIZED" if name == "events" else ""
        parts.append(f"{name} AS{mat} ({body})")
    return "WITH " + ",\n".join(parts)


def _all_params(plan: _Plan) -> dict[str, Any]:
    params = _params(plan)
    if plan.spec.source == "snapshot":
        params.update(_snapshot_params(plan))
    return params


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Execute with only the parameters the SQL names (DuckDB rejects unused named parameters)."""
    used = {k: v for k, v in params.items() if re.search(rf"\${re.escape(k)}\b", sql)}
    return con.execute(sql, used).df()


# --------------------------------------------------------------------------------------------
# Segments and weights
# --------------------------------------------------------------------------------------------

def _segment_ctes(plan: _Plan) -> list[tuple[str, str]]:
    """`weighted`: journeys with their segment value and weight (`dimensions`' one row per account)."""
    spec = plan.spec
    need_accounts = spec.by is not None or spec.weight == "arr"
    if not need_accounts:
        return [("weighted", f"""
            SELECT *, '' AS segment, CAST(1 AS DOUBLE) AS w, true AS in_accounts, false AS null_arr FROM journeys""")]
    # Accounts missing from the accounts table get NULL here, which segment_sql labels "(none)".
    seg = "''" if spec.by is None else dimensions.segment_sql(f"a.{quote(spec.by)}")
    weight = "coalesce(CAST(a.arr AS DOUBLE), 0.0)" if spec.weight == "arr" else "CAST(1 AS DOUBLE)"
    return [
        ("acct", dimensions.ONE_ROW_PER_ACCOUNT),
        ("weighted", f"""
            SELECT j.*, {seg} AS segment, {weight} AS w,
                   a.account_id IS NOT NULL AS in_accounts,
                   a.account_id IS NOT NULL AND a.arr IS NULL AS null_arr
            FROM journeys j LEFT JOIN acct a ON a.account_id = j.account_id"""),
    ]


# --------------------------------------------------------------------------------------------
# The funnel table
# --------------------------------------------------------------------------------------------

def _table_sql(plan: _Plan, ctes: list[tuple[str, str]]) -> str:
    """One query: per (segment, step) counts, weights, drop-offs, time quantiles and the KM median."""
    n = plan.n
    return _with(ctes + _segment_ctes(plan) + [
        # One row per account and step it was at risk of: step 1 for every account in the funnel,
        # step k >= 2 when it reached k-1. Converted, or censored at its last exit (exited) or at
        # the as-of date (in progress).
        ("step_rows", " UNION ALL ".join(
            ["""
            SELECT segment, w, in_accounts, null_arr, exited, 1 AS step, true AS converted,
                   CAST(NULL AS BIGINT) AS dur_us
            FROM weighted"""] + [f"""
            SELECT segment, w, in_accounts, null_arr, exited, {k} AS step, reached >= {k} AS converted,
                   CASE WHEN reached >= {k} THEN epoch_us(t_{k}) - epoch_us(t_{k - 1})
                        WHEN exited THEN greatest(epoch_us(last_exit) - epoch_us(t_{k - 1}), 0)
                        ELSE greatest(epoch_us(CAST($as_of AS TIMESTAMP)) - epoch_us(t_{k - 1}), 0)
                   END AS dur_us
            FROM weighted WHERE reached >= {k - 1}""" for k in range(2, n + 1)])),
        # Durations packed as dur_us * 2 + censored: sorting puts events before censorings at
        # the same time, as Kaplan-Meier requires.
        ("per_step", f"""
            SELECT segment, step,
                   count(*) FILTER (WHERE converted) AS n,
                   coalesce(sum(w) FILTER (WHERE converted), 0) AS w,
                   coalesce(sum(w) FILTER (WHERE NOT converted AND exited), 0) AS wx,
                   count(*) FILTER (WHERE NOT converted) AS censored,
                   quantile_cont(dur_us / {DAY_US}.0, [0.5, 0.9]) FILTER (WHERE converted) AS q,
                   list_sort(list(dur_us * 2 + CAST(NOT converted AS BIGINT)) FILTER (WHERE dur_us IS NOT NULL))
                       AS km_sorted,
                   count(*) FILTER (WHERE NOT in_accounts) AS missing_accounts,
                   count(*) FILTER (WHERE null_arr) AS null_arr
            FROM step_rows GROUP BY segment, step"""),
        # Kaplan-Meier without a running product over every row: in rows sorted by time, the
        # survival after event row i is (N - i) / N times the product, over censored rows p < i,
        # of (N - p + 1) / (N - p). Between two censored rows that product ("lift") is constant,
        # so the first row where survival <= 0.5 is i >= N - 0.5 * N * exp(-lift).
        ("km_marks", """
            SELECT segment, step, len(km_sorted) AS total, 0 AS p FROM per_step WHERE step > 1
            UNION ALL
            SELECT segment, step, len(km_sorted) AS total,
                   unnest(list_filter(list_transform(km_sorted, lambda x, i: CASE WHEN x & 1 = 1 THEN i END),
                                      lambda i: i IS NOT NULL)) AS p
            FROM per_step WHERE step > 1"""),
        ("km_segments", """
            SELECT segment, step, total, p,
                   sum(CASE WHEN p > 0 AND p < total THEN ln((total - p + 1.0) / (total - p)) ELSE 0 END)
                       OVER w AS lift,
                   lead(p) OVER w AS next_p
            FROM km_marks
            WINDOW w AS (PARTITION BY segment, step ORDER BY p ROWS UNBOUNDED PRECEDING)"""),
        ("km_first", """
            SELECT segment, step, min(i) AS i
            FROM (SELECT segment, step, total, next_p,
                         greatest(p + 1, CAST(ceil(total - 0.5 * total * exp(-lift) - 1e-9 * total) AS BIGINT)) AS i
                  FROM km_segments)
            WHERE total > 0 AND i < coalesce(next_p, total + 1)
            GROUP BY segment, step"""),
        ("grid", f"""
            SELECT segment, unnest(range(1, {n + 1})) AS step, missing_accounts, null_arr
            FROM per_step WHERE step = 1"""),
        ("result", f"""
            SELECT g.segment, g.step, coalesce(s.n, 0) AS n, coalesce(s.w, 0) AS w,
                   coalesce(s.wx, 0) AS wx, s.q[1] AS median, s.q[2] AS p90,
                   CASE WHEN g.step > 1 THEN coalesce(s.censored, 0) END AS censored,
                   (s.km_sorted[k.i] >> 1) / {DAY_US}.0 AS km_median,
                   g.missing_accounts, g.null_arr
            FROM grid g
            LEFT JOIN per_step s ON s.segment = g.segment AND s.step = g.step
            LEFT JOIN km_first k ON k.segment = g.segment AND k.step = g.step"""),
    ]) + f"""
        SELECT r.*, c.* FROM coverage c LEFT JOIN result r ON true
        ORDER BY r.segment = '{NONE_SEGMENT}', r.segment, r.step"""


def _shape_table(plan: _Plan, raw: pd.DataFrame) -> pd.DataFrame:
    """From the SQL's long rows to the documented columns (vectorised per segment, no row loops)."""
    spec = plan.spec
    snapshot = spec.source == "snapshot"
    raw = raw.reset_index(drop=True)
    weight = raw["w"].astype("float64") if spec.weight == "arr" else raw["n"].astype("int64")
    grp = raw.groupby("segment", sort=False)
    prev = grp["w"].shift(1)
    first = grp["w"].transform("first")
    w = raw["w"].astype("float64")
    conv_prev = (w / prev).where(prev > 0)
    conv_prev = conv_prev.mask(raw["step"] == 1, 1.0).where(~((raw["step"] == 1) & (w == 0)), float("nan"))
    conv_first = (w / first).where(first > 0)
    dropped = (prev - w).fillna(0.0)
    wx = raw["wx"].astype("float64")
    counts = spec.weight != "arr"
    table = pd.DataFrame({
        "segment": raw["segment"].astype("str"),
        "step": raw["step"].astype("int64"),
        "stage": pd.Series([plan.steps[s - 1] for s in raw["step"]], dtype="str"),
        "accounts": weight,
        "conversion_from_previous": conv_prev.astype("float64"),
        "conversion_from_first": conv_first.astype("float64"),
        "dropped": dropped.astype("int64") if counts else dropped,
        "dropped_exited": wx.astype("int64") if counts else wx,
        "dropped_in_progress": (dropped - wx).astype("int64") if counts else dropped - wx,
        "median_days_from_previous": pd.to_numeric(raw["median"], errors="coerce").astype("float64"),
        "p90_days_from_previous": pd.to_numeric(raw["p90"], errors="coerce").astype("float64"),
        "km_median_days_from_previous": pd.to_numeric(raw["km_median"], errors="coerce").astype("float64"),
        "converted_n": raw["n"].where(raw["step"] > 1).astype("Int64"),
        "censored_n": pd.to_numeric(raw["censored"], errors="coerce").where(raw["step"] > 1).astype("Int64"),
        "n": raw["n"].astype("int64"),
        "low_n": raw["n"] < plan.settings.min_n,
    })
    if snapshot:
        for col in ("median_days_from_previous", "p90_days_from_previous", "km_median_days_from_previous"):
            table[col] = float("nan")
        table["converted_n"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table["censored_n"] = pd.array([pd.NA] * len(table), dtype="Int64")
    if spec.by is None:
        table = table.drop(columns="segment")
    return table.reset_index(drop=True)


def funnel(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None,
           settings: Settings | None = None, *, _force_lists: bool = False) -> FunnelResult:
    """The funnel: accounts, conversions, drop-offs (exited / in progress) and times per step."""
    spec = spec or FunnelSpec()
    plan = _plan(con, spec, settings)
    spec = plan.spec  # the breakdown column as the accounts view spells it
    ctes = _journeys_ctes(plan, force_lists=_force_lists)
    raw = _run(con, _table_sql(plan, ctes), _all_params(plan))
    cov = raw.iloc[0]
    raw = raw[raw["step"].notna()]
    notes = list(plan.notes)
    no_step1 = int(cov["no_step1"])
    step1 = plan.steps[0]
    if spec.source == "snapshot":
        notes.append(f"{_accounts(no_step1)} {_have(no_step1)} no step-1 entry (their current stage is before {step1}).")
    else:
        notes.append(f"{_accounts(no_step1)} {_have(no_step1)} no step-1 entry ({step1}).")
    if int(cov["out_of_range"]):
        notes.append(f"{_accounts(int(cov['out_of_range']))} {_have(int(cov['out_of_range']))} {step1} entries "
                     "only outside the date range.")
    exited_unknown = int(cov["exited_unknown"]) if "exited_unknown" in cov else 0
    if spec.source == "snapshot":
        if exited_unknown:
            notes.append(f"Exited (last stage unknown): {_accounts(exited_unknown)} on an exit stage "
                         "with no last funnel stage.")
        if int(cov["outside"]):
            notes.append(f"Outside the funnel: {_accounts(int(cov['outside']))} at a stage that is neither "
                         "a funnel stage nor an exit.")
    if raw.empty and spec.by is None:
        raw = _empty_raw(plan)
    per_segment = raw[raw["step"] == 1]
    missing, null_arr = int(per_segment["missing_accounts"].sum()), int(per_segment["null_arr"].sum())
    if spec.weight == "arr":
        if missing:
            notes.append(f"ARR weight 0 for {_accounts(missing)} missing from the accounts table.")
        if null_arr:
            notes.append(f"ARR weight 0 for {_accounts(null_arr)} without ARR.")
    if spec.by is not None and missing:
        notes.append(f"Shown under {NONE_SEGMENT}: {_accounts(missing)} missing from the accounts table.")
    table = _shape_table(plan, raw)
    return FunnelResult(table=table, notes=notes, steps=list(plan.steps), no_step1_accounts=no_step1,
                        as_of=plan.as_of, exited_unknown=exited_unknown, weight=spec.weight, by=spec.by)


def _empty_raw(plan: _Plan) -> pd.DataFrame:
    """No account reached step 1: one all-zero row per step (so the table still shows the steps)."""
    n = plan.n
    return pd.DataFrame({
        "segment": [""] * n, "step": list(range(1, n + 1)), "n": [0] * n, "w": [0.0] * n,
        "wx": [0.0] * n, "median": [float("nan")] * n, "p90": [float("nan")] * n, "censored": [None if k == 1 else 0 for k in range(1, n + 1)],
        "km_median": [float("nan")] * n, "missing_accounts": [0] * n, "null_arr": [0] * n,
    })


def cli_table(result: FunnelResult) -> pd.DataFrame:
    """The command line's columns, in the documented order (`segment` only with a breakdown)."""
    cols = [c for c in CLI_COLUMNS if c != "segment" or result.by is not None]
    return result.table[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Cohorts, drop-off list, time to convert
# --------------------------------------------------------------------------------------------

_PERIOD_LENGTH = {"week": "INTERVAL 7 DAY", "month": "INTERVAL 1 MONTH", "quarter": "INTERVAL 3 MONTH"}


def _events_only(plan: _Plan, what: str) -> None:
    if plan.spec.source == "snapshot":
        raise MetricError(f"{what} need dated journey events; a stage snapshot has no entry dates.")


def cohorts(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None, period: Period = "month",
            horizon_days: float = 90, settings: Settings | None = None) -> pd.DataFrame:
    """Conversion to each step within `horizon_days` of step 1, by period of the step-1 entry.

    Fiscal quarters start in Settings.fiscal_year_start_month and are named by the calendar year
    the fiscal year ends in ("FY2025 Q1" starts April 2024 when the year starts in April).
    A cohort is complete when its last possible step-1 entry is at least the horizon before the
    as-of date; younger cohorts are flagged complete=False (shown greyed, never as worse).
    """
    spec = spec or FunnelSpec()
    if period not in _PERIOD_LENGTH:
        raise MetricError(f"Unknown cohort period {period!r}: use week, month or quarter.")
    if not math.isfinite(horizon_days) or horizon_days < 0:
        raise MetricError(f"The cohort horizon must be a number of days >= 0, got {horizon_days!r}.")
    plan = _plan(con, spec, settings)
    _events_only(plan, "Cohorts")
    n = plan.n
    start, label = dimensions.period_sql("t_1"), dimensions.period_label_sql(period, "period_start")
    conv = []
    for k in range(1, n + 1):
        latest = f"greatest({_ts_cols(k)})" if k > 1 else "t_1"
        conv.append(f"count(*) FILTER (WHERE reached >= {k} AND epoch_us({latest}) - epoch_us(t_1) <= $horizon_us) AS c_{k}")
    ctes = _journeys_ctes(plan) + _segment_ctes(plan) + [
        ("cohort_rows", f"SELECT *, CAST({start} AS TIMESTAMP) AS period_start FROM weighted"),
        ("cells", f"""
            SELECT segment, period_start, count(*) AS cohort_accounts, {', '.join(conv)}
            FROM cohort_rows GROUP BY segment, period_start"""),
    ]
    sql = _with(ctes) + f"""
        SELECT segment, {label} AS period, period_start,
               unnest(range(1, {n + 1})) AS step, cohort_accounts,
               unnest([{', '.join(f'c_{k}' for k in range(1, n + 1))}]) AS converted,
               period_start + {_PERIOD_LENGTH[period]} + to_microseconds($horizon_us) <= CAST($as_of AS TIMESTAMP) AS complete
        FROM cells
        ORDER BY segment = '{NONE_SEGMENT}', segment, period_start, step"""
    params = (_all_params(plan) | dimensions.period_params(period, plan.settings, dimensions.COHORT_PERIODS)
              | {"horizon_us": round(horizon_days * DAY_US)})
    raw = _run(con, sql, params)
    out = pd.DataFrame({
        "segment": raw["segment"].astype("str"),
        "period": raw["period"].astype("str"),
        "period_start": raw["period_start"].astype("datetime64[us]"),
        "step": raw["step"].astype("int64"),
        "stage": pd.Series([plan.steps[s - 1] for s in raw["step"]], dtype="str"),
        "cohort_accounts": raw["cohort_accounts"].astype("int64"),
        "converted": raw["converted"].astype("int64"),
        "conversion": (raw["converted"] / raw["cohort_accounts"]).astype("float64"),
        "low_n": (raw["cohort_accounts"] < plan.settings.min_n).astype("bool"),
        "complete": raw["complete"].astype("bool"),
    })
    if spec.by is None:
        out = out.drop(columns="segment")
    return out.reset_index(drop=True)


def dropoff_accounts(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None, step: int = 1,
                     settings: Settings | None = None) -> pd.DataFrame:
    """Accounts that reached `step` but not the next: days since they reached it, exited or in
    progress, ARR, renewal date and every segment column; longest-stalled first."""
    spec = spec or FunnelSpec()
    plan = _plan(con, spec, settings)
    if not 1 <= int(step) < plan.n:
        raise MetricError(f"Pick a step from 1 to {plan.n - 1} for the drop-off list "
                          f"(step {step} has no next step in this {plan.n}-step funnel).")
    step = int(step)
    extra_sql = "".join(f", a.{quote(c)}" for c in dimensions.segment_columns(con))
    ctes = _journeys_ctes(plan) + [("acct", dimensions.ONE_ROW_PER_ACCOUNT)]
    sql = _with(ctes) + f"""
        SELECT j.account_id, a.name, j.t_{step} AS reached_at,
               (epoch_us(CAST($as_of AS TIMESTAMP)) - epoch_us(j.t_{step})) / {DAY_US}.0 AS days_since,
               CASE WHEN j.exited THEN 'exited' ELSE 'in progress' END AS status,
               a.arr, a.renewal_date{extra_sql}
        FROM journeys j LEFT JOIN acct a ON a.account_id = j.account_id
        WHERE j.reached = {step}
        ORDER BY days_since DESC NULLS LAST, j.account_id"""
    out = _run(con, sql, _all_params(plan))
    out["reached_at"] = out["reached_at"].astype("datetime64[us]")
    out["days_since"] = out["days_since"].astype("float64")
    out["arr"] = out["arr"].astype("float64")
    return out.reset_index(drop=True)


def time_to_convert(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None, from_step: int = 1,
                    to_step: int = 2, settings: Settings | None = None) -> pd.DataFrame:
    """Days from step `from_step` to step `to_step` for every account that reached `to_step`
    (its counting sequence), for the time-to-convert histogram."""
    spec = spec or FunnelSpec()
    plan = _plan(con, spec, settings)
    _events_only(plan, "Times to convert")
    if not 1 <= int(from_step) < int(to_step) <= plan.n:
        raise MetricError(f"Pick two steps 1 <= from < to <= {plan.n}; got from {from_step} to {to_step}.")
    a, b = int(from_step), int(to_step)
    seg = ", segment" if spec.by is not None else ""
    sql = _with(_journeys_ctes(plan) + _segment_ctes(plan)) + f"""
        SELECT account_id{seg}, (epoch_us(t_{b}) - epoch_us(t_{a})) / {DAY_US}.0 AS days
        FROM weighted WHERE reached >= {b}
        ORDER BY days, account_id"""
    out = _run(con, sql, _all_params(plan))
    out["days"] = out["days"].astype("float64")
    return out.reset_index(drop=True)
