-- cxlib.behind.journey_accounts(con, settings, move=('Consideration', 'Decision'))
-- snapshot behind_journey_move_consideration_decision: 7 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/7]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [2/7]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [3/7]
SELECT epoch_us(t_min), epoch_us(t_max) FROM "_journey_span"
;

-- [4/7]
SELECT dated, named FROM "_cx_dates"
;

-- [5/7]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [6/7]
SELECT * FROM "accounts" LIMIT 0
;

-- [7/7]
WITH behind_values AS (
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
)
SELECT k.account_id, array_to_string(list_transform(v, lambda c: $codes[c]), $separator) AS value, len(list_filter(v[2:], lambda to_code, i: v[i] = list_position($codes, $behind_from) AND to_code = list_position($codes, $behind_to))) AS moves
FROM visits
JOIN "_account_keys" AS k USING (account_key)
WHERE len(list_filter(v[2:], lambda to_code, i: v[i] = list_position($codes, $behind_from) AND to_code = list_position($codes, $behind_to))) > 0),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", COALESCE(NULLIF(trim(CAST(acct."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS "qbr_last_100_days", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $behind_from = 'Consideration'
--   $behind_to = 'Decision'
--   $codes = ['Awareness', 'Consideration', 'Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy', 'Disappointment', 'Churn', 'Lost deal']
--   $m = 16
--   $remap = [7, 1, 9, 2, 3, 4, 8, 10, 6, 5]
--   $separator = ' → '
--   $t0 = 1696118400000000
