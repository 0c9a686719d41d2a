"""cxlib.catalog answers what DuckDB's information_schema answers, read from DuckDB's own catalogue."""

from __future__ import annotations

import duckdb
import pytest

from cxlib import catalog


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (b VARCHAR, a DECIMAL(10,2), z TIMESTAMP WITH TIME ZONE)")
    con.execute("CREATE TEMP TABLE tmp (x INTEGER)")
    con.execute("CREATE VIEW v AS SELECT 1 AS one, 'x' AS letter")
    con.execute("CREATE TEMP VIEW tv AS SELECT 2.5 AS half")
    return con


def test_columns_in_table_order_with_duckdb_types(con) -> None:
    assert catalog.columns(con, "t") == [("b", "VARCHAR"), ("a", "DECIMAL(10,2)"), ("z", "TIMESTAMP WITH TIME ZONE")]
    assert catalog.columns(con, "v") == [("one", "INTEGER"), ("letter", "VARCHAR")]
    assert catalog.columns(con, "tmp") == [("x", "INTEGER")]
    assert catalog.columns(con, "missing") == []


def test_relations_tables_views_and_temporary_ones_but_not_duckdbs_own(con) -> None:
    assert catalog.relation_names(con) == {"t", "tmp", "v", "tv"}
    assert [catalog.relation_kind(con, n) for n in ("t", "tmp", "v", "tv", "missing")] == \
        ["table", "table", "view", "view", None]
    assert catalog.exists(con, "tv") and not catalog.exists(con, "sqlite_master")


def test_the_same_answers_as_information_schema(con) -> None:
    for name in ("t", "tmp", "v", "tv"):
        assert catalog.columns(con, name) == con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema() ORDER BY ordinal_position", [name]).fetchall()
    assert catalog.relation_names(con) == {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()}
