-- cxlib.surveys.csat(con, settings=settings)
-- snapshot surveys_csat: 3 statements on the sample workspace, in the order sent to DuckDB
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
WITH typed AS (SELECT s.account_id, s.ts, s.source_row, s.score FROM "surveys" s  WHERE upper(trim(s.survey_type)) = $survey_type AND s.score IS NOT NULL  AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))),
checked AS (SELECT *, coalesce(score BETWEEN 1 AND 5 AND score = floor(score), false) AS s_valid FROM typed),
flagged AS (SELECT *, s_valid AND (NOT $account_level OR (account_id IS NOT NULL AND row_number() OVER (PARTITION BY s_valid, account_id ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1)) AS counts FROM checked)
SELECT count(*) FILTER (WHERE counts) AS n, count(*) FILTER (WHERE counts AND score >= 4) AS satisfied, count(*) FILTER (WHERE NOT s_valid) AS rejected FROM flagged
;
-- params:
--   $account_level = false
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $survey_type = 'CSAT'
