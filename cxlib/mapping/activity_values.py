"""The data an activities ledger reads besides its rows: value words per column, and the as-of date.

`views` writes both before it builds the activities view, so the SQL gets user values only as data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb
import pandas as pd

from cxlib import dimensions
from cxlib.canonical import quote
from cxlib.mapping.activities_sql import AS_OF_TABLE
from cxlib.mapping.activity_words import activity_state_of, activity_type_of, initiated_by_of, subject_type_of
from cxlib.mapping.document import Mapping, TableMapping
from cxlib.mapping.roles import ACTIVITIES
from cxlib.settings import Settings
from cxlib.stages import normalize_label

def _customer_flag_header(column: str) -> bool:
    """Whether a header asks "was it the customer?" (Customer initiated, Inbound): yes means customer."""
    key = normalize_label(column)
    return "customer" in key or "client" in key or "inbound" in key


def activity_value_columns(tm: TableMapping) -> list[tuple[str, str, Callable[[object], object]]]:
    """(column, `_cx_value_map` category, word → value) for an activities table's type, status and initiator."""
    out: list[tuple[str, str, Callable[[object], object]]] = []
    out += [(c, "activity_type", activity_type_of) for c in tm.columns_with("activity_type")]
    out += [(c, "activity_state", activity_state_of) for c in tm.columns_with("status")]
    out += [(c, "subject_type", subject_type_of) for c in tm.columns_with("subject")]
    for column in tm.columns_with("initiated_by"):
        flag = _customer_flag_header(column)
        out.append((column, "initiated_by", lambda v, flag=flag: initiated_by_of(v, customer_flag=flag)))
    return out


def activity_as_of(con: duckdb.DuckDBPyConnection, settings: Settings) -> dt.datetime:
    """The date activities are judged done at: the one as-of date of the views built so far (activities
    never move it), else today (UTC)."""
    as_of = dimensions.as_of_param(con, settings)
    if as_of is not None:
        return as_of
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)


def write_activity_as_of(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Write the one-row table the activities ledger reads its as-of date from."""
    con.execute(f"CREATE OR REPLACE TABLE {AS_OF_TABLE} (as_of TIMESTAMP)")
    con.execute(f"INSERT INTO {AS_OF_TABLE} VALUES (?)", [activity_as_of(con, settings)])


def activity_type_values(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> pd.DataFrame:
    """Each raw activity-type value of the mapped activities tables, its rows and the type it is read as.

    The Data page shows it beside the stage values (read-only: the words are the vocabulary's)."""
    counts: dict[str, int] = {}
    for tm in mapping.tables:
        if tm.kind != ACTIVITIES:
            continue
        for column in tm.columns_with("activity_type"):
            for value, rows in con.execute(
                    f"SELECT NULLIF(trim(CAST({quote(column)} AS VARCHAR)), '') AS value, count(*) "
                    f"FROM {quote(tm.table)} GROUP BY ALL").fetchall():
                if value is not None:
                    counts[value] = counts.get(value, 0) + int(rows)
    values = sorted(counts, key=lambda v: (-counts[v], v))
    return pd.DataFrame({"value": pd.Series(values, dtype="str"),
                         "rows": pd.Series([counts[v] for v in values], dtype="int64"),
                         "activity_type": pd.Series([activity_type_of(v) for v in values], dtype="str")})
