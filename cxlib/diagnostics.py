"""No silent empty number: why a metric has no number although rows are loaded, naming the column and counts.

A metric that comes out empty (n = 0, no funnel, no composite, nothing to compare) is never shown as
a bare zero or dash: the pages and the command line show the reason from here, e.g. "240 survey rows
loaded; 0 read as NPS answers: column 'Score' has no survey type — choose NPS, CSAT or CES".

Reasons are read from the canonical views and their row ledgers (every raw row with the reason it
was left out, `cxlib.mapping.views`), the mapping (which column has which role) and the raw tables.
Nothing here computes a metric. Each function returns None when the metric has rows it can use
(nothing to explain), else a `Reason` whose counts tell "nothing loaded" (loaded = 0) from
"loaded, none usable".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, catalog, dimensions
from cxlib.canonical import quote
from cxlib.errors import CxError
from cxlib.mapping import (R_ACCOUNT_MISSING, R_ACCOUNT_ROW, R_ACCOUNT_UNKNOWN, R_FACTOR_UNKNOWN, R_SCORE_MISSING,
                           R_SCORE_NAN, R_SCORE_RANGE, R_STAGE_MISSING, R_STAGE_UNMAPPED, R_TS_BAD, R_TS_MISSING,
                           Mapping, accounts_column, survey_type_of, unmapped_stage_values)
from cxlib.mapping.roles import IGNORE, SCORE_ROLES
from cxlib.mapping.view_sql import ledger_table
from cxlib.settings import Settings
from cxlib.stages import funnel_stages

SURVEY_METRICS = ("NPS", "CSAT", "CES")
_KIND_WORDS = {canonical.ACCOUNTS: "accounts", canonical.JOURNEY_EVENTS: "journey events",
               canonical.STAGE_SNAPSHOTS: "stage snapshots", canonical.SURVEYS: "survey answers",
               canonical.FACTOR_RATINGS: "factor ratings", canonical.ACTIVITIES: "activities", IGNORE: "ignored"}
_SHOWN_VALUES = 5        # raw values quoted in a reason, most frequent first


@dataclass(frozen=True)
class Reason:
    """Why a metric has no number: one line naming the column and the counts, and those counts."""

    metric: str               # 'NPS', 'CSAT', 'CES', 'funnel', 'scores', 'compare'
    text: str
    loaded: int               # rows the metric reads that are loaded (0: nothing loaded at all)
    usable: int = 0           # of them, rows it could use
    column: str | None = None

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------- shared pieces


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return catalog.exists(con, name)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {plural or word + 's'}"


def _named(columns: Iterable[str], fallback: str) -> str:
    """"column 'Score'", "columns 'Q1', 'Q2'", or the fallback words when no column is known."""
    cols = list(dict.fromkeys(columns))
    if not cols:
        return fallback
    return ("column " if len(cols) == 1 else "columns ") + ", ".join(f"'{c}'" for c in cols)


def _live_tables(mapping: Mapping | None, sources: Iterable[str] | None = None) -> list[Any]:
    """The mapping's tables (all kinds but ignore), only those of the given sources when given."""
    if mapping is None:
        return []
    wanted = None if sources is None else set(sources)
    return [tm for tm in mapping.tables if tm.kind != IGNORE and (wanted is None or tm.source in wanted)]


def _columns(mapping: Mapping | None, sources: Iterable[str], role: Callable[[str], bool]) -> list[str]:
    """Columns of the sources' tables whose role passes the test, in mapping order."""
    return [c for tm in _live_tables(mapping, sources) for c, r in tm.roles.items() if role(r)]


def _ledger(con: duckdb.DuckDBPyConnection, view: str, select: str, params: dict[str, Any] | None = None,
            ) -> pd.DataFrame:
    """Counts over a view's row ledger grouped by source and reason (the view itself when no ledger exists).

    `select` adds aggregate columns; `rows` is always there.
    """
    ledger = ledger_table(view)
    relation = ledger if _exists(con, ledger) else view
    reason = "reason" if relation == ledger else "CAST(NULL AS VARCHAR) AS reason"
    if not _exists(con, relation):
        return pd.DataFrame({"source": [], "reason": [], "rows": []})
    df = con.execute(f"WITH ledger_rows AS (SELECT *, {reason} FROM {quote(relation)}) "
                     f"SELECT source, reason, count(*) AS rows{select} FROM ledger_rows GROUP BY ALL",
                     params or {}).df()
    df["rows"] = df["rows"].astype("int64")
    return df


