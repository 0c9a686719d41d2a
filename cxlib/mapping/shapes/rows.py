"""Shape-aware row builders: a shaped table's rows in the canonical views' terms.

`ShapedTableSql` is `view_sql.TableSql` for a table with a `TableShape`: its account may be an
email's domain, its labelled answers score (Good → 1, Offered → not an answer), and its rows carry
`shape_reason` (a row the shape leaves out: "not a stage change", "survey preview or test") and
`shape_keeps_unkeyed` (a tool's answer without a company still counts at response level). The plain
builders of `view_sql` run on it unchanged. `stage_date_rows` adds one journey event per non-empty
stage-date cell, whatever the table's kind (a HubSpot companies export is accounts and events).

Values reach SQL only as data: `shape_values` fills `_cx_shape_values` (table, category, value,
mapped) from the distinct raw values, and the SQL looks them up; the only literals formatted into
SQL are indices and this package's own constants.
"""

from __future__ import annotations

from typing import Any

import duckdb

from cxlib.canonical import quote
from cxlib.mapping import view_sql
from cxlib.mapping.document import TableMapping
from cxlib.mapping.roles import JOURNEY_EVENTS, SCORE_ROLES
from cxlib.mapping.shapes.headers import email_domain, fold
from cxlib.mapping.shapes.model import TableShape
from cxlib.mapping.view_sql import TableSql, constant_literal
from cxlib.mapping.vocabulary import survey_type_of

SHAPE_VALUES = "_cx_shape_values"
SHAPE_VALUES_COLUMNS = "table_idx INTEGER, category VARCHAR, value VARCHAR, mapped VARCHAR"


class ShapedTableSql(TableSql):
    """SQL expressions for a raw table read through its export shape."""

    @property
    def shape(self) -> TableShape:
        assert self.tm.shape is not None
        return self.tm.shape

    def lookup(self, category: str, value: str) -> str:
        """This table's `_cx_shape_values` entry of a category for a value (SQL), or NULL."""
        return (f"(SELECT shape_value.mapped FROM {SHAPE_VALUES} AS shape_value WHERE shape_value.table_idx = "
                f"{int(self.idx)} AND shape_value.category = {constant_literal(category)} "
                f"AND shape_value.value = {value})")

    def head(self) -> str:
        """The plain head, then the shape's verdict on the row and whether an unkeyed answer counts."""
        reason = "CAST(NULL AS VARCHAR)"
        rows = self.shape.rows
        if rows is not None:
            listed = f"({self.lookup('row_filter', self.text_of(rows.column))} IS NOT NULL)"
            left_out = f"NOT {listed}" if rows.keep else listed
            reason = f"CASE WHEN {left_out} THEN {constant_literal(rows.reason)} END"
        return f"{super().head()}, {reason} AS shape_reason, true AS shape_keeps_unkeyed"

    def account_id(self) -> str:
        """The account: an email column's domain (none for free mail), else as for any table."""
        col = self.tm.column("account_id")
        if col is not None and self.shape.account_from_email:
            return self.lookup("email_account", self.text_of(col))
        return super().account_id()

    def _row_survey_type(self, column: str) -> str:
        """The survey type of this column's answer on a row, as `view_sql.survey_rows` decides it."""
        role = self.tm.roles.get(column, "")
        if role in SCORE_ROLES:
            return constant_literal(role.split(":", 1)[1])
        type_col = self.tm.column("survey_type")
        from_column = self.mapped_value("survey_type", self.text_of(type_col)) if type_col else "CAST(NULL AS VARCHAR)"
        header_type = survey_type_of(column)
        fallback = constant_literal(header_type) if header_type else "CAST(NULL AS VARCHAR)"
        return f"COALESCE({from_column}, table_info.survey_type, {fallback})"

    def _answer(self, column: str) -> str | None:
        """The mapped score text of a labelled answer ('' when not an answer), NULL when unlisted."""
        if column != self.shape.answer_column or not self.shape.answers:
            return None
        return self.lookup("answer", f"({self._row_survey_type(column)} || ':' || {self.text_of(column)})")

    def number_of(self, column: str) -> str:
        """A labelled answer's score (Good → 1, Bad → 0), other values read as numbers."""
        answer = self._answer(column)
        if answer is None:
            return super().number_of(column)
        return (f"(CASE WHEN {answer} IS NULL THEN {super().number_of(column)} "
                f"ELSE TRY_CAST(NULLIF({answer}, '') AS DOUBLE) END)")

    def given(self, column: str) -> str:
        """Whether the row answers at all: a label such as "Offered" is no answer."""
        answer = self._answer(column)
        if answer is None:
            return super().given(column)
        return f"({super().given(column)} AND coalesce({answer}, '?') <> '')"


