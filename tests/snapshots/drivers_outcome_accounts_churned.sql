-- cxlib.drivers.outcome_accounts(con, Outcome('churned'), 'outcome', settings)
-- snapshot drivers_outcome_accounts_churned: 5 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/5]
SELECT dated, named FROM "_cx_dates"
;

-- [2/5]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/5]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [4/5]
SELECT * FROM "accounts" LIMIT 0
;

-- [5/5]
WITH behind_values AS (WITH driver_outcome AS (WITH ev AS (
SELECT e.account_id, e.ts,
CASE WHEN list_contains($customer_stages, e.stage) THEN 0
WHEN e.stage = $churn_stage THEN 1 END AS kind
FROM "journey_events" e
WHERE e.account_id IS NOT NULL AND e.ts IS NOT NULL AND e.ts <= CAST($as_of AS TIMESTAMP)
),
marked AS (
SELECT account_id, ts, kind,
lag(kind) OVER (PARTITION BY account_id ORDER BY ts, kind) AS prev_kind
FROM ev WHERE kind IS NOT NULL
),
transitions AS (
SELECT account_id, ts, kind FROM marked
WHERE (kind = 0 AND prev_kind IS DISTINCT FROM 0) OR (kind = 1 AND prev_kind = 0)
),
spells AS (
SELECT account_id, ts AS spell_start,
lead(ts) OVER (PARTITION BY account_id ORDER BY ts, kind) AS spell_end
FROM transitions
QUALIFY kind = 0
),
spell_state AS (
SELECT account_id, arg_max(spell_end IS NOT NULL, spell_start) AS churned FROM spells GROUP BY account_id
),
flag_state AS (SELECT account_id, churned FROM (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) AS one WHERE churned IS NOT NULL),
churn_status AS (
SELECT coalesce(f.account_id, s.account_id) AS account_id,
coalesce(f.churned, false) OR coalesce(s.churned, false) AS churned
FROM flag_state f FULL JOIN spell_state s ON s.account_id = f.account_id
)
SELECT account_id, CASE WHEN churned THEN 1 ELSE 0 END AS y FROM churn_status),
population AS (SELECT account_id, y FROM driver_outcome WHERE y IS NOT NULL)
SELECT account_id, y = 1 AS value FROM population
WHERE y = 1),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", COALESCE(NULLIF(trim(CAST(acct."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS "qbr_last_100_days", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
