"""The list behind a number: the accounts a count counts, with name, segment columns, ARR and the value behind it.

README, "How each number is defined" → "The accounts behind every number". Every metric that counts
accounts gives the SQL of a relation with one row per account it counts — `account_id`, `value`
(the number behind that account: a date reached, a composite, an answer…) and optionally more
columns — built from the metric's own CTEs, so the list and the count can never disagree. This
module adds what every list shows the same way: the account's name, its segment columns
(`dimensions`: text columns as segments, blanks and accounts missing from the accounts table under
"(none)"; numeric columns as written), its ARR, then the value and any extra columns.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, catalog, dimensions
from cxlib.errors import MetricError

LIST_COLUMNS = ("account_id", "name", "arr", "value")   # fixed columns; segment columns sit between name and arr
_TEXT_TYPES = ("VARCHAR",)
Values = str | duckdb.DuckDBPyRelation


def _segment_select(con: duckdb.DuckDBPyConnection, taken: set[str]) -> str:
    """The accounts' segment columns for the list: text as `dimensions.segment_sql` labels it, numbers as they are.

    A segment column whose name a fixed or value column already has is shown as '<name> (segment)'.
    """
    types = dict(catalog.columns(con, canonical.ACCOUNTS))
    parts = []
    for column in dimensions.segment_columns(con):
        src = f"acct.{canonical.quote(column)}"
        expr = dimensions.segment_sql(src) if types.get(column) in _TEXT_TYPES else src
        shown = column if column not in taken else f"{column} (segment)"
        parts.append(f"{expr} AS {canonical.quote(shown)}")
    return "".join(f", {p}" for p in parts)


def list_sql(con: duckdb.DuckDBPyConnection, values_sql: str) -> str:
    """The list query around a relation's SQL: `behind_values` joined to one accounts row per account.

    Extra columns of the relation (evidence, a second value) follow `value` as they are.
    """
    segments = _segment_select(con, set(LIST_COLUMNS))
    return f"""
        WITH behind_values AS ({values_sql}),
        acct AS ({dimensions.ONE_ROW_PER_ACCOUNT})
        SELECT behind_values.account_id, acct.name{segments}, acct.arr, behind_values.value,
               behind_values.* EXCLUDE (account_id, value)
        FROM behind_values
        LEFT JOIN acct ON acct.account_id = behind_values.account_id
        ORDER BY behind_values.account_id"""


def accounts_behind(con: duckdb.DuckDBPyConnection, values: Values, params: dict[str, Any] | None = None,
                    *, value_label: str = "value") -> pd.DataFrame:
    """The accounts behind a number: account_id, name, segment columns, arr, value (then any extra columns).

    `values` is the SQL of a relation (or a parameter-free DuckDB relation) with one row per
    account counted, columns `account_id` and `value` and optionally more; `params` are the SQL's
    named parameters. `value_label` says what the value is ("reached Decision on"), kept in
    `attrs["value_label"]`. MetricError when the relation lacks `account_id` or `value`, or lists
    an account twice (each account counts once behind a number).
    """
    sql = values.sql_query() if isinstance(values, duckdb.DuckDBPyRelation) else str(values)
    full = list_sql(con, sql)
    try:
        out = con.execute(full, params).df() if params else con.execute(full).df()
    except duckdb.BinderException as exc:
        raise MetricError("The accounts behind a number need a relation with the columns account_id and "
                          f"value ({str(exc).splitlines()[0]}).") from exc
    twice = out.loc[out["account_id"].duplicated(), "account_id"]
    if len(twice):
        raise MetricError(f"Account '{twice.iloc[0]}' is listed twice behind one number: each account counts once.")
    out["arr"] = out["arr"].astype("float64")
    out.attrs["value_label"] = value_label
    return out.reset_index(drop=True)
