"""What customers say: NPS, CSAT and CES from the surveys view, with intervals and honest counts.

Conventions (README, "How each number is defined" → "What customers say"):
- NPS: answers are whole numbers 0–10; promoters 9–10, passives 7–8, detractors 0–6;
  NPS = 100 × (p⁺ − p⁻) in points; moe95 = 1.96 × 100 × √((p⁺ + p⁻ − (p⁺ − p⁻)²) / n).
- CSAT: share of top-two-box answers on the scale (1–5 → 4–5 satisfied; 1–7 → 6–7; 1–10 and
  0–10 → 9–10; Zendesk good/bad arrives as 1/0 → the 0–1 scale, where only 1 is satisfied;
  HubSpot's faces 0/1/2 → the 0–2 scale, where only 2 is), with a Wilson 95% interval.
- CES: mean on its scale with a Student-t 95% interval, and the scale's direction.
- Answers dated after the as-of date (`dimensions.as_of_date`) are not counted yet. Undated
  answers (a survey sheet without dates) count in totals and in no period: per-period results
  say so in `attrs["notes"]` ("N undated rows, not in trends").
- A blank answer (NULL score: "offered", skipped) is not a response. An answer off the scale
  (11, −1, 4.5 on a box scale) is rejected and counted in `rejected`, never clipped.
- Levels: 'response' counts every answer (as survey tools do); 'account' counts each account's
  latest answer within each group (ties by source_row), so one 300-seat account weighs one.
  Answers without an account id are left out at account level.
- `by`: a column of the survey file itself (its "Plan", a ticket's "Priority"), else an accounts
  column (the account's segment) — `dimensions.resolve_by_column`, which a caller may run first
  and pass as a `ByColumn`; 'stage' (the row's stage when it is one of
  the configured stages, else the stage the account was in when it answered: its latest journey
  entry at or before the answer, ties by stage order); 'touchpoint' (the row's stage column as
  given, e.g. "Support ticket"); 'respondent_role'; or a period 'month'/'quarter'/'year' (fiscal
  quarters and years follow settings.fiscal_year_start_month; the segment is then the period's
  start). These names win over columns of the same name. `period` adds a
  `period_start` column beside a segment, for trend lines by segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd

from cxlib import canonical, dimensions, stats
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.stages import stage_order

Level = Literal["response", "account"]
By = str | dimensions.ByColumn | None     # a breakdown name or column, or a column already resolved


def nps_valid_sql(alias: str | None = None) -> str:
    """An NPS answer that counts (README: whole numbers 0–10; others rejected): `score`, or `alias.score`."""
    score = f"{alias}.score" if alias else "score"
    return f"{score} BETWEEN 0 AND 10 AND {score} = floor({score})"


NPS_VALID_SQL = nps_valid_sql()  # the one definition every NPS number filters by (7.5 and 11 are not answers)
NPS_Z = 1.96  # the README's margin-of-error convention ("What customers say"), literal so 54.0 reads as 54.0
SURVEY_BREAKDOWNS = ("stage", "touchpoint", "respondent_role", *dimensions.PERIODS)


@dataclass(frozen=True)
class Scale:
    """A box scale: its ends and the first answer that counts as top-two-box ('satisfied')."""

    name: str
    low: int
    high: int
    top_from: int


SCALES: dict[str, Scale] = {
    "0-1": Scale("0-1", 0, 1, 1),      # Zendesk good/bad as 1/0
    "0-2": Scale("0-2", 0, 2, 2),      # HubSpot's three faces 0/1/2: only the happy face is satisfied
    "1-5": Scale("1-5", 1, 5, 4),
    "1-7": Scale("1-7", 1, 7, 6),
    "1-10": Scale("1-10", 1, 10, 9),
    "0-10": Scale("0-10", 0, 10, 9),
}


def _scale(name: str) -> Scale:
    """A scale by name ('1-5', '1–7', '0-1', …); MetricError for any other."""
    key = str(name).replace("–", "-").replace(" ", "")
    if key not in SCALES:
        raise MetricError(f"Unknown scale '{name}': use one of {', '.join(SCALES)}.")
    return SCALES[key]


def _survey_groups(con: duckdb.DuckDBPyConnection, by: By, period: str | None,
                   settings: Settings) -> tuple[list[str], str, str, dict[str, Any], list[str]]:
    """CTEs, the select list and the join clause that attach `segment`/`period_start` to answers.

    Returns (ctes, select_exprs, joins, params, keys).
    """
    ctes: list[str] = []
    selects: list[str] = []
    joins = ""
    params: dict[str, Any] = {}
    keys: list[str] = []
    if period is not None:
        selects.append(f"{dimensions.period_sql('s.ts')} AS period_start")
        params.update(dimensions.period_params(period, settings))
        keys.append("period_start")
    if by is None:
        return ctes, ", ".join(selects), joins, params, keys
    if by in dimensions.PERIODS:
        if period is not None and by != period:
            raise MetricError(f"Break down by '{by}' or by period '{period}', not both.")
        params.update(dimensions.period_params(by, settings))
        selects.append(f"{dimensions.period_sql('s.ts')} AS segment")
    elif by == "stage":
        # Ties at one instant resolve to the later stage of the journey, then the later row.
        ctes.append(
            f"journey AS (SELECT account_id, ts, stage FROM {canonical.quote(canonical.JOURNEY_EVENTS)} "
            "WHERE account_id IS NOT NULL AND ts IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY account_id, ts ORDER BY "
            "coalesce(list_position($stage_names, stage), 0) DESC, source_row DESC NULLS LAST) = 1)"
        )
        joins = "ASOF LEFT JOIN journey j ON s.account_id = j.account_id AND s.ts >= j.ts"
        # The row's own stage counts when it is a stage of the journey; a touchpoint ("Support
        # ticket", "QBR") is not, and gives way to the stage the account was in.
        selects.append(dimensions.segment_sql(
            "CASE WHEN list_contains($stage_names, trim(s.stage)) THEN trim(s.stage) ELSE j.stage END"
        ) + " AS segment")
        params["stage_names"] = list(stage_order(settings.stages))
    elif by in ("respondent_role", "touchpoint"):
        column = "respondent_role" if by == "respondent_role" else "stage"
        selects.append(dimensions.segment_sql(f"s.{column}") + " AS segment")
    else:
        resolved = by if isinstance(by, dimensions.ByColumn) else \
            dimensions.resolve_by_column(con, canonical.SURVEYS, by)
        ctes += resolved.ctes()
        joins = resolved.join("s")
        params.update(resolved.params())
        selects.append(f"{resolved.value_sql('s')} AS segment")
    keys.append("segment")
    return ctes, ", ".join(selects), joins, params, keys


def _order_sql(by: By, keys: list[str]) -> str:
    """Chronological periods; stages in journey order; other segments alphabetical, blanks last."""
    parts: list[str] = []
    if "period_start" in keys:
        parts.append("period_start")
    if "segment" in keys:
        if by == "stage":
            parts.append("list_position($stage_names, segment) NULLS LAST")
        elif by not in dimensions.PERIODS:
            parts.append(f"segment = '{dimensions.NONE_SEGMENT}'")
        parts.append("segment")
    return ("ORDER BY " + ", ".join(parts)) if parts else ""


def answers_ctes(con: duckdb.DuckDBPyConnection, survey_type: str, by: By, period: str | None,
                  level: Level, settings: Settings, valid_sql: str,
                  ) -> tuple[list[str], dict[str, Any], list[str]]:
    """Named CTEs ending in `flagged`: answers of a type with their group keys, `s_valid` and `counts`.

    `counts` marks the answers a measure counts (every valid answer; at account level each
    account's latest valid answer per group). The measures and the accounts behind them
    (`cxlib.behind`) both read it.
    """
    if level not in ("response", "account"):
        raise MetricError(f"Unknown level '{level}': use 'response' or 'account'.")
    ctes, selects, joins, params, keys = _survey_groups(con, by, period, settings)
    params.update({"survey_type": survey_type, "account_level": level == "account",
                   "as_of": dimensions.as_of_param(con, settings)})
    partition = ", ".join(["s_valid", "account_id", *keys])
    need_ts = "AND s.ts IS NOT NULL" if (period is not None or by in dimensions.PERIODS) else ""
    ctes += [
        "typed AS (SELECT s.account_id, s.ts, s.source_row, s.score"
        + (", " + selects if selects else "")
        + f" FROM {canonical.quote(canonical.SURVEYS)} s {joins} "
        f"WHERE upper(trim(s.survey_type)) = $survey_type AND s.score IS NOT NULL {need_ts} "
        "AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP)))",
        f"checked AS (SELECT *, coalesce({valid_sql}, false) AS s_valid FROM typed)",
        # Account level: each account's latest valid answer per group (ties by the later row).
        "flagged AS (SELECT *, s_valid AND (NOT $account_level OR (account_id IS NOT NULL AND "
        f"row_number() OVER (PARTITION BY {partition} ORDER BY ts DESC NULLS LAST, "
        "source_row DESC NULLS LAST) = 1)) AS counts FROM checked)",
    ]
    return ctes, params, keys


def _answers_query(con: duckdb.DuckDBPyConnection, survey_type: str, by: By, period: str | None,
                   level: Level, settings: Settings, valid_sql: str, aggregates: str,
                   ) -> tuple[str, dict[str, Any], list[str]]:
    """One query: answers of a type → grouped → rejected flagged → counted rows aggregated per group."""
    ctes, params, keys = answers_ctes(con, survey_type, by, period, level, settings, valid_sql)
    key_list = ", ".join(keys)
    group = f"GROUP BY {key_list}" if keys else ""
    select_keys = f"{key_list}, " if keys else ""
    sql = (
        "WITH " + ",\n".join(ctes)
        + f"\nSELECT {select_keys}count(*) FILTER (WHERE counts) AS n, {aggregates}, "
        "count(*) FILTER (WHERE NOT s_valid) AS rejected "
        f"FROM flagged {group} {_order_sql(by, keys)}"
    )
    return sql, params, keys


def _with_undated_note(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, survey_type: str, by: By,
                       period: str | None) -> pd.DataFrame:
    """Per-period results say how many answers have no date and so are in no period."""
    notes: list[str] = []
    if period is not None or by in dimensions.PERIODS:
        (undated,) = con.execute(f"SELECT count(*) FROM {canonical.quote(canonical.SURVEYS)} WHERE ts IS NULL "
                                 "AND upper(trim(survey_type)) = $t AND score IS NOT NULL", {"t": survey_type}
                                 ).fetchone()
        if undated:
            notes.append(f"{undated} undated rows, not in trends")
    df.attrs["notes"] = notes
    return df


def _refuse_account_level_without_accounts(con: duckdb.DuckDBPyConnection, survey_type: str) -> None:
    """Answers loaded but none keyed to an account (a sheet without an account column): say why, never n = 0."""
    answered, with_account = con.execute(
        f"SELECT count(*), count(account_id) FROM {canonical.quote(canonical.SURVEYS)} "
        "WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL", {"t": survey_type}).fetchone()
    if answered and not with_account:
        raise MetricError(f"{answered} {survey_type} answers loaded; none has an account, so there is no "
                          "account-level score: map an account column, or count per response.", column="account_id")


def _ints(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Counts as int64 (DuckDB hands back int64 or NaN-able floats depending on emptiness)."""
    for c in cols:
        df[c] = df[c].fillna(0).astype("int64")
    return df


def nps(con: duckdb.DuckDBPyConnection, by: By = None, level: Level = "response",
        settings: Settings | None = None, period: str | None = None) -> pd.DataFrame:
    """Net Promoter Score per group with its 95% margin of error, n and the rejected count.

    Columns: [period_start], [segment], n, promoters, passives, detractors, nps, moe95, low_n,
    rejected. Without `by`/`period` a single row (n = 0 and NaN scores when nothing was answered).
    """
    settings = settings or Settings()
    if level == "account":
        _refuse_account_level_without_accounts(con, "NPS")
    aggregates = (
        "count(*) FILTER (WHERE counts AND score >= 9) AS promoters, "
        "count(*) FILTER (WHERE counts AND score BETWEEN 7 AND 8) AS passives, "
        "count(*) FILTER (WHERE counts AND score <= 6) AS detractors"
    )
    sql, params, keys = _answers_query(
        con, "NPS", by, period, level, settings,
        NPS_VALID_SQL, aggregates,
    )
    df = _ints(con.execute(sql, params).df(), ["n", "promoters", "passives", "detractors", "rejected"])
    n = df["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_pos = df["promoters"].to_numpy(dtype=float) / n
        p_neg = df["detractors"].to_numpy(dtype=float) / n
        df["nps"] = np.where(n > 0, 100.0 * (df["promoters"] - df["detractors"]) / n, np.nan)
        df["moe95"] = np.where(n > 0, NPS_Z * 100.0 * np.sqrt((p_pos + p_neg - (p_pos - p_neg) ** 2) / n),
                               np.nan)
    df["low_n"] = df["n"] < settings.min_n
    out = df[[*keys, "n", "promoters", "passives", "detractors", "nps", "moe95", "low_n", "rejected"]]
    return _with_undated_note(con, out, "NPS", by, period)


def detect_scale(con: duckdb.DuckDBPyConnection, survey_type: str) -> Scale:
    """The box scale a survey type's answers are on, from their range (overridable by the caller).

    Only 0 and 1 → good/bad (0-1); 0, 1 and 2 with a 0 → three faces (0-2, HubSpot); up to 5 → 1-5;
    up to 7 → 1-7; up to 10 → 1-10, or 0-10 when 0 occurs. Nothing answered → 1-5. Anything above
    10 is no known scale: MetricError.
    """
    lo, hi, binary, faces = con.execute(
        f"SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) "
        f"FROM {canonical.quote(canonical.SURVEYS)} "
        "WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL", {"t": survey_type},
    ).fetchone()
    if hi is None:
        return SCALES["1-5"]
    if binary:
        return SCALES["0-1"]
    if faces and lo == 0:
        return SCALES["0-2"]
    if hi <= 5:
        return SCALES["1-5"]
    if hi <= 7:
        return SCALES["1-7"]
    if hi <= 10:
        return SCALES["0-10"] if lo < 1 else SCALES["1-10"]
    raise MetricError(f"{survey_type} answers go up to {hi:g}: not a 1–5, 1–7 or 1–10 scale. "
                      "Choose the scale explicitly.", column="score")


def detected_csat_scale(con: duckdb.DuckDBPyConnection) -> Scale | None:
    """The CSAT answers' detected scale, or None when they fit none (the CSAT numbers themselves say why)."""
    try:
        return detect_scale(con, "CSAT")
    except MetricError:
        return None


def csat_scale_or_default(con: duckdb.DuckDBPyConnection) -> Scale:
    """The detected CSAT scale, or 1–5 when the answers fit none: for the signals, stories and emotion
    curve that read CSAT beside other things."""
    return detected_csat_scale(con) or SCALES["1-5"]


def on_scale_sql(scale: Scale) -> str:
    """A CSAT or CES answer that counts on `scale`: a whole box within its ends (as NPS_VALID_SQL for NPS; the
    bounds are trusted constants from SCALES)."""
    return f"score BETWEEN {scale.low} AND {scale.high} AND score = floor(score)"


# on_scale_sql with the CSAT scale's ends as the parameters $csat_low and $csat_high (detected per run).
CSAT_ON_SCALE_SQL = "score BETWEEN $csat_low AND $csat_high AND score = floor(score)"


def csat(con: duckdb.DuckDBPyConnection, by: By = None, scale: str | None = None,
         settings: Settings | None = None, period: str | None = None) -> pd.DataFrame:
    """CSAT per group: share of top-two-box answers with a Wilson 95% interval.

    Columns: [period_start], [segment], n, satisfied, csat (0–1), ci_low, ci_high, scale, low_n,
    rejected. The scale is detected over all CSAT answers (one scale for every group) unless given.
    """
    settings = settings or Settings()
    sc = _scale(scale) if scale is not None else detect_scale(con, "CSAT")
    sql, params, keys = _answers_query(
        con, "CSAT", by, period, "response", settings, on_scale_sql(sc),
        f"count(*) FILTER (WHERE counts AND score >= {sc.top_from}) AS satisfied",
    )
    df = _ints(con.execute(sql, params).df(), ["n", "satisfied", "rejected"])
    n = df["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["csat"] = np.where(n > 0, df["satisfied"].to_numpy(dtype=float) / n, np.nan)
    df["ci_low"], df["ci_high"] = stats.wilson_interval(df["satisfied"].to_numpy(), n)
    df["scale"] = sc.name
    df["low_n"] = df["n"] < settings.min_n
    out = df[[*keys, "n", "satisfied", "csat", "ci_low", "ci_high", "scale", "low_n", "rejected"]]
    return _with_undated_note(con, out, "CSAT", by, period)


def ces(con: duckdb.DuckDBPyConnection, by: By = None, lower_is_better: bool = False,
        scale: str | None = None, settings: Settings | None = None, period: str | None = None,
        ) -> pd.DataFrame:
    """Customer Effort Score per group: mean on its scale with a Student-t 95% interval.

    The direction is the caller's: the default 1–7 "how easy was it" wording makes higher better;
    "how much effort" wordings set `lower_is_better=True`. It is echoed in every row so a chart
    or table can say which way is good. Columns: [period_start], [segment], n, mean, sd, ci_low,
    ci_high, scale, lower_is_better, low_n, rejected.
    """
    settings = settings or Settings()
    sc = _scale(scale) if scale is not None else detect_scale(con, "CES")
    if sc.name == "0-1":
        raise MetricError("CES answers are only 0 and 1: an effort score needs a 1–5, 1–7 or 1–10 scale.",
                          column="score")
    sql, params, keys = _answers_query(
        con, "CES", by, period, "response", settings, on_scale_sql(sc),
        "avg(score) FILTER (WHERE counts) AS mean, stddev_samp(score) FILTER (WHERE counts) AS sd",
    )
    df = _ints(con.execute(sql, params).df(), ["n", "rejected"])
    df["mean"] = df["mean"].astype(float)
    df["sd"] = df["sd"].astype(float)
    df["ci_low"], df["ci_high"] = stats.t_interval(df["mean"].to_numpy(), df["sd"].to_numpy(), df["n"].to_numpy())
    df["scale"] = sc.name
    df["lower_is_better"] = bool(lower_is_better)
    df["low_n"] = df["n"] < settings.min_n
    out = df[[*keys, "n", "mean", "sd", "ci_low", "ci_high", "scale", "lower_is_better", "low_n", "rejected"]]
    return _with_undated_note(con, out, "CES", by, period)


def _cli_table(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    lead = [c for c in ("period_start", "segment") if c in df.columns]
    return df[[*lead, *cols]].reset_index(drop=True)


def cli_nps_table(df: pd.DataFrame) -> pd.DataFrame:
    """The `nps` command's columns, exactly: [segment], n, promoters, passives, detractors, nps, moe95."""
    return _cli_table(df, ["n", "promoters", "passives", "detractors", "nps", "moe95"])


def cli_csat_table(df: pd.DataFrame) -> pd.DataFrame:
    """The `csat` command's columns, exactly: [segment], n, satisfied, csat (0–1), ci_low, ci_high."""
    return _cli_table(df, ["n", "satisfied", "csat", "ci_low", "ci_high"])


def ces_direction(lower_is_better: bool) -> str:
    """The words a CES table says its direction in: 'higher is better' or 'lower is better'."""
    return "lower is better" if lower_is_better else "higher is better"


def cli_ces_table(df: pd.DataFrame) -> pd.DataFrame:
    """The `ces` command's columns, exactly: [segment], n, mean, ci_low, ci_high, scale, direction."""
    out = df.assign(direction=[ces_direction(bool(x)) for x in df["lower_is_better"]])
    return _cli_table(out, ["n", "mean", "ci_low", "ci_high", "scale", "direction"])


__all__ = ["CSAT_ON_SCALE_SQL", "SCALES", "SURVEY_BREAKDOWNS", "By", "Scale", "ces", "ces_direction", "cli_ces_table", "cli_csat_table",
           "cli_nps_table", "csat", "detect_scale", "nps", "on_scale_sql"]
