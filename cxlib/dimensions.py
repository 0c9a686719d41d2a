"""Breakdowns shared by the survey, churn and segment metrics: segment columns and reporting periods.

A breakdown is a SQL expression plus its parameters; metrics drop it into their own query so the
grouping happens in DuckDB. Segment values are text with blanks labelled, periods are the
timestamp of the period's first instant (fiscal quarters and years honour the settings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical
from cxlib.errors import MetricError
from cxlib.settings import Settings

BLANK = "(none)"  # the segment of accounts whose segment column is empty (same label as funnel and scores)
PERIODS = ("month", "quarter", "year")

# Accounts with the same id twice (a re-export, a merged file) must not count twice: the first
# row of each account (lowest source_row) stands for it.
ACCOUNTS_CTE = (
    f"acct AS (SELECT * FROM {canonical.quote(canonical.ACCOUNTS)} WHERE account_id IS NOT NULL "
    "QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)"
)


def accounts_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Column names of the accounts view, fixed ones first, then the user's segment columns."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $t "
        "AND table_schema = current_schema() ORDER BY ordinal_position",
        {"t": canonical.ACCOUNTS},
    ).fetchall()
    return [r[0] for r in rows]


def check_accounts_column(con: duckdb.DuckDBPyConnection, column: str) -> str:
    """The column, if the accounts view has it; else a MetricError naming it and what exists."""
    cols = accounts_columns(con)
    if column not in cols:
        raise MetricError(
            f"Column '{column}' is not in the accounts table; available: {', '.join(cols) or 'none'}.",
            column=column,
        )
    return column


def segment_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The user's segment columns of the accounts view (tier, region, …), in load order."""
    fixed = set(canonical.columns(canonical.ACCOUNTS))
    return [c for c in accounts_columns(con) if c not in fixed]


def segment_values(con: duckdb.DuckDBPyConnection, column: str) -> pd.DataFrame:
    """Each value of an accounts column with its number of accounts (None: no value), for pickers."""
    check_accounts_column(con, column)
    return con.execute(
        f"WITH {ACCOUNTS_CTE} SELECT {canonical.quote(column)} AS value, count(*) AS accounts "
        "FROM acct GROUP BY 1 ORDER BY 1 NULLS LAST").df()


def segment_sql(expr: str) -> str:
    """A segment value as text, with empty and missing values grouped under BLANK."""
    return f"COALESCE(NULLIF(trim(CAST({expr} AS VARCHAR)), ''), '{BLANK}')"


def check_period(period: str) -> str:
    """The period name, if it is one the product reports by; else a MetricError."""
    if period not in PERIODS:
        raise MetricError(f"Unknown period '{period}': use one of {', '.join(PERIODS)}.")
    return period


def period_sql(expr: str) -> str:
    """Start of the (fiscal) month/quarter/year holding a timestamp; uses $period_unit, $fy_shift.

    Shifting back by the fiscal year's offset, truncating, and shifting forward puts a fiscal
    year starting in April on April/July/October/January quarter starts.
    """
    return (f"(date_trunc($period_unit, CAST({expr} AS TIMESTAMP) - to_months($fy_shift)) "
            "+ to_months($fy_shift))")


def period_params(period: str, settings: Settings) -> dict[str, Any]:
    """Parameters for `period_sql`."""
    month = int(settings.fiscal_year_start_month)
    if not 1 <= month <= 12:
        raise MetricError(f"Fiscal year start month must be 1–12, not {month}.")
    return {"period_unit": check_period(period), "fy_shift": month - 1}


def as_of_param(settings: Settings) -> dt.datetime | None:
    """The configured as-of instant as naive UTC (canonical timestamps are naive UTC), or None."""
    if settings.as_of is None:
        return None
    if settings.as_of.tzinfo is not None:
        return settings.as_of.astimezone(dt.UTC).replace(tzinfo=None)
    return settings.as_of


def period_months(period: str) -> int:
    """Length of a period in months."""
    return {"month": 1, "quarter": 3, "year": 12}[check_period(period)]


__all__ = ["ACCOUNTS_CTE", "BLANK", "PERIODS", "accounts_columns", "as_of_param", "check_accounts_column",
           "check_period", "period_months", "period_params", "period_sql", "segment_sql"]