def _raw_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]) if _exists(con, table) else 0


def _loaded_as(con: duckdb.DuckDBPyConnection, mapping: Mapping | None) -> str:
    """What the loaded files were read as: "accounts.csv as accounts, notes.csv ignored"."""
    if mapping is None or not mapping.tables:
        return "no file is loaded"
    parts = [f"{tm.source} {'ignored' if tm.kind == IGNORE else 'as ' + _KIND_WORDS.get(tm.kind, tm.kind)}"
             for tm in mapping.tables if _exists(con, tm.table)]
    return "loaded: " + ", ".join(parts) if parts else "no file is loaded"


def _why_excluded(reasons: pd.DataFrame, mapping: Mapping | None, phrases: dict[str, Callable[[list[str]], str]],
                  ) -> str:
    """The ledger's exclusion reasons, biggest first, each as "N <phrase naming the column>"."""
    by_reason = reasons.groupby("reason", dropna=True)
    parts = []
    for reason, group in sorted(by_reason, key=lambda kv: -int(kv[1]["rows"].sum())):
        n = int(group["rows"].sum())
        sources = list(group["source"].dropna().unique())
        phrase = phrases.get(str(reason))
        text = phrase(sources) if phrase else "left out: " + str(reason)
        if n == 1:      # "1 is blank", "1 names an account …": the phrases are written for many rows
            verb, _, rest = text.partition(" ")
            text = f"{_SINGULAR.get(verb, verb)} {rest}"
        parts.append(f"{n:,} {text}")
    return "; ".join(parts)


_SINGULAR = {"are": "is", "have": "has", "name": "names", "belong": "belongs"}


def _role_phrases(mapping: Mapping | None, *, score_range: str = "its range") -> dict[str, Callable[[list[str]], str]]:
    """How each ledger reason reads, naming the column of the role it is about in the sources' tables."""
    def col(role: Callable[[str], bool], fallback: str) -> Callable[[list[str]], str]:
        return lambda sources: _named(_columns(mapping, sources, role), fallback)

    account = col(lambda r: r == "account_id", "no column is the account id")
    ts = col(lambda r: r in ("ts", "as_of"), "no date column and no as-of date")
    stage = col(lambda r: r == "stage", "the stage column")
    score = col(lambda r: r == "score" or r in SCORE_ROLES or r.startswith("factor:"), "the score column")
    factor = col(lambda r: r == "factor", "the factor column")
    return {
        R_ACCOUNT_MISSING: lambda s: f"have no account id ({account(s)} is empty)" if _columns(
            mapping, s, lambda r: r == "account_id") else f"have no account id ({account(s)})",
        R_ACCOUNT_UNKNOWN: lambda s: f"name an account that is not in the accounts table ({account(s)})",
        R_ACCOUNT_ROW: lambda s: "belong to an accounts row that was left out",
        R_STAGE_MISSING: lambda s: f"have no stage ({stage(s)} is empty)",
        R_STAGE_UNMAPPED: lambda s: f"have a value in {stage(s)} that is no stage of the stage list",
        R_TS_MISSING: lambda s: f"have no date ({ts(s)} is empty)" if _columns(
            mapping, s, lambda r: r in ("ts", "as_of")) else f"have no date ({ts(s)})",
        R_TS_BAD: lambda s: f"have a date that cannot be read ({ts(s)})",
        R_SCORE_MISSING: lambda s: f"are blank ({score(s)})",
        R_SCORE_NAN: lambda s: f"are not numbers ({score(s)})",
        R_SCORE_RANGE: lambda s: f"are outside {score_range} ({score(s)})",
        R_FACTOR_UNKNOWN: lambda s: f"name no known factor ({factor(s)})",
    }


