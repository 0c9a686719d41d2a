-- cxlib.centricity.centricity(con, settings, ThemeConfig(), by='tier')
-- snapshot centricity_by_tier: 9 statements on the sample workspace, in the order sent to DuckDB
-- regenerate after an intentional change: make snapshots

-- [1/9]
SELECT dated, named FROM "_cx_dates"
;

-- [2/9]
SELECT * FROM "accounts" LIMIT 0
;

-- [3/9]
CREATE OR REPLACE TEMP TABLE ct_evaluated AS
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
ew_customers AS (
SELECT account_id FROM spells WHERE spell_end IS NULL
UNION
SELECT a.account_id FROM acct AS a
WHERE list_contains($customer_stages, a.stage)
AND a.account_id NOT IN (SELECT account_id FROM "journey_events" WHERE account_id IS NOT NULL)
EXCEPT
SELECT account_id FROM acct WHERE churned
),
ct_customers AS (
SELECT c.account_id, COALESCE(NULLIF(trim(CAST(a."tier" AS VARCHAR)), ''), '(none)') AS segment FROM ew_customers AS c LEFT JOIN acct AS a USING (account_id)
),
ct_acts AS (
SELECT x.account_id, x.ts, x.activity_type, x.initiated_by, x.subject, x.theme, x.done,
row_number() OVER (ORDER BY x.account_id, x.ts, x.source, x.source_row) AS act_id
FROM "activities" AS x JOIN ct_customers USING (account_id)
WHERE x.ts IS NOT NULL AND x.ts <= CAST($as_of AS TIMESTAMP)
),
ct_answers_all AS (
SELECT s.account_id, s.ts, upper(trim(s.survey_type)) AS kind, s.score, s.comment
FROM "surveys" AS s JOIN ct_customers USING (account_id)
WHERE s.ts IS NOT NULL AND s.ts <= CAST($as_of AS TIMESTAMP)
),
ct_provider AS (
SELECT * FROM ct_acts WHERE initiated_by = 'provider' AND done IS NOT FALSE
),
ct_triggers AS (
SELECT account_id, ts FROM ct_acts WHERE activity_type = 'ticket' AND initiated_by IS DISTINCT FROM 'provider'
UNION ALL
SELECT account_id, ts FROM ct_answers_all
WHERE kind = 'NPS' AND score BETWEEN 0 AND 10 AND score = floor(score) AND score <= 6
),
ct_classed AS (
SELECT p.*, EXISTS (SELECT 1 FROM ct_triggers AS t WHERE t.account_id = p.account_id AND t.ts <= p.ts
AND p.ts <= t.ts + to_days($reactive_days)) AS reactive
FROM ct_provider AS p
),
ct_recent AS (
SELECT *, CAST(floor(epoch(CAST($as_of AS TIMESTAMP) - ts) / (7 * 86400)) AS INTEGER) AS week
FROM ct_classed WHERE ts > CAST($as_of AS TIMESTAMP) - to_days(7 * $weeks)
),
ct_week_counts AS (
SELECT account_id, count(DISTINCT week) AS weeks, count(*) AS provider_n,
count(*) FILTER (WHERE NOT reactive) AS proactive_n
FROM ct_recent GROUP BY account_id
),
ct_cared AS (
SELECT account_id, max(ts) AS last_contact FROM (
SELECT account_id, ts FROM ct_answers_all
UNION ALL SELECT account_id, ts FROM ct_acts WHERE activity_type = 'qbr' AND done IS NOT FALSE AND ts IS NOT NULL AND ts <= CAST($as_of AS TIMESTAMP)
) AS asked
WHERE ts >= CAST($as_of AS TIMESTAMP) - to_days($care_days)
GROUP BY account_id
),
ct_nps AS (
SELECT n.account_id, n.ts, n.score >= 9 AS promoter,
EXISTS (SELECT 1 FROM ct_classed AS p WHERE p.account_id = n.account_id AND NOT p.reactive
AND p.ts < n.ts AND p.ts >= n.ts - to_days($attested_days)) AS with_proactive
FROM ct_answers_all AS n
WHERE n.kind = 'NPS' AND n.score BETWEEN 0 AND 10 AND n.score = floor(n.score)
AND n.ts >= CAST($as_of AS TIMESTAMP) - to_days($care_days)
),
ct_keywords AS (
SELECT unnest($theme_names) AS theme, unnest($theme_needles) AS needle
),
ct_comments AS (
SELECT account_id, ts, ' ' || regexp_replace(lower(strip_accents(CAST(comment AS VARCHAR))), '[^\pL\pN]+', ' ', 'g') || ' ' AS text FROM ct_answers_all
WHERE comment IS NOT NULL AND trim(comment) <> '' AND ts >= CAST($as_of AS TIMESTAMP) - to_days($care_days)
),
ct_asks AS (
SELECT DISTINCT c.account_id, c.ts, p.theme
FROM ct_comments AS c JOIN ct_keywords AS p ON contains(c.text, p.needle)
),
ct_provider_text AS (
SELECT account_id, ts, ' ' || regexp_replace(lower(strip_accents(CAST(coalesce(subject, '') || ' | ' || coalesce(theme, '') AS VARCHAR))), '[^\pL\pN]+', ' ', 'g') || ' ' AS text FROM ct_provider
),
ct_doings AS (
SELECT DISTINCT d.account_id, d.ts, p.theme
FROM ct_provider_text AS d JOIN ct_keywords AS p ON contains(d.text, p.needle)
),
ct_asked AS (
SELECT k.account_id, k.theme, count(d.account_id) > 0 AS acted
FROM ct_asks AS k
LEFT JOIN ct_doings AS d ON d.account_id = k.account_id AND d.theme = k.theme
AND d.ts >= k.ts AND d.ts <= k.ts + to_days($acted_days)
GROUP BY k.account_id, k.theme
),
ct_did AS (
SELECT DISTINCT account_id, theme FROM ct_doings WHERE ts >= CAST($as_of AS TIMESTAMP) - to_days($care_days)
),
ct_account AS (
SELECT c.account_id, c.segment, r.account_id IS NOT NULL AS care, r.last_contact,
coalesce(w.weeks, 0) AS weeks, coalesce(w.weeks, 0) / $weeks AS act_daily,
coalesce(w.provider_n, 0) AS provider_n, coalesce(w.proactive_n, 0) AS proactive_n
FROM ct_customers AS c LEFT JOIN ct_cared AS r USING (account_id) LEFT JOIN ct_week_counts AS w USING (account_id)
),
ct_attested AS (
SELECT c.segment,
count(*) FILTER (WHERE n.with_proactive) AS with_n,
count(*) FILTER (WHERE n.with_proactive AND n.promoter) AS with_promoters,
count(*) FILTER (WHERE NOT n.with_proactive) AS without_n,
count(*) FILTER (WHERE NOT n.with_proactive AND n.promoter) AS without_promoters
FROM ct_nps AS n JOIN ct_customers AS c USING (account_id)
GROUP BY c.segment
),
ct_segment_themes AS (
SELECT s.segment, p.theme FROM (SELECT DISTINCT segment FROM ct_customers) AS s
CROSS JOIN (SELECT DISTINCT theme FROM ct_keywords WHERE theme IS NOT NULL) AS p
),
ct_themes AS (
SELECT t.segment, t.theme, g.accounts,
count(DISTINCT k.account_id) AS asking, count(DISTINCT k.account_id) FILTER (WHERE k.acted) AS acted,
(SELECT count(*) FROM ct_did AS d JOIN ct_customers AS dc USING (account_id)
WHERE d.theme = t.theme AND dc.segment = t.segment) AS doing,
count(DISTINCT k.account_id) / g.accounts AS w,
count(DISTINCT k.account_id) FILTER (WHERE k.acted) / NULLIF(count(DISTINCT k.account_id), 0) AS a
FROM ct_segment_themes AS t
JOIN (SELECT segment, count(*) AS accounts FROM ct_customers GROUP BY segment) AS g USING (segment)
LEFT JOIN (SELECT ka.*, kc.segment FROM ct_asked AS ka JOIN ct_customers AS kc USING (account_id)) AS k
ON k.segment = t.segment AND k.theme = t.theme
GROUP BY t.segment, t.theme, g.accounts
),
ct_coverage AS (
SELECT segment, sum(w * CAST(coalesce(a, 0) >= 0.5 AS INTEGER)) / NULLIF(sum(w), 0) AS want_do_coverage,
sum(asking) AS asking_pairs
FROM ct_themes GROUP BY segment
),
ct_groups AS (
SELECT a.segment, count(*) AS accounts, count(*) FILTER (WHERE a.care) AS cared,
count(*) FILTER (WHERE a.care) / count(*) AS care,
median(a.act_daily) AS act_daily_median,
sum(a.provider_n) AS provider_n, sum(a.proactive_n) AS proactive_n,
sum(a.proactive_n) / NULLIF(sum(a.provider_n), 0) AS proactive_share,
coalesce(any_value(t.with_n), 0) AS with_n, coalesce(any_value(t.with_promoters), 0) AS with_promoters,
coalesce(any_value(t.without_n), 0) AS without_n,
coalesce(any_value(t.without_promoters), 0) AS without_promoters,
any_value(v.want_do_coverage) AS want_do_coverage, coalesce(any_value(v.asking_pairs), 0) AS asking_pairs
FROM ct_account AS a LEFT JOIN ct_attested AS t USING (segment) LEFT JOIN ct_coverage AS v USING (segment)
GROUP BY a.segment
),
ct_distribution AS (
SELECT w.segment, w.weeks, count(a.account_id) AS accounts
FROM (SELECT DISTINCT segment, unnest(range(0, $weeks + 1)) AS weeks FROM ct_customers) AS w
LEFT JOIN ct_account AS a USING (segment, weeks)
GROUP BY w.segment, w.weeks
)
SELECT (SELECT list(g ORDER BY g.segment) FROM ct_groups AS g) AS groups,
(SELECT list(x ORDER BY x.segment, x.account_id) FROM (
SELECT a.account_id, acct.name, a.segment, a.care, CAST(a.last_contact AS DATE) AS last_contact, a.weeks,
a.act_daily, a.provider_n, a.proactive_n
FROM ct_account AS a LEFT JOIN acct USING (account_id)) AS x) AS accounts,
(SELECT list(t ORDER BY t.segment, t.w DESC, t.theme) FROM (
SELECT segment, theme, accounts, asking, acted, doing, w, a,
asking > 0 AND coalesce(a, 0) < 0.5 AS wanted_not_done,
asking = 0 AND doing > 0 AS done_not_wanted
FROM ct_themes) AS t) AS themes,
(SELECT list(d ORDER BY d.segment, d.weeks) FROM ct_distribution AS d) AS distribution
;
-- params:
--   $acted_days = 90
--   $as_of = TIMESTAMP '2026-09-30 00:00:00'
--   $attested_days = 90
--   $care_days = 365
--   $churn_stage = 'Churn'
--   $customer_stages = ['Decision', 'Delivery', 'Usage', 'Loyalty', 'Advocacy']
--   $reactive_days = 14
--   $theme_names = ['training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'integration', 'integration', 'integration', 'integration', 'integration', 'integration', 'integration', 'integration', 'integration', 'integration', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'reporting', 'response time', 'response time', 'response time', 'response time', 'response time', 'response time', 'response time', 'response time', 'response time', 'response time']
--   $theme_needles = [' training ', ' trainings ', ' onboarding training ', ' formation ', ' formations ', ' formazione ', ' formacao ', ' treinamento ', ' treinamentos ', ' kepzes ', ' oktatas ', '培训', ' integration ', ' integrations ', ' api ', ' connector ', ' integration ', ' integrazione ', ' integracao ', ' integracio ', '集成', '对接', ' reporting ', ' report ', ' reports ', ' dashboard ', ' dashboards ', ' rapport ', ' rapports ', ' reportistica ', ' relatorio ', ' relatorios ', ' riport ', ' jelentes ', '报表', '报告', ' response time ', ' response times ', ' slow response ', ' support speed ', ' temps de reponse ', ' tempi di risposta ', ' tempo di risposta ', ' tempo de resposta ', ' valaszido ', '响应时间']
--   $weeks = 13

-- [4/9]
SELECT part.* FROM (SELECT unnest(groups) AS part FROM ct_evaluated) AS rows
;

-- [5/9]
SELECT part.* FROM (SELECT unnest(accounts) AS part FROM ct_evaluated) AS rows
;

-- [6/9]
SELECT part.* FROM (SELECT unnest(themes) AS part FROM ct_evaluated) AS rows
;

-- [7/9]
SELECT part.* FROM (SELECT unnest(distribution) AS part FROM ct_evaluated) AS rows
;

-- [8/9]
DROP TABLE IF EXISTS ct_evaluated
;

-- [9/9]
SELECT count(*) FROM "activities"
;
