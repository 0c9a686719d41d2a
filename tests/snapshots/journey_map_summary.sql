-- cxlib.journey.map_summary(con, settings)
-- snapshot journey_map_summary: 5 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/5]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [2/5]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [3/5]
SELECT epoch_us(t_min), epoch_us(t_max) FROM "_journey_span"
;

-- [4/5]
SELECT dated, named FROM "_cx_dates"
;

-- [5/5]
WITH
entries AS (
SELECT e.account_key, e.ts, $remap[e.stage_code] AS code
FROM "_journey_layout" AS e
WHERE (CAST($as_of AS TIMESTAMP) IS NULL OR e.ts <= CAST($as_of AS TIMESTAMP))
),
paths AS (
-- each account's entries in time order, ties in stage order: one sorted list of keys
SELECT account_key,
list_transform(list_sort(list((epoch_us(ts) - $t0)::BIGINT * $m + code)),
lambda k: (k % $m)::INTEGER) AS codes
FROM entries
GROUP BY account_key
),
visits AS (
-- consecutive entries of one stage are one visit
SELECT account_key, list_filter(codes, lambda c, i: i = 1 OR c <> codes[i - 1]) AS v
FROM paths
),
moves AS (
SELECT list_transform(v[2:], lambda to_code, i: v[i] * $m + to_code) AS pairs
FROM visits
),
flagged AS (
-- an account counts once per pair: the first of its moves of that pair carries it
SELECT unnest(list_transform(pairs, lambda p, i: p * 2 + (list_position(pairs, p) = i)::INTEGER)) AS move
FROM moves
),
pairs AS (
SELECT move // 2 AS pair, sum(move % 2) AS accounts, count(*) AS transitions
FROM flagged
GROUP BY pair
),
named AS (
SELECT $codes[pair // $m] AS from_stage, $codes[pair % $m] AS to_stage, pair, accounts, transitions
FROM pairs
),
moves_named AS (
SELECT from_stage, to_stage, pair, accounts::BIGINT AS accounts, transitions::BIGINT AS transitions,
coalesce(
(list_contains($funnel_names, from_stage) AND list_contains($funnel_names, to_stage)
AND list_position($funnel_names, to_stage) < list_position($funnel_names, from_stage))
OR (list_contains($exit_names, from_stage) AND list_contains($funnel_names, to_stage)),
false) AS is_return,
coalesce(list_contains($exit_names, to_stage), false) AS is_exit
FROM named
)
SELECT (SELECT count(*) FROM visits) AS accounts,
coalesce(sum(transitions), 0) AS moves,
coalesce(sum(transitions) FILTER (WHERE is_return), 0) AS returns,
coalesce(sum(transitions) FILTER (WHERE is_exit), 0) AS exit_moves
FROM moves_named
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $codes = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
--   $exit_names = ['Disappointment', 'Churn', 'Lost deal']
--   $funnel_names = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $m = 16
--   $remap = [7, 1, 9, 2, 3, 4, 8, 10, 6, 5]
--   $t0 = 1696118400000000
