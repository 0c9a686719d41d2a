-- cxlib.segments.compare(con, 'region', mean='arr', settings=settings)
-- snapshot segments_compare_mean_arr_by_region: 4 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/4]
SELECT * FROM "accounts" LIMIT 0
;

-- [2/4]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/4]
SELECT count("arr"), count(TRY_CAST("arr" AS DOUBLE)) FROM "accounts"
;

-- [4/4]
WITH acct AS (SELECT * FROM "accounts" WHERE account_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY source_row NULLS LAST) = 1),
valued AS (
SELECT a.account_id, COALESCE(NULLIF(trim(CAST(a."region" AS VARCHAR)), ''), '(none)') AS segment, TRY_CAST(a."arr" AS DOUBLE) AS v
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
