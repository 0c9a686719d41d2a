"""The accounts behind a segment row: its accounts (Segments page's side-by-side), and the n of a test row.

Built on the segment vocabulary of `dimensions` (one row per account, "(none)" for blanks) and on
`segments.known_ctes`, the CTEs `compare` counts: a row's n is its accounts with a value.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.behind.core import accounts_behind
from cxlib.segments import _value_sql, known_ctes


def segment_accounts(con: duckdb.DuckDBPyConnection, by: str, segment: str) -> pd.DataFrame:
    """The accounts of one value of an accounts column (`segment_overview`'s `accounts`). Value = the segment."""
    by = dimensions.check_accounts_column(con, by)
    label = dimensions.segment_sql(f"a.{canonical.quote(by)}")
    sql = f"""
        WITH {dimensions.ACCOUNTS_CTE},
        segmented AS (SELECT a.account_id, {label} AS segment FROM acct AS a)
        SELECT account_id, segment AS value
        FROM segmented
        WHERE segment = $behind_segment"""
    return accounts_behind(con, sql, {"behind_segment": str(segment)}, value_label=by)


def compare_accounts(con: duckdb.DuckDBPyConnection, by: str, segment: str, rate: str | tuple[str, str] | None = None,
                     mean: str | None = None) -> pd.DataFrame:
    """The accounts behind a `compare` row's n: the segment's accounts with a value. Value = 1/0 for a rate
    (the account has the value), the number for a mean."""
    by = dimensions.check_accounts_column(con, by)
    value_expr, kind, params, attrs = _value_sql(con, rate, mean)
    sql = f"""
        WITH {known_ctes(by, value_expr)}
        SELECT account_id, v AS value
        FROM known
        WHERE segment = $behind_segment"""
    label = f"{attrs['column']} = {attrs['value']} (1 yes, 0 no)" if kind == "rate" else attrs["column"]
    return accounts_behind(con, sql, params | {"behind_segment": str(segment)}, value_label=label)
