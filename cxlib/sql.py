"""The read-only SQL explorer: one SELECT/WITH at a time over a locked copy of the session's tables.

DuckDB's safety switches (`enable_external_access`, `lock_configuration`) act on a whole database,
and locking the session's own database would break its next upload. So the explorer runs on its
own in-memory DuckDB (the *sandbox*), filled from the session's tables and views through Arrow and
then locked. Two layers refuse a hostile query: a statement check (exactly one SELECT/WITH,
parsed by DuckDB itself) and DuckDB's own permission errors inside the sandbox for anything a
SELECT can still reach (file readers, glob, URLs, extensions, settings).
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from cxlib import canonical, layout, workspace
from cxlib.errors import QueryRefused

DEFAULT_LIMIT = 10_000
EXAMPLE_QUERY = "SELECT stage, count(*) AS events\nFROM journey_events\nGROUP BY stage\nORDER BY events DESC"
DEFAULT_TIMEOUT_S = 10.0
_BATCH_ROWS = 65_536

# Set at open time. Everything here is independent of every other entry (verified against
# DuckDB 2.0.1: none of them is blocked by another, whatever the dict order).
_OPEN_CONFIG: dict[str, Any] = {
    "temp_directory": "",                 # no spilling to disk: over the memory limit a query fails
    "max_temp_directory_size": "0B",
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_extension_repositories": "forbidden",
    "allow_persistent_secrets": False,
    "enable_external_file_cache": False,
    "python_enable_replacements": False,  # a query must never see the server's Python variables
    "python_scan_all_frames": False,
}

# Switched on by SET after opening, in this order (lock last, or it would block the rest).
# enable_external_access is not given at open time on purpose: given there, DuckDB 2.0.1
# whitelists `<cwd>/:memory:` (and its .wal files) in allowed_paths for an in-memory database,
# so `COPY … TO ':memory:'` would write a file into the server's working directory.
_LOCK_STEPS: tuple[tuple[str, str], ...] = (
    ("enable_external_access", "false"),
    ("lock_configuration", "true"),
)

# What the sandbox must report once locked; checked on every open so a DuckDB upgrade that
# renames or ignores a setting fails loudly instead of leaving a door open.
_EXPECTED: dict[str, str] = {
    "enable_external_access": "false",
    "lock_configuration": "true",
    "allowed_paths": "[]",
    "allowed_directories": "[]",
    "allow_community_extensions": "false",
    "allow_unsigned_extensions": "false",
    "autoload_known_extensions": "false",
    "autoinstall_known_extensions": "false",
    "allow_extension_repositories": "forbidden",
    "allow_persistent_secrets": "false",
    "python_enable_replacements": "false",
    "temp_directory": "",
}

_ONLY_SELECT = "Only a single SELECT or WITH query can run here"
_AN = frozenset({"ALTER", "ATTACH", "ANALYZE", "EXPORT", "EXPLAIN", "EXECUTE", "IMPORT", "INSERT",
                 "INSTALL", "UPDATE", "UNPIVOT", "UPSERT", "ABORT", "END"})
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)


@dataclass
class QueryResult:
    """One explorer query's answer: the first `limit` rows, how many rows there were, and timing."""

    df: pd.DataFrame
    total_rows: int
    truncated: bool
    elapsed_s: float


