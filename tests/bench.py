"""`make bench`: the funnel against its baselines and the pandas reference, on synthetic journeys.

    python -m tests.bench [--sizes 100000,10000000] [--runs 5] [--pandas-budget 180]

For each size it generates journeys in DuckDB (about 10 events per account, ~1 M accounts at
10 M events: mostly forward moves, repeated entries, returns, exits; rows shuffled), then prints
the median wall time of `--runs` interleaved rounds of: the bare scan, the per-account baseline, the ordered
funnel, the ordered funnel with a 14-day window, the funnel broken down by a 4-value column, the
journey transitions (if `cxlib.journey.transitions` exists) and the pandas reference
(tests/pandas_reference.py). Each time is shown with its ratio to the per-account baseline and
how many times faster than pandas it is. The pandas reference gets as many runs as fit in
`--pandas-budget` seconds (at least one); the table says how many it had. Rounds run every
measurement once in turn, so a load change on a shared machine affects them all alike; the ratio
to the baseline is the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import duckdb

from cxlib import canonical, workspace
from cxlib.funnel import FunnelSpec, funnel
from cxlib.stages import funnel_stages
from tests.pandas_reference import ordered_funnel

SIZES = (100_000, 10_000_000)
TARGETS = {  # measurement -> (max ratio to the per-account baseline, min times faster than pandas)
    "ordered funnel": (1.5, 10.0),
    "ordered funnel, 14-day window": (3.0, 10.0),
    "funnel by tier (4 values)": (2.0, 10.0),
    "transitions (journey map)": (1.5, 10.0),
}


def generate(con: duckdb.DuckDBPyConnection, n_events: int, seed: float = 0.42) -> None:
    """Synthetic journeys as canonical tables: ~10 events per account, rows in random order.

    Each account starts at Awareness (80 %), Consideration or Delivery, then each event moves
    forward (60 %), repeats its stage (15 %), steps back (10 %), or is an exit (15 %: Disappointment,
    Churn, Lost deal); gaps are exponential with a 20-day mean.
    """
    n_accounts = max(1, n_events // 10)
    stages = funnel_stages()
    for view in (canonical.JOURNEY_EVENTS, canonical.ACCOUNTS):
        con.execute(f"DROP VIEW IF EXISTS {canonical.quote(view)}")
        con.execute(f"DROP TABLE IF EXISTS {canonical.quote(view)}")
    con.execute("SELECT setseed(?)", [seed])
    con.execute(f"""
        CREATE TABLE journey_events AS
        WITH accounts AS (
            SELECT a, 1 + CAST(floor(random() * 19) AS INTEGER) AS n_events,
                   CASE WHEN random() < 0.8 THEN 1 WHEN random() < 0.5 THEN 2 ELSE 4 END AS start_pos,
                   TIMESTAMP '2022-01-01' + to_seconds(CAST(random() * 730 * 86400 AS BIGINT)) AS t0
            FROM range({n_accounts}) r(a)),
        draws AS (
            SELECT a, start_pos, t0, i, random() AS u, -ln(1 - random()) * 20 AS gap_days
            FROM accounts, unnest(range(n_events)) e(i)),
        walks AS (
            SELECT a, i, t0, start_pos, u,
                   sum(CASE WHEN u < 0.60 THEN 1 WHEN u < 0.75 THEN 0 WHEN u < 0.85 THEN -1 ELSE 0 END)
                       OVER (PARTITION BY a ORDER BY i) - 1 AS offset_pos,
                   sum(gap_days) OVER (PARTITION BY a ORDER BY i) AS days
            FROM draws)
        SELECT 'A' || lpad(CAST(a AS VARCHAR), 7, '0') AS account_id,
               CASE WHEN u >= 0.95 THEN 'Disappointment' WHEN u >= 0.92 THEN 'Churn'
                    WHEN u >= 0.90 THEN 'Lost deal'
                    ELSE $stages[CAST(least(7, greatest(1, start_pos + offset_pos)) AS BIGINT)] END AS stage,
               t0 + to_seconds(CAST(days * 86400 AS BIGINT)) AS ts,
               'event' AS resolution, 'bench.csv' AS source, CAST(a * 20 + i AS BIGINT) AS source_row
        FROM walks
        ORDER BY hash(a * 20 + i)""", {"stages": stages})
    con.execute("""
        CREATE TABLE accounts AS
        SELECT account_id, 'Account ' || account_id AS name, CAST(NULL AS VARCHAR) AS stage,
               round(random() * 100000) AS arr, CAST(NULL AS TIMESTAMP) AS start_date,
               CAST(NULL AS TIMESTAMP) AS renewal_date, CAST(NULL AS VARCHAR) AS churn_reason,
               CAST(NULL AS DOUBLE) AS outcome, 'bench_accounts.csv' AS source,
               row_number() OVER (ORDER BY account_id) AS source_row,
               ['SMB', 'Mid-market', 'Enterprise', 'Strategic'][CAST(hash(account_id) % 4 AS BIGINT) + 1] AS tier
        FROM (SELECT DISTINCT account_id FROM journey_events)""")


def bench_size(n_events: int, runs: int, pandas_budget_s: float) -> list[tuple[str, float, float, int, float]]:
    """Time every measurement at one size, in interleaved rounds so load drift on a shared machine
    hits all of them alike. Returns (name, median wall s, median cpu s, runs, median per-round
    ratio to the per-account baseline)."""
    con = workspace.connect(memory_limit=os.environ.get("BENCH_MEMORY_LIMIT", "12GB"))
    try:
        generate(con, n_events)

        def sql(query: str) -> Callable[[], Any]:
            return lambda: con.execute(query).fetchall()

        frame = con.execute("SELECT account_id, stage, ts FROM journey_events").df()
        steps = funnel_stages()
        measurements: dict[str, Callable[[], Any] | None] = {
            "bare scan": sql("SELECT stage, count(*) FROM journey_events GROUP BY stage"),
            # Wrapped in an aggregate so the groups are computed but not shipped to Python.
            "per-account baseline": sql("""
                SELECT count(*), max(first_ts), max(stage)
                FROM (SELECT account_id, stage, min(ts) AS first_ts FROM journey_events GROUP BY ALL)"""),
            "ordered funnel": lambda: funnel(con, FunnelSpec()),
            "ordered funnel, 14-day window": lambda: funnel(con, FunnelSpec(window_days=14)),
            "funnel by tier (4 values)": lambda: funnel(con, FunnelSpec(by="tier")),
            "transitions (journey map)": None,
            "pandas reference (ordered)": lambda: ordered_funnel(frame, steps),
        }
        try:
            from cxlib.journey import transitions
        except ImportError:
            pass
        else:
            measurements["transitions (journey map)"] = lambda: transitions(con)
        walls: dict[str, list[float]] = {name: [] for name in measurements}
        cpus: dict[str, list[float]] = {name: [] for name in measurements}
        pandas_spent = 0.0
        for round_no in range(1, runs + 1):
            for name, fn in measurements.items():
                if fn is None:
                    continue
                if name.startswith("pandas") and walls[name] and pandas_spent + walls[name][-1] > pandas_budget_s:
                    continue
                w0, c0 = time.perf_counter(), time.process_time()
                fn()
                walls[name].append(time.perf_counter() - w0)
                cpus[name].append(time.process_time() - c0)
                if name.startswith("pandas"):
                    pandas_spent += walls[name][-1]
            print(f"  round {round_no}: " + ", ".join(f"{name.split(' (')[0]} {w[-1]:.2f}s"
                                                     for name, w in walls.items() if w), flush=True)
        base = walls["per-account baseline"]
        rows = []
        for name in measurements:
            if not walls[name]:
                rows.append((name, float("nan"), float("nan"), 0, float("nan")))
                continue
            ratio = statistics.median(w / b for w, b in zip(walls[name], base))
            rows.append((name, statistics.median(walls[name]), statistics.median(cpus[name]), len(walls[name]), ratio))
        return rows
    finally:
        con.close()


def render(n_events: int, rows: list[tuple[str, float, float, int, float]]) -> str:
    """The printed table: time, ratio to the per-account baseline, times faster than pandas, target."""
    by_name = {name: wall for name, wall, _, _, _ in rows}
    pandas = by_name["pandas reference (ordered)"]
    out = [f"{n_events:,} events",
           f"| {'measurement':<30} | {'median s':>9} | {'cpu s':>7} | {'runs':>4} | {'× baseline':>10} "
           f"| {'× faster than pandas':>20} | target",
           f"|{'-' * 32}|{'-' * 11}|{'-' * 9}|{'-' * 6}|{'-' * 12}|{'-' * 22}|-------"]
    for name, wall, cpu, done, ratio in rows:
        if done == 0:
            out.append(f"| {name:<30} | {'n/a':>9} | {'n/a':>7} | {0:>4} | {'n/a':>10} | {'n/a':>20} | n/a")
            continue
        faster = pandas / wall
        target = ""
        if name in TARGETS and n_events < 10_000_000:
            target = "(targets apply at 10 M events)"
        elif name in TARGETS:
            max_ratio, min_faster = TARGETS[name]
            verdicts = [f"{'met' if ratio <= max_ratio else 'MISSED'} ≤ {max_ratio:g}× baseline",
                        f"{'met' if faster >= min_faster else 'MISSED'} ≥ {min_faster:g}× pandas"]
            target = "; ".join(verdicts)
        out.append(f"| {name:<30} | {wall:9.3f} | {cpu:7.2f} | {done:>4} | {ratio:9.2f}× | {faster:19.1f}× | {target}")
    out.append("× baseline: median over rounds of (time ÷ the baseline's time in the same round). "
               "cpu s: process CPU seconds (all threads).")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="comma-separated event counts (default: 100000,10000000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is shown")
    parser.add_argument("--pandas-budget", type=float, default=180.0,
                        help="seconds the pandas reference may take per size (at least one run)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"Journey Lens bench: duckdb {duckdb.__version__}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    tables = []
    for n in sizes:
        print(f"\n{n:,} events:", flush=True)
        tables.append(render(n, bench_size(n, args.runs, args.pandas_budget)))
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (the machine may be shared)\n")
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
