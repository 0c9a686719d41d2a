"""The peer: ClickHouse (in-process through `chdb`) on the same files, with ClickHouse's own layout.

The layout a ClickHouse user would choose for funnels: a MergeTree table with non-nullable
columns, the stage as `LowCardinality(String)`, the time as `DateTime` (what `windowFunnel`
takes) and `ORDER BY (account_id, ts)`. The funnel is `windowFunnel` (PostHog's funnel engine);
the transitions query is the `lagInFrame` window-function query with the journey map's definition
(entries in time order, ties in stage order, repeated entries of one stage are one visit).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd

NO_WINDOW_S = 200 * 366 * 86400          # "no window": longer than any journey in the data


class Peer:
    """One chdb session holding the bench's events and accounts, queried with `threads` threads."""

    def __init__(self, events: Path, accounts: Path, threads: int) -> None:
        from chdb import session

        self.session = session.Session()
        self.threads = threads
        self.query("""
            CREATE TABLE events (account_id String, stage LowCardinality(String), ts DateTime('UTC'))
            ENGINE = MergeTree ORDER BY (account_id, ts)""")
        self.query("""
            INSERT INTO events
            SELECT assumeNotNull(account_id), assumeNotNull(stage), toDateTime(assumeNotNull(ts), 'UTC')
            FROM file({path:String}, Parquet)
            WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL""", path=str(events))
        self.query("OPTIMIZE TABLE events FINAL")
        self.query("""
            CREATE TABLE accounts (account_id String, tier LowCardinality(String))
            ENGINE = MergeTree ORDER BY account_id""")
        self.query("""
            INSERT INTO accounts SELECT assumeNotNull(account_id), ifNull(tier, '(none)')
            FROM file({path:String}, Parquet)""", path=str(accounts))

    def query(self, sql: str, fmt: str = "CSV", **params: Any) -> Any:
        """Run one statement with the bench's thread count; values always go as parameters."""
        return self.session.query(f"{sql} SETTINGS max_threads = {int(self.threads)}", fmt,
                                  params=params or None)

    def frame(self, sql: str, **params: Any) -> pd.DataFrame:
        """A query's result as a DataFrame (through CSVWithNames: no extra dependency)."""
        text = self.query(sql, "CSVWithNames", **params)
        return pd.read_csv(io.StringIO(str(text)))

    def rows(self) -> int:
        return int(str(self.query("SELECT count() FROM events")).strip())

    # ── funnel ────────────────────────────────────────────────────────────────────────────────

    @staticmethod
    def _steps(steps: list[str]) -> tuple[str, dict[str, Any]]:
        conds = ", ".join(f"stage = {{s{i}:String}}" for i in range(len(steps)))
        return conds, {f"s{i}": s for i, s in enumerate(steps)}

    def funnel_sql(self, steps: list[str], by_tier: bool) -> tuple[str, dict[str, Any]]:
        """Accounts per level reached (0 = none) from `windowFunnel`; with a tier join for the breakdown."""
        conds, params = self._steps(steps)
        if not by_tier:
            return f"""
                WITH levels AS (
                    SELECT account_id, windowFunnel({{window:UInt64}})(ts, {conds}) AS level
                    FROM events GROUP BY account_id)
                SELECT level, count() AS accounts FROM levels GROUP BY level ORDER BY level""", params
        return f"""
            WITH levels AS (
                SELECT account_id, windowFunnel({{window:UInt64}})(ts, {conds}) AS level
                FROM events GROUP BY account_id)
            SELECT a.tier AS segment, l.level AS level, count() AS accounts
            FROM levels AS l INNER JOIN accounts AS a ON a.account_id = l.account_id
            GROUP BY segment, level ORDER BY segment, level""", params

    def funnel(self, steps: list[str], window_s: int | None = None, by_tier: bool = False) -> str:
        """Run the funnel; the raw CSV text (timed: the same cost as ours shipping its small table)."""
        sql, params = self.funnel_sql(steps, by_tier)
        return self.query(sql, window=int(window_s if window_s is not None else NO_WINDOW_S), **params)

    def funnel_counts(self, steps: list[str], window_s: int | None = None,
                      by_tier: bool = False) -> dict[tuple[str, int], int]:
        """Accounts reaching each step ((segment or "", step) → accounts), from the levels."""
        sql, params = self.funnel_sql(steps, by_tier)
        levels = self.frame(sql, window=int(window_s if window_s is not None else NO_WINDOW_S), **params)
        if not by_tier:
            levels["segment"] = ""
        out: dict[tuple[str, int], int] = {}
        for segment, group in levels.groupby("segment"):
            for k in range(1, len(steps) + 1):
                out[(str(segment), k)] = int(group.loc[group["level"] >= k, "accounts"].sum())
        return out

    # ── transitions ───────────────────────────────────────────────────────────────────────────

    @staticmethod
    def transitions_sql() -> str:
        """From→to visits per account (lagInFrame over entries ordered by time, then stage order)."""
        return """
            WITH entries AS (
                SELECT account_id, ts, indexOf({codes:Array(String)}, stage) AS code
                FROM events WHERE ts <= {as_of:DateTime('UTC')}),
            marked AS (
                SELECT account_id, ts, code,
                       lagInFrame(code, 1, 0) OVER w AS prev_code
                FROM entries
                WINDOW w AS (PARTITION BY account_id ORDER BY ts, code
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
            visits AS (
                SELECT account_id, ts, code FROM marked WHERE code != prev_code),
            moves AS (
                SELECT account_id, lagInFrame(code, 1, 0) OVER v AS from_code, code AS to_code
                FROM visits
                WINDOW v AS (PARTITION BY account_id ORDER BY ts, code
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
            SELECT {codes:Array(String)}[from_code] AS from_stage, {codes:Array(String)}[to_code] AS to_stage,
                   uniqExact(account_id) AS accounts, count() AS transitions
            FROM moves WHERE from_code != 0
            GROUP BY from_code, to_code ORDER BY from_code, to_code"""

    @staticmethod
    def _transition_params(codes: list[str], as_of: dt.datetime) -> dict[str, str]:
        """Parameters in ClickHouse's text form (an array parameter is its quoted literal)."""
        quoted = ", ".join("'" + c.replace("\\", "\\\\").replace("'", "\\'") + "'" for c in codes)
        return {"codes": f"[{quoted}]", "as_of": as_of.strftime("%Y-%m-%d %H:%M:%S")}

    def transitions(self, codes: list[str], as_of: dt.datetime) -> str:
        return self.query(self.transitions_sql(), **self._transition_params(codes, as_of))

    def transitions_frame(self, codes: list[str], as_of: dt.datetime) -> pd.DataFrame:
        return self.frame(self.transitions_sql(), **self._transition_params(codes, as_of))

    def close(self) -> None:
        self.session.close()
