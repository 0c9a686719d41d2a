-- cxlib.behind.nps_accounts(con, 'detractors', settings=settings)
-- snapshot behind_nps_account_detractors: 4 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/4]
SELECT dated, named FROM "_cx_dates"
;

-- [2/4]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [3/4]
SELECT * FROM "accounts" LIMIT 0
;

-- [4/4]
WITH behind_values AS (WITH typed AS (SELECT s.account_id, s.ts, s.source_row, s.score FROM "surveys" s  WHERE upper(trim(s.survey_type)) = $survey_type AND s.score IS NOT NULL  AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))),
checked AS (SELECT *, coalesce(score BETWEEN 0 AND 10 AND score = floor(score), false) AS s_valid FROM typed),
flagged AS (SELECT *, s_valid AND (NOT $account_level OR (account_id IS NOT NULL AND row_number() OVER (PARTITION BY s_valid, account_id ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1)) AS counts FROM checked)
SELECT account_id, score AS value, ts AS answered_at
FROM flagged
WHERE counts AND score <= 6 ),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", COALESCE(NULLIF(trim(CAST(acct."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS "qbr_last_100_days", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $account_level = true
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $survey_type = 'NPS'
