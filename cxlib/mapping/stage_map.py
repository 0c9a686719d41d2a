"""Raw stage values and the stage map: which configured stage each raw value of a stage column means.

Stage values are mapped onto the stage list with the synonyms of `cxlib.stages` (README, "Data you
can bring"); the user's stage map overrides a suggestion, and a value mapped to nothing (or to a
stage no longer in the list) is "not mapped" and its rows are excluded. "Closed Lost" always has a
place: the lost-deal stage is in the list even when the settings leave it out. A stage named by a
stage-date column's header (a shape's "Became a Lead Date" → "Lead") is a stage value like any
cell, counted by its non-empty cells.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib.canonical import quote
from cxlib.mapping.document import Mapping
from cxlib.mapping.raw_tables import raw_columns, table_exists
from cxlib.mapping.roles import FACTOR_RATINGS, IGNORE
from cxlib.settings import Settings
from cxlib.stages import LOST_DEAL, suggest_stage

STAGE_ROLES = ("stage", "last_funnel_stage")   # roles whose values are stage names


def stage_names(settings: Settings) -> list[str]:
    """The stages a raw value may be mapped to: the configured list, plus the lost-deal stage."""
    names = [s.name for s in settings.stages]
    return names if LOST_DEAL in names else [*names, LOST_DEAL]


def _stage_columns(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[tuple[str, str]]:
    """(table, column) of every stage-bearing column that exists in a mapped table."""
    out = []
    for tm in mapping.tables:
        if tm.kind in (IGNORE, FACTOR_RATINGS) or not table_exists(con, tm.table):
            continue
        present = raw_columns(con, tm.table)
        out += [(tm.table, c) for c, r in tm.roles.items() if r in STAGE_ROLES and c in present]
    return out


def _header_stages(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[tuple[str, int]]:
    """(stage a stage-date column's header names, its non-empty cells) for every shaped table."""
    out = []
    for tm in mapping.tables:
        if tm.kind == IGNORE or tm.shape is None or not tm.shape.stage_dates or not table_exists(con, tm.table):
            continue
        present = raw_columns(con, tm.table)
        cols = [(c, stage) for c, stage in tm.shape.stage_dates if c in present]
        if not cols:
            continue
        counts = con.execute("SELECT " + ", ".join(f"count(NULLIF(trim(CAST({quote(c)} AS VARCHAR)), ''))"
                                                   for c, _ in cols) + f" FROM {quote(tm.table)}").fetchone()
        out += [(stage, int(n)) for (_, stage), n in zip(cols, counts)]
    return out


def effective_stage(value: str, mapping: Mapping, allowed: set[str]) -> str | None:
    """The stage a raw value maps to: the stage map's entry (if a configured stage), else the suggestion."""
    if value in mapping.stage_map:
        target = mapping.stage_map[value]
        return target if target in allowed else None
    return suggest_stage(value, mapping.settings.stages)


def stage_values(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> pd.DataFrame:
    """Every raw stage value of every stage column: value, rows, suggested_stage, mapped_stage."""
    cols = _stage_columns(con, mapping)
    headers = _header_stages(con, mapping)
    if not cols and not headers:
        return pd.DataFrame({"value": pd.Series([], dtype="str"), "rows": pd.Series([], dtype="int64"),
                             "suggested_stage": pd.Series([], dtype="object"),
                             "mapped_stage": pd.Series([], dtype="object")})
    counts: dict[str, int] = {}
    if cols:
        # Grouped by raw value first, so trimming runs once per distinct value, not once per row.
        parts = " UNION ALL ".join(f"SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS value, raw_rows FROM "
                                   f"(SELECT {quote(c)} AS raw_value, count(*) AS raw_rows FROM {quote(t)} GROUP BY ALL)"
                                   for t, c in cols)
        counts = dict(con.execute(f"WITH raw_stage_values AS ({parts}) SELECT value, sum(raw_rows) AS rows "
                                  "FROM raw_stage_values WHERE value IS NOT NULL GROUP BY value").fetchall())
    for value, n in headers:
        counts[value] = counts.get(value, 0) + n
    counted = sorted(((v, int(n)) for v, n in counts.items() if n), key=lambda item: (-item[1], item[0]))
    allowed = set(stage_names(mapping.settings))
    values = [v for v, _ in counted]
    return pd.DataFrame({
        "value": pd.Series(values, dtype="str"),
        "rows": pd.Series([int(n) for _, n in counted], dtype="int64"),
        "suggested_stage": pd.Series([suggest_stage(v, mapping.settings.stages) for v in values], dtype="object"),
        "mapped_stage": pd.Series([effective_stage(v, mapping, allowed) for v in values], dtype="object"),
    })


def unmapped_stage_values(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> pd.DataFrame:
    """The raw stage values no stage is mapped to, with their row counts (their rows are excluded)."""
    values = stage_values(con, mapping)
    return values[values["mapped_stage"].isna()][["value", "rows"]].reset_index(drop=True)


def suggested_stage_map(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> dict[str, str | None]:
    """Raw stage value → suggested stage (None when no synonym names one), for every value in the data."""
    values = stage_values(con, mapping)
    return dict(zip(values["value"], [None if pd.isna(s) else s for s in values["suggested_stage"]]))
