"""The accounts behind churn: the customers at a period's start and those of them that churned in it,
and the accounts behind the churned share of a churn flag.

Built on `churn.panel_ctes` (the `panel` `churn_rates` counts: one row per period and account in a
customer spell at its start) and on the accounts' churn flag as `churned_share` counts it (one row
per account; a blank flag is unknown and left out).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.behind.core import accounts_behind
from cxlib.churn import WINDOW_PERIODS_CTE, base_params, panel_ctes, rates_params, rates_periods_cte
from cxlib.errors import MetricError
from cxlib.settings import Settings


def _segment_condition(con: duckdb.DuckDBPyConnection, by: str | None, segment: str | None) -> str:
    if (by is None) != (segment is None):
        raise MetricError("A segment's accounts need both the column (by) and its value (segment).")
    if by is None:
        return ""
    column = dimensions.check_accounts_column(con, by)
    return f"AND {dimensions.segment_sql(f'a.{canonical.quote(column)}')} = $behind_segment"


def churn_accounts(con: duckdb.DuckDBPyConnection, period_start: dt.datetime,
                   which: Literal["active_start", "churned"] = "active_start", period: str = "quarter",
                   by: str | None = None, segment: str | None = None,
                   settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind a `churn_rates` row (the period starting `period_start`): its `active_start`
    customers or the `churned` ones. Value = whether the account churned in the period."""
    if which not in ("active_start", "churned"):
        raise MetricError(f"Unknown churn count '{which}': use active_start or churned.")
    settings = settings or Settings()
    in_segment = _segment_condition(con, by, segment)
    churned = "AND panel.churned" if which == "churned" else ""
    sql = f"""WITH {panel_ctes(rates_periods_cte())}
SELECT panel.account_id, panel.churned AS value
FROM panel LEFT JOIN acct a ON a.account_id = panel.account_id
WHERE panel.period_start = CAST($behind_period AS TIMESTAMP) {churned} {in_segment}"""
    params = rates_params(con, period, settings) | {"behind_period": period_start}
    if segment is not None:
        params["behind_segment"] = str(segment)
    return accounts_behind(con, sql, params, value_label="churned in the period")


def churn_window_accounts(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime | None = None,
                          which: Literal["active_start", "churned"] = "active_start", by: str | None = None,
                          segment: str | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind a `churn_window` row (e.g. the Segments page's customers twelve months ago and
    those of them that churned since). Value = whether the account churned in the window."""
    if which not in ("active_start", "churned"):
        raise MetricError(f"Unknown churn count '{which}': use active_start or churned.")
    settings = settings or Settings()
    in_segment = _segment_condition(con, by, segment)
    churned = "AND panel.churned" if which == "churned" else ""
    sql = f"""WITH {panel_ctes(WINDOW_PERIODS_CTE)}
SELECT panel.account_id, panel.churned AS value
FROM panel LEFT JOIN acct a ON a.account_id = panel.account_id
WHERE true {churned} {in_segment}"""
    params = base_params(con, settings) | {"start": start, "end": end}
    if segment is not None:
        params["behind_segment"] = str(segment)
    return accounts_behind(con, sql, params, value_label="churned in the window")


def flagged_accounts(con: duckdb.DuckDBPyConnection, which: Literal["accounts", "churned", "unknown"] = "churned",
                     by: str | None = None, segment: str | None = None) -> pd.DataFrame:
    """The accounts behind `churned_share`: those with a churn flag (`accounts`), the flagged `churned`, or
    those whose flag is blank (`unknown`, left out of the share). Value = the flag."""
    conditions = {"accounts": "a.churned IS NOT NULL", "churned": "a.churned", "unknown": "a.churned IS NULL"}
    if which not in conditions:
        raise MetricError(f"Unknown churn-flag count '{which}': use accounts, churned or unknown.")
    in_segment = _segment_condition(con, by, segment)
    sql = f"""WITH {dimensions.ACCOUNTS_CTE}
SELECT a.account_id, a.churned AS value
FROM acct a
WHERE {conditions[which]} {in_segment}"""
    params = {"behind_segment": str(segment)} if segment is not None else None
    return accounts_behind(con, sql, params, value_label="churn flag")
