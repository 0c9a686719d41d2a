"""Trend and history: the composite as it stood at the end of each period, and its latest change.

README, "How each number is defined" → "Engagement against the desired state": each period's
composite is computed from the latest ratings up to the period's end (or the as-of date, if
sooner); the latest period is compared with the one before, and a change within the dead band
(±5 points) is "same"; an account is only compared when both composites reach the minimum
coverage. Periods are `dimensions`' months and fiscal quarters, up to the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.scores.bands import band_sql
from cxlib.scores.composite import per_account_sql, prepare_scales
from cxlib.scores.config import ScoreConfig
from cxlib.scores.segments import _weight_flag, segment_accounts_cte
from cxlib.settings import Settings


def snapshots_periods() -> str:
    """One snapshot per period (month or fiscal quarter) from the first dated rating to the as-of date.

    A period's snapshot is taken at its last instant, or at the as-of date for the current one.
    Expects $as_of, $step_months and `dimensions.period_params` ($period_unit, $fy_shift).
    """
    ratings = canonical.quote(canonical.FACTOR_RATINGS)
    return f"""
        WITH bounds AS (
            SELECT {dimensions.period_sql("min(ts)")} AS first_period,
                   {dimensions.period_sql("CAST($as_of AS TIMESTAMP)")} AS last_period
            FROM {ratings}
            WHERE ts IS NOT NULL AND ts <= $as_of
        ),
        periods AS (
            SELECT unnest(generate_series(first_period, last_period, to_months($step_months))) AS period
            FROM bounds
            WHERE first_period IS NOT NULL
        )
        SELECT period,
               LEAST(period + to_months($step_months) - INTERVAL 1 MICROSECOND, CAST($as_of AS TIMESTAMP)) AS at
        FROM periods"""


def period_params(period: str, settings: Settings) -> dict[str, Any]:
    """`dimensions`' period parameters for a trend by month or fiscal quarter, and its length."""
    if period not in ("quarter", "month"):
        raise MetricError(f"Period must be 'quarter' or 'month' (got '{period}').")
    return dimensions.period_params(period, settings) | {"step_months": dimensions.period_months(period)}


def _history_ctes(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str,
                  settings: Settings | None) -> tuple[str, dict[str, Any]]:
    settings = settings or Settings()
    scales, params = prepare_scales(con, config, settings)
    params.update(period_params(period, settings))
    ctes, p = per_account_sql(config, scales, snapshots_periods(), include_unrated=False)
    params.update(p)
    return ctes, params


def trend_ctes(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str,
                settings: Settings | None) -> tuple[str, dict[str, Any]]:
    """CTEs ending in `account_trend`: one row per account with its latest change and direction."""
    ctes, params = _history_ctes(con, config, period, settings)
    params["dead_band"] = float(config.dead_band)
    sql = f"""
        {ctes},
        last_two AS (
            SELECT max(period) AS period, max(period) - to_months($step_months) AS previous_period
            FROM snapshots
        ),
        paired AS (
            SELECT cur.account_id,
                   t.previous_period, prev.composite AS previous_composite, prev.coverage AS previous_coverage,
                   t.period, cur.composite, cur.coverage
            FROM last_two AS t
            JOIN per_account AS cur ON cur.period = t.period
            LEFT JOIN per_account AS prev ON prev.period = t.previous_period AND prev.account_id = cur.account_id
            WHERE cur.composite IS NOT NULL OR prev.composite IS NOT NULL
        ),
        changes AS (
            SELECT *,
                   composite - previous_composite AS change,
                   composite IS NOT NULL AND previous_composite IS NOT NULL
                       AND coverage >= $min_coverage AND previous_coverage >= $min_coverage AS comparable
            FROM paired
        ),
        account_trend AS (
            SELECT account_id, previous_period, previous_composite, period, composite, change,
                   CASE WHEN NOT comparable THEN NULL
                        WHEN abs(change) <= $dead_band + 1e-9 THEN 'same'  -- float noise never makes a move
                        WHEN change > 0 THEN 'up' ELSE 'down' END AS direction
            FROM changes
        )"""
    return sql, params


