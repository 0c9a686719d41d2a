"""The bench's table (printed) and its JSON record (bench-results/bench.json), with the targets.

Targets from issue 11, checked at 10 M events only: ratios to the matching ClickHouse query,
at least 10× faster than the pandas reference, one-time costs in seconds, memory as a multiple
of the tables' size.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
from pathlib import Path
from typing import Any

from tests.bench.rounds import Measurement, ratio

TARGET_SIZE = 10_000_000
PEER_TARGETS = {  # measurement -> max ratio to its ClickHouse peer
    "ordered funnel": 0.5,
    "ordered funnel, 14-day window": 1.0,
    "funnel by tier (4 values)": 1.0,
    "transitions (journey map)": 0.5,
}
MIN_FASTER_THAN_PANDAS = 10.0
SECONDS_TARGETS = {  # one-time measurement -> max seconds
    "load + suggested mapping + apply": 5.0,
    "CLI funnel, end to end": 10.0,
}
MAX_RSS_TIMES_TABLES = 2.0
BASELINE = "one-pass baseline, compact"
PANDAS = "pandas reference (ordered)"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _x(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}×"


def rows(n_events: int, ms: list[Measurement]) -> list[dict[str, Any]]:
    """One record per measurement: median, spread, runs, ratios (median and per-round range), target."""
    by_name = {m.name: m for m in ms}
    base, pandas = by_name.get(BASELINE), by_name.get(PANDAS)
    out = []
    for m in ms:
        rec: dict[str, Any] = {"measurement": m.name, "median_s": m.median, "min_s": m.spread[0],
                               "max_s": m.spread[1], "runs": len(m.done), "cpu_s": m.cpu, "peer": m.peer}
        if m.peer is not None and m.peer in by_name:
            rec["x_peer"], rec["x_peer_min"], rec["x_peer_max"] = ratio(m, by_name[m.peer])
        if base is not None:
            rec["x_baseline"] = ratio(m, base)[0]
        if pandas is not None and pandas.done and m.done:
            rec["faster_than_pandas"] = pandas.median / m.median
        if m.name in PEER_TARGETS:
            if n_events < TARGET_SIZE:
                rec["target"] = "targets apply at 10 M events"
            else:
                limit = PEER_TARGETS[m.name]
                parts = [f"{verdict(rec.get('x_peer', math.inf) <= limit)} ≤ {limit:g}× ClickHouse",
                         f"{verdict(rec.get('faster_than_pandas', 0) >= MIN_FASTER_THAN_PANDAS)} "
                         f"≥ {MIN_FASTER_THAN_PANDAS:g}× faster than pandas"]
                rec["target"] = "; ".join(parts)
        out.append(rec)
    return out


def render(n_events: int, records: list[dict[str, Any]], once: list[dict[str, Any]]) -> str:
    """The printed table for one size, then the one-time measurements."""
    head = (f"| {'measurement':<38} | {'median s':>8} | {'min–max s':>13} | {'runs':>4} | "
            f"{'× ClickHouse (min–max)':>24} | {'× one-pass':>10} | {'× faster than pandas':>20} | target")
    out = [f"{n_events:,} events", head, "|" + "|".join("-" * w for w in (40, 10, 15, 6, 26, 12, 22, 8)) + "|"]
    for r in records:
        peer = (f"{_x(r['x_peer'])} ({r['x_peer_min']:.2f}–{r['x_peer_max']:.2f})" if "x_peer" in r else "")
        out.append(f"| {r['measurement']:<38} | {r['median_s']:8.3f} | {r['min_s']:5.3f}–{r['max_s']:<7.3f} | "
                   f"{r['runs']:>4} | {peer:>24} | {_x(r.get('x_baseline', math.nan)):>10} | "
                   f"{_x(r.get('faster_than_pandas', math.nan)):>20} | {r.get('target', '')}")
    out.append("× ClickHouse: median over rounds of (time ÷ the matching ClickHouse query's time in the same "
               "round); × one-pass: the same against the compact one-pass baseline; × faster than pandas: "
               "pandas median ÷ median.")
    for r in once:
        out.append(f"{r['measurement']}: {r['text']}" + (f"  [{r['target']}]" if r.get("target") else ""))
    return "\n".join(out)


def machine() -> dict[str, Any]:
    """Where and with what the bench ran."""
    import duckdb
    import pandas as pd

    versions = {"python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pd.__version__}
    try:
        import chdb

        versions["chdb"] = chdb.__version__
        versions["clickhouse"] = chdb.engine_version
    except ImportError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node(), "platform": platform.platform(), "cores": os.cpu_count(),
            "memory_gb": round(mem_gb, 1), "load_average_at_end": os.getloadavg()[0], "versions": versions}


def append_json(path: Path, entry: dict[str, Any]) -> None:
    """Add one run to the JSON file (a list of runs, oldest first), so results compare over time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    runs: list[Any] = []
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            runs = loaded if isinstance(loaded, list) else [loaded]
        except ValueError:
            runs = []
    runs.append(entry)
    path.write_text(json.dumps(runs, indent=1, default=_plain, allow_nan=False), encoding="utf-8")


def _plain(value: Any) -> Any:
    return str(value)


def clean(value: Any) -> Any:
    """NaN → None, recursively (JSON has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value
