"""The SQL explorer: exact answers over a copy of the session, and every door it must keep shut."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib import canonical, sql
from cxlib.errors import QueryRefused

ONLY_SELECT = "Only a single SELECT or WITH query can run here"


@pytest.fixture
def session(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A session with three accounts (one segment column), two journey events and a raw upload."""
    canonical.create_table(con, canonical.ACCOUNTS, [
        ("a1", "Acme", "Usage", 1200.0),
        ("a2", "Beta", "Churn", 300.0),
        ("a3", "Cobalt", "Usage", 500.0),
    ], [("tier", "VARCHAR")])
    con.execute("UPDATE accounts SET tier = CASE account_id WHEN 'a2' THEN 'SMB' ELSE 'Enterprise' END")
    canonical.create_table(con, canonical.JOURNEY_EVENTS, [
        ("a1", "Decision", pd.Timestamp("2024-01-05")),
        ("a1", "Delivery", pd.Timestamp("2024-02-01")),
    ])
    con.execute('CREATE TABLE "crm export.csv" AS SELECT * FROM (VALUES (1, \'x\'), (2, \'y\')) t(n, s)')
    return con


@pytest.fixture
def explorer(session: duckdb.DuckDBPyConnection) -> sql.Explorer:
    with sql.Explorer(session, memory_limit="256MB", threads=1) as ex:
        yield ex


def refusal(explorer: sql.Explorer, query: str, **kwargs: Any) -> str:
    """The message a refused query gets (fails the test if the query runs)."""
    with pytest.raises(QueryRefused) as info:
        sql.run_query(explorer, query, **kwargs)
    return str(info.value)


# ── answers ──────────────────────────────────────────────────────────────────────────────────

def test_select_over_copied_canonical_table(explorer: sql.Explorer) -> None:
    result = sql.run_query(explorer, "SELECT account_id, tier, arr FROM accounts ORDER BY arr DESC")
    expected = pd.DataFrame({"account_id": ["a1", "a3", "a2"],
                             "tier": ["Enterprise", "Enterprise", "SMB"],
                             "arr": [1200.0, 500.0, 300.0]})
    assert_frame_equal(result.df, expected)
    assert (result.total_rows, result.truncated) == (3, False)
    assert result.elapsed_s >= 0


def test_with_query_joins_canonical_views_and_raw_tables(explorer: sql.Explorer) -> None:
    query = """
        -- ARR per tier, with the number of journey events of its accounts
        WITH per_tier AS (
            SELECT tier, sum(arr) AS arr FROM accounts GROUP BY tier
        ), events AS (
            SELECT a.tier, count(*) AS events
            FROM journey_events e JOIN accounts a USING (account_id) GROUP BY a.tier
        )
        SELECT p.tier, p.arr, coalesce(e.events, 0) AS events,
               (SELECT max(n) FROM "crm export.csv") AS raw_max
        FROM per_tier p LEFT JOIN events e USING (tier)
        ORDER BY p.tier
    """
    result = sql.run_query(explorer, query)
    expected = pd.DataFrame({"tier": ["Enterprise", "SMB"], "arr": [1700.0, 300.0],
                             "events": [2, 0], "raw_max": pd.array([2, 2], dtype="int32")})
    assert_frame_equal(result.df, expected)


def test_results_capped_at_limit_with_true_total(explorer: sql.Explorer) -> None:
    result = sql.run_query(explorer, "SELECT range AS n FROM range(25) ORDER BY n DESC", limit=10)
    assert_frame_equal(result.df, pd.DataFrame({"n": list(range(24, 14, -1))}))
    assert (result.total_rows, result.truncated) == (25, True)

    exact = sql.run_query(explorer, "SELECT range AS n FROM range(10)", limit=10)
    assert (len(exact.df), exact.total_rows, exact.truncated) == (10, 10, False)

    none_shown = sql.run_query(explorer, "SELECT account_id FROM accounts", limit=0)
    assert (list(none_shown.df.columns), len(none_shown.df)) == (["account_id"], 0)
    assert (none_shown.total_rows, none_shown.truncated) == (3, True)
    assert refusal(explorer, "SELECT 1", limit=-1) == "The row limit must be 0 or more, not -1."


