"""SQL of the canonical views: each mapped raw table's rows in a view's terms, checked, each with a reason.

Every raw row lands in a ledger table `_cx_<view>_rows` with a `reason` (NULL when used): the
canonical view is its used rows and `excluded_rows` the rest, so rows in = rows used + rows
excluded (README, "Data you can bring"). User values (sources, as-of dates, the stage map, survey
types, factor labels) reach SQL only through the helper tables `views` writes (`_stage_map`,
`_cx_tables`, `_cx_value_map`, `_cx_score_ranges`, `_cx_stage_list`); the only literals formatted
into SQL are this package's own constants.

Two steps per view, with a seam between them. A *row builder* (`account_rows`, `snapshot_rows`,
`event_rows`, `survey_rows`, `factor_rows`) turns one mapped raw table into SELECTs that yield the
view's raw-row columns, listed on each builder. The view's *ledger SQL* unions those SELECTs by
name, maps stages and names each row's first failed check. Anything that reads another layout into
a view (a tool's export shape) adds a row builder yielding the same columns; the checks stay one.

Conventions: a survey's stage/touchpoint that names no stage leaves `stage` NULL and keeps the
answer; only NPS is range-checked (0–10, never clipped); duplicate accounts keep their first row;
an undated survey or rating table (no date column, no as-of date) keeps its rows with ts NULL.
A shaped table (`cxlib.mapping.shapes.rows`) may leave rows out with its own reason (`shape_reason`)
and keep a tool's answers that have no account (`shape_keeps_unkeyed`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cxlib import canonical
from cxlib.canonical import quote
from cxlib.mapping.document import TableMapping
from cxlib.mapping.raw_tables import type_class
from cxlib.mapping.roles import (ACCOUNTS, CHURNED, FACTOR_RATINGS, FACTOR_ROLES, JOURNEY_EVENTS, MEASURE,
                                 SCORE_ROLES, STAGE_SNAPSHOTS, SURVEYS)
from cxlib.mapping.vocabulary import survey_type_of

# Reasons a row is excluded from a canonical view (shown to users, downloadable).
R_ACCOUNT_MISSING = "account id missing"
R_ACCOUNT_UNKNOWN = "account id not in the accounts table"
R_ACCOUNT_ROW = "account row excluded"
R_STAGE_MISSING = "stage missing"
R_STAGE_UNMAPPED = "stage not mapped"
R_TS_MISSING = "timestamp missing"
R_TS_BAD = "timestamp unparseable"
R_TYPE_UNKNOWN = "survey type unknown"
R_SCORE_MISSING = "score missing"
R_SCORE_NAN = "score not a number"
R_SCORE_RANGE = "score out of range"
R_FACTOR_UNKNOWN = "factor not recognised"
R_DUP_ACCOUNT = "duplicate account id"
R_DUP_SNAPSHOT = "duplicate account id in snapshot"

# Working columns of the accounts ledger SQL besides the view's own: no segment column may take them.
# (`stage_raw` is the stage value as the file gives it, before the stage map.)
INTERNAL_COLUMNS = frozenset({"table_idx", "reason", "stage_raw", "check_reason", "duplicate_number"})


# SQL literals of two patterns: a time followed by a UTC offset or Z, and the blanks before that
# offset (a TIMESTAMPTZ cast reads none).
_OFFSET_SQL = r"'[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'"
_OFFSET_SPACE_SQL = r"'\s+(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'"


# Type classes whose non-NULL values always print as non-empty text.
_TYPED_CLASSES = frozenset({"integer", "number", "boolean", "date", "timestamp", "timestamptz"})


def constant_literal(text: str) -> str:
    """A SQL literal for this package's own constants (reasons, survey types, factor keys) only."""
    if not re.fullmatch(r"[A-Za-z0-9_ .:\-]*", text):
        raise ValueError(f"not an internal constant: {text!r}")
    return f"'{text}'"


def ledger_table(view: str) -> str:
    """The table holding every raw row of a canonical view with its reason (NULL when used)."""
    return f"_cx_{view}_rows"


