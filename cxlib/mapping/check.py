"""Checking a mapping against the loaded data, and re-fitting a saved mapping onto next month's files.

A mapping that no longer fits says which column is missing (README, "Data you can bring"): every
problem names its table (and column), so the Data page and the command line can show them all.
"""

from __future__ import annotations

import copy
import zoneinfo
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import duckdb

from cxlib import canonical
from cxlib.errors import MappingError
from cxlib.mapping.document import Mapping, TableMapping, parse_as_of, table_refs
from cxlib.mapping.file_names import as_of_from_source, source_pattern
from cxlib.mapping.raw_tables import raw_columns, table_exists
from cxlib.mapping.roles import (FACTOR_RATINGS, IGNORE, KINDS, MULTI_ROLES, REQUIRED_ROLES, SCORE_ROLES,
                                 STAGE_SNAPSHOTS, SURVEY_TYPES, SURVEYS, is_role_of)
from cxlib.mapping.stage_map import stage_names, suggested_stage_map
from cxlib.mapping.suggest import suggest_table
from cxlib.settings import Settings


def check_mapping(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[MappingError]:
    """Everything that keeps a mapping from fitting the loaded data, each naming table and column."""
    errors: list[MappingError] = []
    allowed = set(stage_names(mapping.settings))
    for tm in mapping.tables:
        where = f'{tm.source} (table "{tm.table}")' if tm.source != tm.table else f'table "{tm.table}"'
        if tm.kind not in KINDS:
            errors.append(MappingError(f'{where}: unknown kind "{tm.kind}" (expected one of {", ".join(KINDS)}).',
                                       file=tm.source))
            continue
        if tm.kind == IGNORE:
            continue
        if tm.table in canonical.VIEWS:
            errors.append(MappingError(f'{where}: a raw table cannot be named "{tm.table}", the name of a '
                                       "canonical view; rename the file and load it again.", file=tm.source))
            continue
        if not table_exists(con, tm.table):
            errors.append(MappingError(f"{where} is not loaded: the mapping expects this {tm.kind} table. "
                                       "Load it, or set its kind to ignore.", file=tm.source))
            continue
        present = raw_columns(con, tm.table)
        for column, role in tm.roles.items():
            if role == IGNORE:
                continue
            if not is_role_of(tm.kind, role):
                errors.append(MappingError(f'{where}: "{role}" is not a role of {tm.kind} tables '
                                           f'(column "{column}").', file=tm.source, column=column))
            elif column not in present:
                errors.append(MappingError(
                    f'{where}: column "{column}" (mapped as {role}) is missing. '
                    f"Columns found: {', '.join(present)}.", file=tm.source, column=column))
        counts: dict[str, list[str]] = {}
        for column, role in tm.roles.items():
            if role not in MULTI_ROLES:
                counts.setdefault(role, []).append(column)
        for role, cols in counts.items():
            if len(cols) > 1:
                errors.append(MappingError(f'{where}: columns {", ".join(repr(c) for c in cols)} are all mapped '
                                           f"as {role}; keep one.", file=tm.source, column=cols[1]))
        roles = set(tm.roles.values())
        if tm.shape is not None:
            for column in tm.shape.columns():
                if column not in present:
                    errors.append(MappingError(
                        f'{where}: column "{column}" (read by the {tm.shape.label} shape) is missing. '
                        f"Columns found: {', '.join(present)}.", file=tm.source, column=column))
        # A shape's stage-date columns give an event table its stages and times.
        shaped = {"stage", "ts"} if tm.shape is not None and tm.shape.stage_dates else set()
        for role in REQUIRED_ROLES[tm.kind]:
            if role not in roles and role not in shaped:
                errors.append(MappingError(f"{where}: no column is mapped as {role}, which {tm.kind} needs.",
                                           file=tm.source))
        if tm.kind == SURVEYS and not roles & {"score", *SCORE_ROLES}:
            errors.append(MappingError(f"{where}: no column is mapped as a score (score, score:NPS, …).",
                                       file=tm.source))
        if tm.kind == FACTOR_RATINGS and not (("factor" in roles and "score" in roles)
                                             or any(r.startswith("factor:") for r in roles)):
            errors.append(MappingError(f"{where}: map a factor and a score column, or one column per factor.",
                                       file=tm.source))
        if tm.as_of is not None and parse_as_of(tm.as_of) is None:
            errors.append(MappingError(f'{where}: as-of date "{tm.as_of}" is not a date (use YYYY-MM-DD).',
                                       file=tm.source))
        # Undated surveys and ratings are used as they are (ts NULL: in totals, not in trends); a
        # current-stage export takes the date of the export, else the Data page's as-of date.
        if tm.kind == STAGE_SNAPSHOTS and "as_of" not in roles and tm.as_of is None \
                and mapping.settings.as_of is None:
            errors.append(MappingError(f"{where}: no column is mapped as as_of and neither the file name nor the "
                                       "Data page gives an as-of date; map a date column, set the date of the "
                                       "export, or set the as-of date.", file=tm.source))
        if tm.survey_type is not None and tm.survey_type not in SURVEY_TYPES:
            errors.append(MappingError(f'{where}: survey type "{tm.survey_type}" is not one of '
                                       f'{", ".join(SURVEY_TYPES)}.', file=tm.source))
        zone = mapping.settings.timezones.get(tm.table)
        if zone is not None and not _valid_zone(zone):
            errors.append(MappingError(f'{where}: time zone "{zone}" is unknown (use an IANA name such as '
                                       "Europe/Paris).", file=tm.source))
    default_zone = mapping.settings.timezones.get("*")
    if default_zone is not None and not _valid_zone(default_zone):
        errors.append(MappingError(f'Time zone "{default_zone}" is unknown (use an IANA name such as Europe/Paris).'))
    for value, target in mapping.stage_map.items():
        if target is not None and target not in allowed:
            errors.append(MappingError(f'Stage map: "{value}" is mapped to "{target}", which is not in the stage '
                                       "list.", column=value))
    return errors


def _valid_zone(name: str) -> bool:
    """Whether a time-zone name is a known IANA zone (Europe/Paris)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def fit_mapping(con: duckdb.DuckDBPyConnection, mapping: Mapping, tables: Iterable[Any]) -> Mapping:
    """Re-target a saved mapping onto newly loaded tables (next month's export, renamed tables).

    Tables match by name, then by source, then by file-name pattern (dates and numbers ignored),
    then by having every mapped column. Several new files of one pattern (stacked snapshots) all
    take that pattern's mapping, with their own file-name as-of dates. New tables nothing matches
    get a fresh suggestion; mapped tables nothing matches stay, so `check_mapping` names them.
    """
    refs = table_refs(tables)
    remaining = list(refs)
    fitted: list[TableMapping] = []
    used_templates: set[int] = set()
    zones = dict(mapping.settings.timezones)
    new_zones = {k: v for k, v in zones.items() if k == "*"}

    def take(ref: tuple[str, str], i: int) -> None:
        tm = mapping.tables[i]
        as_of = tm.as_of
        if as_of is not None and as_of_from_source(tm.source) == as_of and ref[1] != tm.source:
            as_of = as_of_from_source(ref[1]) or as_of        # the date came from the old file's name
        fitted.append(TableMapping(ref[0], ref[1], tm.kind, dict(tm.roles), as_of, tm.survey_type, tm.shape))
        if tm.table in zones:
            new_zones[ref[0]] = zones[tm.table]
        used_templates.add(i)
        remaining.remove(ref)

    for match in (lambda r, t: r[0] == t.table, lambda r, t: r[1] == t.source):
        for i, tm in enumerate(mapping.tables):
            if i in used_templates:
                continue
            ref = next((r for r in remaining if match(r, tm)), None)
            if ref is not None:
                take(ref, i)
    # Same file-name pattern: every new file of the pattern reuses the first template of it.
    for ref in sorted(remaining, key=lambda r: r[1]):
        pattern = source_pattern(ref[1])
        same = [i for i, tm in enumerate(mapping.tables) if pattern and source_pattern(tm.source) == pattern]
        if same:
            take(ref, same[0])
            used_templates.update(same)    # last month's file of the pattern need not come again
    for i, tm in enumerate(mapping.tables):
        if i in used_templates or tm.kind == IGNORE:
            continue
        needed = {c for c, r in tm.roles.items() if r != IGNORE}
        ref = next((r for r in remaining if needed and needed <= set(raw_columns(con, r[0]))), None)
        if ref is not None:
            take(ref, i)
    for ref in list(remaining):
        fitted.append(suggest_table(con, ref[0], ref[1], mapping.settings.stages))
        remaining.remove(ref)
    fitted += [tm for i, tm in enumerate(mapping.tables) if i not in used_templates and tm.kind != IGNORE]
    settings = Settings.from_dict(mapping.settings.to_dict())
    settings.timezones = new_zones
    # Everything else saved with the mapping (scores, thresholds, story weights, themes) comes along as saved.
    out = replace(copy.deepcopy(mapping), tables=fitted, stage_map=dict(mapping.stage_map), settings=settings)
    for value, suggested in suggested_stage_map(con, out).items():
        out.stage_map.setdefault(value, suggested)
    return out
