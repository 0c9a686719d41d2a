"""Suggestion: each raw table's kind, each column's role and file-name hints, from headers and values.

The README's "Data you can bring" lists the five kinds and their roles; cxlib suggests them and the
user confirms or changes them on the Data page. A column's candidates come from the header
vocabulary (strength 3 exact, 2 pattern) and from its values (stage names, survey types, factor
names, ids, long comments), weighted per kind; roles are then assigned greedily, best first. A table
takes the kind whose assignment fits best, ties to the more specific kind.

Recognition runs first: a tool's export shape (`cxlib.mapping.shapes`) fixes the kind and the roles it
knows, and the other columns are assigned as usual. An id column (response, respondent, collector,
record id, IP address, network id) is never suggested as the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import duckdb

from cxlib.errors import MappingError
from cxlib.factors import factor_key
from cxlib.mapping.document import Mapping, TableMapping, table_refs
from cxlib.mapping.file_names import as_of_from_source
from cxlib.mapping.profiles import ColumnProfile, profile_table
from cxlib.mapping.raw_tables import raw_columns
from cxlib.mapping import shapes
from cxlib.mapping.roles import (ACCOUNTS, CHURNED, FACTOR_RATINGS, FACTOR_ROLES, IGNORE, JOURNEY_EVENTS, KINDS,
                                 MEASURE, MULTI_ROLES, SCORE_ROLES, SEGMENT, STAGE_SNAPSHOTS, SURVEY_TYPES, SURVEYS)
from cxlib.mapping.stage_map import suggested_stage_map
from cxlib.mapping.vocabulary import (churn_flag_value, churn_status, header_concepts, header_forms, metric_factor,
                                      survey_type_of, yes_no_number)
from cxlib.settings import Settings
from cxlib.stages import Stage, normalize_label, suggest_stage


# kind → concept → (role, weight): what a concept means in a table of that kind.
_KIND_CONCEPTS: dict[str, dict[str, tuple[str, float]]] = {
    ACCOUNTS: {"id": ("account_id", 1.0), "name": ("name", 1.0), "stage": ("stage", 1.0), "arr": ("arr", 1.0),
               "mrr": ("mrr", 1.0), "start": ("start_date", 1.0), "renewal": ("renewal_date", 1.0),
               "churn_reason": ("churn_reason", 1.0), "churn_flag": (CHURNED, 1.0), "outcome": ("outcome", 1.0),
               "intent": ("intent", 1.0), "segment": ("segment", 0.9)},
    STAGE_SNAPSHOTS: {"id": ("account_id", 1.0), "stage": ("stage", 1.0), "snapshot": ("as_of", 1.0),
                      "date": ("as_of", 0.6), "last_stage": ("last_funnel_stage", 1.0),
                      "segment": ("segment", 0.9)},
    JOURNEY_EVENTS: {"id": ("account_id", 1.0), "stage": ("stage", 1.0), "date": ("ts", 1.0),
                     "start": ("ts", 0.6)},
    SURVEYS: {"id": ("account_id", 1.0), "name": ("account_id", 0.4), "respondent": ("respondent", 1.0),
              "role": ("respondent_role", 1.0), "date": ("ts", 1.0), "start": ("ts", 0.6),
              "survey_type": ("survey_type", 1.0), "score": ("score", 1.0), "NPS": ("score:NPS", 1.0),
              "CSAT": ("score:CSAT", 1.0), "CES": ("score:CES", 1.0), "comment": ("comment", 1.0),
              "stage": ("stage", 0.9), "touchpoint": ("stage", 1.0)},
    FACTOR_RATINGS: {"id": ("account_id", 1.0), "name": ("account_id", 0.4), "date": ("ts", 1.0),
                     "snapshot": ("ts", 0.8), "start": ("ts", 0.5), "factor": ("factor", 1.0),
                     "score": ("score", 1.0)},
}
_DATE_ROLES = {"start_date", "renewal_date", "as_of", "ts"}
_NUMBER_ROLES = {"arr", "mrr", "score", *SCORE_ROLES, *FACTOR_ROLES}
_TEXT_ROLES = {"name", "stage", "churn_reason", "intent", "last_funnel_stage", "respondent", "respondent_role",
               "survey_type", "comment", "factor"}
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.:/#]*$")


def _type_fits(role: str, p: ColumnProfile) -> bool:
    """Whether a column's type can carry a role (dates need dates, scores need numbers, …)."""
    tc = p.type_class
    if role in _DATE_ROLES:
        return tc in ("date", "timestamp", "timestamptz") or (tc == "text" and p.castable_ts >= 0.8)
    if role in _NUMBER_ROLES:
        return tc in ("integer", "number")
    if role in _TEXT_ROLES:
        return tc == "text"
    if role == "account_id":
        return tc in ("text", "integer") or (tc == "number" and p.integral)
    if role == "outcome":
        words = tc == "text" and p.share(lambda v: yes_no_number(v) is not None) >= 0.8
        return tc in ("boolean", "integer", "number") or words
    if role == CHURNED:     # true/false, 1/0, yes/no or status words (an empty "Churn" column says nothing)
        if p.nonnull == 0:
            return True
        zero_one = tc in ("integer", "number") and p.low is not None and p.low >= 0 and (p.high or 0) <= 1
        words = tc == "text" and p.share(lambda v: churn_flag_value(v) is not None) >= 0.8
        return tc == "boolean" or zero_one or words
    return True


