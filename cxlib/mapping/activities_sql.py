"""SQL of the activities view: each activities table's rows (and each ticket export's tickets), checked.

Rules (README, "Activities"):
- ts is the completed date, else the activity date; a row with neither is excluded ("timestamp
  missing", or "timestamp unparseable" when a date is given but reads as none).
- activity_type: the type cell through `_cx_value_map` (category 'activity_type', filled by
  `activity_words.activity_type_of`); a value naming no type, or no type column, is `other`. A
  meeting (or an activity without a type) whose subject names a QBR/EBR or a reference call is that ('subject_type').
- initiated_by: the "initiated by" cell (category 'initiated_by'), else `customer` for tickets and
  `provider` for everything else.
- done: never when the status says open (not started, planned …) or, without a completed date, when
  the activity date is after the as-of date (a future meeting); else when a completed date is given,
  the status says done (completed, closed, held …), or there is no status and it is not a task and
  its date is on or before the as-of date. An open task is never done.
- The as-of date used here is the configured one, else the latest date of the other views, else
  today (`_cx_activity_as_of`, written by `views`): activities never move the as-of date.
A ticket export (`zendesk.tickets`, `intercom.conversation_ratings`, `freshdesk.tickets`) stays a
surveys table (its CSAT answers unchanged) and also yields one customer-initiated `ticket` activity
per row, dated when the ticket was created (else when its answer is dated).
"""

from __future__ import annotations

import re

from cxlib.canonical import CUSTOMER, PROVIDER
from cxlib.mapping.raw_tables import type_class
from cxlib.mapping.roles import ACTIVITIES, SURVEYS
from cxlib.mapping.view_sql import (R_ACCOUNT_MISSING, R_TS_BAD, R_TS_MISSING, TableSql, constant_literal,
                                    empty_ledger, reason_case, union, unknown_account)
from cxlib.stages import normalize_label

AS_OF_TABLE = "_cx_activity_as_of"
TICKET_SHAPES = frozenset({"zendesk.tickets", "intercom.conversation_ratings", "freshdesk.tickets"})
_CREATED = ("created at", "created time", "created", "created date", "date created", "ticket created",
            "creation date")
_NULL_TEXT = "CAST(NULL AS VARCHAR)"


def activity_rows(s: TableSql) -> list[str]:
    """Activity raw rows: head, account_id, activity_type (NULL: not said), initiated_by (NULL: not said),
    subject, theme, status, state ('done'/'open'/NULL), activity_date, activity_date_given, due_date,
    completed_at, completed_given, owner. A ticket export yields its tickets (`ticket_rows`)."""
    if s.tm.kind == SURVEYS:
        return ticket_rows(s)
    if s.tm.kind != ACTIVITIES:
        return []
    type_col, status_col = s.tm.column("activity_type"), s.tm.column("status")
    activity_type = s.mapped_value("activity_type", s.text_of(type_col)) if type_col else _NULL_TEXT
    if type_col:
        activity_type = f"COALESCE({activity_type}, 'other')"
    subject_col = s.tm.column("subject")
    if subject_col:   # a "Q3 QBR" logged as a meeting is a QBR
        by_subject = s.mapped_value("subject_type", s.text_of(subject_col))
        activity_type = (f"CASE WHEN ({activity_type}) IS NULL OR ({activity_type}) = 'meeting' "
                         f"THEN COALESCE({by_subject}, {activity_type}) ELSE {activity_type} END")
    state = s.mapped_value("activity_state", s.text_of(status_col)) if status_col else _NULL_TEXT
    activity_date, date_given = _date(s, "ts")
    completed_at, completed_given = _date(s, "completed_at")
    return [f"SELECT {s.head()}, {s.account_id()} AS account_id, {activity_type} AS activity_type, "
            f"{_initiated_by(s)} AS initiated_by, {s.text('subject')} AS subject, {s.text('theme')} AS theme, "
            f"{s.text('status')} AS status, {state} AS state, {activity_date} AS activity_date, "
            f"{date_given} AS activity_date_given, {s.ts_or_null('due_date')} AS due_date, "
            f"{completed_at} AS completed_at, {completed_given} AS completed_given, {s.text('owner')} AS owner "
            f"{s.from_}"]


