-- cxlib.behind.churn_accounts(con, datetime(2026, 4, 1), 'churned', 'quarter', settings=settings)
-- snapshot behind_churn_quarter_2026_q2_churned: 4 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/4]
SELECT dated, named FROM "_cx_dates"
;

-- [2/4]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts'

-- [3/4]
SELECT * FROM "accounts" LIMIT 0
;

-- [4/4]
WITH behind_values AS (WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
ev AS (
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
periods AS (
SELECT period_start, period_start + to_months($step) AS period_end
FROM (SELECT unnest(generate_series((date_trunc($period_unit, CAST(lo AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)), (date_trunc($period_unit, CAST(hi AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)), to_months($step)))
AS period_start
FROM (SELECT min(spell_start) AS lo, CAST($as_of AS TIMESTAMP) AS hi FROM spells))
),
panel AS (
SELECT p.period_start, p.period_end, s.account_id,
s.spell_end IS NOT NULL AND s.spell_end < p.period_end AS churned
FROM periods p
JOIN spells s ON s.spell_start < p.period_start AND (s.spell_end IS NULL OR s.spell_end >= p.period_start)
)
SELECT panel.account_id, panel.churned AS value
FROM panel LEFT JOIN acct a ON a.account_id = panel.account_id
WHERE panel.period_start = CAST($behind_period AS TIMESTAMP) AND panel.churned ),
acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1)
SELECT behind_values.account_id, acct.name, COALESCE(NULLIF(trim(CAST(acct."tier" AS VARCHAR)), ''), '(none)') AS "tier", COALESCE(NULLIF(trim(CAST(acct."region" AS VARCHAR)), ''), '(none)') AS "region", COALESCE(NULLIF(trim(CAST(acct."industry" AS VARCHAR)), ''), '(none)') AS "industry", COALESCE(NULLIF(trim(CAST(acct."csm" AS VARCHAR)), ''), '(none)') AS "csm", COALESCE(NULLIF(trim(CAST(acct."qbr_last_100_days" AS VARCHAR)), ''), '(none)') AS "qbr_last_100_days", acct.arr, behind_values.value,
behind_values.* EXCLUDE (account_id, value)
FROM behind_values
LEFT JOIN acct ON acct.account_id = behind_values.account_id
ORDER BY behind_values.account_id
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $behind_period = TIMESTAMP '2026-04-01 00:00:00'
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $fy_shift = 0
--   $period_unit = 'quarter'
--   $step = 3