def table_sql(tm: TableMapping, idx: int, types: dict[str, str]) -> TableSql:
    """The SQL expressions of a mapped table: shape-aware when it has a shape."""
    return ShapedTableSql(tm, idx, types) if tm.shape is not None else TableSql(tm, idx, types)


def stage_date_rows(s: TableSql) -> list[str]:
    """One journey event per non-empty stage-date cell: head, account_id, stage_raw (the header's stage,
    through the stage map), ts, ts_given."""
    shape = s.tm.shape
    if shape is None or not isinstance(s, ShapedTableSql):
        return []
    parts = []
    for k, (column, _stage) in enumerate(shape.stage_dates):
        if column not in s.types:
            continue
        stage = s.lookup("stage_date", constant_literal(str(k)))
        parts.append(f"SELECT {s.head()}, {s.account_id()} AS account_id, {stage} AS stage_raw, "
                     f"{s.ts_of(column)} AS ts, true AS ts_given {s.from_} WHERE {s.given(column)}")
    return parts


def event_rows(s: TableSql) -> list[str]:
    """Journey-event raw rows of any mapped table: an event table's own rows (unless its entries are all
    stage-date columns) and the events of its stage-date columns."""
    own = s.tm.kind == JOURNEY_EVENTS and (not (s.tm.shape and s.tm.shape.stage_dates)
                                           or (s.tm.column("stage") and s.tm.column("ts")))
    return [*(view_sql.event_rows(s) if own else []), *stage_date_rows(s)]


def _distinct(con: duckdb.DuckDBPyConnection, table: str, column: str) -> list[str]:
    rows = con.execute(f"SELECT DISTINCT NULLIF(trim(CAST({quote(column)} AS VARCHAR)), '') FROM {quote(table)}")
    return [v for (v,) in rows.fetchall() if v is not None]


def shape_values(con: duckdb.DuckDBPyConnection, live: list[TableMapping],
                 types: dict[str, dict[str, str]]) -> list[tuple[Any, ...]]:
    """The rows of `_cx_shape_values` for the mapped tables (index = position in `live`)."""
    out: list[tuple[Any, ...]] = []
    for idx, tm in enumerate(live):
        shape = tm.shape
        if shape is None:
            continue
        present = types.get(tm.table, {})
        out += [(idx, "stage_date", str(k), stage) for k, (_, stage) in enumerate(shape.stage_dates)]
        if shape.rows is not None and shape.rows.column in present:
            listed = {fold(v) for v in shape.rows.values}
            out += [(idx, "row_filter", v, "1") for v in _distinct(con, tm.table, shape.rows.column)
                    if fold(v) in listed]
        account = tm.column("account_id")
        if shape.account_from_email and account in present:
            out += [(idx, "email_account", v, d) for v in _distinct(con, tm.table, account)
                    if (d := email_domain(v)) is not None]
        if shape.answer_column in present and shape.answers:
            values = _distinct(con, tm.table, shape.answer_column)
            for survey_type, answers in shape.answers.items():
                for v in values:
                    key = fold(v)
                    if key in answers:
                        score = answers[key]
                        out.append((idx, "answer", f"{survey_type}:{v}", "" if score is None else repr(float(score))))
    return out