def test_cap_across_arrow_batches_keeps_order(explorer: sql.Explorer) -> None:
    # 70 000 rows arrive in two Arrow batches (65 536 + 4 464); the cap cuts inside the second
    result = sql.run_query(explorer, "SELECT range AS n FROM range(70000) ORDER BY n", limit=65_540)
    assert (len(result.df), result.total_rows, result.truncated) == (65_540, 70_000, True)
    assert result.df["n"].iloc[[0, 65_535, 65_536, -1]].tolist() == [0, 65_535, 65_536, 65_539]


def test_full_result_csv_has_every_row(explorer: sql.Explorer) -> None:
    body = sql.full_result_csv(explorer, "SELECT account_id, arr, start_date FROM accounts ORDER BY account_id")
    assert body == b"account_id,arr,start_date\na1,1200.0,\na2,300.0,\na3,500.0,\n"
    # 70 000 rows: two Arrow batches, one header
    big = sql.full_result_csv(explorer, "SELECT range AS n FROM range(70000) ORDER BY n")
    lines = big.decode().splitlines()
    assert (lines[0], lines[1], lines[65_537], lines[-1], len(lines)) == ("n", "0", "65536", "69999", 70_001)


def test_full_result_csv_of_no_rows_is_the_header(explorer: sql.Explorer) -> None:
    assert sql.full_result_csv(explorer, "SELECT n, s FROM \"crm export.csv\" WHERE n > 5") == b"n,s\n"


def test_tables_browser_lists_canonical_views_first_then_raw_tables(explorer: sql.Explorer) -> None:
    expected_rows = [(view, column, typ) for view in canonical.VIEWS for column, typ in canonical.SCHEMA[view]]
    expected_rows.insert(len(canonical.SCHEMA[canonical.ACCOUNTS]), ("accounts", "tier", "VARCHAR"))
    expected_rows += [("crm export.csv", "n", "INTEGER"), ("crm export.csv", "s", "VARCHAR")]
    expected = pd.DataFrame(expected_rows, columns=["table", "column", "type"])
    assert_frame_equal(sql.tables(explorer), expected)


def test_settings_can_be_read_and_show_the_locks(explorer: sql.Explorer) -> None:
    # Decision: reading settings is allowed; it shows the sandbox's locks and cannot change them.
    result = sql.run_query(explorer, """
        SELECT name, value FROM duckdb_settings()
        WHERE name IN ('enable_external_access', 'lock_configuration', 'allowed_paths',
                       'allowed_directories', 'autoload_known_extensions', 'memory_limit')
        ORDER BY name
    """)
    expected = pd.DataFrame({
        "name": ["allowed_directories", "allowed_paths", "autoload_known_extensions",
                 "enable_external_access", "lock_configuration", "memory_limit"],
        "value": ["[]", "[]", "false", "false", "true", "244.1 MiB"],
    })
    assert_frame_equal(result.df, expected)
    current = sql.run_query(explorer, "SELECT current_setting('enable_external_access') AS v")
    assert current.df["v"].tolist() == [False]


# ── the statement check ──────────────────────────────────────────────────────────────────────

def test_more_than_one_statement_refused(explorer: sql.Explorer) -> None:
    message = refusal(explorer, "SELECT 1; DROP TABLE accounts")
    assert message == f"{ONLY_SELECT}; this has 2 statements."
    assert sql.run_query(explorer, "SELECT count(*) AS n FROM accounts").df["n"].tolist() == [3]