def created_column(s: TableSql) -> str | None:
    """A ticket export's created-date column ("Created at", "Created time", "Created at (Europe/Paris)"),
    else the column its answers are dated by (Intercom's ratings export has no created date), or None."""
    found = next((c for c in s.types if normalize_label(re.sub(r"\s*\([^)]*\)\s*$", "", c)) in _CREATED), None)
    return found or s.tm.column("ts")


def ticket_rows(s: TableSql) -> list[str]:
    """A ticket export's rows as customer-initiated `ticket` activities, dated when created (done)."""
    if s.tm.shape is None or s.tm.shape.id not in TICKET_SHAPES:
        return []
    created = created_column(s)
    when, given = (s.ts_of(created), s.given(created)) if created else ("CAST(NULL AS TIMESTAMP)", "false")
    subject = next((c for c in s.types if normalize_label(c) in ("subject", "title", "conversation title")), None)
    subject_sql = s.text_of(subject) if subject else _NULL_TEXT
    status = next((c for c in s.types if normalize_label(c) == "status"), None)
    status_sql = s.text_of(status) if status else _NULL_TEXT
    return [f"SELECT {s.head()}, {s.account_id()} AS account_id, 'ticket' AS activity_type, "
            f"{constant_literal(CUSTOMER)} AS initiated_by, {subject_sql} AS subject, {_NULL_TEXT} AS theme, "
            f"{status_sql} AS status, 'done' AS state, {when} AS activity_date, {given} AS activity_date_given, "
            f"CAST(NULL AS TIMESTAMP) AS due_date, CAST(NULL AS TIMESTAMP) AS completed_at, "
            f"false AS completed_given, {_NULL_TEXT} AS owner {s.from_}"]


def _date(s: TableSql, role: str) -> tuple[str, str]:
    """(value, given) of a date role; (NULL, false) when no column has it (no as-of fallback)."""
    col = s.tm.column(role)
    if col is None:
        return "CAST(NULL AS TIMESTAMP)", "false"
    return s.ts_of(col), s.given(col)


def _initiated_by(s: TableSql) -> str:
    """The initiated-by column as 'provider'/'customer' (a yes/no column means "customer initiated")."""
    col = s.tm.column("initiated_by")
    if col is None:
        return _NULL_TEXT
    tc = type_class(s.types[col])
    if tc in ("boolean", "integer", "number"):
        return (f"CASE WHEN {s.number_of(col)} IS NULL THEN NULL WHEN {s.number_of(col)} <> 0 "
                f"THEN {constant_literal(CUSTOMER)} ELSE {constant_literal(PROVIDER)} END")
    return s.mapped_value("initiated_by", s.text_of(col))


def activities_ledger_sql(parts: list[str], has_accounts: bool) -> str:
    """Every activity raw row with its reason; used rows get ts, type, initiated_by and done."""
    if not parts:
        return empty_ledger(ACTIVITIES)
    checks = reason_case([("account_id IS NULL", R_ACCOUNT_MISSING), unknown_account(has_accounts),
                          ("NOT activity_date_given AND NOT completed_given", R_TS_MISSING),
                          ("ts IS NULL", R_TS_BAD)])
    return f"""
WITH raw_rows AS ({union(parts)}),
activity_as_of AS (SELECT max(as_of) AS as_of FROM {AS_OF_TABLE}),
dated AS (
    SELECT raw_rows.*, COALESCE(completed_at, activity_date) AS ts,
           COALESCE(activity_type, 'other') AS mapped_type
    FROM raw_rows),
decided AS (
    SELECT dated.*,
           COALESCE(initiated_by, CASE WHEN mapped_type = 'ticket' THEN {constant_literal(CUSTOMER)}
                                       ELSE {constant_literal(PROVIDER)} END) AS who,
           CASE WHEN state = 'open' OR ts IS NULL THEN false
                WHEN completed_at IS NOT NULL THEN true
                WHEN activity_date > (SELECT as_of FROM activity_as_of) THEN false
                WHEN state = 'done' THEN true
                WHEN status IS NULL AND mapped_type <> 'task' THEN true
                ELSE false END AS is_done
    FROM dated)
SELECT account_id, ts, mapped_type AS activity_type, who AS initiated_by, subject, theme, status,
       is_done AS done, activity_date, due_date, completed_at, owner, source, source_row, table_idx,
       {checks} AS reason
FROM decided"""
