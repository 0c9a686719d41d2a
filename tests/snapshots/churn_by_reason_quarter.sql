-- cxlib.churn.churn_by_reason(con, period='quarter', settings=settings)
-- snapshot churn_by_reason_quarter: 2 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/2]
SELECT dated, named FROM "_cx_dates"
;

-- [2/2]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
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
churned AS (
SELECT (date_trunc($period_unit, CAST(s.spell_end AS TIMESTAMP) - to_months($fy_shift)) + to_months($fy_shift)) AS period_start, COALESCE(NULLIF(trim(CAST(a.churn_reason AS VARCHAR)), ''), '(none)') AS reason, a.arr
FROM spells s LEFT JOIN acct a ON a.account_id = s.account_id
WHERE s.spell_end IS NOT NULL
),
tally AS (
SELECT period_start, reason, count(*) AS churned, sum(arr) AS arr_churned FROM churned GROUP BY period_start, reason
)
SELECT period_start, reason, churned, sum(churned) OVER (PARTITION BY period_start) AS total,
arr_churned, sum(arr_churned) OVER (PARTITION BY period_start) AS arr_total
FROM tally
ORDER BY period_start, churned DESC, reason = '(none)', reason
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $fy_shift = 0
--   $period_unit = 'quarter'
