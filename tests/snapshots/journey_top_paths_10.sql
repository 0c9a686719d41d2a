-- cxlib.journey.top_paths(con, limit=10, settings)
-- snapshot journey_top_paths_10: 5 statements on the sample workspace, in the order sent to DuckDB
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
path_counts AS (
SELECT v, count(*) AS accounts, sum(count(*)) OVER () AS all_accounts
FROM visits
GROUP BY v
),
named AS (
SELECT list_transform(v, lambda c: $codes[c]) AS stages, v, accounts, all_accounts
FROM path_counts
)
SELECT array_to_string(stages, $separator) AS path, stages, accounts::BIGINT AS accounts,
accounts / all_accounts AS share
FROM named
ORDER BY accounts DESC, v
LIMIT $limit
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $codes = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
--   $limit = 10
--   $m = 16
--   $remap = [7, 1, 9, 2, 3, 4, 8, 10, 6, 5]
--   $separator = ' → '
--   $t0 = 1696118400000000
