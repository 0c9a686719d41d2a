-- cxlib.early_warning.signal_summary(con, prepare(con, WarningConfig(), ws.score_config, settings))
-- snapshot early_warning_signal_summary: 12 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/12]
SELECT dated, named FROM "_cx_dates"
;

-- [2/12]
SELECT EXISTS (SELECT 1 FROM "journey_events")
;

-- [3/12]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [4/12]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [5/12]
SELECT codes, t_max FROM "_journey_span"
;

-- [6/12]
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
SELECT placed.account_key, placed.reached, placed.t_1, placed.t_2, placed.t_3, placed.t_4, placed.t_5, placed.t_6, placed.t_7,
placed.last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) WHEN 5 THEN coalesce(last_exit >= t_5, false) WHEN 6 THEN coalesce(last_exit >= t_6, false) WHEN 7 THEN coalesce(last_exit >= t_7, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) + CAST(t_5 IS NOT NULL AS INTEGER) + CAST(t_6 IS NOT NULL AS INTEGER) + CAST(t_7 IS NOT NULL AS INTEGER) AS reached FROM (
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM fast WHERE NOT needs_lists
UNION ALL
SELECT account_key, t_1, t_2, t_3, t_4, t_5, t_6, t_7, last_exit FROM slow)) AS placed),
weighted AS MATERIALIZED (
SELECT *, '' AS segment, CAST(1 AS DOUBLE) AS w, true AS in_accounts, false AS null_arr FROM journeys),
step1 AS (
SELECT segment, count(*) AS n, coalesce(sum(w), 0) AS w,
count(*) FILTER (WHERE NOT in_accounts) AS missing_accounts,
count(*) FILTER (WHERE null_arr) AS null_arr
FROM weighted GROUP BY segment),
step_rows AS (
SELECT segment, w, exited, step, step <= reached AS converted,
CASE WHEN step <= reached THEN times[step] - times[step - 1]
WHEN exited THEN greatest(epoch_us(last_exit) - times[step - 1], 0)
ELSE greatest(epoch_us(CAST($as_of AS TIMESTAMP)) - times[step - 1], 0)
END AS dur_us
FROM (SELECT segment, w, exited, reached, last_exit, [epoch_us(t_1), epoch_us(t_2), epoch_us(t_3), epoch_us(t_4), epoch_us(t_5), epoch_us(t_6), epoch_us(t_7)] AS times,
unnest(range(2, least(reached + 1, 7) + 1)) AS step
FROM weighted)),
per_step AS (
SELECT segment, step,
count(*) FILTER (WHERE converted) AS n,
coalesce(sum(w) FILTER (WHERE converted), 0) AS w,
coalesce(sum(w) FILTER (WHERE NOT converted AND exited), 0) AS wx,
count(*) FILTER (WHERE NOT converted) AS censored,
quantile_cont(dur_us / 86400000000.0, [0.5, 0.9]) FILTER (WHERE converted) AS q,
list_sort(list(dur_us * 2 + CAST(NOT converted AS BIGINT)) FILTER (WHERE dur_us IS NOT NULL))
AS km_sorted
FROM step_rows GROUP BY segment, step),
km_marks AS (
SELECT segment, step, len(km_sorted) AS total, 0 AS p FROM per_step WHERE step > 1
UNION ALL
SELECT segment, step, len(km_sorted) AS total,
unnest(list_filter(list_transform(km_sorted, lambda x, i: CASE WHEN x & 1 = 1 THEN i END),
lambda i: i IS NOT NULL)) AS p
FROM per_step WHERE step > 1),
km_segments AS (
SELECT segment, step, total, p,
sum(CASE WHEN p > 0 AND p < total THEN ln((total - p + 1.0) / (total - p)) ELSE 0 END)
OVER w AS lift,
lead(p) OVER w AS next_p
FROM km_marks
WINDOW w AS (PARTITION BY segment, step ORDER BY p ROWS UNBOUNDED PRECEDING)),
km_first AS (
SELECT segment, step, min(i) AS i
FROM (SELECT segment, step, total, next_p,
greatest(p + 1, CAST(ceil(total - 0.5 * total * exp(-lift) - 1e-9 * total) AS BIGINT)) AS i
FROM km_segments)
WHERE total > 0 AND i < coalesce(next_p, total + 1)
GROUP BY segment, step),
grid AS (
SELECT segment, unnest(range(1, 8)) AS step, n AS n_1, w AS w_1, missing_accounts, null_arr
FROM step1),
result AS (
SELECT g.segment, g.step,
CASE WHEN g.step = 1 THEN g.n_1 ELSE coalesce(s.n, 0) END AS n,
CASE WHEN g.step = 1 THEN g.w_1 ELSE coalesce(s.w, 0) END AS w,
coalesce(s.wx, 0) AS wx, s.q[1] AS median, s.q[2] AS p90,
CASE WHEN g.step > 1 THEN coalesce(s.censored, 0) END AS censored,
(s.km_sorted[k.i] >> 1) / 86400000000.0 AS km_median,
g.missing_accounts, g.null_arr
FROM grid g
LEFT JOIN per_step s ON s.segment = g.segment AND s.step = g.step
LEFT JOIN km_first k ON k.segment = g.segment AND k.step = g.step)
SELECT r.*, c.* FROM coverage c LEFT JOIN result r ON true
ORDER BY r.segment = '(none)', r.segment, r.step
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
--   $exit_code_1 = 7
--   $exit_code_2 = 3
--   $exit_code_3 = 8

-- [7/12]
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

-- [8/12]
SELECT min(score), max(score), bool_and(score IN (0, 1)), bool_and(score IN (0, 1, 2)) FROM "surveys" WHERE upper(trim(survey_type)) = $t AND score IS NOT NULL
;
-- params:
--   $t = 'CSAT'

-- [9/12]
WITH raw_roles AS (
SELECT NULLIF(trim(CAST(respondent_role AS VARCHAR)), '') AS value
FROM "surveys"
)
SELECT value, count(*) AS rows FROM raw_roles WHERE value IS NOT NULL
GROUP BY value ORDER BY rows DESC, value
;

-- [10/12]
SELECT count(*) FROM "activities"
;

