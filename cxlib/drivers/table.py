"""The driver table: what goes with an outcome, value by value and measure by measure (README, "Drivers").

Population: the accounts whose outcome is known (`drivers.outcome`). Then
- every value of every segment column (the accounts' segment columns, without the measures and
  without a churn flag's own text column; blanks and accounts missing from the accounts table
  are the "(none)" value) against the rest of the population: n, rate, rest_rate, the 2×2
  table's odds ratio with its Woolf interval and p (Fisher or z, `twobytwo`);
- every numeric measure of the accounts and every factor score (0–100): the rate by quartile
  (cuts by `quantile_cont` over the accounts that have a value; a value equal to a cut goes to
  the lower quartile; rest = the measure's other quartiles), described, not tested; and one row
  "per SD" with the logistic-regression odds ratio per standard deviation (`logistic`).
- p_adjusted: Benjamini–Hochberg across every tested row (segment values and per-SD rows) whose
  n and rest are at least the minimum n; the others keep their raw p for reference, get no
  adjusted p and are never significant. significant = p_adjusted ≤ q (0.05).
Counts are aggregated in DuckDB; only the 2×2 arithmetic and the model fit run in Python.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cxlib import canonical, dimensions, stats
from cxlib.drivers import logistic, twobytwo
from cxlib.drivers.outcome import OUTCOME_CTE, Outcome, outcome_ctes, outcome_words
from cxlib.behind import accounts_behind
from cxlib.errors import MetricError
from cxlib.outcomes import OutcomeSpec
from cxlib.scores import ScoreConfig, account_scores_sql
from cxlib.settings import Settings
from cxlib.sqlparams import run, used_params

SEGMENT, QUARTILE, PER_SD = "segment", "quartile", "per_sd"
PER_SD_VALUE = "per SD"
CLI_COLUMNS = ["driver", "value", "n", "rate", "rest_rate", "odds_ratio", "ci_low", "ci_high", "p_value",
               "p_adjusted", "significant", "test"]
TABLE_COLUMNS = CLI_COLUMNS + ["kind", "column", "quartile", "events", "rest_n", "low_n", "tested", "note"]
Ctes = list[tuple[str, str]]


# ---------------------------------------------------------------- which columns drive

def segment_drivers(con: duckdb.DuckDBPyConnection, mapping: Any = None) -> list[tuple[str, str]]:
    """(view column, label) of each segment column: the accounts' segment columns without the measures and
    without a churn flag's own text column (it is the outcome, not a driver). Labels are the export's headers."""
    from cxlib.mapping.account_columns import segment_sources
    from cxlib.mapping.roles import CHURNED
    from cxlib.segments import measure_columns

    headers: dict[str, str] = {}
    churn_text: set[str] = set()
    if mapping is not None:
        for tm, header, name in segment_sources(mapping):
            headers.setdefault(name, header)
            if tm.roles.get(header) == CHURNED:
                churn_text.add(name)
    measures = set(measure_columns(con))
    return [(c, headers.get(c, c)) for c in dimensions.segment_columns(con)
            if c not in measures and c not in churn_text]


def measure_drivers(con: duckdb.DuckDBPyConnection, mapping: Any = None) -> list[tuple[str, str]]:
    """(view column, label) of each numeric measure of the accounts (tenure, charges, seats …)."""
    from cxlib.mapping.account_columns import segment_columns
    from cxlib.segments import measure_columns

    headers = segment_columns(mapping) if mapping is not None else {}
    return [(c, headers.get(c, c)) for c in measure_columns(con)]


# ---------------------------------------------------------------- SQL

def _with(ctes: Ctes) -> str:
    from cxlib.funnel.params import with_clause

    return with_clause(ctes)


class _Query:
    """The shared CTEs of one driver table: outcome, population, segment values and measure values."""

    def __init__(self, con: duckdb.DuckDBPyConnection, outcome: Outcome, settings: Settings,
                 score_config: ScoreConfig | None, outcome_spec: OutcomeSpec | None, mapping: Any) -> None:
        self.con, self.outcome, self.settings = con, outcome, settings
        self.config = score_config or ScoreConfig()
        self.segments = segment_drivers(con, mapping)
        self.measures = measure_drivers(con, mapping)
        self.notes: list[str] = []
        self.factors: list[tuple[str, str]] = []
        self.score_sql: str | None = None
        self.params: dict[str, Any] = {}
        try:
            self.score_sql, score_params = account_scores_sql(con, self.config, settings)
            self.params.update(score_params)
            self.factors = [(f.key, f.key) for f in self.config.factors]
        except MetricError as exc:
            self.notes.append(f"Factor scores are not drivers here: {exc}")
        ctes, params = outcome_ctes(con, outcome, settings, self.config, outcome_spec)
        self.params.update(params)
        q = canonical.quote
        self.ctes: Ctes = [*ctes, ("acct", dimensions.ONE_ROW_PER_ACCOUNT),
                           ("population", f"SELECT account_id, y FROM {OUTCOME_CTE} WHERE y IS NOT NULL")]
        if self.score_sql is not None and self.factors:
            self.ctes.append(("factor_scores", self.score_sql))
        parts = []
        for i, (column, _) in enumerate(self.segments, start=1):
            self.params[f"d_segment_{i}"] = column
            parts.append(f"SELECT {i} AS ord, CAST($d_segment_{i} AS VARCHAR) AS column_name, p.account_id, p.y, "
                         f"{dimensions.segment_sql(f'a.{q(column)}')} AS value "
                         "FROM population p LEFT JOIN acct a ON a.account_id = p.account_id")
        self.ctes.append(("segment_values", " UNION ALL ".join(parts) if parts else
                          "SELECT 0 AS ord, '' AS column_name, '' AS account_id, 0 AS y, '' AS value WHERE false"))
        parts = []
        for i, (column, _) in enumerate(self.measures, start=1):
            self.params[f"d_measure_{i}"] = column
            parts.append(f"SELECT {i} AS ord, CAST($d_measure_{i} AS VARCHAR) AS column_name, p.account_id, p.y, "
                         f"TRY_CAST(a.{q(column)} AS DOUBLE) AS x "
                         "FROM population p LEFT JOIN acct a ON a.account_id = p.account_id")
        for j, (key, _) in enumerate(self.factors, start=len(self.measures) + 1):
            self.params[f"d_measure_{j}"] = key
            parts.append(f"SELECT {j} AS ord, CAST($d_measure_{j} AS VARCHAR) AS column_name, p.account_id, p.y, "
                         f"TRY_CAST(s.{q(key)} AS DOUBLE) AS x "
                         "FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id")
        self.ctes += [
            ("measure_values", " UNION ALL ".join(parts) if parts else
             "SELECT 0 AS ord, '' AS column_name, '' AS account_id, 0 AS y, 0.0 AS x WHERE false"),
            ("measured", "SELECT * FROM measure_values WHERE x IS NOT NULL AND NOT isnan(x)"),
            ("cuts", "SELECT column_name, quantile_cont(x, [0.25, 0.5, 0.75]) AS q FROM measured GROUP BY column_name"),
            ("quartered", """SELECT m.*, c.q,
                   CASE WHEN m.x <= c.q[1] THEN 1 WHEN m.x <= c.q[2] THEN 2 WHEN m.x <= c.q[3] THEN 3 ELSE 4 END
                   AS quartile
            FROM measured m JOIN cuts c ON c.column_name = m.column_name"""),
        ]

    def frame(self, select: str) -> pd.DataFrame:
        return run(self.con, _with(self.ctes) + "\n" + select, self.params)


def _population(query: _Query) -> tuple[int, int]:
    n, events = query.frame("SELECT count(*) AS n, coalesce(sum(y), 0) AS events FROM population").iloc[0]
    return int(n), int(events)


# ---------------------------------------------------------------- why nothing counts

def _say_why_empty(con: duckdb.DuckDBPyConnection, outcome: Outcome, query: _Query,
                   outcome_spec: OutcomeSpec | None) -> MetricError:
    """No silent empty table: what the outcome needed, naming the column and the counts."""
    q = canonical.quote
    (accounts,) = con.execute(f"SELECT count(*) FROM ({dimensions.known_accounts_sql(con)}) AS known").fetchone()
    if outcome.kind == "churned":
        flagged = 0
        if "churned" in dimensions.accounts_columns(con):
            (flagged,) = con.execute(f"SELECT count(churned) FROM {q(canonical.ACCOUNTS)}").fetchone()
        (events,) = con.execute(f"SELECT count(*) FROM {q(canonical.JOURNEY_EVENTS)}").fetchone()
        return MetricError(f"{accounts:,} accounts known; 0 can be counted as churned or not: {flagged:,} have a "
                           "churn flag (column 'churned', yes/no) and none of the "
                           f"{events:,} journey events makes an account a customer (a Decision entry). Map a "
                           "churn column (Churn yes/no, Status) or journey events on the Data page.",
                           column="churned")
    if outcome.kind == "converted":
        from cxlib.drivers.outcome import converted_steps

        plan, k = converted_steps(con, outcome.stage or "", query.settings)
        return MetricError(f"No account reached {plan.steps[k - 2]}, the step before {plan.steps[k - 1]} "
                           f"({accounts:,} accounts known): nobody could convert to {plan.steps[k - 1]}.",
                           column="stage")
    spec = outcome_spec or OutcomeSpec()
    (with_outcome,) = con.execute(f"SELECT count(outcome) FROM ({dimensions.ONE_ROW_PER_ACCOUNT}) AS one").fetchone()
    return MetricError(f"{accounts:,} accounts known; 0 could be placed in a desired-outcome quadrant: "
                       f"{with_outcome:,} have a value in column 'outcome' and the experience measure is "
                       f"'{spec.experience}'. Map the accounts' outcome column (yes/no or a score) and the "
                       "experience measure's data on the Data page.", column="outcome")


# ---------------------------------------------------------------- the table

def _number(v: float) -> str:
    return f"{v:.6g}"


def _quartile_label(quartile: int, cuts: Any) -> str:
    """'Q1 (≤ 9)', 'Q2 (9 < x ≤ 29)', 'Q3 (29 < x ≤ 55)', 'Q4 (> 55)'."""
    c = [float(v) for v in cuts]
    if quartile == 1:
        return f"Q1 (≤ {_number(c[0])})"
    if quartile == 4:
        return f"Q4 (> {_number(c[2])})"
    return f"Q{quartile} ({_number(c[quartile - 2])} < x ≤ {_number(c[quartile - 1])})"


def _segment_rows(query: _Query, total_n: int, total_events: int) -> list[dict[str, Any]]:
    labels = dict(query.segments)
    cells = query.frame(f"""SELECT ord, column_name, value, count(*) AS n, coalesce(sum(y), 0) AS events