def _first_column(mapping: Mapping | None, sources: Iterable[str], role: Callable[[str], bool]) -> str | None:
    cols = _columns(mapping, sources, role)
    return cols[0] if cols else None


# ---------------------------------------------------------------- survey answers: NPS, CSAT, CES


def _scores_of_type(mapping: Mapping | None, sources: Iterable[str], survey_type: str | None) -> list[str]:
    """Score columns of the sources that give answers of a type (None: the untyped `score` columns)."""
    if survey_type is None:
        return _columns(mapping, sources, lambda r: r == "score")
    return _columns(mapping, sources, lambda r: r in ("score", f"score:{survey_type}"))


def _survey_not_mapped(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, kind: str) -> Reason:
    """No survey rows at all: a file whose header names a survey type but is read as another kind, else what was."""
    for tm in (mapping.tables if mapping is not None else []):
        if not _exists(con, tm.table):
            continue
        for column in tm.roles:
            found = survey_type_of(column)
            if found is not None:
                rows = _raw_rows(con, tm.table)
                read_as = "but ignored" if tm.kind == IGNORE else f"as {_KIND_WORDS.get(tm.kind, tm.kind)}"
                return Reason(kind, f"{_plural(rows, 'row')} of {tm.source} loaded {read_as}; 0 read as {kind} "
                                    f"answers: column '{column}' looks like {found} answers — map {tm.source} as "
                                    "survey answers", loaded=0, column=column)
    return Reason(kind, f"No survey answers are loaded ({_loaded_as(con, mapping)}): map a table with NPS, CSAT or "
                        "CES answers as survey answers", loaded=0)


def survey_reason(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, survey_type: str,
                  level: str = "response", settings: Settings | None = None) -> Reason | None:
    """Why NPS, CSAT or CES has no answer to count (None when it has): the first of, in order,

    no survey rows; none of this type (untyped, or other types); none usable (ledger reasons); all
    after the as-of date; all off the scale; at account level, none with an account.
    """
    kind = survey_type.upper()
    as_of = dimensions.as_of_param(con, settings)
    counts = _ledger(con, canonical.SURVEYS,
                     ", upper(trim(survey_type)) AS survey_type, count(*) FILTER (WHERE account_id IS NULL) AS "
                     "no_account, count(*) FILTER (WHERE ts > CAST($as_of AS TIMESTAMP)) AS later",
                     {"as_of": as_of})
    total = int(counts["rows"].sum())
    if total == 0:
        return _survey_not_mapped(con, mapping, kind)
    loaded = f"{_plural(total, 'survey row')} loaded; 0 read as {kind} answers"
    mine = counts[counts["survey_type"] == kind]
    if mine.empty:
        parts = []
        untyped = counts[counts["survey_type"].isna()]
        if not untyped.empty:
            cols = _scores_of_type(mapping, untyped["source"].unique(), None)
            share = "" if len(untyped) == len(counts) else f" ({int(untyped['rows'].sum()):,})"
            parts.append(f"{_named(cols, 'the score column')} has no survey type{share} — choose NPS, CSAT or CES")
        holds: dict[str, list[str]] = {}      # columns → "CSAT (6)", one phrase per column set
        for other, group in counts.dropna(subset=["survey_type"]).groupby("survey_type"):
            cols = _named(_scores_of_type(mapping, group["source"].unique(), str(other)), "the score column")
            holds.setdefault(cols, []).append(f"{other} ({int(group['rows'].sum()):,})")
        parts += [f"{cols} holds {' and '.join(kinds)} answers" for cols, kinds in holds.items()]
        cols = _scores_of_type(mapping, counts["source"].unique(), None) or _scores_of_type(
            mapping, counts["source"].unique(), kind)
        return Reason(kind, f"{loaded}: " + "; ".join(parts), loaded=total, column=cols[0] if cols else None)
    used = mine[mine["reason"].isna()]
    n_used = int(used["rows"].sum())
    if n_used == 0:
        phrases = _role_phrases(mapping, score_range="0–10" if kind == "NPS" else "the scale")
        why = _why_excluded(mine, mapping, phrases)
        column = _first_column(mapping, mine["source"].unique(), lambda r: r in ("score", f"score:{kind}"))
        return Reason(kind, f"{loaded}: of its {_plural(int(mine['rows'].sum()), kind + ' answer')}, {why}",
                      loaded=total, column=column)
    score_cols = _scores_of_type(mapping, used["source"].unique(), kind)
    counted = n_used - int(used["later"].sum())
    if counted == 0:
        return Reason(kind, f"{_plural(n_used, kind + ' answer')} loaded; 0 counted: all are dated after the as-of "
                            f"date {as_of:%Y-%m-%d} — set a later as-of date", loaded=total, usable=n_used)
    off_scale = _off_scale(con, kind, settings)
    if off_scale is not None:
        where = _named(score_cols, "the score column")
        return Reason(kind, f"{_plural(counted, kind + ' answer')} loaded; 0 counted: {where} {off_scale}",
                      loaded=total, usable=n_used, column=score_cols[0] if score_cols else None)
    if level == "account":
        with_account = counted - int(used["no_account"].sum())
        if with_account <= 0:
            accounts = _columns(mapping, used["source"].unique(), lambda r: r == "account_id")
            where = (f"{_named(accounts, '')} is empty on all of them" if accounts
                     else f"no column of {', '.join(used['source'].unique())} is an account id")
            return Reason(kind, f"{_plural(counted, kind + ' answer')} loaded; 0 have an account: {where} — "
                                f"account-level {kind} counts each account's latest answer, so it needs an account "
                                "column (map one, or count per response)", loaded=total, usable=n_used,
                          column=accounts[0] if accounts else None)
    return None


