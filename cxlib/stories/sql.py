"""The story finder in SQL: one CTE chain ending in `st_stories`, one row per ranked customer account.

Definitions (issue 13, README "Stories"). Ranked: the early-warning customers at the as-of date
(`customers_ctes`: from the first Decision until Churn, never a lost deal) whose current stage
(`current_stage_sql`: the latest journey entry up to the as-of date, else the accounts table) is
neither Disappointment nor Churn. Only dated rows up to the as-of date count, except where said.

- Challenge C: 1 when a low point (a Disappointment entry, an NPS answer 0–6, a CSAT answer below the
  middle of its scale (1–2 of 1–5, 0–4 of 0–10), a red composite) is followed on a strictly later day by a recovery (an entry
  into Usage or a later funnel stage, an NPS answer 9–10, a green composite); 0.5 when not, but the
  accounts' `intent` text holds an intent keyword (`config.INTENT_KEYWORDS`); else 0. Composites are
  the Scores page's monthly trend (each month's composite at its last instant, the current month's at
  the as-of date), in its bands, each dated by the latest rating behind it (a composite that stays
  green is no new recovery).
  The evidence is the latest low point that was overcome, with its first recovery.
- Timing T: 1 − percent_rank() of days_to_value (calendar days from the first Decision entry to the
  first Usage entry at or after it) among the ranked accounts of the same segment with a known
  value; ties share the lower rank (SQL's percent_rank); one account alone has T = 1; unknown: 0.
- Celebration W: the mean of three 0/1 parts, a missing part 0: outcome achieved (accounts.outcome
  ≥ the outcome threshold), the latest NPS answer ≥ 9 (a decision maker's or executive's when the
  account has one; undated answers rank last), reached Advocacy (an entry, or the current stage).
- Quote: the longest comment of an NPS answer 9–10 (then the latest). Recent reference: a done
  `reference` activity dated within the last 90 days (as-of day − 90 ≤ day ≤ as-of day).
"""

from __future__ import annotations

from cxlib import canonical, dimensions
from cxlib.surveys import CSAT_ON_SCALE_SQL, NPS_VALID_SQL

_Q = canonical.quote


def eligible_ctes() -> str:
    """CTEs `st_eligible` (account_id, segment, stage): the customers a story may be told about."""
    return f"""st_eligible AS (
  SELECT c.account_id, cs.stage, {dimensions.segment_sql("a." + _Q("__st_segment"))} AS segment
  FROM ew_customers AS c
  LEFT JOIN current_stage AS cs USING (account_id)
  LEFT JOIN (SELECT account_id, {{segment_expr}} AS "__st_segment" FROM acct) AS a USING (account_id)
  WHERE cs.stage IS NULL OR (cs.stage <> $disappointment AND cs.stage <> $churn_stage)
)"""


def inputs_ctes() -> str:
    """CTEs of the eligible accounts' dated entries, NPS and CSAT answers, and composites over time."""
    return f"""st_events AS (
  SELECT e.account_id, e.stage, e.ts, e.source_row
  FROM {_Q(canonical.JOURNEY_EVENTS)} AS e JOIN st_eligible USING (account_id)
  WHERE e.stage IS NOT NULL AND e.ts IS NOT NULL AND e.ts <= CAST($as_of AS TIMESTAMP)
),
st_answers AS (
  SELECT s.account_id, upper(trim(s.survey_type)) AS kind, s.score, s.ts, s.source_row,
         NULLIF(trim(CAST(s.comment AS VARCHAR)), '') AS comment,
         coalesce(list_contains($leader_values, NULLIF(trim(CAST(s.respondent_role AS VARCHAR)), '')), false)
           AS leader,
         NULLIF(trim(CAST(s.respondent_role AS VARCHAR)), '') AS role_value
  FROM {_Q(canonical.SURVEYS)} AS s JOIN st_eligible USING (account_id)
  WHERE s.score IS NOT NULL AND NOT isnan(s.score) AND (s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))
),
st_nps AS (
  SELECT * FROM st_answers WHERE kind = 'NPS' AND {NPS_VALID_SQL}
),
st_csat_low AS (
  SELECT * FROM st_answers
  WHERE kind = 'CSAT' AND ts IS NOT NULL AND {CSAT_ON_SCALE_SQL}
    AND score < ($csat_low + $csat_high) / 2.0
),
st_rated_at AS (
  SELECT period, account_id, max(ts) AS rated_at FROM rated WHERE ts IS NOT NULL GROUP BY period, account_id
),
st_composites AS (
  SELECT DISTINCT p.account_id, r.rated_at AS ts, p.composite, p.band
  FROM per_account AS p JOIN st_eligible USING (account_id)
  JOIN st_rated_at AS r ON r.period = p.period AND r.account_id = p.account_id
  WHERE p.band IN ('red', 'green')
)"""