class TableSql:
    """SQL expressions for one mapped raw table (`raw`) joined to its row of `_cx_tables` (`table_info`)."""

    def __init__(self, tm: TableMapping, idx: int, types: dict[str, str]) -> None:
        self.tm, self.idx, self.types = tm, idx, types

    @property
    def from_(self) -> str:
        """The FROM clause: the raw table, and its settings row (source, as-of date, survey type, zone)."""
        return (f"FROM {quote(self.tm.table)} AS raw "
                f"CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = {self.idx}) AS table_info")

    def head(self) -> str:
        """The columns every raw row starts with: which mapped table, which file, which row of it."""
        return f"{self.idx} AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row"

    def ref(self, column: str) -> str:
        """A raw column, qualified and quoted."""
        return f"raw.{quote(column)}"

    def text(self, role: str) -> str:
        """The role's column as trimmed text, NULL when empty or when no column has the role."""
        col = self.tm.column(role)
        return self.text_of(col) if col else "CAST(NULL AS VARCHAR)"

    def text_of(self, column: str) -> str:
        """A column as trimmed text, NULL when empty."""
        return f"NULLIF(trim(CAST({self.ref(column)} AS VARCHAR)), '')"

    def account_id(self) -> str:
        """The account id as text, through `_cx_account_id` (keys: Salesforce 18 → 15 characters)."""
        col = self.tm.column("account_id")
        if col is None:
            return "CAST(NULL AS VARCHAR)"
        ref, tc = self.ref(col), type_class(self.types[col])
        if tc == "number":   # 1001.0 read from a spreadsheet is account 1001
            return (f"_cx_account_id(CASE WHEN {ref} = floor({ref}) THEN CAST(CAST({ref} AS BIGINT) AS VARCHAR) "
                    f"ELSE CAST({ref} AS VARCHAR) END)")
        return f"_cx_account_id({self.text_of(col)})"

    def number_of(self, column: str) -> str:
        """A column as DOUBLE: numbers and booleans cast, text read leniently (NULL when not a number)."""
        ref, tc = self.ref(column), type_class(self.types[column])
        if tc in ("integer", "number"):
            return f"CAST({ref} AS DOUBLE)"
        if tc == "boolean":
            return f"CAST({ref} AS DOUBLE)"
        return f"TRY_CAST({self.text_of(column)} AS DOUBLE)"

    def number(self, role: str) -> str:
        """The role's column as DOUBLE, NULL when no column has the role."""
        col = self.tm.column(role)
        return self.number_of(col) if col else "CAST(NULL AS DOUBLE)"

    def given(self, column: str) -> str:
        """Whether the row gives a value in this column at all (it may still not parse).

        A typed value (number, date, time, yes/no) never prints as empty text, so for those columns
        this is a NULL test, not a per-row cast to text."""
        if type_class(self.types[column]) in _TYPED_CLASSES:
            return f"({self.ref(column)} IS NOT NULL)"
        return f"({self.text_of(column)} IS NOT NULL)"

    def ts_of(self, column: str) -> str:
        """A column as a naive TIMESTAMP: dates at midnight, zoned times in the source's zone."""
        ref, tc = self.ref(column), type_class(self.types[column])
        if tc in ("date", "timestamp"):
            return f"CAST({ref} AS TIMESTAMP)"
        if tc == "timestamptz":
            return f"timezone(table_info.timezone, {ref})"
        if tc == "text":   # text with a UTC offset ('… 13:44:10 -0700') is an instant: into the source's zone
            text = self.text_of(column)
            return (f"CASE WHEN regexp_matches({text}, {_OFFSET_SQL}) "
                    f"THEN timezone(table_info.timezone, TRY_CAST(regexp_replace({text}, {_OFFSET_SPACE_SQL}, "
                    r"'\1') AS TIMESTAMPTZ)) "
                    f"ELSE TRY_CAST({text} AS TIMESTAMP) END")
        return "CAST(NULL AS TIMESTAMP)"

    def ts(self, role: str) -> tuple[str, str]:
        """(value, given) of a timestamp role, falling back to the table's as-of date."""
        col = self.tm.column(role)
        if col is None:
            return "table_info.as_of", "(table_info.as_of IS NOT NULL)"
        return self.ts_of(col), self.given(col)

    def undated(self, role: str) -> str:
        """Whether a row is undated by design: no column has the timestamp role and the table has no as-of date."""
        return "false" if self.tm.column(role) else "(table_info.as_of IS NULL)"

    def ts_or_null(self, role: str) -> str:
        """The role's column as TIMESTAMP, NULL when no column has the role (no as-of fallback)."""
        col = self.tm.column(role)
        return self.ts_of(col) if col else "CAST(NULL AS TIMESTAMP)"

    def yes_no_number(self, role: str) -> str:
        """A yes/no role as 1/0: numbers as they are, yes/no words of six languages through `_cx_value_map`."""
        col = self.tm.column(role)
        if col is None:
            return "CAST(NULL AS DOUBLE)"
        tc = type_class(self.types[col])
        if tc in ("integer", "number", "boolean"):
            return self.number_of(col)
        text = self.text_of(col)
        return (f"COALESCE((SELECT CAST(value_entry.mapped AS DOUBLE) FROM _cx_value_map AS value_entry "
                f"WHERE value_entry.category = 'yes_no' AND value_entry.value = {text}), "
                f"TRY_CAST({text} AS DOUBLE))")

    def churn_flag(self, role: str) -> str:
        """A churn flag as BOOLEAN: booleans as they are, numbers ≠ 0, words through `_cx_value_map`
        (category 'churned': yes/no and status words of six languages, stage values)."""
        col = self.tm.column(role)
        if col is None:
            return "CAST(NULL AS BOOLEAN)"
        ref, tc = self.ref(col), type_class(self.types[col])
        if tc == "boolean":
            return f"CAST({ref} AS BOOLEAN)"
        if tc in ("integer", "number"):
            return f"(CAST({ref} AS DOUBLE) <> 0)"
        return f"CAST({self.mapped_value('churned', self.text_of(col))} AS BOOLEAN)"

    def mapped_value(self, category: str, text: str) -> str:
        """The `_cx_value_map` entry of a category ('survey_type', 'factor') for a text, or NULL."""
        return (f"(SELECT value_entry.mapped FROM _cx_value_map AS value_entry "
                f"WHERE value_entry.category = {constant_literal(category)} AND value_entry.value = {text})")


