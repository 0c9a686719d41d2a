-- cxlib.drivers.drivers(con, Outcome('converted', 'Delivery'), settings, mapping=ws.mapping, score_config=ws.score_config)
-- snapshot drivers_converted_delivery: 19 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/19]
SELECT EXISTS (SELECT 1 FROM "journey_events")
;

-- [2/19]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [3/19]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [4/19]
SELECT dated, named FROM "_cx_dates"
;

-- [5/19]
SELECT codes, t_max FROM "_journey_span"
;

-- [6/19]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [7/19]
SELECT * FROM "accounts" LIMIT 0
;

-- [8/19]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [9/19]
WITH vals AS (
SELECT factor, score
FROM "factor_ratings"
WHERE factor IS NOT NULL AND score IS NOT NULL AND NOT isnan(score)
)
SELECT factor,
min(score) AS lo,
max(score) AS hi,
bool_and(score IN (0, 1)) AS binary,
bool_and(score = floor(score)) AS whole
FROM vals
GROUP BY factor
ORDER BY factor
;

-- [10/19]
SELECT dated, named FROM "_cx_dates"
;

-- [11/19]
SELECT EXISTS (SELECT 1 FROM "journey_events")
;

-- [12/19]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [13/19]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [14/19]
SELECT dated, named FROM "_cx_dates"
;

-- [15/19]
SELECT codes, t_max FROM "_journey_span"
;

