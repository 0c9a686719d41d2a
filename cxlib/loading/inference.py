"""Type inference, in DuckDB SQL over the VARCHAR cells of the data rows: which columns are empty,
which are mostly not numbers, dates or yes/no words (they stay text without a full scan), how many
values fit each reading (cells grouped by shape, so a reading is tried once per shape, not once per
cell), and then how many values the decided type cannot convert. Bad values are never silently NULL:
a few reject their rows, many keep the column as text with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from cxlib.canonical import quote
from cxlib.loading.context import _Ctx, _drop_all
from cxlib.loading.decisions import (_BAD_SHARE, _BOOL_HINTS, _DATE_HINTS, _NUMBER_HINTS, _TEXT_HINTS, _accept,
                                     _apply_consensus, _decide, _Decision, _hint_for, _question, _value_sql)
from cxlib.loading.grid import _BATCH, _batches, _Grid, _select
from cxlib.loading.layout import _Layout
from cxlib.loading.report import Question
from cxlib.loading.values import (_BROAD, _CUR, _TZ_SUFFIX, FALSE_WORDS, TRUE_WORDS, _date_sql, _lit, _lits,
                                  _number_sql, _tok, _x)

_SAMPLE_ROWS = 20000


@dataclass
class _Data:
    """The data rows of a grid: between header and footer, with at least one filled cell."""

    grid: _Grid
    first: int      # lines above this are header/title
    stop: int       # footer starts here

    def sql(self, cols: Sequence[int], limit: int | None = None, ok_only: bool = False) -> str:
        """SELECT _line, _span and the given cells of the data rows (only rows without failures if ok_only)."""
        where = f"_line > {int(self.first)} AND _line < {int(self.stop)} AND _filled" + (" AND _ok" if ok_only else "")
        return _select(self.grid, cols, where) + (f" LIMIT {int(limit)}" if limit else "")

    def prepared(self, cols: Sequence[int], limit: int | None = None) -> str:
        """CTEs d (data rows) and q (cells c_i, x_i trimmed with placeholders NULL, tok_i flags) for cols."""
        xs = "".join(f", {_x(i)} AS x{i}, {_tok(i)} AS tok{i}" for i in cols)
        cells = "".join(f", c{i}" for i in cols)
        return f"d AS ({self.sql(cols, limit)}), q AS (SELECT _line, _span{cells}{xs} FROM d)"


def _infer(ctx: _Ctx, grid: _Grid, layout: _Layout,
           data: _Data) -> tuple[list[_Decision], list[int], list[Question], list[str], tuple[int, int]]:
    """Decide every column's type from its values.

    Returns decisions, kept columns, questions, warnings and (data rows, lines they span).
    """
    con, n = ctx.con, grid.ncols
    names = layout.names
    warnings: list[str] = []
    # Pass 1 (every row, no regex): data rows, their lines, filled cells and placeholders per column.
    row = con.execute(f"WITH d AS ({data.sql([])}) SELECT count(*), coalesce(sum(_span), 0) FROM d").fetchall()[0]
    counts = (int(row[0]), int(row[1]))
    filled, tokens = [0] * n, [0] * n
    sample_filled, hopeless, misfit_example, sample_words = [0] * n, [0] * n, [(None, None)] * n, [0] * n
    for batch in _batches(range(n)):
        aggs = []
        for i in batch:
            aggs += [f"count(x{i})", f"count(*) FILTER (WHERE tok{i})"]
        row = con.execute(f"WITH {data.prepared(batch)} SELECT {', '.join(aggs)} FROM q").fetchall()[0]
        for k, i in enumerate(batch):
            filled[i], tokens[i] = row[2 * k], row[2 * k + 1]
        # Columns whose first rows are mostly not numbers/dates/booleans stay text without a full scan.
        aggs = []
        for i in batch:
            misfit = (f"x{i} IS NOT NULL AND lower(x{i}) NOT IN {_lits(TRUE_WORDS + FALSE_WORDS)} "
                      f"AND NOT regexp_full_match(x{i}, {_lit(_BROAD)})")
            aggs += [f"count(x{i})", f"count(*) FILTER (WHERE {misfit})",
                     f"arg_min(x{i}, _line) FILTER (WHERE {misfit})", f"min(_line) FILTER (WHERE {misfit})",
                     f"count(*) FILTER (WHERE lower(x{i}) IN {_lits(TRUE_WORDS + FALSE_WORDS)})"]
        row = con.execute(f"WITH {data.prepared(batch, _SAMPLE_ROWS)} SELECT {', '.join(aggs)} FROM q").fetchall()[0]
        for k, i in enumerate(batch):
            sample_filled[i], hopeless[i] = row[5 * k], row[5 * k + 1]
            misfit_example[i] = (row[5 * k + 2], row[5 * k + 3])
            sample_words[i] = row[5 * k + 4]
    keep = [i for i in range(n) if not (layout.header_blank[i] and filled[i] == 0 and tokens[i] == 0)]
    if len(keep) < n and keep:
        dropped = [i + 1 for i in range(n) if i not in keep]
        warnings.append(f"dropped {len(dropped)} empty column(s) without a header "
                        f"(position {', '.join(map(str, dropped))})")
    elif not keep:
        keep = list(range(n))
    decisions = [_Decision() for _ in range(n)]
    hints = {i: _hint_for(ctx.hints, names[i]) for i in keep}
    known = _TEXT_HINTS | _NUMBER_HINTS | _DATE_HINTS | _BOOL_HINTS
    for i in keep:
        if hints[i] is not None and hints[i] not in known:
            warnings.append(f"hint '{hints[i]}' for column '{names[i]}' not understood (use DMY, MDY, "
                            "decimal_point, decimal_comma, thousands_comma, thousands_dot, VARCHAR, BOOLEAN, "
                            "DATE, TIMESTAMP, DOUBLE or BIGINT)")
            hints[i] = None
    for name in ctx.hints:
        if not any(names[i].lower() == str(name).lower() for i in keep):
            warnings.append(f"hint for column '{name}' ignored: there is no such column")
    candidates = [i for i in keep if filled[i] and hints[i] not in _TEXT_HINTS
                  and (hints[i] is not None or hopeless[i] <= _BAD_SHARE * sample_filled[i])]
    for i in keep:
        # Mostly numbers or dates, but too many other values: say why the column stays text.
        numberish = sample_filled[i] - hopeless[i] - sample_words[i]
        if i not in candidates and hints[i] is None and hopeless[i] and numberish * 2 >= sample_filled[i]:
            scope = "" if counts[0] <= _SAMPLE_ROWS else f" in the first {_SAMPLE_ROWS} rows"
            example, line = misfit_example[i]
            warnings.append(f"column '{names[i]}' kept as text: {hopeless[i]} of {sample_filled[i]} values{scope} "
                            f"are not numbers, dates or yes/no values (e.g. '{example}' on line {line})")
    if not candidates:
        return decisions, keep, [], warnings, counts
    stats = _shape_stats(ctx, data, candidates)
    for i in candidates:
        decisions[i] = _decide(names[i], stats[i], filled[i], hints[i], i in grid.native_numbers)
    _apply_consensus(decisions, candidates, names)
    questions = [q for i in candidates if (q := _question(names[i], decisions[i])) is not None]
    _validate(ctx, data, candidates, decisions, names, warnings)
    for i in keep:
        if tokens[i] and decisions[i].kind != "text":
            shown = con.execute(f"WITH {data.prepared([i])} SELECT DISTINCT trim(c{i}) FROM q "
                                f"WHERE tok{i} ORDER BY 1 LIMIT 3").fetchall()
            decisions[i].notes.append(f"{tokens[i]} placeholder value(s) read as empty "
                                      f"({', '.join(repr(s[0]) for s in shown)})")
    return decisions, keep, questions, warnings, counts


def _shape_stats(ctx: _Ctx, data: _Data, cols: Sequence[int]) -> dict[int, dict]:
    """Per candidate column: how many values fit each number/date/boolean reading, with first examples.

    Cells are grouped by shape first (digits → 9, plus a leading zero and whether the first two numbers
    exceed 12 or are equal), so the readings are tried once per shape, not once per cell; a shape's
    example is its first cell in the file. Cells longer than 60 characters fit no reading.
    """
    con = ctx.con
    shapes = ctx.tmp_name("shapes")
    split = "translate(x, '.-', '//')"
    a = f"try_cast(split_part({split}, '/', 1) AS INTEGER)"
    b = f"try_cast(split_part({split}, '/', 2) AS INTEGER)"
    for k, batch in enumerate(_batches(cols)):
        cells = ", ".join(f"x{i} AS v{i}" for i in batch)
        con.execute(
            ("INSERT INTO " if k else "CREATE TEMP TABLE ") + quote(shapes) + (" " if k else " AS ")
            + f"WITH {data.prepared(batch)}, u AS (SELECT _line, {cells} FROM q), "
            f"long AS (UNPIVOT u ON {', '.join(f'v{i}' for i in batch)} INTO NAME col VALUE x) "
            f"SELECT CAST(substr(col, 2) AS INTEGER) AS col, translate(x, '012345678', '999999999') AS shape, "
            f"regexp_matches(x, '^[^0-9]*0[0-9]') AS lead0, {a} > 12 AS a12, {b} > 12 AS b12, {a} = {b} AS ab, "
            f"count(*) AS n, min(_line) AS line, "
            f"[arg_min(x, _line), arg_max(x, _line), min(x), max(x)] AS examples "
            f"FROM long WHERE length(x) <= 60 GROUP BY ALL")
    try:
        return _classify_shapes(con, shapes, cols)
    finally:
        _drop_all(con, [shapes])


def _classify_shapes(con: duckdb.DuckDBPyConnection, shapes: str, cols: Sequence[int]) -> dict[int, dict]:
    """Sum the shape counts of every reading a column's values allow (conversions tried on the examples)."""
    flags = {
        "pt": f"{_number_sql('ex', 'point', None)} IS NOT NULL",
        "cm": f"{_number_sql('ex', 'comma', None)} IS NOT NULL",
        "dmy": f"{_date_sql('ex', 'DMY')} IS NOT NULL",
        "mdy": f"{_date_sql('ex', 'MDY')} IS NOT NULL",
        "same": f"{_date_sql('ex', 'DMY')} IS NOT DISTINCT FROM {_date_sql('ex', 'MDY')}",
        "bool": f"lower(ex) IN {_lits(TRUE_WORDS + FALSE_WORDS)}",
        "b01": "ex IN ('0', '1')",
        "lead0": r"regexp_matches(ex, '^\D*0\d')",
        "long": r"length(regexp_replace(ex, '\D', '', 'g')) > 15",
        "pctsign": "contains(ex, '%')",
        "cursign": f"regexp_matches(ex, {_lit(_CUR)})",
        "time": r"regexp_matches(ex, '\d:\d\d')",
        "tz": f"regexp_full_match(ex, {_lit(_TZ_SUFFIX)})",
    }
    f = {k: f"f_{k}" for k in flags}
    num = f"({f['pt']} OR {f['cm']})"
    date = f"({f['dmy']} OR {f['mdy']})"
    classes = {
        "pt": f["pt"], "cm": f["cm"],
        "dpt": f"{f['pt']} AND NOT {f['cm']}", "dcm": f"{f['cm']} AND NOT {f['pt']}",
        "ambd": f"{f['pt']} AND {f['cm']} AND contains(ex, '.')",
        "ambc": f"{f['pt']} AND {f['cm']} AND contains(ex, ',')",
        "lead0": f"{num} AND {f['lead0']}", "long": f"{num} AND {f['long']}",
        "pct": f"{num} AND {f['pctsign']}", "cur": f"{num} AND {f['cursign']}",
        "bool": f["bool"], "b01": f["b01"],
        "dmy": f"{f['dmy']} AND NOT {f['mdy']}", "mdy": f"{f['mdy']} AND NOT {f['dmy']}",
        "xamb": f"{f['dmy']} AND {f['mdy']} AND NOT {f['same']}",
        "dcommon": f"{f['dmy']} AND {f['mdy']} AND {f['same']}",
        "time": f"{date} AND {f['time']}", "tz": f"{date} AND {f['tz']}",
    }
    with_examples = {"dpt", "dcm", "ambd", "ambc", "lead0", "long", "pct", "dmy", "mdy", "xamb"}
    aggs, keys = [], []
    for key, cond in classes.items():
        keys.append(key)
        aggs.append(f"coalesce(sum(n) FILTER (WHERE {cond}), 0)")
        if key in with_examples:
            keys.append(key + "_ex")
            aggs.append(f"arg_min(ex, line) FILTER (WHERE {cond})")
    keys.append("cur_ex")
    aggs.append(f"arg_min(regexp_extract(ex, {_lit(_CUR)}), line) FILTER (WHERE {classes['cur']})")
    flag_sql = ", ".join(f"{cond} AS f_{k}" for k, cond in flags.items())
    # A shape is judged by its first example that has any reading (first, last, lowest, highest cell), so
    # one bad cell does not hide the good ones of its shape; the validation pass then counts every cell.
    any_reading = " OR ".join(f"f_{k}" for k in ("pt", "cm", "dmy", "mdy", "bool"))
    rows = con.execute(
        f"WITH g AS (SELECT row_number() OVER () AS gid, col, n, line, examples FROM {quote(shapes)}), "
        "e AS (SELECT gid, col, n, line, unnest(examples) AS ex, generate_subscripts(examples, 1) AS k FROM g), "
        f"f AS (SELECT gid, col, n, line, ex, k, {flag_sql} FROM e), "
        f"s AS (SELECT * FROM f QUALIFY row_number() OVER (PARTITION BY gid ORDER BY NOT ({any_reading}), k) = 1) "
        f"SELECT col, {', '.join(aggs)} FROM s GROUP BY col").fetchall()
    out: dict[int, dict] = {i: {k: (None if k.endswith('_ex') else 0) for k in keys} for i in cols}
    for r in rows:
        out[r[0]] = dict(zip(keys, r[1:]))
    return out