def _snapshot_like(p: ColumnProfile) -> bool:
    """A date column whose few distinct values each stamp many rows: snapshot runs, not events."""
    return p.type_class in ("date", "timestamp", "timestamptz", "text") and p.distinct >= 1 \
        and p.distinct * 3 <= p.nonnull and p.distinct <= 60


def _column_concepts(p: ColumnProfile, stages: list[Stage] | None) -> dict[str, float]:
    """Concepts a column's header and values name, whatever kind its table is tried as (each table is
    tried as every kind, so this is worked out once per column and stage list)."""
    key = tuple(stages) if stages is not None else None
    if key not in p.evidence:
        p.evidence[key] = _header_and_value_concepts(p, stages)
    return dict(p.evidence[key])


def _header_and_value_concepts(p: ColumnProfile, stages: list[Stage] | None) -> dict[str, float]:
    """Concepts from the header, strengthened or added by what the column's most frequent values are."""
    concepts = header_concepts(p.name)
    text = p.type_class == "text"
    # Values as evidence, strongest where the header says nothing.
    if text and p.nonnull:
        stage_share = p.share(lambda v: suggest_stage(v, stages) is not None)
        if stage_share >= 0.6:
            concepts["stage"] = concepts.get("stage", 1.5) + 0.5
        if p.share(lambda v: survey_type_of(v) is not None) >= 0.8:
            concepts["survey_type"] = max(concepts.get("survey_type", 0), 2.5) + 0.5
        if p.share(lambda v: factor_key(v) is not None) >= 0.8:
            concepts["factor"] = max(concepts.get("factor", 0), 2.5) + 0.5
        if p.avg_len >= 25 and p.distinct >= 0.5 * p.nonnull:
            concepts.setdefault("comment", 1.0)
        if p.castable_ts < 0.5 and p.share(lambda v: bool(_ID_RE.match(v)) and any(c.isdigit() for c in v)) >= 0.9:
            concepts.setdefault("id", 1.0)
        # A status column of account status words, one of them a churn ("Active"/"Cancelled"): a churn flag.
        if p.share(lambda v: churn_status(v) is not None) >= 0.9 and any(churn_status(v) for v, _ in p.top):
            concepts["churn_flag"] = max(concepts.get("churn_flag", 0), 3.2)
    if p.type_class in ("date", "timestamp", "timestamptz"):
        concepts.setdefault("date", 1.0)
    return concepts


