"""Named SQL parameters: pass a query only those it names, because DuckDB rejects unused ones.

Metrics build one parameter dict for a whole CTE chain and run several SELECTs over it; each
SELECT names a subset. This is the one place that decides which names a query uses: `$name`
counts only as a whole identifier, so `$as_of` does not count as `$as`.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pandas as pd

_NAMED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def used_params(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The entries of `params` whose `$name` the SQL names as a whole identifier (DuckDB refuses extra ones)."""
    named = set(_NAMED.findall(sql))
    return {k: v for k, v in params.items() if k in named}


def run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Execute `sql` with the parameters it names, as a DataFrame."""
    return con.execute(sql, used_params(sql, params)).df()


__all__ = ["run", "used_params"]
