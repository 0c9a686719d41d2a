-- cxlib.journey.emotion_curve(con, settings, segment=('tier', 'SMB'))
-- snapshot journey_emotion_curve_tier_smb: 8 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/8]
SELECT * FROM "accounts" LIMIT 0
;

-- [2/8]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [3/8]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [4/8]
SELECT epoch_us(t_min), epoch_us(t_max) FROM "_journey_span"
;

-- [5/8]
SELECT dated, named FROM "_cx_dates"
;

-- [6/8]
SELECT * FROM "accounts" LIMIT 0
;

-- [7/8]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [8/8]
WITH
entries AS (
SELECT e.account_key, e.ts, $remap[e.stage_code] AS code
FROM "_journey_layout" AS e
WHERE (CAST($as_of AS TIMESTAMP) IS NULL OR e.ts <= CAST($as_of AS TIMESTAMP))
AND e.account_key IN (SELECT seg_keys.account_key FROM "_account_keys" AS seg_keys WHERE true AND seg_keys.account_id IN (SELECT seg.account_id FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS seg WHERE COALESCE(NULLIF(trim(CAST(seg."tier" AS VARCHAR)), ''), '(none)') = trim(CAST($segment_value AS VARCHAR))))
),
standing AS (
-- where each account stands from each instant on: the last of that instant's entries
SELECT account_key, ts, max(code) AS code
FROM entries
GROUP BY account_key, ts
),
answers AS (
-- an answer's account key (NULL when the account has no journey entries)
SELECT k.account_key, s.ts, s.score, upper(trim(s.survey_type)) AS kind,
list_position($stage_names, s.stage) AS named_code
FROM "surveys" AS s
LEFT JOIN "_account_keys" AS k ON k.account_id = s.account_id
WHERE s.score IS NOT NULL AND s.account_id IS NOT NULL
AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))
AND s.account_id IN (SELECT seg.account_id FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS seg WHERE COALESCE(NULLIF(trim(CAST(seg."tier" AS VARCHAR)), ''), '(none)') = trim(CAST($segment_value AS VARCHAR)))
),
placed AS (
SELECT coalesce(a.named_code, st.code) AS code, a.kind, a.score
FROM answers AS a
ASOF LEFT JOIN standing AS st ON a.account_key = st.account_key AND a.ts >= st.ts
),
scores AS (
SELECT code,
count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 0 AND 10 AND score = floor(score)) AS nps_n,
count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 0 AND 10 AND score = floor(score) AND score >= 9) AS promoters,
count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 0 AND 10 AND score = floor(score) AND score <= 6) AS detractors,
count(*) FILTER (WHERE kind = 'CSAT' AND score BETWEEN 1 AND 5 AND score = floor(score)) AS csat_n,
count(*) FILTER (WHERE kind = 'CSAT' AND score BETWEEN 1 AND 5 AND score = floor(score)
AND score >= 4) AS satisfied
FROM placed
WHERE code IS NOT NULL
GROUP BY code
),
reached AS (
SELECT code, count(DISTINCT account_key) AS accounts_reached
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
--   $remap = [7, 1, 9, 2, 3, 4, 8, 10, 6, 5]
--   $segment_value = 'SMB'
--   $stage_names = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