def _validate(ctx: _Ctx, data: _Data, cols: Sequence[int], decisions: list[_Decision],
              names: list[str], warnings: list[str]) -> None:
    """Count the values each typed column cannot convert; too many (and no hint) → the column stays text."""
    typed = [i for i in cols if decisions[i].kind != "text"]
    for batch in _batches(typed, _BATCH // 2):
        _validate_batch(ctx, data, batch, decisions, names, warnings)


def _validate_batch(ctx: _Ctx, data: _Data, typed: Sequence[int], decisions: list[_Decision],
                    names: list[str], warnings: list[str]) -> None:
    """Conversion failures, whole-number check and magnitude of a slice of typed columns."""
    values = ", ".join(f"{_value_sql(i, decisions[i])} AS y{i}" for i in typed)
    aggs = []
    for i in typed:
        fail = f"x{i} IS NOT NULL AND y{i} IS NULL"
        aggs += [f"count(x{i})", f"count(*) FILTER (WHERE {fail})", f"arg_min(x{i}, _line) FILTER (WHERE {fail})",
                 f"min(_line) FILTER (WHERE {fail})"]
        if decisions[i].kind == "number":
            # A value written with decimals ('300.00') keeps the column DOUBLE even when all are whole.
            sep = "," if decisions[i].convention == "comma" else "."
            aggs += [f"count(*) FILTER (WHERE y{i} <> floor(y{i}) OR contains(x{i}, '{sep}'))", f"max(abs(y{i}))"]
        else:
            aggs += ["0", "0"]
    row = ctx.con.execute(f"WITH {data.prepared(typed)}, w AS (SELECT _line, "
                          f"{', '.join(f'x{i}' for i in typed)}, {values} FROM q) "
                          f"SELECT {', '.join(aggs)} FROM w").fetchall()[0]
    what = {"bool": "yes/no values", "number": "numbers", "date": "dates"}
    for k, i in enumerate(typed):
        total, bad, example, line, fractional, biggest = row[6 * k: 6 * k + 6]
        d = decisions[i]
        if bad and not d.forced and not _accept(total - bad, total):
            warnings.append(f"column '{names[i]}' kept as text: {bad} of {total} values are not "
                            f"{what[d.kind]} (e.g. '{example}' on line {line})")
            decisions[i] = _Decision()
            continue
        if bad:
            d.notes.append(f"{bad} value(s) that are not {what[d.kind]} rejected their row (e.g. '{example}')")
        if d.kind == "number" and not d.percent and not fractional and (biggest or 0) < 2 ** 53:
            d.sql_type = "BIGINT"