def challenge_ctes() -> str:
    """CTEs ending in `st_challenge` (account_id, challenge, low/recovery kinds, dates and values)."""
    return """st_lows AS (
  SELECT account_id, ts, 1 AS kind_ord, 'disappointment' AS kind, CAST(NULL AS DOUBLE) AS value
  FROM st_events WHERE stage = $disappointment
  UNION ALL SELECT account_id, ts, 2, 'nps', score FROM st_nps WHERE ts IS NOT NULL AND score <= 6
  UNION ALL SELECT account_id, ts, 3, 'csat', score FROM st_csat_low
  UNION ALL SELECT account_id, ts, 4, 'red', composite FROM st_composites WHERE band = 'red'
),
st_recoveries AS (
  SELECT account_id, ts, 1 AS kind_ord, 'stage' AS kind, stage AS label, CAST(NULL AS DOUBLE) AS value
  FROM st_events WHERE list_contains($recovery_stages, stage)
  UNION ALL SELECT account_id, ts, 2, 'nps', NULL, score FROM st_nps WHERE ts IS NOT NULL AND score >= 9
  UNION ALL SELECT account_id, ts, 3, 'green', NULL, composite FROM st_composites WHERE band = 'green'
),
st_overcome AS (
  SELECT l.account_id, l.kind AS low_kind, l.ts AS low_ts, l.value AS low_value,
         r.kind AS recovery_kind, r.label AS recovery_label, r.ts AS recovery_ts, r.value AS recovery_value
  FROM st_lows AS l
  JOIN st_recoveries AS r ON r.account_id = l.account_id AND CAST(r.ts AS DATE) > CAST(l.ts AS DATE)
  QUALIFY row_number() OVER (PARTITION BY l.account_id
                             ORDER BY l.ts DESC, l.kind_ord, r.ts, r.kind_ord) = 1
),
st_intent AS (
  SELECT a.account_id, a.intent
  FROM acct AS a JOIN st_eligible USING (account_id)
  WHERE NULLIF(trim(a.intent), '') IS NOT NULL
    AND EXISTS (SELECT 1 FROM unnest($intent_keywords) AS k(word)
                WHERE contains(strip_accents(lower(a.intent)), k.word))
),
st_challenge AS (
  SELECT e.account_id,
         CASE WHEN o.account_id IS NOT NULL THEN 1.0 WHEN i.account_id IS NOT NULL THEN 0.5 ELSE 0.0 END
           AS challenge,
         o.low_kind, o.low_ts, o.low_value, o.recovery_kind, o.recovery_label, o.recovery_ts, o.recovery_value,
         i.intent AS intent_text
  FROM st_eligible AS e
  LEFT JOIN st_overcome AS o USING (account_id)
  LEFT JOIN st_intent AS i USING (account_id)
)"""


def timing_ctes() -> str:
    """CTEs ending in `st_timing` (account_id, decision_ts, usage_ts, days_to_value, timing, peers)."""
    return """st_decision AS (
  SELECT account_id, min(ts) AS decision_ts FROM st_events WHERE stage = $decision GROUP BY account_id
),
st_usage AS (
  SELECT d.account_id, min(e.ts) AS usage_ts
  FROM st_decision AS d JOIN st_events AS e ON e.account_id = d.account_id AND e.stage = $usage
   AND e.ts >= d.decision_ts
  GROUP BY d.account_id
),
st_days AS (
  SELECT e.account_id, e.segment, d.decision_ts, u.usage_ts,
         date_diff('day', CAST(d.decision_ts AS DATE), CAST(u.usage_ts AS DATE)) AS days_to_value
  FROM st_eligible AS e
  LEFT JOIN st_decision AS d USING (account_id)
  LEFT JOIN st_usage AS u USING (account_id)
),
st_ranks AS (
  SELECT account_id,
         1 - percent_rank() OVER (PARTITION BY segment ORDER BY days_to_value) AS timing,
         count(*) OVER (PARTITION BY segment) AS peers
  FROM st_days WHERE days_to_value IS NOT NULL
),
st_timing AS (
  SELECT d.account_id, d.segment, d.decision_ts, d.usage_ts, d.days_to_value,
         coalesce(r.timing, 0.0) AS timing, r.peers
  FROM st_days AS d LEFT JOIN st_ranks AS r USING (account_id)
)"""


