"""Wide stage dates: one date column per stage, each non-empty cell one journey event.

HubSpot writes them in two generations: "Became a Lead Date" … "Became an Evangelist Date"
(internal `hs_lifecyclestage_<stage>_date`), and the stage-calculated properties
"Date entered 'Customer (Lifecycle Stage Pipeline)'" (single, double or curly quotes; internal
`hs_v2_date_entered_<stage>`) beside "Date exited …", "Latest time in …" and "Cumulative time in …
(HH:mm:ss)", which are recognised and never taken for entries. The stage is read from the header
with a pattern, never from a fixed list (custom and localised stages appear: "Kunde").

Any other table may keep stage dates as "<stage> date", "date <stage>" or "<stage>_at" columns; a
date column is a stage date only when its stage part is not a bookkeeping date (created, updated,
start, end, renewal, due, …), the table has one row per account and at least two such columns, and
the dates run in header order on (almost) every row — the way a journey does.
"""

from __future__ import annotations

import re

from cxlib.canonical import quote
from cxlib.mapping.roles import ACCOUNTS, IGNORE
from cxlib.mapping.shapes.headers import RawTable, account_key_column, fold
from cxlib.mapping.shapes.model import Recognised, TableShape

_Q = "[\"'\u201c\u201d\u2018\u2019]"
_HS_ENTERED = re.compile(rf"^\s*date entered\s*{_Q}(?P<stage>.+?)\s*(?:\((?P<pipeline>[^()]*)\))?\s*{_Q}\s*$", re.I)
_HS_NOT_ENTRY = re.compile(rf"^\s*(date exited|latest time in|cumulative time in|time in)\s*{_Q}|"
                           r"^\s*time in current stage\b", re.I)
_HS_BECAME = re.compile(r"^\s*became an?\s+(?P<stage>.+?)\s+date\s*$", re.I)
_HS_RAW_ENTERED = re.compile(r"^hs_(?:v2_)?date_entered_(?P<stage>\w+?)$", re.I)
_HS_RAW_BECAME = re.compile(r"^hs_lifecyclestage_(?P<stage>\w+?)_date$", re.I)
_HS_RAW_NOT_ENTRY = re.compile(r"^hs_(?:v2_)?(?:date_exited|time_in|cumulative_time_in|latest_time_in)_\w+$", re.I)

_GENERIC = (re.compile(r"^(?P<stage>.+?)[\s_.\-]+(?:date|datum|data|fecha|datetime|timestamp)$", re.I),
            re.compile(r"^(?:date|data|datum|fecha)[\s_.\-]+(?:of[\s_]+)?(?P<stage>.+)$", re.I),
            re.compile(r"^(?P<stage>.+?)[\s_.\-]+(?:at|on)$", re.I),
            re.compile(r"^(?P<stage>[A-Za-z][A-Za-z0-9]*?[a-z0-9])(?:Date|At|On)$"))
# Bookkeeping dates: never a stage of the journey.
_NOT_STAGES = frozenset(fold(w) for w in (
    "create", "created", "creation", "start", "started", "end", "ended", "close", "modified", "last modified",
    "update", "updated", "last update", "last updated", "due", "birth", "recorded", "submit", "submitted",
    "submission", "response", "survey", "snapshot", "as of", "renewal", "renew", "expiry", "expiration",
    "expires", "report", "export", "import", "imported", "deleted", "archived", "resolved", "solved",
    "closed", "edit", "edited", "entered", "exited", "change", "changed", "stage change", "event", "effective",
    "valid from", "valid to", "period", "month", "week", "quarter", "year", "day", "time", "reference"))
_NOT_STAGE_PREFIX = ("last ", "next ", "first ", "previous ", "latest ", "original ")


def hubspot_stage_columns(t: RawTable) -> tuple[list[tuple[str, str]], list[str]]:
    """HubSpot's stage-date columns as (column, stage), and the exit/duration columns that are not entries."""
    entries: list[tuple[str, str]] = []
    not_entries: list[str] = []
    for column in t.names:
        if _HS_NOT_ENTRY.search(column) or _HS_RAW_NOT_ENTRY.match(column):
            not_entries.append(column)
            continue
        m = _HS_ENTERED.match(column) or _HS_BECAME.match(column) or _HS_RAW_ENTERED.match(column) \
            or _HS_RAW_BECAME.match(column)
        if m and (t.is_datetime(column) or not t.profile(column).nonnull):
            entries.append((column, m["stage"].strip()))
    return entries, not_entries


def generic_stage(column: str) -> str | None:
    """The stage a "<stage> date", "date <stage>" or "<stage>_at" header names, or None."""
    for pattern in _GENERIC:
        m = pattern.match(column.strip())
        if m:
            stage = m["stage"].strip(" _.-")
            key = fold(stage)
            if key and key not in _NOT_STAGES and not key.startswith(_NOT_STAGE_PREFIX) \
                    and not any(ch.isdigit() for ch in key):
                return stage
    return None


def runs_in_order(t: RawTable, columns: list[str]) -> tuple[int, int]:
    """(rows with two or more dates, of them rows whose dates do not decrease in header order)."""
    def ts(column: str) -> str:
        ref = quote(column)
        if t.type_class(column) == "text":
            return f"TRY_CAST(NULLIF(trim({ref}), '') AS TIMESTAMP)"
        return f"CAST({ref} AS TIMESTAMP)"

    dates = "list_filter([" + ", ".join(ts(c) for c in columns) + "], lambda stage_date: stage_date IS NOT NULL)"
    rows, ordered = t.con.execute(
        f"WITH stage_dates AS (SELECT {dates} AS dated FROM {quote(t.table)}) "
        "SELECT count(*) FILTER (WHERE len(dated) >= 2), "
        "count(*) FILTER (WHERE len(dated) >= 2 AND dated = list_sort(dated)) FROM stage_dates").fetchone()
    return int(rows), int(ordered)


def label(prefix: str, count: int) -> str:
    """"<prefix> — N stage-date columns → journey events"."""
    return f"{prefix} — {count} stage-date column{'s' if count != 1 else ''} → journey events"


def recognise_generic(t: RawTable) -> Recognised | None:
    """A one-row-per-account table with two or more "<stage> date" columns whose dates run in order."""
    stage_dates = [(c, s) for c in t.names if (s := generic_stage(c)) is not None and t.is_datetime(c)]
    if len(stage_dates) < 2:
        return None
    columns = [c for c, _ in stage_dates]
    account = account_key_column(t, set(columns))
    if account is None:
        return None
    rows, ordered = runs_in_order(t, columns)
    if rows < 2 or ordered < 0.9 * rows:
        return None
    stages = ", ".join(s for _, s in stage_dates)
    shape = TableShape(id="generic.stage_dates", tool="", name="stage-date columns",
                       label=label("Stage-date columns", len(stage_dates)), stage_dates=stage_dates,
                       notes=[f"One journey event per non-empty cell of {stages}, for the account in "
                              f"'{account}'; the stages are mapped like stage values."])
    roles = {account: "account_id", **{c: IGNORE for c in columns}}
    return Recognised(ACCOUNTS, roles, shape)
