"""Raw tables as mapping sees them: their columns and DuckDB types, whether they exist, type classes.

Raw tables are the typed DuckDB tables `cxlib.loading` writes, one per file or sheet, each with a
`_source_row` column pointing back at the file's row (README, "Architecture").
"""

from __future__ import annotations

import duckdb

from cxlib import catalog

_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                  "UBIGINT", "UHUGEINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL")
_INTEGER_TYPES = _NUMERIC_TYPES[:10]


def type_class(duck_type: str) -> str:
    """Coarse class of a DuckDB type: number, integer, date, timestamp, timestamptz, boolean, text."""
    t = duck_type.upper()
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return "timestamptz"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "DATE":
        return "date"
    if t == "BOOLEAN":
        return "boolean"
    if t.split("(")[0] in _INTEGER_TYPES:
        return "integer"
    if t.split("(")[0] in _NUMERIC_TYPES:
        return "number"
    return "text"


def raw_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column → DuckDB type of a raw table, in table order (without `_source_row`)."""
    return {c: t for c, t in catalog.columns(con, table) if c != "_source_row"}


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether a table or view of this name is in the session's schema."""
    return catalog.exists(con, table)