def _reason_case(checks: Sequence[tuple[str, str]]) -> str:
    """CASE over (condition, reason) in priority order: the first failing check names the row's reason."""
    return "CASE " + " ".join(f"WHEN {cond} THEN {constant_literal(reason)}" for cond, reason in checks) + " END"


def _union(parts: list[str]) -> str:
    """Raw-row SELECTs stacked by column name (builders may yield their columns in any order)."""
    return "\nUNION ALL BY NAME\n".join(f"({p})" for p in parts)


# The columns a shaped table's rows add (`shapes.rows`), present even when no table has a shape:
# the reason its shape leaves a row out, and whether a tool's answer without an account still counts.
_SHAPE_COLUMNS = "SELECT CAST(NULL AS VARCHAR) AS shape_reason, false AS shape_keeps_unkeyed WHERE false"


def _empty_ledger(view: str) -> str:
    """A ledger with the view's columns and no rows (no table of that kind is mapped)."""
    cols = [*canonical.SCHEMA[view], ("table_idx", "INTEGER"), ("reason", "VARCHAR")]
    return "SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {quote(c)}" for c, t in cols) + " WHERE false"


def _unknown_account(has_accounts: bool) -> tuple[str, str]:
    """The check that a row's account is in the accounts view (passes when no accounts are mapped)."""
    cond = ("(account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL))"
            if has_accounts else "false")
    return cond, R_ACCOUNT_UNKNOWN


# Public names of the helpers other view builders (`activities_sql`) share.
reason_case = _reason_case
union = _union
empty_ledger = _empty_ledger
unknown_account = _unknown_account


# ---- row builders: one mapped raw table → SELECTs of a view's raw-row columns -------------------

def account_rows(s: TableSql, segments: list[tuple[TableMapping, str, str]]) -> list[str]:
    """Accounts raw rows: head, account_id, name, stage_raw, arr, start_date, renewal_date,
    churn_reason, outcome, churned, intent and this table's segment and measure columns.

    ARR is the arr column, else MRR × 12 (per row: an empty ARR cell takes MRR × 12). Segment
    columns (and a churn flag's own values) are text, measure columns numbers."""
    extra = [f"{s.number_of(col) if tm.roles.get(col) == MEASURE else s.text_of(col)} AS {quote(name)}"
             for tm, col, name in segments if tm is s.tm]
    arr = s.number("arr")
    if s.tm.column("mrr"):
        arr = f"COALESCE({arr}, {s.number('mrr')} * 12)"
    return [f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('name')} AS name, "
            f"{s.text('stage')} AS stage_raw, {arr} AS arr, "
            f"{s.ts_or_null('start_date')} AS start_date, {s.ts_or_null('renewal_date')} AS renewal_date, "
            f"{s.text('churn_reason')} AS churn_reason, {s.yes_no_number('outcome')} AS outcome, "
            f"{s.churn_flag(CHURNED)} AS churned, {s.text('intent')} AS intent"
            + "".join(f", {x}" for x in extra) + f" {s.from_}"]


