-- cxlib.outcomes.quadrant_summary(con, OutcomeSpec(experience='nps'), ws.score_config, by='tier', settings)
-- snapshot outcomes_summary_nps_by_tier: 3 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/3]
SELECT * FROM "accounts" LIMIT 0
;

-- [2/3]
SELECT dated, named FROM "_cx_dates"
;

-- [3/3]
WITH
experience AS (
SELECT account_id, score AS experience_value
FROM "surveys"
WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score) AND score BETWEEN 0 AND 10 AND score = floor(score)
AND upper(trim(survey_type)) = $o_survey_type
AND (CAST($o_as_of AS TIMESTAMP) IS NULL OR ts IS NULL OR ts <= $o_as_of)
QUALIFY row_number() OVER (
PARTITION BY account_id ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1
),
outcome AS (
SELECT account_id, outcome AS outcome_value
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
measured AS (
SELECT coalesce(o.account_id, e.account_id) AS account_id,
o.outcome_value, e.experience_value
FROM outcome AS o
FULL JOIN experience AS e ON e.account_id = o.account_id
),
quadrants AS (
SELECT account_id, outcome_value, experience_value,
CASE WHEN outcome_value IS NULL OR isnan(outcome_value)
OR experience_value IS NULL OR isnan(experience_value) THEN 'unknown'
WHEN outcome_value >= $o_outcome_threshold
AND experience_value >= $o_experience_threshold THEN 'successful'
WHEN outcome_value >= $o_outcome_threshold THEN 'outcome without the right experience'
WHEN experience_value >= $o_experience_threshold THEN 'good experience without the outcome'
ELSE 'neither' END AS quadrant
FROM measured
),
acct AS (
SELECT account_id, name, stage, arr, renewal_date, COALESCE(NULLIF(trim(CAST("tier" AS VARCHAR)), ''), '(none)') AS segment
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
quadrant_list AS (SELECT * FROM (VALUES ('successful', 0), ('outcome without the right experience', 1), ('good experience without the outcome', 2), ('neither', 3), ('unknown', 4)) AS v(quadrant, ord)),
members AS (
SELECT qd.quadrant, coalesce(a.segment, '(none)') AS segment, a.arr
FROM quadrants AS qd
LEFT JOIN acct AS a USING (account_id)
),
grid AS (
SELECT s.segment, ql.quadrant, ql.ord
FROM (SELECT DISTINCT segment FROM members) AS s
CROSS JOIN quadrant_list AS ql
),
counts AS (
SELECT g.segment, g.quadrant, g.ord,
count(m.quadrant) AS accounts,
coalesce(sum(m.arr), 0.0) AS arr
FROM grid AS g
LEFT JOIN members AS m ON m.segment = g.segment AND m.quadrant = g.quadrant
GROUP BY g.segment, g.quadrant, g.ord
)
SELECT segment, quadrant, accounts,
CASE WHEN quadrant <> 'unknown' THEN accounts / NULLIF(
sum(accounts) FILTER (WHERE quadrant <> 'unknown') OVER (PARTITION BY segment), 0) END AS share,
arr,
CASE WHEN quadrant <> 'unknown' THEN arr / NULLIF(
sum(arr) FILTER (WHERE quadrant <> 'unknown') OVER (PARTITION BY segment), 0) END AS arr_share
FROM counts
ORDER BY segment = '(none)', segment, ord
;
-- params:
--   $o_as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $o_experience_threshold = 7.0
--   $o_outcome_threshold = 0.5
--   $o_survey_type = 'NPS'