def survey_left_out(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, survey_type: str) -> str | None:
    """When some of a type's answer rows were left out of the survey answers (and some kept), say how many and
    why, naming the columns: "6 of 8 CSAT answer rows are left out: 6 name an account that is not in the accounts
    table (column 'Organization')". None when none was left out, or none was kept (`survey_reason` says why)."""
    kind = survey_type.upper()
    counts = _ledger(con, canonical.SURVEYS, ", upper(trim(survey_type)) AS survey_type")
    mine = counts[counts["survey_type"] == kind]
    left = mine[mine["reason"].notna()]
    n_left, n_all = int(left["rows"].sum()), int(mine["rows"].sum())
    if n_left == 0 or n_left == n_all:
        return None
    why = _why_excluded(left, mapping, _role_phrases(mapping, score_range="0–10" if kind == "NPS" else "the scale"))
    return f"{n_left:,} of {n_all:,} {kind} answer rows are left out: {why}"


def _off_scale(con: duckdb.DuckDBPyConnection, kind: str, settings: Settings | None) -> str | None:
    """Why every counted answer was rejected by the metric (off its scale), or None when some count."""
    from cxlib import surveys

    try:
        table = {"NPS": surveys.nps, "CSAT": surveys.csat, "CES": surveys.ces}[kind](con, settings=settings)
    except CxError as exc:       # e.g. CSAT answers up to 40: no known scale
        return f"cannot be read: {exc}"
    row = table.iloc[0]
    if int(row["n"]) > 0 or int(row["rejected"]) == 0:
        return None
    scale = "0–10 in whole numbers" if kind == "NPS" else f"the {row['scale']} scale in whole numbers"
    return f"has {_plural(int(row['rejected']), 'answer')} off {scale}"


# ---------------------------------------------------------------- funnel: journey events or stage snapshots