def open_sandbox(memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB with files, network, extensions and settings locked away.

    Limits default like the session's (JOURNEY_LENS_MEMORY_LIMIT / JOURNEY_LENS_THREADS).
    Raises RuntimeError if DuckDB does not report every lock as set: never hand out a half-locked one.
    """
    config = dict(_OPEN_CONFIG)
    config["memory_limit"] = memory_limit or os.environ.get("JOURNEY_LENS_MEMORY_LIMIT",
                                                            workspace.DEFAULT_MEMORY_LIMIT)
    threads = threads or int(os.environ.get("JOURNEY_LENS_THREADS", "0") or 0)
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    try:
        for name, value in _LOCK_STEPS:
            con.execute(f"SET {name} = {value}")
        actual = dict(con.execute(
            "SELECT name, coalesce(value, '') FROM duckdb_settings() WHERE list_contains(?, name)",
            [list(_EXPECTED)]).fetchall())
        wrong = {k: actual.get(k) for k, v in _EXPECTED.items() if actual.get(k) != v}
        if wrong:
            raise RuntimeError(f"SQL explorer sandbox is not locked as expected: {wrong}")
    except BaseException:
        con.close()
        raise
    return con


def _session_relations(session_con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """The session's own tables and views as (schema, name, definition), system objects left out."""
    return session_con.execute("""
        WITH relations AS (
            SELECT schema_name, table_name AS name, sql AS definition, estimated_size::VARCHAR AS size
            FROM duckdb_tables()
            WHERE NOT internal AND NOT temporary AND database_name = current_database()
              AND NOT (schema_name = current_schema() AND list_contains($internal, table_name))
            UNION ALL
            SELECT schema_name, view_name, sql, ''
            FROM duckdb_views()
            WHERE NOT internal AND NOT temporary AND database_name = current_database()
        )
        SELECT schema_name, name, coalesce(definition, '') || '|' || size
        FROM relations
        ORDER BY schema_name, name
    """, {"internal": list(layout.INTERNAL_TABLES)}).fetchall()


class Explorer:
    """A session's SQL sandbox: a locked copy of its tables, rebuilt by `refresh()` when data changes.

    Cache one per session (e.g. in session state) and call `refresh()` (or check `is_current()`)
    after an upload or a new mapping. Queries on one Explorer run one at a time.
    """

    def __init__(self, session_con: duckdb.DuckDBPyConnection, *, memory_limit: str | None = None,
                 threads: int | None = None) -> None:
        self._session_con = session_con
        self._memory_limit = memory_limit
        self._threads = threads
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._signature: list[tuple[str, str, str]] = []
        self.skipped: dict[str, str] = {}   # table → why it could not be copied (e.g. a broken view)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the sandbox from the session's current tables and views (materialised)."""
        with self._lock:
            cursor = self._session_con.cursor()
            try:
                relations = _session_relations(cursor)
                sandbox = open_sandbox(self._memory_limit, self._threads)
                try:
                    self.skipped = _copy_relations(cursor, sandbox, relations)
                except BaseException:
                    sandbox.close()
                    raise
            finally:
                cursor.close()
            old, self._con, self._signature = self._con, sandbox, relations
            if old is not None:
                old.close()

    def is_current(self) -> bool:
        """Whether the sandbox still matches the session's tables (names, definitions, row counts)."""
        cursor = self._session_con.cursor()
        try:
            return _session_relations(cursor) == self._signature
        finally:
            cursor.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh connection to the sandbox, so per-connection state never outlives one query."""
        if self._con is None:
            raise _refused("The SQL explorer is closed; reopen the page to start a new one.")
        return self._con.cursor()

    def close(self) -> None:
        """Release the sandbox's memory (the session's own database is untouched)."""
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def __enter__(self) -> Explorer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _copy_relations(source: duckdb.DuckDBPyConnection, sandbox: duckdb.DuckDBPyConnection,
                    relations: list[tuple[str, str, str]]) -> dict[str, str]:
    """Materialise each session table/view into the sandbox via a streamed Arrow reader."""
    skipped: dict[str, str] = {}
    for schema, name, _ in relations:
        qualified = f"{canonical.quote(schema)}.{canonical.quote(name)}"
        try:
            reader = source.sql(f"SELECT * FROM {qualified}").to_arrow_reader(_BATCH_ROWS)
        except duckdb.Error as exc:
            skipped[name if schema == "main" else f"{schema}.{name}"] = _one_line(str(exc))
            continue
        sandbox.execute(f"CREATE SCHEMA IF NOT EXISTS {canonical.quote(schema)}")
        sandbox.register("__journey_lens_copy", reader)
        try:
            sandbox.execute(f"CREATE TABLE {qualified} AS SELECT * FROM __journey_lens_copy")
        finally:
            sandbox.unregister("__journey_lens_copy")
    return skipped


def _one_line(message: str) -> str:
    """DuckDB's message on one line, without its 'LINE 1: …' pointer (kept in `.detail`)."""
    lines: list[str] = []
    for line in message.strip().splitlines():
        if line.startswith("LINE "):
            break
        if line.strip():
            lines.append(line.strip())
    return " ".join(lines)


