-- cxlib.churn.churn_window(con, datetime(2026, 1, 1), by='tier', settings=settings)
-- snapshot churn_window_2026: 3 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/3]
SELECT dated, named FROM "_cx_dates"
;

-- [2/3]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/3]
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
periods AS (SELECT CAST($start AS TIMESTAMP) AS period_start, coalesce(CAST($end AS TIMESTAMP), CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY) AS period_end),
panel AS (
SELECT p.period_start, p.period_end, s.account_id,
s.spell_end IS NOT NULL AND s.spell_end < p.period_end AS churned
FROM periods p
JOIN spells s ON s.spell_start < p.period_start AND (s.spell_end IS NULL OR s.spell_end >= p.period_start)
)
SELECT period_start, segment, count(*) AS active_start, count(*) FILTER (WHERE churned) AS churned,
sum(a.arr) AS arr_active_start, sum(a.arr) FILTER (WHERE churned) AS arr_churned,
bool_or(period_end > CAST($as_of AS TIMESTAMP)) AS partial
FROM (SELECT panel.*, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS segment, a.arr FROM panel LEFT JOIN acct a ON a.account_id = panel.account_id) a
GROUP BY period_start, segment
ORDER BY period_start, segment = '(none)', segment
;
-- params:
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $end = NULL
--   $start = TIMESTAMP '2026-01-01 00:00:00'
