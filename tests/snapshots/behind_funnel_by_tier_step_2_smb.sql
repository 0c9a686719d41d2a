-- cxlib.behind.funnel_accounts(con, FunnelSpec(steps=['Awareness', 'Consideration', 'Decision', 'Delivery'], by='tier'), step=2, settings, segment='SMB')
-- snapshot behind_funnel_by_tier_step_2_smb: 9 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/9]
SELECT EXISTS (SELECT 1 FROM "journey_events")
;

-- [2/9]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/9]
SELECT coalesce((
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) = (SELECT source FROM "_journey_span"), false)
;

-- [4/9]
SELECT code, stage FROM "_stage_codes" ORDER BY code
;

-- [5/9]
SELECT dated, named FROM "_cx_dates"
;

-- [6/9]
SELECT codes, t_max FROM "_journey_span"
;

-- [7/9]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [8/9]
SELECT * FROM "accounts" LIMIT 0
;

-- [9/9]
WITH behind_values AS (WITH events AS NOT MATERIALIZED (
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
SELECT account_key, t_1, t_2, t_3, t_4, last_exit, needs_lists AS needs_lists
FROM fast_4),
slow_events AS (
SELECT * FROM layout_events
WHERE account_key IN (SELECT account_key FROM fast WHERE needs_lists)),
slow_lists AS (
SELECT *, list_distinct(list_filter(l_1, lambda x: true)) AS starts
FROM (SELECT account_key, list(ts) FILTER (WHERE stage_code = $code_1) AS l_1, list(ts) FILTER (WHERE stage_code = $code_2) AS l_2, list(ts) FILTER (WHERE stage_code = $code_3) AS l_3, list(ts) FILTER (WHERE stage_code = $code_4) AS l_4, max(ts) FILTER (WHERE stage_code IN ($exit_code_1, $exit_code_2, $exit_code_3)) AS last_exit FROM slow_events GROUP BY account_key)),
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
slow AS (SELECT account_key, t_1, t_2, t_3, t_4, last_exit FROM slow_4),
journeys AS (
SELECT keys.account_id, placed.account_key, placed.reached, placed.t_1, placed.t_2, placed.t_3, placed.t_4,
placed.last_exit, CASE reached WHEN 1 THEN coalesce(last_exit >= t_1, false) WHEN 2 THEN coalesce(last_exit >= t_2, false) WHEN 3 THEN coalesce(last_exit >= t_3, false) WHEN 4 THEN coalesce(last_exit >= t_4, false) ELSE false END AS exited
FROM (SELECT *, CAST(t_1 IS NOT NULL AS INTEGER) + CAST(t_2 IS NOT NULL AS INTEGER) + CAST(t_3 IS NOT NULL AS INTEGER) + CAST(t_4 IS NOT NULL AS INTEGER) AS reached FROM (
SELECT account_key, t_1, t_2, t_3, t_4, last_exit FROM fast WHERE NOT needs_lists
UNION ALL
SELECT account_key, t_1, t_2, t_3, t_4, last_exit FROM slow)) AS placed
JOIN "_account_keys" AS keys ON keys.account_key = placed.account_key),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
weighted AS MATERIALIZED (
SELECT j.*, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS segment, CAST(1 AS DOUBLE) AS w,
a.account_id IS NOT NULL AS in_accounts,
a.account_id IS NOT NULL AND a.arr IS NULL AS null_arr
FROM journeys j LEFT JOIN acct a ON a.account_id = j.account_id),
behind AS (SELECT account_id, t_2 AS value FROM weighted WHERE reached >= 2 AND segment = $behind_segment)
SELECT * FROM behind),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", COALESCE(NULLIF(trim(CAST(acct."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS "qbr_last_100_days", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $behind_segment = 'SMB'
--   $code_1 = 2
--   $code_2 = 4
--   $code_3 = 5
--   $code_4 = 6
--   $exit_code_1 = 7
--   $exit_code_2 = 3
--   $exit_code_3 = 8
