"""The dimensions every metric shares, each defined once: as-of date, segments, periods, one row per account.

- As-of date: the date set on the Data page (settings), else the latest timestamp over journey
  events, stage snapshots, surveys and factor ratings and the dates in the accounts files' names
  ("customers_2026-08-31.csv": an undated export is as of the day its name says); never the wall
  clock or the upload time, never account start or renewal dates. Canonical timestamps are naive
  UTC, so a zoned setting is read as UTC.
- Segments: an accounts column's value as trimmed text; empty and missing values, and accounts
  missing from the accounts table, form the visible "(none)" segment.
- One row per account: an account listed twice (a re-export, a merged file) counts once, by its
  first row (lowest source_row), as the README's "duplicate account id — first row kept".
- Periods: the timestamp of the period's first instant; fiscal quarters and years start in the
  settings' fiscal-year start month.

A dimension is a SQL expression plus its parameters; metrics drop it into their own query so the
grouping happens in DuckDB.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical
from cxlib.errors import MetricError
from cxlib.mapping.file_names import as_of_from_source
from cxlib.settings import Settings

NONE_SEGMENT = "(none)"   # accounts without a value in the segment column, or missing from accounts
PERIODS = ("month", "quarter", "year")
COHORT_PERIODS = ("week", "month", "quarter")
_PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_HIDDEN_COLUMNS = ("source", "source_row")
# The views whose rows are dated, and their date column: the as-of date is the latest of them.
_DATED_VIEWS = ((canonical.JOURNEY_EVENTS, "ts"), (canonical.STAGE_SNAPSHOTS, "as_of"),
                (canonical.SURVEYS, "ts"), (canonical.FACTOR_RATINGS, "ts"))

# The accounts view with one row per account: the first row (lowest source_row) stands for it.
ONE_ROW_PER_ACCOUNT = (
    f"SELECT * FROM {canonical.quote(canonical.ACCOUNTS)} WHERE account_id IS NOT NULL "
    "QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1"
)
ACCOUNTS_CTE = f"acct AS ({ONE_ROW_PER_ACCOUNT})"


# ---------------------------------------------------------------- as-of date


def configured_as_of(settings: Settings | None) -> dt.datetime | None:
    """The as-of date set on the Data page as naive UTC (canonical timestamps are naive UTC), or None."""
    if settings is None or settings.as_of is None:
        return None
    if settings.as_of.tzinfo is not None:
        return settings.as_of.astimezone(dt.UTC).replace(tzinfo=None)
    return settings.as_of


def latest_timestamp(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest timestamp over the dated views and the accounts files' name dates, or None.

    Views that do not exist (a connection holding only some canonical tables) have no dates.
    """
    dated, named = _latest_dated(con), _file_name_dates(con)
    return max([d for d in (dated, *named) if d is not None], default=None)


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()}