def snapshot_rows(s: TableSql) -> list[str]:
    """Stage-snapshot raw rows: head, account_id, stage_raw, as_of, as_of_given, last_stage_raw."""
    as_of, as_of_given = s.ts("as_of")
    return [f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('stage')} AS stage_raw, "
            f"{as_of} AS as_of, {as_of_given} AS as_of_given, "
            f"{s.text('last_funnel_stage')} AS last_stage_raw {s.from_}"]


def event_rows(s: TableSql) -> list[str]:
    """Journey-event raw rows: head, account_id, stage_raw, ts, ts_given."""
    ts, ts_given = s.ts("ts")
    return [f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('stage')} AS stage_raw, "
            f"{ts} AS ts, {ts_given} AS ts_given {s.from_}"]


def survey_rows(s: TableSql) -> list[str]:
    """Survey raw rows, one SELECT per score column: head, account_id, respondent, respondent_role,
    ts, ts_given, undated, no_account, survey_type, score, score_given, comment, stage_raw.

    `undated`: the table has no date column and no as-of date, so its answers keep ts NULL and are
    used (totals count them, trends say they are left out). `no_account`: the table maps no account
    column, so its answers are used without an account (response-level metrics only)."""
    ts, ts_given = s.ts("ts")
    undated, no_account = s.undated("ts"), ("true" if s.tm.column("account_id") is None else "false")
    type_col = s.tm.column("survey_type")
    type_from_column = s.mapped_value("survey_type", s.text_of(type_col)) if type_col else "CAST(NULL AS VARCHAR)"
    parts = []
    for column, role in s.tm.roles.items():
        if role == "score":
            header_type = survey_type_of(column)
            fallback = constant_literal(header_type) if header_type else "CAST(NULL AS VARCHAR)"
            survey_type = f"COALESCE({type_from_column}, table_info.survey_type, {fallback})"
        elif role in SCORE_ROLES:
            survey_type = constant_literal(role.split(":", 1)[1])
        else:
            continue
        parts.append(
            f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('respondent')} AS respondent, "
            f"{s.text('respondent_role')} AS respondent_role, {ts} AS ts, {ts_given} AS ts_given, "
            f"{undated} AS undated, {no_account} AS no_account, "
            f"{survey_type} AS survey_type, {s.number_of(column)} AS score, {s.given(column)} AS score_given, "
            f"{s.text('comment')} AS comment, {s.text('stage')} AS stage_raw {s.from_}")
    return parts


def factor_rows(s: TableSql) -> tuple[list[str], list[str]]:
    """Factor-rating raw rows as (dated, undated): head, account_id, ts, ts_given, undated, factor,
    score, score_given, account_row_excluded. Undated rows are an accounts table's metric columns;
    they count at the data's latest timestamp (`data_latest` in the ledger SQL). `undated` marks
    ratings with no date at all (no date column, no as-of date, no dated data): kept with ts NULL."""
    if s.tm.kind == ACCOUNTS:
        ts = "COALESCE(table_info.as_of, (SELECT latest_ts FROM data_latest))"
        ts_given, undated = f"({ts} IS NOT NULL)", f"({ts} IS NULL)"
    elif s.tm.kind == STAGE_SNAPSHOTS:
        (ts, ts_given), undated = s.ts("as_of"), "false"
    else:
        (ts, ts_given), undated = s.ts("ts"), s.undated("ts")
    common = (f"{s.head()}, {s.account_id()} AS account_id, {ts} AS ts, {ts_given} AS ts_given, "
              f"{undated} AS undated")
    dated: list[str] = []
    undated: list[str] = []
    if s.tm.kind == FACTOR_RATINGS and s.tm.column("factor") and s.tm.column("score"):
        score_col = s.tm.column("score")
        dated.append(f"SELECT {common}, {s.mapped_value('factor', s.text('factor'))} AS factor, "
                     f"{s.number_of(score_col)} AS score, {s.given(score_col)} AS score_given, "
                     f"false AS account_row_excluded {s.from_}")
    target = undated if s.tm.kind == ACCOUNTS else dated
    for column, role in s.tm.roles.items():
        if not role.startswith("factor:") or role not in FACTOR_ROLES:
            continue
        excluded = "false"
        if s.tm.kind == ACCOUNTS:   # only rows the accounts view kept rate an account
            excluded = (f"(SELECT account_row.reason IS NOT NULL FROM {ledger_table(ACCOUNTS)} AS account_row "
                        f"WHERE account_row.table_idx = {s.idx} AND account_row.source_row = raw._source_row)")
        target.append(f"SELECT {common}, {constant_literal(role.split(':', 1)[1])} AS factor, "
                      f"{s.number_of(column)} AS score, {s.given(column)} AS score_given, "
                      f"{excluded} AS account_row_excluded {s.from_}")
    return dated, undated


