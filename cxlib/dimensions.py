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
- Breakdown columns (`--by`, "Break down by"): a column of the rows' own file (a survey's "Plan",
  an event log's "Region") wins over an accounts column of the same name, with a note; the value
  is read from the raw row each canonical row came from (its `source` and `source_row`).

A dimension is a SQL expression plus its parameters; metrics drop it into their own query so the
grouping happens in DuckDB.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd

from cxlib import canonical, catalog
from cxlib.errors import CxError, MetricError
from cxlib.mapping.file_names import as_of_from_source
from cxlib.settings import Settings
from cxlib.stages import normalize_label

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
    dated, named = _dates(con)
    return max([d for d in (dated, *named) if d is not None], default=None)


def record_dates(con: duckdb.DuckDBPyConnection) -> None:
    """Record the dated views' latest timestamp and the accounts files' name dates once per applied mapping.

    Every number reads the as-of date, often several times per page; reading one recorded row instead of
    the views (and the catalogue) each time saves most of that. `apply_mapping` calls this after building
    the views; `canonical.create_table` forgets the record.
    """
    con.execute(f"DROP TABLE IF EXISTS {canonical.quote(canonical.DATES_TABLE)}")
    dated, named = _latest_dated(con), _file_name_dates(con)
    con.execute(f"CREATE TABLE {canonical.quote(canonical.DATES_TABLE)} AS "
                "SELECT CAST($dated AS TIMESTAMP) AS dated, CAST($named AS TIMESTAMP[]) AS named",
                {"dated": dated, "named": named})


def _dates(con: duckdb.DuckDBPyConnection) -> tuple[dt.datetime | None, list[dt.datetime]]:
    """(latest timestamp of the dated views, the accounts files' name dates): recorded, else read now."""
    try:
        row = con.execute(f"SELECT dated, named FROM {canonical.quote(canonical.DATES_TABLE)}").fetchone()
    except duckdb.CatalogException:
        return _latest_dated(con), _file_name_dates(con)
    return (row[0], list(row[1] or [])) if row is not None else (None, [])


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views of the session's schema (a connection may hold only some canonical views)."""
    return catalog.relation_names(con)


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
        raise MetricError("No dated rows are loaded (no journey event, stage snapshot, survey answer or rating "
                          "has a date), so there is no as-of date to measure from: load a dated file, or set the "
                          "as-of date on the Data page (the command line reads it from a mapping saved there, "
                          "--mapping).")
    return as_of


