-- cxlib.surveys.nps(con, settings=settings, period='quarter')
-- snapshot surveys_nps_by_quarter: 3 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/3]
SELECT dated, named FROM "_cx_dates"
;

-- [2/3]
WITH typed AS (SELECT s.account_id, s.ts, s.source_row, s.score, (date_trunc($period_unit, CAST(s.ts AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS period_start FROM "surveys" s  WHERE upper(trim(s.survey_type)) = $survey_type AND s.score IS NOT NULL AND s.ts IS NOT NULL AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))),
checked AS (SELECT *, coalesce(score BETWEEN 0 AND 10 AND score = floor(score), false) AS s_valid FROM typed),
flagged AS (SELECT *, s_valid AND (NOT $account_level OR (account_id IS NOT NULL AND row_number() OVER (PARTITION BY s_valid, account_id, period_start ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1)) AS counts FROM checked)
SELECT period_start, count(*) FILTER (WHERE counts) AS n, count(*) FILTER (WHERE counts AND score >= 9) AS promoters, count(*) FILTER (WHERE counts AND score BETWEEN 7 AND 8) AS passives, count(*) FILTER (WHERE counts AND score <= 6) AS detractors, count(*) FILTER (WHERE NOT s_valid) AS rejected FROM flagged GROUP BY period_start ORDER BY period_start
;
-- params:
--   $account_level = false
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $fy_shift = 0
--   $period_unit = 'quarter'
--   $survey_type = 'NPS'

-- [3/3]
SELECT count(*) FROM "surveys" WHERE ts IS NULL AND upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'NPS'
