"""Column profiles: what suggestion knows about one raw column (type, counts, range, frequent values).

Computed in SQL over the raw table with values aggregated: one GROUP BY per column. A table of more
than `SAMPLE_ROWS` rows is profiled on a sample of about that many rows, the same rows every time:
those whose `_source_row` hashes into the lowest `SAMPLE_ROWS / rows` of the hash range (spread over
the whole file, whatever its order). Every count, range and frequent value is then the sample's, so
their ratios (distinct per row, share of stage names) stay consistent. A suggestion needs evidence,
not totals; the stage map still reads every value (`stage_map.stage_values`). Not to be confused
with `cxlib.loading`'s own read-time profiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from cxlib import catalog
from cxlib.canonical import quote
from cxlib.loading.names import SOURCE_ROW
from cxlib.mapping.raw_tables import raw_columns, type_class

TOP_VALUES = 200   # how many of a column's most frequent values a profile keeps
SAMPLE_ROWS = 200_000   # a table with more rows is profiled on a sample of about this many
_HASH_RANGE = 2 ** 64     # hash() gives a UBIGINT
# Type classes whose distinct values print as distinct, non-empty, untrimmed text (not DOUBLE: -0.0 and 0.0).
_ONE_TEXT_PER_VALUE = frozenset({"integer", "boolean", "date", "timestamp", "timestamptz"})


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
    # What the header and values name, per stage list: the same for every kind a table is tried as.
    evidence: dict[Any, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)

    def share(self, predicate: Any) -> float:
        """Share of the counted top values (weighted by rows) for which predicate holds."""
        total = sum(n for _, n in self.top)
        return sum(n for v, n in self.top if predicate(v)) / total if total else 0.0


def profile_rows(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, dict[str, int]]:
    """The rows a profile reads (SQL and its parameters): the whole table, or its sample when the
    table has more than `SAMPLE_ROWS` rows and a `_source_row` column (every loaded table has one)."""
    tab = quote(table)
    rows = int(con.execute(f"SELECT count(*) FROM {tab}").fetchone()[0])
    columns = {name for name, _type in catalog.columns(con, table)}
    if rows <= SAMPLE_ROWS or SOURCE_ROW not in columns:
        return tab, {}
    return (f"(SELECT * FROM {tab} WHERE hash({quote(SOURCE_ROW)}) < $sample_below)",
            {"sample_below": _HASH_RANGE * SAMPLE_ROWS // rows})


def profile_column(con: duckdb.DuckDBPyConnection, table: str, column: str, duck_type: str,
                   rows: tuple[str, dict[str, int]] | None = None) -> ColumnProfile:
    """Counts, range and the most frequent values of one column, from one GROUP BY of its values.

    The column is grouped once by raw value and once more by its trimmed text; every statistic
    (rows, distinct, range, length, timestamp-readable share, top values) is then read from those
    counts, so each distinct value is cast and tested once, not once per row. `rows` is the table's
    `profile_rows`, when the caller profiles several of its columns (decided once per table)."""
    col = quote(column)
    tab, params = rows if rows is not None else profile_rows(con, table)
    tc = type_class(duck_type)
    numeric = tc in ("integer", "number")
    low, high = ("CAST(min(raw_value) AS DOUBLE)", "CAST(max(raw_value) AS DOUBLE)") if numeric else ("NULL", "NULL")
    integral = "bool_and(raw_value = floor(raw_value))" if numeric else "NULL"
    castable = "coalesce(sum(value_rows) FILTER (TRY_CAST(text_value AS TIMESTAMP) IS NOT NULL), 0)" \
        if tc == "text" else "0"
    if tc in _ONE_TEXT_PER_VALUE:     # each value prints as its own non-empty text: no second grouping
        low, high = ("CAST(raw_value AS DOUBLE)", "CAST(raw_value AS DOUBLE)") if numeric else ("NULL", "NULL")
        integral = "(raw_value = floor(raw_value))" if numeric else "NULL"
        by_text = (f"SELECT CAST(raw_value AS VARCHAR) AS text_value, raw_rows AS value_rows, {low} AS low_value, "
                   f"{high} AS high_value, {integral} AS integral_values FROM raw_value_counts")
    else:
        by_text = (f"SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS text_value, sum(raw_rows) AS value_rows, "
                   f"{low} AS low_value, {high} AS high_value, {integral} AS integral_values "
                   "FROM raw_value_counts GROUP BY 1")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cx_profile_values AS
        WITH raw_value_counts AS (
            SELECT {col} AS raw_value, count(*) AS raw_rows FROM {tab} GROUP BY ALL)
        {by_text}""", params)
    try:
        stats = con.execute(f"""
            SELECT coalesce(sum(value_rows), 0), coalesce(sum(value_rows) FILTER (text_value IS NOT NULL), 0),
                   count(text_value), min(low_value), max(high_value), bool_and(integral_values),
                   coalesce(sum(length(text_value) * value_rows) / sum(value_rows) FILTER (text_value IS NOT NULL), 0),
                   {castable}
            FROM _cx_profile_values""").fetchone()
        top = con.execute(f"""
            SELECT text_value AS top_value, value_rows AS top_value_rows FROM _cx_profile_values
            WHERE text_value IS NOT NULL ORDER BY 2 DESC, 1 LIMIT {TOP_VALUES}""").fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS _cx_profile_values")
    rows, nonnull, distinct, low_v, high_v, integral_v, avg_len, castable_n = stats
    return ColumnProfile(column, tc, int(rows), int(nonnull), int(distinct), [(str(v), int(n)) for v, n in top],
                         low_v, high_v, bool(integral_v) if integral_v is not None else tc == "integer",
                         float(avg_len), (castable_n / nonnull) if nonnull else 0.0)


def profile_table(con: duckdb.DuckDBPyConnection, table: str) -> list[ColumnProfile]:
    """A profile of every column of a raw table, in table order."""
    rows = profile_rows(con, table)
    return [profile_column(con, table, c, t, rows) for c, t in raw_columns(con, table).items()]