def rates_factors(s: TableSql) -> bool:
    """Whether a mapped table contributes factor ratings (long or wide, of any kind)."""
    return s.tm.kind == FACTOR_RATINGS or any(r in FACTOR_ROLES for r in s.tm.roles.values())


# ---- ledger SQL: a view's raw rows, stage-mapped and checked -------------------------------------

def accounts_ledger_sql(parts: list[str], segment_names: list[str]) -> str:
    """Every accounts raw row with its reason; of one account id's usable rows the first is kept."""
    if not parts:
        return _empty_ledger(ACCOUNTS)
    checks = _reason_case([("account_id IS NULL", R_ACCOUNT_MISSING),
                           ("stage_raw IS NOT NULL AND stage IS NULL", R_STAGE_UNMAPPED)])
    # Segment columns arrive as text and measures as numbers from the row builders.
    seg_select = "".join(f", {quote(n)}" for n in segment_names)
    return f"""
WITH raw_rows AS ({_union(parts)}),
with_stage AS (
    SELECT raw_rows.*, stage_entry.stage
    FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw),
with_check AS (SELECT *, {checks} AS check_reason FROM with_stage),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY account_id, check_reason IS NULL
                                 ORDER BY table_idx, source_row) AS duplicate_number
    FROM with_check)
SELECT account_id, name, stage, arr, start_date, renewal_date, churn_reason, outcome, churned, intent, source,
       source_row{seg_select},
       table_idx,
       COALESCE(check_reason, CASE WHEN duplicate_number > 1 THEN {constant_literal(R_DUP_ACCOUNT)} END) AS reason
FROM numbered"""


def snapshots_ledger_sql(parts: list[str], has_accounts: bool) -> str:
    """Every snapshot raw row with its reason; one account's usable rows of one as-of date keep the first."""
    if not parts:
        return _empty_ledger(STAGE_SNAPSHOTS)
    checks = _reason_case([("account_id IS NULL", R_ACCOUNT_MISSING), _unknown_account(has_accounts),
                           ("stage_raw IS NULL", R_STAGE_MISSING), ("stage IS NULL", R_STAGE_UNMAPPED),
                           ("NOT as_of_given", R_TS_MISSING), ("as_of IS NULL", R_TS_BAD)])
    return f"""
WITH raw_rows AS ({_union(parts)}),
with_stage AS (
    SELECT raw_rows.*, stage_entry.stage, last_stage_entry.stage AS last_funnel_stage
    FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw
                  LEFT JOIN _stage_map AS last_stage_entry ON last_stage_entry.value = raw_rows.last_stage_raw),
with_check AS (SELECT *, {checks} AS check_reason FROM with_stage),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY account_id, as_of, check_reason IS NULL
                                 ORDER BY table_idx, source_row) AS duplicate_number
    FROM with_check)
SELECT account_id, stage, as_of, last_funnel_stage, source, source_row, table_idx,
       COALESCE(check_reason, CASE WHEN duplicate_number > 1 THEN {constant_literal(R_DUP_SNAPSHOT)} END) AS reason
FROM numbered"""


