"""Building the canonical views from a mapping, and the validation report of each (rows in = used + excluded).

Raw tables are renamed once, here, into the five canonical views of `cxlib.canonical`; every metric
reads only those (README, "Architecture"). Each view gets a validation report with the reasons rows
were excluded (README, "Data you can bring"). The SQL itself is `view_sql`'s; this module writes the
helper tables that carry user values as data, runs the SQL, and reads the ledgers back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions, layout
from cxlib.canonical import quote
from cxlib.errors import MappingError
from cxlib.factors import factor_key
from cxlib.mapping import view_sql
from cxlib.mapping.account_columns import segment_sources
from cxlib.mapping.activity_values import activity_value_columns, write_activity_as_of
from cxlib.mapping.check import check_mapping
from cxlib.mapping.document import Mapping, TableMapping, parse_as_of
from cxlib.mapping.keys import create_account_id_macros
from cxlib.mapping.raw_tables import raw_columns, table_exists, type_class
from cxlib.mapping.roles import (ACCOUNTS, ACTIVITIES, CHURNED, FACTOR_RATINGS, IGNORE, JOURNEY_EVENTS, SCORE_RANGES,
                                 STAGE_SNAPSHOTS, SURVEYS)
from cxlib.mapping.shapes import rows as shape_rows
from cxlib.mapping.stage_map import effective_stage, stage_names, stage_values
from cxlib.mapping.view_sql import TableSql
from cxlib.mapping.vocabulary import churn_flag_value, survey_type_of, yes_no_number
from cxlib.stages import LOST_DEAL

# Dependencies run accounts → snapshots → events → surveys → factor ratings → activities.
_BUILD_ORDER = (ACCOUNTS, STAGE_SNAPSHOTS, JOURNEY_EVENTS, SURVEYS, FACTOR_RATINGS, ACTIVITIES)


@dataclass
class ValidationReport:
    """One canonical view's reconciliation: rows in = rows used + rows excluded, by reason."""

    view: str
    rows_in: int
    rows_used: int
    rows_excluded: int
    reasons: pd.DataFrame
    rows_derived: int = 0   # journey events derived from stacked snapshots (not raw rows)