@pytest.mark.parametrize(("query", "named"), [
    ("COPY accounts TO '/tmp/journey_lens_leak.csv'", "a COPY"),
    ("COPY accounts FROM '/etc/passwd'", "a COPY"),
    ("ATTACH '/tmp/journey_lens_other.db' AS other", "an ATTACH"),
    ("DETACH memory", "a DETACH"),
    ("INSTALL httpfs", "an INSTALL"),
    ("FORCE INSTALL httpfs", "a FORCE"),
    ("LOAD httpfs", "a LOAD"),
    ("SET enable_external_access = true", "a SET"),
    ("RESET memory_limit", "a RESET"),
    ("PRAGMA threads = 64", "a PRAGMA"),
    ("USE memory", "a USE"),
    ("CREATE TABLE t AS SELECT 1", "a CREATE"),
    ("CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')", "a CREATE"),
    ("INSERT INTO accounts (account_id) VALUES ('zz')", "an INSERT"),
    ("UPDATE accounts SET arr = 0", "an UPDATE"),
    ("DELETE FROM accounts", "a DELETE"),
    ("DROP TABLE accounts", "a DROP"),
    ("ALTER TABLE accounts ADD COLUMN x INT", "an ALTER"),
    ("EXPORT DATABASE '/tmp/journey_lens_export'", "an EXPORT"),
    ("IMPORT DATABASE '/tmp/journey_lens_export'", "an IMPORT"),
    ("CALL duckdb_settings()", "a CALL"),
    ("CHECKPOINT", "a CHECKPOINT"),
    ("BEGIN TRANSACTION", "a BEGIN"),
    ("UPDATE EXTENSIONS", "an UPDATE"),
    ("EXPLAIN ANALYZE SELECT 1", "an EXPLAIN"),
    ("/* looks harmless */ -- really\n  copy accounts to 'x.csv'", "a COPY"),
])
def test_non_select_statements_refused_by_name(explorer: sql.Explorer, query: str, named: str) -> None:
    assert refusal(explorer, query) == f"{ONLY_SELECT}; this is {named} statement."


@pytest.mark.parametrize("query", ["", "   ", "-- only a comment", ";"])
def test_empty_query_refused(explorer: sql.Explorer, query: str) -> None:
    assert refusal(explorer, query) == "The query is empty: write a single SELECT or WITH query."


def test_syntax_and_catalog_errors_are_one_line_refusals(explorer: sql.Explorer) -> None:
    with pytest.raises(QueryRefused) as info:
        sql.run_query(explorer, "SELEC 1")
    assert str(info.value) == 'The query could not be read: Parser Error: syntax error at or near "SELEC"'
    assert "LINE 1: SELEC 1" in info.value.detail   # DuckDB's pointer is kept for the page to show
    message = refusal(explorer, "SELECT nope FROM accounts")
    assert message.startswith('The query failed: Binder Error: Referenced column "nope" not found in FROM clause! '
                              'Candidate bindings: ')
    assert "\n" not in message


# ── what a SELECT can still reach: DuckDB's own permission errors ────────────────────────────

@pytest.mark.parametrize(("query", "target"), [
    ("SELECT * FROM read_csv('/etc/passwd')", "/etc/passwd"),
    ("SELECT * FROM read_text('/etc/hostname')", "/etc/hostname"),
    ("SELECT * FROM read_blob('/proc/self/environ')", "/proc/self/environ"),
    ("SELECT * FROM read_parquet('/tmp/journey_lens.parquet')", "/tmp/journey_lens.parquet"),
    ("SELECT * FROM read_json('/etc/passwd')", "/etc/passwd"),
    ("SELECT * FROM parquet_metadata('/tmp/journey_lens.parquet')", "/tmp/journey_lens.parquet"),
    ("SELECT * FROM sniff_csv('/etc/passwd')", "/etc/passwd"),
    ("SELECT * FROM glob('/*')", "/*"),
    ("SELECT * FROM glob('*')", "*"),
    ("SELECT * FROM read_text(':memory:')", ":memory:"),   # DuckDB's own path: still refused
    ("SELECT * FROM read_text('file:///etc/passwd')", "file:///etc/passwd"),
    ("SELECT * FROM 'https://example.com/x.csv'", "https://example.com/x.csv"),
    ("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')", "http://127.0.0.1:9/x.csv"),
    ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "s3://bucket/x.parquet"),
    ("WITH f AS (SELECT * FROM read_text('/etc/hostname')) SELECT * FROM f", "/etc/hostname"),
    ("SELECT * FROM query('SELECT * FROM read_text(''/etc/hostname'')')", "/etc/hostname"),
])
def test_file_and_network_reads_hit_duckdb_permission_error(explorer: sql.Explorer, query: str,
                                                            target: str) -> None:
    message = refusal(explorer, query)
    assert message.startswith("Refused: the SQL explorer cannot read or write files, reach the network")
    # DuckDB's own refusal by configuration, before any file is opened or any socket is tried
    assert f'Permission Error: Cannot access file "{target}" - file system operations are disabled by configuration' in message


