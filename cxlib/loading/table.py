"""The end of a load: the typed table (the rows that are ok, with ``_source_row``; wide tables built in
column slices), the rejects table (parse rejects in the data, then rows holding a value their column
cannot take, each with its line, reason and raw text) and the ``LoadReport``, whose counts reconcile
(``rows_read == rows_loaded + rows_rejected``) and whose note says which lines were not data.
"""

from __future__ import annotations

from collections.abc import Sequence

from cxlib.canonical import quote
from cxlib.loading.context import _Ctx, _drop_all
from cxlib.loading.decisions import _Decision, _value_sql
from cxlib.loading.grid import _BATCH, _a1, _batches, _Grid
from cxlib.loading.inference import _Data, _infer
from cxlib.loading.layout import _Layout, _layout
from cxlib.loading.names import SOURCE_ROW, _unique_name
from cxlib.loading.report import LoadReport, _column_reports
from cxlib.loading.values import _x


def _finish(ctx: _Ctx, grid: _Grid, *, sheet: str | None, base: str, progress_from: float,
            progress_to: float = 0.95) -> LoadReport:
    """Layout, types, the table with _source_row, the rejects table and the reconciled report."""
    con = ctx.con
    span = progress_to - progress_from
    layout = _layout(ctx, grid)
    data = _Data(grid, layout.top_end, layout.footer_line)
    ctx.progress("Inferring column types…" if sheet is None else f"Inferring column types of '{sheet}'…",
                 progress_from + 0.2 * span)
    decisions, keep, questions, warnings, (data_rows, data_lines) = _infer(ctx, grid, layout, data)
    warnings = grid.warnings + warnings
    in_data = [m for m in grid.merged if m[0] > layout.top_end]
    if in_data:
        refs = ", ".join(f"{_a1(r0 - 1, c0 - 1)}:{_a1(r1 - 1, c1 - 1)}" for r0, c0, r1, c1 in sorted(in_data)[:5])
        warnings.append(f"merged cells in the data ({refs}{' …' if len(in_data) > 5 else ''}): only the first "
                        "cell of each keeps the value, the others are empty")
    names = layout.names
    typed = [i for i in keep if decisions[i].kind != "text"]
    table = _unique_name(con, base)
    ctx.created.append(table)
    ctx.progress("Writing table…", progress_from + 0.6 * span)
    fails_table = ctx.tmp_name("fails")
    parts: list[str] = [fails_table]
    try:
        type_rejects = _mark_failures(ctx, grid, data, typed, decisions, names, fails_table)
        _write_table(ctx, grid, data, keep, decisions, names, table, parts)
        rows_loaded = con.execute(f"SELECT count(*) FROM {quote(table)}").fetchall()[0][0]
        # Rejects: parse rejects in the data region, then rows with values their column could not take.
        data_items = [it for it in grid.items if layout.top_end < it.line < layout.footer_line and not it.blank]
        rejects_table = None
        if data_items or type_rejects:
            rejects_table = _unique_name(con, f"{table}_rejects")
            ctx.created.append(rejects_table)
            con.execute(f"CREATE TABLE {quote(rejects_table)} (source_row BIGINT, reason VARCHAR, raw VARCHAR)")
            if data_items:
                con.executemany(f"INSERT INTO {quote(rejects_table)} VALUES (?, ?, ?)",
                                [[it.line, it.reason, it.raw] for it in data_items])
            if type_rejects:
                raw = ", ".join(f"coalesce(c{i}, '')" for i in range(grid.ncols))
                con.execute(f"INSERT INTO {quote(rejects_table)} WITH row_reasons AS (SELECT _line, "
                            f"string_agg(reason, '; ' ORDER BY part) AS reason FROM {quote(fails_table)} "
                            "GROUP BY _line), "
                            f"data_rows AS ({data.sql(range(grid.ncols))}) "
                            f"SELECT data_rows._line, row_reasons.reason, concat_ws(?, {raw}) FROM data_rows "
                            "JOIN row_reasons ON data_rows._line = row_reasons._line ORDER BY data_rows._line",
                            [grid.delimiter])
    finally:
        _drop_all(con, parts)
    if rows_loaded + type_rejects != data_rows:  # pragma: no cover - a bug, never a user error
        raise AssertionError(f"{ctx.display}: {data_rows} data rows, {rows_loaded} loaded, {type_rejects} rejected")
    rows_rejected = type_rejects + len(data_items)
    rows_read = data_rows + len(data_items)
    if rows_read != rows_loaded + rows_rejected:  # pragma: no cover - a bug, never a user error
        raise AssertionError(f"row reconciliation failed for {ctx.display}: {rows_read} read, "
                             f"{rows_loaded} loaded, {rows_rejected} rejected")
    read_lines = data_lines + sum(it.span for it in data_items)
    skipped = grid.total_lines - layout.header_span - read_lines
    if rows_read == 0:
        where = f"sheet '{sheet}' of '{ctx.display}'" if sheet else f"'{ctx.display}'"
        warnings.append(f"{where} has a header but no data rows" if layout.header_line
                        else f"{where} has no data rows")
    ctx.progress("Profiling columns…", progress_from + 0.85 * span)
    notes = [[*decisions[i].notes, *([f"time zone {layout.zones[i]} (Qualtrics ImportId row)"]
                                     if layout.zones[i] else [])] for i in range(grid.ncols)]
    columns = _column_reports(con, table, [(names[i], decisions[i].sql_type, "; ".join(notes[i]) or None)
                                           for i in keep], [layout.labels[i] for i in keep])
    return LoadReport(table=table, source=ctx.display, sheet=sheet, rows_read=rows_read,
                      rows_loaded=rows_loaded, rows_rejected=rows_rejected, skipped_lines=int(skipped),
                      skipped_note=_skipped_note(layout, int(skipped), grid.excel), columns=columns,
                      questions=questions, warnings=warnings, rejects_table=rejects_table)


