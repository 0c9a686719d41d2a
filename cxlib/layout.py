"""The physical layout of the journey events: integer account keys, small stage codes, rows in (account, time) order.

Built once per mapping (`mapping.apply_mapping`) from the canonical `journey_events` table, which
already unions every journey source (event files, stage-date columns, snapshot-derived entries):

- `_account_keys` (account_key INTEGER, account_id VARCHAR): one key per account id, in id order,
  so ordering by key is ordering by id;
- `_stage_codes` (code UTINYINT or USMALLINT, stage VARCHAR): one code per stage value in the
  events, in name order;
- `_journey_layout` (account_key, stage_code, ts): every entry with an account, a stage and a time,
  stored sorted by (account_key, ts, stage_code);
- `_journey_accounts` (account_key, firsts, lasts): per account, its earliest and latest entry of
  each stage, as lists indexed by stage code (what a funnel's one pass would aggregate, computed
  once; not built when the events have more than `SUMMARY_MAX_CODES` stage values);
- `_journey_span` (t_min, t_max, codes, source): the earliest and latest entry, the number of
  codes, and the identity of the `journey_events` table it was built from.

Funnels and journey maps group by the integer key over the narrow rows and join ids and names back
only for the rows they return. The canonical views keep their names, columns and values; these
internal tables are left out of the SQL page and of saved workspaces (`INTERNAL_TABLES`), which
rebuild them. The layout remembers which `journey_events` it was built from (the table's oid and
row count, in `_journey_span`): `ensure_layout` rebuilds it when that table was replaced or
grew since, so metrics over tables made directly (tests, the bench) read the same numbers.
"""

from __future__ import annotations

import threading

import duckdb

from cxlib import canonical
from cxlib.canonical import quote

LAYOUT = "_journey_layout"
ACCOUNT_KEYS = "_account_keys"
STAGE_CODES = "_stage_codes"
SUMMARY = "_journey_accounts"
SPAN = "_journey_span"
INTERNAL_TABLES: tuple[str, ...] = (LAYOUT, ACCOUNT_KEYS, STAGE_CODES, SUMMARY, SPAN)
# The per-account summary has one list slot per stage code; beyond this many codes it is not built.
SUMMARY_MAX_CODES = 64

_BUILD_LOCK = threading.Lock()

# The events table's identity as the layout records it: its oid and row count. A view (only the
# empty placeholder `canonical.create_empty_views` makes, which can never have rows) is its oid.
_SOURCE_SIGNATURE = f"""
    SELECT coalesce(
        (SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
         WHERE database_name = current_database() AND schema_name = current_schema()
           AND table_name = '{canonical.JOURNEY_EVENTS}'),
        (SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
         WHERE database_name = current_database() AND schema_name = current_schema()
           AND view_name = '{canonical.JOURNEY_EVENTS}'))"""

_IS_CURRENT = f"""
    SELECT coalesce(({_SOURCE_SIGNATURE}) = (SELECT source FROM {quote(SPAN)}), false)"""


def _build_sql() -> tuple[str, str, str]:
    """The statements that (re)build the three layout tables from `journey_events`."""
    events = quote(canonical.JOURNEY_EVENTS)
    return (
        f"""CREATE OR REPLACE TABLE {quote(STAGE_CODES)} AS
            WITH present AS (SELECT DISTINCT stage FROM {events} WHERE stage IS NOT NULL)
            SELECT CAST(row_number() OVER (ORDER BY stage) AS USMALLINT) AS code, stage FROM present""",
        f"""CREATE OR REPLACE TABLE {quote(ACCOUNT_KEYS)} AS
            WITH present AS (SELECT DISTINCT account_id FROM {events} WHERE account_id IS NOT NULL)
            SELECT CAST(row_number() OVER (ORDER BY account_id) AS INTEGER) AS account_key, account_id
            FROM present""",
        f"""CREATE OR REPLACE TABLE {quote(LAYOUT)} AS
            WITH coded AS (
                SELECT k.account_key, CAST(c.code AS UTINYINT) AS stage_code, e.ts
                FROM {events} AS e
                JOIN {quote(ACCOUNT_KEYS)} AS k ON k.account_id = e.account_id
                JOIN {quote(STAGE_CODES)} AS c ON c.stage = e.stage
                WHERE e.ts IS NOT NULL)
            SELECT * FROM coded ORDER BY account_key, ts, stage_code""",
    )


