-- cxlib.journey.transitions(con, settings, segment=('tier', 'Enterprise'))
-- snapshot journey_transitions_tier_enterprise: 6 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/6]
SELECT * FROM "accounts" LIMIT 0
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
SELECT epoch_us(t_min), epoch_us(t_max) FROM "_journey_span"
;

-- [5/6]
SELECT dated, named FROM "_cx_dates"
;

-- [6/6]
WITH
entries AS (
SELECT e.account_key, e.ts, $remap[e.stage_code] AS code
FROM "_journey_layout" AS e
WHERE (CAST($as_of AS TIMESTAMP) IS NULL OR e.ts <= CAST($as_of AS TIMESTAMP))
AND e.account_key IN (SELECT seg_keys.account_key FROM "_account_keys" AS seg_keys WHERE true AND seg_keys.account_id IN (SELECT seg.account_id FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS seg WHERE COALESCE(NULLIF(trim(CAST(seg."tier" AS VARCHAR)), ''), '(none)') = trim(CAST($segment_value AS VARCHAR))))
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
SELECT from_stage, to_stage, accounts, transitions, is_return, is_exit
FROM moves_named
ORDER BY pair
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $codes = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
--   $exit_names = ['Disappointment', 'Churn', 'Lost deal']
--   $funnel_names = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $m = 16
--   $remap = [7, 1, 9, 2, 3, 4, 8, 10, 6, 5]
--   $segment_value = 'Enterprise'
--   $t0 = 1696118400000000