-- [16/19]
WITH events AS NOT MATERIALIZED (
SELECT account_id, stage, ts FROM "journey_events"
WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
AND ts <= CAST($as_of AS TIMESTAMP)),
layout_events AS NOT MATERIALIZED (
SELECT account_key, stage_code, ts FROM "_journey_layout"
WHERE ts <= CAST($as_of AS TIMESTAMP)),
account_stats AS MATERIALIZED (SELECT account_key, CAST(firsts[$code_1] AS TIMESTAMP) AS m_1, CAST(firsts[$code_2] AS TIMESTAMP) AS m_2, CAST(firsts[$code_3] AS TIMESTAMP) AS m_3, CAST(firsts[$code_4] AS TIMESTAMP) AS m_4, CAST(firsts[$code_5] AS TIMESTAMP) AS m_5, CAST(firsts[$code_6] AS TIMESTAMP) AS m_6, CAST(firsts[$code_7] AS TIMESTAMP) AS m_7, CAST(firsts[$code_1] AS TIMESTAMP) AS r_min, greatest(CAST(lasts[$exit_code_1] AS TIMESTAMP), CAST(lasts[$exit_code_2] AS TIMESTAMP), CAST(lasts[$exit_code_3] AS TIMESTAMP)) AS last_exit FROM "_journey_accounts"),
coverage AS (
SELECT count(*) AS with_events,
count(*) FILTER (WHERE m_1 IS NULL) AS no_step1,
count(*) FILTER (WHERE m_1 IS NOT NULL AND r_min IS NULL) AS out_of_range
FROM account_stats),
fast_1 AS (
SELECT *, r_min AS t_1, false AS needs_lists, CAST(NULL AS TIMESTAMP) AS cut
FROM account_stats WHERE r_min IS NOT NULL),
fast_2 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_2 < t_1, false) AS needs_lists,
coalesce(cut, CASE WHEN m_2 >= t_1 AND NOT (true) THEN m_2 END) AS cut),
CASE WHEN m_2 >= t_1 AND true THEN m_2 END AS t_2
FROM fast_1),
fast_3 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_3 < t_2, false) AS needs_lists,
coalesce(cut, CASE WHEN m_3 >= t_2 AND NOT (true) THEN m_3 END) AS cut),
CASE WHEN m_3 >= t_2 AND true THEN m_3 END AS t_3
FROM fast_2),
fast_4 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_4 < t_3, false) AS needs_lists,
coalesce(cut, CASE WHEN m_4 >= t_3 AND NOT (true) THEN m_4 END) AS cut),
CASE WHEN m_4 >= t_3 AND true THEN m_4 END AS t_4
FROM fast_3),
fast_5 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_5 < t_4, false) AS needs_lists,
coalesce(cut, CASE WHEN m_5 >= t_4 AND NOT (true) THEN m_5 END) AS cut),
CASE WHEN m_5 >= t_4 AND true THEN m_5 END AS t_5
FROM fast_4),
fast_6 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_6 < t_5, false) AS needs_lists,
coalesce(cut, CASE WHEN m_6 >= t_5 AND NOT (true) THEN m_6 END) AS cut),
CASE WHEN m_6 >= t_5 AND true THEN m_6 END AS t_6
FROM fast_5),
fast_7 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_7 < t_6, false) AS needs_lists,
coalesce(cut, CASE WHEN m_7 >= t_6 AND NOT (true) THEN m_7 END) AS cut),
CASE WHEN m_7 >= t_6 AND true THEN m_7 END AS t_7
FROM fast_6),
fast AS MATERIALIZED (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit, needs_lists AS needs_lists
FROM fast_7),
slow_events AS (
SELECT * FROM layout_events
WHERE account_key IN (SELECT account_key FROM fast WHERE needs_lists)),
slow_lists AS (
SELECT *, list_distinct(list_filter(l_1, lambda x: true)) AS starts
FROM (SELECT account_key, list(ts) FILTER (WHERE stage_code = $code_1) AS l_1, list(ts) FILTER (WHERE stage_code = $code_2) AS l_2, list(ts) FILTER (WHERE stage_code = $code_3) AS l_3, list(ts) FILTER (WHERE stage_code = $code_4) AS l_4, list(ts) FILTER (WHERE stage_code = $code_5) AS l_5, list(ts) FILTER (WHERE stage_code = $code_6) AS l_6, list(ts) FILTER (WHERE stage_code = $code_7) AS l_7, max(ts) FILTER (WHERE stage_code IN ($exit_code_1, $exit_code_2, $exit_code_3)) AS last_exit FROM slow_events GROUP BY account_key)),
slow_1 AS (SELECT *, list_min(starts) AS t_1 FROM slow_lists WHERE len(starts) > 0),
slow_2 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_1 IS NOT NULL THEN nxt END AS t_2
FROM (SELECT *, list_min(list_filter(l_2, lambda x: x >= t_1)) AS nxt FROM slow_1)),
slow_3 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_2 IS NOT NULL THEN nxt END AS t_3
FROM (SELECT *, list_min(list_filter(l_3, lambda x: x >= t_2)) AS nxt FROM slow_2)),
slow_4 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_3 IS NOT NULL THEN nxt END AS t_4
FROM (SELECT *, list_min(list_filter(l_4, lambda x: x >= t_3)) AS nxt FROM slow_3)),
slow_5 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_4 IS NOT NULL THEN nxt END AS t_5
FROM (SELECT *, list_min(list_filter(l_5, lambda x: x >= t_4)) AS nxt FROM slow_4)),
slow_6 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_5 IS NOT NULL THEN nxt END AS t_6
FROM (SELECT *, list_min(list_filter(l_6, lambda x: x >= t_5)) AS nxt FROM slow_5)),
slow_7 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_6 IS NOT NULL THEN nxt END AS t_7
FROM (SELECT *, list_min(list_filter(l_7, lambda x: x >= t_6)) AS nxt FROM slow_6)),
slow AS (SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow_7),
journeys AS (
SELECT keys.account_id, placed.account_key, placed.reached, placed.t_1, placed.t_2, placed.t_3, placed.t_4, placed.t_5, placed.t_6, placed.t_7,
placed.last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) WHEN 5 THEN coalesce(last_exit >= t_5, false) WHEN 6 THEN coalesce(last_exit >= t_6, false) WHEN 7 THEN coalesce(last_exit >= t_7, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) + CAST(t_5 IS NOT NULL AS INTEGER) + CAST(t_6 IS NOT NULL AS INTEGER) + CAST(t_7 IS NOT NULL AS INTEGER) AS reached FROM (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM fast WHERE NOT needs_lists
UNION ALL
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow)) AS placed
JOIN "_account_keys" AS keys ON keys.account_key = placed.account_key),
driver_outcome AS (
SELECT account_id, CASE WHEN reached >= 4 THEN 1 ELSE 0 END AS y
FROM journeys WHERE reached >= 3),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
population AS (SELECT account_id, y FROM driver_outcome WHERE y IS NOT NULL),
factor_scores AS (
WITH
params AS (
SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
FROM (VALUES ($f0_key, $f0_name, $f0_ord, $f0_weight, $f0_target, $f0_zero, $f0_hundred, $f0_max_age), ($f1_key, $f1_name, $f1_ord, $f1_weight, $f1_target, $f1_zero, $f1_hundred, $f1_max_age), ($f2_key, $f2_name, $f2_ord, $f2_weight, $f2_target, $f2_zero, $f2_hundred, $f2_max_age), ($f3_key, $f3_name, $f3_ord, $f3_weight, $f3_target, $f3_zero, $f3_hundred, $f3_max_age), ($f4_key, $f4_name, $f4_ord, $f4_weight, $f4_target, $f4_zero, $f4_hundred, $f4_max_age), ($f5_key, $f5_name, $f5_ord, $f5_weight, $f5_target, $f5_zero, $f5_hundred, $f5_max_age), ($f6_key, $f6_name, $f6_ord, $f6_weight, $f6_target, $f6_zero, $f6_hundred, $f6_max_age), ($f7_key, $f7_name, $f7_ord, $f7_weight, $f7_target, $f7_zero, $f7_hundred, $f7_max_age)) AS v(c0, c1, c2, c3, c4, c5, c6, c7)),
snapshots AS (SELECT CAST(NULL AS TIMESTAMP) AS period, CAST($as_of AS TIMESTAMP) AS at),
usable AS (
-- every rating that can count, on 0–100; multiplying before dividing keeps whole ratings
-- exact (55 → 55.0, not 55.00000000000001)
SELECT r.account_id, r.factor, r.ts, r.source_row, p.max_age_days,
LEAST(GREATEST((r.score - p.zero) * 100 / (p.hundred - p.zero), 0), 100) AS score
FROM "factor_ratings" AS r
JOIN params AS p ON p.factor = r.factor
WHERE r.account_id IS NOT NULL AND r.score IS NOT NULL AND NOT isnan(r.score)
AND p.zero IS NOT NULL
),
rated_now AS (
-- snapshots without a period or an instant ("now"): every known rating, undated ones too
SELECT s.period, u.account_id, u.factor, u.ts, u.source_row, u.score
FROM usable AS u
CROSS JOIN snapshots AS s
WHERE (s.at IS NULL OR u.ts IS NULL OR u.ts <= s.at)
AND (s.period IS NULL OR u.ts IS NOT NULL)   -- undated ratings count now, in no period
AND (s.at IS NULL OR u.ts IS NULL OR u.max_age_days IS NULL
OR u.ts >= s.at - to_days(u.max_age_days))
),
rated AS (
-- the ratings known at each snapshot; for a period's snapshot only each factor's latest
SELECT * FROM rated_now
),
latest AS (
-- the latest rating: by time (undated last), then file row, then the higher score; one
-- grouped pass instead of a sort per (period, account, factor)
SELECT period, account_id, factor,
arg_max(score, (ts IS NOT NULL, coalesce(ts, TIMESTAMP '1970-01-01'),
source_row IS NOT NULL, coalesce(source_row, 0), score)) AS score
FROM rated_now
GROUP BY period, account_id, factor
),
universe AS (
SELECT s.period, u.account_id
FROM snapshots AS s
CROSS JOIN (SELECT DISTINCT account_id FROM latest UNION SELECT account_id FROM "accounts" WHERE account_id IS NOT NULL) AS u
),
scored AS (
SELECT u.period, u.account_id, p.factor, p.factor_name, p.ord, p.weight, p.target,
l.score, p.target - l.score AS gap,
CASE WHEN (l.score) IS NULL OR isnan(l.score) OR (1.0) < $min_coverage THEN 'grey' WHEN round(l.score) < $red_below THEN 'red' WHEN round(l.score) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM universe AS u
CROSS JOIN params AS p
LEFT JOIN latest AS l
ON l.period IS NOT DISTINCT FROM u.period AND l.account_id = u.account_id
AND l.factor = p.factor
),
composite AS (
SELECT period, account_id,
max(score) FILTER (WHERE factor = $f0_key) AS "customer_intent",
max(score) FILTER (WHERE factor = $f1_key) AS "anticipation_of_needs",
max(score) FILTER (WHERE factor = $f2_key) AS "successful_product_adoption",
max(score) FILTER (WHERE factor = $f3_key) AS "outcomes_at_scale",
max(score) FILTER (WHERE factor = $f4_key) AS "relationships",
max(score) FILTER (WHERE factor = $f5_key) AS "communication_and_engagement",
max(score) FILTER (WHERE factor = $f6_key) AS "customer_education",
max(score) FILTER (WHERE factor = $f7_key) AS "optimal_customer_journey",
sum(weight * score) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS composite,
coalesce(sum(weight) FILTER (WHERE score IS NOT NULL), 0) / sum(weight) AS coverage,
first(factor ORDER BY gap DESC, ord)
FILTER (WHERE score IS NOT NULL AND weight > 0) AS weakest_factor,
sum(weight * gap) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS gap
FROM scored
GROUP BY period, account_id
),
per_account AS (
SELECT c.*, CASE WHEN (c.composite) IS NULL OR isnan(c.composite) OR (c.coverage) < $min_coverage THEN 'grey' WHEN round(c.composite) < $red_below THEN 'red' WHEN round(c.composite) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM composite AS c
)
SELECT account_id, "customer_intent", "anticipation_of_needs", "successful_product_adoption", "outcomes_at_scale", "relationships", "communication_and_engagement", "customer_education", "optimal_customer_journey", composite, coverage, band, weakest_factor, gap
FROM per_account
ORDER BY account_id),
segment_values AS (SELECT 1 AS ord, CAST($d_segment_1 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_segment_2 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."region" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_segment_3 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."industry" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_segment_4 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."csm" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_segment_5 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id),
measure_values AS (SELECT 1 AS ord, CAST($d_measure_1 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_intent" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_measure_2 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."anticipation_of_needs" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_measure_3 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."successful_product_adoption" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_measure_4 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."outcomes_at_scale" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_measure_5 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."relationships" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 6 AS ord, CAST($d_measure_6 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."communication_and_engagement" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 7 AS ord, CAST($d_measure_7 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_education" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 8 AS ord, CAST($d_measure_8 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."optimal_customer_journey" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id),
measured AS (SELECT * FROM measure_values WHERE x IS NOT NULL AND NOT isnan(x)),
cuts AS (SELECT column_name, quantile_cont(x, [0.25, 0.5, 0.75]) AS q FROM measured GROUP BY column_name),
quartered AS (SELECT m.*, c.q,
CASE WHEN m.x <= c.q[1] THEN 1 WHEN m.x <= c.q[2] THEN 2 WHEN m.x <= c.q[3] THEN 3 ELSE 4 END
AS quartile
FROM measured m JOIN cuts c ON c.column_name = m.column_name)
SELECT count(*) AS n, coalesce(sum(y), 0) AS events FROM population
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $code_1 = 2
--   $code_2 = 4
--   $code_3 = 5
--   $code_4 = 6
--   $code_5 = 10
--   $code_6 = 9
--   $code_7 = 1
--   $d_measure_1 = 'customer_intent'
--   $d_measure_2 = 'anticipation_of_needs'
--   $d_measure_3 = 'successful_product_adoption'
--   $d_measure_4 = 'outcomes_at_scale'
--   $d_measure_5 = 'relationships'
--   $d_measure_6 = 'communication_and_engagement'
--   $d_measure_7 = 'customer_education'
--   $d_measure_8 = 'optimal_customer_journey'
--   $d_segment_1 = 'tier'
--   $d_segment_2 = 'region'
--   $d_segment_3 = 'industry'
--   $d_segment_4 = 'csm'
--   $d_segment_5 = 'qbr_last_100_days'
--   $exit_code_1 = 7
--   $exit_code_2 = 3
--   $exit_code_3 = 8
--   $f0_hundred = 5.0
--   $f0_key = 'customer_intent'
--   $f0_max_age = NULL
--   $f0_name = 'Customer intent'
--   $f0_ord = 1
--   $f0_target = 80.0
--   $f0_weight = 1.0
--   $f0_zero = 1.0
--   $f1_hundred = 5.0
--   $f1_key = 'anticipation_of_needs'
--   $f1_max_age = NULL
--   $f1_name = 'Anticipation of needs and behaviours'
--   $f1_ord = 2
--   $f1_target = 80.0
--   $f1_weight = 1.0
--   $f1_zero = 1.0
--   $f2_hundred = 5.0
--   $f2_key = 'successful_product_adoption'
--   $f2_max_age = NULL
--   $f2_name = 'Successful product adoption'
--   $f2_ord = 3
--   $f2_target = 80.0
--   $f2_weight = 1.0
--   $f2_zero = 1.0
--   $f3_hundred = 5.0
--   $f3_key = 'outcomes_at_scale'
--   $f3_max_age = NULL
--   $f3_name = 'Outcomes at scale'
--   $f3_ord = 4
--   $f3_target = 80.0
--   $f3_weight = 1.0
--   $f3_zero = 1.0
--   $f4_hundred = 5.0
--   $f4_key = 'relationships'
--   $f4_max_age = NULL
--   $f4_name = 'Relationships'
--   $f4_ord = 5
--   $f4_target = 80.0
--   $f4_weight = 1.0
--   $f4_zero = 1.0
--   $f5_hundred = 5.0
--   $f5_key = 'communication_and_engagement'
--   $f5_max_age = NULL
--   $f5_name = 'Communication and engagement'
--   $f5_ord = 6
--   $f5_target = 80.0
--   $f5_weight = 1.0
--   $f5_zero = 1.0
--   $f6_hundred = 5.0
--   $f6_key = 'customer_education'
--   $f6_max_age = NULL
--   $f6_name = 'Customer education'
--   $f6_ord = 7
--   $f6_target = 80.0
--   $f6_weight = 1.0
--   $f6_zero = 1.0
--   $f7_hundred = 5.0
--   $f7_key = 'optimal_customer_journey'
--   $f7_max_age = NULL
--   $f7_name = 'Optimal customer journey'
--   $f7_ord = 8
--   $f7_target = 80.0
--   $f7_weight = 1.0
--   $f7_zero = 1.0
--   $green_above = 75.0
--   $min_coverage = 0.5
--   $red_below = 50.0

-- [17/19]
WITH events AS NOT MATERIALIZED (
SELECT account_id, stage, ts FROM "journey_events"
WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
AND ts <= CAST($as_of AS TIMESTAMP)),
layout_events AS NOT MATERIALIZED (
SELECT account_key, stage_code, ts FROM "_journey_layout"
WHERE ts <= CAST($as_of AS TIMESTAMP)),
account_stats AS MATERIALIZED (SELECT account_key, CAST(firsts[$code_1] AS TIMESTAMP) AS m_1, CAST(firsts[$code_2] AS TIMESTAMP) AS m_2, CAST(firsts[$code_3] AS TIMESTAMP) AS m_3, CAST(firsts[$code_4] AS TIMESTAMP) AS m_4, CAST(firsts[$code_5] AS TIMESTAMP) AS m_5, CAST(firsts[$code_6] AS TIMESTAMP) AS m_6, CAST(firsts[$code_7] AS TIMESTAMP) AS m_7, CAST(firsts[$code_1] AS TIMESTAMP) AS r_min, greatest(CAST(lasts[$exit_code_1] AS TIMESTAMP), CAST(lasts[$exit_code_2] AS TIMESTAMP), CAST(lasts[$exit_code_3] AS TIMESTAMP)) AS last_exit FROM "_journey_accounts"),
coverage AS (
SELECT count(*) AS with_events,
count(*) FILTER (WHERE m_1 IS NULL) AS no_step1,
count(*) FILTER (WHERE m_1 IS NOT NULL AND r_min IS NULL) AS out_of_range
FROM account_stats),
fast_1 AS (
SELECT *, r_min AS t_1, false AS needs_lists, CAST(NULL AS TIMESTAMP) AS cut
FROM account_stats WHERE r_min IS NOT NULL),
fast_2 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_2 < t_1, false) AS needs_lists,
coalesce(cut, CASE WHEN m_2 >= t_1 AND NOT (true) THEN m_2 END) AS cut),
CASE WHEN m_2 >= t_1 AND true THEN m_2 END AS t_2
FROM fast_1),
fast_3 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_3 < t_2, false) AS needs_lists,
coalesce(cut, CASE WHEN m_3 >= t_2 AND NOT (true) THEN m_3 END) AS cut),
CASE WHEN m_3 >= t_2 AND true THEN m_3 END AS t_3
FROM fast_2),
fast_4 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_4 < t_3, false) AS needs_lists,
coalesce(cut, CASE WHEN m_4 >= t_3 AND NOT (true) THEN m_4 END) AS cut),
CASE WHEN m_4 >= t_3 AND true THEN m_4 END AS t_4
FROM fast_3),
fast_5 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_5 < t_4, false) AS needs_lists,
coalesce(cut, CASE WHEN m_5 >= t_4 AND NOT (true) THEN m_5 END) AS cut),
CASE WHEN m_5 >= t_4 AND true THEN m_5 END AS t_5
FROM fast_4),
fast_6 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_6 < t_5, false) AS needs_lists,
coalesce(cut, CASE WHEN m_6 >= t_5 AND NOT (true) THEN m_6 END) AS cut),
CASE WHEN m_6 >= t_5 AND true THEN m_6 END AS t_6
FROM fast_5),
fast_7 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_7 < t_6, false) AS needs_lists,
coalesce(cut, CASE WHEN m_7 >= t_6 AND NOT (true) THEN m_7 END) AS cut),
CASE WHEN m_7 >= t_6 AND true THEN m_7 END AS t_7
FROM fast_6),
fast AS MATERIALIZED (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit, needs_lists AS needs_lists
FROM fast_7),
slow_events AS (
SELECT * FROM layout_events
WHERE account_key IN (SELECT account_key FROM fast WHERE needs_lists)),
slow_lists AS (
SELECT *, list_distinct(list_filter(l_1, lambda x: true)) AS starts
FROM (SELECT account_key, list(ts) FILTER (WHERE stage_code = $code_1) AS l_1, list(ts) FILTER (WHERE stage_code = $code_2) AS l_2, list(ts) FILTER (WHERE stage_code = $code_3) AS l_3, list(ts) FILTER (WHERE stage_code = $code_4) AS l_4, list(ts) FILTER (WHERE stage_code = $code_5) AS l_5, list(ts) FILTER (WHERE stage_code = $code_6) AS l_6, list(ts) FILTER (WHERE stage_code = $code_7) AS l_7, max(ts) FILTER (WHERE stage_code IN ($exit_code_1, $exit_code_2, $exit_code_3)) AS last_exit FROM slow_events GROUP BY account_key)),
slow_1 AS (SELECT *, list_min(starts) AS t_1 FROM slow_lists WHERE len(starts) > 0),
slow_2 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_1 IS NOT NULL THEN nxt END AS t_2
FROM (SELECT *, list_min(list_filter(l_2, lambda x: x >= t_1)) AS nxt FROM slow_1)),
slow_3 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_2 IS NOT NULL THEN nxt END AS t_3
FROM (SELECT *, list_min(list_filter(l_3, lambda x: x >= t_2)) AS nxt FROM slow_2)),
slow_4 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_3 IS NOT NULL THEN nxt END AS t_4
FROM (SELECT *, list_min(list_filter(l_4, lambda x: x >= t_3)) AS nxt FROM slow_3)),
slow_5 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_4 IS NOT NULL THEN nxt END AS t_5
FROM (SELECT *, list_min(list_filter(l_5, lambda x: x >= t_4)) AS nxt FROM slow_4)),
slow_6 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_5 IS NOT NULL THEN nxt END AS t_6
FROM (SELECT *, list_min(list_filter(l_6, lambda x: x >= t_5)) AS nxt FROM slow_5)),
slow_7 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_6 IS NOT NULL THEN nxt END AS t_7
FROM (SELECT *, list_min(list_filter(l_7, lambda x: x >= t_6)) AS nxt FROM slow_6)),
slow AS (SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow_7),
journeys AS (
SELECT keys.account_id, placed.account_key, placed.reached, placed.t_1, placed.t_2, placed.t_3, placed.t_4, placed.t_5, placed.t_6, placed.t_7,
placed.last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) WHEN 5 THEN coalesce(last_exit >= t_5, false) WHEN 6 THEN coalesce(last_exit >= t_6, false) WHEN 7 THEN coalesce(last_exit >= t_7, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) + CAST(t_5 IS NOT NULL AS INTEGER) + CAST(t_6 IS NOT NULL AS INTEGER) + CAST(t_7 IS NOT NULL AS INTEGER) AS reached FROM (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM fast WHERE NOT needs_lists
UNION ALL
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow)) AS placed
JOIN "_account_keys" AS keys ON keys.account_key = placed.account_key),
driver_outcome AS (
SELECT account_id, CASE WHEN reached >= 4 THEN 1 ELSE 0 END AS y
FROM journeys WHERE reached >= 3),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
population AS (SELECT account_id, y FROM driver_outcome WHERE y IS NOT NULL),
factor_scores AS (
WITH
params AS (
SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
FROM (VALUES ($f0_key, $f0_name, $f0_ord, $f0_weight, $f0_target, $f0_zero, $f0_hundred, $f0_max_age), ($f1_key, $f1_name, $f1_ord, $f1_weight, $f1_target, $f1_zero, $f1_hundred, $f1_max_age), ($f2_key, $f2_name, $f2_ord, $f2_weight, $f2_target, $f2_zero, $f2_hundred, $f2_max_age), ($f3_key, $f3_name, $f3_ord, $f3_weight, $f3_target, $f3_zero, $f3_hundred, $f3_max_age), ($f4_key, $f4_name, $f4_ord, $f4_weight, $f4_target, $f4_zero, $f4_hundred, $f4_max_age), ($f5_key, $f5_name, $f5_ord, $f5_weight, $f5_target, $f5_zero, $f5_hundred, $f5_max_age), ($f6_key, $f6_name, $f6_ord, $f6_weight, $f6_target, $f6_zero, $f6_hundred, $f6_max_age), ($f7_key, $f7_name, $f7_ord, $f7_weight, $f7_target, $f7_zero, $f7_hundred, $f7_max_age)) AS v(c0, c1, c2, c3, c4, c5, c6, c7)),
snapshots AS (SELECT CAST(NULL AS TIMESTAMP) AS period, CAST($as_of AS TIMESTAMP) AS at),
usable AS (
-- every rating that can count, on 0–100; multiplying before dividing keeps whole ratings
-- exact (55 → 55.0, not 55.00000000000001)
SELECT r.account_id, r.factor, r.ts, r.source_row, p.max_age_days,
LEAST(GREATEST((r.score - p.zero) * 100 / (p.hundred - p.zero), 0), 100) AS score
FROM "factor_ratings" AS r
JOIN params AS p ON p.factor = r.factor
WHERE r.account_id IS NOT NULL AND r.score IS NOT NULL AND NOT isnan(r.score)
AND p.zero IS NOT NULL
),
rated_now AS (
-- snapshots without a period or an instant ("now"): every known rating, undated ones too
SELECT s.period, u.account_id, u.factor, u.ts, u.source_row, u.score
FROM usable AS u
CROSS JOIN snapshots AS s
WHERE (s.at IS NULL OR u.ts IS NULL OR u.ts <= s.at)
AND (s.period IS NULL OR u.ts IS NOT NULL)   -- undated ratings count now, in no period
AND (s.at IS NULL OR u.ts IS NULL OR u.max_age_days IS NULL
OR u.ts >= s.at - to_days(u.max_age_days))
),
rated AS (
-- the ratings known at each snapshot; for a period's snapshot only each factor's latest
SELECT * FROM rated_now
),
latest AS (
-- the latest rating: by time (undated last), then file row, then the higher score; one
-- grouped pass instead of a sort per (period, account, factor)
SELECT period, account_id, factor,
arg_max(score, (ts IS NOT NULL, coalesce(ts, TIMESTAMP '1970-01-01'),
source_row IS NOT NULL, coalesce(source_row, 0), score)) AS score
FROM rated_now
GROUP BY period, account_id, factor
),
universe AS (
SELECT s.period, u.account_id
FROM snapshots AS s
CROSS JOIN (SELECT DISTINCT account_id FROM latest UNION SELECT account_id FROM "accounts" WHERE account_id IS NOT NULL) AS u
),
scored AS (
SELECT u.period, u.account_id, p.factor, p.factor_name, p.ord, p.weight, p.target,
l.score, p.target - l.score AS gap,
CASE WHEN (l.score) IS NULL OR isnan(l.score) OR (1.0) < $min_coverage THEN 'grey' WHEN round(l.score) < $red_below THEN 'red' WHEN round(l.score) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM universe AS u
CROSS JOIN params AS p
LEFT JOIN latest AS l
ON l.period IS NOT DISTINCT FROM u.period AND l.account_id = u.account_id
AND l.factor = p.factor
),
composite AS (
SELECT period, account_id,
max(score) FILTER (WHERE factor = $f0_key) AS "customer_intent",
max(score) FILTER (WHERE factor = $f1_key) AS "anticipation_of_needs",
max(score) FILTER (WHERE factor = $f2_key) AS "successful_product_adoption",
max(score) FILTER (WHERE factor = $f3_key) AS "outcomes_at_scale",
max(score) FILTER (WHERE factor = $f4_key) AS "relationships",
max(score) FILTER (WHERE factor = $f5_key) AS "communication_and_engagement",
max(score) FILTER (WHERE factor = $f6_key) AS "customer_education",
max(score) FILTER (WHERE factor = $f7_key) AS "optimal_customer_journey",
sum(weight * score) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS composite,
coalesce(sum(weight) FILTER (WHERE score IS NOT NULL), 0) / sum(weight) AS coverage,
first(factor ORDER BY gap DESC, ord)
FILTER (WHERE score IS NOT NULL AND weight > 0) AS weakest_factor,
sum(weight * gap) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS gap
FROM scored
GROUP BY period, account_id
),
per_account AS (
SELECT c.*, CASE WHEN (c.composite) IS NULL OR isnan(c.composite) OR (c.coverage) < $min_coverage THEN 'grey' WHEN round(c.composite) < $red_below THEN 'red' WHEN round(c.composite) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM composite AS c
)
SELECT account_id, "customer_intent", "anticipation_of_needs", "successful_product_adoption", "outcomes_at_scale", "relationships", "communication_and_engagement", "customer_education", "optimal_customer_journey", composite, coverage, band, weakest_factor, gap
FROM per_account
ORDER BY account_id),
segment_values AS (SELECT 1 AS ord, CAST($d_segment_1 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_segment_2 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."region" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_segment_3 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."industry" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_segment_4 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."csm" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_segment_5 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id),
measure_values AS (SELECT 1 AS ord, CAST($d_measure_1 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_intent" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_measure_2 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."anticipation_of_needs" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_measure_3 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."successful_product_adoption" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_measure_4 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."outcomes_at_scale" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_measure_5 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."relationships" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 6 AS ord, CAST($d_measure_6 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."communication_and_engagement" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 7 AS ord, CAST($d_measure_7 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_education" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 8 AS ord, CAST($d_measure_8 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."optimal_customer_journey" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id),
measured AS (SELECT * FROM measure_values WHERE x IS NOT NULL AND NOT isnan(x)),
cuts AS (SELECT column_name, quantile_cont(x, [0.25, 0.5, 0.75]) AS q FROM measured GROUP BY column_name),
quartered AS (SELECT m.*, c.q,
CASE WHEN m.x <= c.q[1] THEN 1 WHEN m.x <= c.q[2] THEN 2 WHEN m.x <= c.q[3] THEN 3 ELSE 4 END
AS quartile
FROM measured m JOIN cuts c ON c.column_name = m.column_name)
SELECT ord, column_name, value, count(*) AS n, coalesce(sum(y), 0) AS events
FROM segment_values GROUP BY ord, column_name, value
ORDER BY ord, value = '(none)', value
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $code_1 = 2
--   $code_2 = 4
--   $code_3 = 5
--   $code_4 = 6
--   $code_5 = 10
--   $code_6 = 9
--   $code_7 = 1
--   $d_measure_1 = 'customer_intent'
--   $d_measure_2 = 'anticipation_of_needs'
--   $d_measure_3 = 'successful_product_adoption'
--   $d_measure_4 = 'outcomes_at_scale'
--   $d_measure_5 = 'relationships'
--   $d_measure_6 = 'communication_and_engagement'
--   $d_measure_7 = 'customer_education'
--   $d_measure_8 = 'optimal_customer_journey'
--   $d_segment_1 = 'tier'
--   $d_segment_2 = 'region'
--   $d_segment_3 = 'industry'
--   $d_segment_4 = 'csm'
--   $d_segment_5 = 'qbr_last_100_days'
--   $exit_code_1 = 7
--   $exit_code_2 = 3
--   $exit_code_3 = 8
--   $f0_hundred = 5.0
--   $f0_key = 'customer_intent'
--   $f0_max_age = NULL
--   $f0_name = 'Customer intent'
--   $f0_ord = 1
--   $f0_target = 80.0
--   $f0_weight = 1.0
--   $f0_zero = 1.0
--   $f1_hundred = 5.0
--   $f1_key = 'anticipation_of_needs'
--   $f1_max_age = NULL
--   $f1_name = 'Anticipation of needs and behaviours'
--   $f1_ord = 2
--   $f1_target = 80.0
--   $f1_weight = 1.0
--   $f1_zero = 1.0
--   $f2_hundred = 5.0
--   $f2_key = 'successful_product_adoption'
--   $f2_max_age = NULL
--   $f2_name = 'Successful product adoption'
--   $f2_ord = 3
--   $f2_target = 80.0
--   $f2_weight = 1.0
--   $f2_zero = 1.0
--   $f3_hundred = 5.0
--   $f3_key = 'outcomes_at_scale'
--   $f3_max_age = NULL
--   $f3_name = 'Outcomes at scale'
--   $f3_ord = 4
--   $f3_target = 80.0
--   $f3_weight = 1.0
--   $f3_zero = 1.0
--   $f4_hundred = 5.0
--   $f4_key = 'relationships'
--   $f4_max_age = NULL
--   $f4_name = 'Relationships'
--   $f4_ord = 5
--   $f4_target = 80.0
--   $f4_weight = 1.0
--   $f4_zero = 1.0
--   $f5_hundred = 5.0
--   $f5_key = 'communication_and_engagement'
--   $f5_max_age = NULL
--   $f5_name = 'Communication and engagement'
--   $f5_ord = 6
--   $f5_target = 80.0
--   $f5_weight = 1.0
--   $f5_zero = 1.0
--   $f6_hundred = 5.0
--   $f6_key = 'customer_education'
--   $f6_max_age = NULL
--   $f6_name = 'Customer education'
--   $f6_ord = 7
--   $f6_target = 80.0
--   $f6_weight = 1.0
--   $f6_zero = 1.0
--   $f7_hundred = 5.0
--   $f7_key = 'optimal_customer_journey'
--   $f7_max_age = NULL
--   $f7_name = 'Optimal customer journey'
--   $f7_ord = 8
--   $f7_target = 80.0
--   $f7_weight = 1.0
--   $f7_zero = 1.0
--   $green_above = 75.0
--   $min_coverage = 0.5
--   $red_below = 50.0

-- [18/19]
WITH events AS NOT MATERIALIZED (
SELECT account_id, stage, ts FROM "journey_events"
WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
AND ts <= CAST($as_of AS TIMESTAMP)),
layout_events AS NOT MATERIALIZED (
SELECT account_key, stage_code, ts FROM "_journey_layout"
WHERE ts <= CAST($as_of AS TIMESTAMP)),
account_stats AS MATERIALIZED (SELECT account_key, CAST(firsts[$code_1] AS TIMESTAMP) AS m_1, CAST(firsts[$code_2] AS TIMESTAMP) AS m_2, CAST(firsts[$code_3] AS TIMESTAMP) AS m_3, CAST(firsts[$code_4] AS TIMESTAMP) AS m_4, CAST(firsts[$code_5] AS TIMESTAMP) AS m_5, CAST(firsts[$code_6] AS TIMESTAMP) AS m_6, CAST(firsts[$code_7] AS TIMESTAMP) AS m_7, CAST(firsts[$code_1] AS TIMESTAMP) AS r_min, greatest(CAST(lasts[$exit_code_1] AS TIMESTAMP), CAST(lasts[$exit_code_2] AS TIMESTAMP), CAST(lasts[$exit_code_3] AS TIMESTAMP)) AS last_exit FROM "_journey_accounts"),
coverage AS (
SELECT count(*) AS with_events,
count(*) FILTER (WHERE m_1 IS NULL) AS no_step1,
count(*) FILTER (WHERE m_1 IS NOT NULL AND r_min IS NULL) AS out_of_range
FROM account_stats),
fast_1 AS (
SELECT *, r_min AS t_1, false AS needs_lists, CAST(NULL AS TIMESTAMP) AS cut
FROM account_stats WHERE r_min IS NOT NULL),
fast_2 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_2 < t_1, false) AS needs_lists,
coalesce(cut, CASE WHEN m_2 >= t_1 AND NOT (true) THEN m_2 END) AS cut),
CASE WHEN m_2 >= t_1 AND true THEN m_2 END AS t_2
FROM fast_1),
fast_3 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_3 < t_2, false) AS needs_lists,
coalesce(cut, CASE WHEN m_3 >= t_2 AND NOT (true) THEN m_3 END) AS cut),
CASE WHEN m_3 >= t_2 AND true THEN m_3 END AS t_3
FROM fast_2),
fast_4 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_4 < t_3, false) AS needs_lists,
coalesce(cut, CASE WHEN m_4 >= t_3 AND NOT (true) THEN m_4 END) AS cut),
CASE WHEN m_4 >= t_3 AND true THEN m_4 END AS t_4
FROM fast_3),
fast_5 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_5 < t_4, false) AS needs_lists,
coalesce(cut, CASE WHEN m_5 >= t_4 AND NOT (true) THEN m_5 END) AS cut),
CASE WHEN m_5 >= t_4 AND true THEN m_5 END AS t_5
FROM fast_4),
fast_6 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_6 < t_5, false) AS needs_lists,
coalesce(cut, CASE WHEN m_6 >= t_5 AND NOT (true) THEN m_6 END) AS cut),
CASE WHEN m_6 >= t_5 AND true THEN m_6 END AS t_6
FROM fast_5),
fast_7 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_7 < t_6, false) AS needs_lists,
coalesce(cut, CASE WHEN m_7 >= t_6 AND NOT (true) THEN m_7 END) AS cut),
CASE WHEN m_7 >= t_6 AND true THEN m_7 END AS t_7
FROM fast_6),
fast AS MATERIALIZED (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit, needs_lists AS needs_lists
FROM fast_7),
slow_events AS (
SELECT * FROM layout_events
WHERE account_key IN (SELECT account_key FROM fast WHERE needs_lists)),
slow_lists AS (
SELECT *, list_distinct(list_filter(l_1, lambda x: true)) AS starts
FROM (SELECT account_key, list(ts) FILTER (WHERE stage_code = $code_1) AS l_1, list(ts) FILTER (WHERE stage_code = $code_2) AS l_2, list(ts) FILTER (WHERE stage_code = $code_3) AS l_3, list(ts) FILTER (WHERE stage_code = $code_4) AS l_4, list(ts) FILTER (WHERE stage_code = $code_5) AS l_5, list(ts) FILTER (WHERE stage_code = $code_6) AS l_6, list(ts) FILTER (WHERE stage_code = $code_7) AS l_7, max(ts) FILTER (WHERE stage_code IN ($exit_code_1, $exit_code_2, $exit_code_3)) AS last_exit FROM slow_events GROUP BY account_key)),
slow_1 AS (SELECT *, list_min(starts) AS t_1 FROM slow_lists WHERE len(starts) > 0),
slow_2 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_1 IS NOT NULL THEN nxt END AS t_2
FROM (SELECT *, list_min(list_filter(l_2, lambda x: x >= t_1)) AS nxt FROM slow_1)),
slow_3 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_2 IS NOT NULL THEN nxt END AS t_3
FROM (SELECT *, list_min(list_filter(l_3, lambda x: x >= t_2)) AS nxt FROM slow_2)),
slow_4 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_3 IS NOT NULL THEN nxt END AS t_4
FROM (SELECT *, list_min(list_filter(l_4, lambda x: x >= t_3)) AS nxt FROM slow_3)),
slow_5 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_4 IS NOT NULL THEN nxt END AS t_5
FROM (SELECT *, list_min(list_filter(l_5, lambda x: x >= t_4)) AS nxt FROM slow_4)),
slow_6 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_5 IS NOT NULL THEN nxt END AS t_6
FROM (SELECT *, list_min(list_filter(l_6, lambda x: x >= t_5)) AS nxt FROM slow_5)),
slow_7 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_6 IS NOT NULL THEN nxt END AS t_7
FROM (SELECT *, list_min(list_filter(l_7, lambda x: x >= t_6)) AS nxt FROM slow_6)),
slow AS (SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow_7),
journeys AS (
SELECT keys.account_id, placed.account_key, placed.reached, placed.t_1, placed.t_2, placed.t_3, placed.t_4, placed.t_5, placed.t_6, placed.t_7,
placed.last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) WHEN 5 THEN coalesce(last_exit >= t_5, false) WHEN 6 THEN coalesce(last_exit >= t_6, false) WHEN 7 THEN coalesce(last_exit >= t_7, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) + CAST(t_5 IS NOT NULL AS INTEGER) + CAST(t_6 IS NOT NULL AS INTEGER) + CAST(t_7 IS NOT NULL AS INTEGER) AS reached FROM (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM fast WHERE NOT needs_lists
UNION ALL
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow)) AS placed
JOIN "_account_keys" AS keys ON keys.account_key = placed.account_key),
driver_outcome AS (
SELECT account_id, CASE WHEN reached >= 4 THEN 1 ELSE 0 END AS y
FROM journeys WHERE reached >= 3),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
population AS (SELECT account_id, y FROM driver_outcome WHERE y IS NOT NULL),
factor_scores AS (
WITH
params AS (
SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
FROM (VALUES ($f0_key, $f0_name, $f0_ord, $f0_weight, $f0_target, $f0_zero, $f0_hundred, $f0_max_age), ($f1_key, $f1_name, $f1_ord, $f1_weight, $f1_target, $f1_zero, $f1_hundred, $f1_max_age), ($f2_key, $f2_name, $f2_ord, $f2_weight, $f2_target, $f2_zero, $f2_hundred, $f2_max_age), ($f3_key, $f3_name, $f3_ord, $f3_weight, $f3_target, $f3_zero, $f3_hundred, $f3_max_age), ($f4_key, $f4_name, $f4_ord, $f4_weight, $f4_target, $f4_zero, $f4_hundred, $f4_max_age), ($f5_key, $f5_name, $f5_ord, $f5_weight, $f5_target, $f5_zero, $f5_hundred, $f5_max_age), ($f6_key, $f6_name, $f6_ord, $f6_weight, $f6_target, $f6_zero, $f6_hundred, $f6_max_age), ($f7_key, $f7_name, $f7_ord, $f7_weight, $f7_target, $f7_zero, $f7_hundred, $f7_max_age)) AS v(c0, c1, c2, c3, c4, c5, c6, c7)),
snapshots AS (SELECT CAST(NULL AS TIMESTAMP) AS period, CAST($as_of AS TIMESTAMP) AS at),
usable AS (
-- every rating that can count, on 0–100; multiplying before dividing keeps whole ratings
-- exact (55 → 55.0, not 55.00000000000001)
SELECT r.account_id, r.factor, r.ts, r.source_row, p.max_age_days,
LEAST(GREATEST((r.score - p.zero) * 100 / (p.hundred - p.zero), 0), 100) AS score
FROM "factor_ratings" AS r
JOIN params AS p ON p.factor = r.factor
WHERE r.account_id IS NOT NULL AND r.score IS NOT NULL AND NOT isnan(r.score)
AND p.zero IS NOT NULL
),
rated_now AS (
-- snapshots without a period or an instant ("now"): every known rating, undated ones too
SELECT s.period, u.account_id, u.factor, u.ts, u.source_row, u.score
FROM usable AS u
CROSS JOIN snapshots AS s
WHERE (s.at IS NULL OR u.ts IS NULL OR u.ts <= s.at)
AND (s.period IS NULL OR u.ts IS NOT NULL)   -- undated ratings count now, in no period
AND (s.at IS NULL OR u.ts IS NULL OR u.max_age_days IS NULL
OR u.ts >= s.at - to_days(u.max_age_days))
),
rated AS (
-- the ratings known at each snapshot; for a period's snapshot only each factor's latest
SELECT * FROM rated_now
),
latest AS (
-- the latest rating: by time (undated last), then file row, then the higher score; one
-- grouped pass instead of a sort per (period, account, factor)
SELECT period, account_id, factor,
arg_max(score, (ts IS NOT NULL, coalesce(ts, TIMESTAMP '1970-01-01'),
source_row IS NOT NULL, coalesce(source_row, 0), score)) AS score
FROM rated_now
GROUP BY period, account_id, factor
),
universe AS (
SELECT s.period, u.account_id
FROM snapshots AS s
CROSS JOIN (SELECT DISTINCT account_id FROM latest UNION SELECT account_id FROM "accounts" WHERE account_id IS NOT NULL) AS u
),
scored AS (
SELECT u.period, u.account_id, p.factor, p.factor_name, p.ord, p.weight, p.target,
l.score, p.target - l.score AS gap,
CASE WHEN (l.score) IS NULL OR isnan(l.score) OR (1.0) < $min_coverage THEN 'grey' WHEN round(l.score) < $red_below THEN 'red' WHEN round(l.score) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM universe AS u
CROSS JOIN params AS p
LEFT JOIN latest AS l
ON l.period IS NOT DISTINCT FROM u.period AND l.account_id = u.account_id
AND l.factor = p.factor
),
composite AS (
SELECT period, account_id,
max(score) FILTER (WHERE factor = $f0_key) AS "customer_intent",
max(score) FILTER (WHERE factor = $f1_key) AS "anticipation_of_needs",
max(score) FILTER (WHERE factor = $f2_key) AS "successful_product_adoption",
max(score) FILTER (WHERE factor = $f3_key) AS "outcomes_at_scale",
max(score) FILTER (WHERE factor = $f4_key) AS "relationships",
max(score) FILTER (WHERE factor = $f5_key) AS "communication_and_engagement",
max(score) FILTER (WHERE factor = $f6_key) AS "customer_education",
max(score) FILTER (WHERE factor = $f7_key) AS "optimal_customer_journey",
sum(weight * score) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS composite,
coalesce(sum(weight) FILTER (WHERE score IS NOT NULL), 0) / sum(weight) AS coverage,
first(factor ORDER BY gap DESC, ord)
FILTER (WHERE score IS NOT NULL AND weight > 0) AS weakest_factor,
sum(weight * gap) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS gap
FROM scored
GROUP BY period, account_id
),
per_account AS (
SELECT c.*, CASE WHEN (c.composite) IS NULL OR isnan(c.composite) OR (c.coverage) < $min_coverage THEN 'grey' WHEN round(c.composite) < $red_below THEN 'red' WHEN round(c.composite) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM composite AS c
)
SELECT account_id, "customer_intent", "anticipation_of_needs", "successful_product_adoption", "outcomes_at_scale", "relationships", "communication_and_engagement", "customer_education", "optimal_customer_journey", composite, coverage, band, weakest_factor, gap
FROM per_account
ORDER BY account_id),
segment_values AS (SELECT 1 AS ord, CAST($d_segment_1 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_segment_2 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."region" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_segment_3 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."industry" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_segment_4 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."csm" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_segment_5 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id),
measure_values AS (SELECT 1 AS ord, CAST($d_measure_1 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_intent" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_measure_2 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."anticipation_of_needs" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_measure_3 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."successful_product_adoption" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_measure_4 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."outcomes_at_scale" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_measure_5 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."relationships" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 6 AS ord, CAST($d_measure_6 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."communication_and_engagement" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 7 AS ord, CAST($d_measure_7 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_education" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 8 AS ord, CAST($d_measure_8 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."optimal_customer_journey" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id),
measured AS (SELECT * FROM measure_values WHERE x IS NOT NULL AND NOT isnan(x)),
cuts AS (SELECT column_name, quantile_cont(x, [0.25, 0.5, 0.75]) AS q FROM measured GROUP BY column_name),
quartered AS (SELECT m.*, c.q,
CASE WHEN m.x <= c.q[1] THEN 1 WHEN m.x <= c.q[2] THEN 2 WHEN m.x <= c.q[3] THEN 3 ELSE 4 END
AS quartile
FROM measured m JOIN cuts c ON c.column_name = m.column_name)
SELECT ord, column_name, quartile, any_value(q) AS q, count(*) AS n,
coalesce(sum(y), 0) AS events
FROM quartered GROUP BY ord, column_name, quartile ORDER BY ord, quartile
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $code_1 = 2
--   $code_2 = 4
--   $code_3 = 5
--   $code_4 = 6
--   $code_5 = 10
--   $code_6 = 9
--   $code_7 = 1
--   $d_measure_1 = 'customer_intent'
--   $d_measure_2 = 'anticipation_of_needs'
--   $d_measure_3 = 'successful_product_adoption'
--   $d_measure_4 = 'outcomes_at_scale'
--   $d_measure_5 = 'relationships'
--   $d_measure_6 = 'communication_and_engagement'
--   $d_measure_7 = 'customer_education'
--   $d_measure_8 = 'optimal_customer_journey'
--   $d_segment_1 = 'tier'
--   $d_segment_2 = 'region'
--   $d_segment_3 = 'industry'
--   $d_segment_4 = 'csm'
--   $d_segment_5 = 'qbr_last_100_days'
--   $exit_code_1 = 7
--   $exit_code_2 = 3
--   $exit_code_3 = 8
--   $f0_hundred = 5.0
--   $f0_key = 'customer_intent'
--   $f0_max_age = NULL
--   $f0_name = 'Customer intent'
--   $f0_ord = 1
--   $f0_target = 80.0
--   $f0_weight = 1.0
--   $f0_zero = 1.0
--   $f1_hundred = 5.0
--   $f1_key = 'anticipation_of_needs'
--   $f1_max_age = NULL
--   $f1_name = 'Anticipation of needs and behaviours'
--   $f1_ord = 2
--   $f1_target = 80.0
--   $f1_weight = 1.0
--   $f1_zero = 1.0
--   $f2_hundred = 5.0
--   $f2_key = 'successful_product_adoption'
--   $f2_max_age = NULL
--   $f2_name = 'Successful product adoption'
--   $f2_ord = 3
--   $f2_target = 80.0
--   $f2_weight = 1.0
--   $f2_zero = 1.0
--   $f3_hundred = 5.0
--   $f3_key = 'outcomes_at_scale'
--   $f3_max_age = NULL
--   $f3_name = 'Outcomes at scale'
--   $f3_ord = 4
--   $f3_target = 80.0
--   $f3_weight = 1.0
--   $f3_zero = 1.0
--   $f4_hundred = 5.0
--   $f4_key = 'relationships'
--   $f4_max_age = NULL
--   $f4_name = 'Relationships'
--   $f4_ord = 5
--   $f4_target = 80.0
--   $f4_weight = 1.0
--   $f4_zero = 1.0
--   $f5_hundred = 5.0
--   $f5_key = 'communication_and_engagement'
--   $f5_max_age = NULL
--   $f5_name = 'Communication and engagement'
--   $f5_ord = 6
--   $f5_target = 80.0
--   $f5_weight = 1.0
--   $f5_zero = 1.0
--   $f6_hundred = 5.0
--   $f6_key = 'customer_education'
--   $f6_max_age = NULL
--   $f6_name = 'Customer education'
--   $f6_ord = 7
--   $f6_target = 80.0
--   $f6_weight = 1.0
--   $f6_zero = 1.0
--   $f7_hundred = 5.0
--   $f7_key = 'optimal_customer_journey'
--   $f7_max_age = NULL
--   $f7_name = 'Optimal customer journey'
--   $f7_ord = 8
--   $f7_target = 80.0
--   $f7_weight = 1.0
--   $f7_zero = 1.0
--   $green_above = 75.0
--   $min_coverage = 0.5
--   $red_below = 50.0

-- [19/19]
WITH events AS NOT MATERIALIZED (
SELECT account_id, stage, ts FROM "journey_events"
WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
AND ts <= CAST($as_of AS TIMESTAMP)),
layout_events AS NOT MATERIALIZED (
SELECT account_key, stage_code, ts FROM "_journey_layout"
WHERE ts <= CAST($as_of AS TIMESTAMP)),
account_stats AS MATERIALIZED (SELECT account_key, CAST(firsts[$code_1] AS TIMESTAMP) AS m_1, CAST(firsts[$code_2] AS TIMESTAMP) AS m_2, CAST(firsts[$code_3] AS TIMESTAMP) AS m_3, CAST(firsts[$code_4] AS TIMESTAMP) AS m_4, CAST(firsts[$code_5] AS TIMESTAMP) AS m_5, CAST(firsts[$code_6] AS TIMESTAMP) AS m_6, CAST(firsts[$code_7] AS TIMESTAMP) AS m_7, CAST(firsts[$code_1] AS TIMESTAMP) AS r_min, greatest(CAST(lasts[$exit_code_1] AS TIMESTAMP), CAST(lasts[$exit_code_2] AS TIMESTAMP), CAST(lasts[$exit_code_3] AS TIMESTAMP)) AS last_exit FROM "_journey_accounts"),
coverage AS (
SELECT count(*) AS with_events,
count(*) FILTER (WHERE m_1 IS NULL) AS no_step1,
count(*) FILTER (WHERE m_1 IS NOT NULL AND r_min IS NULL) AS out_of_range
FROM account_stats),
fast_1 AS (
SELECT *, r_min AS t_1, false AS needs_lists, CAST(NULL AS TIMESTAMP) AS cut
FROM account_stats WHERE r_min IS NOT NULL),
fast_2 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_2 < t_1, false) AS needs_lists,
coalesce(cut, CASE WHEN m_2 >= t_1 AND NOT (true) THEN m_2 END) AS cut),
CASE WHEN m_2 >= t_1 AND true THEN m_2 END AS t_2
FROM fast_1),
fast_3 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_3 < t_2, false) AS needs_lists,
coalesce(cut, CASE WHEN m_3 >= t_2 AND NOT (true) THEN m_3 END) AS cut),
CASE WHEN m_3 >= t_2 AND true THEN m_3 END AS t_3
FROM fast_2),
fast_4 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_4 < t_3, false) AS needs_lists,
coalesce(cut, CASE WHEN m_4 >= t_3 AND NOT (true) THEN m_4 END) AS cut),
CASE WHEN m_4 >= t_3 AND true THEN m_4 END AS t_4
FROM fast_3),
fast_5 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_5 < t_4, false) AS needs_lists,
coalesce(cut, CASE WHEN m_5 >= t_4 AND NOT (true) THEN m_5 END) AS cut),
CASE WHEN m_5 >= t_4 AND true THEN m_5 END AS t_5
FROM fast_4),
fast_6 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_6 < t_5, false) AS needs_lists,
coalesce(cut, CASE WHEN m_6 >= t_5 AND NOT (true) THEN m_6 END) AS cut),
CASE WHEN m_6 >= t_5 AND true THEN m_6 END AS t_6
FROM fast_5),
fast_7 AS (
SELECT * REPLACE (needs_lists OR coalesce(m_7 < t_6, false) AS needs_lists,
coalesce(cut, CASE WHEN m_7 >= t_6 AND NOT (true) THEN m_7 END) AS cut),
CASE WHEN m_7 >= t_6 AND true THEN m_7 END AS t_7
FROM fast_6),
fast AS MATERIALIZED (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit, needs_lists AS needs_lists
FROM fast_7),
slow_events AS (
SELECT * FROM layout_events
WHERE account_key IN (SELECT account_key FROM fast WHERE needs_lists)),
slow_lists AS (
SELECT *, list_distinct(list_filter(l_1, lambda x: true)) AS starts
FROM (SELECT account_key, list(ts) FILTER (WHERE stage_code = $code_1) AS l_1, list(ts) FILTER (WHERE stage_code = $code_2) AS l_2, list(ts) FILTER (WHERE stage_code = $code_3) AS l_3, list(ts) FILTER (WHERE stage_code = $code_4) AS l_4, list(ts) FILTER (WHERE stage_code = $code_5) AS l_5, list(ts) FILTER (WHERE stage_code = $code_6) AS l_6, list(ts) FILTER (WHERE stage_code = $code_7) AS l_7, max(ts) FILTER (WHERE stage_code IN ($exit_code_1, $exit_code_2, $exit_code_3)) AS last_exit FROM slow_events GROUP BY account_key)),
slow_1 AS (SELECT *, list_min(starts) AS t_1 FROM slow_lists WHERE len(starts) > 0),
slow_2 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_1 IS NOT NULL THEN nxt END AS t_2
FROM (SELECT *, list_min(list_filter(l_2, lambda x: x >= t_1)) AS nxt FROM slow_1)),
slow_3 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_2 IS NOT NULL THEN nxt END AS t_3
FROM (SELECT *, list_min(list_filter(l_3, lambda x: x >= t_2)) AS nxt FROM slow_2)),
slow_4 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_3 IS NOT NULL THEN nxt END AS t_4
FROM (SELECT *, list_min(list_filter(l_4, lambda x: x >= t_3)) AS nxt FROM slow_3)),
slow_5 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_4 IS NOT NULL THEN nxt END AS t_5
FROM (SELECT *, list_min(list_filter(l_5, lambda x: x >= t_4)) AS nxt FROM slow_4)),
slow_6 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_5 IS NOT NULL THEN nxt END AS t_6
FROM (SELECT *, list_min(list_filter(l_6, lambda x: x >= t_5)) AS nxt FROM slow_5)),
slow_7 AS (
SELECT * EXCLUDE (nxt), CASE WHEN t_6 IS NOT NULL THEN nxt END AS t_7
FROM (SELECT *, list_min(list_filter(l_7, lambda x: x >= t_6)) AS nxt FROM slow_6)),
slow AS (SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow_7),
journeys AS (
SELECT keys.account_id, placed.account_key, placed.reached, placed.t_1, placed.t_2, placed.t_3, placed.t_4, placed.t_5, placed.t_6, placed.t_7,
placed.last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) WHEN 5 THEN coalesce(last_exit >= t_5, false) WHEN 6 THEN coalesce(last_exit >= t_6, false) WHEN 7 THEN coalesce(last_exit >= t_7, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) + CAST(t_5 IS NOT NULL AS INTEGER) + CAST(t_6 IS NOT NULL AS INTEGER) + CAST(t_7 IS NOT NULL AS INTEGER) AS reached FROM (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM fast WHERE NOT needs_lists
UNION ALL
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow)) AS placed
JOIN "_account_keys" AS keys ON keys.account_key = placed.account_key),
driver_outcome AS (
SELECT account_id, CASE WHEN reached >= 4 THEN 1 ELSE 0 END AS y
FROM journeys WHERE reached >= 3),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
population AS (SELECT account_id, y FROM driver_outcome WHERE y IS NOT NULL),
factor_scores AS (
WITH
params AS (
SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
FROM (VALUES ($f0_key, $f0_name, $f0_ord, $f0_weight, $f0_target, $f0_zero, $f0_hundred, $f0_max_age), ($f1_key, $f1_name, $f1_ord, $f1_weight, $f1_target, $f1_zero, $f1_hundred, $f1_max_age), ($f2_key, $f2_name, $f2_ord, $f2_weight, $f2_target, $f2_zero, $f2_hundred, $f2_max_age), ($f3_key, $f3_name, $f3_ord, $f3_weight, $f3_target, $f3_zero, $f3_hundred, $f3_max_age), ($f4_key, $f4_name, $f4_ord, $f4_weight, $f4_target, $f4_zero, $f4_hundred, $f4_max_age), ($f5_key, $f5_name, $f5_ord, $f5_weight, $f5_target, $f5_zero, $f5_hundred, $f5_max_age), ($f6_key, $f6_name, $f6_ord, $f6_weight, $f6_target, $f6_zero, $f6_hundred, $f6_max_age), ($f7_key, $f7_name, $f7_ord, $f7_weight, $f7_target, $f7_zero, $f7_hundred, $f7_max_age)) AS v(c0, c1, c2, c3, c4, c5, c6, c7)),
snapshots AS (SELECT CAST(NULL AS TIMESTAMP) AS period, CAST($as_of AS TIMESTAMP) AS at),
usable AS (
-- every rating that can count, on 0–100; multiplying before dividing keeps whole ratings
-- exact (55 → 55.0, not 55.00000000000001)
SELECT r.account_id, r.factor, r.ts, r.source_row, p.max_age_days,
LEAST(GREATEST((r.score - p.zero) * 100 / (p.hundred - p.zero), 0), 100) AS score
FROM "factor_ratings" AS r
JOIN params AS p ON p.factor = r.factor
WHERE r.account_id IS NOT NULL AND r.score IS NOT NULL AND NOT isnan(r.score)
AND p.zero IS NOT NULL
),
rated_now AS (
-- snapshots without a period or an instant ("now"): every known rating, undated ones too
SELECT s.period, u.account_id, u.factor, u.ts, u.source_row, u.score
FROM usable AS u
CROSS JOIN snapshots AS s
WHERE (s.at IS NULL OR u.ts IS NULL OR u.ts <= s.at)
AND (s.period IS NULL OR u.ts IS NOT NULL)   -- undated ratings count now, in no period
AND (s.at IS NULL OR u.ts IS NULL OR u.max_age_days IS NULL
OR u.ts >= s.at - to_days(u.max_age_days))
),
rated AS (
-- the ratings known at each snapshot; for a period's snapshot only each factor's latest
SELECT * FROM rated_now
),
latest AS (
-- the latest rating: by time (undated last), then file row, then the higher score; one
-- grouped pass instead of a sort per (period, account, factor)
SELECT period, account_id, factor,
arg_max(score, (ts IS NOT NULL, coalesce(ts, TIMESTAMP '1970-01-01'),
source_row IS NOT NULL, coalesce(source_row, 0), score)) AS score
FROM rated_now
GROUP BY period, account_id, factor
),
universe AS (
SELECT s.period, u.account_id
FROM snapshots AS s
CROSS JOIN (SELECT DISTINCT account_id FROM latest UNION SELECT account_id FROM "accounts" WHERE account_id IS NOT NULL) AS u
),
scored AS (
SELECT u.period, u.account_id, p.factor, p.factor_name, p.ord, p.weight, p.target,
l.score, p.target - l.score AS gap,
CASE WHEN (l.score) IS NULL OR isnan(l.score) OR (1.0) < $min_coverage THEN 'grey' WHEN round(l.score) < $red_below THEN 'red' WHEN round(l.score) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM universe AS u
CROSS JOIN params AS p
LEFT JOIN latest AS l
ON l.period IS NOT DISTINCT FROM u.period AND l.account_id = u.account_id
AND l.factor = p.factor
),
composite AS (
SELECT period, account_id,
max(score) FILTER (WHERE factor = $f0_key) AS "customer_intent",
max(score) FILTER (WHERE factor = $f1_key) AS "anticipation_of_needs",
max(score) FILTER (WHERE factor = $f2_key) AS "successful_product_adoption",
max(score) FILTER (WHERE factor = $f3_key) AS "outcomes_at_scale",
max(score) FILTER (WHERE factor = $f4_key) AS "relationships",
max(score) FILTER (WHERE factor = $f5_key) AS "communication_and_engagement",
max(score) FILTER (WHERE factor = $f6_key) AS "customer_education",
max(score) FILTER (WHERE factor = $f7_key) AS "optimal_customer_journey",
sum(weight * score) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS composite,
coalesce(sum(weight) FILTER (WHERE score IS NOT NULL), 0) / sum(weight) AS coverage,
first(factor ORDER BY gap DESC, ord)
FILTER (WHERE score IS NOT NULL AND weight > 0) AS weakest_factor,
sum(weight * gap) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS gap
FROM scored
GROUP BY period, account_id
),
per_account AS (
SELECT c.*, CASE WHEN (c.composite) IS NULL OR isnan(c.composite) OR (c.coverage) < $min_coverage THEN 'grey' WHEN round(c.composite) < $red_below THEN 'red' WHEN round(c.composite) > $green_above THEN 'green' ELSE 'yellow' END AS band
FROM composite AS c
)
SELECT account_id, "customer_intent", "anticipation_of_needs", "successful_product_adoption", "outcomes_at_scale", "relationships", "communication_and_engagement", "customer_education", "optimal_customer_journey", composite, coverage, band, weakest_factor, gap
FROM per_account
ORDER BY account_id),
segment_values AS (SELECT 1 AS ord, CAST($d_segment_1 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_segment_2 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."region" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_segment_3 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."industry" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_segment_4 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."csm" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_segment_5 AS VARCHAR) AS column_name, p.account_id, p.y, COALESCE(NULLIF(trim(CAST(a."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS value FROM population p LEFT JOIN acct a ON a.account_id = p.account_id),
measure_values AS (SELECT 1 AS ord, CAST($d_measure_1 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_intent" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 2 AS ord, CAST($d_measure_2 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."anticipation_of_needs" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 3 AS ord, CAST($d_measure_3 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."successful_product_adoption" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 4 AS ord, CAST($d_measure_4 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."outcomes_at_scale" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 5 AS ord, CAST($d_measure_5 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."relationships" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 6 AS ord, CAST($d_measure_6 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."communication_and_engagement" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 7 AS ord, CAST($d_measure_7 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."customer_education" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id UNION ALL SELECT 8 AS ord, CAST($d_measure_8 AS VARCHAR) AS column_name, p.account_id, p.y, TRY_CAST(s."optimal_customer_journey" AS DOUBLE) AS x FROM population p LEFT JOIN factor_scores s ON s.account_id = p.account_id),
measured AS (SELECT * FROM measure_values WHERE x IS NOT NULL AND NOT isnan(x)),
cuts AS (SELECT column_name, quantile_cont(x, [0.25, 0.5, 0.75]) AS q FROM measured GROUP BY column_name),
quartered AS (SELECT m.*, c.q,
CASE WHEN m.x <= c.q[1] THEN 1 WHEN m.x <= c.q[2] THEN 2 WHEN m.x <= c.q[3] THEN 3 ELSE 4 END
AS quartile
FROM measured m JOIN cuts c ON c.column_name = m.column_name)
SELECT column_name, x, y FROM measured ORDER BY ord, account_id
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $code_1 = 2
--   $code_2 = 4
--   $code_3 = 5
--   $code_4 = 6
--   $code_5 = 10
--   $code_6 = 9
--   $code_7 = 1
--   $d_measure_1 = 'customer_intent'
--   $d_measure_2 = 'anticipation_of_needs'
--   $d_measure_3 = 'successful_product_adoption'
--   $d_measure_4 = 'outcomes_at_scale'
--   $d_measure_5 = 'relationships'
--   $d_measure_6 = 'communication_and_engagement'
--   $d_measure_7 = 'customer_education'
--   $d_measure_8 = 'optimal_customer_journey'
--   $d_segment_1 = 'tier'
--   $d_segment_2 = 'region'
--   $d_segment_3 = 'industry'
--   $d_segment_4 = 'csm'
--   $d_segment_5 = 'qbr_last_100_days'
--   $exit_code_1 = 7
--   $exit_code_2 = 3
--   $exit_code_3 = 8
--   $f0_hundred = 5.0
--   $f0_key = 'customer_intent'
--   $f0_max_age = NULL
--   $f0_name = 'Customer intent'
--   $f0_ord = 1
--   $f0_target = 80.0
--   $f0_weight = 1.0
--   $f0_zero = 1.0
--   $f1_hundred = 5.0
--   $f1_key = 'anticipation_of_needs'
--   $f1_max_age = NULL
--   $f1_name = 'Anticipation of needs and behaviours'
--   $f1_ord = 2
--   $f1_target = 80.0
--   $f1_weight = 1.0
--   $f1_zero = 1.0
--   $f2_hundred = 5.0
--   $f2_key = 'successful_product_adoption'
--   $f2_max_age = NULL
--   $f2_name = 'Successful product adoption'
--   $f2_ord = 3
--   $f2_target = 80.0
--   $f2_weight = 1.0
--   $f2_zero = 1.0
--   $f3_hundred = 5.0
--   $f3_key = 'outcomes_at_scale'
--   $f3_max_age = NULL
--   $f3_name = 'Outcomes at scale'
--   $f3_ord = 4
--   $f3_target = 80.0
--   $f3_weight = 1.0
--   $f3_zero = 1.0
--   $f4_hundred = 5.0
--   $f4_key = 'relationships'
--   $f4_max_age = NULL
--   $f4_name = 'Relationships'
--   $f4_ord = 5
--   $f4_target = 80.0
--   $f4_weight = 1.0
--   $f4_zero = 1.0
--   $f5_hundred = 5.0
--   $f5_key = 'communication_and_engagement'
--   $f5_max_age = NULL
--   $f5_name = 'Communication and engagement'
--   $f5_ord = 6
--   $f5_target = 80.0
--   $f5_weight = 1.0
--   $f5_zero = 1.0
--   $f6_hundred = 5.0
--   $f6_key = 'customer_education'
--   $f6_max_age = NULL
--   $f6_name = 'Customer education'
--   $f6_ord = 7
--   $f6_target = 80.0
--   $f6_weight = 1.0
--   $f6_zero = 1.0
--   $f7_hundred = 5.0
--   $f7_key = 'optimal_customer_journey'
--   $f7_max_age = NULL
--   $f7_name = 'Optimal customer journey'
--   $f7_ord = 8
--   $f7_target = 80.0
--   $f7_weight = 1.0
--   $f7_zero = 1.0
--   $green_above = 75.0
--   $min_coverage = 0.5
--   $red_below = 50.0
