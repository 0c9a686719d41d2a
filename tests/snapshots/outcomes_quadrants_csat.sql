-- cxlib.outcomes.outcome_quadrants(con, OutcomeSpec(), ws.score_config, settings)
-- snapshot outcomes_quadrants_csat: 3 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/3]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [2/3]
SELECT dated, named FROM "_cx_dates"
;

-- [3/3]
WITH
experience AS (
SELECT account_id, score AS experience_value
FROM "surveys"
WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score) AND score BETWEEN 1 AND 5 AND score = floor(score)
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
)
SELECT account_id, outcome_value, experience_value, quadrant
FROM quadrants
ORDER BY account_id
;
-- params:
--   $o_as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $o_experience_threshold = 4.0
--   $o_outcome_threshold = 0.5
--   $o_survey_type = 'CSAT'