def test_settings_changed_from_inside_a_select_are_refused(explorer: sql.Explorer) -> None:
    message = refusal(explorer, "SELECT * FROM enable_logging()")
    assert message == ('Refused: settings cannot be changed in the SQL explorer (Invalid Input Error: Cannot change '
                       'configuration option "enable_logging" - the configuration has been locked)')


def test_writing_through_query_function_refused(explorer: sql.Explorer) -> None:
    message = refusal(explorer, "SELECT * FROM query('DROP TABLE accounts')")
    assert message == "The query failed: Parser Error: Expected a single SELECT statement"
    assert sql.run_query(explorer, "SELECT count(*) AS n FROM accounts").df["n"].tolist() == [3]


def test_python_variables_are_invisible_to_the_sandbox() -> None:
    server_secret = pd.DataFrame({"password": ["hunter2"]})  # what a replacement scan would find
    plain = duckdb.connect()
    try:   # control: an ordinary DuckDB reads the caller's DataFrame by its variable name
        assert plain.sql("SELECT * FROM server_secret").fetchall() == [("hunter2",)]
    finally:
        plain.close()
    sandbox = sql.open_sandbox("128MB", 1)
    try:
        with pytest.raises(duckdb.CatalogException, match="Table with name server_secret does not exist"):
            sandbox.sql("SELECT * FROM server_secret").fetchall()
    finally:
        sandbox.close()
    assert len(server_secret) == 1


@pytest.mark.parametrize(("statement", "wording"), [
    ("COPY (SELECT 1) TO '/tmp/journey_lens_leak.csv'", 'Permission Error: Cannot access file "/tmp/journey_lens_leak.csv"'),
    ("COPY (SELECT 1) TO ':memory:'", 'Permission Error: Cannot access file ":memory:"'),
    ("ATTACH '/tmp/journey_lens_other.db'", 'Permission Error: Cannot access file "/tmp/journey_lens_other.db"'),
    ("INSTALL httpfs", "Permission Error: Cannot access directory"),
    ("LOAD httpfs", "Permission Error: Loading external extensions is disabled through configuration"),
    ("EXPORT DATABASE '/tmp/journey_lens_export'", 'Permission Error: Cannot access directory "/tmp/journey_lens_export"'),
    ("SET enable_external_access = true", 'Cannot change configuration option "enable_external_access" - the configuration has been locked'),
    ("SET lock_configuration = false", 'Cannot change configuration option "lock_configuration" - the configuration has been locked'),
    ("RESET memory_limit", 'Cannot change configuration option "memory_limit" - the configuration has been locked'),
    ("PRAGMA threads = 64", 'Cannot change configuration option "threads" - the configuration has been locked'),
])
def test_sandbox_itself_refuses_even_without_the_statement_check(
        statement: str, wording: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Second layer: were the statement check ever bypassed, the locked database still says no.
    monkeypatch.chdir(tmp_path)
    sandbox = sql.open_sandbox("128MB", 1)
    try:
        with pytest.raises(duckdb.Error) as info:
            sandbox.execute(statement)
        assert wording in str(info.value)
    finally:
        sandbox.close()
    assert list(tmp_path.iterdir()) == []   # nothing written, not even DuckDB's own ':memory:' path


def test_session_database_stays_open_and_writable(session: duckdb.DuckDBPyConnection,
                                                  explorer: sql.Explorer) -> None:
    for hostile in ["SELECT * FROM read_csv('/etc/passwd')", "SET threads = 1", "SELECT * FROM enable_logging()"]:
        with pytest.raises(QueryRefused):
            sql.run_query(explorer, hostile)
    session.execute("CREATE TABLE next_upload AS SELECT 42 AS answer")
    session.execute("SET threads = 1")
    assert session.execute("SELECT answer FROM next_upload").fetchall() == [(42,)]
    assert session.execute("""
        SELECT name, value FROM duckdb_settings()
        WHERE name IN ('enable_external_access', 'lock_configuration') ORDER BY name
    """).fetchall() == [("enable_external_access", "true"), ("lock_configuration", "false")]


# ── time and memory limits ───────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("query", [
    "SELECT count(*) FROM range(1e9::BIGINT) a, range(10) b",
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r",
])
def test_slow_query_cut_off_at_time_limit(explorer: sql.Explorer, query: str) -> None:
    started = time.monotonic()
    message = refusal(explorer, query, timeout_s=0.5)
    assert message == ("The query was cut off after 0.5 s (the time limit); "
                       "narrow it down or aggregate before returning rows.")
    assert time.monotonic() - started < 5   # uncut, either query runs for minutes
    # the interrupt does not leak into the next query
    assert sql.run_query(explorer, "SELECT 1 AS one", timeout_s=0.5).df["one"].tolist() == [1]


