"""Parquet files → one table that keeps the file's own schema (nested types included): nothing is
inferred or rejected, and ``_source_row`` is the row's position in the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cxlib.canonical import quote
from cxlib.errors import LoadError
from cxlib.loading.context import _Ctx
from cxlib.loading.names import SOURCE_ROW, _header_names, _table_base, _unique_name
from cxlib.loading.report import LoadReport, _column_reports


def _load_parquet(ctx: _Ctx, src: Path) -> LoadReport:
    """A Parquet file keeps its own schema; ``_source_row`` is the row's position in the file."""
    con = ctx.con
    ctx.progress("Reading Parquet…", 0.2)
    try:
        schema = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(src)]).fetchall()
    except duckdb.Error as exc:
        raise LoadError(f"'{ctx.display}' is not a readable Parquet file: "
                        f"{str(exc).strip().splitlines()[0]}", file=ctx.display) from exc
    names = _header_names([r[0] for r in schema])
    table = _unique_name(con, _table_base(ctx.display, None))
    select = ", ".join(f"{quote(orig)} AS {quote(new)}" for (orig, *_), new in zip(schema, names))
    ctx.created.append(table)
    con.execute(f"CREATE TABLE {quote(table)} AS SELECT {select}, file_row_number + 1 AS {quote(SOURCE_ROW)} "
                "FROM read_parquet(?, file_row_number=true)", [str(src)])
    ctx.progress("Profiling columns…", 0.7)
    rows = con.execute(f"SELECT count(*) FROM {quote(table)}").fetchall()[0][0]
    columns = _column_reports(con, table, [(new, r[1], None) for r, new in zip(schema, names)])
    warnings = [] if rows else [f"'{ctx.display}' has a schema but no rows."]
    ctx.progress("Done", 1.0)
    return LoadReport(table=table, source=ctx.display, sheet=None, rows_read=rows, rows_loaded=rows,
                      rows_rejected=0, skipped_lines=0, skipped_note=None, columns=columns, questions=[],
                      warnings=warnings, rejects_table=None)
