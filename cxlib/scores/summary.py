"""The portfolio's headline on the desired state: the median composite, and accounts and ARR per band.

README, "How each number is defined" → "Engagement against the desired state" (composite, bands).
The median is over the banded accounts: those whose coverage reaches the minimum, so a thinly
rated account neither lifts nor sinks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from cxlib.scores.bands import BANDS
from cxlib.scores.composite import per_account_sql, prepare_scales, snapshots_now
from cxlib.scores.config import ScoreConfig
from cxlib.scores.segments import segment_accounts_cte
from cxlib.settings import Settings


def band_summary(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                 settings: Settings | None = None) -> pd.DataFrame:
    """Accounts and ARR per band (every band listed, zeros included), with shares of the totals."""
    scales, params = prepare_scales(con, config, settings)
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
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


@dataclass(frozen=True)
class CompositeSummary:
    """The composite over the portfolio: how many accounts, how many banded, their median composite."""

    accounts: int         # every account, rated or only listed in the accounts table
    banded: int           # accounts with a band other than grey (composite at the minimum coverage)
    median: float | None  # median composite of the banded accounts (None when there are none)


def composite_summary(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                      settings: Settings | None = None) -> CompositeSummary:
    """The median composite over the banded (non-grey) accounts, with the counts behind it."""
    scales, params = prepare_scales(con, config, settings)
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
    params.update(p)
    row = con.execute(f"""
        WITH {ctes}
        SELECT count(*) AS accounts,
               count(*) FILTER (WHERE band <> 'grey') AS banded,
               quantile_cont(composite, 0.5) FILTER (WHERE band <> 'grey') AS median
        FROM per_account
    """, params).fetchone()
    assert row is not None  # an aggregate without GROUP BY: always one row
    accounts, banded, median = row
    return CompositeSummary(int(accounts), int(banded), None if median is None else float(median))
