-- cxlib.mapping.apply_mapping(con, sample.mapping)  # the sample workspace's mapping
-- snapshot mapping_apply_sample: 132 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'accounts_2'

-- [2/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts_2'

-- [3/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'activities_2'

-- [4/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'activities_2'

-- [5/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'factor_ratings_2'

-- [6/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'factor_ratings_2'

-- [7/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'journey_events_2'

-- [8/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'journey_events_2'

-- [9/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'surveys_2'

-- [10/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'surveys_2'

-- [11/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [12/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [13/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [14/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [15/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [16/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [17/132]
DROP TABLE IF EXISTS "_cx_dates"
;

-- [18/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts_2'

-- [19/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'activities_2'

-- [20/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'factor_ratings_2'

-- [21/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'journey_events_2'

-- [22/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'surveys_2'

-- [23/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [24/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [25/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [26/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'accounts_2'

-- [27/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'accounts_2'

-- [28/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'activities_2'

-- [29/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'activities_2'

-- [30/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'journey_events_2'

-- [31/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'journey_events_2'

-- [32/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'surveys_2'

-- [33/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'surveys_2'

-- [34/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [35/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [36/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [37/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [38/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [39/132]
SELECT column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = current_schema() AND table_name = ? ORDER BY column_index
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [40/132]
CREATE TEMP TABLE IF NOT EXISTS _cx_stage_value_counts (table_name VARCHAR, column_name VARCHAR, signature VARCHAR, value VARCHAR, value_rows BIGINT)
;

-- [41/132]
SELECT value, value_rows FROM _cx_stage_value_counts WHERE table_name = $table AND column_name = $column AND signature = (
SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = $table)
;
-- params:
--   $column = 'Stage'
--   $table = 'journey_events_2'

-- [42/132]
CREATE TEMP TABLE IF NOT EXISTS _cx_stage_value_counts (table_name VARCHAR, column_name VARCHAR, signature VARCHAR, value VARCHAR, value_rows BIGINT)
;

-- [43/132]
SELECT value, value_rows FROM _cx_stage_value_counts WHERE table_name = $table AND column_name = $column AND signature = (
SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = $table)
;
-- params:
--   $column = 'Touchpoint'
--   $table = 'surveys_2'

-- [44/132]
CREATE TEMP TABLE IF NOT EXISTS _cx_stage_value_counts (table_name VARCHAR, column_name VARCHAR, signature VARCHAR, value VARCHAR, value_rows BIGINT)
;

-- [45/132]
SELECT value, value_rows FROM _cx_stage_value_counts WHERE table_name = $table AND column_name = $column AND signature = (
SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = $table)
;
-- params:
--   $column = 'Lifecycle Stage'
--   $table = 'stage_snapshot_2026_07_31'

-- [46/132]
CREATE TEMP TABLE IF NOT EXISTS _cx_stage_value_counts (table_name VARCHAR, column_name VARCHAR, signature VARCHAR, value VARCHAR, value_rows BIGINT)
;

-- [47/132]
SELECT value, value_rows FROM _cx_stage_value_counts WHERE table_name = $table AND column_name = $column AND signature = (
SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = $table)
;
-- params:
--   $column = 'Lifecycle Stage'
--   $table = 'stage_snapshot_2026_08_31'

-- [48/132]
CREATE TEMP TABLE IF NOT EXISTS _cx_stage_value_counts (table_name VARCHAR, column_name VARCHAR, signature VARCHAR, value VARCHAR, value_rows BIGINT)
;

-- [49/132]
SELECT value, value_rows FROM _cx_stage_value_counts WHERE table_name = $table AND column_name = $column AND signature = (
SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = $table)
;
-- params:
--   $column = 'Lifecycle Stage'
--   $table = 'stage_snapshot_2026_09_30'

-- [50/132]
CREATE OR REPLACE TABLE "_stage_map" (value VARCHAR PRIMARY KEY, stage VARCHAR)
;

-- [51/132] executemany
INSERT INTO "_stage_map" VALUES (?, ?)
;
-- rows (20):
--   ['Advocacy', 'Advocacy']
--   ['At Risk', 'Disappointment']
--   ['Awareness', 'Awareness']
--   ['Churn', 'Churn']
--   ['Churned', 'Churn']
--   ['Closed Lost', 'Lost deal']
--   ['Closed Won', 'Decision']
--   ['Consideration', 'Consideration']
--   ['Decision', 'Decision']
--   ['Delivery', 'Delivery']
--   ['Disappointment', 'Disappointment']
--   ['Lead', 'Awareness']
--   ['Live', 'Usage']
--   ['Lost deal', 'Lost deal']
--   ['Loyalty', 'Loyalty']
--   ['Onboarding', 'Delivery']
--   ['Opportunity', 'Consideration']
--   ['Referral', 'Advocacy']
--   ['Renewal', 'Loyalty']
--   ['Usage', 'Usage']

-- [52/132]
CREATE OR REPLACE TABLE "_cx_stage_list" (name VARCHAR, kind VARCHAR, position INTEGER)
;

-- [53/132] executemany
INSERT INTO "_cx_stage_list" VALUES (?, ?, ?)
;
-- rows (10):
--   ['Advocacy', 'funnel', 7]
--   ['Awareness', 'funnel', 1]
--   ['Churn', 'exit', 9]
--   ['Consideration', 'funnel', 2]
--   ['Decision', 'funnel', 3]
--   ['Delivery', 'funnel', 4]
--   ['Disappointment', 'exit', 8]
--   ['Lost deal', 'lost', 10]
--   ['Loyalty', 'funnel', 6]
--   ['Usage', 'funnel', 5]

-- [54/132]
CREATE OR REPLACE TABLE "_cx_tables" (idx INTEGER, table_name VARCHAR, source VARCHAR, kind VARCHAR, as_of TIMESTAMP, survey_type VARCHAR, timezone VARCHAR)
;

-- [55/132] executemany
INSERT INTO "_cx_tables" VALUES (?, ?, ?, ?, ?, ?, ?)
;
-- rows (8):
--   [0, 'accounts_2', 'accounts.csv', 'accounts', NULL, NULL, 'UTC']
--   [1, 'activities_2', 'activities.csv', 'activities', NULL, NULL, 'UTC']
--   [2, 'factor_ratings_2', 'factor_ratings.csv', 'factor_ratings', NULL, NULL, 'UTC']
--   [3, 'journey_events_2', 'journey_events.csv', 'journey_events', NULL, NULL, 'UTC']
--   [4, 'surveys_2', 'surveys.csv', 'surveys', NULL, NULL, 'UTC']
--   [5, 'stage_snapshot_2026_07_31', 'stage_snapshot_2026-07-31.csv', 'stage_snapshots', NULL, NULL, 'UTC']
--   [6, 'stage_snapshot_2026_08_31', 'stage_snapshot_2026-08-31.csv', 'stage_snapshots', NULL, NULL, 'UTC']
--   [7, 'stage_snapshot_2026_09_30', 'stage_snapshot_2026-09-30.csv', 'stage_snapshots', NULL, NULL, 'UTC']

-- [56/132]
SELECT DISTINCT NULLIF(trim(CAST("Activity Type" AS VARCHAR)), '') FROM "activities_2"
;

-- [57/132]
SELECT DISTINCT NULLIF(trim(CAST("Status" AS VARCHAR)), '') FROM "activities_2"
;

-- [58/132]
SELECT DISTINCT NULLIF(trim(CAST("Subject" AS VARCHAR)), '') FROM "activities_2"
;

-- [59/132]
SELECT DISTINCT NULLIF(trim(CAST("Initiated By" AS VARCHAR)), '') FROM "activities_2"
;

-- [60/132]
SELECT DISTINCT NULLIF(trim(CAST("Survey Type" AS VARCHAR)), '') FROM "surveys_2"
;

-- [61/132]
CREATE OR REPLACE TABLE "_cx_value_map" (category VARCHAR, value VARCHAR, mapped VARCHAR)
;

-- [62/132] executemany
INSERT INTO "_cx_value_map" VALUES (?, ?, ?)
;
-- rows (55):
--   ['activity_state', 'Completed', 'done']
--   ['activity_state', 'Not Started', 'open']
--   ['activity_state', 'Planned', 'open']
--   ['activity_state', 'Solved', 'done']
--   ['activity_type', 'Call', 'call']
--   ['activity_type', 'EBR', 'qbr']
--   ['activity_type', 'Email', 'email']
--   ['activity_type', 'Meeting', 'meeting']
--   ['activity_type', 'QBR', 'qbr']
--   ['activity_type', 'Reference call', 'reference']
--   ['activity_type', 'Task', 'task']
--   ['activity_type', 'Ticket', 'ticket']
--   ['activity_type', 'Training', 'training']
--   ['activity_type', 'Webinar', 'webinar']
--   ['initiated_by', 'Customer', 'customer']
--   ['initiated_by', 'Provider', 'provider']
--   ['subject_type', 'EBR 2025 Q1', 'qbr']
--   ['subject_type', 'EBR 2025 Q2', 'qbr']
--   ['subject_type', 'EBR 2025 Q3', 'qbr']
--   ['subject_type', 'EBR 2025 Q4', 'qbr']
--   ['subject_type', 'EBR 2026 Q1', 'qbr']
--   ['subject_type', 'EBR 2026 Q2', 'qbr']
--   ['subject_type', 'EBR 2026 Q3', 'qbr']
--   ['subject_type', 'Planned QBR prep', 'qbr']
--   ['subject_type', 'QBR 2023 Q4', 'qbr']
--   ['subject_type', 'QBR 2024 Q1', 'qbr']
--   ['subject_type', 'QBR 2024 Q2', 'qbr']
--   ['subject_type', 'QBR 2024 Q3', 'qbr']
--   ['subject_type', 'QBR 2024 Q4', 'qbr']
--   ['subject_type', 'QBR 2025 Q1', 'qbr']
--   ['subject_type', 'QBR 2025 Q2', 'qbr']
--   ['subject_type', 'QBR 2025 Q3', 'qbr']
--   ['subject_type', 'QBR 2025 Q4', 'qbr']
--   ['subject_type', 'QBR 2026 Q1', 'qbr']
--   ['subject_type', 'QBR 2026 Q2', 'qbr']
--   ['subject_type', 'QBR 2026 Q3', 'qbr']
--   ['subject_type', 'QBR follow-up: admin training follow-up', 'qbr']
--   ['subject_type', 'QBR follow-up: api integration check-in', 'qbr']
--   ['subject_type', 'QBR follow-up: custom reporting request', 'qbr']
--   ['subject_type', 'QBR follow-up: escalation and response time', 'qbr']
--   … 15 more rows

-- [63/132]
CREATE OR REPLACE TABLE "_cx_score_ranges" (survey_type VARCHAR, low DOUBLE, high DOUBLE)
;

-- [64/132] executemany
INSERT INTO "_cx_score_ranges" VALUES (?, ?, ?)
;
-- rows (1):
--   ['NPS', 0.0, 10.0]

-- [65/132]
CREATE OR REPLACE TABLE "_cx_shape_values" (table_idx INTEGER, category VARCHAR, value VARCHAR, mapped VARCHAR)
;

-- [66/132]
CREATE OR REPLACE MACRO _cx_sf_chunk(s, k) AS substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + (CASE WHEN regexp_matches(substr(s, k * 5 + 1, 1), '[A-Z]') THEN 1 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 2, 1), '[A-Z]') THEN 2 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 3, 1), '[A-Z]') THEN 4 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 4, 1), '[A-Z]') THEN 8 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 5, 1), '[A-Z]') THEN 16 ELSE 0 END), 1)
;

-- [67/132]
CREATE OR REPLACE MACRO _cx_account_id(x) AS CASE WHEN x IS NOT NULL AND strlen(x) = 18 AND regexp_full_match(x, '[a-zA-Z0-9]{18}') AND right(x, 3) = _cx_sf_chunk(x, 0) || _cx_sf_chunk(x, 1) || _cx_sf_chunk(x, 2) THEN left(x, 15) ELSE x END
;

-- [68/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'accounts'

-- [69/132]
DROP TABLE "accounts"
;

-- [70/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = '_cx_accounts_rows'

-- [71/132]
DROP TABLE "_cx_accounts_rows"
;

-- [72/132]
CREATE TABLE "_cx_accounts_rows" AS
WITH raw_rows AS ((SELECT 0 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Account Name" AS VARCHAR)), '') AS name, CAST(NULL AS VARCHAR) AS stage_raw, CAST(raw."ARR" AS DOUBLE) AS arr, CAST(raw."Contract Start" AS TIMESTAMP) AS start_date, CAST(raw."Renewal Date" AS TIMESTAMP) AS renewal_date, NULLIF(trim(CAST(raw."Churn Reason" AS VARCHAR)), '') AS churn_reason, CAST(raw."Outcome Achieved" AS DOUBLE) AS outcome, CAST(NULL AS BOOLEAN) AS churned, CAST(NULL AS VARCHAR) AS intent, NULLIF(trim(CAST(raw."Tier" AS VARCHAR)), '') AS "tier", NULLIF(trim(CAST(raw."Region" AS VARCHAR)), '') AS "region", NULLIF(trim(CAST(raw."Industry" AS VARCHAR)), '') AS "industry", NULLIF(trim(CAST(raw."CSM" AS VARCHAR)), '') AS "csm" FROM "accounts_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 0) AS table_info)),
with_stage AS (
SELECT raw_rows.*, stage_entry.stage
FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw),
with_check AS (SELECT *, CASE WHEN account_id IS NULL THEN 'account id missing' WHEN stage_raw IS NOT NULL AND stage IS NULL THEN 'stage not mapped' END AS check_reason FROM with_stage),
numbered AS (
SELECT *, row_number() OVER (PARTITION BY account_id, check_reason IS NULL
ORDER BY table_idx, source_row) AS duplicate_number
FROM with_check)
SELECT account_id, name, stage, arr, start_date, renewal_date, churn_reason, outcome, churned, intent, source,
source_row, "tier", "region", "industry", "csm",
table_idx,
COALESCE(check_reason, CASE WHEN duplicate_number > 1 THEN 'duplicate account id' END) AS reason
FROM numbered
;

-- [73/132]
CREATE TABLE "accounts" AS SELECT "account_id", "name", "stage", "arr", "start_date", "renewal_date", "churn_reason", "outcome", "churned", "intent", "source", "source_row", "tier", "region", "industry", "csm" FROM _cx_accounts_rows WHERE reason IS NULL
;

-- [74/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'stage_snapshots'

-- [75/132]
DROP TABLE "stage_snapshots"
;

-- [76/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = '_cx_stage_snapshots_rows'

-- [77/132]
DROP TABLE "_cx_stage_snapshots_rows"
;

-- [78/132]
CREATE TABLE "_cx_stage_snapshots_rows" AS
WITH raw_rows AS ((SELECT 5 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Lifecycle Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Snapshot Date" AS TIMESTAMP) AS as_of, (raw."Snapshot Date" IS NOT NULL) AS as_of_given, CAST(NULL AS VARCHAR) AS last_stage_raw FROM "stage_snapshot_2026_07_31" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 5) AS table_info)
UNION ALL BY NAME
(SELECT 6 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Lifecycle Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Snapshot Date" AS TIMESTAMP) AS as_of, (raw."Snapshot Date" IS NOT NULL) AS as_of_given, CAST(NULL AS VARCHAR) AS last_stage_raw FROM "stage_snapshot_2026_08_31" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 6) AS table_info)
UNION ALL BY NAME
(SELECT 7 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Lifecycle Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Snapshot Date" AS TIMESTAMP) AS as_of, (raw."Snapshot Date" IS NOT NULL) AS as_of_given, CAST(NULL AS VARCHAR) AS last_stage_raw FROM "stage_snapshot_2026_09_30" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 7) AS table_info)),
with_stage AS (
SELECT raw_rows.*, stage_entry.stage, last_stage_entry.stage AS last_funnel_stage
FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw
LEFT JOIN _stage_map AS last_stage_entry ON last_stage_entry.value = raw_rows.last_stage_raw),
with_check AS (SELECT *, CASE WHEN account_id IS NULL THEN 'account id missing' WHEN (account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)) THEN 'account id not in the accounts table' WHEN stage_raw IS NULL THEN 'stage missing' WHEN stage IS NULL THEN 'stage not mapped' WHEN NOT as_of_given THEN 'timestamp missing' WHEN as_of IS NULL THEN 'timestamp unparseable' END AS check_reason FROM with_stage),
numbered AS (
SELECT *, row_number() OVER (PARTITION BY account_id, as_of, check_reason IS NULL
ORDER BY table_idx, source_row) AS duplicate_number
FROM with_check)
SELECT account_id, stage, as_of, last_funnel_stage, source, source_row, table_idx,
COALESCE(check_reason, CASE WHEN duplicate_number > 1 THEN 'duplicate account id in snapshot' END) AS reason
FROM numbered
;

-- [79/132]
CREATE TABLE "stage_snapshots" AS
WITH used_snapshots AS (SELECT * FROM _cx_stage_snapshots_rows WHERE reason IS NULL),
with_funnel_before AS (
SELECT used_row.*, COALESCE(listed_stage.kind, 'lost') AS stage_kind,
last_value(CASE WHEN listed_stage.kind = 'funnel' THEN used_row.stage END IGNORE NULLS) OVER (
PARTITION BY used_row.account_id ORDER BY used_row.as_of, used_row.table_idx, used_row.source_row
ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS funnel_stage_before
FROM used_snapshots AS used_row LEFT JOIN _cx_stage_list AS listed_stage ON listed_stage.name = used_row.stage)
SELECT account_id, stage, as_of,
CASE WHEN stage_kind = 'funnel' THEN last_funnel_stage
ELSE COALESCE(last_funnel_stage, funnel_stage_before) END AS last_funnel_stage,
source, source_row
FROM with_funnel_before
;

-- [80/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'journey_events'

-- [81/132]
DROP TABLE "journey_events"
;

-- [82/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = '_cx_journey_events_rows'

-- [83/132]
DROP TABLE "_cx_journey_events_rows"
;

-- [84/132]
CREATE TABLE "_cx_journey_events_rows" AS
WITH raw_rows AS ((SELECT 3 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Entered At" AS TIMESTAMP) AS ts, (raw."Entered At" IS NOT NULL) AS ts_given FROM "journey_events_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 3) AS table_info)
UNION ALL BY NAME
(SELECT CAST(NULL AS VARCHAR) AS shape_reason, false AS shape_keeps_unkeyed WHERE false)),
with_stage AS (
SELECT raw_rows.*, stage_entry.stage
FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw)
SELECT account_id, stage, ts, 'event' AS resolution, source, source_row, table_idx,
COALESCE(shape_reason, CASE WHEN account_id IS NULL THEN 'account id missing' WHEN (account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)) THEN 'account id not in the accounts table' WHEN stage_raw IS NULL THEN 'stage missing' WHEN stage IS NULL THEN 'stage not mapped' WHEN NOT ts_given THEN 'timestamp missing' WHEN ts IS NULL THEN 'timestamp unparseable' END) AS reason
FROM with_stage
;

-- [85/132]
CREATE TABLE "journey_events" AS
WITH real_events AS NOT MATERIALIZED (
SELECT account_id, stage, ts, resolution, source, source_row
FROM _cx_journey_events_rows WHERE reason IS NULL),
snapshots AS (SELECT account_id, stage, as_of, source, source_row FROM stage_snapshots),
snapshot_runs AS (SELECT count(DISTINCT as_of) AS runs FROM snapshots),
with_previous_stage AS (
SELECT *, lag(stage) OVER (PARTITION BY account_id ORDER BY as_of, source, source_row) AS previous_stage
FROM snapshots),
monthly_events AS (
SELECT account_id, stage, as_of AS ts, 'monthly' AS resolution, source, source_row
FROM with_previous_stage
WHERE (previous_stage IS NULL OR previous_stage <> stage) AND (SELECT runs FROM snapshot_runs) >= 2
AND account_id NOT IN (SELECT account_id FROM real_events WHERE account_id IN (SELECT account_id FROM snapshots)))
SELECT * FROM real_events
UNION ALL
SELECT * FROM monthly_events
;

-- [86/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'surveys'

-- [87/132]
DROP TABLE "surveys"
;

-- [88/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = '_cx_surveys_rows'

-- [89/132]
DROP TABLE "_cx_surveys_rows"
;

-- [90/132]
CREATE TABLE "_cx_surveys_rows" AS
WITH raw_rows AS ((SELECT 4 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Respondent" AS VARCHAR)), '') AS respondent, NULLIF(trim(CAST(raw."Role" AS VARCHAR)), '') AS respondent_role, CAST(raw."Survey Date" AS TIMESTAMP) AS ts, (raw."Survey Date" IS NOT NULL) AS ts_given, false AS undated, false AS no_account, COALESCE((SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'survey_type' AND value_entry.value = NULLIF(trim(CAST(raw."Survey Type" AS VARCHAR)), '')), table_info.survey_type, CAST(NULL AS VARCHAR)) AS survey_type, CAST(raw."Score" AS DOUBLE) AS score, (raw."Score" IS NOT NULL) AS score_given, NULLIF(trim(CAST(raw."Comment" AS VARCHAR)), '') AS comment, NULLIF(trim(CAST(raw."Touchpoint" AS VARCHAR)), '') AS stage_raw FROM "surveys_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 4) AS table_info)
UNION ALL BY NAME
(SELECT CAST(NULL AS VARCHAR) AS shape_reason, false AS shape_keeps_unkeyed WHERE false)),
with_stage_and_range AS (
SELECT raw_rows.*, stage_entry.stage, score_range.low, score_range.high
FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw
LEFT JOIN _cx_score_ranges AS score_range ON score_range.survey_type = raw_rows.survey_type)
SELECT account_id, respondent, respondent_role, ts, survey_type, score, comment, stage, source, source_row,
table_idx, COALESCE(shape_reason, CASE WHEN account_id IS NULL AND NOT coalesce(no_account, false) AND NOT coalesce(shape_keeps_unkeyed, false) THEN 'account id missing' WHEN (account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)) THEN 'account id not in the accounts table' WHEN NOT ts_given AND NOT coalesce(undated, false) THEN 'timestamp missing' WHEN ts IS NULL AND NOT coalesce(undated, false) THEN 'timestamp unparseable' WHEN survey_type IS NULL THEN 'survey type unknown' WHEN NOT score_given THEN 'score missing' WHEN score IS NULL THEN 'score not a number' WHEN score < low OR score > high THEN 'score out of range' END) AS reason
FROM with_stage_and_range
;

-- [91/132]
CREATE TABLE "surveys" AS SELECT "account_id", "respondent", "respondent_role", "ts", "survey_type", "score", "comment", "stage", "source", "source_row" FROM _cx_surveys_rows WHERE reason IS NULL
;

-- [92/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'factor_ratings'

-- [93/132]
DROP TABLE "factor_ratings"
;

-- [94/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = '_cx_factor_ratings_rows'

-- [95/132]
DROP TABLE "_cx_factor_ratings_rows"
;

-- [96/132]
CREATE TABLE "_cx_factor_ratings_rows" AS
WITH dated_ratings AS ((SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'customer_intent' AS factor, CAST(raw."Customer Intent" AS DOUBLE) AS score, (raw."Customer Intent" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'anticipation_of_needs' AS factor, CAST(raw."Anticipation of Needs" AS DOUBLE) AS score, (raw."Anticipation of Needs" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'successful_product_adoption' AS factor, CAST(raw."Successful Product Adoption" AS DOUBLE) AS score, (raw."Successful Product Adoption" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'outcomes_at_scale' AS factor, CAST(raw."Outcomes at Scale" AS DOUBLE) AS score, (raw."Outcomes at Scale" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'relationships' AS factor, CAST(raw."Relationships" AS DOUBLE) AS score, (raw."Relationships" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'communication_and_engagement' AS factor, CAST(raw."Communication and Engagement" AS DOUBLE) AS score, (raw."Communication and Engagement" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'customer_education' AS factor, CAST(raw."Customer Education" AS DOUBLE) AS score, (raw."Customer Education" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'optimal_customer_journey' AS factor, CAST(raw."Optimal Customer Journey" AS DOUBLE) AS score, (raw."Optimal Customer Journey" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)),
data_latest AS (
SELECT max(latest_ts) AS latest_ts FROM (
SELECT max(ts) AS latest_ts FROM dated_ratings UNION ALL SELECT max(ts) FROM journey_events
UNION ALL SELECT max(as_of) FROM stage_snapshots UNION ALL SELECT max(ts) FROM surveys)),
all_ratings AS (SELECT * FROM dated_ratings )
SELECT account_id, ts, factor, score, source, source_row, table_idx, CASE WHEN account_row_excluded THEN 'account row excluded' WHEN account_id IS NULL THEN 'account id missing' WHEN (account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)) THEN 'account id not in the accounts table' WHEN NOT ts_given AND NOT coalesce(undated, false) THEN 'timestamp missing' WHEN ts IS NULL AND NOT coalesce(undated, false) THEN 'timestamp unparseable' WHEN factor IS NULL THEN 'factor not recognised' WHEN NOT score_given THEN 'score missing' WHEN score IS NULL THEN 'score not a number' END AS reason
FROM all_ratings
;

-- [97/132]
CREATE TABLE "factor_ratings" AS SELECT "account_id", "ts", "factor", "score", "source", "source_row" FROM _cx_factor_ratings_rows WHERE reason IS NULL
;

-- [98/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = 'activities'

-- [99/132]
DROP TABLE "activities"
;

-- [100/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT kind FROM relations WHERE name = ?
;
-- params:
--   $1 = '_cx_activities_rows'

-- [101/132]
DROP TABLE "_cx_activities_rows"
;

-- [102/132]
CREATE OR REPLACE TABLE _cx_activity_as_of (as_of TIMESTAMP)
;

-- [103/132]
SELECT dated, named FROM "_cx_dates"
;

-- [104/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT name FROM relations
;

-- [105/132]
WITH stamps AS (SELECT max("ts") AS ts FROM "journey_events" UNION ALL SELECT max("as_of") AS ts FROM "stage_snapshots" UNION ALL SELECT max("ts") AS ts FROM "surveys" UNION ALL SELECT max("ts") AS ts FROM "factor_ratings") SELECT max(ts) FROM stamps
;

-- [106/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT name FROM relations
;

-- [107/132]
SELECT DISTINCT source FROM "accounts" WHERE source IS NOT NULL
;

-- [108/132]
INSERT INTO _cx_activity_as_of VALUES (?)
;
-- params:
--   $1 = TIMESTAMP '2026-09-30 00:00:00'

-- [109/132]
CREATE TABLE "_cx_activities_rows" AS
WITH raw_rows AS ((SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, CAST(NULL AS VARCHAR) AS shape_reason, true AS shape_keeps_unkeyed, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CASE WHEN (COALESCE((SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'activity_type' AND value_entry.value = NULLIF(trim(CAST(raw."Activity Type" AS VARCHAR)), '')), 'other')) IS NULL OR (COALESCE((SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'activity_type' AND value_entry.value = NULLIF(trim(CAST(raw."Activity Type" AS VARCHAR)), '')), 'other')) = 'meeting' THEN COALESCE((SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'subject_type' AND value_entry.value = NULLIF(trim(CAST(raw."Subject" AS VARCHAR)), '')), COALESCE((SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'activity_type' AND value_entry.value = NULLIF(trim(CAST(raw."Activity Type" AS VARCHAR)), '')), 'other')) ELSE COALESCE((SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'activity_type' AND value_entry.value = NULLIF(trim(CAST(raw."Activity Type" AS VARCHAR)), '')), 'other') END AS activity_type, (SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'initiated_by' AND value_entry.value = NULLIF(trim(CAST(raw."Initiated By" AS VARCHAR)), '')) AS initiated_by, NULLIF(trim(CAST(raw."Subject" AS VARCHAR)), '') AS subject, NULLIF(trim(CAST(raw."Theme/Tag" AS VARCHAR)), '') AS theme, NULLIF(trim(CAST(raw."Status" AS VARCHAR)), '') AS status, (SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'activity_state' AND value_entry.value = NULLIF(trim(CAST(raw."Status" AS VARCHAR)), '')) AS state, CAST(raw."Activity Date" AS TIMESTAMP) AS activity_date, (raw."Activity Date" IS NOT NULL) AS activity_date_given, CAST(raw."Due Date" AS TIMESTAMP) AS due_date, CAST(raw."Completed Date" AS TIMESTAMP) AS completed_at, (raw."Completed Date" IS NOT NULL) AS completed_given, NULLIF(trim(CAST(raw."Owner" AS VARCHAR)), '') AS owner FROM "activities_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)),
activity_as_of AS (SELECT max(as_of) AS as_of FROM _cx_activity_as_of),
dated AS (
SELECT raw_rows.*, COALESCE(completed_at, activity_date) AS ts,
COALESCE(activity_type, 'other') AS mapped_type
FROM raw_rows),
decided AS (
SELECT dated.*,
COALESCE(initiated_by, CASE WHEN mapped_type = 'ticket' THEN 'customer'
ELSE 'provider' END) AS who,
CASE WHEN state = 'open' OR ts IS NULL THEN false
WHEN completed_at IS NOT NULL THEN true
WHEN activity_date > (SELECT as_of FROM activity_as_of) THEN false
WHEN state = 'done' THEN true
WHEN status IS NULL AND mapped_type <> 'task' THEN true
ELSE false END AS is_done
FROM dated)
SELECT account_id, ts, mapped_type AS activity_type, who AS initiated_by, subject, theme, status,
is_done AS done, activity_date, due_date, completed_at, owner, source, source_row, table_idx,
CASE WHEN account_id IS NULL THEN 'account id missing' WHEN (account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)) THEN 'account id not in the accounts table' WHEN NOT activity_date_given AND NOT completed_given THEN 'timestamp missing' WHEN ts IS NULL THEN 'timestamp unparseable' END AS reason
FROM decided
;

-- [110/132]
CREATE TABLE "activities" AS SELECT "account_id", "ts", "activity_type", "initiated_by", "subject", "theme", "status", "done", "activity_date", "due_date", "completed_at", "owner", "source", "source_row" FROM _cx_activities_rows WHERE reason IS NULL
;

-- [111/132]
BEGIN TRANSACTION
;

-- [112/132]
CREATE OR REPLACE TABLE "_stage_codes" AS
WITH present AS (SELECT DISTINCT stage FROM "journey_events" WHERE stage IS NOT NULL)
SELECT CAST(row_number() OVER (ORDER BY stage) AS USMALLINT) AS code, stage FROM present
;

-- [113/132]
CREATE OR REPLACE TABLE "_account_keys" AS
WITH present AS (SELECT DISTINCT account_id FROM "journey_events" WHERE account_id IS NOT NULL)
SELECT CAST(row_number() OVER (ORDER BY account_id) AS INTEGER) AS account_key, account_id
FROM present
;

-- [114/132]
SELECT count(*) > 255 FROM "_stage_codes"
;

-- [115/132]
CREATE OR REPLACE TABLE "_journey_layout" AS
WITH coded AS (
SELECT k.account_key, CAST(c.code AS UTINYINT) AS stage_code, e.ts
FROM "journey_events" AS e
JOIN "_account_keys" AS k ON k.account_id = e.account_id
JOIN "_stage_codes" AS c ON c.stage = e.stage
WHERE e.ts IS NOT NULL)
SELECT * FROM coded ORDER BY account_key, ts, stage_code
;

-- [116/132]
SELECT count(*) FROM "_stage_codes"
;

-- [117/132]
CREATE OR REPLACE TABLE "_journey_accounts" AS
WITH per_account AS (
SELECT account_key, [min(CASE WHEN stage_code = 1 THEN ts END), min(CASE WHEN stage_code = 2 THEN ts END), min(CASE WHEN stage_code = 3 THEN ts END), min(CASE WHEN stage_code = 4 THEN ts END), min(CASE WHEN stage_code = 5 THEN ts END), min(CASE WHEN stage_code = 6 THEN ts END), min(CASE WHEN stage_code = 7 THEN ts END), min(CASE WHEN stage_code = 8 THEN ts END), min(CASE WHEN stage_code = 9 THEN ts END), min(CASE WHEN stage_code = 10 THEN ts END)] AS firsts, [max(CASE WHEN stage_code = 1 THEN ts END), max(CASE WHEN stage_code = 2 THEN ts END), max(CASE WHEN stage_code = 3 THEN ts END), max(CASE WHEN stage_code = 4 THEN ts END), max(CASE WHEN stage_code = 5 THEN ts END), max(CASE WHEN stage_code = 6 THEN ts END), max(CASE WHEN stage_code = 7 THEN ts END), max(CASE WHEN stage_code = 8 THEN ts END), max(CASE WHEN stage_code = 9 THEN ts END), max(CASE WHEN stage_code = 10 THEN ts END)] AS lasts
FROM "_journey_layout" GROUP BY account_key)
SELECT * FROM per_account ORDER BY account_key
;

-- [118/132]
CREATE OR REPLACE TABLE "_journey_span" AS
SELECT min(ts) AS t_min, max(ts) AS t_max, 10 AS codes, (
SELECT coalesce(
(SELECT table_oid::VARCHAR || ':' || estimated_size::VARCHAR FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
AND table_name = 'journey_events'),
(SELECT 'view:' || view_oid::VARCHAR FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
AND view_name = 'journey_events'))) AS source
FROM "_journey_layout"
;

-- [119/132]
COMMIT
;

-- [120/132]
DROP TABLE IF EXISTS "_cx_dates"
;

-- [121/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT name FROM relations
;

-- [122/132]
WITH stamps AS (SELECT max("ts") AS ts FROM "journey_events" UNION ALL SELECT max("as_of") AS ts FROM "stage_snapshots" UNION ALL SELECT max("ts") AS ts FROM "surveys" UNION ALL SELECT max("ts") AS ts FROM "factor_ratings") SELECT max(ts) FROM stamps
;

-- [123/132]
WITH relations AS (
SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
WHERE NOT internal AND schema_name = current_schema()
UNION ALL
SELECT view_name AS name, 'view' AS kind FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema()
) SELECT name FROM relations
;

-- [124/132]
SELECT DISTINCT source FROM "accounts" WHERE source IS NOT NULL
;

-- [125/132]
CREATE TABLE "_cx_dates" AS SELECT CAST($dated AS TIMESTAMP) AS dated, CAST($named AS TIMESTAMP[]) AS named
;
-- params:
--   $dated = TIMESTAMP '2026-09-30 00:00:00'
--   $named = []

-- [126/132]
SELECT reason, count(*) AS rows FROM "_cx_accounts_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [127/132]
SELECT reason, count(*) AS rows FROM "_cx_journey_events_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [128/132]
SELECT count(*) FROM journey_events WHERE resolution = 'monthly'
;

-- [129/132]
SELECT reason, count(*) AS rows FROM "_cx_stage_snapshots_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [130/132]
SELECT reason, count(*) AS rows FROM "_cx_surveys_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [131/132]
SELECT reason, count(*) AS rows FROM "_cx_factor_ratings_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [132/132]
SELECT reason, count(*) AS rows FROM "_cx_activities_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;