def _role_candidates(p: ColumnProfile, kind: str, stages: list[Stage] | None) -> list[tuple[float, str]]:
    """(score, role) candidates for one column in a table of a given kind, from header and values."""
    concepts = _column_concepts(p, stages)
    nps_values = p.type_class in ("integer", "number") and p.integral and p.low is not None \
        and 0 <= p.low and p.high is not None and p.high <= 10
    if shapes.never_account(p.name):
        concepts.pop("id", None)
        concepts.pop("name", None)
    out: list[tuple[float, str]] = []
    table = _KIND_CONCEPTS.get(kind, {})
    for concept, strength in concepts.items():
        if concept not in table:
            continue
        role, weight = table[concept]
        if kind == STAGE_SNAPSHOTS and concept == "date" and not _snapshot_like(p):
            continue
        score = strength * weight * 100
        if concept == "NPS" and nps_values:
            score += 30
        if _type_fits(role, p):
            out.append((score, role))
    if p.type_class in ("integer", "number") and kind != IGNORE:
        fk = metric_factor(p.name)
        if fk and (kind != SURVEYS or not any(c in concepts for c in SURVEY_TYPES)):
            out.append((250.0 if kind == FACTOR_RATINGS else 200.0, f"factor:{fk}"))
    return out


def _assign_roles(profiles: list[ColumnProfile], kind: str, stages: list[Stage] | None,
                  pinned: dict[str, str] | None = None, open_roles: frozenset[str] | None = None) -> dict[str, str]:
    """Greedy best-first assignment: each single role to its best column, each column one role.

    `pinned` columns keep the role a recognised shape gave them; the others may take only
    `open_roles` when given."""
    pinned = pinned or {}
    cands = [(score, i, role) for i, p in enumerate(profiles) if p.name not in pinned
             for score, role in _role_candidates(p, kind, stages) if open_roles is None or role in open_roles]
    cands.sort(key=lambda c: (-c[0], c[1]))
    roles: dict[int, str] = {i: pinned[p.name] for i, p in enumerate(profiles) if p.name in pinned}
    taken: set[str] = {r for r in pinned.values() if r not in MULTI_ROLES}
    for _, i, role in cands:
        if i in roles or (role not in MULTI_ROLES and role in taken):
            continue
        roles[i] = role
        taken.add(role)
    out: dict[str, str] = {}
    for i, p in enumerate(profiles):
        role = roles.get(i)
        if role is None and kind == ACCOUNTS and (open_roles is None or SEGMENT in open_roles) \
                and p.type_class in ("text", "boolean") \
                and 2 <= p.distinct <= 50 and p.distinct * 2 <= p.nonnull:
            role = SEGMENT            # a low-cardinality label nobody named: likely a segment
        if role is None and kind == ACCOUNTS and (open_roles is None or MEASURE in open_roles) \
                and p.type_class in ("integer", "number") and p.nonnull and "id" not in header_concepts(p.name):
            role = MEASURE            # a number nobody named (tenure, charges, seats, usage): a measure
        out[p.name] = role or IGNORE
    if kind == ACCOUNTS and "account_id" not in out.values():
        _name_as_account_id(profiles, out)
    return out


def _name_as_account_id(profiles: list[ColumnProfile], roles: dict[str, str]) -> None:
    """An accounts list with no id column ("Customer, Region, Status"): a unique name column is the id."""
    for p in profiles:
        if roles.get(p.name) == "name" and p.nonnull == p.rows == p.distinct and p.rows:
            roles[p.name] = "account_id"
            return


def suggest_roles(con: duckdb.DuckDBPyConnection, table: str, kind: str,
                  stages: list[Stage] | None = None) -> dict[str, str]:
    """Column → suggested role for a raw table of the given kind, from header names and values."""
    if kind not in KINDS:
        raise MappingError(f'Unknown kind "{kind}" (expected one of {", ".join(KINDS)}).')
    profiles = profile_table(con, table)
    if kind == IGNORE:
        return {p.name: IGNORE for p in profiles}
    return _assign_roles(profiles, kind, stages)


