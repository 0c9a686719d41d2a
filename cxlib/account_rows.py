"""One account's own dated rows up to the as-of date: its timeline of stage visits and its survey answers.

- Timeline: the account's stage entries in time order with the journey map's rules (ties in
  stage order, then source row; consecutive entries of one stage are one visit). A visit lasts until the next
  visit is entered, the current one until the as-of date; days are fractional. `is_exit` marks a
  visit of an exit stage, `is_return` a visit that goes back up the funnel or from an exit back
  into it (the journey map's definitions).
- Survey answers: latest first, each with its category on its scale (NPS promoter/passive/
  detractor, CSAT satisfied or not, 'off scale' for anything else).

The story in `cxlib.account` puts them beside the all-account results; both take the as-of date
from `dimensions` (entries and answers after it are not known yet).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from cxlib import canonical, surveys
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.stages import exit_stages, funnel_stages, stage_order

TIMELINE_COLUMNS = ["stage", "entered", "left", "days_in_stage", "is_exit", "is_return"]
SURVEY_COLUMNS = ["ts", "survey_type", "score", "category", "respondent", "respondent_role", "touchpoint",
                  "comment"]
ACTIVITY_COLUMNS = ["ts", "activity_type", "initiated_by", "subject", "status", "done", "due_date", "owner"]


def account_timeline(con: duckdb.DuckDBPyConnection, account_id: str, settings: Settings,
                     as_of: dt.datetime | None) -> pd.DataFrame:
    """The account's visits (stage, entered, left, days_in_stage, is_exit, is_return), journey-map rules.

    Entries in time order, ties in stage order (configured stages in journey order, then other
    names alphabetically, then source row); consecutive entries of one stage are one visit.
    """
    order = stage_order(settings.stages)
    sql = f"""
        WITH entries AS (
            SELECT stage, ts AS entered, source_row,
                   coalesce(list_position($stage_names, stage), len($stage_names) + 1) AS stage_rank
            FROM {canonical.quote(canonical.JOURNEY_EVENTS)}
            WHERE account_id = $account_id AND stage IS NOT NULL AND ts IS NOT NULL
              AND (CAST($as_of AS TIMESTAMP) IS NULL OR ts <= $as_of)
        ),
        sequenced AS (
            SELECT *, lag(stage) OVER (ORDER BY entered, stage_rank, stage, source_row) AS before
            FROM entries
        ),
        visits AS (
            SELECT stage, entered, stage_rank FROM sequenced WHERE before IS DISTINCT FROM stage
        ),
        moves AS (
            SELECT stage, entered, stage_rank,
                   lag(stage) OVER along AS from_stage,
                   lead(entered) OVER along AS next_entered
            FROM visits
            WINDOW along AS (ORDER BY entered, stage_rank, stage)
        )
        SELECT stage, entered, next_entered AS "left",
               (epoch_us(coalesce(next_entered, CAST($as_of AS TIMESTAMP))) - epoch_us(entered)) / 86400000000.0
                   AS days_in_stage,
               coalesce(list_contains($exit_names, stage), false) AS is_exit,
               -- back up the funnel, or from an exit back into it
               coalesce((list_contains($funnel_names, from_stage) AND list_contains($funnel_names, stage)
                         AND list_position($funnel_names, stage) < list_position($funnel_names, from_stage))
                        OR (list_contains($exit_names, from_stage) AND list_contains($funnel_names, stage)),
                        false) AS is_return
        FROM moves
        ORDER BY entered, stage_rank, stage
    """
    params = {"stage_names": sorted(order, key=order.__getitem__), "funnel_names": funnel_stages(settings.stages),
              "exit_names": exit_stages(settings.stages), "account_id": account_id, "as_of": as_of}
    return con.execute(sql, params).df()[TIMELINE_COLUMNS].reset_index(drop=True)


def account_activities(con: duckdb.DuckDBPyConnection, account_id: str, as_of: dt.datetime | None
                       ) -> pd.DataFrame:
    """The account's dated activities up to the as-of date (`ACTIVITY_COLUMNS`), oldest first."""
    sql = f"""
        SELECT ts, activity_type, initiated_by, subject, status, done, due_date, owner
        FROM {canonical.quote(canonical.ACTIVITIES)}
        WHERE account_id = $account_id AND ts IS NOT NULL AND (CAST($as_of AS TIMESTAMP) IS NULL OR ts <= $as_of)
        ORDER BY ts, source, source_row
    """
    return con.execute(sql, {"account_id": str(account_id), "as_of": as_of}).df()[ACTIVITY_COLUMNS]


def account_surveys(con: duckdb.DuckDBPyConnection, account_id: str, as_of: dt.datetime | None,
                    csat_scale: surveys.Scale | None = None) -> pd.DataFrame:
    """The account's survey answers up to the as-of date, latest first, with each answer's category.

    NPS: promoter 9–10, passive 7–8, detractor 0–6 (whole answers); CSAT: satisfied in the top two
    boxes of its scale (`csat_scale`, else the detected one); anything off the scale is 'off scale';
    CES has no category.
    """
    if csat_scale is None:
        try:
            csat_scale = surveys.detect_scale(con, "CSAT")
        except MetricError:
            pass
    csat = ({"csat_low": csat_scale.low, "csat_high": csat_scale.high, "csat_top": csat_scale.top_from}
            if csat_scale is not None else {"csat_low": None, "csat_high": None, "csat_top": None})
    return con.execute(f"""
        WITH answers AS (
            SELECT ts, upper(trim(survey_type)) AS survey_type, score, respondent, respondent_role,
                   stage AS touchpoint, comment, source_row
            FROM {canonical.quote(canonical.SURVEYS)}
            WHERE account_id = $account_id
              AND (CAST($as_of AS TIMESTAMP) IS NULL OR ts IS NULL OR ts <= $as_of)
        )
        SELECT ts, survey_type, score,
               CASE WHEN score IS NULL THEN NULL
                    WHEN survey_type = 'NPS' THEN
                        CASE WHEN NOT ({surveys.NPS_VALID_SQL}) THEN 'off scale'
                             WHEN score >= 9 THEN 'promoter' WHEN score >= 7 THEN 'passive' ELSE 'detractor' END
                    WHEN survey_type = 'CSAT' THEN
                        CASE WHEN $csat_low IS NULL OR NOT ({surveys.CSAT_ON_SCALE_SQL}) THEN 'off scale'
                             WHEN score >= $csat_top THEN 'satisfied' ELSE 'not satisfied' END
               END AS category,
               respondent, respondent_role, touchpoint, comment
        FROM answers
        ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST
    """, {"account_id": account_id, "as_of": as_of, **csat}).df()


__all__ = ["SURVEY_COLUMNS", "TIMELINE_COLUMNS", "account_surveys", "account_timeline"]
