"""`make bench`: our funnel and journey queries against ClickHouse's, a one-pass floor and pandas.

    python -m tests.bench [--sizes 100000,10000000] [--runs 5] [--threads 2] [--pandas-budget 90]

For each size: synthetic journeys written as Parquet (tests/bench/data.py); loaded through
`Workspace.load` → suggested mapping → `apply` (timed); the same files loaded into ClickHouse
(chdb) with ClickHouse's layout (tests/bench/peer.py). ClickHouse's accounts per level must equal
ours for the ordered funnel with no window, with a 14-day window and by tier, and its transitions
must equal ours: the run stops with the differences if not. Then `--runs` interleaved rounds of
every query, ours and ClickHouse's, with the same thread count; then the CLI funnel on the same
files in a child process (wall time, peak RSS against the tables' size). Prints one table per size
and appends the run to bench-results/bench.json.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from cxlib import dimensions
from cxlib.stages import funnel_stages
from tests.bench import ours, report
from tests.bench.cli_run import ROOT, cli_funnel
from tests.bench.data import make_files
from tests.bench.rounds import Measurement, run_rounds
from tests.pandas_reference import ordered_funnel

SIZES = (100_000, 10_000_000)
RESULTS = ROOT / "bench-results" / "bench.json"
WINDOW_DAYS = 14
WF, WF14, WF_TIER, CH_TRANSITIONS = ("ClickHouse windowFunnel", "ClickHouse windowFunnel, 14-day window",
                                     "ClickHouse windowFunnel by tier", "ClickHouse transitions (lagInFrame)")


class Disagreement(SystemExit):
    """ClickHouse and we count different accounts: the comparison would be meaningless."""


def check_agreement(what: str, theirs: dict[Any, int], mine: dict[Any, int]) -> None:
    """Stop loudly, listing every difference, when the two engines disagree."""
    keys = sorted(set(theirs) | set(mine), key=str)
    diffs = [f"  {k}: ClickHouse {theirs.get(k)}, ours {mine.get(k)}" for k in keys if theirs.get(k) != mine.get(k)]
    if diffs:
        raise Disagreement(f"BENCH FAILED: ClickHouse and Journey Lens disagree on {what}:\n" + "\n".join(diffs[:40]))
    print(f"  agree: {what} ({len(keys)} counts)", flush=True)


def transitions_counts(frame: Any) -> dict[tuple[str, str, str], int]:
    out = {}
    for row in frame.itertuples(index=False):
        out[(row.from_stage, row.to_stage, "accounts")] = int(row.accounts)
        out[(row.from_stage, row.to_stage, "transitions")] = int(row.transitions)
    return out


def bench_size(n_events: int, runs: int, threads: int, pandas_budget_s: float, with_cli: bool) -> dict[str, Any]:
    """Everything measured at one size: the rounds' records and the one-time measurements."""
    from tests.bench.peer import Peer
    from cxlib.journey import transitions

    with tempfile.TemporaryDirectory(prefix="journey-lens-bench-") as tmp:
        t0 = time.perf_counter()
        events, accounts = make_files(n_events, Path(tmp), threads)
        print(f"  generated {n_events:,} events in {time.perf_counter() - t0:.1f} s "
              f"({events.stat().st_size / 1024**2:.0f} MB Parquet)", flush=True)
        loaded = ours.load(events, accounts, threads)
        ws = loaded.ws
        print(f"  Workspace.load {loaded.load_s:.1f} s, suggested mapping + apply {loaded.apply_s:.1f} s; "
              f"tables: {loaded.size['database_size_memory_usage']}", flush=True)
        steps = funnel_stages(ws.settings.stages)
        compact_s = ours.compact_layout(ws.con, steps)
        t0 = time.perf_counter()
        peer = Peer(events, accounts, threads)
        peer_load_s = time.perf_counter() - t0
        print(f"  ClickHouse table built in {peer_load_s:.1f} s ({peer.rows():,} rows)", flush=True)
        try:
            check_agreement("the ordered funnel, no window", peer.funnel_counts(steps), ours.funnel_counts(ws))
            check_agreement(f"the ordered funnel, {WINDOW_DAYS}-day window",
                            peer.funnel_counts(steps, WINDOW_DAYS * 86400), ours.funnel_counts(ws, WINDOW_DAYS))
            check_agreement("the ordered funnel by tier", peer.funnel_counts(steps, by_tier=True),
                            ours.funnel_counts(ws, by="tier"))
            codes = ours.stage_codes(ws)
            as_of = dimensions.as_of_date(ws.con, ws.settings)
            check_agreement("transitions", transitions_counts(peer.transitions_frame(codes, as_of)),
                            transitions_counts(transitions(ws.con, ws.settings)))
            frame = ws.con.execute("SELECT account_id, stage, ts FROM journey_events").df()
            mine = ours.measurements(ws)
            ms = [
                Measurement(WF, lambda: peer.funnel(steps)),
                Measurement("ordered funnel", mine["ordered funnel"], WF),
                Measurement(WF14, lambda: peer.funnel(steps, WINDOW_DAYS * 86400)),
                Measurement("ordered funnel, 14-day window", mine["ordered funnel, 14-day window"], WF14),
                Measurement(WF_TIER, lambda: peer.funnel(steps, by_tier=True)),
                Measurement("funnel by tier (4 values)", mine["funnel by tier (4 values)"], WF_TIER),
                Measurement(CH_TRANSITIONS, lambda: peer.transitions(codes, as_of)),
                Measurement("transitions (journey map)", mine["transitions (journey map)"], CH_TRANSITIONS),
                Measurement("one-pass baseline, as loaded", mine["one-pass baseline, as loaded"], WF),
                Measurement(report.BASELINE, mine[report.BASELINE], WF),
                Measurement(report.PANDAS, lambda: ordered_funnel(frame, steps), WF, budget_s=pandas_budget_s),
            ]
            run_rounds(ms, runs, log=lambda line: print(line, flush=True))
        finally:
            peer.close()
            ws.close()
        frame = None
        once = one_time(n_events, loaded, compact_s, peer_load_s)
        if with_cli:
            once += cli_measurements(n_events, events, accounts, threads, loaded.size)
    return {"events": n_events, "measurements": report.rows(n_events, ms), "one_time": once}


