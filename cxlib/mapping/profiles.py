"""Column profiles: what suggestion knows about one raw column (type, counts, range, frequent values).

Computed in SQL over the raw table with values aggregated, so a profile costs two queries per column
whatever the table's size. Not to be confused with `cxlib.loading`'s own read-time profiling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from cxlib.canonical import quote
from cxlib.mapping.raw_tables import raw_columns, type_class

TOP_VALUES = 200   # how many of a column's most frequent values a profile keeps


@dataclass
class ColumnProfile:
    """What suggestion needs to know about one raw column (computed in SQL, values aggregated)."""

    name: str
    type_class: str
    rows: int
    nonnull: int
    distinct: int
    top: list[tuple[str, int]]          # most frequent values (as text) with counts
    low: float | None = None
    high: float | None = None
    integral: bool = False
    avg_len: float = 0.0
    castable_ts: float = 0.0            # share of text values that read as timestamps

    def share(self, predicate: Any) -> float:
        """Share of the counted top values (weighted by rows) for which predicate holds."""
        total = sum(n for _, n in self.top)
        return sum(n for v, n in self.top if predicate(v)) / total if total else 0.0


def profile_column(con: duckdb.DuckDBPyConnection, table: str, column: str, duck_type: str) -> ColumnProfile:
    """Counts, range and the most frequent values of one column."""
    col, tab = quote(column), quote(table)
    tc = type_class(duck_type)
    text = f"NULLIF(trim(CAST({col} AS VARCHAR)), '')"
    numeric = tc in ("integer", "number")
    low, high = (f"CAST(min({col}) AS DOUBLE)", f"CAST(max({col}) AS DOUBLE)") if numeric else ("NULL", "NULL")
    integral = f"bool_and({col} = floor({col}))" if numeric else "NULL"
    castable = f"count(TRY_CAST({text} AS TIMESTAMP))" if tc == "text" else "0"
    stats = con.execute(f"""
        SELECT count(*), count({text}), count(DISTINCT {text}), {low}, {high}, {integral},
               coalesce(avg(length({text})), 0), {castable}
        FROM {tab}""").fetchone()
    top = con.execute(f"""
        SELECT {text} AS top_value, count(*) AS top_value_rows FROM {tab} WHERE {text} IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP_VALUES}""").fetchall()
    rows, nonnull, distinct, low_v, high_v, integral_v, avg_len, castable_n = stats
    return ColumnProfile(column, tc, int(rows), int(nonnull), int(distinct), [(str(v), int(n)) for v, n in top],
                         low_v, high_v, bool(integral_v) if integral_v is not None else tc == "integer",
                         float(avg_len), (castable_n / nonnull) if nonnull else 0.0)


def profile_table(con: duckdb.DuckDBPyConnection, table: str) -> list[ColumnProfile]:
    """A profile of every column of a raw table, in table order."""
    return [profile_column(con, table, c, t) for c, t in raw_columns(con, table).items()]