def score_trend(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str = "quarter",
                settings: Settings | None = None, *, account_id: str | None = None) -> pd.DataFrame:
    """Per account (or only `account_id`): composite at the end of the latest period vs the previous one,
    change and direction.

    Direction is up / down / same (|change| ≤ the dead band); it is left empty unless both
    composites exist with enough coverage, so a thinly rated quarter never reads as a trend.
    """
    ctes, params = trend_ctes(con, config, period, settings)
    return _with_undated_note(con, con.execute(f"""
        WITH {ctes}
        SELECT account_id, previous_period, previous_composite, period, composite, change, direction
        FROM account_trend
        {dimensions.one_account(account_id, params)}
        ORDER BY account_id
    """, params).df())


@dataclass(frozen=True)
class TrendCounts:
    """How many accounts went up, down or stayed the same between the two latest periods."""

    period: dt.datetime | None           # start of the latest period (None: no dated ratings)
    previous_period: dt.datetime | None  # start of the period before it
    accounts: int                        # accounts with a composite in either period
    up: int
    down: int
    same: int
    not_comparable: int                  # a composite missing, or below the minimum coverage, in either


def trend_counts(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str = "quarter",
                 settings: Settings | None = None) -> TrendCounts:
    """The directions of `score_trend` counted: up, down, same and not comparable, with the two periods."""
    ctes, params = trend_ctes(con, config, period, settings)
    row = con.execute(f"""
        WITH {ctes},
        periods AS (
            SELECT max(period) AS period, max(previous_period) AS previous_period
            FROM last_two
        ),
        directions AS (
            SELECT count(*) AS accounts,
                   count(*) FILTER (WHERE direction = 'up') AS up,
                   count(*) FILTER (WHERE direction = 'down') AS down,
                   count(*) FILTER (WHERE direction = 'same') AS same,
                   count(*) FILTER (WHERE direction IS NULL) AS not_comparable
            FROM account_trend
        )
        SELECT p.period, p.previous_period, d.accounts, d.up, d.down, d.same, d.not_comparable
        FROM periods AS p
        CROSS JOIN directions AS d
    """, params).fetchone()
    assert row is not None  # two one-row CTEs cross-joined: always one row
    return TrendCounts(*row)


def score_history(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str = "quarter",
                  by: str | None = None, weight: str = "accounts",
                  settings: Settings | None = None, *, account_id: str | None = None) -> pd.DataFrame:
    """Composite per period per account (by=None; only `account_id`'s when given) or per segment (mean of
    counted accounts), for charts."""
    settings = settings or Settings()
    if by is not None:
        by = dimensions.check_accounts_column(con, by)
        if account_id is not None:
            raise ValueError("score_history: account_id is for the per-account history (by=None)")
    arr_weighted = _weight_flag(weight)
    ctes, params = _history_ctes(con, config, period, settings)
    if by is None:
        return _with_undated_note(con, con.execute(f"""
            WITH {ctes}
            SELECT account_id, period, composite, coverage, band
            FROM per_account
            WHERE composite IS NOT NULL {dimensions.one_account(account_id, params, "AND")}
            ORDER BY account_id, period
        """, params).df())
    params.update({"arr_weighted": arr_weighted, "min_n": settings.min_n})
    return _with_undated_note(con, con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(by)},
        members AS (
            SELECT pa.period, pa.composite, coalesce(a.segment, '{NONE_SEGMENT}') AS segment,
                   CASE WHEN $arr_weighted THEN coalesce(a.arr, 0) ELSE 1 END AS w
            FROM per_account AS pa
            LEFT JOIN acct AS a USING (account_id)
            WHERE pa.composite IS NOT NULL AND pa.coverage >= $min_coverage
        ),
        segment_periods AS (
            SELECT segment, period, count(*) AS n, sum(w * composite) / NULLIF(sum(w), 0) AS composite
            FROM members
            GROUP BY segment, period
        )
        SELECT segment, period, n, composite, {band_sql("composite")} AS band, n < $min_n AS low_n
        FROM segment_periods
        ORDER BY segment = '{NONE_SEGMENT}', segment, period
    """, params).df())


def _with_undated_note(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> pd.DataFrame:
    """Trends say how many ratings have no date (they count in today's scores, in no period)."""
    (undated,) = con.execute(f"SELECT count(*) FROM {canonical.quote(canonical.FACTOR_RATINGS)} "
                             "WHERE ts IS NULL AND score IS NOT NULL").fetchone()
    df.attrs["notes"] = [f"{undated} undated rows, not in trends"] if undated else []
    return df