def one_time(n_events: int, loaded: ours.Loaded, compact_s: float, peer_load_s: float) -> list[dict[str, Any]]:
    """Load + apply (once per upload), the one-pass floor's layout and ClickHouse's table build."""
    total = loaded.load_s + loaded.apply_s
    target = ""
    if n_events >= report.TARGET_SIZE:
        limit = report.SECONDS_TARGETS["load + suggested mapping + apply"]
        target = f"{report.verdict(total <= limit)} ≤ {limit:g} s"
    return [
        {"measurement": "load + suggested mapping + apply", "seconds": total, "load_s": loaded.load_s,
         "apply_s": loaded.apply_s, "tables": loaded.size, "target": target,
         "text": f"{total:.1f} s (Workspace.load {loaded.load_s:.1f} s, suggested mapping + apply "
                 f"{loaded.apply_s:.1f} s, including whatever apply builds); tables "
                 f"{loaded.size['database_size_memory_usage']} as database_size reports it"},
        {"measurement": "compact layout for the one-pass baseline", "seconds": compact_s,
         "text": f"{compact_s:.1f} s to encode and sort (paid once per upload when the app does it)"},
        {"measurement": "ClickHouse table build", "seconds": peer_load_s,
         "text": f"{peer_load_s:.1f} s (Parquet → MergeTree, sorted, OPTIMIZE FINAL)"},
    ]


def cli_measurements(n_events: int, events: Path, accounts: Path, threads: int,
                     size: dict[str, Any]) -> list[dict[str, Any]]:
    """The CLI funnel end to end in its own process, and its peak RSS against the tables' size."""
    run = cli_funnel(events, accounts, threads)
    if run.returncode != 0:
        return [{"measurement": "CLI funnel, end to end", "seconds": None, "target": "MISSED (failed)",
                 "text": f"exit code {run.returncode} after {run.seconds:.1f} s: {run.stderr_tail}"}]
    table_bytes = size["duckdb_memory_bytes"]
    times = run.peak_rss_bytes / table_bytes if table_bytes else math.nan
    big = n_events >= report.TARGET_SIZE
    limit = report.SECONDS_TARGETS["CLI funnel, end to end"]
    return [
        {"measurement": "CLI funnel, end to end", "seconds": run.seconds,
         "target": f"{report.verdict(run.seconds <= limit)} ≤ {limit:g} s" if big else "",
         "text": f"{run.seconds:.1f} s (python -m cxlib funnel EVENTS --accounts ACCOUNTS --format csv, "
                 f"JOURNEY_LENS_THREADS={threads}, default memory limit)"},
        {"measurement": "CLI peak RSS vs tables", "peak_rss_bytes": run.peak_rss_bytes,
         "table_bytes": table_bytes, "times": times,
         "target": (f"{report.verdict(times <= report.MAX_RSS_TIMES_TABLES)} ≤ "
                    f"{report.MAX_RSS_TIMES_TABLES:g}× (the target names a browser session; this is the CLI)"
                    if big else ""),
         "text": f"peak RSS {run.peak_rss_bytes / 1024**2:,.0f} MB = {times:.2f}× the tables' "
                 f"{table_bytes / 1024**2:,.0f} MB (duckdb_memory() after load + apply, "
                 f"database_size says {size['database_size_memory_usage']})"},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="comma-separated event counts (default: 100000,10000000)")
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds; medians are shown")
    parser.add_argument("--threads", type=int, default=2, help="threads for DuckDB and ClickHouse alike")
    parser.add_argument("--pandas-budget", type=float, default=90.0,
                        help="seconds the pandas reference may take per size (at least one run)")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI run in a child process")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where the run is appended")
    args = parser.parse_args(argv)
    try:
        import chdb  # noqa: F401
    except ImportError:
        print("chdb is not installed: run `make bench` (it installs requirements-bench.txt).")
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"Journey Lens bench: {os.cpu_count()} cores, {args.threads} threads each side, "
          f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    results, tables = [], []
    for n in sizes:
        print(f"\n{n:,} events:", flush=True)
        result = bench_size(n, args.runs, args.threads, args.pandas_budget, not args.no_cli)
        results.append(result)
        tables.append(report.render(n, result["measurements"], result["one_time"]))
    info = report.machine()
    print(f"\nload average {info['load_average_at_end']:.1f} at the end (the machine may be shared)\n")
    print("\n\n".join(tables))
    report.append_json(args.json, report.clean({"bench": "make bench", "machine": info, "threads": args.threads,
                                                "runs": args.runs, "sizes": results}))
    print(f"\nappended to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