def _replace_table(con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """Create (or replace) a small table and fill it with rows passed as parameters."""
    con.execute(f"CREATE OR REPLACE TABLE {quote(name)} ({columns})")
    if rows:
        con.executemany(f"INSERT INTO {quote(name)} VALUES ({', '.join('?' for _ in rows[0])})", rows)


def _helper_tables(con: duckdb.DuckDBPyConnection, mapping: Mapping, live: list[TableMapping],
                   types: dict[str, dict[str, str]]) -> None:
    """The small tables that carry every user value into the views as data, never as SQL text."""
    settings = mapping.settings
    allowed = set(stage_names(settings))
    values = list(stage_values(con, mapping)["value"])
    stage_rows = {v: effective_stage(v, mapping, allowed) for v in values}
    for value, target in mapping.stage_map.items():
        stage_rows.setdefault(value, target if target in allowed else None)
    _replace_table(con, "_stage_map", "value VARCHAR PRIMARY KEY, stage VARCHAR",
                   [(v, s) for v, s in stage_rows.items() if s is not None])
    stage_list = [(s.name, s.kind, i + 1) for i, s in enumerate(settings.stages)]
    if LOST_DEAL not in {s.name for s in settings.stages}:
        stage_list.append((LOST_DEAL, "lost", len(stage_list) + 1))
    _replace_table(con, "_cx_stage_list", "name VARCHAR, kind VARCHAR, position INTEGER", stage_list)
    default_zone = settings.timezones.get("*", "UTC")
    table_info = []
    for i, tm in enumerate(live):
        as_of = parse_as_of(tm.as_of)
        if as_of is None and tm.kind in (ACCOUNTS, STAGE_SNAPSHOTS):
            as_of = settings.as_of        # an undated export is as of the Data page's date
        if as_of is not None and as_of.tzinfo is not None:
            as_of = as_of.replace(tzinfo=None)
        table_info.append((i, tm.table, tm.source, tm.kind, as_of, tm.survey_type,
                           settings.timezones.get(tm.table, default_zone)))
    _replace_table(con, "_cx_tables", "idx INTEGER, table_name VARCHAR, source VARCHAR, kind VARCHAR, "
                   "as_of TIMESTAMP, survey_type VARCHAR, timezone VARCHAR", table_info)
    value_rows: dict[tuple[str, str], str] = {}
    for tm in live:
        wanted = [(c, "survey_type", survey_type_of) for c in tm.columns_with("survey_type")]
        if tm.kind == FACTOR_RATINGS:
            wanted += [(c, "factor", factor_key) for c in tm.columns_with("factor")]
        wanted += [(c, "yes_no", yes_no_number) for c in tm.columns_with("outcome")
                   if type_class(types[tm.table][c]) == "text"]
        wanted += [(c, "churned", churn_flag_value) for c in tm.columns_with(CHURNED)
                   if type_class(types[tm.table][c]) == "text"]
        if tm.kind == ACTIVITIES:
            wanted += activity_value_columns(tm)
        for column, category, fn in wanted:
            distinct = con.execute(f"SELECT DISTINCT NULLIF(trim(CAST({quote(column)} AS VARCHAR)), '') "
                                   f"FROM {quote(tm.table)}").fetchall()
            for (value,) in distinct:
                mapped = fn(value) if value is not None else None
                if mapped is not None:
                    value_rows[(category, value)] = str(mapped)
    _replace_table(con, "_cx_value_map", "category VARCHAR, value VARCHAR, mapped VARCHAR",
                   [(c, v, m) for (c, v), m in value_rows.items()])
    _replace_table(con, "_cx_score_ranges", "survey_type VARCHAR, low DOUBLE, high DOUBLE",
                   [(t, lo, hi) for t, (lo, hi) in SCORE_RANGES.items()])
    _replace_table(con, shape_rows.SHAPE_VALUES, shape_rows.SHAPE_VALUES_COLUMNS,
                   shape_rows.shape_values(con, live, types))


def _ledger_sqls(items: list[TableSql], segments: list[tuple[TableMapping, str, str]]) -> dict[str, str]:
    """Each view's ledger SQL from the row builders of every mapped table, in mapping order.

    Journey events come from event tables and from any shaped table's stage-date columns (a HubSpot
    companies export feeds accounts and events)."""
    of_kind = {kind: [s for s in items if s.tm.kind == kind] for kind in _BUILD_ORDER}
    has_accounts = bool(of_kind[ACCOUNTS])
    segment_names = list(dict.fromkeys(name for _, _, name in segments))
    accounts = [p for s in of_kind[ACCOUNTS] for p in view_sql.account_rows(s, segments)]
    snapshots = [p for s in of_kind[STAGE_SNAPSHOTS] for p in view_sql.snapshot_rows(s)]
    events = [p for s in items for p in shape_rows.event_rows(s)]
    surveys = [p for s in of_kind[SURVEYS] for p in view_sql.survey_rows(s)]
    dated: list[str] = []
    undated: list[str] = []
    for s in items:
        if view_sql.rates_factors(s):
            more_dated, more_undated = view_sql.factor_rows(s)
            dated += more_dated
            undated += more_undated
    return {
        ACCOUNTS: view_sql.accounts_ledger_sql(accounts, segment_names),
        STAGE_SNAPSHOTS: view_sql.snapshots_ledger_sql(snapshots, has_accounts),
        JOURNEY_EVENTS: view_sql.events_ledger_sql(events, has_accounts),
        SURVEYS: view_sql.surveys_ledger_sql(surveys, has_accounts),
        FACTOR_RATINGS: view_sql.factors_ledger_sql(dated, undated, has_accounts),
        ACTIVITIES: view_sql.activities_ledger_sql([p for s in items for p in view_sql.activity_rows(s)],
                                                   has_accounts),
    }


def apply_mapping(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[ValidationReport]:
    """(Re)create the five canonical views from a mapping; one validation report per view.

    Raises MappingError (naming table and column) when the mapping does not fit the data.
    """
    errors = check_mapping(con, mapping)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise MappingError(first.message + more, file=first.file, column=first.column)
    con.execute(f"DROP TABLE IF EXISTS {quote(canonical.DATES_TABLE)}")   # the old views' dates: read anew
    live = [tm for tm in mapping.tables if tm.kind != IGNORE]
    types = {tm.table: raw_columns(con, tm.table) for tm in live}
    _helper_tables(con, mapping, live, types)
    create_account_id_macros(con)
    items = [shape_rows.table_sql(tm, i, types[tm.table]) for i, tm in enumerate(live)]
    segments = segment_sources(Mapping(live, mapping.stage_map, mapping.settings))
    segment_names = list(dict.fromkeys(name for _, _, name in segments))
    ledger_sqls = _ledger_sqls(items, segments)
    # Each view is stored as a table once per mapping: every page and metric then reads it without
    # re-deriving it.
    for view in _BUILD_ORDER:
        canonical.drop_relation(con, view)
        canonical.drop_relation(con, view_sql.ledger_table(view))
        if view == ACTIVITIES:   # done-ness needs the as-of date of the views built so far
            write_activity_as_of(con, mapping.settings)
        con.execute(f"CREATE TABLE {quote(view_sql.ledger_table(view))} AS {ledger_sqls[view]}")
        con.execute(f"CREATE TABLE {quote(view)} AS {view_sql.canonical_view_sql(view, segment_names)}")
    # The journeys' physical layout (integer account keys, stage codes, (account, time) order) is
    # built once here, so funnels and journey maps pay for it once per mapping, not per click.
    layout.build_layout(con)
    dimensions.record_dates(con)
    return [validation_report(con, view) for view in canonical.VIEWS]


def unmap(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the applied mapping: the canonical tables, their row ledgers and the layout go, empty views return."""
    layout.drop_layout(con)
    canonical.drop_relation(con, canonical.DATES_TABLE)
    for view in canonical.VIEWS:
        canonical.drop_relation(con, view)
        canonical.drop_relation(con, view_sql.ledger_table(view))
    canonical.create_empty_views(con)


def validation_report(con: duckdb.DuckDBPyConnection, view: str) -> ValidationReport:
    """Rows in, used and excluded (by reason) for one canonical view after `apply_mapping`."""
    ledger = quote(view_sql.ledger_table(view))
    counts = con.execute(f"SELECT reason, count(*) AS rows FROM {ledger} GROUP BY reason "
                         "ORDER BY reason IS NOT NULL, rows DESC, reason").fetchall()
    used = sum(int(n) for r, n in counts if r is None)
    excluded = [(r, int(n)) for r, n in counts if r is not None]
    derived = 0
    if view == JOURNEY_EVENTS:
        derived = int(con.execute("SELECT count(*) FROM journey_events WHERE resolution = 'monthly'").fetchone()[0])
    reasons = pd.DataFrame({"reason": pd.Series([r for r, _ in excluded], dtype="str"),
                            "rows": pd.Series([n for _, n in excluded], dtype="int64")})
    total_excluded = sum(n for _, n in excluded)
    return ValidationReport(view, used + total_excluded, used, total_excluded, reasons, derived)


def excluded_rows(con: duckdb.DuckDBPyConnection, view: str) -> pd.DataFrame:
    """Every raw row a canonical view left out: source, source_row and reason (downloadable)."""
    if view not in canonical.VIEWS:
        raise MappingError(f'Unknown view "{view}" (expected one of {", ".join(canonical.VIEWS)}).')
    empty = pd.DataFrame({"source": pd.Series([], dtype="str"), "source_row": pd.Series([], dtype="int64"),
                          "reason": pd.Series([], dtype="str")})
    if not table_exists(con, view_sql.ledger_table(view)):
        return empty
    try:
        return con.execute(f"SELECT source, source_row, reason FROM {quote(view_sql.ledger_table(view))} "
                           "WHERE reason IS NOT NULL ORDER BY source, source_row, reason").df()
    except duckdb.CatalogException:
        return empty      # the raw tables were dropped since (workspace cleared): nothing is mapped
