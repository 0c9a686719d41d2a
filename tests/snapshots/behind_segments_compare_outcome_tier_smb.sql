-- cxlib.behind.compare_accounts(con, 'tier', 'SMB', rate='outcome=1')
-- snapshot behind_segments_compare_outcome_tier_smb: 6 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/6]
SELECT * FROM "accounts" LIMIT 0
;

-- [2/6]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/6]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) SELECT DISTINCT trim(CAST("outcome" AS VARCHAR)) FROM acct WHERE "outcome" IS NOT NULL
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
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
valued AS (
SELECT a.account_id, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS segment, CASE WHEN a."outcome" IS NULL THEN NULL WHEN lower(trim(CAST(a."outcome" AS VARCHAR))) = lower(trim($value)) OR TRY_CAST(a."outcome" AS DOUBLE) = CAST($value_number AS DOUBLE) OR list_contains($same_meaning, trim(CAST(a."outcome" AS VARCHAR))) THEN 1.0 ELSE 0.0 END AS v
FROM acct a
),
known AS (SELECT * FROM valued WHERE v IS NOT NULL)
SELECT account_id, v AS value
FROM known
WHERE segment = $behind_segment),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", COALESCE(NULLIF(trim(CAST(acct."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS "qbr_last_100_days", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $behind_segment = 'SMB'
--   $same_meaning = []
--   $value = '1'
--   $value_number = 1.0
