-- cxlib.funnel.funnel(con, FunnelSpec(steps=['Awareness', 'Consideration', 'Decision', 'Delivery'], mode='any'), settings)
-- snapshot funnel_any: 6 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/6]
SELECT EXISTS (SELECT 1 FROM "journey_events")
;

-- [2/6]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [3/6]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [4/6]
SELECT dated, named FROM "_cx_dates"
;

-- [5/6]
SELECT codes, t_max FROM "_journey_span"
;

-- [6/6]
WITH events AS NOT MATERIALIZED (
SELECT account_id, stage, ts FROM "journey_events"
WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
AND ts <= CAST($as_of AS TIMESTAMP)),
layout_events AS NOT MATERIALIZED (
SELECT account_key, stage_code, ts FROM "_journey_layout"
WHERE ts <= CAST($as_of AS TIMESTAMP)),
account_stats AS MATERIALIZED (SELECT account_key, CAST(firsts[$code_1] AS TIMESTAMP) AS m_1, CAST(firsts[$code_2] AS TIMESTAMP) AS m_2, CAST(firsts[$code_3] AS TIMESTAMP) AS m_3, CAST(firsts[$code_4] AS TIMESTAMP) AS m_4, CAST(firsts[$code_1] AS TIMESTAMP) AS r_min, greatest(CAST(lasts[$exit_code_1] AS TIMESTAMP), CAST(lasts[$exit_code_2] AS TIMESTAMP), CAST(lasts[$exit_code_3] AS TIMESTAMP)) AS last_exit FROM "_journey_accounts"),
coverage AS (
SELECT count(*) AS with_events,
count(*) FILTER (WHERE m_1 IS NULL) AS no_step1,
count(*) FILTER (WHERE m_1 IS NOT NULL AND r_min IS NULL) AS out_of_range
FROM account_stats),
any_0 AS (SELECT account_key, last_exit, r_min AS t_1, m_2 AS t_2, m_3 AS t_3, m_4 AS t_4 FROM account_stats WHERE r_min IS NOT NULL),
any_2 AS (SELECT * REPLACE (CASE WHEN t_1 IS NOT NULL AND t_2 IS NOT NULL THEN t_2 END AS t_2) FROM any_0),
any_3 AS (SELECT * REPLACE (CASE WHEN t_2 IS NOT NULL AND t_3 IS NOT NULL THEN t_3 END AS t_3) FROM any_2),
journeys_raw AS (SELECT * REPLACE (CASE WHEN t_3 IS NOT NULL AND t_4 IS NOT NULL THEN t_4 END AS t_4) FROM any_3),
journeys AS (
SELECT placed.account_key, placed.reached, placed.t_1, placed.t_2, placed.t_3, placed.t_4,
placed.last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) AS reached FROM journeys_raw) AS placed),
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
FROM (SELECT segment, w, exited, reached, last_exit, [epoch_us(t_1), epoch_us(t_2), epoch_us(t_3), epoch_us(t_4)] AS times,
unnest(range(2, least(reached + 1, 4) + 1)) AS step
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
SELECT segment, unnest(range(1, 5)) AS step, n AS n_1, w AS w_1, missing_accounts, null_arr
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
--   $exit_code_1 = 7
--   $exit_code_2 = 3
--   $exit_code_3 = 8