def celebration_ctes() -> str:
    """CTEs ending in `st_celebration` (the three parts, their evidence and W) and `st_quote`."""
    return """st_latest_nps AS (
  SELECT account_id, score AS nps_score, ts AS nps_ts, leader AS nps_leader, role_value AS nps_role
  FROM st_nps
  QUALIFY row_number() OVER (PARTITION BY account_id
                             ORDER BY leader DESC, ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1
),
st_advocacy AS (
  SELECT account_id, min(ts) AS advocacy_ts FROM st_events WHERE stage = $advocacy GROUP BY account_id
),
st_celebration AS (
  SELECT e.account_id, a.outcome AS outcome_value,
         coalesce(a.outcome >= $outcome_threshold, false) AS outcome_achieved,
         n.nps_score, n.nps_ts, n.nps_leader, n.nps_role,
         coalesce(n.nps_score >= 9, false) AS nps_promoter,
         v.advocacy_ts, v.advocacy_ts IS NOT NULL OR e.stage = $advocacy AS reached_advocacy,
         (CAST(coalesce(a.outcome >= $outcome_threshold, false) AS DOUBLE)
          + CAST(coalesce(n.nps_score >= 9, false) AS DOUBLE)
          + CAST(v.advocacy_ts IS NOT NULL OR coalesce(e.stage = $advocacy, false) AS DOUBLE)) / 3.0 AS celebration
  FROM st_eligible AS e
  LEFT JOIN acct AS a USING (account_id)
  LEFT JOIN st_latest_nps AS n USING (account_id)
  LEFT JOIN st_advocacy AS v USING (account_id)
),
st_quote AS (
  SELECT account_id, comment AS quote, score AS quote_score, ts AS quote_ts
  FROM st_nps WHERE score >= 9 AND comment IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY account_id
                             ORDER BY length(comment) DESC, ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1
)"""


def reference_ctes() -> str:
    """CTE `st_reference`: each eligible account's latest done reference activity in the last $reference_days."""
    return f"""st_reference AS (
  SELECT x.account_id, max(x.ts) AS reference_ts
  FROM {_Q(canonical.ACTIVITIES)} AS x JOIN st_eligible USING (account_id)
  WHERE x.activity_type = 'reference' AND x.done AND x.ts IS NOT NULL
    AND CAST(x.ts AS DATE) >= CAST($as_of AS DATE) - CAST($reference_days AS INTEGER)
    AND x.ts <= CAST($as_of AS TIMESTAMP)
  GROUP BY x.account_id
)"""


def stories_cte() -> str:
    """CTE `st_stories`: one row per eligible account with its parts, score and evidence values."""
    return """st_stories AS (
  SELECT e.account_id, a.name, e.segment, e.stage,
         100 * ($w_challenge * c.challenge + $w_timing * t.timing + $w_celebration * w.celebration)
           / ($w_challenge + $w_timing + $w_celebration) AS score,
         c.challenge, t.timing, w.celebration, t.days_to_value, t.decision_ts, t.usage_ts, t.peers,
         c.low_kind, c.low_ts, c.low_value, c.recovery_kind, c.recovery_label, c.recovery_ts, c.recovery_value,
         c.intent_text,
         w.outcome_value, w.outcome_achieved, w.nps_score, w.nps_ts, w.nps_leader, w.nps_role, w.nps_promoter,
         w.advocacy_ts, w.reached_advocacy,
         q.quote, q.quote_score, q.quote_ts,
         r.reference_ts IS NOT NULL AS recent_reference, r.reference_ts
  FROM st_eligible AS e
  LEFT JOIN acct AS a USING (account_id)
  JOIN st_challenge AS c USING (account_id)
  JOIN st_timing AS t USING (account_id)
  JOIN st_celebration AS w USING (account_id)
  LEFT JOIN st_quote AS q USING (account_id)
  LEFT JOIN st_reference AS r USING (account_id)
)"""


__all__ = ["celebration_ctes", "challenge_ctes", "eligible_ctes", "inputs_ctes", "reference_ctes", "stories_cte",
           "timing_ctes"]
