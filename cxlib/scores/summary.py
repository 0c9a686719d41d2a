"""Accounts and ARR per band: the portfolio's headline on the desired state.

README, "How each number is defined" → "Engagement against the desired state" (bands).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib.scores.bands import BANDS
from cxlib.scores.composite import _per_account_sql, _prepare, _snapshots_now
from cxlib.scores.config import ScoreConfig
from cxlib.scores.segments import segment_accounts_cte
from cxlib.settings import Settings


def band_summary(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                 settings: Settings | None = None) -> pd.DataFrame:
    """Accounts and ARR per band (every band listed, zeros included), with shares of the totals."""
    scales, params = _prepare(con, config, settings)
    ctes, p = _per_account_sql(config, scales, _snapshots_now(), include_unrated=True)
    params.update(p)
    band_rows = ", ".join(f"('{b}', {i})" for i, b in enumerate(BANDS))
    return con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(None)},
        band_list AS (SELECT * FROM (VALUES {band_rows}) AS b(band, ord)),
        per_band AS (
            SELECT pa.band, count(*) AS accounts, coalesce(sum(a.arr), 0) AS arr
            FROM per_account AS pa
            LEFT JOIN acct AS a USING (account_id)
            GROUP BY pa.band
        ),
        filled AS (
            SELECT b.band, b.ord, coalesce(p.accounts, 0) AS accounts, coalesce(p.arr, 0.0) AS arr
            FROM band_list AS b
            LEFT JOIN per_band AS p USING (band)
        )
        SELECT band, accounts,
               accounts / NULLIF(sum(accounts) OVER (), 0) AS share,
               arr,
               arr / NULLIF(sum(arr) OVER (), 0) AS arr_share
        FROM filled
        ORDER BY ord
    """, params).df()
