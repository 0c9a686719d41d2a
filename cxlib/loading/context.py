"""What every step of one load shares: the load context (connection, display name, hints, progress,
temporary directory and the tables made so far), the limits every reader applies (``MAX_COLUMNS``:
DuckDB needs memory per column per batch, so wider tables are refused; ``_CHUNK``: how much of a file
is read at a time), the cleanup of tables after a failure, and the wording those steps share.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cxlib.canonical import quote
from cxlib.errors import LoadError

ProgressFn = Callable[[str, float], None]
MAX_COLUMNS = 2000                      # DuckDB needs ~32 KB per column per batch: wider tables are refused
_CHUNK = 16 << 20                       # bytes read from a file at a time


class _Progress:
    """Calls the caller's progress function, never letting it break a load."""

    def __init__(self, fn: ProgressFn | None) -> None:
        """Keep the caller's function (or None)."""
        self.fn = fn

    def __call__(self, message: str, fraction: float) -> None:
        """Report a step, with the fraction clamped to 0…1."""
        if self.fn is not None:
            self.fn(message, max(0.0, min(1.0, fraction)))


@dataclass
class _Ctx:
    """One load_file call: connection, display name, hints, progress, temp dir and the tables made so far."""

    con: duckdb.DuckDBPyConnection
    display: str
    hints: dict[str, str]
    progress: _Progress
    tmpdir: Path
    created: list[str]

    def tmp_name(self, kind: str) -> str:
        """A fresh name for a temporary table of this load."""
        return f"__cxlib_{kind}_{uuid.uuid4().hex[:12]}"


def _drop_all(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
    """Drop tables (and views of the same name are left alone); used for cleanup after failures."""
    for table in tables:
        try:
            con.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        except duckdb.Error:
            pass


def _too_wide(ctx: _Ctx, count: int, sheet: str | None = None) -> LoadError:
    """The error for a table with more columns than can be loaded."""
    where = f"Sheet '{sheet}' of '{ctx.display}'" if sheet else f"'{ctx.display}'"
    return LoadError(f"{where} has {count:,} columns; at most {MAX_COLUMNS:,} columns can be loaded per table: "
                     "remove the columns you do not need and upload again.", file=ctx.display, sheet=sheet)


def _plural(k: int, word: str) -> str:
    """'1 line', '3 lines'."""
    return f"{k} {word}{'' if k == 1 else 's'}"
