-- cxlib.behind.funnel_accounts(con, FunnelSpec(steps=['Awareness', 'Consideration', 'Decision', 'Delivery']), step=3, which='dropped_exited', settings)
-- snapshot behind_funnel_step_3_dropped_exited: 8 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/8]
SELECT EXISTS (SELECT 1 FROM "journey_events")
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
WITH behind_values AS (WITH events AS NOT MATERIALIZED (
SELECT account_id, stage, ts FROM "journey_events"
WHERE account_id IS NOT NULL AND stage IS NOT NULL AND ts IS NOT NULL
AND ts <= CAST($as_of AS TIMESTAMP)),
account_stats AS MATERIALIZED (SELECT *, m_1 AS r_min FROM (SELECT account_id, min(ts) FILTER (WHERE stage = $stage_1) AS m_1, min(ts) FILTER (WHERE stage = $stage_2) AS m_2, min(ts) FILTER (WHERE stage = $stage_3) AS m_3, min(ts) FILTER (WHERE stage = $stage_4) AS m_4, max(ts) FILTER (WHERE stage IN ($exit_1, $exit_2, $exit_3)) AS last_exit FROM events GROUP BY account_id)),
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
fast AS MATERIALIZED (
SELECT account_id, t_1, t_2, t_3, t_4, last_exit, needs_lists AS needs_lists
FROM fast_4),
slow_events AS (
SELECT * FROM events
WHERE account_id IN (SELECT account_id FROM fast WHERE needs_lists)),
slow_lists AS (
SELECT *, list_distinct(list_filter(l_1, lambda x: true)) AS starts
FROM (SELECT account_id, list(ts) FILTER (WHERE stage = $stage_1) AS l_1, list(ts) FILTER (WHERE stage = $stage_2) AS l_2, list(ts) FILTER (WHERE stage = $stage_3) AS l_3, list(ts) FILTER (WHERE stage = $stage_4) AS l_4, max(ts) FILTER (WHERE stage IN ($exit_1, $exit_2, $exit_3)) AS last_exit FROM slow_events GROUP BY account_id)),
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
slow AS (SELECT account_id, t_1, t_2, t_3, t_4, last_exit FROM slow_4),
journeys AS (
SELECT account_id, reached, t_1, t_2, t_3, t_4, last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) AS reached FROM (
SELECT account_id, t_1, t_2, t_3, t_4, last_exit FROM fast WHERE NOT needs_lists
UNION ALL
SELECT account_id, t_1, t_2, t_3, t_4, last_exit FROM slow))),
weighted AS MATERIALIZED (
SELECT *, '' AS segment, CAST(1 AS DOUBLE) AS w, true AS in_accounts, false AS null_arr FROM journeys),
behind AS (SELECT account_id, (epoch_us(CAST($as_of AS TIMESTAMP)) - epoch_us(t_2)) / 86400000000.0 AS value, CASE WHEN exited THEN 'exited' ELSE 'in progress' END AS status FROM weighted WHERE reached >= 2 AND NOT (reached >= 3) AND exited)
SELECT * FROM behind),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $exit_1 = 'Disappointment'
--   $exit_2 = 'Churn'
--   $exit_3 = 'Lost deal'
--   $stage_1 = 'Awareness'
--   $stage_2 = 'Consideration'
--   $stage_3 = 'Decision'
--   $stage_4 = 'Delivery'
