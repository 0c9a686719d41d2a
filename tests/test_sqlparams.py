"""The one filter of named SQL parameters (`cxlib.sqlparams`): whole names only, DuckDB accepts the result."""

from __future__ import annotations

import duckdb
import pytest

from cxlib.sqlparams import run, used_params


def test_only_the_names_the_sql_uses_are_kept() -> None:
    params = {"as_of": 1, "weeks": 13, "unused": "x"}
    assert used_params("SELECT $as_of + $weeks AS v", params) == {"as_of": 1, "weeks": 13}


def test_a_name_that_is_a_prefix_of_a_used_name_is_not_used() -> None:
    # `$as_of` names as_of, never `as`; `$weeks` never `week` (the old centricity copy matched by prefix).
    params = {"as": 0, "as_of": 1, "week": 2, "weeks": 3}
    assert used_params("SELECT $as_of, $weeks", params) == {"as_of": 1, "weeks": 3}
    assert used_params("SELECT $as", params) == {"as": 0}


def test_a_name_followed_by_punctuation_or_at_the_end_counts() -> None:
    params = {"a": 1, "b": 2, "c": 3}
    assert used_params("SELECT to_days($a)::INT, [$b]", params) == {"a": 1, "b": 2}
    assert used_params("SELECT $c", params) == {"c": 3}
    assert used_params("SELECT 1", params) == {}


def test_run_passes_duckdb_only_what_it_names() -> None:
    con = duckdb.connect()
    df = run(con, "SELECT $as_of + 1 AS v", {"as": 100, "as_of": 41})
    assert df["v"].tolist() == [42]
    with pytest.raises(duckdb.InvalidInputException):   # the reason the filter exists
        con.execute("SELECT $as_of + 1 AS v", {"as": 100, "as_of": 41})
