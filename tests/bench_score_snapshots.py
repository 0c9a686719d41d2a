"""Times the period-snapshot queries with the validity intervals (now) against the expansion (reference).

    python -m tests.bench_score_snapshots [--runs 5] [--scale 10]

The sample upload (`tests.load.SAMPLE_UPLOAD`: Workspace.load → suggested mapping → apply) on one
DuckDB thread; each query runs `--runs` times, the two formulations interleaved, medians in ms. Then
the same with the ratings repeated `--scale` times, each copy shifted back by the sample's span
(a history `--scale` times as long).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd
from pandas.testing import assert_frame_equal

from cxlib import canonical, early_warning, outcome_history, outcomes
from cxlib.scores import score_history, score_trend
from cxlib.scores import composite
from cxlib.stories import finder
from cxlib.workspace import Workspace
from tests.score_snapshots_reference import reference_per_account_sql

USERS = ("cxlib.scores.trend", "cxlib.stories.finder", "cxlib.early_warning.signals", "cxlib.outcome_history")


@contextmanager
def reference() -> Iterator[None]:
    """Every caller of `per_account_sql` uses the reference (the expansion) inside the block."""
    import importlib

    modules = [importlib.import_module(m) for m in USERS]
    saved = [m.per_account_sql for m in modules]
    for m in modules:
        m.per_account_sql = reference_per_account_sql
    try:
        yield
    finally:
        for m, f in zip(modules, saved, strict=True):
            m.per_account_sql = f


def queries(ws: Workspace) -> dict[str, Callable[[duckdb.DuckDBPyConnection], object]]:
    """The callers of the period snapshots, each a function of the connection."""
    config, settings = ws.score_config, ws.settings

    def signals(con: duckdb.DuckDBPyConnection) -> object:
        return early_warning.signal_rows(con, early_warning.prepare(con, ws.warning_config, config, settings))

    return {
        "story finder (find_stories)": lambda con: finder.find_stories(con, settings, config),
        "score_trend (quarter)": lambda con: score_trend(con, config, "quarter", settings),
        "score_trend (month)": lambda con: score_trend(con, config, "month", settings),
        "score_history (month)": lambda con: score_history(con, config, "month", settings=settings),
        "early warning (prepare + signal_rows)": signals,
        "outcome history quarters (composite)": lambda con: outcome_history.quarterly_quadrants(
            con, outcomes.OutcomeSpec(experience="composite"), settings, config),
    }


def lengthen(con: duckdb.DuckDBPyConnection, scale: int) -> int:
    """Replace the ratings by `scale` copies, copy k shifted back by k × the span; returns the row count."""
    ratings = canonical.quote(canonical.FACTOR_RATINGS)
    con.execute(f"CREATE OR REPLACE TABLE bench_ratings AS SELECT * FROM {ratings}")
    (span,) = con.execute("SELECT max(ts) - min(ts) + INTERVAL 1 DAY FROM bench_ratings").fetchone()
    canonical.drop_relation(con, canonical.FACTOR_RATINGS)
    con.execute(f"""
        CREATE TABLE {ratings} AS
        SELECT r.* REPLACE (r.ts - k * $span AS ts, r.source_row + k * 1000000 AS source_row)
        FROM bench_ratings AS r CROSS JOIN range($scale) AS t(k)""", {"span": span, "scale": scale})
    return con.execute(f"SELECT count(*) FROM {ratings}").fetchone()[0]


def median_ms(con: duckdb.DuckDBPyConnection, fn: Callable[[duckdb.DuckDBPyConnection], object],
              runs: int) -> tuple[float, float, bool]:
    """(reference, now) medians of `runs` interleaved runs after one warm-up of each, and whether they agree."""
    times: dict[bool, list[float]] = {True: [], False: []}
    results: dict[bool, object] = {}
    for i in range(runs + 1):
        for ref in (True, False):
            started = time.perf_counter()
            if ref:
                with reference():
                    results[ref] = fn(con)
            else:
                results[ref] = fn(con)
            if i:
                times[ref].append((time.perf_counter() - started) * 1000)
    return statistics.median(times[True]), statistics.median(times[False]), _same(results[True], results[False])


def _same(a: object, b: object) -> bool:
    """Whether two results are equal (data frames exactly, column by column)."""
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        try:
            assert_frame_equal(a, b, check_exact=True)
        except AssertionError:
            return False
        return True
    return a == b


def main(argv: list[str] | None = None) -> int:
    from tests.load import SAMPLE_UPLOAD

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=10, help="0: the sample only")
    args = parser.parse_args(argv)
    ws = Workspace()
    ws.load(SAMPLE_UPLOAD)
    ws.apply(ws.suggest_mapping())
    con = ws.con
    con.execute("SET threads = 1")
    assert composite.per_account_sql is not reference_per_account_sql
    n = con.execute(f"SELECT count(*) FROM {canonical.quote(canonical.FACTOR_RATINGS)}").fetchone()[0]
    print("| query | ratings | expansion ms | intervals ms | ratio | same rows |\n|---|---:|---:|---:|---:|---|")
    for rows in (n, None) if args.scale else (n,):
        if rows is None:
            rows = lengthen(con, args.scale)
        for name, fn in queries(ws).items():
            ref, now, same = median_ms(con, fn, args.runs)
            print(f"| {name} | {rows:,} | {ref:,.1f} | {now:,.1f} | {ref / now:.2f}× | {'yes' if same else 'NO'} |",
                  flush=True)
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
