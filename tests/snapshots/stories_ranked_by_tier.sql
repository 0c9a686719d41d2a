-- cxlib.stories.find_stories(con, settings, ws.score_config, StoryConfig(), ws.warning_config, 'tier')
-- snapshot stories_ranked_by_tier: 7 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/7]
SELECT dated, named FROM "_cx_dates"
;

-- [2/7]
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

-- [3/7]
SELECT dated, named FROM "_cx_dates"
;

-- [4/7]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [5/7]
SELECT * FROM "accounts" LIMIT 0
;

-- [6/7]
WITH raw_roles AS (
SELECT NULLIF(trim(CAST(respondent_role AS VARCHAR)), '') AS value
FROM "surveys"
)
SELECT value, count(*) AS rows FROM raw_roles WHERE value IS NOT NULL
GROUP BY value ORDER BY rows DESC, value
;

-- [7/7]
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
ew_customers AS (
SELECT account_id FROM spells WHERE spell_end IS NULL
UNION
SELECT a.account_id FROM acct AS a
WHERE list_contains($customer_stages, a.stage)
AND a.account_id NOT IN (SELECT account_id FROM "journey_events" WHERE account_id IS NOT NULL)
EXCEPT
SELECT account_id FROM acct WHERE churned
),
stage_order_list AS (SELECT CAST(c0 AS VARCHAR) AS stage, CAST(c1 AS INTEGER) AS ord FROM (VALUES ($s0_name, $s0_ord), ($s1_name, $s1_ord), ($s2_name, $s2_ord), ($s3_name, $s3_ord), ($s4_name, $s4_ord), ($s5_name, $s5_ord), ($s6_name, $s6_ord), ($s7_name, $s7_ord), ($s8_name, $s8_ord), ($s9_name, $s9_ord)) AS v(c0, c1)),
latest_event AS (
SELECT e.account_id, e.stage
FROM "journey_events" AS e
LEFT JOIN stage_order_list AS o ON o.stage = e.stage
WHERE e.account_id IS NOT NULL AND e.stage IS NOT NULL
AND ($as_of IS NULL OR e.ts IS NULL OR e.ts <= $as_of)
QUALIFY row_number() OVER (
PARTITION BY e.account_id
ORDER BY e.ts DESC NULLS LAST, o.ord DESC NULLS LAST, e.source_row DESC NULLS LAST) = 1
),
current_stage AS (
SELECT coalesce(le.account_id, a.account_id) AS account_id, coalesce(le.stage, a.stage) AS stage
FROM latest_event AS le
FULL JOIN (SELECT account_id, stage FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)) AS a
ON a.account_id = le.account_id
),
params AS (
SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
FROM (VALUES ($f0_key, $f0_name, $f0_ord, $f0_weight, $f0_target, $f0_zero, $f0_hundred, $f0_max_age), ($f1_key, $f1_name, $f1_ord, $f1_weight, $f1_target, $f1_zero, $f1_hundred, $f1_max_age), ($f2_key, $f2_name, $f2_ord, $f2_weight, $f2_target, $f2_zero, $f2_hundred, $f2_max_age), ($f3_key, $f3_name, $f3_ord, $f3_weight, $f3_target, $f3_zero, $f3_hundred, $f3_max_age), ($f4_key, $f4_name, $f4_ord, $f4_weight, $f4_target, $f4_zero, $f4_hundred, $f4_max_age), ($f5_key, $f5_name, $f5_ord, $f5_weight, $f5_target, $f5_zero, $f5_hundred, $f5_max_age), ($f6_key, $f6_name, $f6_ord, $f6_weight, $f6_target, $f6_zero, $f6_hundred, $f6_max_age), ($f7_key, $f7_name, $f7_ord, $f7_weight, $f7_target, $f7_zero, $f7_hundred, $f7_max_age)) AS v(c0, c1, c2, c3, c4, c5, c6, c7)),
snapshots AS (
WITH bounds AS (
SELECT (date_trunc($period_unit, CAST(min(ts) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS first_period,
(date_trunc($period_unit, CAST(CAST($as_of AS TIMESTAMP) AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS last_period
FROM "factor_ratings"
WHERE ts IS NOT NULL AND ts <= $as_of
),
periods AS (
SELECT unnest(generate_series(first_period, last_period, to_months($step_months))) AS period
FROM bounds
WHERE first_period IS NOT NULL
)
SELECT period,
LEAST(period + to_months($step_months) - INTERVAL 1 MICROSECOND, CAST($as_of AS TIMESTAMP)) AS at
FROM periods),
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
AND (d.max_age_days IS NULL OR d.ts >= s.at - to_days(d.max_age_days))
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
OR u.ts >= s.at - to_days(u.max_age_days))
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
),
st_eligible AS (
SELECT c.account_id, cs.stage, COALESCE(NULLIF(trim(CAST(a."__st_segment" AS VARCHAR)), ''), '(none)') AS segment
FROM ew_customers AS c
LEFT JOIN current_stage AS cs USING (account_id)
LEFT JOIN (SELECT account_id, "tier" AS "__st_segment" FROM acct) AS a USING (account_id)
WHERE cs.stage IS NULL OR (cs.stage <> $disappointment AND cs.stage <> $churn_stage)
),
st_events AS (
SELECT e.account_id, e.stage, e.ts, e.source_row
FROM "journey_events" AS e JOIN st_eligible USING (account_id)
WHERE e.stage IS NOT NULL AND e.ts IS NOT NULL AND e.ts <= CAST($as_of AS TIMESTAMP)
),
st_answers AS (
SELECT s.account_id, upper(trim(s.survey_type)) AS kind, s.score, s.ts, s.source_row,
NULLIF(trim(CAST(s.comment AS VARCHAR)), '') AS comment,
coalesce(list_contains($leader_values, NULLIF(trim(CAST(s.respondent_role AS VARCHAR)), '')), false)
AS leader,
NULLIF(trim(CAST(s.respondent_role AS VARCHAR)), '') AS role_value
FROM "surveys" AS s JOIN st_eligible USING (account_id)
WHERE s.score IS NOT NULL AND NOT isnan(s.score) AND (s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))
),
st_nps AS (
SELECT * FROM st_answers WHERE kind = 'NPS' AND score BETWEEN 0 AND 10 AND score = floor(score)
),
st_csat_low AS (
SELECT * FROM st_answers
WHERE kind = 'CSAT' AND ts IS NOT NULL AND score BETWEEN $csat_low AND $csat_high AND score = floor(score)
AND score < ($csat_low + $csat_high) / 2.0
),
st_rated_at AS (
SELECT period, account_id, max(ts) AS rated_at FROM rated WHERE ts IS NOT NULL GROUP BY period, account_id
),
st_composites AS (
SELECT DISTINCT p.account_id, r.rated_at AS ts, p.composite, p.band
FROM per_account AS p JOIN st_eligible USING (account_id)
JOIN st_rated_at AS r ON r.period = p.period AND r.account_id = p.account_id
WHERE p.band IN ('red', 'green')
),
st_lows AS (
SELECT account_id, ts, 1 AS kind_ord, 'disappointment' AS kind, CAST(NULL AS DOUBLE) AS value
FROM st_events WHERE stage = $disappointment
UNION ALL SELECT account_id, ts, 2, 'nps', score FROM st_nps WHERE ts IS NOT NULL AND score <= 6
UNION ALL SELECT account_id, ts, 3, 'csat', score FROM st_csat_low
UNION ALL SELECT account_id, ts, 4, 'red', composite FROM st_composites WHERE band = 'red'
),
st_recoveries AS (
SELECT account_id, ts, 1 AS kind_ord, 'stage' AS kind, stage AS label, CAST(NULL AS DOUBLE) AS value
FROM st_events WHERE list_contains($recovery_stages, stage)
UNION ALL SELECT account_id, ts, 2, 'nps', NULL, score FROM st_nps WHERE ts IS NOT NULL AND score >= 9
UNION ALL SELECT account_id, ts, 3, 'green', NULL, composite FROM st_composites WHERE band = 'green'
),
st_overcome AS (
SELECT l.account_id, l.kind AS low_kind, l.ts AS low_ts, l.value AS low_value,
r.kind AS recovery_kind, r.label AS recovery_label, r.ts AS recovery_ts, r.value AS recovery_value
FROM st_lows AS l
JOIN st_recoveries AS r ON r.account_id = l.account_id AND CAST(r.ts AS DATE) > CAST(l.ts AS DATE)
QUALIFY row_number() OVER (PARTITION BY l.account_id
ORDER BY l.ts DESC, l.kind_ord, r.ts, r.kind_ord) = 1
),
st_intent AS (
SELECT a.account_id, a.intent
FROM acct AS a JOIN st_eligible USING (account_id)
WHERE NULLIF(trim(a.intent), '') IS NOT NULL
AND EXISTS (SELECT 1 FROM unnest($intent_keywords) AS k(word)
WHERE contains(strip_accents(lower(a.intent)), k.word))
),
st_challenge AS (
SELECT e.account_id,
CASE WHEN o.account_id IS NOT NULL THEN 1.0 WHEN i.account_id IS NOT NULL THEN 0.5 ELSE 0.0 END
AS challenge,
o.low_kind, o.low_ts, o.low_value, o.recovery_kind, o.recovery_label, o.recovery_ts, o.recovery_value,
i.intent AS intent_text
FROM st_eligible AS e
LEFT JOIN st_overcome AS o USING (account_id)
LEFT JOIN st_intent AS i USING (account_id)
),
st_decision AS (
SELECT account_id, min(ts) AS decision_ts FROM st_events WHERE stage = $decision GROUP BY account_id
),
st_usage AS (
SELECT d.account_id, min(e.ts) AS usage_ts
FROM st_decision AS d JOIN st_events AS e ON e.account_id = d.account_id AND e.stage = $usage
AND e.ts >= d.decision_ts
GROUP BY d.account_id
),
st_days AS (
SELECT e.account_id, e.segment, d.decision_ts, u.usage_ts,
date_diff('day', CAST(d.decision_ts AS DATE), CAST(u.usage_ts AS DATE)) AS days_to_value
FROM st_eligible AS e
LEFT JOIN st_decision AS d USING (account_id)
LEFT JOIN st_usage AS u USING (account_id)
),
st_ranks AS (
SELECT account_id,
1 - percent_rank() OVER (PARTITION BY segment ORDER BY days_to_value) AS timing,
count(*) OVER (PARTITION BY segment) AS peers
FROM st_days WHERE days_to_value IS NOT NULL
),
st_timing AS (
SELECT d.account_id, d.segment, d.decision_ts, d.usage_ts, d.days_to_value,
coalesce(r.timing, 0.0) AS timing, r.peers
FROM st_days AS d LEFT JOIN st_ranks AS r USING (account_id)
),
st_latest_nps AS (
SELECT account_id, score AS nps_score, ts AS nps_ts, leader AS nps_leader, role_value AS nps_role
FROM st_nps
QUALIFY row_number() OVER (PARTITION BY account_id
ORDER BY leader DESC, ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1
),
st_advocacy AS (
SELECT account_id, min(ts) AS advocacy_ts FROM st_events WHERE stage = $advocacy GROUP BY account_id
),
st_celebration AS (
SELECT e.account_id, a.outcome AS outcome_value,
coalesce(a.outcome >= $outcome_threshold, false) AS outcome_achieved,
n.nps_score, n.nps_ts, n.nps_leader, n.nps_role,
coalesce(n.nps_score >= 9, false) AS nps_promoter,
v.advocacy_ts, v.advocacy_ts IS NOT NULL OR e.stage = $advocacy AS reached_advocacy,
(CAST(coalesce(a.outcome >= $outcome_threshold, false) AS DOUBLE)
+ CAST(coalesce(n.nps_score >= 9, false) AS DOUBLE)
+ CAST(v.advocacy_ts IS NOT NULL OR coalesce(e.stage = $advocacy, false) AS DOUBLE)) / 3.0 AS celebration
FROM st_eligible AS e
LEFT JOIN acct AS a USING (account_id)
LEFT JOIN st_latest_nps AS n USING (account_id)
LEFT JOIN st_advocacy AS v USING (account_id)
),
st_quote AS (
SELECT account_id, comment AS quote, score AS quote_score, ts AS quote_ts
FROM st_nps WHERE score >= 9 AND comment IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY account_id
ORDER BY length(comment) DESC, ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1
),
st_reference AS (
SELECT x.account_id, max(x.ts) AS reference_ts
FROM "activities" AS x JOIN st_eligible USING (account_id)
WHERE x.activity_type = 'reference' AND x.done AND x.ts IS NOT NULL
AND CAST(x.ts AS DATE) >= CAST($as_of AS DATE) - CAST($reference_days AS INTEGER)
AND x.ts <= CAST($as_of AS TIMESTAMP)
GROUP BY x.account_id
),
st_stories AS (
SELECT e.account_id, a.name, e.segment, e.stage,
100 * ($w_challenge * c.challenge + $w_timing * t.timing + $w_celebration * w.celebration)
/ ($w_challenge + $w_timing + $w_celebration) AS score,
c.challenge, t.timing, w.celebration, t.days_to_value, t.decision_ts, t.usage_ts, t.peers,
c.low_kind, c.low_ts, c.low_value, c.recovery_kind, c.recovery_label, c.recovery_ts, c.recovery_value,
c.intent_text,
w.outcome_value, w.outcome_achieved, w.nps_score, w.nps_ts, w.nps_leader, w.nps_role, w.nps_promoter,
w.advocacy_ts, w.reached_advocacy,
q.quote, q.quote_score, q.quote_ts,
r.reference_ts IS NOT NULL AS recent_reference, r.reference_ts
FROM st_eligible AS e
LEFT JOIN acct AS a USING (account_id)
JOIN st_challenge AS c USING (account_id)
JOIN st_timing AS t USING (account_id)
JOIN st_celebration AS w USING (account_id)
LEFT JOIN st_quote AS q USING (account_id)
LEFT JOIN st_reference AS r USING (account_id)
)
SELECT * FROM st_stories ORDER BY score DESC, account_id
;
-- params:
--   $advocacy = 'Advocacy'
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $churn_stage = 'Churn'
--   $csat_high = 5
--   $csat_low = 1
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $decision = 'Decision'
--   $disappointment = 'Disappointment'
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
--   $fy_shift = 0
--   $green_above = 75.0
--   $intent_keywords = ['legacy', 'replace', 'switched from', 'switch from', 'switching from', 'migrated from', 'migrate from', 'moved from', 'competitor', 'remplac', 'ancien systeme', 'ancien outil', 'systeme existant', 'concurrent', 'migre depuis', 'sostitu', 'vecchio sistema', 'sistema legacy', 'concorrent', 'passati da', 'substitu', 'sistema legado', 'legado', 'concorrente', 'migramos de', 'trocamos', 'lecserel', 'kivalt', 'regi rendszer', 'versenytars', 'atalltunk', '替换', '取代', '旧系统', '遗留', '竞争对手', '竞品', '迁移自', '转用']
--   $leader_values = ['Decision maker', 'Executive']
--   $min_coverage = 0.5
--   $outcome_threshold = 0.5
--   $period_unit = 'month'
--   $recovery_stages = ['Usage', 'Loyalty', 'Advocacy']
--   $red_below = 50.0
--   $reference_days = 90
--   $s0_name = 'Awareness'
--   $s0_ord = 1
--   $s1_name = 'Consideration'
--   $s1_ord = 2
--   $s2_name = 'Decision'
--   $s2_ord = 3
--   $s3_name = 'Delivery'
--   $s3_ord = 4
--   $s4_name = 'Usage'
--   $s4_ord = 5
--   $s5_name = 'Loyalty'
--   $s5_ord = 6
--   $s6_name = 'Advocacy'
--   $s6_ord = 7
--   $s7_name = 'Disappointment'
--   $s7_ord = 8
--   $s8_name = 'Churn'
--   $s8_ord = 9
--   $s9_name = 'Lost deal'
--   $s9_ord = 10
--   $step_months = 1
--   $usage = 'Usage'
--   $w_celebration = 0.35
--   $w_challenge = 0.35
--   $w_timing = 0.3
