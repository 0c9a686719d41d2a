"""ARR at risk: revenue renewing soon on accounts that are red or in Disappointment.

README, "How each number is defined" → "Engagement against the desired state": ARR of accounts that
are red or currently in Disappointment and renew within N days (default 90) after the as-of date,
both ends included; churned and lost accounts are excluded (that ARR is already gone).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.errors import MetricError
from cxlib.scores.composite import per_account_sql, prepare_scales, snapshots_now
from cxlib.scores.config import ScoreConfig
from cxlib.scores.segments import segment_accounts_cte
from cxlib.settings import Settings
from cxlib.stages import exit_stages, stage_order

DEFAULT_RISK_STAGES: tuple[str, ...] = ("Disappointment",)


def _stage_values(settings: Settings) -> tuple[str, dict[str, Any]]:
    """The configured stage order as a VALUES list of parameters (ties between same-time events)."""
    order = stage_order(settings.stages)
    params = {f"s{i}_name": name for i, name in enumerate(order)}
    params.update({f"s{i}_ord": pos for i, (name, pos) in enumerate(order.items())})
    rows = ", ".join(f"($s{i}_name, $s{i}_ord)" for i in range(len(order)))
    return (f"SELECT CAST(c0 AS VARCHAR) AS stage, CAST(c1 AS INTEGER) AS ord "
            f"FROM (VALUES {rows}) AS v(c0, c1)"), params


def current_stage_sql(settings: Settings) -> tuple[str, dict[str, Any]]:
    """CTEs `stage_order_list` and `current_stage(account_id, stage)`: latest event up to as-of, else accounts.stage."""
    q = canonical.quote
    values, params = _stage_values(settings)
    sql = f"""
        stage_order_list AS ({values}),
        latest_event AS (
            SELECT e.account_id, e.stage
            FROM {q(canonical.JOURNEY_EVENTS)} AS e
            LEFT JOIN stage_order_list AS o ON o.stage = e.stage
            WHERE e.account_id IS NOT NULL AND e.stage IS NOT NULL
              AND ($as_of IS NULL OR e.ts IS NULL OR e.ts <= $as_of)
            QUALIFY row_number() OVER (
                PARTITION BY e.account_id
                ORDER BY e.ts DESC NULLS LAST, o.ord DESC NULLS LAST, e.source_row DESC NULLS LAST) = 1
        ),
        current_stage AS (
            SELECT coalesce(le.account_id, a.account_id) AS account_id, coalesce(le.stage, a.stage) AS stage
            FROM latest_event AS le
            FULL JOIN (SELECT account_id, stage FROM ({dimensions.ONE_ROW_PER_ACCOUNT})) AS a
              ON a.account_id = le.account_id
        )"""
    return sql, params


def arr_at_risk(con: duckdb.DuckDBPyConnection, config: ScoreConfig, days: int | None = None,
                settings: Settings | None = None,
                risk_stages: tuple[str, ...] = DEFAULT_RISK_STAGES) -> tuple[float, pd.DataFrame]:
    """ARR of red or Disappointment accounts renewing within `days` (default: the config's 90) of as-of.

    Returns the total and the accounts behind it (soonest renewal first). Churned and lost
    accounts are left out: their ARR is no longer at risk, it is gone.
    """
    settings = settings or Settings()
    days = config.risk_horizon_days if days is None else int(days)
    if days < 0:
        raise MetricError(f"The ARR-at-risk horizon must not be negative (got {days} days).")
    scales, params = prepare_scales(con, config, settings)
    if params["as_of"] is None:
        raise MetricError("ARR at risk needs an as-of date: set one in the settings "
                          "(the data has no dates to take it from).")
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
    params.update(p)
    stage_ctes, p = current_stage_sql(settings)
    params.update(p)
    gone = [s for s in exit_stages(settings.stages) if s not in risk_stages]
    params.update({"days": days, "risk_stages": list(risk_stages), "gone_stages": gone})
    frame = con.execute(f"""
        WITH {ctes},
        {stage_ctes},
        {segment_accounts_cte(None)},
        candidates AS (
            SELECT a.account_id, a.name, a.arr, a.renewal_date,
                   date_diff('day', CAST($as_of AS TIMESTAMP), a.renewal_date) AS days_to_renewal,
                   cs.stage, pa.composite, coalesce(pa.band, 'grey') AS band,
                   coalesce(pa.band, 'grey') = 'red' AS is_red,
                   coalesce(list_contains($risk_stages, cs.stage), false) AS in_risk_stage,
                   coalesce(list_contains($gone_stages, cs.stage), false) AS gone
            FROM acct AS a
            LEFT JOIN per_account AS pa USING (account_id)
            LEFT JOIN current_stage AS cs USING (account_id)
            WHERE a.renewal_date >= $as_of
              AND a.renewal_date <= CAST($as_of AS TIMESTAMP) + to_days(CAST($days AS INTEGER))
        )
        SELECT account_id, name, arr, renewal_date, days_to_renewal, stage, composite, band,
               CASE WHEN is_red AND in_risk_stage THEN 'red and ' || stage
                    WHEN is_red THEN 'red' ELSE stage END AS reason
        FROM candidates
        WHERE (is_red OR in_risk_stage) AND NOT gone
        ORDER BY renewal_date, account_id
    """, params).df()
    total = float(frame["arr"].fillna(0).sum()) if len(frame) else 0.0
    return total, frame
