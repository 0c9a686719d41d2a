-- cxlib.mapping.apply_mapping(con, sample.mapping)  # the sample workspace's mapping
-- snapshot mapping_apply_sample: 100 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'accounts_2'

-- [2/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'accounts_2'

-- [3/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'factor_ratings_2'

-- [4/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'factor_ratings_2'

-- [5/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'journey_events_2'

-- [6/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'journey_events_2'

-- [7/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'surveys_2'

-- [8/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'surveys_2'

-- [9/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [10/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [11/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [12/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [13/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [14/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [15/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'accounts_2'

-- [16/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'factor_ratings_2'

-- [17/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'journey_events_2'

-- [18/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'surveys_2'

-- [19/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [20/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [21/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [22/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'accounts_2'

-- [23/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'accounts_2'

-- [24/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'journey_events_2'

-- [25/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'journey_events_2'

-- [26/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'surveys_2'

-- [27/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'surveys_2'

-- [28/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [29/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_07_31'

-- [30/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [31/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_08_31'

-- [32/100]
SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [33/100]
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position
;
-- params:
--   $1 = 'stage_snapshot_2026_09_30'

-- [34/100]
WITH raw_stage_values AS (SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS value, raw_rows FROM (SELECT "Stage" AS raw_value, count(*) AS raw_rows FROM "journey_events_2" GROUP BY ALL) UNION ALL SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS value, raw_rows FROM (SELECT "Touchpoint" AS raw_value, count(*) AS raw_rows FROM "surveys_2" GROUP BY ALL) UNION ALL SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS value, raw_rows FROM (SELECT "Lifecycle Stage" AS raw_value, count(*) AS raw_rows FROM "stage_snapshot_2026_07_31" GROUP BY ALL) UNION ALL SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS value, raw_rows FROM (SELECT "Lifecycle Stage" AS raw_value, count(*) AS raw_rows FROM "stage_snapshot_2026_08_31" GROUP BY ALL) UNION ALL SELECT NULLIF(trim(CAST(raw_value AS VARCHAR)), '') AS value, raw_rows FROM (SELECT "Lifecycle Stage" AS raw_value, count(*) AS raw_rows FROM "stage_snapshot_2026_09_30" GROUP BY ALL)) SELECT value, sum(raw_rows) AS rows FROM raw_stage_values WHERE value IS NOT NULL GROUP BY value
;

-- [35/100]
CREATE OR REPLACE TABLE "_stage_map" (value VARCHAR PRIMARY KEY, stage VARCHAR)
;

-- [36/100] executemany
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

-- [37/100]
CREATE OR REPLACE TABLE "_cx_stage_list" (name VARCHAR, kind VARCHAR, position INTEGER)
;

-- [38/100] executemany
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

-- [39/100]
CREATE OR REPLACE TABLE "_cx_tables" (idx INTEGER, table_name VARCHAR, source VARCHAR, kind VARCHAR, as_of TIMESTAMP, survey_type VARCHAR, timezone VARCHAR)
;

-- [40/100] executemany
INSERT INTO "_cx_tables" VALUES (?, ?, ?, ?, ?, ?, ?)
;
-- rows (7):
--   [0, 'accounts_2', 'accounts.csv', 'accounts', NULL, NULL, 'UTC']
--   [1, 'factor_ratings_2', 'factor_ratings.csv', 'factor_ratings', NULL, NULL, 'UTC']
--   [2, 'journey_events_2', 'journey_events.csv', 'journey_events', NULL, NULL, 'UTC']
--   [3, 'surveys_2', 'surveys.csv', 'surveys', NULL, NULL, 'UTC']
--   [4, 'stage_snapshot_2026_07_31', 'stage_snapshot_2026-07-31.csv', 'stage_snapshots', NULL, NULL, 'UTC']
--   [5, 'stage_snapshot_2026_08_31', 'stage_snapshot_2026-08-31.csv', 'stage_snapshots', NULL, NULL, 'UTC']
--   [6, 'stage_snapshot_2026_09_30', 'stage_snapshot_2026-09-30.csv', 'stage_snapshots', NULL, NULL, 'UTC']

-- [41/100]
SELECT DISTINCT NULLIF(trim(CAST("Survey Type" AS VARCHAR)), '') FROM "surveys_2"
;

-- [42/100]
CREATE OR REPLACE TABLE "_cx_value_map" (category VARCHAR, value VARCHAR, mapped VARCHAR)
;

-- [43/100] executemany
INSERT INTO "_cx_value_map" VALUES (?, ?, ?)
;
-- rows (3):
--   ['survey_type', 'CES', 'CES']
--   ['survey_type', 'CSAT', 'CSAT']
--   ['survey_type', 'NPS', 'NPS']

-- [44/100]
CREATE OR REPLACE TABLE "_cx_score_ranges" (survey_type VARCHAR, low DOUBLE, high DOUBLE)
;

-- [45/100] executemany
INSERT INTO "_cx_score_ranges" VALUES (?, ?, ?)
;
-- rows (1):
--   ['NPS', 0.0, 10.0]

-- [46/100]
CREATE OR REPLACE TABLE "_cx_shape_values" (table_idx INTEGER, category VARCHAR, value VARCHAR, mapped VARCHAR)
;

-- [47/100]
CREATE OR REPLACE MACRO _cx_sf_chunk(s, k) AS substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + (CASE WHEN regexp_matches(substr(s, k * 5 + 1, 1), '[A-Z]') THEN 1 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 2, 1), '[A-Z]') THEN 2 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 3, 1), '[A-Z]') THEN 4 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 4, 1), '[A-Z]') THEN 8 ELSE 0 END) + (CASE WHEN regexp_matches(substr(s, k * 5 + 5, 1), '[A-Z]') THEN 16 ELSE 0 END), 1)
;

-- [48/100]
CREATE OR REPLACE MACRO _cx_account_id(x) AS CASE WHEN x IS NOT NULL AND regexp_full_match(x, '[a-zA-Z0-9]{18}') AND right(x, 3) = _cx_sf_chunk(x, 0) || _cx_sf_chunk(x, 1) || _cx_sf_chunk(x, 2) THEN left(x, 15) ELSE x END
;

-- [49/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = 'accounts'

-- [50/100]
DROP TABLE "accounts"
;

-- [51/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = '_cx_accounts_rows'

-- [52/100]
DROP TABLE "_cx_accounts_rows"
;

-- [53/100]
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

-- [54/100]
CREATE TABLE "accounts" AS SELECT "account_id", "name", "stage", "arr", "start_date", "renewal_date", "churn_reason", "outcome", "churned", "intent", "source", "source_row", "tier", "region", "industry", "csm" FROM _cx_accounts_rows WHERE reason IS NULL
;

-- [55/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = 'stage_snapshots'

-- [56/100]
DROP TABLE "stage_snapshots"
;

-- [57/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = '_cx_stage_snapshots_rows'

-- [58/100]
DROP TABLE "_cx_stage_snapshots_rows"
;

-- [59/100]
CREATE TABLE "_cx_stage_snapshots_rows" AS
WITH raw_rows AS ((SELECT 4 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Lifecycle Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Snapshot Date" AS TIMESTAMP) AS as_of, (raw."Snapshot Date" IS NOT NULL) AS as_of_given, CAST(NULL AS VARCHAR) AS last_stage_raw FROM "stage_snapshot_2026_07_31" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 4) AS table_info)
UNION ALL BY NAME
(SELECT 5 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Lifecycle Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Snapshot Date" AS TIMESTAMP) AS as_of, (raw."Snapshot Date" IS NOT NULL) AS as_of_given, CAST(NULL AS VARCHAR) AS last_stage_raw FROM "stage_snapshot_2026_08_31" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 5) AS table_info)
UNION ALL BY NAME
(SELECT 6 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Lifecycle Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Snapshot Date" AS TIMESTAMP) AS as_of, (raw."Snapshot Date" IS NOT NULL) AS as_of_given, CAST(NULL AS VARCHAR) AS last_stage_raw FROM "stage_snapshot_2026_09_30" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 6) AS table_info)),
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

-- [60/100]
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

-- [61/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = 'journey_events'

-- [62/100]
DROP TABLE "journey_events"
;

-- [63/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = '_cx_journey_events_rows'

-- [64/100]
DROP TABLE "_cx_journey_events_rows"
;

-- [65/100]
CREATE TABLE "_cx_journey_events_rows" AS
WITH raw_rows AS ((SELECT 2 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Stage" AS VARCHAR)), '') AS stage_raw, CAST(raw."Entered At" AS TIMESTAMP) AS ts, (raw."Entered At" IS NOT NULL) AS ts_given FROM "journey_events_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 2) AS table_info)
UNION ALL BY NAME
(SELECT CAST(NULL AS VARCHAR) AS shape_reason, false AS shape_keeps_unkeyed WHERE false)),
with_stage AS (
SELECT raw_rows.*, stage_entry.stage
FROM raw_rows LEFT JOIN _stage_map AS stage_entry ON stage_entry.value = raw_rows.stage_raw)
SELECT account_id, stage, ts, 'event' AS resolution, source, source_row, table_idx,
COALESCE(shape_reason, CASE WHEN account_id IS NULL THEN 'account id missing' WHEN (account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)) THEN 'account id not in the accounts table' WHEN stage_raw IS NULL THEN 'stage missing' WHEN stage IS NULL THEN 'stage not mapped' WHEN NOT ts_given THEN 'timestamp missing' WHEN ts IS NULL THEN 'timestamp unparseable' END) AS reason
FROM with_stage
;

-- [66/100]
CREATE TABLE "journey_events" AS
WITH real_events AS (
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
AND account_id NOT IN (SELECT account_id FROM real_events WHERE account_id IS NOT NULL))
SELECT * FROM real_events
UNION ALL
SELECT * FROM monthly_events
;

-- [67/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = 'surveys'

-- [68/100]
DROP TABLE "surveys"
;

-- [69/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = '_cx_surveys_rows'

-- [70/100]
DROP TABLE "_cx_surveys_rows"
;

-- [71/100]
CREATE TABLE "_cx_surveys_rows" AS
WITH raw_rows AS ((SELECT 3 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, NULLIF(trim(CAST(raw."Respondent" AS VARCHAR)), '') AS respondent, NULLIF(trim(CAST(raw."Role" AS VARCHAR)), '') AS respondent_role, CAST(raw."Survey Date" AS TIMESTAMP) AS ts, (raw."Survey Date" IS NOT NULL) AS ts_given, false AS undated, false AS no_account, COALESCE((SELECT value_entry.mapped FROM _cx_value_map AS value_entry WHERE value_entry.category = 'survey_type' AND value_entry.value = NULLIF(trim(CAST(raw."Survey Type" AS VARCHAR)), '')), table_info.survey_type, CAST(NULL AS VARCHAR)) AS survey_type, CAST(raw."Score" AS DOUBLE) AS score, (raw."Score" IS NOT NULL) AS score_given, NULLIF(trim(CAST(raw."Comment" AS VARCHAR)), '') AS comment, NULLIF(trim(CAST(raw."Touchpoint" AS VARCHAR)), '') AS stage_raw FROM "surveys_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 3) AS table_info)
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

-- [72/100]
CREATE TABLE "surveys" AS SELECT "account_id", "respondent", "respondent_role", "ts", "survey_type", "score", "comment", "stage", "source", "source_row" FROM _cx_surveys_rows WHERE reason IS NULL
;

-- [73/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = 'factor_ratings'

-- [74/100]
DROP TABLE "factor_ratings"
;

-- [75/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = '_cx_factor_ratings_rows'

-- [76/100]
DROP TABLE "_cx_factor_ratings_rows"
;

-- [77/100]
CREATE TABLE "_cx_factor_ratings_rows" AS
WITH dated_ratings AS ((SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'customer_intent' AS factor, CAST(raw."Customer Intent" AS DOUBLE) AS score, (raw."Customer Intent" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)
UNION ALL BY NAME
(SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'anticipation_of_needs' AS factor, CAST(raw."Anticipation of Needs" AS DOUBLE) AS score, (raw."Anticipation of Needs" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)
UNION ALL BY NAME
(SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'successful_product_adoption' AS factor, CAST(raw."Successful Product Adoption" AS DOUBLE) AS score, (raw."Successful Product Adoption" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)
UNION ALL BY NAME
(SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'outcomes_at_scale' AS factor, CAST(raw."Outcomes at Scale" AS DOUBLE) AS score, (raw."Outcomes at Scale" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)
UNION ALL BY NAME
(SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'relationships' AS factor, CAST(raw."Relationships" AS DOUBLE) AS score, (raw."Relationships" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)
UNION ALL BY NAME
(SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'communication_and_engagement' AS factor, CAST(raw."Communication and Engagement" AS DOUBLE) AS score, (raw."Communication and Engagement" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)
UNION ALL BY NAME
(SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'customer_education' AS factor, CAST(raw."Customer Education" AS DOUBLE) AS score, (raw."Customer Education" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)
UNION ALL BY NAME
(SELECT 1 AS table_idx, table_info.source AS source, CAST(raw._source_row AS BIGINT) AS source_row, _cx_account_id(NULLIF(trim(CAST(raw."Account ID" AS VARCHAR)), '')) AS account_id, CAST(raw."Rating Date" AS TIMESTAMP) AS ts, (raw."Rating Date" IS NOT NULL) AS ts_given, false AS undated, 'optimal_customer_journey' AS factor, CAST(raw."Optimal Customer Journey" AS DOUBLE) AS score, (raw."Optimal Customer Journey" IS NOT NULL) AS score_given, false AS account_row_excluded FROM "factor_ratings_2" AS raw CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = 1) AS table_info)),
data_latest AS (
SELECT max(latest_ts) AS latest_ts FROM (
SELECT max(ts) AS latest_ts FROM dated_ratings UNION ALL SELECT max(ts) FROM journey_events
UNION ALL SELECT max(as_of) FROM stage_snapshots UNION ALL SELECT max(ts) FROM surveys)),
all_ratings AS (SELECT * FROM dated_ratings )
SELECT account_id, ts, factor, score, source, source_row, table_idx, CASE WHEN account_row_excluded THEN 'account row excluded' WHEN account_id IS NULL THEN 'account id missing' WHEN (account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)) THEN 'account id not in the accounts table' WHEN NOT ts_given AND NOT coalesce(undated, false) THEN 'timestamp missing' WHEN ts IS NULL AND NOT coalesce(undated, false) THEN 'timestamp unparseable' WHEN factor IS NULL THEN 'factor not recognised' WHEN NOT score_given THEN 'score missing' WHEN score IS NULL THEN 'score not a number' END AS reason
FROM all_ratings
;

-- [78/100]
CREATE TABLE "factor_ratings" AS SELECT "account_id", "ts", "factor", "score", "source", "source_row" FROM _cx_factor_ratings_rows WHERE reason IS NULL
;

-- [79/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = 'activities'

-- [80/100]
DROP TABLE "activities"
;

-- [81/100]
SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
;
-- params:
--   $1 = '_cx_activities_rows'

-- [82/100]
DROP TABLE "_cx_activities_rows"
;

-- [83/100]
CREATE TABLE "_cx_activities_rows" AS SELECT CAST(NULL AS VARCHAR) AS "account_id", CAST(NULL AS TIMESTAMP) AS "ts", CAST(NULL AS VARCHAR) AS "activity_type", CAST(NULL AS VARCHAR) AS "initiated_by", CAST(NULL AS VARCHAR) AS "subject", CAST(NULL AS VARCHAR) AS "theme", CAST(NULL AS VARCHAR) AS "status", CAST(NULL AS BOOLEAN) AS "done", CAST(NULL AS TIMESTAMP) AS "activity_date", CAST(NULL AS TIMESTAMP) AS "due_date", CAST(NULL AS TIMESTAMP) AS "completed_at", CAST(NULL AS VARCHAR) AS "owner", CAST(NULL AS VARCHAR) AS "source", CAST(NULL AS BIGINT) AS "source_row", CAST(NULL AS INTEGER) AS "table_idx", CAST(NULL AS VARCHAR) AS "reason" WHERE false
;

-- [84/100]
CREATE TABLE "activities" AS SELECT "account_id", "ts", "activity_type", "initiated_by", "subject", "theme", "status", "done", "activity_date", "due_date", "completed_at", "owner", "source", "source_row" FROM _cx_activities_rows WHERE reason IS NULL
;

-- [85/100]
BEGIN TRANSACTION
;

-- [86/100]
CREATE OR REPLACE TABLE "_stage_codes" AS
WITH present AS (SELECT DISTINCT stage FROM "journey_events" WHERE stage IS NOT NULL)
SELECT CAST(row_number() OVER (ORDER BY stage) AS USMALLINT) AS code, stage FROM present
;

-- [87/100]
CREATE OR REPLACE TABLE "_account_keys" AS
WITH present AS (SELECT DISTINCT account_id FROM "journey_events" WHERE account_id IS NOT NULL)
SELECT CAST(row_number() OVER (ORDER BY account_id) AS INTEGER) AS account_key, account_id
FROM present
;

-- [88/100]
SELECT count(*) > 255 FROM "_stage_codes"
;

-- [89/100]
CREATE OR REPLACE TABLE "_journey_layout" AS
WITH coded AS (
SELECT k.account_key, CAST(c.code AS UTINYINT) AS stage_code, e.ts
FROM "journey_events" AS e
JOIN "_account_keys" AS k ON k.account_id = e.account_id
JOIN "_stage_codes" AS c ON c.stage = e.stage
WHERE e.ts IS NOT NULL)
SELECT * FROM coded ORDER BY account_key, ts, stage_code
;

-- [90/100]
SELECT count(*) FROM "_stage_codes"
;

-- [91/100]
CREATE OR REPLACE TABLE "_journey_accounts" AS
WITH per_account AS (
SELECT account_key, [min(ts) FILTER (WHERE stage_code = 1), min(ts) FILTER (WHERE stage_code = 2), min(ts) FILTER (WHERE stage_code = 3), min(ts) FILTER (WHERE stage_code = 4), min(ts) FILTER (WHERE stage_code = 5), min(ts) FILTER (WHERE stage_code = 6), min(ts) FILTER (WHERE stage_code = 7), min(ts) FILTER (WHERE stage_code = 8), min(ts) FILTER (WHERE stage_code = 9), min(ts) FILTER (WHERE stage_code = 10)] AS firsts, [max(ts) FILTER (WHERE stage_code = 1), max(ts) FILTER (WHERE stage_code = 2), max(ts) FILTER (WHERE stage_code = 3), max(ts) FILTER (WHERE stage_code = 4), max(ts) FILTER (WHERE stage_code = 5), max(ts) FILTER (WHERE stage_code = 6), max(ts) FILTER (WHERE stage_code = 7), max(ts) FILTER (WHERE stage_code = 8), max(ts) FILTER (WHERE stage_code = 9), max(ts) FILTER (WHERE stage_code = 10)] AS lasts
FROM "_journey_layout" GROUP BY account_key)
SELECT * FROM per_account ORDER BY account_key
;

-- [92/100]
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

-- [93/100]
COMMIT
;

-- [94/100]
SELECT reason, count(*) AS rows FROM "_cx_accounts_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [95/100]
SELECT reason, count(*) AS rows FROM "_cx_journey_events_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [96/100]
SELECT count(*) FROM journey_events WHERE resolution = 'monthly'
;

-- [97/100]
SELECT reason, count(*) AS rows FROM "_cx_stage_snapshots_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [98/100]
SELECT reason, count(*) AS rows FROM "_cx_surveys_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [99/100]
SELECT reason, count(*) AS rows FROM "_cx_factor_ratings_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;

-- [100/100]
SELECT reason, count(*) AS rows FROM "_cx_activities_rows" GROUP BY reason ORDER BY reason IS NOT NULL, rows DESC, reason
;
