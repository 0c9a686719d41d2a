"""Our side of the bench: the workspace as an upload builds it, our queries, the baselines, pandas.

The files go through `Workspace.load` → suggested mapping → `apply`, as in the app and the CLI, so
whatever `apply` builds (a physical layout, when there is one) is part of the timed load and is
what the funnel reads.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from cxlib import workspace
from cxlib.funnel import FunnelSpec, funnel
from cxlib.journey import transitions
from cxlib.stages import funnel_stages, stage_order

MEMORY_LIMIT = os.environ.get("BENCH_MEMORY_LIMIT", "12GB")


@dataclass
class Loaded:
    """A workspace holding the bench files, how long loading + mapping + apply took, its size."""

    ws: workspace.Workspace
    load_s: float
    apply_s: float
    size: dict[str, Any]


def load(events: Path, accounts: Path, threads: int) -> Loaded:
    """Workspace.load + suggested mapping + apply, timed (load, then suggestion + apply)."""
    ws = workspace.Workspace(con=workspace.connect(memory_limit=MEMORY_LIMIT, threads=threads))
    t0 = time.perf_counter()
    ws.load([events, accounts])
    t1 = time.perf_counter()
    ws.apply(ws.suggest_mapping())
    t2 = time.perf_counter()
    return Loaded(ws, t1 - t0, t2 - t1, database_size(ws.con))


def database_size(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The tables' size as DuckDB reports it: database_size's memory use and duckdb_memory()'s bytes."""
    usage = con.execute("SELECT memory_usage FROM pragma_database_size()").fetchone()
    used = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
    tables = con.execute(
        "SELECT table_name, estimated_size FROM duckdb_tables() WHERE NOT temporary "
        "ORDER BY estimated_size DESC LIMIT 5").fetchall()
    return {"database_size_memory_usage": usage[0] if usage else None,
            "duckdb_memory_bytes": int(used[0] or 0) if used else 0,
            "largest_tables_rows": {name: int(rows) for name, rows in tables}}


def stage_codes(ws: workspace.Workspace) -> list[str]:
    """Stage names in the journey map's code order: configured stages in order, then others by name."""
    order = stage_order(ws.settings.stages)
    names = sorted(order, key=order.__getitem__)
    present = [r[0] for r in ws.con.execute(
        "SELECT DISTINCT stage FROM journey_events WHERE stage IS NOT NULL").fetchall()]
    return names + sorted(set(present) - set(names))


def one_pass_sql(steps: list[str], compact: bool) -> tuple[str, dict[str, Any]]:
    """One `GROUP BY account` with min(ts) FILTER per step: the least work a funnel must do.

    Over the canonical view (VARCHAR ids and stages, rows as loaded), or over the compact table
    (integer key, 1-byte stage codes, sorted by (key, time)) that `compact_layout` builds.
    """
    n = len(steps)
    if compact:
        firsts = ", ".join(f'min(ts) FILTER (WHERE code = {i}) AS "t{i}"' for i in range(1, n + 1))
        source, key = "_bench_compact", "k"
        params: dict[str, Any] = {}
    else:
        firsts = ", ".join(f'min(ts) FILTER (WHERE stage = $s{i}) AS "t{i}"' for i in range(1, n + 1))
        source, key = "journey_events", "account_id"
        params = {f"s{i}": s for i, s in enumerate(steps, start=1)}
    counts = ", ".join(f'count("t{i}")' for i in range(1, n + 1))
    return f"""
WITH firsts AS (
    SELECT {key}, {firsts}
    FROM {source}
    GROUP BY {key}
)
SELECT {counts} FROM firsts""", params


def compact_layout(con: duckdb.DuckDBPyConnection, steps: list[str]) -> float:
    """The one-pass floor's layout as a temporary table; returns the seconds it took to build."""
    t0 = time.perf_counter()
    con.execute("""
CREATE OR REPLACE TEMP TABLE _bench_compact AS
WITH keys AS (
    SELECT account_id, (row_number() OVER (ORDER BY account_id))::INTEGER AS k
    FROM (SELECT DISTINCT account_id FROM journey_events WHERE account_id IS NOT NULL)
),
coded AS (
    SELECT keys.k, coalesce(list_position($steps, e.stage), 0)::UTINYINT AS code, e.ts
    FROM journey_events AS e JOIN keys USING (account_id)
    WHERE e.ts IS NOT NULL AND e.stage IS NOT NULL
)
SELECT k, code, ts FROM coded ORDER BY k, ts""", {"steps": steps})
    return time.perf_counter() - t0


def funnel_counts(ws: workspace.Workspace, window_days: float | None = None,
                  by: str | None = None) -> dict[tuple[str, int], int]:
    """Our accounts per (segment or "", step)."""
    table = funnel(ws.con, FunnelSpec(window_days=window_days, by=by), ws.settings).table
    segments = table["segment"] if by is not None else pd.Series([""] * len(table), index=table.index)
    return {(str(s), int(k)): int(a) for s, k, a in zip(segments, table["step"], table["accounts"], strict=True)}


def measurements(ws: workspace.Workspace) -> dict[str, Any]:
    """Our timed queries by name (each returns a small result, as the pages get)."""
    con, settings = ws.con, ws.settings
    steps = funnel_stages(settings.stages)
    one_pass, one_pass_params = one_pass_sql(steps, compact=False)
    compact, _ = one_pass_sql(steps, compact=True)
    return {
        "ordered funnel": lambda: funnel(con, FunnelSpec(), settings),
        "ordered funnel, 14-day window": lambda: funnel(con, FunnelSpec(window_days=14), settings),
        "funnel by tier (4 values)": lambda: funnel(con, FunnelSpec(by="tier"), settings),
        "transitions (journey map)": lambda: transitions(con, settings),
        "one-pass baseline, as loaded": lambda: con.execute(one_pass, one_pass_params).fetchall(),
        "one-pass baseline, compact": lambda: con.execute(compact).fetchall(),
    }
