"""Named parameters and small SQL fragments every funnel query shares: step-1 date range, window, WITH, run.

User values (stage names, dates, the window) reach SQL only as named parameters; the fragments
here name them. `run` (from `cxlib.sqlparams`) passes only the parameters a query uses (DuckDB rejects unused ones).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cxlib.funnel.spec import Plan
from cxlib.sqlparams import run  # noqa: F401  (re-exported: the funnel modules run their queries with it)

DAY_US = 86_400_000_000
# reached * RANK_SCALE - epoch_us(t1) orders starts by furthest step, then earliest start.
RANK_SCALE = 10**17


def params(plan: Plan) -> dict[str, Any]:
    """Named parameters shared by every funnel query (stage names, exits, range, window, as-of)."""
    spec = plan.spec
    out: dict[str, Any] = {f"stage_{j}": s for j, s in enumerate(plan.stage_keys, start=1)}
    # Layout stage codes (NULL for a stage no event has: it matches no row).
    out.update({f"code_{j}": plan.codes.get(s) for j, s in enumerate(plan.stage_keys, start=1)})
    out["exits"] = plan.exits
    out.update({f"exit_{i}": e for i, e in enumerate(plan.exits, start=1)})
    out.update({f"exit_code_{i}": plan.codes.get(e) for i, e in enumerate(plan.exits, start=1)})
    out["as_of"] = plan.as_of
    if spec.date_from is not None:
        out["date_from"] = dt.datetime.combine(spec.date_from, dt.time())
    if spec.date_to is not None:
        out["date_to_excl"] = dt.datetime.combine(spec.date_to + dt.timedelta(days=1), dt.time())
    if spec.window_days is not None:
        out["window_us"] = round(spec.window_days * DAY_US)
    out.update({f"by_source_{i}": source for i, (source, *_) in enumerate(spec.by_event_tables, start=1)})
    return out


def in_range(plan: Plan, x: str) -> str:
    """SQL predicate: `x` (a timestamp expression) lies in the step-1 date range."""
    parts = []
    if plan.spec.date_from is not None:
        parts.append(f"{x} >= $date_from")
    if plan.spec.date_to is not None:
        parts.append(f"{x} < $date_to_excl")
    return " AND ".join(parts) or "true"


def within_window(plan: Plan, t: str, start: str) -> str:
    """SQL predicate: `t` lies within the window of `start` (exactly W is in); true without a window."""
    if plan.spec.window_days is None:
        return "true"
    return f"epoch_us({t}) - epoch_us({start}) <= $window_us"


def is_exit(plan: Plan, x: str) -> str:
    """SQL predicate: `x` is one of the exit stages (scalar parameters: cheaper than a list lookup)."""
    if not plan.exits:
        return "false"
    return f"{x} IN (" + ", ".join(f"$exit_{i}" for i in range(1, len(plan.exits) + 1)) + ")"


def is_exit_code(plan: Plan, x: str) -> str:
    """SQL predicate: the layout stage code `x` is one of the exit stages' codes."""
    if not plan.exits:
        return "false"
    return f"{x} IN (" + ", ".join(f"$exit_code_{i}" for i in range(1, len(plan.exits) + 1)) + ")"


def t(i: int) -> str:
    return f"t_{i}"


def ts_cols(n: int, prefix: str = "") -> str:
    """'t_1, t_2, …, t_n': the counting sequence's columns."""
    return ", ".join(f"{prefix}t_{i}" for i in range(1, n + 1))


def reached_expr(n: int) -> str:
    """SQL: how many of t_1..t_n are set (the furthest step reached, as the sequence is a prefix)."""
    return " + ".join(f"CAST(t_{i} IS NOT NULL AS INTEGER)" for i in range(1, n + 1))


def with_clause(ctes: list[tuple[str, str]],
                materialize: tuple[str, ...] = ("account_stats", "fast", "lists", "classified", "weighted")) -> str:
    """WITH clause: expensive CTEs read twice are computed once; the event scan is never copied."""
    parts = []
    for name, body in ctes:
        scan = name in ("events", "layout_events")
        mat = " MATERIALIZED" if name in materialize else " NOT MATERIALIZED" if scan else ""
        parts.append(f"{name} AS{mat} ({body})")
    return "WITH " + ",\n".join(parts)


