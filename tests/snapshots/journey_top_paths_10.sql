-- cxlib.journey.top_paths(con, limit=10, settings)
-- snapshot journey_top_paths_10: 6 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/6]
SELECT list(DISTINCT stage) FILTER (WHERE stage IS NOT NULL), epoch_us(min(ts)), epoch_us(max(ts)) FROM "journey_events"
;

-- [2/6]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [3/6]
WITH stamps AS (SELECT max("ts") AS ts FROM "journey_events" UNION ALL SELECT max("as_of") AS ts FROM "stage_snapshots" UNION ALL SELECT max("ts") AS ts FROM "surveys" UNION ALL SELECT max("ts") AS ts FROM "factor_ratings") SELECT max(ts) FROM stamps
;

-- [4/6]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [5/6]
SELECT DISTINCT source FROM "accounts" WHERE source IS NOT NULL
;

-- [6/6]
WITH
entries AS (
SELECT e.account_id, e.ts, list_position($codes, e.stage) AS code
FROM "journey_events" AS e
WHERE e.account_id IS NOT NULL AND e.stage IS NOT NULL AND e.ts IS NOT NULL
AND (CAST($as_of AS TIMESTAMP) IS NULL OR e.ts <= CAST($as_of AS TIMESTAMP))
),
paths AS (
-- each account's entries in time order, ties in stage order: one sorted list of keys
SELECT account_id,
list_transform(list_sort(list((epoch_us(ts) - $t0)::BIGINT * $m + code)),
lambda k: (k % $m)::INTEGER) AS codes
FROM entries
GROUP BY account_id
),
visits AS (
-- consecutive entries of one stage are one visit
SELECT account_id, list_filter(codes, lambda c, i: i = 1 OR c <> codes[i - 1]) AS v
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
--   $separator = ' → '
--   $t0 = 1696118400000000
