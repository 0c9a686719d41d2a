-- cxlib.journey.sankey_data(con, max_moves=6, settings)
-- snapshot journey_sankey_6_moves: 5 statements on the sample workspace, in the order sent to DuckDB
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
step_moves AS MATERIALIZED (
-- the first max_moves + 1 visits of each path, numbered, with the visit after each
SELECT s.step, v[s.step] AS code, v[s.step + 1] AS next_code, count(*) AS accounts
FROM visits, unnest(generate_series(1, least(len(v), $max_moves + 1))) AS s(step)
GROUP BY ALL
),
nodes AS (
SELECT step, code, sum(accounts) AS accounts,
row_number() OVER (ORDER BY step, code) - 1 AS node_id
FROM step_moves
GROUP BY step, code
),
links AS (
SELECT step, code AS from_code, next_code AS to_code, accounts,
$codes[code] AS from_stage, $codes[next_code] AS to_stage
FROM step_moves
WHERE step <= $max_moves AND next_code IS NOT NULL
)
-- nodes and links in one result (one pass over the events), told apart by `part`
SELECT 'node' AS part, node_id, step, $codes[code] AS stage,
CASE WHEN list_contains($exit_names, $codes[code]) THEN $exit_color
ELSE coalesce($stage_colors[code], $neutral_color) END AS color,
accounts, code AS stage_order,
NULL AS source, NULL AS target, NULL AS is_return, NULL AS is_exit
FROM nodes
UNION ALL
SELECT 'link', NULL, NULL, NULL, NULL, links.accounts, NULL, src.node_id, dst.node_id,
coalesce(
(list_contains($funnel_names, from_stage) AND list_contains($funnel_names, to_stage)
AND list_position($funnel_names, to_stage) < list_position($funnel_names, from_stage))
OR (list_contains($exit_names, from_stage) AND list_contains($funnel_names, to_stage)),
false), coalesce(list_contains($exit_names, to_stage), false)
FROM links
JOIN nodes AS src ON src.step = links.step AND src.code = links.from_code
JOIN nodes AS dst ON dst.step = links.step + 1 AND dst.code = links.to_code
ORDER BY part DESC, node_id, source, target
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $codes = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
--   $exit_color = '#cb181d'
--   $exit_names = ['Disappointment', 'Churn', 'Lost deal']
--   $funnel_names = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $m = 16
--   $max_moves = 6
--   $neutral_color = '#7f7f7f'
--   $remap = [7, 1, 9, 2, 3, 4, 8, 10, 6, 5]
--   $stage_colors = ['#9ecae1', '#6baed6', '#3182bd', '#08519c', '#41ab5d', '#238b45', '#005a32', '#f16913', '#cb181d', '#969696']
--   $t0 = 1696118400000000
