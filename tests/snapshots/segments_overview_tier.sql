-- cxlib.segments.segment_overview(con, 'tier', settings)
-- snapshot segments_overview_tier: 22 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/22]
SELECT * FROM "accounts" LIMIT 0
;

-- [2/22]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS segment, count(*) AS accounts, sum(a.arr) AS arr
FROM acct a GROUP BY segment ORDER BY segment = '(none)', segment
;

-- [3/22]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT name FROM relations
;

-- [4/22]
SELECT table_name, source FROM "_cx_tables" WHERE source IN (SELECT DISTINCT source FROM "_cx_surveys_rows") ORDER BY idx
;

-- [5/22]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'surveys_2'

-- [6/22]
SELECT * FROM "accounts" LIMIT 0
;

-- [7/22]
SELECT dated, named FROM "_cx_dates"
;

-- [8/22]
WITH by_accounts AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
typed AS (SELECT s.account_id, s.ts, s.source_row, s.score, COALESCE(NULLIF(trim(CAST(by_accounts."tier" AS VARCHAR)), ''), '(none)') AS segment FROM "surveys" s LEFT JOIN by_accounts ON by_accounts.account_id = s.account_id WHERE upper(trim(s.survey_type)) = $survey_type AND s.score IS NOT NULL  AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))),
checked AS (SELECT *, coalesce(score BETWEEN 0 AND 10 AND score = floor(score), false) AS s_valid FROM typed),
flagged AS (SELECT *, s_valid AND (NOT $account_level OR (account_id IS NOT NULL AND row_number() OVER (PARTITION BY s_valid, account_id, segment ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1)) AS counts FROM checked)
SELECT segment, count(*) FILTER (WHERE counts) AS n, count(*) FILTER (WHERE counts AND score >= 9) AS promoters, count(*) FILTER (WHERE counts AND score BETWEEN 7 AND 8) AS passives, count(*) FILTER (WHERE counts AND score <= 6) AS detractors, count(*) FILTER (WHERE NOT s_valid) AS rejected FROM flagged GROUP BY segment ORDER BY segment = '(none)', segment
;
-- params:
--   $account_level = false
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $survey_type = 'NPS'

-- [9/22]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [10/22]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT name FROM relations
;

-- [11/22]
SELECT table_name, source FROM "_cx_tables" WHERE source IN (SELECT DISTINCT source FROM "_cx_surveys_rows") ORDER BY idx
;

-- [12/22]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'surveys_2'

-- [13/22]
SELECT * FROM "accounts" LIMIT 0
;

-- [14/22]
SELECT dated, named FROM "_cx_dates"
;

-- [15/22]
WITH by_accounts AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
typed AS (SELECT s.account_id, s.ts, s.source_row, s.score, COALESCE(NULLIF(trim(CAST(by_accounts."tier" AS VARCHAR)), ''), '(none)') AS segment FROM "surveys" s LEFT JOIN by_accounts ON by_accounts.account_id = s.account_id WHERE upper(trim(s.survey_type)) = $survey_type AND s.score IS NOT NULL  AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))),
checked AS (SELECT *, coalesce(score BETWEEN 1 AND 5 AND score = floor(score), false) AS s_valid FROM typed),
flagged AS (SELECT *, s_valid AND (NOT $account_level OR (account_id IS NOT NULL AND row_number() OVER (PARTITION BY s_valid, account_id, segment ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1)) AS counts FROM checked)
SELECT segment, count(*) FILTER (WHERE counts) AS n, count(*) FILTER (WHERE counts AND score >= 4) AS satisfied, count(*) FILTER (WHERE NOT s_valid) AS rejected FROM flagged GROUP BY segment ORDER BY segment = '(none)', segment
;
-- params:
--   $account_level = false
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $survey_type = 'CSAT'

-- [16/22]
SELECT EXISTS (SELECT 1 FROM "journey_events")
;

-- [17/22]
SELECT dated, named FROM "_cx_dates"
;

-- [18/22]
SELECT dated, named FROM "_cx_dates"
;

-- [19/22]
SELECT * FROM "accounts" LIMIT 0
;

-- [20/22]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
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
periods AS (SELECT CAST($start AS TIMESTAMP) AS period_start, coalesce(CAST($end AS TIMESTAMP), CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY) AS period_end),
panel AS (
SELECT p.period_start, p.period_end, s.account_id,
s.spell_end IS NOT NULL AND s.spell_end < p.period_end AS churned
FROM periods p
JOIN spells s ON s.spell_start < p.period_start AND (s.spell_end IS NULL OR s.spell_end >= p.period_start)
)
SELECT period_start, segment, count(*) AS active_start, count(*) FILTER (WHERE churned) AS churned,
sum(a.arr) AS arr_active_start, sum(a.arr) FILTER (WHERE churned) AS arr_churned,
bool_or(period_end > CAST($as_of AS TIMESTAMP)) AS partial
FROM (SELECT panel.*, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS segment, a.arr FROM panel LEFT JOIN acct a ON a.account_id = panel.account_id) a
GROUP BY period_start, segment
ORDER BY period_start, segment = '(none)', segment
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $end = NULL
--   $start = TIMESTAMP '2025-09-30 00:00:00'

-- [21/22]
SELECT * FROM "accounts" LIMIT 0
;

-- [22/22]
SELECT EXISTS (SELECT 1 FROM "accounts" WHERE churned IS NOT NULL)
;
