"""Respondent roles: which role each raw value of a survey's role column means, mapped like stage values.

A survey row may say who answered ("Decision maker", "CEO", "Endnutzer"…). Raw values are mapped
onto three roles — decision maker, executive, user — by synonyms in English, French, Italian,
Portuguese, Hungarian and Chinese (compared after `normalize_label`); the user's role map
overrides a suggestion, and a value mapped to nothing is "not mapped" (its answers have no role).
The early-warning signal `decision_maker_detractor` reads decision makers and executives from here.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib import canonical
from cxlib.stages import normalize_label

DECISION_MAKER = "decision maker"
EXECUTIVE = "executive"
USER = "user"
RESPONDENT_ROLES: tuple[str, ...] = (DECISION_MAKER, EXECUTIVE, USER)
LEADER_ROLES: tuple[str, ...] = (DECISION_MAKER, EXECUTIVE)   # whose detractor answer outweighs the rest


def _words(*groups: str) -> frozenset[str]:
    return frozenset(normalize_label(w) for g in groups for w in g.split("|") if w.strip())


# Role → raw values (one group per language: en, fr, it, pt, hu, zh).
_SYNONYMS: dict[str, frozenset[str]] = {
    DECISION_MAKER: _words(
        "decision maker|decision-maker|decisionmaker|dm|buyer|economic buyer|budget holder|sponsor|"
        "executive sponsor|champion|account owner|purchaser|procurement",
        "decideur|decisionnaire|acheteur|sponsor|responsable des achats",
        "decisore|responsabile decisionale|acquirente|committente",
        "decisor|tomador de decisao|comprador|patrocinador",
        "dontéshozo|donteshozo|dontes hozo|beszerzo|vevo",
        "决策者|决策人|采购负责人|买方"),
    EXECUTIVE: _words(
        "executive|exec|c level|c-level|c suite|ceo|cfo|cio|cto|coo|cmo|vp|vice president|president|"
        "director|managing director|head|head of|owner|founder|board member",
        "dirigeant|directeur|directrice|directeur general|pdg|president|cadre dirigeant|direction",
        "dirigente|direttore|direttrice|amministratore delegato|presidente|direzione",
        "executivo|diretor|diretora|diretor executivo|presidente|diretoria",
        "vezeto|vezerigazgato|igazgato|ugyvezeto|elnok|felso vezeto",
        "高管|总经理|首席执行官|总裁|董事|经理|总监"),
    USER: _words(
        "user|end user|end-user|enduser|employee|staff|member|operator|admin|administrator|contact|"
        "agent|analyst|technician|team member|practitioner",
        "utilisateur|utilisatrice|utilisateur final|employe|collaborateur|salarie|agent",
        "utente|utente finale|dipendente|operatore|collaboratore",
        "usuario|usuario final|funcionario|colaborador|operador",
        "felhasznalo|vegfelhasznalo|alkalmazott|munkatars|ugyintezo",
        "用户|终端用户|员工|使用者|操作员"),
}


def suggest_respondent_role(value: object) -> str | None:
    """The role a raw value names (decision maker, executive, user), or None when no synonym does."""
    if value is None:
        return None
    key = normalize_label(value)
    if not key:
        return None
    for role, words in _SYNONYMS.items():
        if key in words:
            return role
    return None


def effective_role(value: str, role_map: dict[str, str | None]) -> str | None:
    """The role a raw value maps to: the role map's entry (if one of the roles), else the suggestion."""
    if value in role_map:
        target = role_map[value]
        return target if target in RESPONDENT_ROLES else None
    return suggest_respondent_role(value)


def respondent_role_values(con: duckdb.DuckDBPyConnection, role_map: dict[str, str | None] | None = None
                           ) -> pd.DataFrame:
    """Every raw respondent-role value of the surveys view: value, rows, suggested_role, mapped_role."""
    role_map = role_map or {}
    rows = con.execute(f"""
        WITH raw_roles AS (
            SELECT NULLIF(trim(CAST(respondent_role AS VARCHAR)), '') AS value
            FROM {canonical.quote(canonical.SURVEYS)}
        )
        SELECT value, count(*) AS rows FROM raw_roles WHERE value IS NOT NULL
        GROUP BY value ORDER BY rows DESC, value
    """).fetchall()
    values = [v for v, _ in rows]
    return pd.DataFrame({
        "value": pd.Series(values, dtype="str"),
        "rows": pd.Series([int(n) for _, n in rows], dtype="int64"),
        "suggested_role": pd.Series([suggest_respondent_role(v) for v in values], dtype="object"),
        "mapped_role": pd.Series([effective_role(v, role_map) for v in values], dtype="object"),
    })


def raw_values_of(con: duckdb.DuckDBPyConnection, roles: tuple[str, ...],
                  role_map: dict[str, str | None] | None = None) -> list[str]:
    """The raw (trimmed) values mapped to any of `roles`, for a SQL list parameter."""
    values = respondent_role_values(con, role_map)
    return [v for v, r in zip(values["value"], values["mapped_role"]) if r in roles]


__all__ = ["DECISION_MAKER", "EXECUTIVE", "LEADER_ROLES", "RESPONDENT_ROLES", "USER", "effective_role",
           "raw_values_of", "respondent_role_values", "suggest_respondent_role"]