def funnel_reason(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, *, snapshot: bool = False,
                  steps: list[str] | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  settings: Settings | None = None) -> Reason | None:
    """Why the funnel has no account at step 1 (None when rows are usable and step 1 has entries).

    In order: nothing loaded; none usable (ledger reasons; unmapped stage values are quoted); no
    usable row at a funnel step; no step-1 entry in the --from/--to window.
    """
    settings = settings or (mapping.settings if mapping is not None else Settings())
    view = canonical.STAGE_SNAPSHOTS if snapshot else canonical.JOURNEY_EVENTS
    what = "stage snapshot row" if snapshot else "journey event row"
    counts = _ledger(con, view, "")
    total = int(counts["rows"].sum())
    derived = 0
    if not snapshot and _exists(con, view):
        derived = int(con.execute(f"SELECT count(*) FROM {quote(view)} WHERE resolution = 'monthly'").fetchone()[0])
    if total == 0 and derived == 0:
        words = "stage snapshots" if snapshot else "journey events"
        return Reason("funnel", f"No {words} are loaded ({_loaded_as(con, mapping)}): map a table with an account, "
                                "a stage and a date column", loaded=0)
    usable = int(counts.loc[counts["reason"].isna(), "rows"].sum()) + derived
    if usable == 0:
        phrases = _role_phrases(mapping)
        unmapped = counts[counts["reason"] == R_STAGE_UNMAPPED]
        if not unmapped.empty and mapping is not None:
            values = unmapped_stage_values(con, mapping).head(_SHOWN_VALUES)
            shown = ", ".join(f"{v} ×{int(n)}" for v, n in zip(values["value"], values["rows"], strict=True))
            stage_col = _named(_columns(mapping, unmapped["source"].unique(), lambda r: r == "stage"),
                               "the stage column")
            phrases[R_STAGE_UNMAPPED] = lambda s: (
                f"have a value in {stage_col} that is no stage of the stage list ({shown}) — map them to stages on "
                "the Data page, or name them as the funnel's steps")
        column = _first_column(mapping, counts["source"].unique(), lambda r: r == "stage")
        return Reason("funnel", f"{_plural(total, what)} loaded; 0 usable: {_why_excluded(counts, mapping, phrases)}",
                      loaded=total, column=column)
    stage_col, ts_col = ("stage", "as_of") if snapshot else ("stage", "ts")
    present = dict(con.execute(f"SELECT stage, count(*) FROM {quote(view)} GROUP BY stage ORDER BY 2 DESC, 1"
                               ).fetchall())
    wanted = [s for s in (steps or funnel_stages(settings.stages))]
    at_steps = [s for s in wanted if s in present]
    if not at_steps:
        listed = ", ".join(f"{s} ({n:,})" for s, n in list(present.items())[:_SHOWN_VALUES])
        return Reason("funnel", f"{_plural(usable, what)} usable; none is at a funnel step ({', '.join(wanted)}): "
                                f"their stages are {listed}", loaded=total, usable=usable)
    first = wanted[0] if steps else at_steps[0]
    if date_from is not None or date_to is not None:
        (in_window,) = con.execute(
            f"SELECT count(*) FROM {quote(view)} WHERE stage = $stage "
            f"AND ($from IS NULL OR {ts_col} >= CAST($from AS TIMESTAMP)) "
            f"AND ($to IS NULL OR {ts_col} < CAST($to AS TIMESTAMP) + INTERVAL 1 DAY)",
            {"stage": first, "from": date_from, "to": date_to}).fetchone()
        if int(in_window) == 0:
            window = f"{date_from or 'the start'} to {date_to or 'the end'}"
            return Reason("funnel", f"{_plural(present.get(first, 0), 'entry', 'entries')} of step 1 ({first}) "
                                    f"loaded; none from {window}", loaded=total, usable=usable)
    return None


# ---------------------------------------------------------------- engagement scores


