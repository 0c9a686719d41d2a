"""`make bench-large`: 100 M events, one ordered funnel, its time and the process's peak memory.

    python -m tests.bench.large [--events 100000000] [--threads 2] [--memory-limit 16GB]

Without the ClickHouse peer and without pandas. Three child processes, so each peak RSS is its own
(os.wait4): one writes the synthetic events as Parquet (tests/bench/data.py), one loads them with
`Workspace.load` → suggested mapping → `apply` and runs the ordered funnel (load + apply time, funnel
time, the tables' size as DuckDB reports it, peak RSS), one runs the CLI funnel end to end. The
machine's memory is printed beside the peaks. Appends the run to bench-results/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.cli_run import ROOT, cli_funnel, run_child
from tests.bench.report import append_json, clean, machine

RESULTS = ROOT / "bench-results" / "bench.json"
TARGET_FUNNEL_S = 5.0


def _generate(events: int, folder: Path, threads: int) -> None:
    """Child: write the bench files."""
    from tests.bench.data import make_files

    make_files(events, folder, threads, memory_limit="8GB")


def _measure(folder: Path, threads: int, memory_limit: str, out: Path) -> None:
    """Child: load + apply, then one ordered funnel; writes the numbers as JSON to `out`."""
    os.environ["BENCH_MEMORY_LIMIT"] = memory_limit
    from cxlib.funnel import FunnelSpec, funnel
    from tests.bench import ours

    loaded = ours.load(folder / "bench_events.parquet", folder / "bench_accounts.parquet", threads)
    t0 = time.perf_counter()
    result = funnel(loaded.ws.con, FunnelSpec(), loaded.ws.settings)
    funnel_s = time.perf_counter() - t0
    out.write_text(json.dumps({"load_s": loaded.load_s, "apply_s": loaded.apply_s, "funnel_s": funnel_s,
                               "size": loaded.size,
                               "accounts_per_step": [int(a) for a in result.table["accounts"]]}))
    loaded.ws.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.large", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="16GB", help="DuckDB memory_limit of the measuring process")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI funnel run")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--child", choices=["generate", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "generate":
        _generate(args.events, args.folder, args.threads)
        return 0
    if args.child == "measure":
        _measure(args.folder, args.threads, args.memory_limit, args.out)
        return 0

    info = machine()
    print(f"Journey Lens bench-large: {args.events:,} events, {args.threads} threads, "
          f"{info['memory_gb']} GB memory, load average {os.getloadavg()[0]:.1f}", flush=True)
    me = ["-m", "tests.bench.large", "--events", str(args.events), "--threads", str(args.threads)]
    record: dict[str, Any] = {"bench": "make bench-large", "events": args.events, "threads": args.threads,
                              "memory_limit": args.memory_limit}
    with tempfile.TemporaryDirectory(prefix="journey-lens-large-") as tmp:
        folder = Path(tmp)
        gen = run_child([*me, "--child", "generate", "--folder", tmp])
        if gen.returncode != 0:
            print(f"generating failed (exit {gen.returncode}): {gen.stderr_tail}")
            return 1
        print(f"  generated in {gen.seconds:.0f} s (peak RSS {gen.peak_rss_bytes / 1024**3:.1f} GB)", flush=True)
        out = folder / "measure.json"
        run = run_child([*me, "--child", "measure", "--folder", tmp, "--out", str(out),
                         "--memory-limit", args.memory_limit])
        if run.returncode != 0 or not out.exists():
            print(f"measuring failed (exit {run.returncode}) after {run.seconds:.0f} s: {run.stderr_tail}")
            record["failed"] = run.stderr_tail
        else:
            got = json.loads(out.read_text())
            record.update(got, peak_rss_bytes=run.peak_rss_bytes, process_s=run.seconds)
            verdict = "met" if got["funnel_s"] <= TARGET_FUNNEL_S else "MISSED"
            print(f"  Workspace.load {got['load_s']:.1f} s, suggested mapping + apply {got['apply_s']:.1f} s; "
                  f"tables {got['size']['database_size_memory_usage']}", flush=True)
            print(f"  ordered funnel: {got['funnel_s']:.1f} s ({verdict} ≤ {TARGET_FUNNEL_S:g} s); "
                  f"peak RSS {run.peak_rss_bytes / 1024**3:.1f} GB of {info['memory_gb']} GB", flush=True)
        if not args.no_cli:
            cli = cli_funnel(folder / "bench_events.parquet", folder / "bench_accounts.parquet", args.threads)
            record["cli"] = {"seconds": cli.seconds, "peak_rss_bytes": cli.peak_rss_bytes,
                             "returncode": cli.returncode, "stderr_tail": cli.stderr_tail}
            print(f"  CLI funnel end to end: {cli.seconds:.0f} s, exit {cli.returncode}, "
                  f"peak RSS {cli.peak_rss_bytes / 1024**3:.1f} GB", flush=True)
    append_json(args.json, clean({**record, "machine": machine()}))
    print(f"appended to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
