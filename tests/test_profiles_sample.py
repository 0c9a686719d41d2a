"""Column profiles of large tables read a fixed sample: which rows, and where the rule starts."""

from __future__ import annotations

import duckdb
import pytest

from cxlib.mapping import profiles


def _table(con: duckdb.DuckDBPyConnection, rows: int, with_source_row: bool = True) -> None:
    """`t`: rows numbered 1..rows, a text column with 7 values ('v0'..'v6' by row number mod 7)."""
    source_row = "r AS _source_row, " if with_source_row else ""
    con.execute(f"CREATE OR REPLACE TABLE t AS SELECT {source_row}'v' || (r % 7) AS v FROM range(1, {rows + 1}) t(r)")


@pytest.fixture
def small_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profiles, "SAMPLE_ROWS", 100)


def test_table_at_the_sample_size_is_profiled_whole(small_sample: None) -> None:
    con = duckdb.connect()
    _table(con, 100)
    p = profiles.profile_column(con, "t", "v", "VARCHAR")
    assert (p.rows, p.nonnull, p.distinct) == (100, 100, 7)
    assert p.top[0] == ("v1", 15)          # rows 1, 8, ..., 99: 15 of them


def test_larger_table_reads_the_rows_whose_number_hashes_lowest(small_sample: None) -> None:
    """1,000 rows, sample size 100: the rows whose _source_row hashes below 2^64 · 100 / 1000 (92 of
    them with DuckDB's hash), the same rows with one thread or two."""
    counts = []
    for threads in (1, 2):
        con = duckdb.connect(config={"threads": threads})
        _table(con, 1000)
        p = profiles.profile_column(con, "t", "v", "VARCHAR")
        expected = con.execute("SELECT count(*) FROM t WHERE hash(_source_row) < $b",
                               {"b": 2 ** 64 * 100 // 1000}).fetchone()[0]
        assert p.rows == p.nonnull == expected == 92
        assert p.distinct == 7
        counts.append(p.top)
    assert counts[0] == counts[1]


def test_table_without_source_row_is_profiled_whole(small_sample: None) -> None:
    con = duckdb.connect()
    _table(con, 1000, with_source_row=False)
    p = profiles.profile_column(con, "t", "v", "VARCHAR")
    assert (p.rows, p.distinct) == (1000, 7)
