"""Raw stage values and the stage map: which configured stage each raw value of a stage column means.

Stage values are mapped onto the stage list with the synonyms of `cxlib.stages` (README, "Data you
can bring"); the user's stage map overrides a suggestion, and a value mapped to nothing (or to a
stage no longer in the list) is "not mapped" and its rows are excluded. "Closed Lost" always has a
place: the lost-deal stage is in the list even when the settings leave it out. A stage named by a
stage-date column's header (a shape's "Became a Lead Date" → "Lead") is a stage value like any
cell, counted by its non-empty cells.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib.canonical import quote
from cxlib.mapping.document import Mapping
from cxlib.mapping.raw_tables import raw_columns, table_exists
from cxlib.mapping.roles import FACTOR_RATINGS, IGNORE
from cxlib.settings import Settings
from cxlib.stages import LOST_DEAL, suggest_stage

STAGE_ROLES = ("stage", "last_funnel_stage")   # roles whose values are stage names


def stage_names(settings: Settings) -> list[str]:
    """The stages a raw value may be mapped to: the configured list, plus the lost-deal stage."""
    names = [s.name for s in settings.stages]
    return names if LOST_DEAL in names else [*names, LOST_DEAL]


def _stage_columns(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[tuple[str, str]]:
    """(table, column) of every stage-bearing column that exists in a mapped table."""
    out = []
    for tm in mapping.tables:
        if tm.kind in (IGNORE, FACTOR_RATINGS) or not table_exists(con, tm.table):
            continue
        present = raw_columns(con, tm.table)
        out += [(tm.table, c) for c, r in tm.roles.items() if r in STAGE_ROLES and c in present]
    return out


def _header_stages(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[tuple[str, int]]:
    """(stage a stage-date column's header names, its non-empty cells) for every shaped table."""
    out = []
    for tm in mapping.tables:
        if tm.kind == IGNORE or tm.shape is None or not tm.shape.stage_dates or not table_exists(con, tm.table):
            continue
        present = raw_columns(con, tm.table)
        cols = [(c, stage) for c, stage in tm.shape.stage_dates if c in present]
        if not cols:
            continue
        counts = con.execute("SELECT " + ", ".join(f"count(NULLIF(trim(CAST({quote(c)} AS VARCHAR)), ''))"
                                                   for c, _ in cols) + f" FROM {quote(tm.table)}").fetchone()
        out += [(stage, int(n)) for (_, stage), n in zip(cols, counts)]
    return out


# Rows per value of each stage column, kept per connection: the suggestion and `apply` both need every
# value, and at 10 M rows each reading costs a second or so. A raw table never changes once loaded;
# the key also holds the table's oid and row count (read in SQL, so no oid appears in a statement),
# so a table loaded again under the same name is read anew. Views (tests make some) are never kept.
_VALUE_COUNTS = "_cx_stage_value_counts"
_SIGNATURE_OF_TABLE = """(
    SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = $table)"""


def _column_value_counts(con: duckdb.DuckDBPyConnection, table: str, column: str) -> list[tuple[str, int]]:
    """(trimmed non-empty value, rows) of one stage column, read once per loaded table."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_VALUE_COUNTS} (table_name VARCHAR, column_name VARCHAR, "
                "signature VARCHAR, value VARCHAR, value_rows BIGINT)")
    key = {"table": table, "column": column}
    cached = con.execute(f"SELECT value, value_rows FROM {_VALUE_COUNTS} WHERE table_name = $table "
                         f"AND column_name = $column AND signature = {_SIGNATURE_OF_TABLE}", key).fetchall()
    if cached:           # one row with a NULL value marks a column that was read (it may have no values)
        return [(v, int(n)) for v, n in cached if v is not None]
    counts = _read_value_counts(con, table, column)
    con.execute(f"DELETE FROM {_VALUE_COUNTS} WHERE table_name = $table AND column_name = $column", key)
    con.execute(f"""INSERT INTO {_VALUE_COUNTS}
        WITH counted AS (SELECT unnest($values) AS value, unnest($value_rows) AS value_rows
                         UNION ALL SELECT NULL, 0)
        SELECT $table, $column, {_SIGNATURE_OF_TABLE}, value, value_rows FROM counted
        WHERE {_SIGNATURE_OF_TABLE} IS NOT NULL""",
                {**key, "values": [v for v, _ in counts], "value_rows": [n for _, n in counts]})
    return counts


def _read_value_counts(con: duckdb.DuckDBPyConnection, table: str, column: str) -> list[tuple[str, int]]:
    """(trimmed non-empty value, rows) of one column; grouped by raw value first, so trimming runs
    once per distinct value, not once per row."""
    return [(str(v), int(n)) for v, n in con.execute(f"""
        WITH raw_values AS (SELECT {quote(column)} AS raw_value, count(*) AS raw_rows FROM {quote(table)} GROUP BY ALL),
        trimmed_values AS (SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS value, raw_rows FROM raw_values)
        SELECT value, sum(raw_rows) AS value_rows FROM trimmed_values WHERE value IS NOT NULL GROUP BY value""").fetchall()]


def effective_stage(value: str, mapping: Mapping, allowed: set[str]) -> str | None:
    """The stage a raw value maps to: the stage map's entry (if a configured stage), else the suggestion."""
    if value in mapping.stage_map:
        target = mapping.stage_map[value]
        return target if target in allowed else None
    return suggest_stage(value, mapping.settings.stages)


def stage_values(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> pd.DataFrame:
    """Every raw stage value of every stage column: value, rows, suggested_stage, mapped_stage."""
    cols = _stage_columns(con, mapping)
    headers = _header_stages(con, mapping)
    if not cols and not headers:
        return pd.DataFrame({"value": pd.Series([], dtype="str"), "rows": pd.Series([], dtype="int64"),
                             "suggested_stage": pd.Series([], dtype="object"),
                             "mapped_stage": pd.Series([], dtype="object")})
    counts: dict[str, int] = {}
    for table, column in cols:
        for value, n in _column_value_counts(con, table, column):
            counts[value] = counts.get(value, 0) + n
    for value, n in headers:
        counts[value] = counts.get(value, 0) + n
    counted = sorted(((v, int(n)) for v, n in counts.items() if n), key=lambda item: (-item[1], item[0]))
    allowed = set(stage_names(mapping.settings))
    values = [v for v, _ in counted]
    return pd.DataFrame({
        "value": pd.Series(values, dtype="str"),
        "rows": pd.Series([int(n) for _, n in counted], dtype="int64"),
        "suggested_stage": pd.Series([suggest_stage(v, mapping.settings.stages) for v in values], dtype="object"),
        "mapped_stage": pd.Series([effective_stage(v, mapping, allowed) for v in values], dtype="object"),
    })


def unmapped_stage_values(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> pd.DataFrame:
    """The raw stage values no stage is mapped to, with their row counts (their rows are excluded)."""
    values = stage_values(con, mapping)
    return values[values["mapped_stage"].isna()][["value", "rows"]].reset_index(drop=True)


def suggested_stage_map(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> dict[str, str | None]:
    """Raw stage value → suggested stage (None when no synonym names one), for every value in the data."""
    values = stage_values(con, mapping)
    return dict(zip(values["value"], [None if pd.isna(s) else s for s in values["suggested_stage"]]))