def test_slow_download_cut_off_too(explorer: sql.Explorer) -> None:
    with pytest.raises(QueryRefused, match=r"cut off after 0\.5 s"):
        sql.full_result_csv(explorer, "SELECT * FROM range(1e10::BIGINT)", timeout_s=0.5)


def test_query_over_memory_limit_refused(session: duckdb.DuckDBPyConnection) -> None:
    with sql.Explorer(session, memory_limit="32MB", threads=1) as small:
        message = refusal(small, "SELECT list(range) FROM range(20000000)")
    assert message.startswith("The query needs more memory than the SQL explorer allows; aggregate or filter "
                              "first (Out of Memory Error:")


# ── the sandbox's life cycle ─────────────────────────────────────────────────────────────────

def test_refresh_picks_up_new_session_tables(session: duckdb.DuckDBPyConnection,
                                             explorer: sql.Explorer) -> None:
    assert explorer.is_current()
    session.execute("CREATE TABLE surveys_upload AS SELECT 9 AS score")
    assert not explorer.is_current()
    assert refusal(explorer, "SELECT * FROM surveys_upload").startswith(
        "The query failed: Catalog Error: Table with name surveys_upload does not exist!")
    explorer.refresh()
    assert explorer.is_current()
    assert sql.run_query(explorer, "SELECT score FROM surveys_upload").df["score"].tolist() == [9]


def test_broken_session_view_is_skipped_not_fatal(session: duckdb.DuckDBPyConnection) -> None:
    session.execute('CREATE TABLE "gone" AS SELECT 1 AS x')
    session.execute('CREATE VIEW "needs gone" AS SELECT x FROM "gone"')
    session.execute('DROP TABLE "gone"')
    with sql.Explorer(session) as ex:
        assert list(ex.skipped) == ["needs gone"]
        assert "gone" in ex.skipped["needs gone"]
        assert sql.run_query(ex, "SELECT count(*) AS n FROM accounts").df["n"].tolist() == [3]


def test_closed_explorer_refuses(session: duckdb.DuckDBPyConnection) -> None:
    ex = sql.Explorer(session)
    ex.close()
    with pytest.raises(QueryRefused) as info:
        sql.run_query(ex, "SELECT 1")
    assert str(info.value) == info.value.detail == "The SQL explorer is closed; reopen the page to start a new one."


# ── command line helper ──────────────────────────────────────────────────────────────────────

def test_cli_query_returns_every_row(session: duckdb.DuckDBPyConnection) -> None:
    frame = sql.run_cli_query(session, "SELECT range AS n FROM range(12000)")
    assert (len(frame), frame["n"].iloc[-1]) == (12_000, 11_999)
    small = sql.run_cli_query(session, "SELECT n, s FROM \"crm export.csv\" ORDER BY n DESC")
    assert_frame_equal(small, pd.DataFrame({"n": pd.array([2, 1], dtype="int32"), "s": ["y", "x"]}))


def test_cli_query_refuses_with_the_same_rules(session: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(QueryRefused, match=r"^Only a single SELECT or WITH query can run here; this is a COPY"):
        sql.run_cli_query(session, "COPY accounts TO 'out.csv'")
    with pytest.raises(QueryRefused, match="disabled by configuration"):
        sql.run_cli_query(session, "SELECT * FROM read_text('/etc/hostname')")
    with pytest.raises(QueryRefused, match=r"cut off after 0\.3 s"):
        sql.run_cli_query(session, "SELECT count(*) FROM range(1e9::BIGINT) a, range(10) b", timeout_s=0.3)


def test_session_tables_list_exactly_what_the_sandbox_holds(sample) -> None:  # type: ignore[no-untyped-def]
    from cxlib import sql as sql_mod

    listed = sql_mod.session_tables(sample.con)
    with sql_mod.Explorer(sample.con) as explorer:
        assert listed.equals(sql_mod.tables(explorer))
    assert list(listed["table"].drop_duplicates())[:3] == ["accounts", "journey_events", "stage_snapshots"]