def scores_reason(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, config: Any,
                  settings: Settings | None = None) -> Reason | None:
    """Why no account has a composite score (None when ratings are usable and could give one).

    In order: no factor ratings; none usable (ledger reasons); all after the as-of date; no account
    reaching the minimum coverage.
    """
    counts = _ledger(con, canonical.FACTOR_RATINGS, "")
    total = int(counts["rows"].sum())
    accounts = 0
    if _exists(con, canonical.ACCOUNTS):
        accounts = int(con.execute(f"WITH {dimensions.ACCOUNTS_CTE} SELECT count(*) FROM acct").fetchone()[0])
    if total == 0:
        names = ", ".join(f.name for f in config.factors[:3])
        return Reason("scores", f"{_plural(accounts, 'account')} loaded; 0 factor ratings: no column is mapped as an "
                                f"engagement factor ({names}, …) — map rating columns on the Data page", loaded=0)
    usable = int(counts.loc[counts["reason"].isna(), "rows"].sum())
    if usable == 0:
        return Reason("scores", f"{_plural(total, 'factor rating')} loaded; 0 usable: "
                                f"{_why_excluded(counts, mapping, _role_phrases(mapping))}", loaded=total)
    as_of = dimensions.as_of_param(con, settings)
    (counted, rated) = con.execute(
        f"SELECT count(*), count(DISTINCT account_id) FROM {quote(canonical.FACTOR_RATINGS)} "
        "WHERE score IS NOT NULL AND (CAST($as_of AS TIMESTAMP) IS NULL OR ts IS NULL "
        "OR ts <= CAST($as_of AS TIMESTAMP))", {"as_of": as_of}).fetchone()
    if int(counted) == 0:
        return Reason("scores", f"{_plural(usable, 'factor rating')} loaded; 0 counted: all are dated after the "
                                f"as-of date {as_of:%Y-%m-%d} — set a later as-of date", loaded=total, usable=usable)
    coverage = float(config.thresholds.min_coverage)
    return Reason("scores", f"{_plural(int(rated), 'account')} rated ({_plural(int(counted), 'rating')}); none reaches "
                            f"the minimum coverage of {coverage:.0%} of the factor weight, so none has a composite — "
                            "rate more factors or lower the minimum coverage", loaded=total, usable=usable)


# ---------------------------------------------------------------- segment comparisons


def compare_reason(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, column: str) -> Reason | None:
    """Why a rate or mean of an accounts column has nothing to compare (None when some account has a value)."""
    if not _exists(con, canonical.ACCOUNTS):
        return Reason("compare", "No accounts are loaded: comparing segments needs an accounts table", loaded=0)
    (accounts,) = con.execute(f"WITH {dimensions.ACCOUNTS_CTE} SELECT count(*) FROM acct").fetchone()
    if int(accounts) == 0:
        return Reason("compare", f"No accounts are loaded ({_loaded_as(con, mapping)}): comparing segments needs an "
                                 "accounts table", loaded=0)
    empty_in = None
    try:
        view_column = (accounts_column(con, mapping, column) if mapping is not None
                       else dimensions.check_accounts_column(con, column))
    except CxError:
        # Not an accounts-view column: a header of an accounts file left out because it is empty says so;
        # any other name gets the metric's own error (it names the column and the choices).
        empty_in = _empty_accounts_header(con, mapping, column)
        if empty_in is None:
            return None
    else:
        (with_value,) = con.execute(
            f"WITH {dimensions.ACCOUNTS_CTE} SELECT count(*) FROM acct "
            f"WHERE NULLIF(trim(CAST({quote(view_column)} AS VARCHAR)), '') IS NOT NULL").fetchone()
        if int(with_value) > 0:
            return None
    where = f" (it is empty in {empty_in})" if empty_in else ""
    return Reason("compare", f"{_plural(int(accounts), 'account')} loaded; 0 have a value in column '{column}'{where} "
                             "— choose another column, or check that one in the export",
                  loaded=int(accounts), column=column)


def _empty_accounts_header(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, column: str) -> str | None:
    """The accounts file whose header `column` (any case) has no value on any row, or None."""
    for tm in (mapping.tables if mapping is not None else []):
        if tm.kind != canonical.ACCOUNTS or not _exists(con, tm.table):
            continue
        header = next((h for h in tm.roles if h.casefold() == str(column).casefold()), None)
        if header is None:
            continue
        (with_value,) = con.execute(f"SELECT count(*) FROM {quote(tm.table)} "
                                    f"WHERE NULLIF(trim(CAST({quote(header)} AS VARCHAR)), '') IS NOT NULL").fetchone()
        if int(with_value) == 0:
            return tm.source
    return None


__all__ = ["Reason", "SURVEY_METRICS", "compare_reason", "funnel_reason", "scores_reason", "survey_reason"]
