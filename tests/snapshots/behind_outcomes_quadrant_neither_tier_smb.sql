-- cxlib.behind.quadrant_accounts(con, OutcomeSpec(), ws.score_config, 'neither', 'tier', 'SMB', settings)
-- snapshot behind_outcomes_quadrant_neither_tier_smb: 6 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/6]
SELECT * FROM "accounts" LIMIT 0
;

-- [2/6]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [3/6]
SELECT dated, named FROM "_cx_dates"
;

-- [4/6]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [5/6]
SELECT * FROM "accounts" LIMIT 0
;

-- [6/6]
WITH behind_values AS (
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
),
acct AS (
SELECT account_id, name, stage, arr, renewal_date, COALESCE(NULLIF(trim(CAST("tier" AS VARCHAR)), ''), '(none)') AS segment
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
)
SELECT qd.account_id, qd.experience_value AS value, qd.outcome_value
FROM quadrants AS qd
LEFT JOIN acct AS a USING (account_id)
WHERE qd.quadrant = $behind_quadrant AND coalesce(a.segment, '(none)') = $behind_segment),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", COALESCE(NULLIF(trim(CAST(acct."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS "qbr_last_100_days", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $behind_quadrant = 'neither'
--   $behind_segment = 'SMB'
--   $o_as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $o_experience_threshold = 4.0
--   $o_outcome_threshold = 0.5
--   $o_survey_type = 'CSAT'