def events_ledger_sql(parts: list[str], has_accounts: bool) -> str:
    """Every journey-event raw row with its reason."""
    if not parts:
        return _empty_ledger(JOURNEY_EVENTS)
    checks = _reason_case([("account_id IS NULL", R_ACCOUNT_MISSING), _unknown_account(has_accounts),
                           ("stage_raw IS NULL", R_STAGE_MISSING), ("stage IS NULL", R_STAGE_UNMAPPED),
                           ("NOT ts_given", R_TS_MISSING), ("ts IS NULL", R_TS_BAD)])
    return f"""
WITH raw_rows AS ({_union([*parts, _SHAPE_COLUMNS])}),
with_stage AS (
    SELECT raw_rows.*, stage_entry.stage
    FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw)
SELECT account_id, stage, ts, 'event' AS resolution, source, source_row, table_idx,
       COALESCE(shape_reason, {checks}) AS reason
FROM with_stage"""


def surveys_ledger_sql(parts: list[str], has_accounts: bool) -> str:
    """Every survey answer with its reason; a touchpoint that names no stage leaves stage NULL.

    Undated answers (`undated`) keep ts NULL and are used; so are answers of a table without an
    account column (`no_account`). Builders that yield neither column check as before."""
    if not parts:
        return _empty_ledger(SURVEYS)
    checks = _reason_case([("account_id IS NULL AND NOT coalesce(no_account, false) "
                            "AND NOT coalesce(shape_keeps_unkeyed, false)", R_ACCOUNT_MISSING),
                           _unknown_account(has_accounts),
                           ("NOT ts_given AND NOT coalesce(undated, false)", R_TS_MISSING),
                           ("ts IS NULL AND NOT coalesce(undated, false)", R_TS_BAD),
                           ("survey_type IS NULL", R_TYPE_UNKNOWN), ("NOT score_given", R_SCORE_MISSING),
                           ("score IS NULL", R_SCORE_NAN),
                           ("score < low OR score > high", R_SCORE_RANGE)])
    # Metrics then use the journey's stage for an answer whose stage is NULL.
    return f"""
WITH raw_rows AS ({_union([*parts, _SHAPE_COLUMNS])}),
with_stage_and_range AS (
    SELECT raw_rows.*, stage_entry.stage, score_range.low, score_range.high
    FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw
                  LEFT JOIN _cx_score_ranges AS score_range ON score_range.survey_type = raw_rows.survey_type)
SELECT account_id, respondent, respondent_role, ts, survey_type, score, comment, stage, source, source_row,
       table_idx, COALESCE(shape_reason, {checks}) AS reason
FROM with_stage_and_range"""


def factors_ledger_sql(dated: list[str], undated: list[str], has_accounts: bool) -> str:
    """Every factor rating with its reason; an accounts table's ratings take the data's latest timestamp,
    and ratings with no date at all (`undated`) keep ts NULL and are used."""
    if not dated and not undated:
        return _empty_ledger(FACTOR_RATINGS)
    dated_sql = _union(dated) if dated else _NO_DATED_RATINGS
    checks = _reason_case([("account_row_excluded", R_ACCOUNT_ROW), ("account_id IS NULL", R_ACCOUNT_MISSING),
                           _unknown_account(has_accounts),
                           ("NOT ts_given AND NOT coalesce(undated, false)", R_TS_MISSING),
                           ("ts IS NULL AND NOT coalesce(undated, false)", R_TS_BAD),
                           ("factor IS NULL", R_FACTOR_UNKNOWN),
                           ("NOT score_given", R_SCORE_MISSING), ("score IS NULL", R_SCORE_NAN)])
    undated_part = f"UNION ALL BY NAME ({_union(undated)})" if undated else ""
    return f"""
WITH dated_ratings AS ({dated_sql}),
data_latest AS (
    SELECT max(latest_ts) AS latest_ts FROM (
        SELECT max(ts) AS latest_ts FROM dated_ratings UNION ALL SELECT max(ts) FROM journey_events
        UNION ALL SELECT max(as_of) FROM stage_snapshots UNION ALL SELECT max(ts) FROM surveys)),
all_ratings AS (SELECT * FROM dated_ratings {undated_part})
SELECT account_id, ts, factor, score, source, source_row, table_idx, {checks} AS reason
FROM all_ratings"""


