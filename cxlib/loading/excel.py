"""Excel workbooks → one grid per worksheet. python-calamine reads XLSX and XLS; chart sheets and empty
sheets are skipped, a hidden sheet is loaded with a warning, columns empty all the way down on the
left or right are not part of the table, and cells Excel already typed as numbers keep their value.
Merged cells are passed on: in a header row they are refused (layout), in data rows they get a
warning (table). Each grid then goes through the same layout, type and table steps as a text file.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cxlib.canonical import quote
from cxlib.errors import LoadError
from cxlib.loading.context import MAX_COLUMNS, _Ctx, _drop_all, _too_wide
from cxlib.loading.detection import _ole_encrypted
from cxlib.loading.grid import _Grid
from cxlib.loading.names import _table_base
from cxlib.loading.report import LoadReport
from cxlib.loading.table import _finish


def _cell_text(value: Any) -> str | None:
    """An Excel cell as text the type inference reads back exactly (None when empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _load_excel(ctx: _Ctx, src: Path, kind: str) -> list[LoadReport]:
    """Every non-empty worksheet of an XLSX/XLS workbook → one table each."""
    import python_calamine

    if kind == "xls" and _ole_encrypted(src):
        raise LoadError(f"'{ctx.display}' is password-protected (encrypted): remove the password in Excel "
                        "(File › Info › Protect Workbook) and upload it again.", file=ctx.display)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(src))
    except python_calamine.PasswordError as exc:
        raise LoadError(f"'{ctx.display}' is password-protected (encrypted): remove the password in Excel "
                        "and upload it again.", file=ctx.display) from exc
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise LoadError(f"'{ctx.display}' is not a valid Excel workbook: the file is damaged or is not "
                        f"really an Excel file ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}).",
                        file=ctx.display) from exc
    with workbook:
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except Exception as exc:
                raise LoadError(f"Sheet '{meta.name}' of '{ctx.display}' could not be read: {exc}",
                                file=ctx.display, sheet=meta.name) from exc
            if sheet.end is None:
                continue
            sheets.append((meta, sheet))
        names = [m.name for m in workbook.sheets_metadata]
        non_empty = []
        for meta, sheet in sheets:
            rows = sheet.to_python(skip_empty_area=False)
            if any(_cell_text(v) is not None and str(v).strip() for row in rows for v in row):
                non_empty.append((meta, sheet, rows))
        if not non_empty:
            raise LoadError(f"'{ctx.display}' has no sheet with data: its {len(names)} sheet(s) "
                            f"({', '.join(repr(n) for n in names)}) are empty or only hold charts.",
                            file=ctx.display)
        reports: list[LoadReport] = []
        total = len(non_empty)
        for k, (meta, sheet, rows) in enumerate(non_empty):
            lo = 0.1 + 0.85 * k / total
            ctx.progress(f"Loading sheet {k + 1} of {total}…" if total > 1 else "Loading sheet…", lo)
            grid = _excel_grid(ctx, meta.name, sheet, rows)
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                grid.warnings.append(f"sheet '{meta.name}' is hidden in the workbook")
            try:
                base = _table_base(ctx.display, meta.name if total > 1 else None)
                reports.append(_finish(ctx, grid, sheet=meta.name, base=base, progress_from=lo,
                                       progress_to=0.1 + 0.85 * (k + 1) / total))
            finally:
                _drop_all(ctx.con, grid.temp_tables)
        ctx.progress("Done", 1.0)
        return reports


def _excel_grid(ctx: _Ctx, sheet_name: str, sheet: Any, rows: list[list[Any]]) -> _Grid:
    """One sheet's cells as a VARCHAR grid (row numbers are spreadsheet rows) plus its native number columns."""
    # Columns empty all the way down on the left (an indented report) or right are not part of the table.
    first, last = None, -1
    for row in rows:
        filled = [i for i, v in enumerate(row) if _cell_text(v) is not None and str(v).strip()]
        if filled:
            first = filled[0] if first is None else min(first, filled[0])
            last = max(last, filled[-1])
    first = first or 0
    n = max(last - first + 1, 1)
    if n > MAX_COLUMNS:
        raise _too_wide(ctx, n, sheet_name)
    cols: list[list[str | None]] = [[] for _ in range(n)]
    numeric = [0] * n
    other = [0] * n
    for row in rows:
        for i in range(n):
            value = row[first + i] if first + i < len(row) else None
            text = _cell_text(value)
            if isinstance(value, str) and text is not None and not text.strip():
                text = None
            cols[i].append(text)
            if text is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numeric[i] += 1
            else:
                other[i] += 1
    table = ctx.tmp_name("grid")
    filled_rows = [any(cols[i][r] is not None for i in range(n)) for r in range(len(rows))]
    arrays = {"_line": pa.array(np.arange(1, len(rows) + 1, dtype=np.int64)),
              "_span": pa.array(np.ones(len(rows), dtype=np.int64)),
              "_filled": pa.array(filled_rows, type=pa.bool_()),
              "_ok": pa.array([True] * len(rows), type=pa.bool_())}
    for i in range(n):
        arrays[f"c{i}"] = pa.array(cols[i], type=pa.string())
    arrow = pa.table(arrays)
    ctx.con.register("__cxlib_sheet", arrow)
    try:
        ctx.con.execute(f"CREATE TEMP TABLE {quote(table)} AS SELECT * FROM __cxlib_sheet")
    finally:
        ctx.con.unregister("__cxlib_sheet")
    merged = []
    for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or []):
        if (r0, c0) != (r1, c1):
            merged.append((r0 + 1, c0 + 1, r1 + 1, c1 + 1))
    return _Grid(table=table, lines_table=None, ncols=n, total_lines=len(rows), items=[], delimiter="\t",
                 nrows=len(rows),
                 temp_tables=[table], excel=True, merged=merged, sheet=sheet_name,
                 native_numbers={i for i in range(n) if numeric[i] and not other[i]})