def _not_select(text: str, fallback: str) -> QueryRefused:
    """The refusal naming the statement by the keyword it starts with (INSTALL, PRAGMA, …)."""
    match = re.match(r"[A-Za-z_]+", _LEADING_COMMENTS.sub("", text))
    word = match.group(0).upper() if match else fallback
    article = "an" if word in _AN or word[:1] in ("A", "E", "I", "O") else "a"
    return _refused(f"{_ONLY_SELECT}; this is {article} {word} statement.")


def check_statement(sql: str) -> str:
    """The text of `sql` if it is exactly one SELECT/WITH statement; QueryRefused otherwise."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise _refused(f"The query could not be read: {_one_line(str(exc))}", exc) from None
    if not statements:
        raise _refused("The query is empty: write a single SELECT or WITH query.")
    if len(statements) > 1:
        raise _refused(f"{_ONLY_SELECT}; this has {len(statements)} statements.")
    statement = statements[0]
    try:
        kind = statement.type.name
    except ValueError:   # a statement kind the Python API has no name for (UPDATE EXTENSIONS)
        kind = "OTHER"
    if kind != duckdb.StatementType.SELECT.name:
        raise _not_select(statement.query, kind)
    return statement.query


def _refused(message: str, exc: BaseException | None = None) -> QueryRefused:
    """A one-line QueryRefused; `.detail` keeps DuckDB's full text (with its LINE pointer) if any."""
    refusal = QueryRefused(message)
    refusal.detail = str(exc) if exc is not None else message  # type: ignore[attr-defined]
    return refusal


def _translate(exc: BaseException, timed_out: bool, timeout_s: float) -> QueryRefused:
    """Turn a DuckDB failure (raised directly or wrapped by Arrow) into a one-line refusal."""
    text = str(exc)
    first = _one_line(text)
    if timed_out or "INTERRUPT Error" in text:
        return _refused(f"The query was cut off after {timeout_s:g} s (the time limit); "
                        "narrow it down or aggregate before returning rows.", exc)
    if isinstance(exc, duckdb.PermissionException) or first.startswith("Permission Error"):
        return _refused("Refused: the SQL explorer cannot read or write files, reach the network, "
                        f"attach databases or load extensions ({first})", exc)
    if "configuration has been locked" in text:
        return _refused(f"Refused: settings cannot be changed in the SQL explorer ({first})", exc)
    if isinstance(exc, duckdb.OutOfMemoryException) or first.startswith("Out of Memory Error"):
        return _refused("The query needs more memory than the SQL explorer allows; "
                        f"aggregate or filter first ({first})", exc)
    return _refused(f"The query failed: {first}", exc)


