-- cxlib.surveys.nps(con, by='tier', level='account', settings=settings)
-- snapshot surveys_nps_account_by_tier: 7 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/7]
SELECT count(*), count(account_id) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'NPS'

-- [2/7]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT name FROM relations
;

-- [3/7]
SELECT table_name, source FROM "_cx_tables" WHERE source IN (SELECT DISTINCT source FROM "_cx_surveys_rows") ORDER BY idx
;

-- [4/7]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'surveys_2'

-- [5/7]
SELECT * FROM "accounts" LIMIT 0
;

-- [6/7]
SELECT dated, named FROM "_cx_dates"
;

-- [7/7]
WITH by_accounts AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
typed AS (SELECT s.account_id, s.ts, s.source_row, s.score, COALESCE(NULLIF(trim(CAST(by_accounts."tier" AS VARCHAR)), ''), '(none)') AS segment FROM "surveys" s LEFT JOIN by_accounts ON by_accounts.account_id = s.account_id WHERE upper(trim(s.survey_type)) = $survey_type AND s.score IS NOT NULL  AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))),
checked AS (SELECT *, coalesce(score BETWEEN 0 AND 10 AND score = floor(score), false) AS s_valid FROM typed),
flagged AS (SELECT *, s_valid AND (NOT $account_level OR (account_id IS NOT NULL AND row_number() OVER (PARTITION BY s_valid, account_id, segment ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1)) AS counts FROM checked)
SELECT segment, count(*) FILTER (WHERE counts) AS n, count(*) FILTER (WHERE counts AND score >= 9) AS promoters, count(*) FILTER (WHERE counts AND score BETWEEN 7 AND 8) AS passives, count(*) FILTER (WHERE counts AND score <= 6) AS detractors, count(*) FILTER (WHERE NOT s_valid) AS rejected FROM flagged GROUP BY segment ORDER BY segment = '(none)', segment
;
-- params:
--   $account_level = true
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $survey_type = 'NPS'