def _mark_failures(ctx: _Ctx, grid: _Grid, data: _Data, typed: Sequence[int], decisions: list[_Decision],
                   names: list[str], fails_table: str) -> int:
    """Record (line, reason) of every value a typed column cannot take, and flag those rows not ok."""
    con = ctx.con
    con.execute(f"CREATE TEMP TABLE {quote(fails_table)} (_line BIGINT, part INTEGER, reason VARCHAR)")
    what = {"bool": "a yes/no value", "number": "a number", "date": "a date"}
    marked = False
    for part, batch in enumerate(_batches(typed, _BATCH // 2)):
        if all(decisions[i].failures == 0 for i in batch):
            continue    # validation converted every value of these columns with the same SQL: nothing to mark
        marked = True
        values = ", ".join(f"{_value_sql(i, decisions[i])} AS y{i}" for i in batch)
        fails = [f"(x{i} IS NOT NULL AND y{i} IS NULL)" for i in batch]
        reasons, params = [], []
        for i, fail in zip(batch, fails):
            reasons.append(f"CASE WHEN {fail} THEN ? || x{i} || ? END")
            params += [f"column '{names[i]}': '", f"' is not {what[decisions[i].kind]}"]
        con.execute(f"INSERT INTO {quote(fails_table)} WITH {data.prepared(batch)}, "
                    f"converted AS (SELECT _line, {', '.join(f'x{i}' for i in batch)}, {values} FROM cleaned_rows) "
                    f"SELECT _line, {part}, concat_ws('; ', {', '.join(reasons)}) FROM converted "
                    f"WHERE {' OR '.join(fails)}", params)
    count = con.execute(f"SELECT count(DISTINCT _line) FROM {quote(fails_table)}").fetchall()[0][0] if marked else 0
    if count:
        target = grid.lines_table or grid.table
        con.execute(f"UPDATE {quote(target)} SET _ok = false WHERE _line IN "
                    f"(SELECT _line FROM {quote(fails_table)})")
    return int(count)


def _write_table(ctx: _Ctx, grid: _Grid, data: _Data, keep: Sequence[int], decisions: list[_Decision],
                 names: list[str], table: str, parts: list[str]) -> None:
    """The typed table from the rows that are ok, with _source_row; wide tables are built in column slices."""
    con = ctx.con

    def select_list(cols: Sequence[int]) -> tuple[str, str]:
        """Extra x_i columns and the output select list for a slice of columns."""
        typed = [i for i in cols if decisions[i].kind != "text"]
        xs = "".join(f", {_x(i)} AS x{i}" for i in typed)
        out = []
        for i in cols:
            value = _value_sql(i, decisions[i])
            out.append(f"CASE WHEN trim(c{i}) = '' THEN NULL ELSE c{i} END AS {quote(names[i])}" if value is None
                       else f"CAST({value} AS {decisions[i].sql_type}) AS {quote(names[i])}")
        return xs, ", ".join(out)

    slices = _batches(keep, _BATCH)
    if len(slices) <= 2:
        xs, out = select_list(keep)
        con.execute(f"CREATE TABLE {quote(table)} AS WITH data_rows AS ({data.sql(keep, ok_only=True)}), "
                    f"cleaned_rows AS (SELECT *{xs} FROM data_rows) "
                    f"SELECT {out}, _line AS {quote(SOURCE_ROW)} FROM cleaned_rows")
        return
    # Same rows in the same order in every slice (a filter on flags, no join), so they line up by position.
    for cols in slices:
        part = ctx.tmp_name("part")
        parts.append(part)
        xs, out = select_list(cols)
        con.execute(f"CREATE TEMP TABLE {quote(part)} AS WITH data_rows AS ({data.sql(cols, ok_only=True)}), "
                    f"cleaned_rows AS (SELECT *{xs} FROM data_rows) SELECT {out} FROM cleaned_rows")
    lines = ctx.tmp_name("part")
    parts.append(lines)
    con.execute(f"CREATE TEMP TABLE {quote(lines)} AS SELECT _line AS {quote(SOURCE_ROW)} "
                f"FROM ({data.sql([], ok_only=True)})")
    con.execute(f"CREATE TABLE {quote(table)} AS SELECT * FROM "
                + " POSITIONAL JOIN ".join(quote(p) for p in parts[-len(slices) - 1:]))


def _skipped_note(layout: _Layout, skipped: int, excel: bool) -> str | None:
    """Say which lines were not data: title rows, header rows under the header, footer, blank lines."""
    if skipped <= 0:
        return None
    unit = "row" if excel else "line"

    def many(k: int, what: str) -> str:
        """'1 line', '3 lines' (or rows)."""
        return f"{k} {what}{'' if k == 1 else 's'}"

    parts = []
    if layout.title_lines:
        parts.append(f"{many(layout.title_lines, unit)} above the header (title rows)")
    if layout.under_lines:
        first = (layout.header_line or 0) + layout.header_span
        last = first + layout.under_lines - 1
        where = f"{unit} {first}" if first == last else f"{unit}s {first}–{last}"
        parts.append(f"{many(layout.under_lines, unit)} under the header, {where} ({layout.under_what})")
    if layout.footer_lines > 0 and layout.footer_text:
        parts.append(f"{many(layout.footer_lines, unit)} of footer from {unit} {layout.footer_line} "
                     f"('{layout.footer_text[:60]}')")
    elif layout.footer_lines > 0:
        parts.append(f"{many(layout.footer_lines, 'empty ' + unit)} at the end")
    rest = skipped - layout.title_lines - layout.under_lines - max(layout.footer_lines, 0)
    if rest > 0:
        parts.append(f"{many(rest, 'blank or empty ' + unit)} between the rows")
    return "; ".join(parts) if parts else None