def _summary_sql(n_codes: int) -> str:
    """The per-account summary: earliest and latest entry of each stage code (codes are integers we
    numbered, never user text); an empty table when there are too many codes for list slots."""
    if not 0 < n_codes <= SUMMARY_MAX_CODES:
        return (f"CREATE OR REPLACE TABLE {quote(SUMMARY)} (account_key INTEGER, firsts TIMESTAMP[], "
                "lasts TIMESTAMP[])")
    # min/max over CASE (NULL for other codes, which min and max skip) equals FILTER and is about a
    # quarter cheaper in DuckDB at 10 M rows: one projection instead of a filter per aggregate.
    firsts = ", ".join(f"min(CASE WHEN stage_code = {c} THEN ts END)" for c in range(1, n_codes + 1))
    lasts = ", ".join(f"max(CASE WHEN stage_code = {c} THEN ts END)" for c in range(1, n_codes + 1))
    return f"""CREATE OR REPLACE TABLE {quote(SUMMARY)} AS
            WITH per_account AS (
                SELECT account_key, [{firsts}] AS firsts, [{lasts}] AS lasts
                FROM {quote(LAYOUT)} GROUP BY account_key)
            SELECT * FROM per_account ORDER BY account_key"""


def build_layout(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the layout tables from `journey_events` in one transaction and record its source."""
    codes, keys, rows = _build_sql()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(codes)
        con.execute(keys)
        # One byte per stage code unless the events have more stage values than that can hold.
        if con.execute(f"SELECT count(*) > 255 FROM {quote(STAGE_CODES)}").fetchone()[0]:
            rows = rows.replace("CAST(c.code AS UTINYINT)", "c.code")
        con.execute(rows)
        n_codes = int(con.execute(f"SELECT count(*) FROM {quote(STAGE_CODES)}").fetchone()[0])
        con.execute(_summary_sql(n_codes))
        # The source's identity is read in SQL, so no oid ever appears in a statement's text.
        con.execute(f"""CREATE OR REPLACE TABLE {quote(SPAN)} AS
            SELECT min(ts) AS t_min, max(ts) AS t_max, {n_codes} AS codes, ({_SOURCE_SIGNATURE}) AS source
            FROM {quote(LAYOUT)}""")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the layout was built from the current `journey_events` (False when there is none)."""
    try:
        return bool(con.execute(_IS_CURRENT).fetchone()[0])
    except duckdb.CatalogException:
        return False


def ensure_layout(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure the layout matches the current `journey_events` (rebuilt when it was replaced or grew)."""
    if _is_current(con):
        return
    with _BUILD_LOCK:
        if not _is_current(con):
            build_layout(con)


def drop_layout(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the layout (the mapping was removed)."""
    for name in INTERNAL_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {quote(name)}")


def summary_covers(con: duckdb.DuckDBPyConnection, as_of: object) -> bool:
    """Whether the per-account summary holds exactly the entries known at `as_of` (it was built, and
    no entry lies after `as_of`), so a funnel may read it instead of aggregating the layout."""
    row = con.execute(f"SELECT codes, t_max FROM {quote(SPAN)}").fetchone()
    if row is None or not 0 < int(row[0]) <= SUMMARY_MAX_CODES or row[1] is None or as_of is None:
        return False
    return bool(row[1] <= as_of)


def stage_codes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each stage value of the events and its layout code (call `ensure_layout` first)."""
    return {str(stage): int(code) for code, stage in
            con.execute(f"SELECT code, stage FROM {quote(STAGE_CODES)} ORDER BY code").fetchall()}
