"""The physical layout of the journey events: integer account keys, small stage codes, rows in (account, time) order.

Built once per mapping (`mapping.apply_mapping`) from the canonical `journey_events` table, which
already unions every journey source (event files, stage-date columns, snapshot-derived entries):

- `_account_keys` (account_key INTEGER, account_id VARCHAR): one key per account id, in id order,
  so ordering by key is ordering by id;
- `_stage_codes` (code UTINYINT or USMALLINT, stage VARCHAR): one code per stage value in the
  events, in name order;
- `_journey_layout` (account_key, stage_code, ts): every entry with an account, a stage and a time,
  stored sorted by (account_key, ts, stage_code).

Funnels and journey maps group by the integer key over the narrow rows and join ids and names back
only for the rows they return. The canonical views keep their names, columns and values; these
internal tables are left out of the SQL page and of saved workspaces (`INTERNAL_TABLES`), which
rebuild them. The layout remembers which `journey_events` it was built from (the table's oid and
row count, as the table's comment): `ensure_layout` rebuilds it when that table was replaced or
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
INTERNAL_TABLES: tuple[str, ...] = (LAYOUT, ACCOUNT_KEYS, STAGE_CODES)

_BUILD_LOCK = threading.Lock()

# The events table's identity as the layout records it: NULL for a view (always rebuilt).
_SOURCE_SIGNATURE = f"""
    SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = current_schema()
      AND table_name = '{canonical.JOURNEY_EVENTS}'"""

_IS_CURRENT = f"""
    SELECT coalesce(({_SOURCE_SIGNATURE}) = (
        SELECT comment FROM duckdb_tables()
        WHERE database_name = current_database() AND schema_name = current_schema()
          AND table_name = '{LAYOUT}'), false)"""


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
        signature = con.execute(_SOURCE_SIGNATURE).fetchone()
        # A comment is text in the statement; the signature is digits and ':' only (no user value).
        comment = "" if signature is None or signature[0] is None else str(signature[0])
        if not comment.replace(":", "").isdigit():
            comment = ""
        con.execute(f"COMMENT ON TABLE {quote(LAYOUT)} IS '{comment}'")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def ensure_layout(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure the layout matches the current `journey_events` (rebuilt when it was replaced or grew)."""
    if con.execute(_IS_CURRENT).fetchone()[0]:
        return
    with _BUILD_LOCK:
        if not con.execute(_IS_CURRENT).fetchone()[0]:
            build_layout(con)


def drop_layout(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the layout (the mapping was removed)."""
    for name in INTERNAL_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {quote(name)}")


def stage_codes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each stage value of the events and its layout code (call `ensure_layout` first)."""
    return {str(stage): int(code) for code, stage in
            con.execute(f"SELECT code, stage FROM {quote(STAGE_CODES)} ORDER BY code").fetchall()}