FROM segment_values GROUP BY ord, column_name, value
ORDER BY ord, value = '{dimensions.NONE_SEGMENT}', value""")
    rows = []
    for r in cells.itertuples(index=False):
        n, events = int(r.n), int(r.events)
        a, b, c = events, n - events, total_events - events
        d = (total_n - n) - c
        t = twobytwo.analyse(a, b, c, d)
        rows.append({"driver": labels[r.column_name], "value": str(r.value), "kind": SEGMENT,
                     "column": r.column_name, "quartile": None, "n": n, "events": events, "rest_n": total_n - n,
                     "odds_ratio": t.odds_ratio, "ci_low": t.ci_low, "ci_high": t.ci_high, "p_value": t.p_value,
                     "test": t.test, "note": "0.5 added to every cell (a zero cell)" if t.corrected else None})
    return rows


def _measure_rows(query: _Query) -> list[dict[str, Any]]:
    labels = dict(query.measures) | dict(query.factors)
    names = [c for c, _ in query.measures] + [k for k, _ in query.factors]
    quarters = query.frame("""SELECT ord, column_name, quartile, any_value(q) AS q, count(*) AS n,
       coalesce(sum(y), 0) AS events
FROM quartered GROUP BY ord, column_name, quartile ORDER BY ord, quartile""")
    points = query.frame("SELECT column_name, x, y FROM measured ORDER BY ord, account_id")
    rows = []
    for column in names:
        part = quarters[quarters["column_name"] == column]
        if part.empty:
            continue        # no account with a known outcome has a value: nothing to show
        n_all, events_all = int(part["n"].sum()), int(part["events"].sum())
        kind_rows = []
        for r in part.itertuples(index=False):
            n, events = int(r.n), int(r.events)
            kind_rows.append({"driver": labels[column], "value": _quartile_label(int(r.quartile), r.q),
                              "kind": QUARTILE, "column": column, "quartile": int(r.quartile), "n": n,
                              "events": events, "rest_n": n_all - n, "rest_events": events_all - events,
                              "test": None, "note": None})
        xy = points[points["column_name"] == column]
        fit = logistic.per_sd(xy["x"].to_numpy(dtype=float), xy["y"].to_numpy(dtype=float))
        kind_rows.append({"driver": labels[column], "value": PER_SD_VALUE, "kind": PER_SD, "column": column,
                          "quartile": None, "n": n_all, "events": events_all, "rest_n": 0,
                          "odds_ratio": fit.odds_ratio, "ci_low": fit.ci_low, "ci_high": fit.ci_high,
                          "p_value": fit.p_value, "test": logistic.LOGISTIC if fit.fitted else None,
                          "note": (f"odds ratio per SD ({_number(fit.sd)})" if fit.fitted else
                                   f"no logistic fit: {fit.note}")})
        rows += kind_rows
    return rows


def drivers(con: duckdb.DuckDBPyConnection, outcome: Outcome, settings: Settings | None = None, *,
            mapping: Any = None, score_config: ScoreConfig | None = None, outcome_spec: OutcomeSpec | None = None,
            q: float = stats.FDR_Q) -> pd.DataFrame:
    """The driver table (columns `TABLE_COLUMNS`; the CLI's are `CLI_COLUMNS`), in column order.

    `attrs`: outcome (its label), population (accounts with a known outcome), events (with the
    outcome), rate, min_n, q and notes (sentences to show beside the table). MetricError when no
    account's outcome is known (naming the column and counts) or there is no column to explain it by.
    """
    settings = settings or Settings()
    if outcome.kind == "converted":
        from cxlib.drivers.outcome import converted_steps

        plan, k = converted_steps(con, outcome.stage or "", settings)
        outcome = Outcome("converted", plan.steps[k - 1])       # the step's own name, as the funnel shows it
    query = _Query(con, outcome, settings, score_config, outcome_spec, mapping)
    total_n, total_events = _population(query)
    if total_n == 0:
        raise _say_why_empty(con, outcome, query, outcome_spec)
    rows = _segment_rows(query, total_n, total_events) + _measure_rows(query)
    if not rows:
        shown = [c for c in dimensions.accounts_columns(con) if c not in ("source", "source_row")]
        raise MetricError(f"{total_n:,} accounts have a known outcome, but there is nothing to look for drivers in: "
                          "the accounts table has no segment or measure columns "
                          f"({', '.join(shown) or 'no accounts loaded'}) and no account has a factor score. Map "
                          "tier, region, plan, tenure … on the Data page.", column="segment")
    out = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, "rest_events"])
    out = _finish(out, total_events, settings.min_n, q)
    what, population = outcome_words(outcome)
    if outcome.kind == "converted":
        population = f"accounts that reached {plan.steps[k - 2]}, the step before {outcome.stage}"
    notes = list(query.notes)
    notes.insert(0, f"{total_n:,} {population}; {total_events:,} {what} ({total_events / total_n:.1%}).")
    if total_events in (0, total_n):
        notes.append(f"Every one of the {total_n:,} accounts has the same outcome: no value can go with it more or "
                     "less than the rest.")
    elif not out["tested"].any():
        notes.append(f"No value could be tested: each has fewer than {settings.min_n} accounts (the minimum n), "
                     f"or its rest has, among the {total_n:,} accounts with a known outcome.")
    out.attrs.update({"outcome": outcome.label, "population": total_n, "events": total_events,
                      "rate": total_events / total_n, "min_n": settings.min_n, "q": q, "notes": notes})
    return out


def _finish(out: pd.DataFrame, total_events: int, min_n: int, q: float) -> pd.DataFrame:
    """Rates, low n, Benjamini–Hochberg over the tested rows, significance; columns in order."""
    n = out["n"].to_numpy(dtype=float)
    events = out["events"].to_numpy(dtype=float)
    rest_n = out["rest_n"].to_numpy(dtype=float)
    segment_rest = total_events - events
    rest_events = np.where(out["kind"] == QUARTILE, out["rest_events"].to_numpy(dtype=float), segment_rest)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate"] = events / n
        out["rest_rate"] = np.where((rest_n > 0) & (out["kind"] != PER_SD), rest_events / rest_n, np.nan)
    p = out["p_value"].to_numpy(dtype=float)
    low_n = n < min_n
    rest_ok = np.where(out["kind"] == PER_SD, True, rest_n >= min_n)
    tested = (out["kind"] != QUARTILE).to_numpy() & ~low_n & rest_ok & np.isfinite(p)
    out["low_n"] = low_n
    out["tested"] = tested
    out["p_adjusted"] = stats.benjamini_hochberg(np.where(tested, p, np.nan))
    out["significant"] = tested & (out["p_adjusted"].to_numpy() <= q)
    for c in ("n", "events", "rest_n"):
        out[c] = out[c].astype("int64")
    out["quartile"] = out["quartile"].astype("Int64")
    for c in ("odds_ratio", "ci_low", "ci_high", "p_value", "p_adjusted", "rate", "rest_rate"):
        out[c] = out[c].astype(float)
    for c in ("test", "note"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out[TABLE_COLUMNS].reset_index(drop=True)


def cli_drivers_table(df: pd.DataFrame) -> pd.DataFrame:
    """The `drivers` command's columns, exactly: driver, value, n, rate, rest_rate, odds_ratio, ci_low,
    ci_high, p_value, p_adjusted, significant, test."""
    return df[CLI_COLUMNS].reset_index(drop=True)


def top_drivers(df: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The significant rows, strongest first (furthest odds ratio from 1 on the log scale), at most `limit`."""
    sig = df[df["significant"]].copy()
    sig["_strength"] = np.abs(np.log(sig["odds_ratio"].astype(float)))
    return sig.sort_values(["_strength", "driver", "value"], ascending=[False, True, True]) \
        .drop(columns="_strength").head(limit).reset_index(drop=True)


# ---------------------------------------------------------------- the accounts behind a row

def driver_accounts(con: duckdb.DuckDBPyConnection, outcome: Outcome, kind: str, column: str,
                    value: Any = None, settings: Settings | None = None, *, mapping: Any = None,
                    score_config: ScoreConfig | None = None, outcome_spec: OutcomeSpec | None = None,
                    ) -> pd.DataFrame:
    """The accounts behind one driver row in the one list shape (`cxlib.behind`: account_id, name,
    segment columns, arr, value — the segment value or the measure's number — then outcome, whether
    it happened), by account_id. Its length is the row's n.

    `kind` and `column` are the row's; `value` is the segment value for a segment row, the
    quartile (1–4) for a quartile row, and unused for a per-SD row (every account with a value).
    """
    settings = settings or Settings()
    query = _Query(con, outcome, settings, score_config, outcome_spec, mapping)
    query.params["d_column"] = column
    if kind == SEGMENT:
        query.params["d_value"] = str(value)
        select = ("SELECT account_id, value, y = 1 AS outcome FROM segment_values "
                  "WHERE column_name = $d_column AND value = $d_value ORDER BY account_id")
    elif kind == QUARTILE:
        query.params["d_quartile"] = int(value)
        select = ("SELECT account_id, x AS value, y = 1 AS outcome FROM quartered "
                  "WHERE column_name = $d_column AND quartile = $d_quartile ORDER BY account_id")
    elif kind == PER_SD:
        select = ("SELECT account_id, x AS value, y = 1 AS outcome FROM measured "
                  "WHERE column_name = $d_column ORDER BY account_id")
    else:
        raise MetricError(f"Unknown driver row kind '{kind}': use {SEGMENT}, {QUARTILE} or {PER_SD}.")
    sql = _with(query.ctes) + "\n" + select
    label = f"{column} ({'value' if kind == SEGMENT else 'the measure'})"
    return accounts_behind(con, sql, used_params(sql, query.params), value_label=label)


__all__ = ["CLI_COLUMNS", "PER_SD", "PER_SD_VALUE", "QUARTILE", "SEGMENT", "TABLE_COLUMNS", "cli_drivers_table",
           "driver_accounts", "drivers", "measure_drivers", "segment_drivers", "top_drivers"]
