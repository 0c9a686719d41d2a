-- cxlib.drivers.drivers(con, Outcome('churned'), settings, mapping=ws.mapping, score_config=ws.score_config)
-- snapshot drivers_churned: 11 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/11]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [2/11]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/11]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [4/11]
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

-- [5/11]
SELECT dated, named FROM "_cx_dates"
;

-- [6/11]
SELECT dated, named FROM "_cx_dates"
;

-- [7/11]
SELECT * FROM "accounts" LIMIT 0
;

-- [8/11]
WITH driver_outcome AS (WITH ev AS (
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
spell_state AS (
SELECT account_id, arg_max(spell_end IS NOT NULL, spell_start) AS churned FROM spells GROUP BY account_id
),
flag_state AS (SELECT account_id, churned FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS one WHERE churned IS NOT NULL),
churn_status AS (
SELECT coalesce(f.account_id, s.account_id) AS account_id,
coalesce(f.churned, false) OR coalesce(s.churned, false) AS churned
FROM flag_state f FULL JOIN spell_state s ON s.account_id = f.account_id
)
SELECT account_id, CASE WHEN churned THEN 1 ELSE 0 END AS y FROM churn_status),
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
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
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

-- [9/11]
WITH driver_outcome AS (WITH ev AS (
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
spell_state AS (
SELECT account_id, arg_max(spell_end IS NOT NULL, spell_start) AS churned FROM spells GROUP BY account_id
),
flag_state AS (SELECT account_id, churned FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS one WHERE churned IS NOT NULL),
churn_status AS (
SELECT coalesce(f.account_id, s.account_id) AS account_id,
coalesce(f.churned, false) OR coalesce(s.churned, false) AS churned
FROM flag_state f FULL JOIN spell_state s ON s.account_id = f.account_id
)
SELECT account_id, CASE WHEN churned THEN 1 ELSE 0 END AS y FROM churn_status),
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
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
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

-- [10/11]
WITH driver_outcome AS (WITH ev AS (
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
spell_state AS (
SELECT account_id, arg_max(spell_end IS NOT NULL, spell_start) AS churned FROM spells GROUP BY account_id
),
flag_state AS (SELECT account_id, churned FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS one WHERE churned IS NOT NULL),
churn_status AS (
SELECT coalesce(f.account_id, s.account_id) AS account_id,
coalesce(f.churned, false) OR coalesce(s.churned, false) AS churned
FROM flag_state f FULL JOIN spell_state s ON s.account_id = f.account_id
)
SELECT account_id, CASE WHEN churned THEN 1 ELSE 0 END AS y FROM churn_status),
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
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
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

-- [11/11]
WITH driver_outcome AS (WITH ev AS (
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
spell_state AS (
SELECT account_id, arg_max(spell_end IS NOT NULL, spell_start) AS churned FROM spells GROUP BY account_id
),
flag_state AS (SELECT account_id, churned FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS one WHERE churned IS NOT NULL),
churn_status AS (
SELECT coalesce(f.account_id, s.account_id) AS account_id,
coalesce(f.churned, false) OR coalesce(s.churned, false) AS churned
FROM flag_state f FULL JOIN spell_state s ON s.account_id = f.account_id
)
SELECT account_id, CASE WHEN churned THEN 1 ELSE 0 END AS y FROM churn_status),
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
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
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
