"""The early-warning signals in SQL: one CTE chain ending in `signal_rows`, one row per (account, signal).

Definitions (issue 12, README "Early warning"). Customers are the churn module's: an open customer
spell at the instant (from Decision on, until Churn; a lost deal never was one), or, for an account
with no journey entry, a current stage from Decision on in the accounts table; an account flagged
churned is none. "The last N days" = instant − N days ≤ t ≤ instant; "the N days before" = instant −
2N ≤ t < instant − N. "Latest" = greatest timestamp, then the last source row. Undated rows count in
no window.

- entered_disappointment: the latest entry is Disappointment, and that visit (consecutive entries of
  one stage are one visit) was entered in the last `disappointment_days` days. Since: the entry.
- score_drop: `scores.score_trend`'s composites (unrounded) of the Scores page's period: the
  previous period's minus the latest's ≥ `score_drop_points`, both at the minimum coverage. Since:
  the latest period's composite is re-evaluated as of the period's start, each of the account's
  ratings in it (and each instant a rating passes its maximum age), from the latest ratings up to
  that instant with the same coverage rule, against the previous period's fixed composite.
- nps_drop: the latest NPS answer is a detractor (0–6) and the one before it a promoter or passive;
  or NPS over the last `nps_window_days` is ≥ `nps_drop_points` below the window before, with
  ≥ `nps_min_answers` answers in each.
- csat_drop: CSAT over the last `csat_window_days` below `csat_below` with ≥ `csat_min_answers`
  answers, or ≥ `csat_drop_points` points below the window before with that many in each.
- stalled: the current visit is a funnel step with a next step, for strictly longer (fractional days
  since entering it) than the p90 of days to the next step (the funnel's `quantile_cont`) in the
  account's segment; a segment whose p90 rests on fewer than the minimum n uses the overall p90.
  Since: entry + today's p90 (the day the account passed the p90 as it stands at $as_of).
- silent: no survey answer, factor rating, journey entry or activity that happened (`CONTACT_SOURCES`)
  in the last `silent_days` days. Since: the last one + `silent_days`.
- decision_maker_detractor: the latest NPS answer of a decision maker or executive (respondent roles,
  `cxlib.mapping.respondent_roles`) is a detractor while the mean of the other respondents' latest NPS
  answers is ≥ `leader_others_mean`.
- missed_qbr: only when the activities view holds rows. A customer for at least 100 days (its open
  spell started on or before as-of − 100 days) with no QBR/EBR held in the last 100 days
  (`cxlib.centricity.qbr`). Since: the later of spell start + 100 days and the last QBR + 100 days.

`since` is the earliest instant from which the signal has held without a break up to now. Window
and answer signals are evaluated at every instant their inputs change (an answer's date, and the
instants it moves to the window before and out of it), so the run's start is exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import duckdb

from cxlib import canonical, dimensions
from cxlib.churn import churn_stage, customer_stages, spells_sql
from cxlib.early_warning.config import SIGNALS, WarningConfig
from cxlib.mapping.respondent_roles import LEADER_ROLES, raw_values_of
from cxlib.scores import ScoreConfig
from cxlib.scores.composite import per_account_sql
from cxlib.scores.trend import trend_ctes
from cxlib.settings import Settings
from cxlib.stages import suggest_stage
from cxlib.surveys import CSAT_ON_SCALE_SQL, NPS_VALID_SQL

EPS = 1e-9   # float noise never decides a threshold ("exactly 10 points" is in)
# Where contact is dated: every answer, rating and journey entry, and every activity that happened
# (an open task or a planned meeting is no contact): (view, time column, which rows count).
CONTACT_SOURCES: tuple[tuple[str, str, str], ...] = (
    (canonical.SURVEYS, "ts", "true"), (canonical.FACTOR_RATINGS, "ts", "true"),
    (canonical.JOURNEY_EVENTS, "ts", "true"), (canonical.ACTIVITIES, "ts", "done IS NOT FALSE"))
ROW_COLUMNS = ["account_id", "signal", "since", "d1", "d2", "x1", "x2", "x3", "x4", "n1", "n2", "label",
               "label2"]

_Q = canonical.quote
_ROW_NULLS = {"d1": "TIMESTAMP", "d2": "TIMESTAMP", "x1": "DOUBLE", "x2": "DOUBLE", "x3": "DOUBLE",
              "x4": "DOUBLE", "n1": "BIGINT", "n2": "BIGINT", "label": "VARCHAR", "label2": "VARCHAR"}


def _row(signal: str, source: str, since: str, **cols: str) -> str:
    """One signal's SELECT in `signal_rows`' column order (unnamed columns NULL)."""
    values = [f"CAST({cols[c]} AS {t})" if c in cols else f"CAST(NULL AS {t})" for c, t in _ROW_NULLS.items()]
    return (f"SELECT account_id, '{signal}' AS signal, CAST({since} AS TIMESTAMP) AS since, "
            + ", ".join(f"{v} AS {c}" for v, c in zip(values, _ROW_NULLS)) + f" FROM {source}")


def _since_ctes(name: str) -> str:
    """`{name}_since`: per account the start of the last unbroken run of `holds` in `{name}_eval`."""
    return f"""{name}_off AS (
  SELECT account_id, max(t_at) FILTER (WHERE NOT holds) AS last_off FROM {name}_eval GROUP BY account_id
),
{name}_since AS (
  SELECT e.account_id, min(e.t_at) AS since
  FROM {name}_eval AS e JOIN {name}_off AS o USING (account_id)
  WHERE e.holds AND (o.last_off IS NULL OR e.t_at > o.last_off)
  GROUP BY e.account_id
)"""


def customers_ctes() -> str:
    """CTEs `spells` … `ew_customers`: the customers at $as_of (the churn module's spells, one definition)."""
    events = _Q(canonical.JOURNEY_EVENTS)
    return f"""{spells_sql()},
ew_customers AS (
  SELECT account_id FROM spells WHERE spell_end IS NULL
  UNION
  SELECT a.account_id FROM acct AS a
  WHERE list_contains($customer_stages, a.stage)
    AND a.account_id NOT IN (SELECT account_id FROM {events} WHERE account_id IS NOT NULL)
  EXCEPT
  SELECT account_id FROM acct WHERE churned
)"""


def _visit_sql() -> str:
    """CTE `ew_visit`: each customer's current visit (stage, entered) from its entries up to $as_of."""
    return f"""ew_entries AS (
  SELECT e.account_id, e.stage, e.ts,
         row_number() OVER (PARTITION BY e.account_id ORDER BY e.ts DESC, e.source_row DESC NULLS LAST,
                            e.source DESC) AS back
  FROM {_Q(canonical.JOURNEY_EVENTS)} AS e JOIN ew_customers USING (account_id)
  WHERE e.stage IS NOT NULL AND e.ts IS NOT NULL AND e.ts <= CAST($as_of AS TIMESTAMP)
),
ew_latest AS (SELECT account_id, stage FROM ew_entries WHERE back = 1),
ew_break AS (
  SELECT e.account_id, min(e.back) AS first_other
  FROM ew_entries AS e JOIN ew_latest AS l USING (account_id)
  WHERE e.stage <> l.stage GROUP BY e.account_id
),
ew_visit AS (
  SELECT e.account_id, l.stage, min(e.ts) AS entered,
         epoch(CAST($as_of AS TIMESTAMP) - min(e.ts)) / 86400.0 AS days
  FROM ew_entries AS e JOIN ew_latest AS l USING (account_id) LEFT JOIN ew_break AS b USING (account_id)
  WHERE b.first_other IS NULL OR e.back < b.first_other
  GROUP BY e.account_id, l.stage
)"""


def _answers_sql() -> str:
    """CTEs of the customers' dated NPS and CSAT answers up to $as_of, each with its place in time."""
    return f"""ew_answers AS (
  SELECT s.account_id, upper(trim(s.survey_type)) AS kind, s.score, s.ts, s.source, s.source_row,
         NULLIF(trim(CAST(s.respondent_role AS VARCHAR)), '') AS role_value,
         coalesce(NULLIF(trim(s.respondent), ''), 'row ' || coalesce(s.source, '') || ':'
                  || CAST(s.source_row AS VARCHAR)) AS who
  FROM {_Q(canonical.SURVEYS)} AS s JOIN ew_customers USING (account_id)
  WHERE s.ts IS NOT NULL AND s.ts <= CAST($as_of AS TIMESTAMP) AND s.score IS NOT NULL
),
ew_nps AS (
  SELECT *, row_number() OVER (PARTITION BY account_id ORDER BY ts, source_row, source) AS seq,
         lag(score) OVER (PARTITION BY account_id ORDER BY ts, source_row, source) AS before_score,
         lag(ts) OVER (PARTITION BY account_id ORDER BY ts, source_row, source) AS before_ts
  FROM ew_answers WHERE kind = 'NPS' AND {NPS_VALID_SQL}
),
ew_csat AS (
  SELECT *, score >= $csat_top AS satisfied
  FROM ew_answers WHERE kind = 'CSAT' AND {CSAT_ON_SCALE_SQL}
)"""


def _checks_sql(name: str, source: str, days_param: str) -> str:
    """CTE `{name}_checks`: the instants at which `source`'s windows change, up to $as_of, and $as_of."""
    return f"""{name}_checks AS (
  SELECT DISTINCT account_id, t_at FROM (
    SELECT account_id, ts AS t_at FROM {source}
    UNION ALL SELECT account_id, ts + to_days(${days_param}) + INTERVAL 1 MICROSECOND FROM {source}
    UNION ALL SELECT account_id, ts + to_days(2 * ${days_param}) + INTERVAL 1 MICROSECOND FROM {source}
    UNION ALL SELECT account_id, CAST($as_of AS TIMESTAMP) FROM {source}
  ) AS instants
  WHERE t_at <= CAST($as_of AS TIMESTAMP)
)"""


def _nps_sql() -> str:
    """CTEs ending in `ew_nps_now`: nps_drop's two forms evaluated at every instant, and its run start."""
    recent = "a.ts >= c.t_at - to_days($nps_days)"
    before = "a.ts < c.t_at - to_days($nps_days)"

    def nps(window: str) -> str:
        return (f"100.0 * (count(*) FILTER (WHERE {window} AND a.score >= 9) - count(*) FILTER (WHERE {window} "
                f"AND a.score <= 6)) / NULLIF(count(*) FILTER (WHERE {window}), 0)")

    return f"""{_checks_sql("ew_n", "ew_nps", "nps_days")},
ew_n_windows AS (
  SELECT c.account_id, c.t_at,
         count(*) FILTER (WHERE {recent}) AS recent_n,
         {nps(recent)} AS recent_nps,
         count(*) FILTER (WHERE {before}) AS before_n,
         {nps(before)} AS before_nps
  FROM ew_n_checks AS c
  JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at AND a.ts >= c.t_at - to_days(2 * $nps_days)
  GROUP BY c.account_id, c.t_at
),
ew_n_last AS (
  SELECT c.account_id, c.t_at, max(a.seq) AS seq
  FROM ew_n_checks AS c JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at
  GROUP BY c.account_id, c.t_at
),
ew_n_eval AS (
  SELECT c.account_id, c.t_at,
         l.score AS last_score, l.ts AS last_ts, l.before_score, l.before_ts,
         w.recent_n, w.recent_nps, w.before_n, w.before_nps,
         coalesce(l.score <= 6 AND l.before_score >= 7, false) AS turned,
         coalesce(w.recent_n >= $nps_min AND w.before_n >= $nps_min
                  AND w.before_nps - w.recent_nps >= $nps_points - {EPS}, false) AS fell,
         turned OR fell AS holds
  FROM ew_n_checks AS c
  LEFT JOIN ew_n_windows AS w USING (account_id, t_at)
  LEFT JOIN ew_n_last AS n USING (account_id, t_at)
  LEFT JOIN ew_nps AS l ON l.account_id = c.account_id AND l.seq = n.seq
),
{_since_ctes("ew_n")},
ew_nps_now AS (
  SELECT e.*, s.since FROM ew_n_eval AS e JOIN ew_n_since AS s USING (account_id)
  WHERE e.t_at = CAST($as_of AS TIMESTAMP) AND e.holds
)"""


def _csat_sql() -> str:
    """CTEs ending in `ew_csat_now`: csat_drop evaluated at every instant its windows change."""
    recent = "a.ts >= c.t_at - to_days($csat_days)"
    before = "a.ts < c.t_at - to_days($csat_days)"
    return f"""{_checks_sql("ew_c", "ew_csat", "csat_days")},
ew_c_windows AS (
  SELECT c.account_id, c.t_at,
         count(*) FILTER (WHERE {recent}) AS recent_n,
         count(*) FILTER (WHERE {recent} AND a.satisfied) / NULLIF(count(*) FILTER (WHERE {recent}), 0)
           AS recent_csat,
         count(*) FILTER (WHERE {before}) AS before_n,
         count(*) FILTER (WHERE {before} AND a.satisfied) / NULLIF(count(*) FILTER (WHERE {before}), 0)
           AS before_csat
  FROM ew_c_checks AS c
  JOIN ew_csat AS a ON a.account_id = c.account_id AND a.ts <= c.t_at AND a.ts >= c.t_at - to_days(2 * $csat_days)
  GROUP BY c.account_id, c.t_at
),
ew_c_eval AS (
  SELECT c.account_id, c.t_at, w.recent_n, w.recent_csat, w.before_n, w.before_csat,
         coalesce(w.recent_n >= $csat_min AND w.recent_csat < $csat_below - {EPS}, false) AS low,
         coalesce(w.recent_n >= $csat_min AND w.before_n >= $csat_min
                  AND 100 * (w.before_csat - w.recent_csat) >= $csat_points - {EPS}, false) AS fell,
         low OR fell AS holds
  FROM ew_c_checks AS c LEFT JOIN ew_c_windows AS w USING (account_id, t_at)
),
{_since_ctes("ew_c")},
ew_csat_now AS (
  SELECT e.*, s.since FROM ew_c_eval AS e JOIN ew_c_since AS s USING (account_id)
  WHERE e.t_at = CAST($as_of AS TIMESTAMP) AND e.holds
)"""


def _leader_sql() -> str:
    """CTEs ending in `ew_leader_now`: a decision maker's or executive's detractor answer against the rest."""
    return """ew_l_checks AS (
  SELECT DISTINCT account_id, t_at FROM (
    SELECT account_id, ts AS t_at FROM ew_nps UNION ALL SELECT account_id, CAST($as_of AS TIMESTAMP) FROM ew_nps
  ) AS instants WHERE t_at <= CAST($as_of AS TIMESTAMP)
),
ew_l_lead AS (
  SELECT c.account_id, c.t_at, a.score, a.ts, a.role_value
  FROM ew_l_checks AS c JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at
  WHERE list_contains($leader_values, a.role_value)
  QUALIFY row_number() OVER (PARTITION BY c.account_id, c.t_at ORDER BY a.seq DESC) = 1
),
ew_l_others AS (
  SELECT account_id, t_at, avg(score) AS others_mean, count(*) AS others_n
  FROM (
    SELECT c.account_id, c.t_at, a.who, a.score
    FROM ew_l_checks AS c JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at
    WHERE a.role_value IS NULL OR NOT list_contains($leader_values, a.role_value)
    QUALIFY row_number() OVER (PARTITION BY c.account_id, c.t_at, a.who ORDER BY a.seq DESC) = 1
  ) AS latest_per_respondent
  GROUP BY account_id, t_at
),
ew_l_eval AS (
  SELECT c.account_id, c.t_at, l.score AS leader_score, l.ts AS leader_ts, l.role_value, o.others_mean, o.others_n,
         coalesce(l.score <= 6 AND o.others_mean >= $leader_mean - 1e-9, false) AS holds
  FROM ew_l_checks AS c
  LEFT JOIN ew_l_lead AS l USING (account_id, t_at)
  LEFT JOIN ew_l_others AS o USING (account_id, t_at)
),
""" + _since_ctes("ew_l") + """,
ew_leader_now AS (
  SELECT e.*, s.since FROM ew_l_eval AS e JOIN ew_l_since AS s USING (account_id)
  WHERE e.t_at = CAST($as_of AS TIMESTAMP) AND e.holds
)"""


def _silent_sql() -> str:
    """CTE `ew_silent_now`: customers with no dated contact in the last `silent_days` days."""
    parts = " UNION ALL ".join(f"SELECT account_id, {_Q(col)} AS ts FROM {_Q(view)} WHERE {rows}"
                               for view, col, rows in CONTACT_SOURCES)
    return f"""ew_contacts AS (
  SELECT c.account_id, max(x.ts) AS last_contact
  FROM ew_customers AS c
  LEFT JOIN ({parts}) AS x ON x.account_id = c.account_id AND x.ts <= CAST($as_of AS TIMESTAMP)
  GROUP BY c.account_id
),
ew_silent_now AS (
  SELECT account_id, last_contact,
         epoch(CAST($as_of AS TIMESTAMP) - last_contact) / 86400.0 AS days,
         last_contact + to_days($silent_days) + INTERVAL 1 MICROSECOND AS since
  FROM ew_contacts
  WHERE last_contact IS NULL OR last_contact < CAST($as_of AS TIMESTAMP) - to_days($silent_days)
)"""


def _stalled_sql() -> str:
    """CTEs ending in `ew_stalled_now`: the current funnel step held longer than its p90 to the next step."""
    return f"""ew_p90 AS (
  SELECT unnest($p90_segment) AS segment, unnest($p90_stage) AS stage, unnest($p90_next) AS next_stage,
         unnest($p90_days) AS p90, unnest($p90_n) AS n
),
ew_segments AS (
  SELECT c.account_id, {dimensions.segment_sql("a." + _Q("__ew_segment"))} AS segment
  FROM ew_customers AS c LEFT JOIN (SELECT account_id, {{segment_expr}} AS "__ew_segment" FROM acct) AS a
  USING (account_id)
),
ew_stalled_now AS (
  SELECT v.account_id, v.stage, v.entered, v.days, s.segment,
         CASE WHEN own.n >= $min_n THEN own.p90 ELSE overall.p90 END AS p90,
         CASE WHEN own.n >= $min_n THEN own.n ELSE overall.n END AS p90_n,
         CASE WHEN own.n >= $min_n THEN s.segment ELSE NULL END AS p90_segment,
         overall.next_stage,
         v.entered + to_seconds(86400.0 * CASE WHEN own.n >= $min_n THEN own.p90 ELSE overall.p90 END)
           + INTERVAL 1 MICROSECOND AS since
  FROM ew_visit AS v
  JOIN ew_segments AS s USING (account_id)
  JOIN ew_p90 AS overall ON overall.segment IS NULL AND overall.stage = v.stage
  LEFT JOIN ew_p90 AS own ON own.segment = s.segment AND own.stage = v.stage
  WHERE v.days > CASE WHEN own.n >= $min_n THEN own.p90 ELSE overall.p90 END
)"""


def _score_sql(as_of_composite: str) -> str:
    """CTEs ending in `ew_score_now`: a comparable composite fall of at least `score_drop_points`, and its run start.

    The fall is re-evaluated at every instant the latest period's composite can change: the period's
    start, each of the account's ratings in it, each instant a rating passes its factor's maximum age,
    and $as_of. `as_of_composite` is `per_account` (the Scores page's one composite definition) over
    the snapshots `ew_sd_instants`, so each instant sees the latest ratings up to it and its coverage.
    """
    ratings = _Q(canonical.FACTOR_RATINGS)
    return f"""ew_sd_hold AS (
  SELECT t.account_id, t.previous_period, t.period, t.previous_composite, t.composite,
         t.previous_composite - t.composite AS fall
  FROM account_trend AS t
  JOIN ew_customers USING (account_id)
  WHERE t.direction IS NOT NULL AND t.previous_composite - t.composite >= $score_points - {EPS}
),
ew_sd_instants AS (
  SELECT DISTINCT account_id, t_at FROM (
    SELECT h.account_id, h.period AS t_at FROM ew_sd_hold AS h
    UNION ALL SELECT h.account_id, r.ts FROM ew_sd_hold AS h JOIN {ratings} AS r USING (account_id)
    UNION ALL SELECT h.account_id, r.ts + to_days(p.max_age_days) + INTERVAL 1 MICROSECOND
    FROM ew_sd_hold AS h JOIN {ratings} AS r USING (account_id) JOIN params AS p ON p.factor = r.factor
    WHERE p.max_age_days IS NOT NULL
    UNION ALL SELECT account_id, CAST($as_of AS TIMESTAMP) FROM ew_sd_hold
  ) AS instants
  JOIN ew_sd_hold AS h USING (account_id)
  WHERE t_at >= h.period AND t_at <= CAST($as_of AS TIMESTAMP)
),
ew_sd_composite AS (
  WITH {as_of_composite.strip()}
  SELECT period AS t_at, account_id, composite, coverage FROM per_account
),
ew_sd_eval AS (
  SELECT i.account_id, i.t_at, c.composite, c.coverage,
         coalesce(c.coverage >= $min_coverage AND h.previous_composite - c.composite >= $score_points - {EPS},
                  false) AS holds
  FROM ew_sd_instants AS i
  JOIN ew_sd_hold AS h USING (account_id)
  LEFT JOIN ew_sd_composite AS c USING (account_id, t_at)
),
{_since_ctes("ew_sd")},
ew_score_now AS (
  SELECT h.*, s.since FROM ew_sd_hold AS h JOIN ew_sd_since AS s USING (account_id)
)"""


def _missed_qbr_sql() -> str:
    """CTEs ending in `ew_qbr_now`: customers for ≥ 100 days with no QBR/EBR in the last 100 (activities loaded)."""
    from cxlib.centricity.qbr import qbr_ctes   # here: cxlib.centricity builds on early warning's customers

    return f"""{qbr_ctes()},
ew_qbr_now AS (
  SELECT s.account_id, s.spell_start, l.last_qbr,
         epoch(CAST($as_of AS TIMESTAMP) - coalesce(l.last_qbr, s.spell_start)) / 86400.0 AS days,
         greatest(s.spell_start + to_days($qbr_days),
                  coalesce(l.last_qbr + to_days($qbr_days) + INTERVAL 1 MICROSECOND, s.spell_start)) AS since
  FROM spells AS s JOIN ew_customers USING (account_id) LEFT JOIN qb_last AS l USING (account_id)
  WHERE s.spell_end IS NULL AND s.spell_start <= CAST($as_of AS TIMESTAMP) - to_days($qbr_days)
    AND (l.last_qbr IS NULL OR l.last_qbr < CAST($as_of AS TIMESTAMP) - to_days($qbr_days))
    AND EXISTS (SELECT 1 FROM {_Q(canonical.ACTIVITIES)})
)"""


def _rows_sql() -> str:
    """CTE `signal_rows`: every signal's rows in one shape (the evidence module reads them)."""
    return "signal_rows AS (\n" + "\nUNION ALL\n".join([
        _row("entered_disappointment", "ew_visit WHERE stage = $disappointment AND entered >= "
             "CAST($as_of AS TIMESTAMP) - to_days($disappointment_days)", "entered", d1="entered", x1="days",
             label="stage"),
        _row("score_drop", "ew_score_now", "since", d1="previous_period", d2="period", x1="previous_composite",
             x2="composite", x3="fall"),
        _row("nps_drop", "ew_nps_now", "since", d1="last_ts", d2="before_ts", x1="last_score", x2="before_score",
             x3="recent_nps", x4="before_nps", n1="recent_n", n2="before_n",
             label="CASE WHEN turned AND fell THEN 'both' WHEN turned THEN 'turned' ELSE 'fell' END"),
        _row("csat_drop", "ew_csat_now", "since", x1="recent_csat", x2="before_csat", n1="recent_n", n2="before_n",
             label="CASE WHEN low AND fell THEN 'both' WHEN low THEN 'low' ELSE 'fell' END"),
        _row("stalled", "ew_stalled_now", "since", d1="entered", x1="days", x2="p90", n1="p90_n", label="stage",
             label2="next_stage"),
        _row("silent", "ew_silent_now", "since", d1="last_contact", x1="days"),
        _row("decision_maker_detractor", "ew_leader_now", "since", d1="leader_ts", x1="leader_score",
             x2="others_mean", n1="others_n", label="role_value"),
        _row("missed_qbr", "ew_qbr_now", "since", d1="last_qbr", d2="spell_start", x1="days"),
    ]) + "\n)"


def signals_ctes(con: duckdb.DuckDBPyConnection, config: WarningConfig, score_config: ScoreConfig,
                 settings: Settings, as_of: dt.datetime, stalled_p90: dict[str, list[Any]]
                 ) -> tuple[str, dict[str, Any]]:
    """The WITH list (without WITH) ending in `signal_rows` and `ew_customers`, and its parameters.

    `stalled_p90` comes from `stalled.p90_table` (lists segment/stage/next/days/n, segment None = all).
    """
    from cxlib import surveys
    from cxlib.centricity.qbr import qbr_params

    pinned = replace(settings, as_of=as_of)
    score_trend, params = trend_ctes(con, score_config, config.score_period, pinned)
    # The latest period's composite at each instant of a score_drop run: the same definition, own snapshots.
    # Its SQL names the factor table's parameters only, and the trend's `params` already hold their values
    # (same names, same scales), so the scales are not detected a second time.
    as_of_composite, composite_params = per_account_sql(
        score_config, {}, "SELECT DISTINCT t_at AS period, t_at AS at FROM ew_sd_instants", include_unrated=False)
    assert composite_params.keys() <= params.keys()
    scale = surveys.csat_scale_or_default(con)
    segment_expr = "CAST(NULL AS VARCHAR)"
    if config.stalled_by:
        segment_expr = _Q(dimensions.check_accounts_column(con, config.stalled_by))
    params.update({
        "as_of": as_of,
        "customer_stages": customer_stages(settings.stages), "churn_stage": churn_stage(settings.stages),
        "disappointment": disappointment_stage(settings), "disappointment_days": config.disappointment_days,
        "score_points": float(config.score_drop_points),
        "nps_days": config.nps_window_days, "nps_points": float(config.nps_drop_points),
        "nps_min": config.nps_min_answers,
        "csat_days": config.csat_window_days, "csat_below": float(config.csat_below),
        "csat_min": config.csat_min_answers, "csat_points": float(config.csat_drop_points),
        "csat_top": scale.top_from, "csat_low": scale.low, "csat_high": scale.high,
        "silent_days": config.silent_days, "leader_mean": float(config.leader_others_mean),
        "leader_values": raw_values_of(con, LEADER_ROLES, config.role_map) or [""],
        "min_n": int(settings.min_n),
        "p90_segment": stalled_p90["segment"] or [None], "p90_stage": stalled_p90["stage"] or [None],
        "p90_next": stalled_p90["next"] or [None], "p90_days": stalled_p90["days"] or [None],
        "p90_n": stalled_p90["n"] or [0],
    } | qbr_params(as_of))
    ctes = ",\n".join([
        dimensions.ACCOUNTS_CTE, score_trend.strip(), customers_ctes(), _visit_sql(), _answers_sql(), _nps_sql(),
        _csat_sql(), _leader_sql(), _silent_sql(), _stalled_sql().replace("{segment_expr}", segment_expr),
        _score_sql(as_of_composite), _missed_qbr_sql(), _rows_sql()])
    return ctes, params


def disappointment_stage(settings: Settings) -> str:
    """The configured exit stage that means Disappointment (a renamed one is recognised)."""
    for stage in settings.stages:
        if stage.kind == "exit" and suggest_stage(stage.name) == "Disappointment":
            return stage.name
    return "Disappointment"


def signal_order_sql(column: str) -> str:
    """The position of a signal name in `SIGNALS` (the order signals are listed in), for ORDER BY."""
    names = ", ".join(f"'{s}'" for s in SIGNALS)   # constants, never user input
    return f"list_position([{names}], {column})"


__all__ = ["CONTACT_SOURCES", "ROW_COLUMNS", "disappointment_stage", "signal_order_sql", "signals_ctes"]
