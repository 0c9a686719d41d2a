"""The bench's synthetic journeys: generated in DuckDB, written as the Parquet files everyone reads.

About 10 events per account (~1 M accounts at 10 M events): mostly forward moves, repeated
entries, returns, exits; rows shuffled; second-precision times (ClickHouse's `windowFunnel` takes
`DateTime`). The same two files feed our loader, the ClickHouse peer and the CLI.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cxlib import canonical
from cxlib.stages import funnel_stages

TIERS = ["SMB", "Mid-market", "Enterprise", "Strategic"]


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
               $tiers[CAST(hash(account_id) % 4 AS BIGINT) + 1] AS tier
        FROM (SELECT DISTINCT account_id FROM journey_events)""", {"tiers": TIERS})


def write_files(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[Path, Path]:
    """The generated tables as two Parquet files (events: account_id, stage, ts; accounts with tier)."""
    events, accounts = folder / "bench_events.parquet", folder / "bench_accounts.parquet"
    con.execute("COPY (SELECT account_id, stage, ts FROM journey_events) TO ? (FORMAT parquet)", [str(events)])
    con.execute("COPY (SELECT account_id, name, arr, tier FROM accounts) TO ? (FORMAT parquet)", [str(accounts)])
    return events, accounts


def make_files(n_events: int, folder: Path, threads: int = 2, memory_limit: str | None = None) -> tuple[Path, Path]:
    """Generate `n_events` synthetic events in a scratch DuckDB and write them to `folder`."""
    config: dict[str, object] = {"threads": threads, "preserve_insertion_order": True}
    if memory_limit:
        config["memory_limit"] = memory_limit   # beyond it DuckDB spills to its temp directory
    con = duckdb.connect(config=config)
    try:
        generate(con, n_events)
        return write_files(con, folder)
    finally:
        con.close()
