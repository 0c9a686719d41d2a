"""The drop-off list: accounts that reached a step but not the next, longest-stalled first."""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib import dimensions
from cxlib.canonical import quote
from cxlib.errors import MetricError
from cxlib.funnel.journeys import all_params, journeys_ctes
from cxlib.funnel.params import DAY_US, run, with_clause
from cxlib.funnel.spec import FunnelSpec, make_plan
from cxlib.settings import Settings


def dropoff_accounts(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None, step: int = 1,
                     settings: Settings | None = None) -> pd.DataFrame:
    """Accounts that reached `step` but not the next: days since they reached it, exited or in
    progress, ARR, renewal date and every segment column; longest-stalled first."""
    spec = spec or FunnelSpec()
    plan = make_plan(con, spec, settings)
    if not 1 <= int(step) < plan.n:
        raise MetricError(f"Pick a step from 1 to {plan.n - 1} for the drop-off list "
                          f"(step {step} has no next step in this {plan.n}-step funnel).")
    step = int(step)
    extra_sql = "".join(f", a.{quote(c)}" for c in dimensions.segment_columns(con))
    ctes = journeys_ctes(plan) + [("acct", dimensions.ONE_ROW_PER_ACCOUNT)]
    sql = with_clause(ctes) + f"""
        SELECT j.account_id, a.name, j.t_{step} AS reached_at,
               (epoch_us(CAST($as_of AS TIMESTAMP)) - epoch_us(j.t_{step})) / {DAY_US}.0 AS days_since,
               CASE WHEN j.exited THEN 'exited' ELSE 'in progress' END AS status,
               a.arr, a.renewal_date{extra_sql}
        FROM journeys j LEFT JOIN acct a ON a.account_id = j.account_id
        WHERE j.reached = {step}
        ORDER BY days_since DESC NULLS LAST, j.account_id"""
    out = run(con, sql, all_params(plan))
    out["reached_at"] = out["reached_at"].astype("datetime64[us]")
    out["days_since"] = out["days_since"].astype("float64")
    out["arr"] = out["arr"].astype("float64")
    return out.reset_index(drop=True)