-- [11/12]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
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
last_two AS (
SELECT max(period) AS period, max(period) - to_months($step_months) AS previous_period
FROM snapshots
),
paired AS (
SELECT cur.account_id,
t.previous_period, prev.composite AS previous_composite, prev.coverage AS previous_coverage,
t.period, cur.composite, cur.coverage
FROM last_two AS t
JOIN per_account AS cur ON cur.period = t.period
LEFT JOIN per_account AS prev ON prev.period = t.previous_period AND prev.account_id = cur.account_id
WHERE cur.composite IS NOT NULL OR prev.composite IS NOT NULL
),
changes AS (
SELECT *,
composite - previous_composite AS change,
composite IS NOT NULL AND previous_composite IS NOT NULL
AND coverage >= $min_coverage AND previous_coverage >= $min_coverage AS comparable
FROM paired
),
account_trend AS (
SELECT account_id, previous_period, previous_composite, period, composite, change,
CASE WHEN NOT comparable THEN NULL
WHEN abs(change) <= $dead_band + 1e-9 THEN 'same'  -- float noise never makes a move
WHEN change > 0 THEN 'up' ELSE 'down' END AS direction
FROM changes
),
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
ew_entries AS (
SELECT e.account_id, e.stage, e.ts,
row_number() OVER (PARTITION BY e.account_id ORDER BY e.ts DESC, e.source_row DESC NULLS LAST,
e.source DESC) AS back
FROM "journey_events" AS e JOIN ew_customers USING (account_id)
WHERE e.stage IS NOT NULL AND e.ts IS NOT NULL AND e.ts <= CAST($as_of AS TIMESTAMP)
),
ew_latest AS (SELECT account_id, stage FROM ew_entries WHERE back = 1),
ew_break AS (
SELECT e.account_id, min(e.back) AS first_other
FROM ew_entries AS e JOIN ew_latest AS l USING (account_id)
WHERE e.stage <> l.stage GROUP BY e.account_id
),
ew_visit AS (
SELECT e.account_id, l.stage, min(e.ts) AS entered,
epoch(CAST($as_of AS TIMESTAMP) - min(e.ts)) / 86400.0 AS days
FROM ew_entries AS e JOIN ew_latest AS l USING (account_id) LEFT JOIN ew_break AS b USING (account_id)
WHERE b.first_other IS NULL OR e.back < b.first_other
GROUP BY e.account_id, l.stage
),
ew_answers AS (
SELECT s.account_id, upper(trim(s.survey_type)) AS kind, s.score, s.ts, s.source, s.source_row,
NULLIF(trim(CAST(s.respondent_role AS VARCHAR)), '') AS role_value,
coalesce(NULLIF(trim(s.respondent), ''), 'row ' || coalesce(s.source, '') || ':'
|| CAST(s.source_row AS VARCHAR)) AS who
FROM "surveys" AS s JOIN ew_customers USING (account_id)
WHERE s.ts IS NOT NULL AND s.ts <= CAST($as_of AS TIMESTAMP) AND s.score IS NOT NULL
),
ew_nps AS (
SELECT *, row_number() OVER (PARTITION BY account_id ORDER BY ts, source_row, source) AS seq,
lag(score) OVER (PARTITION BY account_id ORDER BY ts, source_row, source) AS before_score,
lag(ts) OVER (PARTITION BY account_id ORDER BY ts, source_row, source) AS before_ts
FROM ew_answers WHERE kind = 'NPS' AND score BETWEEN 0 AND 10 AND score = floor(score)
),
ew_csat AS (
SELECT *, score >= $csat_top AS satisfied
FROM ew_answers WHERE kind = 'CSAT' AND score BETWEEN $csat_low AND $csat_high AND score = floor(score)
),
ew_n_checks AS (
SELECT DISTINCT account_id, t_at FROM (
SELECT account_id, ts AS t_at FROM ew_nps
UNION ALL SELECT account_id, ts + to_days($nps_days) + INTERVAL 1 MICROSECOND FROM ew_nps
UNION ALL SELECT account_id, ts + to_days(2 * $nps_days) + INTERVAL 1 MICROSECOND FROM ew_nps
UNION ALL SELECT account_id, CAST($as_of AS TIMESTAMP) FROM ew_nps
) AS instants
WHERE t_at <= CAST($as_of AS TIMESTAMP)
),
ew_n_windows AS (
SELECT c.account_id, c.t_at,
count(*) FILTER (WHERE a.ts >= c.t_at - to_days($nps_days)) AS recent_n,
100.0 * (count(*) FILTER (WHERE a.ts >= c.t_at - to_days($nps_days) AND a.score >= 9) - count(*) FILTER (WHERE a.ts >= c.t_at - to_days($nps_days) AND a.score <= 6)) / NULLIF(count(*) FILTER (WHERE a.ts >= c.t_at - to_days($nps_days)), 0) AS recent_nps,
count(*) FILTER (WHERE a.ts < c.t_at - to_days($nps_days)) AS before_n,
100.0 * (count(*) FILTER (WHERE a.ts < c.t_at - to_days($nps_days) AND a.score >= 9) - count(*) FILTER (WHERE a.ts < c.t_at - to_days($nps_days) AND a.score <= 6)) / NULLIF(count(*) FILTER (WHERE a.ts < c.t_at - to_days($nps_days)), 0) AS before_nps
FROM ew_n_checks AS c
JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at AND a.ts >= c.t_at - to_days(2 * $nps_days)
GROUP BY c.account_id, c.t_at
),
ew_n_last AS (
SELECT c.account_id, c.t_at, max(a.seq) AS seq
FROM ew_n_checks AS c JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at
GROUP BY c.account_id, c.t_at
),
ew_n_eval AS (
SELECT c.account_id, c.t_at,
l.score AS last_score, l.ts AS last_ts, l.before_score, l.before_ts,
w.recent_n, w.recent_nps, w.before_n, w.before_nps,
coalesce(l.score <= 6 AND l.before_score >= 7, false) AS turned,
coalesce(w.recent_n >= $nps_min AND w.before_n >= $nps_min
AND w.before_nps - w.recent_nps >= $nps_points - 1e-09, false) AS fell,
turned OR fell AS holds
FROM ew_n_checks AS c
LEFT JOIN ew_n_windows AS w USING (account_id, t_at)
LEFT JOIN ew_n_last AS n USING (account_id, t_at)
LEFT JOIN ew_nps AS l ON l.account_id = c.account_id AND l.seq = n.seq
),
ew_n_off AS (
SELECT account_id, max(t_at) FILTER (WHERE NOT holds) AS last_off FROM ew_n_eval GROUP BY account_id
),
ew_n_since AS (
SELECT e.account_id, min(e.t_at) AS since
FROM ew_n_eval AS e JOIN ew_n_off AS o USING (account_id)
WHERE e.holds AND (o.last_off IS NULL OR e.t_at > o.last_off)
GROUP BY e.account_id
),
ew_nps_now AS (
SELECT e.*, s.since FROM ew_n_eval AS e JOIN ew_n_since AS s USING (account_id)
WHERE e.t_at = CAST($as_of AS TIMESTAMP) AND e.holds
),
ew_c_checks AS (
SELECT DISTINCT account_id, t_at FROM (
SELECT account_id, ts AS t_at FROM ew_csat
UNION ALL SELECT account_id, ts + to_days($csat_days) + INTERVAL 1 MICROSECOND FROM ew_csat
UNION ALL SELECT account_id, ts + to_days(2 * $csat_days) + INTERVAL 1 MICROSECOND FROM ew_csat
UNION ALL SELECT account_id, CAST($as_of AS TIMESTAMP) FROM ew_csat
) AS instants
WHERE t_at <= CAST($as_of AS TIMESTAMP)
),
ew_c_windows AS (
SELECT c.account_id, c.t_at,
count(*) FILTER (WHERE a.ts >= c.t_at - to_days($csat_days)) AS recent_n,
count(*) FILTER (WHERE a.ts >= c.t_at - to_days($csat_days) AND a.satisfied) / NULLIF(count(*) FILTER (WHERE a.ts >= c.t_at - to_days($csat_days)), 0)
AS recent_csat,
count(*) FILTER (WHERE a.ts < c.t_at - to_days($csat_days)) AS before_n,
count(*) FILTER (WHERE a.ts < c.t_at - to_days($csat_days) AND a.satisfied) / NULLIF(count(*) FILTER (WHERE a.ts < c.t_at - to_days($csat_days)), 0)
AS before_csat
FROM ew_c_checks AS c
JOIN ew_csat AS a ON a.account_id = c.account_id AND a.ts <= c.t_at AND a.ts >= c.t_at - to_days(2 * $csat_days)
GROUP BY c.account_id, c.t_at
),
ew_c_eval AS (
SELECT c.account_id, c.t_at, w.recent_n, w.recent_csat, w.before_n, w.before_csat,
coalesce(w.recent_n >= $csat_min AND w.recent_csat < $csat_below - 1e-09, false) AS low,
coalesce(w.recent_n >= $csat_min AND w.before_n >= $csat_min
AND 100 * (w.before_csat - w.recent_csat) >= $csat_points - 1e-09, false) AS fell,
low OR fell AS holds
FROM ew_c_checks AS c LEFT JOIN ew_c_windows AS w USING (account_id, t_at)
),
ew_c_off AS (
SELECT account_id, max(t_at) FILTER (WHERE NOT holds) AS last_off FROM ew_c_eval GROUP BY account_id
),
ew_c_since AS (
SELECT e.account_id, min(e.t_at) AS since
FROM ew_c_eval AS e JOIN ew_c_off AS o USING (account_id)
WHERE e.holds AND (o.last_off IS NULL OR e.t_at > o.last_off)
GROUP BY e.account_id
),
ew_csat_now AS (
SELECT e.*, s.since FROM ew_c_eval AS e JOIN ew_c_since AS s USING (account_id)
WHERE e.t_at = CAST($as_of AS TIMESTAMP) AND e.holds
),
ew_l_checks AS (
SELECT DISTINCT account_id, t_at FROM (
SELECT account_id, ts AS t_at FROM ew_nps UNION ALL SELECT account_id, CAST($as_of AS TIMESTAMP) FROM ew_nps
) AS instants WHERE t_at <= CAST($as_of AS TIMESTAMP)
),
ew_l_lead AS (
SELECT c.account_id, c.t_at, a.score, a.ts, a.role_value
FROM ew_l_checks AS c JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at
WHERE list_contains($leader_values, a.role_value)
QUALIFY row_number() OVER (PARTITION BY c.account_id, c.t_at ORDER BY a.seq DESC) = 1
),
ew_l_others AS (
SELECT account_id, t_at, avg(score) AS others_mean, count(*) AS others_n
FROM (
SELECT c.account_id, c.t_at, a.who, a.score
FROM ew_l_checks AS c JOIN ew_nps AS a ON a.account_id = c.account_id AND a.ts <= c.t_at
WHERE a.role_value IS NULL OR NOT list_contains($leader_values, a.role_value)
QUALIFY row_number() OVER (PARTITION BY c.account_id, c.t_at, a.who ORDER BY a.seq DESC) = 1
) AS latest_per_respondent
GROUP BY account_id, t_at
),
ew_l_eval AS (
SELECT c.account_id, c.t_at, l.score AS leader_score, l.ts AS leader_ts, l.role_value, o.others_mean, o.others_n,
coalesce(l.score <= 6 AND o.others_mean >= $leader_mean - 1e-9, false) AS holds
FROM ew_l_checks AS c
LEFT JOIN ew_l_lead AS l USING (account_id, t_at)
LEFT JOIN ew_l_others AS o USING (account_id, t_at)
),
ew_l_off AS (
SELECT account_id, max(t_at) FILTER (WHERE NOT holds) AS last_off FROM ew_l_eval GROUP BY account_id
),
ew_l_since AS (
SELECT e.account_id, min(e.t_at) AS since
FROM ew_l_eval AS e JOIN ew_l_off AS o USING (account_id)
WHERE e.holds AND (o.last_off IS NULL OR e.t_at > o.last_off)
GROUP BY e.account_id
),
ew_leader_now AS (
SELECT e.*, s.since FROM ew_l_eval AS e JOIN ew_l_since AS s USING (account_id)
WHERE e.t_at = CAST($as_of AS TIMESTAMP) AND e.holds
),
ew_contacts AS (
SELECT c.account_id, max(x.ts) AS last_contact
FROM ew_customers AS c
LEFT JOIN (SELECT account_id, "ts" AS ts FROM "surveys" WHERE true UNION ALL SELECT account_id, "ts" AS ts FROM "factor_ratings" WHERE true UNION ALL SELECT account_id, "ts" AS ts FROM "journey_events" WHERE true UNION ALL SELECT account_id, "ts" AS ts FROM "activities" WHERE done IS NOT FALSE) AS x ON x.account_id = c.account_id AND x.ts <= CAST($as_of AS TIMESTAMP)
GROUP BY c.account_id
),
ew_silent_now AS (
SELECT account_id, last_contact,
epoch(CAST($as_of AS TIMESTAMP) - last_contact) / 86400.0 AS days,
last_contact + to_days($silent_days) + INTERVAL 1 MICROSECOND AS since
FROM ew_contacts
WHERE last_contact IS NULL OR last_contact < CAST($as_of AS TIMESTAMP) - to_days($silent_days)
),
ew_p90 AS (
SELECT unnest($p90_segment) AS segment, unnest($p90_stage) AS stage, unnest($p90_next) AS next_stage,
unnest($p90_days) AS p90, unnest($p90_n) AS n
),
ew_segments AS (
SELECT c.account_id, COALESCE(NULLIF(trim(CAST(a."__ew_segment" AS VARCHAR)), ''), '(none)') AS segment
FROM ew_customers AS c LEFT JOIN (SELECT account_id, CAST(NULL AS VARCHAR) AS "__ew_segment" FROM acct) AS a
USING (account_id)
),
ew_stalled_now AS (
SELECT v.account_id, v.stage, v.entered, v.days, s.segment,
CASE WHEN own.n >= $min_n THEN own.p90 ELSE overall.p90 END AS p90,
CASE WHEN own.n >= $min_n THEN own.n ELSE overall.n END AS p90_n,
CASE WHEN own.n >= $min_n THEN s.segment ELSE NULL END AS p90_segment,
overall.next_stage,
v.entered + to_seconds(86400.0 * CASE WHEN own.n >= $min_n THEN own.p90 ELSE overall.p90 END)
+ INTERVAL 1 MICROSECOND AS since
FROM ew_visit AS v
JOIN ew_segments AS s USING (account_id)
JOIN ew_p90 AS overall ON overall.segment IS NULL AND overall.stage = v.stage
LEFT JOIN ew_p90 AS own ON own.segment = s.segment AND own.stage = v.stage
WHERE v.days > CASE WHEN own.n >= $min_n THEN own.p90 ELSE overall.p90 END
),
ew_sd_hold AS (
SELECT t.account_id, t.previous_period, t.period, t.previous_composite, t.composite,
t.previous_composite - t.composite AS fall
FROM account_trend AS t
JOIN ew_customers USING (account_id)
WHERE t.direction IS NOT NULL AND t.previous_composite - t.composite >= $score_points - 1e-09
),
ew_sd_instants AS (
SELECT DISTINCT account_id, t_at FROM (
SELECT h.account_id, h.period AS t_at FROM ew_sd_hold AS h
UNION ALL SELECT h.account_id, r.ts FROM ew_sd_hold AS h JOIN "factor_ratings" AS r USING (account_id)
UNION ALL SELECT h.account_id, r.ts + to_days(p.max_age_days) + INTERVAL 1 MICROSECOND
FROM ew_sd_hold AS h JOIN "factor_ratings" AS r USING (account_id) JOIN params AS p ON p.factor = r.factor
WHERE p.max_age_days IS NOT NULL
UNION ALL SELECT account_id, CAST($as_of AS TIMESTAMP) FROM ew_sd_hold
) AS instants
JOIN ew_sd_hold AS h USING (account_id)
WHERE t_at >= h.period AND t_at <= CAST($as_of AS TIMESTAMP)
),
ew_sd_composite AS (
WITH params AS (
SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
FROM (VALUES ($f0_key, $f0_name, $f0_ord, $f0_weight, $f0_target, $f0_zero, $f0_hundred, $f0_max_age), ($f1_key, $f1_name, $f1_ord, $f1_weight, $f1_target, $f1_zero, $f1_hundred, $f1_max_age), ($f2_key, $f2_name, $f2_ord, $f2_weight, $f2_target, $f2_zero, $f2_hundred, $f2_max_age), ($f3_key, $f3_name, $f3_ord, $f3_weight, $f3_target, $f3_zero, $f3_hundred, $f3_max_age), ($f4_key, $f4_name, $f4_ord, $f4_weight, $f4_target, $f4_zero, $f4_hundred, $f4_max_age), ($f5_key, $f5_name, $f5_ord, $f5_weight, $f5_target, $f5_zero, $f5_hundred, $f5_max_age), ($f6_key, $f6_name, $f6_ord, $f6_weight, $f6_target, $f6_zero, $f6_hundred, $f6_max_age), ($f7_key, $f7_name, $f7_ord, $f7_weight, $f7_target, $f7_zero, $f7_hundred, $f7_max_age)) AS v(c0, c1, c2, c3, c4, c5, c6, c7)),
snapshots AS (SELECT DISTINCT t_at AS period, t_at AS at FROM ew_sd_instants),
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
)
SELECT period AS t_at, account_id, composite, coverage FROM per_account
),
ew_sd_eval AS (
SELECT i.account_id, i.t_at, c.composite, c.coverage,
coalesce(c.coverage >= $min_coverage AND h.previous_composite - c.composite >= $score_points - 1e-09,
false) AS holds
FROM ew_sd_instants AS i
JOIN ew_sd_hold AS h USING (account_id)
LEFT JOIN ew_sd_composite AS c USING (account_id, t_at)
),
ew_sd_off AS (
SELECT account_id, max(t_at) FILTER (WHERE NOT holds) AS last_off FROM ew_sd_eval GROUP BY account_id
),
ew_sd_since AS (
SELECT e.account_id, min(e.t_at) AS since
FROM ew_sd_eval AS e JOIN ew_sd_off AS o USING (account_id)
WHERE e.holds AND (o.last_off IS NULL OR e.t_at > o.last_off)
GROUP BY e.account_id
),
ew_score_now AS (
SELECT h.*, s.since FROM ew_sd_hold AS h JOIN ew_sd_since AS s USING (account_id)
),
qb_qbrs AS (
SELECT account_id, ts FROM "activities"
WHERE activity_type = 'qbr' AND done IS NOT FALSE AND ts IS NOT NULL AND ts <= CAST($as_of AS TIMESTAMP)
AND account_id IS NOT NULL
),
qb_last AS (SELECT account_id, max(ts) AS last_qbr FROM qb_qbrs GROUP BY account_id),
qb_tasks AS (
SELECT t.account_id, coalesce(t.activity_date, t.ts) AS created, t.due_date,
coalesce(t.completed_at, t.ts) AS completed,
t.done IS TRUE AND coalesce(t.completed_at, t.ts, CAST($as_of AS TIMESTAMP)) <= CAST($as_of AS TIMESTAMP)
AS done_now
FROM "activities" AS t
WHERE t.activity_type = 'task' AND t.initiated_by = 'provider'
AND coalesce(t.activity_date, t.ts) <= CAST($as_of AS TIMESTAMP)
AND EXISTS (SELECT 1 FROM qb_qbrs AS q WHERE q.account_id = t.account_id
AND coalesce(t.activity_date, t.ts) >= q.ts
AND coalesce(t.activity_date, t.ts) <= q.ts + to_days($follow_up_days))
),
qb_followups AS (
SELECT account_id, created, due_date, completed,
CASE WHEN done_now AND (due_date IS NULL OR CAST(completed AS DATE) <= CAST(due_date AS DATE))
THEN 'completed on time'
WHEN done_now THEN 'completed late'
WHEN due_date < CAST($as_of AS TIMESTAMP) THEN 'overdue'
ELSE 'open, not yet due' END AS state
FROM qb_tasks
),
qb_account AS (
SELECT ids.account_id, l.last_qbr,
coalesce(l.last_qbr >= CAST($as_of AS TIMESTAMP) - to_days($qbr_days), false) AS qbr_held,
count(f.state) FILTER (WHERE f.state <> 'open, not yet due') AS followups,
count(f.state) FILTER (WHERE f.state = 'completed on time') AS followed_through,
count(f.state) FILTER (WHERE f.state = 'completed on time')
/ NULLIF(count(f.state) FILTER (WHERE f.state <> 'open, not yet due'), 0) AS follow_through,
count(f.state) FILTER (WHERE f.state = 'overdue') AS overdue,
count(f.state) FILTER (WHERE f.state = 'open, not yet due') AS left_out
FROM (SELECT DISTINCT account_id FROM "activities" WHERE account_id IS NOT NULL) AS ids
LEFT JOIN qb_last AS l USING (account_id)
LEFT JOIN qb_followups AS f USING (account_id)
GROUP BY ids.account_id, l.last_qbr
),
ew_qbr_now AS (
SELECT s.account_id, s.spell_start, l.last_qbr,
epoch(CAST($as_of AS TIMESTAMP) - coalesce(l.last_qbr, s.spell_start)) / 86400.0 AS days,
greatest(s.spell_start + to_days($qbr_days),
coalesce(l.last_qbr + to_days($qbr_days) + INTERVAL 1 MICROSECOND, s.spell_start)) AS since
FROM spells AS s JOIN ew_customers USING (account_id) LEFT JOIN qb_last AS l USING (account_id)
WHERE s.spell_end IS NULL AND s.spell_start <= CAST($as_of AS TIMESTAMP) - to_days($qbr_days)
AND (l.last_qbr IS NULL OR l.last_qbr < CAST($as_of AS TIMESTAMP) - to_days($qbr_days))
AND EXISTS (SELECT 1 FROM "activities")
),
signal_rows AS (
SELECT account_id, 'entered_disappointment' AS signal, CAST(entered AS TIMESTAMP) AS since, CAST(entered AS TIMESTAMP) AS d1, CAST(NULL AS TIMESTAMP) AS d2, CAST(days AS DOUBLE) AS x1, CAST(NULL AS DOUBLE) AS x2, CAST(NULL AS DOUBLE) AS x3, CAST(NULL AS DOUBLE) AS x4, CAST(NULL AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(stage AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS label2 FROM ew_visit WHERE stage = $disappointment AND entered >= CAST($as_of AS TIMESTAMP) - to_days($disappointment_days)
UNION ALL
SELECT account_id, 'score_drop' AS signal, CAST(since AS TIMESTAMP) AS since, CAST(previous_period AS TIMESTAMP) AS d1, CAST(period AS TIMESTAMP) AS d2, CAST(previous_composite AS DOUBLE) AS x1, CAST(composite AS DOUBLE) AS x2, CAST(fall AS DOUBLE) AS x3, CAST(NULL AS DOUBLE) AS x4, CAST(NULL AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(NULL AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS label2 FROM ew_score_now
UNION ALL
SELECT account_id, 'nps_drop' AS signal, CAST(since AS TIMESTAMP) AS since, CAST(last_ts AS TIMESTAMP) AS d1, CAST(before_ts AS TIMESTAMP) AS d2, CAST(last_score AS DOUBLE) AS x1, CAST(before_score AS DOUBLE) AS x2, CAST(recent_nps AS DOUBLE) AS x3, CAST(before_nps AS DOUBLE) AS x4, CAST(recent_n AS BIGINT) AS n1, CAST(before_n AS BIGINT) AS n2, CAST(CASE WHEN turned AND fell THEN 'both' WHEN turned THEN 'turned' ELSE 'fell' END AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS label2 FROM ew_nps_now
UNION ALL
SELECT account_id, 'csat_drop' AS signal, CAST(since AS TIMESTAMP) AS since, CAST(NULL AS TIMESTAMP) AS d1, CAST(NULL AS TIMESTAMP) AS d2, CAST(recent_csat AS DOUBLE) AS x1, CAST(before_csat AS DOUBLE) AS x2, CAST(NULL AS DOUBLE) AS x3, CAST(NULL AS DOUBLE) AS x4, CAST(recent_n AS BIGINT) AS n1, CAST(before_n AS BIGINT) AS n2, CAST(CASE WHEN low AND fell THEN 'both' WHEN low THEN 'low' ELSE 'fell' END AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS label2 FROM ew_csat_now
UNION ALL
SELECT account_id, 'stalled' AS signal, CAST(since AS TIMESTAMP) AS since, CAST(entered AS TIMESTAMP) AS d1, CAST(NULL AS TIMESTAMP) AS d2, CAST(days AS DOUBLE) AS x1, CAST(p90 AS DOUBLE) AS x2, CAST(NULL AS DOUBLE) AS x3, CAST(NULL AS DOUBLE) AS x4, CAST(p90_n AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(stage AS VARCHAR) AS label, CAST(next_stage AS VARCHAR) AS label2 FROM ew_stalled_now
UNION ALL
SELECT account_id, 'silent' AS signal, CAST(since AS TIMESTAMP) AS since, CAST(last_contact AS TIMESTAMP) AS d1, CAST(NULL AS TIMESTAMP) AS d2, CAST(days AS DOUBLE) AS x1, CAST(NULL AS DOUBLE) AS x2, CAST(NULL AS DOUBLE) AS x3, CAST(NULL AS DOUBLE) AS x4, CAST(NULL AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(NULL AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS label2 FROM ew_silent_now
UNION ALL
SELECT account_id, 'decision_maker_detractor' AS signal, CAST(since AS TIMESTAMP) AS since, CAST(leader_ts AS TIMESTAMP) AS d1, CAST(NULL AS TIMESTAMP) AS d2, CAST(leader_score AS DOUBLE) AS x1, CAST(others_mean AS DOUBLE) AS x2, CAST(NULL AS DOUBLE) AS x3, CAST(NULL AS DOUBLE) AS x4, CAST(others_n AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(role_value AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS label2 FROM ew_leader_now
UNION ALL
SELECT account_id, 'missed_qbr' AS signal, CAST(since AS TIMESTAMP) AS since, CAST(last_qbr AS TIMESTAMP) AS d1, CAST(spell_start AS TIMESTAMP) AS d2, CAST(days AS DOUBLE) AS x1, CAST(NULL AS DOUBLE) AS x2, CAST(NULL AS DOUBLE) AS x3, CAST(NULL AS DOUBLE) AS x4, CAST(NULL AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(NULL AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS label2 FROM ew_qbr_now
)
SELECT * FROM signal_rows ORDER BY account_id, list_position(['entered_disappointment', 'score_drop', 'nps_drop', 'csat_drop', 'stalled', 'silent', 'decision_maker_detractor', 'missed_qbr'], signal)
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $churn_stage = 'Churn'
--   $csat_below = 0.7
--   $csat_days = 90
--   $csat_high = 5
--   $csat_low = 1
--   $csat_min = 5
--   $csat_points = 20.0
--   $csat_top = 4
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $dead_band = 5.0
--   $disappointment = 'Disappointment'
--   $disappointment_days = 90
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
--   $follow_up_days = 14
--   $fy_shift = 0
--   $green_above = 75.0
--   $leader_mean = 7.0
--   $leader_values = ['Decision maker', 'Executive']
--   $min_coverage = 0.5
--   $min_n = 30
--   $nps_days = 180
--   $nps_min = 3
--   $nps_points = 30.0
--   $p90_days = [52.0, 97.66691435185187, 27.429092592592593, 85.0, 414.90000000000003, 235.40000000000003]
--   $p90_n = [1476, 834, 713, 632, 258, 79]
--   $p90_next = ['Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $p90_segment = [NULL, NULL, NULL, NULL, NULL, NULL]
--   $p90_stage = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty']
--   $period_unit = 'quarter'
--   $qbr_days = 100
--   $red_below = 50.0
--   $score_points = 10.0
--   $silent_days = 120
--   $step_months = 3

-- [12/12]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
signal_rows AS (
SELECT unnest($ew_row_ids::VARCHAR[]) AS account_id, unnest($ew_row_signals::VARCHAR[]) AS signal,
unnest($ew_row_since::TIMESTAMP[]) AS since
),
names AS (SELECT unnest($names) AS signal, generate_subscripts($names, 1) AS ord),
flagged_rows AS (
SELECT r.signal, r.account_id, a.arr FROM signal_rows AS r LEFT JOIN acct AS a USING (account_id)
),
per_signal AS (
SELECT n.signal, n.ord, count(f.account_id) AS accounts, sum(f.arr) AS arr
FROM names AS n LEFT JOIN flagged_rows AS f USING (signal)
GROUP BY n.signal, n.ord
),
any_signal AS (
SELECT 'any signal' AS signal, 99 AS ord, count(*) AS accounts, sum(arr) AS arr
FROM (SELECT account_id, any_value(arr) AS arr FROM flagged_rows GROUP BY account_id) AS flagged
)
SELECT signal, accounts, coalesce(arr, 0) AS arr FROM per_signal
UNION ALL SELECT signal, accounts, coalesce(arr, 0) FROM any_signal
;
-- params:
--   $ew_row_ids = ['ACC-00002', 'ACC-00002', 'ACC-00006', 'ACC-00006', 'ACC-00007', 'ACC-00010', 'ACC-00011', 'ACC-00016', 'ACC-00016', 'ACC-00017', 'ACC-00018', 'ACC-00020', 'ACC-00028', 'ACC-00029', 'ACC-00029', 'ACC-00031', 'ACC-00046', 'ACC-00049', 'ACC-00049', 'ACC-00061', 'ACC-00068', 'ACC-00070', 'ACC-00078', 'ACC-00078', 'ACC-00081', 'ACC-00094', 'ACC-00095', 'ACC-00100', 'ACC-00100', 'ACC-00107', 'ACC-00107', 'ACC-00107', 'ACC-00107', 'ACC-00107', 'ACC-00109', 'ACC-00112', 'ACC-00112', 'ACC-00112', 'ACC-00112', 'ACC-00112', 'ACC-00114', 'ACC-00114', 'ACC-00118', 'ACC-00118', 'ACC-00120', 'ACC-00120', 'ACC-00120', 'ACC-00125', 'ACC-00138', 'ACC-00138', 'ACC-00139', 'ACC-00141', 'ACC-00141', 'ACC-00141', 'ACC-00143', 'ACC-00147', 'ACC-00150', 'ACC-00150', 'ACC-00151', 'ACC-00166', 'ACC-00168', 'ACC-00179', 'ACC-00183', 'ACC-00183', 'ACC-00193', 'ACC-00193', 'ACC-00195', 'ACC-00195', 'ACC-00195', 'ACC-00196', 'ACC-00198', 'ACC-00199', 'ACC-00201', 'ACC-00202', 'ACC-00204', 'ACC-00210', 'ACC-00219', 'ACC-00219', 'ACC-00219', 'ACC-00219', 'ACC-00223', 'ACC-00223', 'ACC-00223', 'ACC-00229', 'ACC-00237', 'ACC-00237', 'ACC-00240', 'ACC-00243', 'ACC-00244', 'ACC-00246', 'ACC-00266', 'ACC-00269', 'ACC-00269', 'ACC-00270', 'ACC-00271', 'ACC-00271', 'ACC-00271', 'ACC-00284', 'ACC-00285', 'ACC-00286', 'ACC-00288', 'ACC-00296', 'ACC-00296', 'ACC-00302', 'ACC-00310', 'ACC-00310', 'ACC-00310', 'ACC-00310', 'ACC-00315', 'ACC-00317', 'ACC-00323', 'ACC-00329', 'ACC-00332', 'ACC-00332', 'ACC-00336', 'ACC-00342', 'ACC-00344', 'ACC-00347', 'ACC-00351', 'ACC-00351', 'ACC-00353', 'ACC-00353', 'ACC-00357', 'ACC-00365', 'ACC-00368', 'ACC-00378', 'ACC-00380', 'ACC-00380', 'ACC-00381', 'ACC-00389', 'ACC-00397', 'ACC-00415', 'ACC-00415', 'ACC-00431', 'ACC-00436', 'ACC-00444', 'ACC-00444', 'ACC-00446', 'ACC-00446', 'ACC-00467', 'ACC-00467', 'ACC-00473', 'ACC-00474', 'ACC-00475', 'ACC-00480', 'ACC-00487', 'ACC-00494', 'ACC-00495', 'ACC-00495', 'ACC-00499', 'ACC-00514', 'ACC-00514', 'ACC-00524', 'ACC-00525', 'ACC-00532', 'ACC-00538', 'ACC-00538', 'ACC-00544', 'ACC-00546', 'ACC-00550', 'ACC-00550', 'ACC-00552', 'ACC-00552', 'ACC-00559', 'ACC-00559', 'ACC-00564', 'ACC-00564', 'ACC-00569', 'ACC-00569', 'ACC-00574', 'ACC-00574', 'ACC-00575', 'ACC-00585', 'ACC-00587', 'ACC-00587', 'ACC-00589', 'ACC-00596', 'ACC-00596', 'ACC-00600', 'ACC-00604', 'ACC-00606', 'ACC-00607', 'ACC-00608', 'ACC-00626', 'ACC-00631', 'ACC-00633', 'ACC-00633', 'ACC-00637', 'ACC-00642', 'ACC-00642', 'ACC-00645', 'ACC-00645', 'ACC-00645', 'ACC-00654', 'ACC-00654', 'ACC-00659', 'ACC-00661', 'ACC-00675', 'ACC-00676', 'ACC-00677', 'ACC-00684', 'ACC-00685', 'ACC-00697', 'ACC-00697', 'ACC-00699', 'ACC-00700', 'ACC-00700', 'ACC-00703', 'ACC-00703', 'ACC-00704', 'ACC-00708', 'ACC-00709', 'ACC-00719', 'ACC-00721', 'ACC-00722', 'ACC-00722', 'ACC-00726', 'ACC-00730', 'ACC-00753', 'ACC-00758', 'ACC-00763', 'ACC-00763', 'ACC-00765', 'ACC-00770', 'ACC-00770', 'ACC-00773', 'ACC-00773', 'ACC-00774', 'ACC-00777', 'ACC-00778', 'ACC-00781', 'ACC-00797', 'ACC-00798', 'ACC-00812', 'ACC-00812', 'ACC-00823', 'ACC-00827', 'ACC-00827', 'ACC-00828', 'ACC-00832', 'ACC-00834', 'ACC-00839', 'ACC-00840', 'ACC-00850', 'ACC-00851', 'ACC-00854', 'ACC-00855', 'ACC-00864', 'ACC-00869', 'ACC-00869', 'ACC-00889', 'ACC-00889', 'ACC-00889', 'ACC-00896', 'ACC-00896', 'ACC-00904', 'ACC-00907', 'ACC-00907', 'ACC-00923', 'ACC-00924', 'ACC-00930', 'ACC-00933', 'ACC-00933', 'ACC-00933', 'ACC-00975', 'ACC-00975', 'ACC-00989', 'ACC-01002', 'ACC-01009', 'ACC-01009', 'ACC-01030', 'ACC-01030', 'ACC-01055', 'ACC-01056', 'ACC-01062', 'ACC-01064', 'ACC-01064', 'ACC-01066', 'ACC-01077', 'ACC-01078', 'ACC-01078', 'ACC-01087', 'ACC-01094', 'ACC-01098', 'ACC-01110', 'ACC-01110', 'ACC-01116', 'ACC-01124', 'ACC-01141', 'ACC-01142', 'ACC-01150', 'ACC-01152', 'ACC-01152', 'ACC-01165', 'ACC-01181', 'ACC-01181', 'ACC-01190', 'ACC-01196', 'ACC-01196', 'ACC-01199', 'ACC-01199', 'ACC-01213', 'ACC-01226', 'ACC-01233', 'ACC-01233', 'ACC-01235', 'ACC-01237', 'ACC-01238', 'ACC-01238', 'ACC-01238', 'ACC-01245', 'ACC-01245', 'ACC-01255', 'ACC-01255', 'ACC-01276', 'ACC-01290', 'ACC-01296', 'ACC-01301', 'ACC-01302', 'ACC-01304', 'ACC-01304', 'ACC-01308', 'ACC-01312', 'ACC-01313', 'ACC-01346', 'ACC-01346', 'ACC-01355', 'ACC-01355', 'ACC-01375', 'ACC-01386', 'ACC-01406', 'ACC-01406', 'ACC-01410', 'ACC-01427', 'ACC-01435', 'ACC-01439', 'ACC-01442', 'ACC-01454', 'ACC-01460', 'ACC-01460', 'ACC-01464', 'ACC-01468', 'ACC-01473', 'ACC-01483', 'ACC-01483', 'ACC-01503', 'ACC-01505', 'ACC-01506', 'ACC-01518', 'ACC-01523', 'ACC-01526', 'ACC-01531', 'ACC-01545', 'ACC-01545', 'ACC-01550', 'ACC-01551', 'ACC-01561', 'ACC-01603', 'ACC-01603', 'ACC-01603', 'ACC-01631', 'ACC-01634', 'ACC-01652', 'ACC-01714', 'ACC-01720', 'ACC-01762', 'ACC-01770', 'ACC-01776']
--   $ew_row_signals = ['stalled', 'missed_qbr', 'score_drop', 'stalled', 'score_drop', 'missed_qbr', 'stalled', 'stalled', 'missed_qbr', 'missed_qbr', 'stalled', 'stalled', 'missed_qbr', 'score_drop', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'missed_qbr', 'stalled', 'csat_drop', 'missed_qbr', 'silent', 'missed_qbr', 'missed_qbr', 'stalled', 'decision_maker_detractor', 'silent', 'missed_qbr', 'score_drop', 'nps_drop', 'stalled', 'decision_maker_detractor', 'missed_qbr', 'stalled', 'nps_drop', 'stalled', 'silent', 'decision_maker_detractor', 'missed_qbr', 'stalled', 'missed_qbr', 'stalled', 'missed_qbr', 'stalled', 'silent', 'missed_qbr', 'missed_qbr', 'stalled', 'missed_qbr', 'missed_qbr', 'score_drop', 'csat_drop', 'stalled', 'stalled', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'stalled', 'stalled', 'stalled', 'stalled', 'decision_maker_detractor', 'stalled', 'missed_qbr', 'nps_drop', 'stalled', 'missed_qbr', 'stalled', 'stalled', 'csat_drop', 'missed_qbr', 'stalled', 'stalled', 'score_drop', 'nps_drop', 'stalled', 'decision_maker_detractor', 'missed_qbr', 'stalled', 'silent', 'missed_qbr', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'stalled', 'stalled', 'stalled', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'nps_drop', 'stalled', 'missed_qbr', 'stalled', 'stalled', 'stalled', 'stalled', 'stalled', 'decision_maker_detractor', 'stalled', 'nps_drop', 'stalled', 'decision_maker_detractor', 'missed_qbr', 'missed_qbr', 'stalled', 'missed_qbr', 'stalled', 'score_drop', 'stalled', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'stalled', 'missed_qbr', 'nps_drop', 'missed_qbr', 'stalled', 'missed_qbr', 'stalled', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'stalled', 'stalled', 'score_drop', 'missed_qbr', 'score_drop', 'stalled', 'stalled', 'missed_qbr', 'entered_disappointment', 'score_drop', 'score_drop', 'stalled', 'decision_maker_detractor', 'score_drop', 'stalled', 'stalled', 'stalled', 'missed_qbr', 'entered_disappointment', 'score_drop', 'nps_drop', 'score_drop', 'decision_maker_detractor', 'missed_qbr', 'score_drop', 'stalled', 'nps_drop', 'decision_maker_detractor', 'score_drop', 'missed_qbr', 'stalled', 'missed_qbr', 'score_drop', 'nps_drop', 'score_drop', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'missed_qbr', 'silent', 'missed_qbr', 'score_drop', 'missed_qbr', 'nps_drop', 'stalled', 'missed_qbr', 'nps_drop', 'decision_maker_detractor', 'score_drop', 'score_drop', 'stalled', 'stalled', 'nps_drop', 'missed_qbr', 'stalled', 'score_drop', 'stalled', 'missed_qbr', 'nps_drop', 'decision_maker_detractor', 'stalled', 'decision_maker_detractor', 'missed_qbr', 'nps_drop', 'decision_maker_detractor', 'stalled', 'csat_drop', 'stalled', 'score_drop', 'stalled', 'stalled', 'nps_drop', 'entered_disappointment', 'score_drop', 'stalled', 'score_drop', 'missed_qbr', 'nps_drop', 'stalled', 'nps_drop', 'stalled', 'stalled', 'missed_qbr', 'missed_qbr', 'entered_disappointment', 'score_drop', 'score_drop', 'decision_maker_detractor', 'missed_qbr', 'nps_drop', 'stalled', 'missed_qbr', 'missed_qbr', 'stalled', 'missed_qbr', 'stalled', 'decision_maker_detractor', 'missed_qbr', 'csat_drop', 'missed_qbr', 'stalled', 'missed_qbr', 'nps_drop', 'score_drop', 'decision_maker_detractor', 'stalled', 'silent', 'missed_qbr', 'stalled', 'missed_qbr', 'nps_drop', 'missed_qbr', 'score_drop', 'stalled', 'missed_qbr', 'missed_qbr', 'decision_maker_detractor', 'stalled', 'stalled', 'missed_qbr', 'stalled', 'silent', 'missed_qbr', 'silent', 'missed_qbr', 'missed_qbr', 'nps_drop', 'missed_qbr', 'nps_drop', 'missed_qbr', 'missed_qbr', 'score_drop', 'nps_drop', 'missed_qbr', 'nps_drop', 'decision_maker_detractor', 'missed_qbr', 'nps_drop', 'silent', 'missed_qbr', 'score_drop', 'nps_drop', 'entered_disappointment', 'stalled', 'decision_maker_detractor', 'nps_drop', 'decision_maker_detractor', 'stalled', 'score_drop', 'score_drop', 'nps_drop', 'nps_drop', 'missed_qbr', 'missed_qbr', 'entered_disappointment', 'score_drop', 'missed_qbr', 'missed_qbr', 'missed_qbr', 'score_drop', 'missed_qbr', 'silent', 'missed_qbr', 'missed_qbr', 'stalled', 'missed_qbr', 'score_drop', 'csat_drop', 'missed_qbr', 'csat_drop', 'decision_maker_detractor', 'missed_qbr', 'score_drop', 'entered_disappointment', 'score_drop', 'missed_qbr', 'nps_drop', 'entered_disappointment', 'score_drop', 'missed_qbr', 'score_drop', 'csat_drop', 'score_drop', 'stalled', 'missed_qbr', 'missed_qbr', 'missed_qbr', 'missed_qbr', 'score_drop', 'silent', 'missed_qbr', 'missed_qbr', 'missed_qbr', 'score_drop', 'entered_disappointment', 'score_drop', 'entered_disappointment', 'score_drop', 'missed_qbr', 'missed_qbr', 'entered_disappointment', 'score_drop', 'score_drop', 'score_drop', 'score_drop', 'missed_qbr', 'csat_drop', 'missed_qbr', 'nps_drop', 'decision_maker_detractor', 'score_drop', 'missed_qbr', 'missed_qbr', 'score_drop', 'missed_qbr', 'missed_qbr', 'missed_qbr', 'missed_qbr', 'stalled', 'score_drop', 'score_drop', 'missed_qbr', 'score_drop', 'missed_qbr', 'csat_drop', 'score_drop', 'nps_drop', 'entered_disappointment', 'score_drop', 'nps_drop', 'missed_qbr', 'stalled', 'missed_qbr', 'entered_disappointment', 'entered_disappointment', 'entered_disappointment', 'entered_disappointment', 'entered_disappointment']
--   $ew_row_since = [TIMESTAMP '2025-08-05 09:36:00.000001', TIMESTAMP '2026-09-12 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2025-04-15 09:36:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-14 00:00:00.000001', TIMESTAMP '2025-11-08 09:36:00.000001', TIMESTAMP '2026-07-04 21:36:00.000001', TIMESTAMP '2025-06-04 18:23:10', TIMESTAMP '2025-10-06 11:55:41', TIMESTAMP '2025-06-07 09:36:00.000001', TIMESTAMP '2025-09-14 09:36:00.000001', TIMESTAMP '2026-07-14 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2025-08-28 09:36:00.000001', TIMESTAMP '2026-02-26 09:36:00.000001', TIMESTAMP '2025-04-29 00:00:00.000001', TIMESTAMP '2025-06-29 21:36:00.000001', TIMESTAMP '2025-02-13 00:00:00.000001', TIMESTAMP '2026-01-27 09:36:00.000001', TIMESTAMP '2026-09-23 00:00:00', TIMESTAMP '2026-07-22 00:00:00.000001', TIMESTAMP '2026-08-27 00:00:00.000001', TIMESTAMP '2026-05-22 00:00:00.000001', TIMESTAMP '2024-12-21 15:06:27', TIMESTAMP '2025-06-29 09:36:00.000001', TIMESTAMP '2026-04-15 00:00:00', TIMESTAMP '2026-08-27 00:00:00.000001', TIMESTAMP '2026-04-18 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-06-20 00:00:00', TIMESTAMP '2025-12-13 09:36:00.000001', TIMESTAMP '2026-06-20 00:00:00', TIMESTAMP '2025-02-10 00:00:00.000001', TIMESTAMP '2025-10-09 21:36:00.000001', TIMESTAMP '2026-02-08 00:00:00', TIMESTAMP '2025-07-08 21:36:00.000001', TIMESTAMP '2026-08-30 00:00:00.000001', TIMESTAMP '2026-02-08 00:00:00', TIMESTAMP '2026-05-22 00:00:00.000001', TIMESTAMP '2025-05-30 21:36:00.000001', TIMESTAMP '2026-09-08 00:00:00.000001', TIMESTAMP '2025-08-26 09:36:00.000001', TIMESTAMP '2026-08-12 00:00:00.000001', TIMESTAMP '2026-01-29 09:36:00.000001', TIMESTAMP '2026-09-05 00:00:00.000001', TIMESTAMP '2026-08-01 00:00:00.000001', TIMESTAMP '2025-01-30 00:00:00.000001', TIMESTAMP '2026-03-10 09:36:00.000001', TIMESTAMP '2025-04-01 00:00:00.000001', TIMESTAMP '2025-08-26 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-07 00:00:00', TIMESTAMP '2026-03-10 09:36:00.000001', TIMESTAMP '2025-09-15 09:36:00.000001', TIMESTAMP '2025-07-24 09:36:00.000001', TIMESTAMP '2026-01-27 09:36:00.000001', TIMESTAMP '2026-08-10 00:00:00.000001', TIMESTAMP '2025-10-26 09:36:00.000001', TIMESTAMP '2026-03-25 09:36:00.000001', TIMESTAMP '2025-02-14 09:36:00.000001', TIMESTAMP '2026-03-02 21:36:00.000001', TIMESTAMP '2026-08-19 09:36:00.000001', TIMESTAMP '2026-01-17 00:00:00', TIMESTAMP '2025-07-14 09:36:00.000001', TIMESTAMP '2026-07-19 00:00:00.000001', TIMESTAMP '2026-08-19 00:00:00', TIMESTAMP '2026-08-05 09:36:00.000001', TIMESTAMP '2025-06-01 00:00:00.000001', TIMESTAMP '2026-08-03 09:36:00.000001', TIMESTAMP '2025-08-22 09:36:00.000001', TIMESTAMP '2026-08-25 00:00:00', TIMESTAMP '2026-09-19 00:00:00.000001', TIMESTAMP '2025-10-02 21:36:00.000001', TIMESTAMP '2025-08-13 21:36:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-21 00:00:00', TIMESTAMP '2025-05-20 09:36:00.000001', TIMESTAMP '2026-09-21 00:00:00', TIMESTAMP '2025-04-15 00:00:00.000001', TIMESTAMP '2025-12-09 21:36:00.000001', TIMESTAMP '2026-08-08 00:00:00.000001', TIMESTAMP '2026-05-16 00:00:00.000001', TIMESTAMP '2026-09-29 09:36:00.000001', TIMESTAMP '2026-02-13 09:36:00.000001', TIMESTAMP '2026-08-29 00:00:00.000001', TIMESTAMP '2026-05-31 09:36:00.000001', TIMESTAMP '2025-03-25 09:36:00.000001', TIMESTAMP '2026-02-11 09:36:00.000001', TIMESTAMP '2025-11-06 21:36:00.000001', TIMESTAMP '2026-05-26 09:36:00.000001', TIMESTAMP '2026-06-02 09:36:00.000001', TIMESTAMP '2025-12-18 00:00:00.000001', TIMESTAMP '2025-11-03 09:36:00.000001', TIMESTAMP '2026-08-26 00:00:00.000001', TIMESTAMP '2026-03-22 09:36:00.000001', TIMESTAMP '2026-07-31 00:00:00.000001', TIMESTAMP '2026-05-21 09:36:00.000001', TIMESTAMP '2026-01-29 21:36:00.000001', TIMESTAMP '2026-01-15 09:36:00.000001', TIMESTAMP '2025-11-22 21:36:00.000001', TIMESTAMP '2025-11-13 21:36:00.000001', TIMESTAMP '2026-03-01 00:00:00', TIMESTAMP '2026-09-13 09:36:00.000001', TIMESTAMP '2026-08-27 00:00:00', TIMESTAMP '2026-05-25 21:36:00.000001', TIMESTAMP '2026-09-08 00:00:00', TIMESTAMP '2026-08-16 00:00:00.000001', TIMESTAMP '2025-08-24 00:00:00.000001', TIMESTAMP '2026-03-05 21:36:00.000001', TIMESTAMP '2025-05-09 00:00:00.000001', TIMESTAMP '2026-02-07 09:36:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-20 09:36:00.000001', TIMESTAMP '2026-05-11 21:36:00.000001', TIMESTAMP '2025-11-25 21:36:00.000001', TIMESTAMP '2026-08-23 00:00:00.000001', TIMESTAMP '2026-08-22 09:36:00.000001', TIMESTAMP '2026-03-11 09:36:00.000001', TIMESTAMP '2026-07-13 00:00:00.000001', TIMESTAMP '2026-07-26 00:00:00.000001', TIMESTAMP '2025-12-10 00:00:00.000001', TIMESTAMP '2026-03-04 09:36:00.000001', TIMESTAMP '2026-08-18 00:00:00.000001', TIMESTAMP '2026-02-12 09:36:00.000001', TIMESTAMP '2026-09-21 09:36:00.000001', TIMESTAMP '2025-12-01 21:36:00.000001', TIMESTAMP '2025-08-21 00:00:00.000001', TIMESTAMP '2026-05-27 09:36:00.000001', TIMESTAMP '2026-08-30 09:36:00.000001', TIMESTAMP '2026-06-15 21:36:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2025-08-01 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-06-06 09:36:00.000001', TIMESTAMP '2026-03-06 09:36:00.000001', TIMESTAMP '2025-11-18 00:00:00.000001', TIMESTAMP '2026-09-12 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-04-29 09:36:00.000001', TIMESTAMP '2026-04-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2025-10-26 09:36:00.000001', TIMESTAMP '2026-08-10 21:36:00.000001', TIMESTAMP '2026-03-13 21:36:00.000001', TIMESTAMP '2026-07-24 00:00:00.000001', TIMESTAMP '2026-08-20 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-06-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-11 00:00:00', TIMESTAMP '2026-03-27 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-05-28 09:36:00.000001', TIMESTAMP '2026-08-24 00:00:00', TIMESTAMP '2026-08-24 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2025-11-30 00:00:00.000001', TIMESTAMP '2026-04-27 09:36:00.000001', TIMESTAMP '2026-08-05 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-06-07 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-03-31 09:36:00.000001', TIMESTAMP '2026-05-04 09:36:00.000001', TIMESTAMP '2025-11-11 00:00:00.000001', TIMESTAMP '2026-05-10 09:36:00.000001', TIMESTAMP '2026-09-23 00:00:00.000001', TIMESTAMP '2026-08-23 00:00:00.000001', TIMESTAMP '2026-06-25 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-02-13 00:00:00.000001', TIMESTAMP '2026-08-04 00:00:00', TIMESTAMP '2026-09-01 09:36:00.000001', TIMESTAMP '2026-08-09 00:00:00.000001', TIMESTAMP '2026-02-21 00:00:00', TIMESTAMP '2025-11-20 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-03-06 21:36:00.000001', TIMESTAMP '2026-05-30 09:36:00.000001', TIMESTAMP '2026-07-02 00:00:00.000001', TIMESTAMP '2026-09-21 00:00:00.000001', TIMESTAMP '2026-01-20 09:36:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-25 09:36:00.000001', TIMESTAMP '2026-09-23 15:23:20', TIMESTAMP '2026-07-19 00:00:00', TIMESTAMP '2026-07-19 00:00:00', TIMESTAMP '2026-08-12 09:36:00.000001', TIMESTAMP '2026-07-06 00:00:00', TIMESTAMP '2026-02-12 00:00:00.000001', TIMESTAMP '2026-06-25 00:00:00', TIMESTAMP '2026-06-25 00:00:00', TIMESTAMP '2026-09-23 09:36:00.000001', TIMESTAMP '2026-08-19 00:00:00', TIMESTAMP '2026-05-08 21:36:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-26 09:36:00.000001', TIMESTAMP '2026-06-26 21:36:00.000001', TIMESTAMP '2026-08-06 00:00:00', TIMESTAMP '2026-09-12 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-14 09:36:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-22 00:00:00.000001', TIMESTAMP '2026-08-27 00:00:00', TIMESTAMP '2026-08-09 21:36:00.000001', TIMESTAMP '2026-05-20 00:00:00', TIMESTAMP '2026-09-07 09:36:00.000001', TIMESTAMP '2026-06-13 09:36:00.000001', TIMESTAMP '2026-05-28 00:00:00.000001', TIMESTAMP '2026-08-05 00:00:00.000001', TIMESTAMP '2026-09-28 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-24 00:00:00', TIMESTAMP '2026-01-11 00:00:00.000001', TIMESTAMP '2026-07-08 00:00:00', TIMESTAMP '2026-06-15 21:36:00.000001', TIMESTAMP '2026-08-29 00:00:00.000001', TIMESTAMP '2026-07-25 00:00:00.000001', TIMESTAMP '2026-04-02 09:36:00.000001', TIMESTAMP '2026-02-23 00:00:00.000001', TIMESTAMP '2026-09-18 21:36:00.000001', TIMESTAMP '2025-12-22 00:00:00', TIMESTAMP '2026-05-25 00:00:00.000001', TIMESTAMP '2026-09-19 00:00:00', TIMESTAMP '2026-04-11 00:00:00.000001', TIMESTAMP '2026-09-13 09:36:00.000001', TIMESTAMP '2026-07-20 00:00:00.000001', TIMESTAMP '2026-08-21 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-20 00:00:00', TIMESTAMP '2026-06-16 09:36:00.000001', TIMESTAMP '2026-08-16 00:00:00.000001', TIMESTAMP '2026-05-17 00:00:00.000001', TIMESTAMP '2026-09-29 09:36:00.000001', TIMESTAMP '2026-06-01 00:00:00.000001', TIMESTAMP '2026-09-06 00:00:00.000001', TIMESTAMP '2026-04-05 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-21 09:36:00.000001', TIMESTAMP '2026-08-05 00:00:00.000001', TIMESTAMP '2026-06-15 00:00:00.000001', TIMESTAMP '2026-08-16 00:00:00', TIMESTAMP '2026-09-24 21:36:00.000001', TIMESTAMP '2026-09-12 21:36:00.000001', TIMESTAMP '2026-06-17 00:00:00.000001', TIMESTAMP '2026-09-05 21:36:00.000001', TIMESTAMP '2026-08-23 00:00:00.000001', TIMESTAMP '2026-07-26 00:00:00.000001', TIMESTAMP '2026-08-31 00:00:00.000001', TIMESTAMP '2026-07-17 00:00:00.000001', TIMESTAMP '2026-09-09 17:38:45', TIMESTAMP '2026-05-22 00:00:00', TIMESTAMP '2026-06-18 00:00:00.000001', TIMESTAMP '2026-09-10 00:00:00', TIMESTAMP '2026-08-24 00:00:00.000001', TIMESTAMP '2026-06-14 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-04-26 00:00:00', TIMESTAMP '2026-09-17 00:00:00.000001', TIMESTAMP '2026-09-13 00:00:00', TIMESTAMP '2026-09-13 00:00:00', TIMESTAMP '2026-08-06 00:00:00.000001', TIMESTAMP '2026-06-13 00:00:00', TIMESTAMP '2026-08-30 00:00:00.000001', TIMESTAMP '2026-02-24 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-25 00:00:00', TIMESTAMP '2026-07-14 00:00:00', TIMESTAMP '2026-09-08 09:36:00.000001', TIMESTAMP '2026-04-04 00:00:00', TIMESTAMP '2026-09-24 00:00:00', TIMESTAMP '2026-05-17 00:00:00', TIMESTAMP '2026-05-15 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-10 00:00:00', TIMESTAMP '2026-04-02 00:00:00', TIMESTAMP '2026-08-16 00:00:00.000001', TIMESTAMP '2026-09-25 00:00:00.000001', TIMESTAMP '2026-08-06 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-30 00:00:00.000001', TIMESTAMP '2026-08-31 00:00:00.000001', TIMESTAMP '2026-09-20 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-28 00:00:00.000001', TIMESTAMP '2026-08-03 00:00:00.000001', TIMESTAMP '2026-07-14 00:00:00.000001', TIMESTAMP '2026-09-20 00:00:00.000001', TIMESTAMP '2026-06-26 00:00:00.000001', TIMESTAMP '2026-08-04 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-23 00:00:00', TIMESTAMP '2026-06-18 00:00:00.000001', TIMESTAMP '2026-09-24 00:00:00', TIMESTAMP '2026-02-28 00:00:00', TIMESTAMP '2026-06-29 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-12 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-23 00:00:00.000001', TIMESTAMP '2026-08-13 00:00:00', TIMESTAMP '2026-08-04 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-14 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-27 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-21 00:00:00.000001', TIMESTAMP '2026-08-13 00:00:00.000001', TIMESTAMP '2026-07-05 00:00:00.000001', TIMESTAMP '2026-06-27 00:00:00.000001', TIMESTAMP '2026-07-15 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-29 00:00:00.000001', TIMESTAMP '2026-08-09 00:00:00.000001', TIMESTAMP '2026-07-27 00:00:00.000001', TIMESTAMP '2026-06-05 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-24 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-18 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-26 00:00:00.000001', TIMESTAMP '2026-09-09 00:00:00.000001', TIMESTAMP '2026-09-12 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-07-26 00:00:00.000001', TIMESTAMP '2026-07-28 00:00:00', TIMESTAMP '2026-09-04 00:00:00.000001', TIMESTAMP '2026-07-18 00:00:00', TIMESTAMP '2026-07-18 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-15 00:00:00.000001', TIMESTAMP '2026-09-20 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-26 00:00:00.000001', TIMESTAMP '2026-08-04 00:00:00.000001', TIMESTAMP '2026-08-07 00:00:00.000001', TIMESTAMP '2026-07-31 00:00:00.000001', TIMESTAMP '2026-09-04 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-25 00:00:00.000001', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-13 00:00:00.000001', TIMESTAMP '2026-09-23 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-09-18 00:00:00', TIMESTAMP '2026-08-17 00:00:00', TIMESTAMP '2026-09-30 00:00:00', TIMESTAMP '2026-08-31 00:00:00', TIMESTAMP '2026-09-23 00:00:00.000001', TIMESTAMP '2026-09-14 00:00:00.000001', TIMESTAMP '2026-09-20 00:00:00.000001', TIMESTAMP '2026-07-25 00:00:00', TIMESTAMP '2026-07-26 00:00:00', TIMESTAMP '2026-08-06 00:00:00', TIMESTAMP '2026-09-12 00:00:00', TIMESTAMP '2026-08-05 00:00:00']
--   $names = ['entered_disappointment', 'score_drop', 'nps_drop', 'csat_drop', 'stalled', 'silent', 'decision_maker_detractor', 'missed_qbr']
