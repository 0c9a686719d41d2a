"""The grid every reader produces: each record of a CSV file or worksheet as VARCHAR cells ``c0 … cN``
in a temporary DuckDB table, with the 1-based line it starts on (``_line``) and the lines it spans,
plus the lines outside it (parse rejects and blank lines, kept for the layout and the rejects
table); how to select its cells in file order, in column slices so no statement gets too wide to
plan, how many cells of a row are filled, and the A1 reference of a cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cxlib.canonical import quote


@dataclass
class _Item:
    """A line-level thing outside the grid: a parse reject or a blank line (CSV), for layout and rejects."""

    line: int
    span: int
    raw: str
    reason: str
    blank: bool = False
    sparse: bool = False


@dataclass
class _Grid:
    """All records of one table source: a temp table c0…cN plus _line/_span, and what DuckDB rejected."""

    table: str                      # temp table of cells c0 … c{n-1} (VARCHAR), in file order
    lines_table: str | None         # CSV: temp table _line, _span, _filled, _ok row by row (Excel: inline)
    ncols: int
    total_lines: int
    items: list[_Item]              # parse rejects and blank lines, by line
    delimiter: str
    nrows: int = 0                  # records in the grid
    native_numbers: set[int] = field(default_factory=set)   # Excel columns Excel typed as numbers
    warnings: list[str] = field(default_factory=list)
    temp_tables: list[str] = field(default_factory=list)
    excel: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)   # 1-based r0, c0, r1, c1
    sheet: str | None = None


_BATCH = 64   # columns per statement: DuckDB plans very wide statements slowly


def _batches(cols: Sequence[int], size: int = _BATCH) -> list[list[int]]:
    """Columns in slices, so no single statement gets too wide to plan quickly."""
    cols = list(cols)
    return [cols[k:k + size] for k in range(0, len(cols), size)]


def _select(grid: _Grid, cols: Sequence[int], where: str = "") -> str:
    """SELECT _line, _span and the given cells of a grid in file order, optionally filtered."""
    tail = f" WHERE {where}" if where else ""
    if grid.lines_table:
        cells = "".join(f", cells.c{i}" for i in cols)
        return (f"SELECT lines._line, lines._span{cells} FROM {quote(grid.table)} cells "
                f"POSITIONAL JOIN {quote(grid.lines_table)} lines{tail}")
    cells = "".join(f", c{i}" for i in cols)
    return f"SELECT _line, _span{cells} FROM {quote(grid.table)}{tail}"


def _nonempty(cells: Sequence[str | None]) -> int:
    """How many cells of a row hold something other than blanks."""
    return sum(1 for c in cells if c is not None and str(c).strip())


def _a1(row: int, col: int) -> str:
    """1-based row/column → A1 reference."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"
