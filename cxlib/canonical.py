"""The canonical views every metric is written against: fixed names, fixed columns, fixed types.

Mapping renames a user's columns into these once; metrics never see a user's column names.
The accounts view also carries the user's segment columns (tier, region, …, as text) and measure
columns (tenure, seats, …, as numbers) after the fixed ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from cxlib import catalog

ACCOUNTS = "accounts"
JOURNEY_EVENTS = "journey_events"
STAGE_SNAPSHOTS = "stage_snapshots"
SURVEYS = "surveys"
FACTOR_RATINGS = "factor_ratings"
ACTIVITIES = "activities"

# What the provider and the customer did, as the activities view names it (README, "Activities").
# `qbr` covers QBRs and EBRs; `reference` a reference call or visit given for the provider.
ACTIVITY_TYPES: tuple[str, ...] = ("qbr", "meeting", "call", "email", "task", "training", "webinar",
                                   "ticket", "reference", "other")
PROVIDER = "provider"
CUSTOMER = "customer"

# view → ordered (column, DuckDB type). `source`/`source_row` point back at the raw file and row.
SCHEMA: dict[str, tuple[tuple[str, str], ...]] = {
    ACCOUNTS: (
        ("account_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("stage", "VARCHAR"),            # current stage, mapped onto the stage list
        ("arr", "DOUBLE"),
        ("start_date", "TIMESTAMP"),
        ("renewal_date", "TIMESTAMP"),
        ("churn_reason", "VARCHAR"),
        ("outcome", "DOUBLE"),           # required outcome: yes/no as 1/0, or a score
        ("churned", "BOOLEAN"),          # a churn flag in the export (Churn yes/no, Status Cancelled); NULL: not said
        ("intent", "VARCHAR"),           # why they bought, as written (e.g. "replace our legacy spreadsheets")
        ("source", "VARCHAR"),
        ("source_row", "BIGINT"),
    ),
    JOURNEY_EVENTS: (
        ("account_id", "VARCHAR"),
        ("stage", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("resolution", "VARCHAR"),       # 'event' or 'monthly' (derived from stacked snapshots)
        ("source", "VARCHAR"),
        ("source_row", "BIGINT"),
    ),
    STAGE_SNAPSHOTS: (
        ("account_id", "VARCHAR"),
        ("stage", "VARCHAR"),
        ("as_of", "TIMESTAMP"),
        ("last_funnel_stage", "VARCHAR"),  # for accounts on an exit: where they left the funnel
        ("source", "VARCHAR"),
        ("source_row", "BIGINT"),
    ),
    SURVEYS: (
        ("account_id", "VARCHAR"),
        ("respondent", "VARCHAR"),
        ("respondent_role", "VARCHAR"),  # e.g. decision maker / user
        ("ts", "TIMESTAMP"),
        ("survey_type", "VARCHAR"),      # 'NPS', 'CSAT' or 'CES'
        ("score", "DOUBLE"),
        ("comment", "VARCHAR"),
        ("stage", "VARCHAR"),            # stage or touchpoint named by the row, if any
        ("source", "VARCHAR"),
        ("source_row", "BIGINT"),
    ),
    FACTOR_RATINGS: (
        ("account_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("factor", "VARCHAR"),           # factor key, e.g. 'customer_intent'
        ("score", "DOUBLE"),             # raw value on the factor's own scale
        ("source", "VARCHAR"),
        ("source_row", "BIGINT"),
    ),
    ACTIVITIES: (
        ("account_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),             # when it happened: the completed date, else the activity date
        ("activity_type", "VARCHAR"),    # one of ACTIVITY_TYPES ('other' when the value maps to none)
        ("initiated_by", "VARCHAR"),     # PROVIDER or CUSTOMER
        ("subject", "VARCHAR"),
        ("theme", "VARCHAR"),            # theme or tag as exported
        ("status", "VARCHAR"),           # as exported
        ("done", "BOOLEAN"),             # it happened; an open task or a planned meeting is not done
        ("activity_date", "TIMESTAMP"),  # the activity's own date as exported (a task's creation date)
        ("due_date", "TIMESTAMP"),
        ("completed_at", "TIMESTAMP"),
        ("owner", "VARCHAR"),
        ("source", "VARCHAR"),
        ("source_row", "BIGINT"),
    ),
}

VIEWS: tuple[str, ...] = tuple(SCHEMA)

# Columns added to a view after its first version. `create_table` fills tuple rows in the first
# version's order, then the extra columns, then these — so rows written for older schemas keep
# their meaning (dict rows name their columns and need no such care).
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {ACCOUNTS: ("churned", "intent")}


def columns(view: str) -> list[str]:
    """The fixed column names of a canonical view."""
    return [name for name, _ in SCHEMA[view]]


def quote(identifier: str) -> str:
    """Quote a SQL identifier (table or column name) so any user-given name is safe."""
    return '"' + str(identifier).replace('"', '""') + '"'


def empty_select(view: str) -> str:
    """A SELECT with the view's columns and types and no rows, for kinds nobody loaded."""
    cols = ", ".join(f"CAST(NULL AS {typ}) AS {quote(name)}" for name, typ in SCHEMA[view])
    return f"SELECT {cols} WHERE false"


# The dates the as-of date is taken from, recorded once per applied mapping (`dimensions.record_dates`);
# replacing a canonical table by hand (`create_table`) forgets them, so they are read from the views again.
DATES_TABLE = "_cx_dates"


def drop_relation(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a table or view of that name, whichever it is (DuckDB refuses DROP VIEW on a table)."""
    kind = catalog.relation_kind(con, name)
    if kind is not None:
        con.execute(f"DROP {kind.upper()} {quote(name)}")


def create_table(con: duckdb.DuckDBPyConnection, view: str, rows: Iterable[Sequence[Any] | dict[str, Any]],
                 extra_columns: Sequence[tuple[str, str]] = (), *, name: str | None = None) -> None:
    """Create a canonical table from literal rows (tuples in schema order, or dicts): tests and samples.

    Tuples may stop early; missing trailing columns are NULL. `extra_columns` (accounts only)
    adds segment and measure columns after the fixed ones. Tuples list the view's original columns,
    then the extra ones, then `ADDED_COLUMNS` (so older rows keep their meaning).
    """
    schema = list(SCHEMA[view]) + list(extra_columns)
    table = name or view
    drop_relation(con, table)
    con.execute(f"DROP TABLE IF EXISTS {quote(DATES_TABLE)}")
    con.execute(f"CREATE TABLE {quote(table)} ("
                + ", ".join(f"{quote(c)} {t}" for c, t in schema) + ")")
    names = [c for c, _ in schema]
    added = ADDED_COLUMNS.get(view, ())
    tuple_order = [c for c in names if c not in added] + [c for c in added if c in names]
    values = []
    for row in rows:
        if isinstance(row, dict):
            values.append([row.get(c) for c in names])
        else:
            given = dict(zip(tuple_order, row))
            if len(row) > len(tuple_order):
                raise ValueError(f"a {view} row has {len(row)} values for {len(tuple_order)} columns")
            values.append([given.get(c) for c in names])
    if values:
        column_list = ", ".join(quote(c) for c in names)
        placeholders = ", ".join("?" for _ in names)
        con.executemany(f"INSERT INTO {quote(table)} ({column_list}) VALUES ({placeholders})", values)


def create_empty_views(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure every canonical view exists, empty where no table of that kind is mapped."""
    existing = catalog.relation_names(con)
    for view in VIEWS:
        if view not in existing:
            con.execute(f"CREATE VIEW {quote(view)} AS {empty_select(view)}")