def as_of_label(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> str:
    """The as-of date as every page's settings caption shows it: 'YYYY-MM-DD', or 'no dated rows'."""
    as_of = as_of_param(con, settings)
    return as_of.strftime("%Y-%m-%d") if as_of is not None else "no dated rows"


def as_of_origin(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> str:
    """Where the as-of date comes from, as the settings caption says it (or why there is none)."""
    if configured_as_of(settings) is not None:
        return "set by you"
    dated, named = _dates(con)
    if named and (dated is None or max(named) > dated):
        return "the date in the accounts file's name"
    if dated is not None:
        return "latest date in the data"
    return "no date in the data or the file names: days-since and periods are hidden until you set one on the Data page"


# ---------------------------------------------------------------- every account any table knows

# The views whose rows name an account: an account may be known only from events, snapshots or answers.
_ACCOUNT_VIEWS = (canonical.ACCOUNTS, canonical.JOURNEY_EVENTS, canonical.STAGE_SNAPSHOTS, canonical.SURVEYS,
                  canonical.FACTOR_RATINGS)


def known_accounts_sql(con: duckdb.DuckDBPyConnection) -> str:
    """A SELECT of every distinct account id of every view that exists (accounts, events, snapshots, answers,
    ratings): the account list, for an account known only from an event log or a ticket export."""
    present = _present(con)
    parts = [f"SELECT account_id FROM {canonical.quote(v)} WHERE account_id IS NOT NULL"
             for v in _ACCOUNT_VIEWS if v in present]
    return " UNION ".join(parts) if parts else "SELECT CAST(NULL AS VARCHAR) AS account_id WHERE false"


def account_known(con: duckdb.DuckDBPyConnection, account_id: str) -> bool:
    """Whether any loaded table names this account (the accounts table or any dated view)."""
    return bool(con.execute(f"SELECT count(*) FROM ({known_accounts_sql(con)}) AS known WHERE account_id = $id",
                            {"id": str(account_id)}).fetchone()[0])


# ---------------------------------------------------------------- accounts columns and segments


def accounts_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Column names of the accounts view, fixed ones first, then the user's segment columns."""
    # The relation's own description: a sixth of the catalogue query's cost, and pages ask often.
    try:
        described = con.execute(f"SELECT * FROM {canonical.quote(canonical.ACCOUNTS)} LIMIT 0").description
    except duckdb.CatalogException:
        return []
    return [d[0] for d in described or []]


def one_account(account_id: str | None, params: dict[str, Any], keyword: str = "WHERE") -> str:
    """`WHERE account_id = $account_id` for a per-account result asked for one account (DuckDB pushes the
    filter down to the ratings, so one account's story does not score every account); '' for all."""
    if account_id is None:
        return ""
    params["account_id"] = str(account_id)
    return f"{keyword} account_id = $account_id"


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


# ---------------------------------------------------------------- breakdown columns: the rows' own, else accounts'

_TABLE_INFO = "_cx_tables"          # mapping's table list: raw table name, source label, kind (see mapping.views)
_BY_VALUES, _BY_ACCOUNTS = "by_values", "by_accounts"


@dataclass(frozen=True)
class ByColumn:
    """A breakdown column resolved for one canonical view: the rows' own column, or an accounts column.

    origin 'view': a fixed column of the view itself (`account_id`: one segment per account, also
    for accounts the accounts table lacks). origin 'table': the value sits in the raw row each view
    row came from, joined back by `source` and `source_row`; `tables` lists (raw table, source
    label, raw column) holding it. origin 'accounts': the account's value in the accounts view (one
    row per account). `note` is set when both the file and the accounts table had the column (the
    file's own wins), for a `note:` line or a caption.

    A metric drops it into its query: `ctes()` into its WITH list, `params()` into its parameters,
    `join(alias)` after its FROM, and `value_sql(alias)` as the segment.
    """

    column: str
    origin: Literal["view", "table", "accounts"]
    tables: tuple[tuple[str, str, str], ...] = ()
    note: str | None = None

    def ctes(self) -> list[str]:
        """The named CTEs holding the values (`by_values` or `by_accounts`; none for the view's own column)."""
        if self.origin == "view":
            return []
        if self.origin == "accounts":
            return [f"{_BY_ACCOUNTS} AS ({ONE_ROW_PER_ACCOUNT})"]
        parts = [f"SELECT CAST($by_source_{i} AS VARCHAR) AS source, CAST(_source_row AS BIGINT) AS source_row, "
                 f"CAST({canonical.quote(col)} AS VARCHAR) AS value FROM {canonical.quote(table)}"
                 for i, (table, _, col) in enumerate(self.tables)]
        # Two raw tables under one source label must not count a row twice: the first one stands.
        return [f"{_BY_VALUES} AS (SELECT * FROM ({' UNION ALL '.join(parts)}) AS own_rows "
                "QUALIFY row_number() OVER (PARTITION BY source, source_row) = 1)"]

    def params(self) -> dict[str, Any]:
        """The CTEs' parameters (the source labels, passed as values)."""
        return {f"by_source_{i}": source for i, (_, source, _) in enumerate(self.tables)}

    def join(self, alias: str) -> str:
        """LEFT JOIN of the values onto the view rows aliased `alias` (empty for the view's own column)."""
        if self.origin == "view":
            return ""
        if self.origin == "accounts":
            return f"LEFT JOIN {_BY_ACCOUNTS} ON {_BY_ACCOUNTS}.account_id = {alias}.account_id"
        return (f"LEFT JOIN {_BY_VALUES} ON {_BY_VALUES}.source = {alias}.source "
                f"AND {_BY_VALUES}.source_row = {alias}.source_row")

    def value_sql(self, alias: str) -> str:
        """The segment label of a view row aliased `alias` ("(none)" for blanks and rows without a value)."""
        if self.origin == "view":
            return segment_sql(f"{alias}.{canonical.quote(self.column)}")
        if self.origin == "accounts":
            return segment_sql(f"{_BY_ACCOUNTS}.{canonical.quote(self.column)}")
        return segment_sql(f"{_BY_VALUES}.value")


def _feeding_tables(con: duckdb.DuckDBPyConnection, view: str) -> list[tuple[str, str]]:
    """(raw table, source label) of every mapped table with rows in a view's ledger (used or not)."""
    from cxlib.mapping.view_sql import ledger_table

    present = _present(con)
    ledger = ledger_table(view)
    if _TABLE_INFO not in present or ledger not in present:
        return []
    rows = con.execute(
        f"SELECT table_name, source FROM {canonical.quote(_TABLE_INFO)} WHERE source IN "
        f"(SELECT DISTINCT source FROM {canonical.quote(ledger)}) ORDER BY idx").fetchall()
    return [(t, s) for t, s in rows if t in present]


def _raw_headers(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [c for c, _type in catalog.columns(con, table) if c != "_source_row"]


def _match_header(headers: list[str], column: str) -> str | None:
    """The header a user means: exact, else case-insensitive, else by folded label ("plan_type" ~ "Plan Type")."""
    if column in headers:
        return column
    for fold in (str.casefold, normalize_label):
        found = [h for h in headers if fold(h) == fold(column)]
        if len(found) == 1:
            return found[0]
    return None


def _accounts_column(con: duckdb.DuckDBPyConnection, column: str, mapping: Any) -> str:
    """The accounts view's column a user means (a view name, or with the mapping its header); else a CxError."""
    from cxlib.mapping.account_columns import accounts_column

    return accounts_column(con, mapping, column) if mapping is not None else check_accounts_column(con, column)


def _accounts_column_or_none(con: duckdb.DuckDBPyConnection, column: str, mapping: Any) -> str | None:
    try:
        return _accounts_column(con, column, mapping)
    except CxError:
        return None


def resolve_by_column(con: duckdb.DuckDBPyConnection, view: str, column: str, mapping: Any = None) -> ByColumn:
    """Where a breakdown column of a view's rows comes from: the rows' own file first, else the accounts table.

    `view` is the canonical view being broken down (surveys, journey_events, …). `account_id` is the
    view's own account id (one segment per account, known from any table). A column of the raw
    table(s) feeding that view wins over an accounts column of the same name, with a `note`; an
    accounts column is found by its view name or, given the mapping, by its header. When neither
    has it: MetricError listing both tables' columns (no file feeds the view: the accounts check's).
    """
    if column == "account_id" and view != canonical.ACCOUNTS:
        return ByColumn(column, "view")     # each account its own segment, in or out of the accounts table
    own: list[tuple[str, str, str]] = []
    own_headers: list[str] = []
    for table, source in _feeding_tables(con, view):
        headers = _raw_headers(con, table)
        own_headers += [h for h in headers if h not in own_headers]
        header = _match_header(headers, column)
        if header is not None:
            own.append((table, source, header))
    if not own_headers:     # no raw rows to read from: an accounts column, or that check's own error
        return ByColumn(_accounts_column(con, column, mapping), "accounts")
    in_accounts = _accounts_column_or_none(con, column, mapping)
    if own:
        sources = ", ".join(dict.fromkeys(source for _, source, _ in own))
        note = (f"column '{own[0][2]}' is in {sources} and in the accounts table: {sources}'s own values are used"
                if in_accounts is not None else None)
        return ByColumn(own[0][2], "table", tuple(own), note)
    if in_accounts is not None:
        return ByColumn(in_accounts, "accounts")
    shown = [c for c in accounts_columns(con) if c not in _HIDDEN_COLUMNS]
    raise MetricError(f"Column '{column}' is in neither the {view.replace('_', ' ')} files ({', '.join(own_headers)}) "
                      "nor the accounts table "
                      f"({', '.join(shown) or 'no accounts loaded'}).", column=str(column))


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


__all__ = ["ACCOUNTS_CTE", "COHORT_PERIODS", "NONE_SEGMENT", "ONE_ROW_PER_ACCOUNT", "PERIODS", "ByColumn",
           "account_known", "accounts_columns", "as_of_date", "as_of_label", "as_of_origin", "as_of_param",
           "check_accounts_column", "check_period", "configured_as_of", "known_accounts_sql", "latest_timestamp",
           "one_account", "record_dates",
           "period_label_sql", "period_months", "period_params", "period_sql", "resolve_by_column", "segment_columns",
           "segment_filter_sql", "segment_sql", "segment_values"]
