"""Breakdown and weight: each account's segment and weight, which column `--by` means, and the per-segment pivot.

A segment comes from an accounts column (`dimensions`' one row per account; accounts missing
from the accounts table are "(none)"), or from a column of the event file itself: the value on
the account's step-1 entry, read from the raw row through the view's `source`/`source_row`.
When a name is a column of both, the event file's own wins (README, "Command line").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.canonical import quote
from cxlib.errors import MetricError
from cxlib.funnel.sequences import Ctes
from cxlib.funnel.spec import FunnelResult, Plan
from cxlib.mapping import Mapping


@dataclass(frozen=True)
class ByColumn:
    """What a typed `--by` name means: the column, the event files that carry it (empty: an accounts
    column), and a note when the name is a column of both the event file and the accounts table."""

    by: str
    event_tables: tuple[tuple[str, str, str, str], ...] = ()
    note: str | None = None


def breakdown_column(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, name: str) -> ByColumn:
    """The column a user means by `name` for a funnel breakdown: the event file's own, else an accounts column.

    Resolved by `dimensions.resolve_by_column`, the one rule every `--by` follows; the funnel then
    reads the value on each account's step-1 entry. MetricError naming both tables' columns when
    it is in neither.
    """
    resolved = dimensions.resolve_by_column(con, canonical.JOURNEY_EVENTS, name, mapping)
    if resolved.origin != "table":
        return ByColumn(by=resolved.column)
    # The schema qualifies the raw table in SQL, so a file named like a query's CTE ("events") is still read.
    schema = str(con.execute("SELECT current_schema()").fetchone()[0])
    tables = tuple((source, schema, table, column) for table, source, column in resolved.tables)
    return ByColumn(by=resolved.column, event_tables=tables, note=resolved.note)


def _step1_values_ctes(plan: Plan) -> Ctes:
    """`step1_values`: per account and step-1 entry time, the breakdown column's value on that raw row
    (the first row in file order when several step-1 entries share the time)."""
    parts = []
    for i, (_, schema, table, column) in enumerate(plan.spec.by_event_tables, start=1):
        parts.append(f"""
            SELECT entry.account_id, entry.ts, entry.source, entry.source_row,
                   CAST(raw_row.{quote(column)} AS VARCHAR) AS value
            FROM {quote(canonical.JOURNEY_EVENTS)} AS entry
            JOIN {quote(schema)}.{quote(table)} AS raw_row ON raw_row._source_row = entry.source_row
            WHERE entry.source = $by_source_{i} AND entry.stage = $stage_1""")
    return [
        ("step1_entries", " UNION ALL ".join(parts)),
        ("step1_values", """
            SELECT account_id, ts, first(value ORDER BY source, source_row) AS value
            FROM step1_entries GROUP BY account_id, ts"""),
    ]


def segment_ctes(plan: Plan) -> Ctes:
    """`weighted`: journeys with their segment value and weight (`dimensions`' one row per account)."""
    spec = plan.spec
    if plan.by_event_column:
        return _event_segment_ctes(plan)
    need_accounts = spec.by is not None or spec.weight == "arr"
    if not need_accounts:
        return [("weighted", """
            SELECT *, '' AS segment, CAST(1 AS DOUBLE) AS w, true AS in_accounts, false AS null_arr FROM journeys""")]
    # Accounts missing from the accounts table get NULL here, which segment_sql labels "(none)".
    seg = "''" if spec.by is None else dimensions.segment_sql(f"a.{quote(spec.by)}")
    weight = "coalesce(CAST(a.arr AS DOUBLE), 0.0)" if spec.weight == "arr" else "CAST(1 AS DOUBLE)"
    return [
        ("acct", dimensions.ONE_ROW_PER_ACCOUNT),
        ("weighted", f"""
            SELECT j.*, {seg} AS segment, {weight} AS w,
                   a.account_id IS NOT NULL AS in_accounts,
                   a.account_id IS NOT NULL AND a.arr IS NULL AS null_arr
            FROM journeys j LEFT JOIN acct a ON a.account_id = j.account_id"""),
    ]


def _event_segment_ctes(plan: Plan) -> Ctes:
    """`weighted` with the segment read from each account's step-1 entry in the event file."""
    seg = dimensions.segment_sql("v.value")
    if plan.spec.weight != "arr":
        return _step1_values_ctes(plan) + [("weighted", f"""
            SELECT j.*, {seg} AS segment, CAST(1 AS DOUBLE) AS w, true AS in_accounts, false AS null_arr
            FROM journeys j LEFT JOIN step1_values v ON v.account_id = j.account_id AND v.ts = j.t_1""")]
    return _step1_values_ctes(plan) + [
        ("acct", dimensions.ONE_ROW_PER_ACCOUNT),
        ("weighted", f"""
            SELECT j.*, {seg} AS segment, coalesce(CAST(a.arr AS DOUBLE), 0.0) AS w,
                   a.account_id IS NOT NULL AS in_accounts,
                   a.account_id IS NOT NULL AND a.arr IS NULL AS null_arr
            FROM journeys j LEFT JOIN step1_values v ON v.account_id = j.account_id AND v.ts = j.t_1
                            LEFT JOIN acct a ON a.account_id = j.account_id"""),
    ]


def conversion_by_segment(result: FunnelResult, base: Literal["first", "previous"] = "first") -> pd.DataFrame:
    """One row per segment of a broken-down funnel: its step-1 accounts (ARR when weighted), n and low-n
    flag, then per later step k the conversion (from step 1, or from the previous step), its n and
    low-n flag (`conversion_k`, `n_k`, `low_n_k`), and `conversion_overall` (last step ÷ step 1).

    The pages' per-segment tables, in the funnel's segment order ("(none)" last).
    """
    if result.by is None:
        raise MetricError("Conversion by segment needs a funnel broken down by a column.")
    if base not in ("first", "previous"):
        raise MetricError(f"Unknown conversion base {base!r}: use first or previous.")
    table = result.table
    segments = list(dict.fromkeys(table["segment"]))
    at = {k: table[table["step"] == k].set_index("segment").reindex(segments) for k in range(1, len(result.steps) + 1)}
    measure = "conversion_from_first" if base == "first" else "conversion_from_previous"
    out = pd.DataFrame({"segment": pd.Series(segments, dtype="str")})
    out["accounts"] = at[1]["accounts"].to_numpy()
    out["n"] = at[1]["n"].astype("int64").to_numpy()
    out["low_n"] = at[1]["low_n"].astype("bool").to_numpy()
    for k in range(2, len(result.steps) + 1):
        out[f"conversion_{k}"] = at[k][measure].astype("float64").to_numpy()
        out[f"n_{k}"] = at[k]["n"].astype("int64").to_numpy()
        out[f"low_n_{k}"] = at[k]["low_n"].astype("bool").to_numpy()
    out["conversion_overall"] = at[len(result.steps)]["conversion_from_first"].astype("float64").to_numpy()
    return out
