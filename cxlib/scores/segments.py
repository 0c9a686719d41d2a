"""Segment scores: the composite, factor scores and gaps per value of an accounts column.

README, "How each number is defined" → "Engagement against the desired state": a segment's
composite is the mean of its accounts' composites (ARR-weighted on request) over the accounts
whose coverage reaches the minimum; a segment factor score is the mean over the accounts that have
that factor; the segment gap is the mean of those accounts' overall gaps. One row per account
(`dimensions`: the first row kept), blanks under "(none)".
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.scores.bands import band_sql
from cxlib.scores.composite import per_account_sql, prepare_scales, snapshots_now
from cxlib.scores.config import ScoreConfig
from cxlib.settings import Settings


def _weight_flag(weight: str) -> bool:
    if weight not in ("accounts", "arr"):
        raise MetricError(f"Weight must be 'accounts' or 'arr' (got '{weight}').")
    return weight == "arr"


def segment_accounts_cte(by: str | None) -> str:
    """CTE `acct`: one row per account (`dimensions`: the first row kept) with ARR, stage, renewal, segment.

    `by` must be a checked accounts column (`dimensions.check_accounts_column`).
    """
    segment = dimensions.segment_sql(canonical.quote(by)) if by else f"'{NONE_SEGMENT}'"
    return f"""
        acct AS (
            SELECT account_id, name, stage, arr, renewal_date, {segment} AS segment
            FROM ({dimensions.ONE_ROW_PER_ACCOUNT})
        )"""


def segment_scores(con: duckdb.DuckDBPyConnection, config: ScoreConfig, by: str,
                   weight: str = "accounts", settings: Settings | None = None) -> pd.DataFrame:
    """One row per segment value: composite, factor scores, gaps, coverage, band, weakest factor, low n.

    `n` counts the accounts whose coverage reaches the minimum (the ones the composite averages);
    `accounts` counts every account in the segment. Accounts without a value are "(none)".
    """
    by = dimensions.check_accounts_column(con, by)
    arr_weighted = _weight_flag(weight)
    settings = settings or Settings()
    scales, params = prepare_scales(con, config, settings)
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
    params.update(p)
    params.update({"arr_weighted": arr_weighted, "min_n": settings.min_n})
    q = canonical.quote
    wide = ",\n".join(f"max(score) FILTER (WHERE factor = $f{i}_key) AS {q(f.key)}"
                      for i, f in enumerate(config.factors))
    gaps = ",\n".join(f"max(gap) FILTER (WHERE factor = $f{i}_key) AS {q('gap_' + f.key)}"
                      for i, f in enumerate(config.factors))
    factor_cols = ", ".join(q(k) for k in config.keys)
    gap_cols = ", ".join(q("gap_" + k) for k in config.keys)
    return con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(by)},
        members AS (
            SELECT pa.*, coalesce(a.segment, '{NONE_SEGMENT}') AS segment,
                   CASE WHEN $arr_weighted THEN coalesce(a.arr, 0) ELSE 1 END AS w,
                   pa.composite IS NOT NULL AND pa.coverage >= $min_coverage AS counted
            FROM per_account AS pa
            LEFT JOIN acct AS a USING (account_id)
        ),
        segment_totals AS (
            SELECT segment,
                   count(*) AS accounts,
                   count(*) FILTER (WHERE counted) AS n,
                   sum(w * composite) FILTER (WHERE counted)
                       / NULLIF(sum(w) FILTER (WHERE counted), 0) AS composite,
                   sum(w * gap) FILTER (WHERE counted) / NULLIF(sum(w) FILTER (WHERE counted), 0) AS gap,
                   avg(coverage) AS coverage
            FROM members
            GROUP BY segment
        ),
        segment_factor AS (
            SELECT m.segment, s.factor, s.ord, s.weight, s.target,
                   sum(m.w * s.score) / NULLIF(sum(m.w) FILTER (WHERE s.score IS NOT NULL), 0) AS score
            FROM scored AS s
            JOIN members AS m USING (account_id)
            GROUP BY m.segment, s.factor, s.ord, s.weight, s.target
        ),
        segment_factor_gap AS (
            SELECT *, target - score AS gap FROM segment_factor
        ),
        segment_wide AS (
            SELECT segment,
                   {wide},
                   {gaps},
                   first(factor ORDER BY gap DESC, ord)
                       FILTER (WHERE score IS NOT NULL AND weight > 0) AS weakest_factor
            FROM segment_factor_gap
            GROUP BY segment
        )
        SELECT t.segment, t.accounts, t.n, t.composite, {factor_cols}, t.coverage,
               {band_sql("t.composite")} AS band, w.weakest_factor, t.gap, {gap_cols},
               t.n < $min_n AS low_n
        FROM segment_totals AS t
        JOIN segment_wide AS w USING (segment)
        ORDER BY t.segment = '{NONE_SEGMENT}', t.segment
    """, params).df()
