"""What a load reports: a ``LoadReport`` per table (rows read, loaded and rejected, which always
reconcile; skipped lines and why; columns; questions; warnings; the rejects table), a
``ColumnReport`` per column (type, nulls, first distinct values, how it was read, its text in a header
row under the header such as a Qualtrics question) and a ``Question``
for an ambiguity the loader will not guess; and the column profile every report carries.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import duckdb

from cxlib.canonical import quote
from cxlib.loading.grid import _BATCH, _batches


@dataclass
class ColumnReport:
    """One loaded column: its name, the DuckDB type decided, null count, examples and how it was read."""

    name: str
    type: str
    nulls: int
    examples: list[str]
    note: str | None = None
    label: str | None = None        # the column's text in a header row under the header (Qualtrics question)


@dataclass
class Question:
    """An ambiguity the loader will not guess; answer it with ``hints={column: option}`` on reload."""

    column: str
    message: str
    options: list[str]


@dataclass
class LoadReport:
    """What loading one file (or sheet) did: counts that reconcile, columns, questions, rejects."""

    table: str
    source: str
    sheet: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    skipped_lines: int
    skipped_note: str | None
    columns: list[ColumnReport]
    questions: list[Question]
    warnings: list[str]
    rejects_table: str | None

    def to_dict(self) -> dict:
        """A plain JSON-ready dict (for the CLI's --format json and downloads)."""
        return dataclasses.asdict(self)


def _column_reports(con: duckdb.DuckDBPyConnection, table: str, cols: list[tuple[str, str, str | None]],
                    labels: list[str | None] | None = None) -> list[ColumnReport]:
    """Null counts and the first three distinct values (as text) of each column of a loaded table."""
    if not cols:
        return []
    labels = labels or [None] * len(cols)
    nulls: list[int] = []
    for batch in _batches(range(len(cols)), 4 * _BATCH):
        nulls += con.execute("SELECT " + ", ".join(f"count(*) - count({quote(cols[k][0])})" for k in batch)
                             + f" FROM {quote(table)}").fetchall()[0]
    reports = []
    for (name, typ, note), null_count, label in zip(cols, nulls, labels):
        text = f"CAST({quote(name)} AS VARCHAR)"
        if str(typ).upper() in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            # Instants are shown in UTC, whatever the session's time zone.
            text = f"CAST(timezone('UTC', {quote(name)}) AS VARCHAR) || '+00'"
        values = con.execute(f"SELECT {text} FROM {quote(table)} "
                             f"WHERE {quote(name)} IS NOT NULL LIMIT 1000").fetchall()
        examples: list[str] = []
        for (v,) in values:
            if v not in examples:
                examples.append(v)
            if len(examples) == 3:
                break
        reports.append(ColumnReport(name=name, type=str(typ), nulls=int(null_count), examples=examples,
                                    note=note, label=label))
    return reports
