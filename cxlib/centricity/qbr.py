"""QBR discipline per account (issue 13): last QBR/EBR, held in the last 100 days, follow-through.

- A QBR/EBR counts once held: an activity of type `qbr`, dated up to the as-of date, not planned
  (`done` is not false). Held in the last 100 days: as-of − 100 days ≤ its date ≤ as-of.
- Follow-up tasks: provider tasks on the account created (`activity_date`, else `ts`) within 14
  days after a held QBR/EBR (QBR ≤ created ≤ QBR + 14 days) and by the as-of date. An open task not
  yet due (no due date, or due on or after the as-of date) is left out; an open task due before the
  as-of date is overdue: counted, not completed. Completed by the due date compares calendar days
  (`completed_at`, else `ts`); a done task without a due date is on time.
- follow_through = completed by the due date ÷ counted follow-up tasks (NULL when none counted).
- missed_qbr (early warning): a customer for at least 100 days (its open customer spell started on
  or before as-of − 100 days) with no QBR/EBR held in the last 100 days; only when activities exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.activities import activities_count
from cxlib.settings import Settings

QBR_DAYS = 100
FOLLOW_UP_DAYS = 14
SEGMENT_COLUMN = "qbr_last_100_days"   # the accounts' derived segment: 'yes' / 'no' (only when activities exist)
COLUMNS = ["account_id", "last_qbr", "qbr_held", "followups", "followed_through", "follow_through", "overdue",
           "left_out"]

_Q = canonical.quote

# A QBR/EBR held (README "QBR discipline", "Customer-centricity"): an activity of type `qbr`, dated up
# to the as-of date, not planned. The one definition the QBR discipline, missed_qbr and care use.
HELD_QBR_SQL = ("activity_type = 'qbr' AND done IS NOT FALSE AND ts IS NOT NULL "
                "AND ts <= CAST($as_of AS TIMESTAMP)")


def qbr_ctes() -> str:
    """CTEs `qb_qbrs`, `qb_last`, `qb_followups` and `qb_account` (one row per account with activities)."""
    activities = _Q(canonical.ACTIVITIES)
    return f"""qb_qbrs AS (
  SELECT account_id, ts FROM {activities}
  WHERE {HELD_QBR_SQL}
    AND account_id IS NOT NULL
),
qb_last AS (SELECT account_id, max(ts) AS last_qbr FROM qb_qbrs GROUP BY account_id),
qb_tasks AS (
  SELECT t.account_id, coalesce(t.activity_date, t.ts) AS created, t.due_date,
         coalesce(t.completed_at, t.ts) AS completed,
         t.done IS TRUE AND coalesce(t.completed_at, t.ts, CAST($as_of AS TIMESTAMP)) <= CAST($as_of AS TIMESTAMP)
           AS done_now
  FROM {activities} AS t
  WHERE t.activity_type = 'task' AND t.initiated_by = '{canonical.PROVIDER}'
    AND coalesce(t.activity_date, t.ts) <= CAST($as_of AS TIMESTAMP)
    AND EXISTS (SELECT 1 FROM qb_qbrs AS q WHERE q.account_id = t.account_id
                AND coalesce(t.activity_date, t.ts) >= q.ts
                AND coalesce(t.activity_date, t.ts) <= q.ts + to_days($follow_up_days))
),
qb_followups AS (
  SELECT account_id, created, due_date, completed,
         CASE WHEN done_now AND (due_date IS NULL OR CAST(completed AS DATE) <= CAST(due_date AS DATE))
                THEN 'completed on time'
              WHEN done_now THEN 'completed late'
              WHEN due_date < CAST($as_of AS TIMESTAMP) THEN 'overdue'
              ELSE 'open, not yet due' END AS state
  FROM qb_tasks
),
qb_account AS (
  SELECT ids.account_id, l.last_qbr,
         coalesce(l.last_qbr >= CAST($as_of AS TIMESTAMP) - to_days($qbr_days), false) AS qbr_held,
         count(f.state) FILTER (WHERE f.state <> 'open, not yet due') AS followups,
         count(f.state) FILTER (WHERE f.state = 'completed on time') AS followed_through,
         count(f.state) FILTER (WHERE f.state = 'completed on time')
           / NULLIF(count(f.state) FILTER (WHERE f.state <> 'open, not yet due'), 0) AS follow_through,
         count(f.state) FILTER (WHERE f.state = 'overdue') AS overdue,
         count(f.state) FILTER (WHERE f.state = 'open, not yet due') AS left_out
  FROM (SELECT DISTINCT account_id FROM {activities} WHERE account_id IS NOT NULL) AS ids
  LEFT JOIN qb_last AS l USING (account_id)
  LEFT JOIN qb_followups AS f USING (account_id)
  GROUP BY ids.account_id, l.last_qbr
)"""


def qbr_params(as_of: dt.datetime) -> dict[str, Any]:
    """The parameters of `qbr_ctes`."""
    return {"as_of": as_of, "qbr_days": QBR_DAYS, "follow_up_days": FOLLOW_UP_DAYS}


def qbr_discipline(con: duckdb.DuckDBPyConnection, settings: Settings | None = None,
                   as_of: dt.datetime | None = None, account_id: str | None = None) -> pd.DataFrame:
    """Per account with activities: `COLUMNS` (last_qbr as a date). `account_id` keeps one account."""
    as_of = as_of or dimensions.as_of_date(con, settings or Settings())
    where, params = "", qbr_params(as_of)
    if account_id is not None:
        where, params = "WHERE account_id = $account_id", params | {"account_id": str(account_id)}
    table = con.execute(f"WITH {qbr_ctes()} SELECT * FROM qb_account {where} ORDER BY account_id", params).df()
    table["last_qbr"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in table["last_qbr"]]
    return table[COLUMNS]


def add_qbr_segment(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Give the accounts table the segment column `qbr_last_100_days` at the as-of date; False when not added.

    'yes' when the account held a QBR/EBR in the last 100 days (as `qbr_held`), else 'no'. Added only
    when activities are loaded and something is dated; it is rebuilt whenever the mapping is applied
    (a new as-of date is part of the mapping's settings), so every segment picker and `--by` can use it.
    """
    as_of = dimensions.as_of_param(con, settings) if activities_count(con) else None
    if as_of is None:
        return False
    column = _Q(SEGMENT_COLUMN)
    con.execute(f"ALTER TABLE {_Q(canonical.ACCOUNTS)} ADD COLUMN IF NOT EXISTS {column} VARCHAR")
    con.execute(f"""
        UPDATE {_Q(canonical.ACCOUNTS)} SET {column} = CASE WHEN account_id IN (
            WITH {qbr_ctes()} SELECT account_id FROM qb_account WHERE qbr_held) THEN 'yes' ELSE 'no' END""",
                qbr_params(as_of))
    return True


def follow_through_text(row: dict[str, Any]) -> str:
    """The follow-through in words, saying why when no task counts (the Account page)."""
    n, k, left = int(row["followups"]), int(row["followed_through"]), int(row["left_out"])
    if n == 0:
        extra = f" ({left} open and not yet due, left out)" if left else ""
        return (f"no follow-up task counted: no provider task created within {FOLLOW_UP_DAYS} days after a "
                f"QBR/EBR is done or overdue{extra}")
    text = f"{k} of {n} follow-up tasks completed by their due date ({k / n:.0%})"
    if int(row["overdue"]):
        text += f"; {int(row['overdue'])} overdue"
    if left:
        text += f"; {left} open and not yet due (left out)"
    return text


__all__ = ["COLUMNS", "FOLLOW_UP_DAYS", "HELD_QBR_SQL", "QBR_DAYS", "SEGMENT_COLUMN", "add_qbr_segment",
           "follow_through_text", "qbr_ctes", "qbr_discipline", "qbr_params"]