def _latest_dated(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest timestamp over the dated views that exist, or None."""
    present = _present(con)
    parts = [f"SELECT max({canonical.quote(column)}) AS ts FROM {canonical.quote(view)}"
             for view, column in _DATED_VIEWS if view in present]
    if not parts:
        return None
    (latest,) = con.execute(f"WITH stamps AS ({' UNION ALL '.join(parts)}) SELECT max(ts) FROM stamps").fetchone()
    return latest


def _file_name_dates(con: duckdb.DuckDBPyConnection) -> list[dt.datetime]:
    """The dates the accounts files' names carry ("customers_2026-08-31.csv" → 2026-08-31), at midnight."""
    if canonical.ACCOUNTS not in _present(con):
        return []
    sources = con.execute(f"SELECT DISTINCT source FROM {canonical.quote(canonical.ACCOUNTS)} "
                          "WHERE source IS NOT NULL").fetchall()
    dates = (as_of_from_source(str(source)) for (source,) in sources)
    return [dt.datetime.fromisoformat(d) for d in dates if d]


def as_of_param(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> dt.datetime | None:
    """The as-of date for a SQL parameter (naive UTC); None only when nothing is dated and none is set.

    Queries read NULL as "nothing to cut", so metrics that need no date (undated ratings) still run.
    """
    return configured_as_of(settings) or latest_timestamp(con)


def as_of_date(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> dt.datetime:
    """The date every "days since" and "still in progress" is measured to (naive UTC).

    MetricError when no date is set and no row is dated.
    """
    as_of = as_of_param(con, settings)
    if as_of is None:
        raise MetricError("No dated rows are loaded, so there is no as-of date: set one in the settings.")
    return as_of


def as_of_label(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> str:
    """The as-of date as every page's settings caption shows it: 'YYYY-MM-DD', or 'no dated rows'."""
    as_of = as_of_param(con, settings)
    return as_of.strftime("%Y-%m-%d") if as_of is not None else "no dated rows"


def as_of_origin(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> str:
    """Where the as-of date comes from, as the settings caption says it (or why there is none)."""
    if configured_as_of(settings) is not None:
        return "set by you"
    dated, named = _latest_dated(con), _file_name_dates(con)
    if named and (dated is None or max(named) > dated):
        return "the date in the accounts file's name"
    if dated is not None:
        return "latest date in the data"
    return "no date in the data or the file names: days-since and periods are hidden until you set one on the Data page"


# ---------------------------------------------------------------- accounts columns and segments


def accounts_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Column names of the accounts view, fixed ones first, then the user's segment columns."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $t "
        "AND table_schema = current_schema() ORDER BY ordinal_position",
        {"t": canonical.ACCOUNTS},
    ).fetchall()
    return [r[0] for r in rows]


def check_accounts_column(con: duckdb.DuckDBPyConnection, column: str) -> str:
    """The accounts view's real name for `column` (exact, else case-insensitive); else a MetricError.

    "Tier" finds `tier`; the error names the column and lists the ones there are.
    """
    cols = accounts_columns(con)
    if column in cols:
        return column
    folded = [c for c in cols if c.casefold() == str(column).casefold()]
    if len(folded) == 1:
        return folded[0]
    shown = [c for c in cols if c not in _HIDDEN_COLUMNS]
    raise MetricError(
        f"Column '{column}' is not in the accounts table; available: {', '.join(shown) or 'none'}.",
        column=str(column),
    )


def segment_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The user's segment columns of the accounts view (tier, region, …), in load order."""
    fixed = set(canonical.columns(canonical.ACCOUNTS))
    return [c for c in accounts_columns(con) if c not in fixed]


def segment_values(con: duckdb.DuckDBPyConnection, column: str) -> pd.DataFrame:
    """Each value of an accounts column with its number of accounts (None: no value), for pickers."""
    column = check_accounts_column(con, column)
    return con.execute(
        f"WITH {ACCOUNTS_CTE} SELECT {canonical.quote(column)} AS value, count(*) AS accounts "
        "FROM acct GROUP BY 1 ORDER BY 1 NULLS LAST").df()


def segment_sql(expr: str) -> str:
    """A segment value as text, with empty and missing values grouped under NONE_SEGMENT."""
    return f"COALESCE(NULLIF(trim(CAST({expr} AS VARCHAR)), ''), '{NONE_SEGMENT}')"


def segment_filter_sql(column: str, value: Any, alias: str) -> tuple[str, dict[str, Any]]:
    """An `AND …` condition keeping the rows of `alias` whose account is in one segment, and its parameters.

    `column` must be a checked accounts column. Value None (or "(none)") keeps accounts without a
    value there and accounts missing from the accounts table, as `segment_sql` labels them.
    """
    label = segment_sql(f"seg.{canonical.quote(column)}")
    if value is None or str(value).strip() in ("", NONE_SEGMENT):
        return (f"AND {alias}.account_id NOT IN (SELECT seg.account_id FROM ({ONE_ROW_PER_ACCOUNT}) AS seg "
                f"WHERE {label} <> '{NONE_SEGMENT}')"), {}
    return (f"AND {alias}.account_id IN (SELECT seg.account_id FROM ({ONE_ROW_PER_ACCOUNT}) AS seg "
            f"WHERE {label} = trim(CAST($segment_value AS VARCHAR)))"), {"segment_value": value}


# ---------------------------------------------------------------- periods and fiscal quarters


def check_period(period: str, periods: tuple[str, ...] = PERIODS) -> str:
    """The period name, if it is one of `periods` (the reporting periods by default); else a MetricError."""
    if period not in periods:
        raise MetricError(f"Unknown period '{period}': use one of {', '.join(periods)}.")
    return period


def period_sql(expr: str) -> str:
    """Start of the week or (fiscal) month/quarter/year holding a timestamp; uses $period_unit, $fy_shift.

    Shifting back by the fiscal year's offset, truncating, and shifting forward puts a fiscal
    year starting in April on April/July/October/January quarter starts.
    """
    return (f"(date_trunc($period_unit, CAST({expr} AS TIMESTAMP) - to_months($fy_shift)) "
            "+ to_months($fy_shift))")


def period_params(period: str, settings: Settings, periods: tuple[str, ...] = PERIODS) -> dict[str, Any]:
    """Parameters for `period_sql` and `period_label_sql` (weeks are never shifted)."""
    month = int(settings.fiscal_year_start_month)
    if not 1 <= month <= 12:
        raise MetricError(f"Fiscal year start month must be 1–12, not {month}.")
    unit = check_period(period, periods)
    return {"period_unit": unit, "fy_shift": 0 if unit == "week" else month - 1}


def period_label_sql(period: str, start: str) -> str:
    """A period's name from its start: '2024-W05', '2024-03', or fiscal 'FY2025 Q1' / 'FY2025'.

    A fiscal year is named by the calendar year it ends in ("FY2025 Q1" starts April 2024 when the
    year starts in April). Uses $fy_shift.
    """
    fiscal_year = ("'FY' || CAST(year({s} - to_months($fy_shift)) + CASE WHEN $fy_shift > 0 THEN 1 ELSE 0 END "
                   "AS VARCHAR)").format(s=start)
    if period == "week":
        return f"strftime({start}, '%G-W%V')"
    if period == "month":
        return f"strftime({start}, '%Y-%m')"
    if period == "quarter":
        return f"{fiscal_year} || ' Q' || CAST(quarter({start} - to_months($fy_shift)) AS VARCHAR)"
    check_period(period)
    return fiscal_year


def period_months(period: str) -> int:
    """Length of a reporting period in months."""
    return _PERIOD_MONTHS[check_period(period)]


__all__ = ["ACCOUNTS_CTE", "COHORT_PERIODS", "NONE_SEGMENT", "ONE_ROW_PER_ACCOUNT", "PERIODS", "accounts_columns",
           "as_of_date", "as_of_label", "as_of_origin", "as_of_param", "check_accounts_column", "check_period",
           "configured_as_of",
           "latest_timestamp", "period_label_sql", "period_months", "period_params", "period_sql", "segment_columns",
           "segment_filter_sql", "segment_sql", "segment_values"]
