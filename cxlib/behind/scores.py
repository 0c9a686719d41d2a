"""The accounts behind the Scores numbers: a band's accounts, a segment row's accounts, a trend direction's.

Built on the scores' own CTEs: `per_account` of `scores.composite` (the band summary counts it),
`segment_accounts_cte` (the segment rows), `account_trend` of `scores.trend` (the trend counts).
"""

from __future__ import annotations

from typing import Any, Literal

import duckdb
import pandas as pd

from cxlib import dimensions
from cxlib.behind.core import accounts_behind
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.scores.bands import BANDS
from cxlib.scores.composite import per_account_sql, prepare_scales, snapshots_now
from cxlib.scores.config import ScoreConfig
from cxlib.scores.segments import segment_accounts_cte
from cxlib.scores.trend import trend_ctes
from cxlib.settings import Settings

TREND_DIRECTIONS: tuple[str, ...] = ("up", "down", "same", "not_comparable")


def _now_ctes(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
              settings: Settings | None) -> tuple[str, dict[str, Any]]:
    scales, params = prepare_scales(con, config, settings)
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
    return ctes, params | p


def band_accounts_sql(con: duckdb.DuckDBPyConnection, config: ScoreConfig, band: str,
                      settings: Settings | None = None) -> tuple[str, dict[str, Any]]:
    """The (account_id, value = composite, coverage) relation behind one band's count, and its parameters."""
    if band not in BANDS:
        raise MetricError(f"Unknown band '{band}': use one of {', '.join(BANDS)}.")
    ctes, params = _now_ctes(con, config, settings)
    sql = f"""
        WITH {ctes}
        SELECT account_id, composite AS value, coverage
        FROM per_account
        WHERE band = $behind_band"""
    return sql, params | {"behind_band": band}


def band_accounts(con: duckdb.DuckDBPyConnection, config: ScoreConfig, band: str,
                  settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind a band's count (`band_summary`): value = the composite, with its coverage."""
    sql, params = band_accounts_sql(con, config, band, settings)
    return accounts_behind(con, sql, params, value_label="composite")


def segment_score_accounts(con: duckdb.DuckDBPyConnection, config: ScoreConfig, by: str, segment: str,
                           which: Literal["accounts", "scored"] = "accounts",
                           settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind a `segment_scores` row: all its `accounts`, or the `scored` ones its composite
    averages (its `n`: a composite at the minimum coverage). Value = the composite."""
    if which not in ("accounts", "scored"):
        raise MetricError(f"Unknown segment count '{which}': use accounts or scored.")
    by = dimensions.check_accounts_column(con, by)
    ctes, params = _now_ctes(con, config, settings)
    counted = "AND pa.composite IS NOT NULL AND pa.coverage >= $min_coverage" if which == "scored" else ""
    sql = f"""
        WITH {ctes},
        {segment_accounts_cte(by)}
        SELECT pa.account_id, pa.composite AS value, pa.coverage, pa.band
        FROM per_account AS pa
        LEFT JOIN acct AS a USING (account_id)
        WHERE coalesce(a.segment, '{NONE_SEGMENT}') = $behind_segment {counted}"""
    return accounts_behind(con, sql, params | {"behind_segment": str(segment)}, value_label="composite")


def trend_accounts(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str, direction: str,
                   settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind a `trend_counts` number (up, down, same, not_comparable): value = the change,
    with the previous and latest composites."""
    if direction not in TREND_DIRECTIONS:
        raise MetricError(f"Unknown trend direction '{direction}': use one of {', '.join(TREND_DIRECTIONS)}.")
    ctes, params = trend_ctes(con, config, period, settings)
    where = "direction IS NULL" if direction == "not_comparable" else "direction = $behind_direction"
    sql = f"""
        WITH {ctes}
        SELECT account_id, change AS value, previous_composite, composite
        FROM account_trend
        WHERE {where}"""
    if direction != "not_comparable":
        params = params | {"behind_direction": direction}
    return accounts_behind(con, sql, params, value_label="change in composite")
