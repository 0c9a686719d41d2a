-- cxlib.funnel.funnel(con, FunnelSpec(steps=['Awareness', 'Consideration', 'Decision', 'Delivery'], source='snapshot'), settings)
-- snapshot funnel_snapshot: 3 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/3]
SELECT EXISTS (SELECT 1 FROM "stage_snapshots")
;

-- [2/3]
SELECT dated, named FROM "_cx_dates"
;

-- [3/3]
WITH latest AS (
SELECT account_id, arg_max(stage, as_of) AS stage, arg_max(last_funnel_stage, as_of) AS last_funnel
FROM "stage_snapshots"
WHERE account_id IS NOT NULL AND (as_of IS NULL OR as_of <= CAST($as_of AS TIMESTAMP))
GROUP BY account_id),
placed AS (
SELECT account_id, stage, list_contains($exits, stage) AS on_exit,
CASE WHEN list_contains($exits, stage) THEN last_funnel ELSE stage END AS at_stage
FROM latest),
positioned AS (
SELECT *, CASE at_stage WHEN $ord_0 THEN 1 WHEN $ord_1 THEN 2 WHEN $ord_2 THEN 3 WHEN $ord_3 THEN 4 WHEN $ord_4 THEN 5 WHEN $ord_5 THEN 6 WHEN $ord_6 THEN 7 WHEN $ord_7 THEN 8 WHEN $ord_8 THEN 9 WHEN $ord_9 THEN 10 END AS pos FROM placed),
classified AS MATERIALIZED (
SELECT *, coalesce(CAST(pos >= 1 AS INTEGER) + CAST(pos >= 2 AS INTEGER) + CAST(pos >= 3 AS INTEGER) + CAST(pos >= 4 AS INTEGER), 0) AS reached,
on_exit AND (at_stage IS NULL OR NOT list_contains($funnel, at_stage)) AS exit_unknown,
NOT on_exit AND NOT list_contains($funnel, coalesce(stage, '')) AS outside
FROM positioned),
coverage AS (
SELECT count(*) AS with_events,
count(*) FILTER (WHERE reached = 0 AND NOT exit_unknown AND NOT outside) AS no_step1,
0 AS out_of_range,
count(*) FILTER (WHERE exit_unknown) AS exited_unknown,
count(*) FILTER (WHERE outside) AS outside
FROM classified),
journeys AS (
SELECT account_id, reached, CAST(NULL AS TIMESTAMP) AS t_1, CAST(NULL AS TIMESTAMP) AS t_2, CAST(NULL AS TIMESTAMP) AS t_3, CAST(NULL AS TIMESTAMP) AS t_4, CAST(NULL AS TIMESTAMP) AS last_exit, on_exit AS exited
FROM classified WHERE reached > 0 AND NOT exit_unknown),
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
--   $exits = ['Disappointment', 'Churn', 'Lost deal']
--   $funnel = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $ord_0 = 'Awareness'
--   $ord_1 = 'Consideration'
--   $ord_2 = 'Decision'
--   $ord_3 = 'Delivery'
--   $ord_4 = 'Usage'
--   $ord_5 = 'Loyalty'
--   $ord_6 = 'Advocacy'
--   $ord_7 = 'Disappointment'
--   $ord_8 = 'Churn'
--   $ord_9 = 'Lost deal'
