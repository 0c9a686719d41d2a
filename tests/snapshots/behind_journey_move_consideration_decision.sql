-- cxlib.behind.journey_accounts(con, settings, move=('Consideration', 'Decision'))
-- snapshot behind_journey_move_consideration_decision: 8 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/8]
SELECT list(DISTINCT stage) FILTER (WHERE stage IS NOT NULL), epoch_us(min(ts)), epoch_us(max(ts)) FROM "journey_events"
;

-- [2/8]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [3/8]
WITH stamps AS (SELECT max("ts") AS ts FROM "journey_events" UNION ALL SELECT max("as_of") AS ts FROM "stage_snapshots" UNION ALL SELECT max("ts") AS ts FROM "surveys" UNION ALL SELECT max("ts") AS ts FROM "factor_ratings") SELECT max(ts) FROM stamps
;

-- [4/8]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [5/8]
SELECT DISTINCT source FROM "accounts" WHERE source IS NOT NULL
;

-- [6/8]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $t AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $t = 'accounts'

-- [7/8]
SELECT column_name FROM information_schema.columns WHERE table_name = $t AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $t = 'accounts'

-- [8/8]
WITH behind_values AS (
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
)
SELECT account_id, array_to_string(list_transform(v, lambda c: $codes[c]), $separator) AS value, len(list_filter(v[2:], lambda to_code, i: v[i] = list_position($codes, $behind_from) AND to_code = list_position($codes, $behind_to))) AS moves
FROM visits
WHERE len(list_filter(v[2:], lambda to_code, i: v[i] = list_position($codes, $behind_from) AND to_code = list_position($codes, $behind_to))) > 0),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", acct.arr, behind_values.value,
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
--   $separator = ' → '
--   $t0 = 1696118400000000
