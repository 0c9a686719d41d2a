-- cxlib.dimensions.as_of_date(con, settings)  # no as-of set: latest timestamp
-- snapshot dimensions_as_of_latest: 1 statement on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/1]
SELECT dated, named FROM "_cx_dates"
;