def activity_rows(s: TableSql) -> list[str]:
    """Activity raw rows of a mapped table (`activities_sql.activity_rows`: activities and ticket exports)."""
    from cxlib.mapping import activities_sql   # the activities SQL builds on this module's helpers
    return activities_sql.activity_rows(s)


def activities_ledger_sql(parts: list[str], has_accounts: bool) -> str:
    """Every activity row with its reason (`activities_sql.activities_ledger_sql`)."""
    from cxlib.mapping import activities_sql
    return activities_sql.activities_ledger_sql(parts, has_accounts)


_NO_DATED_RATINGS = (
    "SELECT CAST(NULL AS INTEGER) AS table_idx, CAST(NULL AS VARCHAR) AS source, "
    "CAST(NULL AS BIGINT) AS source_row, CAST(NULL AS VARCHAR) AS account_id, "
    "CAST(NULL AS TIMESTAMP) AS ts, false AS ts_given, false AS undated, CAST(NULL AS VARCHAR) AS factor, "
    "CAST(NULL AS DOUBLE) AS score, false AS score_given, false AS account_row_excluded WHERE false")


# ---- canonical views: the used rows of each ledger ----------------------------------------------

# Accounts on an exit stage get the last funnel stage of their earlier snapshots when no column says it.
_SNAPSHOTS_VIEW = f"""
WITH used_snapshots AS (SELECT * FROM {ledger_table(STAGE_SNAPSHOTS)} WHERE reason IS NULL),
with_funnel_before AS (
    SELECT used_row.*, COALESCE(listed_stage.kind, 'lost') AS stage_kind,
           last_value(CASE WHEN listed_stage.kind = 'funnel' THEN used_row.stage END IGNORE NULLS) OVER (
               PARTITION BY used_row.account_id ORDER BY used_row.as_of, used_row.table_idx, used_row.source_row
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS funnel_stage_before
    FROM used_snapshots AS used_row LEFT JOIN _cx_stage_list AS listed_stage ON listed_stage.name = used_row.stage)
SELECT account_id, stage, as_of,
       CASE WHEN stage_kind = 'funnel' THEN last_funnel_stage
            ELSE COALESCE(last_funnel_stage, funnel_stage_before) END AS last_funnel_stage,
       source, source_row
FROM with_funnel_before"""


# Stacked snapshots: each account's stage first seen in a snapshot run becomes a monthly event —
# only for accounts that have no real event log, so an account's journey is never counted twice.
# `real_events` is read twice but never stored as an intermediate (NOT MATERIALIZED): copying 10 M
# rows once more cost more than the rest. The accounts-with-events test builds its hash only from
# the snapshot accounts' events (snapshot rows always have an account id), not from every event.
_EVENTS_VIEW = f"""
WITH real_events AS NOT MATERIALIZED (
    SELECT account_id, stage, ts, resolution, source, source_row
    FROM {ledger_table(JOURNEY_EVENTS)} WHERE reason IS NULL),
snapshots AS (SELECT account_id, stage, as_of, source, source_row FROM stage_snapshots),
snapshot_runs AS (SELECT count(DISTINCT as_of) AS runs FROM snapshots),
with_previous_stage AS (
    SELECT *, lag(stage) OVER (PARTITION BY account_id ORDER BY as_of, source, source_row) AS previous_stage
    FROM snapshots),
monthly_events AS (
    SELECT account_id, stage, as_of AS ts, 'monthly' AS resolution, source, source_row
    FROM with_previous_stage
    WHERE (previous_stage IS NULL OR previous_stage <> stage) AND (SELECT runs FROM snapshot_runs) >= 2
      AND account_id NOT IN (SELECT account_id FROM real_events WHERE account_id IN (SELECT account_id FROM snapshots)))
SELECT * FROM real_events
UNION ALL
SELECT * FROM monthly_events"""


def canonical_view_sql(view: str, segment_names: list[str]) -> str:
    """The SELECT that stores a canonical view from its ledger (snapshots and events also derive)."""
    if view == STAGE_SNAPSHOTS:
        return _SNAPSHOTS_VIEW
    if view == JOURNEY_EVENTS:
        return _EVENTS_VIEW
    names = [*canonical.columns(view), *(segment_names if view == ACCOUNTS else ())]
    return f"SELECT {', '.join(quote(c) for c in names)} FROM {ledger_table(view)} WHERE reason IS NULL"