def column_notes(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Notes on columns whose reading the user should know about (MRR × 12 as ARR, Annual Revenue as ARR)."""
    notes: dict[str, str] = {}
    for column in raw_columns(con, table):
        concepts = header_concepts(column)
        if "mrr" in concepts:
            notes[column] = ("Monthly recurring revenue: MRR × 12 is used as ARR for the accounts whose ARR "
                             "column is empty (or when there is no ARR column).")
        elif header_forms(column)[0] in ("annual revenue", "annualrevenue"):
            notes[column] = ("Annual Revenue is read as the account's ARR. In some CRMs it is the company's own "
                             "revenue, not what it pays you: then set this column to ignore.")
    return notes


_SOURCE_HINTS: dict[str, re.Pattern[str]] = {
    STAGE_SNAPSHOTS: re.compile(r"snapshot|instantane|istantanea|pillanatkep|快照"),
    JOURNEY_EVENTS: re.compile(r"event|history|journey|transition|evenement|storico|historico|esemeny|事件|历史"),
    SURVEYS: re.compile(r"survey|\bnps\b|csat|\bces\b|enquete|sondage|sondaggio|pesquisa|felmeres|调查|问卷"),
    FACTOR_RATINGS: re.compile(r"rating|factor|engagement|evaluation|notation|valutazion|avaliac|ertekeles|评分"),
}


def _kind_fit(kind: str, roles: dict[str, str], profiles: dict[str, ColumnProfile], source: str) -> float | None:
    """How well a table fits a kind, or None when it lacks what the kind needs."""
    have = {r: [c for c, rr in roles.items() if rr == r] for r in set(roles.values())}
    src = normalize_label(source)
    hint = 3.0 if kind in _SOURCE_HINTS and _SOURCE_HINTS[kind].search(src) else 0.0
    id_col = have.get("account_id", [None])[0]
    if id_col is None and kind != SURVEYS:
        return None                       # only survey answers count without an account
    pid = profiles[id_col] if id_col is not None else None
    unique = pid is not None and pid.distinct == pid.nonnull == pid.rows
    score = (2.0 if id_col is not None else 0.0) + hint
    if kind == ACCOUNTS:
        score += (2 if unique else 0) + 2 * ("name" in have) + 2 * ("arr" in have) + min(len(have.get(SEGMENT, [])), 3)
        score += sum(r in have for r in ("stage", "start_date", "renewal_date", "churn_reason", "outcome", CHURNED))
    elif kind == STAGE_SNAPSHOTS:
        if "stage" not in have:
            return None
        as_of_col = have.get("as_of", [None])[0]
        from_name = as_of_from_source(source) is not None
        if as_of_col is None and not from_name:
            return None
        score += 2
        if as_of_col is not None:
            score += 4 if "snapshot" in header_concepts(as_of_col) else 3
        else:
            score += 3
    elif kind == JOURNEY_EVENTS:
        if "stage" not in have or "ts" not in have:
            return None
        score += 4 + (2 if not unique and not _snapshot_like(profiles[have["ts"][0]]) else 0)
    elif kind == SURVEYS:
        scores = [r for r in have if r == "score" or r.startswith("score:")]
        if not scores:
            return None
        typed = sum(len(have[r]) for r in scores if r.startswith("score:"))
        score += 3 + 2 * typed + 2 * ("survey_type" in have) + ("respondent" in have) + ("comment" in have) \
            + ("respondent_role" in have)
    elif kind == FACTOR_RATINGS:
        wide = sum(len(v) for r, v in have.items() if r.startswith("factor:"))
        long_form = "factor" in have and "score" in have
        if not wide and not long_form:
            return None
        score += 3 + 2 * min(wide, 8) + 6 * long_form
    return score


# Ties go to the more specific kind.
_KIND_PRIORITY = (STAGE_SNAPSHOTS, JOURNEY_EVENTS, SURVEYS, FACTOR_RATINGS, ACCOUNTS)


def suggest_table(con: duckdb.DuckDBPyConnection, table: str, source: str | None, stages: list[Stage] | None,
                  labels: dict[str, str] | None = None, shape_id: str | None = None) -> TableMapping:
    """Kind, roles and file-name hints for one raw table (the one entry point per table, for fit too).

    A recognised export shape comes first (`shape_id` picks one that fits, `shapes.NO_SHAPE` none);
    `labels` are the texts of header rows under the header (a survey tool's question texts)."""
    source = source or table
    profiles = profile_table(con, table)
    found = shapes.recognise(con, table, source, labels, shape_id, profiles)
    if found is not None:
        roles = _assign_roles(profiles, found.kind, stages, found.roles, found.open_roles)
        tm = TableMapping(table, source, found.kind, roles, survey_type=found.survey_type, shape=found.shape)
        if found.kind in (SURVEYS, FACTOR_RATINGS) and "ts" not in roles.values():
            tm.as_of = as_of_from_source(source)
        return tm
    by_name = {p.name: p for p in profiles}
    best: tuple[float, int, str, dict[str, str]] | None = None
    for rank, kind in enumerate(_KIND_PRIORITY):
        roles = _assign_roles(profiles, kind, stages)
        score = _kind_fit(kind, roles, by_name, source)
        if score is not None and (best is None or (score, -rank) > (best[0], -best[1])):
            best = (score, rank, kind, roles)
    if best is None:
        return TableMapping(table, source, IGNORE, {p.name: IGNORE for p in profiles})
    kind, roles = best[2], best[3]
    tm = TableMapping(table, source, kind, roles)
    has = set(roles.values())
    needs_date = (kind == STAGE_SNAPSHOTS and "as_of" not in has) \
        or (kind in (SURVEYS, FACTOR_RATINGS) and "ts" not in has) \
        or (kind == ACCOUNTS and any(r.startswith("factor:") for r in has))
    if needs_date:
        tm.as_of = as_of_from_source(source)
    if kind == SURVEYS and "score" in has and "survey_type" not in has \
            and survey_type_of(tm.column("score")) is None:
        tm.survey_type = survey_type_of(source)
    return tm


def suggest_kind(con: duckdb.DuckDBPyConnection, table: str, source: str | None = None,
                 stages: list[Stage] | None = None) -> str:
    """The kind of table a raw table most likely is, from its columns, values and file name."""
    return suggest_table(con, table, source, stages).kind


def column_labels(report: Any) -> dict[str, str]:
    """Column → its text in a header row under the header, when the load report carries one."""
    return {str(c.name): str(c.label) for c in getattr(report, "columns", None) or ()
            if getattr(c, "label", None)}


def suggest_mapping(con: duckdb.DuckDBPyConnection, reports_or_tables: Iterable[Any],
                    settings: Settings | None = None) -> Mapping:
    """cxlib's suggestion for every table: kind, roles, file-name dates, shapes and a stage map.

    A time zone a shape reads from a header becomes that table's time-zone setting."""
    settings = settings or Settings()
    items = list(reports_or_tables)
    tables = [suggest_table(con, t, s, settings.stages, column_labels(item))
              for (t, s), item in zip(table_refs(items), items)]
    zones = {tm.table: tm.shape.timezone for tm in tables if tm.shape is not None and tm.shape.timezone}
    if zones:
        settings = Settings.from_dict(settings.to_dict())
        for table, zone in zones.items():
            settings.timezones.setdefault(table, zone)
    mapping = Mapping(tables=tables, stage_map={}, settings=settings)
    mapping.stage_map = suggested_stage_map(con, mapping)
    return mapping
