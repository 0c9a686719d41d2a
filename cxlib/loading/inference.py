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
from cxlib.loading.values import (_BROAD, _CUR, _TZ_SUFFIX, FALSE_WORDS, TRUE_WORDS, _date_sql, _number_sql,
                                  _sql_list, _sql_literal, _tok, _x)

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
        """CTEs data_rows and cleaned_rows (cells c_i; x_i trimmed, placeholders NULL; tok_i: was a placeholder)."""
        xs = "".join(f", {_x(i)} AS x{i}, {_tok(i)} AS tok{i}" for i in cols)
        cells = "".join(f", c{i}" for i in cols)
        return (f"data_rows AS ({self.sql(cols, limit)}), "
                f"cleaned_rows AS (SELECT _line, _span{cells}{xs} FROM data_rows)")


def _infer(ctx: _Ctx, grid: _Grid, layout: _Layout,
           data: _Data) -> tuple[list[_Decision], list[int], list[Question], list[str], tuple[int, int]]:
    """Decide every column's type from its values.

    Returns decisions, kept columns, questions, warnings and (data rows, lines they span).
    """
    con, n = ctx.con, grid.ncols
    names = layout.names
    warnings: list[str] = []
    # Pass 1 (every row, no regex): data rows, their lines, filled cells and placeholders per column.
    row = con.execute(f"WITH data_rows AS ({data.sql([])}) SELECT count(*), coalesce(sum(_span), 0) "
                      "FROM data_rows").fetchall()[0]
    counts = (int(row[0]), int(row[1]))
    filled, tokens = [0] * n, [0] * n
    sample_filled, hopeless, misfit_example, sample_words = [0] * n, [0] * n, [(None, None)] * n, [0] * n
    # A file of at most _SAMPLE_ROWS data rows is its own sample: both passes then read it in one query.
    whole_file_is_sample = counts[0] <= _SAMPLE_ROWS
    for batch in _batches(range(n)):
        aggs = []
        for i in batch:
            aggs += [f"count(x{i})", f"count(*) FILTER (WHERE tok{i})"]
        # Columns whose first rows are mostly not numbers/dates/booleans stay text without a full scan.
        sample_aggs = []
        for i in batch:
            misfit = (f"x{i} IS NOT NULL AND lower(x{i}) NOT IN {_sql_list(TRUE_WORDS + FALSE_WORDS)} "
                      f"AND NOT regexp_full_match(x{i}, {_sql_literal(_BROAD)})")
            sample_aggs += [f"count(x{i})", f"count(*) FILTER (WHERE {misfit})",
                            f"arg_min(x{i}, _line) FILTER (WHERE {misfit})", f"min(_line) FILTER (WHERE {misfit})",
                            f"count(*) FILTER (WHERE lower(x{i}) IN {_sql_list(TRUE_WORDS + FALSE_WORDS)})"]
        if whole_file_is_sample:
            both = con.execute(f"WITH {data.prepared(batch)} SELECT {', '.join(aggs + sample_aggs)} "
                               "FROM cleaned_rows").fetchall()[0]
            row, sample = both[:len(aggs)], both[len(aggs):]
        else:
            row = con.execute(f"WITH {data.prepared(batch)} SELECT {', '.join(aggs)} FROM cleaned_rows").fetchall()[0]
            sample = con.execute(f"WITH {data.prepared(batch, _SAMPLE_ROWS)} SELECT {', '.join(sample_aggs)} "
                                 "FROM cleaned_rows").fetchall()[0]
        for k, i in enumerate(batch):
            filled[i], tokens[i] = row[2 * k], row[2 * k + 1]
        for k, i in enumerate(batch):
            sample_filled[i], hopeless[i] = sample[5 * k], sample[5 * k + 1]
            misfit_example[i] = (sample[5 * k + 2], sample[5 * k + 3])
            sample_words[i] = sample[5 * k + 4]
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
    for i in candidates:
        if decisions[i].kind == "number" and len(decisions[i].currencies) > 1:
            warnings.append(f"column '{names[i]}' mixes currencies ({', '.join(decisions[i].currencies)}): "
                            "amounts are loaded as written, not converted, so sums and averages mix them")
    questions = [q for i in candidates if (q := _question(names[i], decisions[i])) is not None]
    _validate(ctx, data, candidates, decisions, names, warnings)
    for i in keep:
        if tokens[i] and decisions[i].kind != "text":
            shown = con.execute(f"WITH {data.prepared([i])} SELECT DISTINCT trim(c{i}) FROM cleaned_rows "
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
    split = "translate(cell, '.-', '//')"
    first_number = f"try_cast(split_part({split}, '/', 1) AS INTEGER)"
    second_number = f"try_cast(split_part({split}, '/', 2) AS INTEGER)"
    for k, batch in enumerate(_batches(cols)):
        wide = ", ".join(f"x{i} AS v{i}" for i in batch)
        con.execute(
            ("INSERT INTO " if k else "CREATE TEMP TABLE ") + quote(shapes) + (" " if k else " AS ")
            + f"WITH {data.prepared(batch)}, row_values AS (SELECT _line, {wide} FROM cleaned_rows), "
            f"one_per_cell AS (UNPIVOT row_values ON {', '.join(f'v{i}' for i in batch)} INTO NAME col VALUE cell) "
            f"SELECT CAST(substr(col, 2) AS INTEGER) AS col, translate(cell, '012345678', '999999999') AS shape, "
            f"regexp_matches(cell, '^[^0-9]*0[0-9]') AS leading_zero, {first_number} > 12 AS first_over_12, "
            f"{second_number} > 12 AS second_over_12, {first_number} = {second_number} AS first_equals_second, "
            f"count(*) AS cells, min(_line) AS first_line, "
            f"[arg_min(cell, _line), arg_max(cell, _line), min(cell), max(cell)] AS examples "
            f"FROM one_per_cell WHERE length(cell) <= 60 GROUP BY ALL")
    try:
        return _classify_shapes(con, shapes, cols)
    finally:
        _drop_all(con, [shapes])


# What one example allows, as a SQL condition on it (each becomes a column of example_readings).
_EXAMPLE_READINGS = {
    "is_point_number": f"{_number_sql('example', 'point', None)} IS NOT NULL",
    "is_comma_number": f"{_number_sql('example', 'comma', None)} IS NOT NULL",
    "is_day_first_date": f"{_date_sql('example', 'DMY')} IS NOT NULL",
    "is_month_first_date": f"{_date_sql('example', 'MDY')} IS NOT NULL",
    "same_date_both_orders": f"{_date_sql('example', 'DMY')} IS NOT DISTINCT FROM {_date_sql('example', 'MDY')}",
    "is_yes_no_word": f"lower(example) IN {_sql_list(TRUE_WORDS + FALSE_WORDS)}",
    "is_zero_or_one": "example IN ('0', '1')",
    "has_leading_zero": r"regexp_matches(example, '^\D*0\d')",
    "has_over_15_digits": r"length(regexp_replace(example, '\D', '', 'g')) > 15",
    "has_percent_sign": "contains(example, '%')",
    "has_currency_sign": f"regexp_matches(example, {_sql_literal(_CUR)})",
    "has_time": r"regexp_matches(example, '\d:\d\d')",
    "has_offset": f"regexp_full_match(example, {_sql_literal(_TZ_SUFFIX)})",
}
_NUMBER = "(is_point_number OR is_comma_number)"
_DATE = "(is_day_first_date OR is_month_first_date)"
# The counts decisions._decide reads: how many cells fit each reading (examples kept for the notes).
_SHAPE_CLASSES = {
    "point_numbers": "is_point_number",
    "comma_numbers": "is_comma_number",
    # An amount with a currency never has three decimals: 'USD 47,000' decides a thousands comma, '€1.234' a dot.
    "only_decimal_point": "is_point_number AND (NOT is_comma_number "
                          "OR (has_currency_sign AND contains(example, ',')))",          # '12.5', 'USD 47,000'
    "only_decimal_comma": "is_comma_number AND (NOT is_point_number "
                          "OR (has_currency_sign AND contains(example, '.')))",          # '12,5', '€1.234'
    "dot_either_way": "is_point_number AND is_comma_number AND contains(example, '.') "
                      "AND NOT has_currency_sign",                                          # '1.234'
    "comma_either_way": "is_point_number AND is_comma_number AND contains(example, ',') "
                        "AND NOT has_currency_sign",                                        # '1,234'
    "leading_zero_numbers": f"{_NUMBER} AND has_leading_zero",
    "long_numbers": f"{_NUMBER} AND has_over_15_digits",
    "percentages": f"{_NUMBER} AND has_percent_sign",
    "currency_numbers": f"{_NUMBER} AND has_currency_sign",
    "yes_no_words": "is_yes_no_word",
    "zeros_and_ones": "is_zero_or_one",
    "only_day_first": "is_day_first_date AND NOT is_month_first_date",   # '25/03/2024'
    "only_month_first": "is_month_first_date AND NOT is_day_first_date",   # '03/25/2024'
    "ambiguous_dates": "is_day_first_date AND is_month_first_date AND NOT same_date_both_orders",   # '03/04/2024'
    "same_date_either_way": "is_day_first_date AND is_month_first_date AND same_date_both_orders",  # ISO, '05/05/2024'
    "dates_with_time": f"{_DATE} AND has_time",
    "dates_with_offset": f"{_DATE} AND has_offset",
}
_WITH_EXAMPLES = {"only_decimal_point", "only_decimal_comma", "dot_either_way", "comma_either_way",
                  "leading_zero_numbers", "long_numbers", "percentages", "only_day_first", "only_month_first",
                  "ambiguous_dates", "dates_with_offset"}


def _classify_shapes(con: duckdb.DuckDBPyConnection, shapes: str, cols: Sequence[int]) -> dict[int, dict]:
    """Sum the shape counts of every reading a column's values allow (conversions tried on the examples).

    Keys are the names of ``_SHAPE_CLASSES`` (cell counts) and, for some, ``<name>_example`` (the first
    such value in the file), plus ``currencies`` (every currency marker as written, one per spelling).
    """
    aggs, keys = [], []
    for key, cond in _SHAPE_CLASSES.items():
        keys.append(key)
        aggs.append(f"coalesce(sum(cells) FILTER (WHERE {cond}), 0)")
        if key in _WITH_EXAMPLES:
            keys.append(f"{key}_example")
            aggs.append(f"arg_min(example, first_line) FILTER (WHERE {cond})")
    keys.append("currencies")   # every currency marker as written
    aggs.append(f"list(DISTINCT regexp_extract(example, {_sql_literal(_CUR)})) "
                f"FILTER (WHERE {_SHAPE_CLASSES['currency_numbers']})")
    readings = ", ".join(f"{cond} AS {name}" for name, cond in _EXAMPLE_READINGS.items())
    # A shape is judged by its first example that has any reading (first, last, lowest, highest cell), so
    # one bad cell does not hide the good ones of its shape; the validation pass then counts every cell.
    any_reading = "is_point_number OR is_comma_number OR is_day_first_date OR is_month_first_date OR is_yes_no_word"
    rows = con.execute(
        "WITH numbered_shapes AS (SELECT row_number() OVER () AS shape_id, col, cells, first_line, examples "
        f"FROM {quote(shapes)}), "
        "shape_examples AS (SELECT shape_id, col, cells, first_line, unnest(examples) AS example, "
        "generate_subscripts(examples, 1) AS example_no FROM numbered_shapes), "
        f"example_readings AS (SELECT *, {readings} FROM shape_examples), "
        "judged_examples AS (SELECT * FROM example_readings QUALIFY row_number() OVER "
        f"(PARTITION BY shape_id ORDER BY NOT ({any_reading}), example_no) = 1) "
        f"SELECT col, {', '.join(aggs)} FROM judged_examples GROUP BY col").fetchall()
    out: dict[int, dict] = {i: {k: (None if k.endswith("_example") else 0) for k in keys} for i in cols}
    for i in cols:
        out[i]["currencies"] = []
    for r in rows:
        out[r[0]] = dict(zip(keys, r[1:]))
        markers: dict[str, str] = {}   # 'usd' and 'USD' are one marker
        for marker in sorted(out[r[0]]["currencies"] or []):
            markers.setdefault(marker.upper(), marker)
        out[r[0]]["currencies"] = sorted(markers.values())
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
    row = ctx.con.execute(f"WITH {data.prepared(typed)}, converted AS (SELECT _line, "
                          f"{', '.join(f'x{i}' for i in typed)}, {values} FROM cleaned_rows) "
                          f"SELECT {', '.join(aggs)} FROM converted").fetchall()[0]
    what = {"bool": "yes/no values", "number": "numbers", "date": "dates"}
    for k, i in enumerate(typed):
        total, bad, example, line, fractional, biggest = row[6 * k: 6 * k + 6]
        d = decisions[i]
        if bad and not d.forced and not _accept(total - bad, total):
            warnings.append(f"column '{names[i]}' kept as text: {bad} of {total} values are not "
                            f"{what[d.kind]} (e.g. '{example}' on line {line})")
            decisions[i] = _Decision()
            continue
        d.failures = bad
        if bad:
            d.notes.append(f"{bad} value(s) that are not {what[d.kind]} rejected their row (e.g. '{example}')")
        if d.kind == "number" and not d.percent and not fractional and (biggest or 0) < 2 ** 53:
            d.sql_type = "BIGINT"
