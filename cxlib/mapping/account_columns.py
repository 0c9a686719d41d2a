"""The accounts view's own columns: segment columns named from headers, and a user's name for a column.

Segment columns (tier, region, industry, CSM, … — README, "Data you can bring") are VARCHAR and
measure columns (tenure, seats, …) DOUBLE, named snake_case from their header, after the fixed
columns of `cxlib.canonical`. A churn flag ("Churn", "Status") also keeps its own values as a
segment column under its header's name, so "Status=Cancelled" and "by Churn" still work; when
that name is the fixed `churned` itself, the fixed column stands for it. A user may name any
accounts column by its view name or by the header it came from.
"""

from __future__ import annotations

import duckdb

from cxlib import canonical
from cxlib.errors import MappingError
from cxlib.mapping.document import Mapping, TableMapping
from cxlib.mapping.roles import ACCOUNTS, CHURNED, MEASURE, SEGMENT
from cxlib.mapping.view_sql import INTERNAL_COLUMNS
from cxlib.stages import normalize_label


def segment_column_name(header: str) -> str:
    """The snake_case name a segment column gets in the accounts view ("Customer Tier" → customer_tier)."""
    name = normalize_label(header).replace(" ", "_") or "segment"
    if name in canonical.columns(ACCOUNTS) or name in INTERNAL_COLUMNS:
        name = f"{name}_segment"
    return name


def segment_sources(mapping: Mapping) -> list[tuple[TableMapping, str, str]]:
    """(table, column, view column name) for every accounts segment and measure column (and a churn
    flag's own values), in table order; repeats get _2, _3, …"""
    out = []
    for tm in mapping.tables:
        if tm.kind != ACCOUNTS:
            continue
        used: set[str] = set()
        for column, role in tm.roles.items():
            if role not in (SEGMENT, MEASURE, CHURNED):
                continue
            if role == CHURNED and normalize_label(column).replace(" ", "_") == CHURNED:
                continue          # "Churned": the fixed column is that flag
            name, n = segment_column_name(column), 2
            base = name
            while name in used:
                name, n = f"{base}_{n}", n + 1
            used.add(name)
            out.append((tm, column, name))
    return out


def segment_columns(mapping: Mapping) -> dict[str, str]:
    """Segment (and measure) columns of the accounts view: snake_case name → header to display."""
    out: dict[str, str] = {}
    for _, column, name in segment_sources(mapping):
        out.setdefault(name, column)
    return out


def accounts_column(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, name: str) -> str:
    """The accounts-view column a user means by `name`: a view column, or the header it came from.

    "Tier", "tier" and "Customer Tier" (mapped as a segment) all resolve; so does a header mapped to
    a fixed role ("Outcome Achieved" → outcome). Unknown names raise MappingError listing the choices.
    """
    present = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [ACCOUNTS]).fetchall()]
    if name in present:
        return name
    wanted = normalize_label(name)
    headers: dict[str, str] = {}
    if mapping is not None:
        for view_name, header in segment_columns(mapping).items():
            headers[normalize_label(header)] = view_name
        for tm in mapping.tables:
            if tm.kind == ACCOUNTS:
                for column, role in tm.roles.items():
                    if role in present:
                        headers.setdefault(normalize_label(column), role)
    for column in present:
        headers.setdefault(normalize_label(column), column)
    if wanted in headers and headers[wanted] in present:
        return headers[wanted]
    hidden = {"source", "source_row"}
    raise MappingError(f"Column '{name}' is not in the accounts table; choose one of: "
                       + ", ".join(c for c in present if c not in hidden), column=name)
