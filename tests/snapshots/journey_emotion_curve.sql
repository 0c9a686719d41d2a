-- cxlib.journey.emotion_curve(con, settings)
-- snapshot journey_emotion_curve: 6 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/6]
SELECT list(DISTINCT stage) FILTER (WHERE stage IS NOT NULL), epoch_us(min(ts)), epoch_us(max(ts)) FROM "journey_events"
;

-- [2/6]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [3/6]
WITH stamps AS (SELECT max("ts") AS ts FROM "journey_events" UNION ALL SELECT max("as_of") AS ts FROM "stage_snapshots" UNION ALL SELECT max("ts") AS ts FROM "surveys" UNION ALL SELECT max("ts") AS ts FROM "factor_ratings") SELECT max(ts) FROM stamps
;

-- [4/6]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [5/6]
SELECT DISTINCT source FROM "accounts" WHERE source IS NOT NULL
;

-- [6/6]
WITH entries AS (
SELECT e.account_id, e.ts, list_position($codes, e.stage) AS code
FROM "journey_events" AS e
WHERE e.account_id IS NOT NULL AND e.stage IS NOT NULL AND e.ts IS NOT NULL
AND (CAST($as_of AS TIMESTAMP) IS NULL OR e.ts <= CAST($as_of AS TIMESTAMP))
),
standing AS (
-- where each account stands from each instant on: the last of that instant's entries
SELECT account_id, ts, max(code) AS code
FROM entries
GROUP BY account_id, ts
),
answers AS (
SELECT s.account_id, s.ts, s.score, upper(trim(s.survey_type)) AS kind,
list_position($stage_names, s.stage) AS named_code
FROM "surveys" AS s
WHERE s.score IS NOT NULL AND s.account_id IS NOT NULL
AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))
),
placed AS (
SELECT coalesce(a.named_code, st.code) AS code, a.kind, a.score
FROM answers AS a
ASOF LEFT JOIN standing AS st ON a.account_id = st.account_id AND a.ts >= st.ts
),
scores AS (
SELECT code,
count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 0 AND 10) AS nps_n,
count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 9 AND 10) AS promoters,
count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 0 AND 6) AS detractors,
count(*) FILTER (WHERE kind = 'CSAT' AND score BETWEEN 1 AND 5) AS csat_n,
count(*) FILTER (WHERE kind = 'CSAT' AND score BETWEEN 4 AND 5) AS satisfied
FROM placed
WHERE code IS NOT NULL
GROUP BY code
),
reached AS (
SELECT code, count(DISTINCT account_id) AS accounts_reached
FROM entries
GROUP BY code
),
axis AS (
SELECT code, $codes[code] AS stage
FROM range(1, len($codes) + 1) AS r(code)
),
curve AS (
SELECT axis.stage, axis.code AS stage_order,
coalesce(r.accounts_reached, 0) AS accounts_reached,
100.0 * (sc.promoters - sc.detractors) / nullif(sc.nps_n, 0) AS nps,
coalesce(sc.nps_n, 0) AS nps_n,
sc.satisfied / nullif(sc.csat_n, 0) AS csat,
coalesce(sc.csat_n, 0) AS csat_n
FROM axis
LEFT JOIN reached AS r USING (code)
LEFT JOIN scores AS sc USING (code)
)
SELECT stage, stage_order::BIGINT AS stage_order, accounts_reached::BIGINT AS accounts_reached,
nps::DOUBLE AS nps, nps_n::BIGINT AS nps_n, csat::DOUBLE AS csat, csat_n::BIGINT AS csat_n,
(nps_n BETWEEN 1 AND $min_n - 1 OR csat_n BETWEEN 1 AND $min_n - 1
OR (nps_n = 0 AND csat_n = 0)) AS low_n,
nps_n < $min_n AS nps_low_n,
csat_n < $min_n AS csat_low_n
FROM curve
WHERE list_contains($configured, stage) OR accounts_reached > 0 OR nps_n > 0 OR csat_n > 0
ORDER BY stage_order
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $codes = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
--   $configured = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn']
--   $min_n = 30
--   $stage_names = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