@dataclass
class _Deadline:
    """A timer that interrupts one sandbox connection, and never after the query has finished."""

    con: duckdb.DuckDBPyConnection
    timeout_s: float
    fired: bool = field(default=False, init=False)
    _done: bool = field(default=False, init=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self._timer = threading.Timer(self.timeout_s, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._guard:
            if not self._done:
                self.fired = True
                self.con.interrupt()

    def finish(self) -> None:
        """Stop the timer; after this returns, no interrupt can reach the connection."""
        with self._guard:
            self._done = True
        self._timer.cancel()


def _run(explorer: Explorer, sql: str, limit: int | None, timeout_s: float,
         sink: io.StringIO | None = None) -> QueryResult:
    """Run one checked query in the sandbox under a deadline; keep `limit` rows, count the rest.

    With `sink`, every row is also written there as CSV (header once), batch by batch.
    """
    statement = check_statement(sql)
    if limit is not None and limit < 0:
        raise _refused(f"The row limit must be 0 or more, not {limit}.")
    started = time.monotonic()
    with explorer._lock:
        cursor, converter = explorer.cursor(), explorer.cursor()
        deadline = _Deadline(cursor, timeout_s)
        try:
            try:
                reader = cursor.sql(statement).to_arrow_reader(_BATCH_ROWS)
                kept: list[pa.RecordBatch] = []
                total = 0
                for batch in reader:
                    if limit is None or total < limit:
                        kept.append(batch if limit is None else batch.slice(0, limit - total))
                    if sink is not None:
                        _to_frame(converter, pa.Table.from_batches([batch], schema=reader.schema)).to_csv(
                            sink, index=False, header=sink.tell() == 0)
                    total += batch.num_rows
                if sink is not None and sink.tell() == 0:   # no rows: still write the header
                    _to_frame(converter, reader.schema.empty_table()).to_csv(sink, index=False)
                shown = pa.Table.from_batches(kept, schema=reader.schema)
            finally:
                deadline.finish()
            frame = _to_frame(converter, shown)
        except (duckdb.Error, pa.ArrowException, OSError) as exc:
            raise _translate(exc, deadline.fired, timeout_s) from None
        finally:
            cursor.close()
            converter.close()
    return QueryResult(df=frame, total_rows=total, truncated=limit is not None and total > limit,
                       elapsed_s=time.monotonic() - started)


def _to_frame(cursor: duckdb.DuckDBPyConnection, table: pa.Table) -> pd.DataFrame:
    """Arrow rows to pandas the way DuckDB converts them everywhere else in the app."""
    return cursor.from_arrow(table).df()


def run_query(explorer: Explorer, sql: str, limit: int = DEFAULT_LIMIT,
              timeout_s: float = DEFAULT_TIMEOUT_S) -> QueryResult:
    """Run one read-only query for the page: the first `limit` rows plus the true row count."""
    return _run(explorer, sql, limit, timeout_s)


def full_result_csv(explorer: Explorer, sql: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> bytes:
    """Every row of the query as UTF-8 CSV, for the download button (same rules and time limit)."""
    sink = io.StringIO()
    _run(explorer, sql, 0, timeout_s, sink=sink)
    return sink.getvalue().encode("utf-8")


def tables(explorer: Explorer) -> pd.DataFrame:
    """The sandbox's tables and columns (table, column, type) for the browser: canonical views first."""
    cursor = explorer.cursor()
    try:
        return cursor.execute("""
            WITH cols AS (
                SELECT CASE WHEN schema_name = 'main' THEN table_name
                            ELSE schema_name || '.' || table_name END AS "table",
                       column_name AS "column",
                       data_type AS "type",
                       list_position(?, table_name) AS canonical_rank,
                       column_index
                FROM duckdb_columns()
                WHERE NOT internal AND database_name = current_database()
            )
            SELECT "table", "column", "type"
            FROM cols
            ORDER BY canonical_rank NULLS LAST, "table", column_index
        """, [list(canonical.VIEWS)]).df()
    finally:
        cursor.close()


def session_tables(session_con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The tables and columns a sandbox of this session holds (`tables`), read without building one.

    The SQL page lists them before any query runs, so a visit that runs none copies nothing. A
    relation the sandbox would skip (a broken view) is listed here; running a query says so.
    """
    relations = _session_relations(session_con)
    return session_con.execute("""
        WITH wanted AS (
            SELECT unnest($schemas) AS schema_name, unnest($names) AS table_name
        ),
        cols AS (
            SELECT CASE WHEN c.schema_name = 'main' THEN c.table_name
                        ELSE c.schema_name || '.' || c.table_name END AS "table",
                   c.column_name AS "column",
                   c.data_type AS "type",
                   list_position($canonical, c.table_name) AS canonical_rank,
                   c.column_index
            FROM duckdb_columns() AS c JOIN wanted USING (schema_name, table_name)
            WHERE NOT c.internal AND c.database_name = current_database()
        )
        SELECT "table", "column", "type"
        FROM cols
        ORDER BY canonical_rank NULLS LAST, "table", column_index
    """, {"schemas": [r[0] for r in relations] or [""], "names": [r[1] for r in relations] or [""],
          "canonical": list(canonical.VIEWS)}).df()


def run_cli_query(con: duckdb.DuckDBPyConnection, sql: str,
                  timeout_s: float = DEFAULT_TIMEOUT_S) -> pd.DataFrame:
    """Every row of one read-only query over `con`'s tables, with the explorer's rules (for the CLI)."""
    with Explorer(con) as explorer:
        return _run(explorer, sql, None, timeout_s).df
