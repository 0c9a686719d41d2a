-- cxlib.outcome_history.churn_after(con, OutcomeSpec(), 'FY2025 Q4', settings, by='tier', segment='Enterprise')
-- snapshot outcome_history_churn_after_fy2025_q4_enterprise: 6 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/6]
SELECT dated, named FROM "_cx_dates"
;

-- [2/6]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [3/6]
WITH
acct AS (
SELECT account_id, name, stage, arr, renewal_date, '(none)' AS segment
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
measure_answers AS (
SELECT account_id, ts, source_row, score
FROM "surveys"
WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score) AND score BETWEEN 1 AND 5 AND score = floor(score)
AND upper(trim(survey_type)) = $o_survey_type
AND (ts IS NULL OR ts <= $o_as_of)
),
dated_answers AS (
SELECT * FROM measure_answers WHERE ts IS NOT NULL
),
bounds AS (
SELECT (date_trunc($period_unit, CAST(min(ts) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS first_start,
(date_trunc($period_unit, CAST(CAST($o_as_of AS TIMESTAMP) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS last_start
FROM dated_answers
),
quarter_list AS (
SELECT unnest(generate_series(coalesce(first_start, last_start), last_start, INTERVAL 3 MONTH))
AS quarter_start
FROM bounds
),
quarter_ends AS (
SELECT quarter_start, 'FY' || CAST(year(quarter_start - to_months($fy_shift)) + CASE WHEN $fy_shift > 0 THEN 1 ELSE 0 END AS VARCHAR) || ' Q' || CAST(quarter(quarter_start - to_months($fy_shift)) AS VARCHAR) AS quarter,
quarter_start + INTERVAL 3 MONTH AS next_start,
quarter_start + INTERVAL 3 MONTH > $o_as_of AS partial,
CASE WHEN quarter_start + INTERVAL 3 MONTH > $o_as_of THEN CAST($o_as_of AS DATE)
ELSE CAST(quarter_start + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) END AS at_day
FROM quarter_list
),
latest_at AS (
SELECT qe.quarter_start, a.account_id, a.score, a.ts AS measured_at,
date_diff('day', CAST(a.ts AS DATE), qe.at_day) AS age_days
FROM quarter_ends AS qe
JOIN dated_answers AS a ON a.ts < qe.next_start
QUALIFY row_number() OVER (PARTITION BY qe.quarter_start, a.account_id
ORDER BY a.ts DESC, a.source_row DESC NULLS LAST) = 1
),
outcome AS (
SELECT account_id, outcome AS outcome_value
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
universe AS (
SELECT account_id FROM outcome
UNION
SELECT account_id FROM measure_answers
),
measured_at_end AS (
SELECT qe.quarter_start, qe.quarter, qe.partial, qe.at_day, u.account_id,
coalesce(a.segment, '(none)') AS segment, a.arr,
o.outcome_value,
CASE WHEN l.age_days <= $o_stale_days THEN l.score END AS experience_value,
l.measured_at, l.age_days
FROM quarter_ends AS qe
CROSS JOIN universe AS u
LEFT JOIN outcome AS o ON o.account_id = u.account_id
LEFT JOIN latest_at AS l ON l.quarter_start = qe.quarter_start AND l.account_id = u.account_id
LEFT JOIN acct AS a ON a.account_id = u.account_id
),
quadrants_at AS (
SELECT *, CASE WHEN outcome_value IS NULL OR isnan(outcome_value)
OR experience_value IS NULL OR isnan(experience_value) THEN 'unknown'
WHEN outcome_value >= $o_outcome_threshold
AND experience_value >= $o_experience_threshold THEN 'successful'
WHEN outcome_value >= $o_outcome_threshold THEN 'outcome without the right experience'
WHEN experience_value >= $o_experience_threshold THEN 'good experience without the outcome'
ELSE 'neither' END AS quadrant
FROM measured_at_end
)
SELECT quarter_start, quarter, at_day, partial,
next_start + to_months($o_churn_months) AS churn_window_end,
NOT partial AND next_start + to_months($o_churn_months) <= $o_as_of AS churn_window_complete
FROM quarter_ends
ORDER BY quarter_start
;
-- params:
--   $fy_shift = 0
--   $o_as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $o_churn_months = 6
--   $o_experience_threshold = 4.0
--   $o_outcome_threshold = 0.5
--   $o_stale_days = 180
--   $o_survey_type = 'CSAT'
--   $period_unit = 'quarter'

-- [4/6]
SELECT * FROM "accounts" LIMIT 0
;

-- [5/6]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [6/6]
WITH
acct AS (
SELECT account_id, name, stage, arr, renewal_date, COALESCE(NULLIF(trim(CAST("tier" AS VARCHAR)), ''), '(none)') AS segment
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
measure_answers AS (
SELECT account_id, ts, source_row, score
FROM "surveys"
WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score) AND score BETWEEN 1 AND 5 AND score = floor(score)
AND upper(trim(survey_type)) = $o_survey_type
AND (ts IS NULL OR ts <= $o_as_of)
),
dated_answers AS (
SELECT * FROM measure_answers WHERE ts IS NOT NULL
),
bounds AS (
SELECT (date_trunc($period_unit, CAST(min(ts) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS first_start,
(date_trunc($period_unit, CAST(CAST($o_as_of AS TIMESTAMP) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS last_start
FROM dated_answers
),
quarter_list AS (
SELECT unnest(generate_series(coalesce(first_start, last_start), last_start, INTERVAL 3 MONTH))
AS quarter_start
FROM bounds
),
quarter_ends AS (
SELECT quarter_start, 'FY' || CAST(year(quarter_start - to_months($fy_shift)) + CASE WHEN $fy_shift > 0 THEN 1 ELSE 0 END AS VARCHAR) || ' Q' || CAST(quarter(quarter_start - to_months($fy_shift)) AS VARCHAR) AS quarter,
quarter_start + INTERVAL 3 MONTH AS next_start,
quarter_start + INTERVAL 3 MONTH > $o_as_of AS partial,
CASE WHEN quarter_start + INTERVAL 3 MONTH > $o_as_of THEN CAST($o_as_of AS DATE)
ELSE CAST(quarter_start + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) END AS at_day
FROM quarter_list
),
latest_at AS (
SELECT qe.quarter_start, a.account_id, a.score, a.ts AS measured_at,
date_diff('day', CAST(a.ts AS DATE), qe.at_day) AS age_days
FROM quarter_ends AS qe
JOIN dated_answers AS a ON a.ts < qe.next_start
QUALIFY row_number() OVER (PARTITION BY qe.quarter_start, a.account_id
ORDER BY a.ts DESC, a.source_row DESC NULLS LAST) = 1
),
outcome AS (
SELECT account_id, outcome AS outcome_value
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
universe AS (
SELECT account_id FROM outcome
UNION
SELECT account_id FROM measure_answers
),
measured_at_end AS (
SELECT qe.quarter_start, qe.quarter, qe.partial, qe.at_day, u.account_id,
coalesce(a.segment, '(none)') AS segment, a.arr,
o.outcome_value,
CASE WHEN l.age_days <= $o_stale_days THEN l.score END AS experience_value,
l.measured_at, l.age_days
FROM quarter_ends AS qe
CROSS JOIN universe AS u
LEFT JOIN outcome AS o ON o.account_id = u.account_id
LEFT JOIN latest_at AS l ON l.quarter_start = qe.quarter_start AND l.account_id = u.account_id
LEFT JOIN acct AS a ON a.account_id = u.account_id
),
quadrants_at AS (
SELECT *, CASE WHEN outcome_value IS NULL OR isnan(outcome_value)
OR experience_value IS NULL OR isnan(experience_value) THEN 'unknown'
WHEN outcome_value >= $o_outcome_threshold
AND experience_value >= $o_experience_threshold THEN 'successful'
WHEN outcome_value >= $o_outcome_threshold THEN 'outcome without the right experience'
WHEN experience_value >= $o_experience_threshold THEN 'good experience without the outcome'
ELSE 'neither' END AS quadrant
FROM measured_at_end
),
ev AS (
SELECT e.account_id, e.ts,
CASE WHEN list_contains($customer_stages, e.stage) THEN 0
WHEN e.stage = $churn_stage THEN 1 END AS kind
FROM "journey_events" e
WHERE e.account_id IS NOT NULL AND e.ts IS NOT NULL AND e.ts <= CAST($as_of AS TIMESTAMP)
),
marked AS (
SELECT account_id, ts, kind,
lag(kind) OVER (PARTITION BY account_id ORDER BY ts, kind) AS prev_kind
FROM ev WHERE kind IS NOT NULL
),
transitions AS (
SELECT account_id, ts, kind FROM marked
WHERE (kind = 0 AND prev_kind IS DISTINCT FROM 0) OR (kind = 1 AND prev_kind = 0)
),
spells AS (
SELECT account_id, ts AS spell_start,
lead(ts) OVER (PARTITION BY account_id ORDER BY ts, kind) AS spell_end
FROM transitions
QUALIFY kind = 0
),
chosen AS (
SELECT quarter_start, next_start, next_start + to_months($o_churn_months) AS window_end
FROM quarter_ends
WHERE quarter_start = $o_quarter_start
),
customers_at_end AS (
SELECT s.account_id, coalesce(qa.quadrant, 'unknown') AS quadrant,
s.spell_end IS NOT NULL AND s.spell_end < c.window_end AS churned,
CASE WHEN s.spell_end < c.window_end THEN s.spell_end END AS churn_ts
FROM chosen AS c
JOIN spells AS s ON s.spell_start < c.next_start AND (s.spell_end IS NULL OR s.spell_end >= c.next_start)
LEFT JOIN quadrants_at AS qa ON qa.quarter_start = c.quarter_start AND qa.account_id = s.account_id
LEFT JOIN acct AS sa ON sa.account_id = s.account_id
WHERE coalesce(sa.segment, '(none)') = $o_segment
),
quadrant_list AS (SELECT * FROM (VALUES ('successful', 0), ('outcome without the right experience', 1), ('good experience without the outcome', 2), ('neither', 3), ('unknown', 4)) AS v(quadrant, ord))
SELECT ql.quadrant, count(c.account_id) AS accounts, count(c.account_id) FILTER (WHERE c.churned) AS churned
FROM quadrant_list AS ql
LEFT JOIN customers_at_end AS c ON c.quadrant = ql.quadrant
GROUP BY ql.quadrant, ql.ord
ORDER BY ql.ord
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $fy_shift = 0
--   $o_as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $o_churn_months = 6
--   $o_experience_threshold = 4.0
--   $o_outcome_threshold = 0.5
--   $o_quarter_start = TIMESTAMP '2025-10-01 00:00:00'
--   $o_segment = 'Enterprise'
--   $o_stale_days = 180
--   $o_survey_type = 'CSAT'
--   $period_unit = 'quarter'
