"""The centricity SQL: one CTE chain from the customers to per-account, per-group and per-theme rows.

Definitions (issue 13, README "Customer-centricity"), at the as-of date, over the customers of
`cxlib.early_warning.signals.customers_ctes` (Disappointment included, lost deals never):
- an activity counts once it happened: dated up to the as-of date and not an open task or planned
  meeting (`done` is not false); a customer ticket counts as a trigger whatever its status.
- care: a survey answer, or a QBR/EBR held (`qbr.HELD_QBR_SQL`), in the last 365 days
  (as-of − 365 days ≤ t ≤ as-of).
- act daily: the 13 seven-day blocks ending at the as-of date are (as-of − 7(k+1) days, as-of − 7k
  days], k = 0…12, so the 13 weeks are as-of − 91 days < t ≤ as-of.
- reactive: a provider-initiated activity 0–14 days (inclusive) after a customer ticket or a
  detractor NPS answer (0–6) of the same account; else proactive.
- attested: the NPS answers of the last 365 days; "with" when a proactive activity of the account
  falls in the 90 days before the answer (answer − 90 days ≤ t < answer).
- want vs do: survey comments of the last 365 days that match a theme (asking); provider-initiated
  activities whose subject or tag match it (doing); acted = doing within 90 days after asking
  (ask ≤ t ≤ ask + 90 days).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from cxlib import canonical, dimensions
from cxlib.centricity.qbr import HELD_QBR_SQL
from cxlib.centricity.themes import ThemeConfig
from cxlib.churn import churn_stage, customer_stages
from cxlib.early_warning.signals import customers_ctes
from cxlib.settings import Settings
from cxlib.surveys import NPS_VALID_SQL, nps_valid_sql

CARE_DAYS = 365
WEEKS = 13
REACTIVE_DAYS = 14
ATTESTED_DAYS = 90
ACTED_DAYS = 90

_Q = canonical.quote
OVERALL = "All customers"


def words_sql(expr: str) -> str:
    """Text as the theme needles expect it: lower case, no accents, every non-letter/digit run one space, padded."""
    return f"' ' || regexp_replace(lower(strip_accents(CAST({expr} AS VARCHAR))), '[^\\pL\\pN]+', ' ', 'g') || ' '"


def centricity_ctes(segment_expr: str | None = None) -> str:
    """The WITH list (without WITH) ending in `ct_account`, `ct_groups`, `ct_themes` and
    `ct_distribution` (customers per number of active weeks, 0–13).

    `segment_expr` is a checked, quoted accounts column (None: one group of all customers).
    """
    segment = dimensions.segment_sql(f"a.{segment_expr}") if segment_expr else f"'{OVERALL}'"
    surveys, activities = _Q(canonical.SURVEYS), _Q(canonical.ACTIVITIES)
    return f"""{dimensions.ACCOUNTS_CTE},
{customers_ctes()},
ct_customers AS (
  SELECT c.account_id, {segment} AS segment FROM ew_customers AS c LEFT JOIN acct AS a USING (account_id)
),
ct_acts AS (
  SELECT x.account_id, x.ts, x.activity_type, x.initiated_by, x.subject, x.theme, x.done,
         row_number() OVER (ORDER BY x.account_id, x.ts, x.source, x.source_row) AS act_id
  FROM {activities} AS x JOIN ct_customers USING (account_id)
  WHERE x.ts IS NOT NULL AND x.ts <= CAST($as_of AS TIMESTAMP)
),
ct_answers_all AS (
  SELECT s.account_id, s.ts, upper(trim(s.survey_type)) AS kind, s.score, s.comment
  FROM {surveys} AS s JOIN ct_customers USING (account_id)
  WHERE s.ts IS NOT NULL AND s.ts <= CAST($as_of AS TIMESTAMP)
),
ct_provider AS (
  SELECT * FROM ct_acts WHERE initiated_by = '{canonical.PROVIDER}' AND done IS NOT FALSE
),
ct_triggers AS (
  SELECT account_id, ts FROM ct_acts WHERE activity_type = 'ticket' AND initiated_by IS DISTINCT FROM '{canonical.PROVIDER}'
  UNION ALL
  SELECT account_id, ts FROM ct_answers_all
  WHERE kind = 'NPS' AND {NPS_VALID_SQL} AND score <= 6
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
    UNION ALL SELECT account_id, ts FROM ct_acts WHERE {HELD_QBR_SQL}
  ) AS asked
  WHERE ts >= CAST($as_of AS TIMESTAMP) - to_days($care_days)
  GROUP BY account_id
),
ct_nps AS (
  SELECT n.account_id, n.ts, n.score >= 9 AS promoter,
         EXISTS (SELECT 1 FROM ct_classed AS p WHERE p.account_id = n.account_id AND NOT p.reactive
                 AND p.ts < n.ts AND p.ts >= n.ts - to_days($attested_days)) AS with_proactive
  FROM ct_answers_all AS n
  WHERE n.kind = 'NPS' AND {nps_valid_sql('n')}
    AND n.ts >= CAST($as_of AS TIMESTAMP) - to_days($care_days)
),
ct_keywords AS (
  SELECT unnest($theme_names) AS theme, unnest($theme_needles) AS needle
),
ct_comments AS (
  SELECT account_id, ts, {words_sql("comment")} AS text FROM ct_answers_all
  WHERE comment IS NOT NULL AND trim(comment) <> '' AND ts >= CAST($as_of AS TIMESTAMP) - to_days($care_days)
),
ct_asks AS (
  SELECT DISTINCT c.account_id, c.ts, p.theme
  FROM ct_comments AS c JOIN ct_keywords AS p ON contains(c.text, p.needle)
),
ct_provider_text AS (
  SELECT account_id, ts, {words_sql("coalesce(subject, '') || ' | ' || coalesce(theme, '')")} AS text FROM ct_provider
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
)"""


def centricity_params(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.datetime,
                      themes: ThemeConfig) -> dict[str, Any]:
    """The parameters of `centricity_ctes` (windows, stage roles, theme keywords)."""
    names, needles = themes.needles()
    return {"as_of": as_of, "customer_stages": customer_stages(settings.stages),
            "churn_stage": churn_stage(settings.stages), "care_days": CARE_DAYS, "weeks": WEEKS,
            "reactive_days": REACTIVE_DAYS, "attested_days": ATTESTED_DAYS, "acted_days": ACTED_DAYS,
            "theme_names": names or [None], "theme_needles": needles or [None]}


__all__ = ["ACTED_DAYS", "ATTESTED_DAYS", "CARE_DAYS", "OVERALL", "REACTIVE_DAYS", "WEEKS", "centricity_ctes",
           "centricity_params", "words_sql"]
