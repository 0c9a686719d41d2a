-- cxlib.dimensions.as_of_date(con, settings)  # no as-of set: latest timestamp
-- snapshot dimensions_as_of_latest: 4 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/4]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [2/4]
WITH stamps AS (SELECT max("ts") AS ts FROM "journey_events" UNION ALL SELECT max("as_of") AS ts FROM "stage_snapshots" UNION ALL SELECT max("ts") AS ts FROM "surveys" UNION ALL SELECT max("ts") AS ts FROM "factor_ratings") SELECT max(ts) FROM stamps
;

-- [3/4]
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
;

-- [4/4]
SELECT DISTINCT source FROM "accounts" WHERE source IS NOT NULL
;
