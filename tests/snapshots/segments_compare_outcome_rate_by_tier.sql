-- cxlib.segments.compare(con, 'tier', rate='outcome=1', settings=settings)
-- snapshot segments_compare_outcome_rate_by_tier: 4 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/4]
SELECT * FROM "accounts" LIMIT 0
;

-- [2/4]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/4]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1) SELECT DISTINCT trim(CAST("outcome" AS VARCHAR)) FROM acct WHERE "outcome" IS NOT NULL
;

-- [4/4]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
valued AS (
SELECT a.account_id, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS segment, CASE WHEN a."outcome" IS NULL THEN NULL WHEN lower(trim(CAST(a."outcome" AS VARCHAR))) = lower(trim($value)) OR TRY_CAST(a."outcome" AS DOUBLE) = CAST($value_number AS DOUBLE) OR list_contains($same_meaning, trim(CAST(a."outcome" AS VARCHAR))) THEN 1.0 ELSE 0.0 END AS v
FROM acct a
),
known AS (SELECT * FROM valued WHERE v IS NOT NULL),
groups AS (
SELECT segment, count(*) AS n, sum(v) AS total, avg(v) AS mean, var_samp(v) AS var
FROM known GROUP BY segment
),
rest AS (
SELECT g.segment, count(k.v) AS rest_n, coalesce(sum(k.v), 0) AS rest_total,
avg(k.v) AS rest_mean, var_samp(k.v) AS rest_var
FROM groups g LEFT JOIN known k ON k.segment <> g.segment
GROUP BY g.segment
)
SELECT * FROM groups JOIN rest USING (segment)
ORDER BY segment = '(none)', segment
;
-- params:
--   $same_meaning = []
--   $value = '1'
--   $value_number = 1.0
