-- cxlib.outcome_history.quarterly_summary(con, OutcomeSpec(experience='factor:customer_intent'), settings=settings, config=ws.score_config)
-- snapshot outcome_history_quarters_factor_customer_intent: 3 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/3]
SELECT dated, named FROM "_cx_dates"
;

-- [2/3]
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

-- [3/3]
WITH
acct AS (
SELECT account_id, name, stage, arr, renewal_date, '(none)' AS segment
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
measure_answers AS (
SELECT account_id, ts, source_row, score
FROM "factor_ratings"
WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score)
AND list_contains($o_factors, factor)
AND (ts IS NULL OR ts <= $o_as_of)
),
dated_answers AS (
SELECT * FROM measure_answers WHERE ts IS NOT NULL
),
bounds AS (
SELECT (date_trunc($period_unit, CAST(min(ts) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS first_start,
(date_trunc($period_unit, CAST(CAST($o_as_of AS TIMESTAMP) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS last_start
FROM dated_answers
),
quarter_list AS (
SELECT unnest(generate_series(coalesce(first_start, last_start), last_start, INTERVAL 3 MONTH))
AS quarter_start
FROM bounds
),
quarter_ends AS (
SELECT quarter_start, 'FY' || CAST(year(quarter_start - to_months($fy_shift)) + CASE WHEN $fy_shift > 0 THEN 1 ELSE 0 END AS VARCHAR) || ' Q' || CAST(quarter(quarter_start - to_months($fy_shift)) AS VARCHAR) AS quarter,
quarter_start + INTERVAL 3 MONTH AS next_start,
quarter_start + INTERVAL 3 MONTH > $o_as_of AS partial,
CASE WHEN quarter_start + INTERVAL 3 MONTH > $o_as_of THEN CAST($o_as_of AS DATE)
ELSE CAST(quarter_start + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) END AS at_day
FROM quarter_list
),
score_history AS (
WITH
params AS (
SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
FROM (VALUES ($f0_key, $f0_name, $f0_ord, $f0_weight, $f0_target, $f0_zero, $f0_hundred, $f0_max_age), ($f1_key, $f1_name, $f1_ord, $f1_weight, $f1_target, $f1_zero, $f1_hundred, $f1_max_age), ($f2_key, $f2_name, $f2_ord, $f2_weight, $f2_target, $f2_zero, $f2_hundred, $f2_max_age), ($f3_key, $f3_name, $f3_ord, $f3_weight, $f3_target, $f3_zero, $f3_hundred, $f3_max_age), ($f4_key, $f4_name, $f4_ord, $f4_weight, $f4_target, $f4_zero, $f4_hundred, $f4_max_age), ($f5_key, $f5_name, $f5_ord, $f5_weight, $f5_target, $f5_zero, $f5_hundred, $f5_max_age), ($f6_key, $f6_name, $f6_ord, $f6_weight, $f6_target, $f6_zero, $f6_hundred, $f6_max_age), ($f7_key, $f7_name, $f7_ord, $f7_weight, $f7_target, $f7_zero, $f7_hundred, $f7_max_age)) AS v(c0, c1, c2, c3, c4, c5, c6, c7)),
snapshots AS (
SELECT quarter_start AS period,
LEAST(next_start - INTERVAL 1 MICROSECOND, CAST($o_as_of AS TIMESTAMP)) AS at,
CAST(at_day AS TIMESTAMP) AS age_from
FROM quarter_ends),
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
dated AS (
-- one sort in the tie order: a timestamp's last rating wins it (the others' intervals are
-- empty), the next row's timestamp ends it (NULL after an account-factor's latest); one
-- global order is cheaper than a window partitioned by the two names
SELECT *,
CASE WHEN lead(account_id) OVER w = account_id AND lead(factor) OVER w = factor
THEN lead(ts) OVER w END AS next_ts
FROM usable
WHERE ts IS NOT NULL
WINDOW w AS (ORDER BY account_id, factor, ts, source_row ASC NULLS FIRST, score)
),
rated_periods AS (
SELECT s.period, d.account_id, d.factor, d.ts, d.source_row, d.score
FROM dated AS d
JOIN snapshots AS s
ON d.ts <= s.at AND s.at < coalesce(d.next_ts, TIMESTAMP 'infinity')
WHERE s.period IS NOT NULL
AND (d.max_age_days IS NULL OR d.ts >= s.age_from - to_days(d.max_age_days))
),
rated_now AS (
-- snapshots without a period or an instant ("now"): every known rating, undated ones too
SELECT s.period, u.account_id, u.factor, u.ts, u.source_row, u.score
FROM usable AS u
CROSS JOIN snapshots AS s
WHERE (s.period IS NULL OR s.at IS NULL)
AND (s.at IS NULL OR u.ts IS NULL OR u.ts <= s.at)
AND (s.period IS NULL OR u.ts IS NOT NULL)   -- undated ratings count now, in no period
AND (s.at IS NULL OR u.ts IS NULL OR u.max_age_days IS NULL
OR u.ts >= s.age_from - to_days(u.max_age_days))
),
rated AS (
-- the ratings known at each snapshot; for a period's snapshot only each factor's latest
SELECT * FROM rated_now
UNION ALL SELECT * FROM rated_periods
),
latest AS (
-- the latest rating: by time (undated last), then file row, then the higher score; one
-- grouped pass instead of a sort per (period, account, factor)
SELECT period, account_id, factor,
arg_max(score, (ts IS NOT NULL, coalesce(ts, TIMESTAMP '1970-01-01'),
source_row IS NOT NULL, coalesce(source_row, 0), score)) AS score
FROM rated_now
GROUP BY period, account_id, factor
UNION ALL
SELECT period, account_id, factor, score FROM rated_periods
),
universe AS (
SELECT s.period, u.account_id
FROM snapshots AS s
CROSS JOIN (SELECT DISTINCT account_id FROM latest ) AS u
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
SELECT period AS quarter_start, account_id, "customer_intent" AS score
FROM per_account
),
latest_at AS (
SELECT qe.quarter_start, a.account_id, h.score, a.ts AS measured_at,
date_diff('day', CAST(a.ts AS DATE), qe.at_day) AS age_days
FROM quarter_ends AS qe
JOIN dated_answers AS a ON a.ts < qe.next_start
LEFT JOIN score_history AS h ON h.quarter_start = qe.quarter_start AND h.account_id = a.account_id
QUALIFY row_number() OVER (PARTITION BY qe.quarter_start, a.account_id
ORDER BY a.ts DESC, a.source_row DESC NULLS LAST) = 1
),
outcome AS (
SELECT account_id, outcome AS outcome_value
FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
),
universe AS (
SELECT account_id FROM outcome
UNION
SELECT account_id FROM measure_answers
),
measured_at_end AS (
SELECT qe.quarter_start, qe.quarter, qe.partial, qe.at_day, u.account_id,
coalesce(a.segment, '(none)') AS segment, a.arr,
o.outcome_value,
CASE WHEN l.age_days <= $o_stale_days THEN l.score END AS experience_value,
l.measured_at, l.age_days
FROM quarter_ends AS qe
CROSS JOIN universe AS u
LEFT JOIN outcome AS o ON o.account_id = u.account_id
LEFT JOIN latest_at AS l ON l.quarter_start = qe.quarter_start AND l.account_id = u.account_id
LEFT JOIN acct AS a ON a.account_id = u.account_id
),
quadrants_at AS (
SELECT *, CASE WHEN outcome_value IS NULL OR isnan(outcome_value)
OR experience_value IS NULL OR isnan(experience_value) THEN 'unknown'
WHEN outcome_value >= $o_outcome_threshold
AND experience_value >= $o_experience_threshold THEN 'successful'
WHEN outcome_value >= $o_outcome_threshold THEN 'outcome without the right experience'
WHEN experience_value >= $o_experience_threshold THEN 'good experience without the outcome'
ELSE 'neither' END AS quadrant
FROM measured_at_end
),
quadrant_list AS (SELECT * FROM (VALUES ('successful', 0), ('outcome without the right experience', 1), ('good experience without the outcome', 2), ('neither', 3), ('unknown', 4)) AS v(quadrant, ord)),
grid AS (
SELECT qe.quarter_start, qe.quarter, qe.partial, s.segment, ql.quadrant, ql.ord
FROM quarter_ends AS qe
CROSS JOIN (SELECT DISTINCT segment FROM quadrants_at) AS s
CROSS JOIN quadrant_list AS ql
),
counts AS (
SELECT g.quarter_start, g.quarter, g.partial, g.segment, g.quadrant, g.ord,
count(m.account_id) AS accounts,
coalesce(sum(m.arr), 0.0) AS arr
FROM grid AS g
LEFT JOIN quadrants_at AS m
ON m.quarter_start = g.quarter_start AND m.segment = g.segment AND m.quadrant = g.quadrant
GROUP BY ALL
)
SELECT quarter_start, quarter, segment, quadrant, accounts,
CASE WHEN quadrant <> 'unknown' THEN accounts / NULLIF(sum(accounts)
FILTER (WHERE quadrant <> 'unknown') OVER (PARTITION BY quarter_start, segment), 0) END AS share,
arr,
CASE WHEN quadrant <> 'unknown' THEN arr / NULLIF(sum(arr)
FILTER (WHERE quadrant <> 'unknown') OVER (PARTITION BY quarter_start, segment), 0) END AS arr_share,
partial
FROM counts
ORDER BY quarter_start, segment = '(none)', segment, ord
;
-- params:
--   $f0_hundred = 5.0
--   $f0_key = 'customer_intent'
--   $f0_max_age = 180
--   $f0_name = 'Customer intent'
--   $f0_ord = 1
--   $f0_target = 80.0
--   $f0_weight = 1.0
--   $f0_zero = 1.0
--   $f1_hundred = 5.0
--   $f1_key = 'anticipation_of_needs'
--   $f1_max_age = 180
--   $f1_name = 'Anticipation of needs and behaviours'
--   $f1_ord = 2
--   $f1_target = 80.0
--   $f1_weight = 1.0
--   $f1_zero = 1.0
--   $f2_hundred = 5.0
--   $f2_key = 'successful_product_adoption'
--   $f2_max_age = 180
--   $f2_name = 'Successful product adoption'
--   $f2_ord = 3
--   $f2_target = 80.0
--   $f2_weight = 1.0
--   $f2_zero = 1.0
--   $f3_hundred = 5.0
--   $f3_key = 'outcomes_at_scale'
--   $f3_max_age = 180
--   $f3_name = 'Outcomes at scale'
--   $f3_ord = 4
--   $f3_target = 80.0
--   $f3_weight = 1.0
--   $f3_zero = 1.0
--   $f4_hundred = 5.0
--   $f4_key = 'relationships'
--   $f4_max_age = 180
--   $f4_name = 'Relationships'
--   $f4_ord = 5
--   $f4_target = 80.0
--   $f4_weight = 1.0
--   $f4_zero = 1.0
--   $f5_hundred = 5.0
--   $f5_key = 'communication_and_engagement'
--   $f5_max_age = 180
--   $f5_name = 'Communication and engagement'
--   $f5_ord = 6
--   $f5_target = 80.0
--   $f5_weight = 1.0
--   $f5_zero = 1.0
--   $f6_hundred = 5.0
--   $f6_key = 'customer_education'
--   $f6_max_age = 180
--   $f6_name = 'Customer education'
--   $f6_ord = 7
--   $f6_target = 80.0
--   $f6_weight = 1.0
--   $f6_zero = 1.0
--   $f7_hundred = 5.0
--   $f7_key = 'optimal_customer_journey'
--   $f7_max_age = 180
--   $f7_name = 'Optimal customer journey'
--   $f7_ord = 8
--   $f7_target = 80.0
--   $f7_weight = 1.0
--   $f7_zero = 1.0
--   $fy_shift = 0
--   $green_above = 75.0
--   $min_coverage = 0.5
--   $o_as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $o_experience_threshold = 75.0
--   $o_factors = ['customer_intent']
--   $o_outcome_threshold = 0.5
--   $o_stale_days = 180
--   $period_unit = 'quarter'
--   $red_below = 50.0
