"""The ranked story list: parameters for the CTE chain in `stories.sql`, the query, and its order.

Order: score descending, then account_id ascending (a tie never depends on the engine's order).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.activities import activities_count  # re-exported: reference use is unknown without activities
from cxlib.churn import churn_stage, customer_stages
from cxlib.early_warning.config import WarningConfig
from cxlib.early_warning.signals import customers_ctes, disappointment_stage
from cxlib.errors import MetricError
from cxlib.mapping.respondent_roles import LEADER_ROLES, raw_values_of
from cxlib.outcomes import OutcomeSpec
from cxlib.scores import ScoreConfig
from cxlib.scores.composite import per_account_sql, prepare_scales
from cxlib.scores.risk import current_stage_sql
from cxlib.scores.trend import period_params, snapshots_periods
from cxlib.settings import Settings
from cxlib.stages import suggest_stage
from cxlib.stories import sql
from cxlib.stories.config import INTENT_KEYWORDS, REFERENCE_DAYS, StoryConfig

# Red and green composites are the Scores page's monthly trend: each month's composite at its last instant
# (the current month's at the as-of date), so their number is bounded by the months, not by the ratings.
COMPOSITE_PERIOD = "month"


@dataclass(frozen=True)
class StoryRun:
    """What a story list was computed from: the as-of date, whether activities exist, the segment column."""

    as_of: dt.datetime
    segment_column: str | None
    activities: int
    config: StoryConfig


def _stage_meaning(settings: Settings, meaning: str, kind: str = "funnel") -> str:
    """The configured stage that means `meaning` (a renamed one is recognised); the default name otherwise."""
    for stage in settings.stages:
        if stage.kind == kind and suggest_stage(stage.name) == meaning:
            return stage.name
    return meaning


def stage_params(settings: Settings) -> dict[str, Any]:
    """Decision, Usage, Advocacy, Disappointment and Churn as configured, and the recovery stages (≥ Usage)."""
    funnel = [s.name for s in settings.stages if s.kind == "funnel"]
    usage = _stage_meaning(settings, "Usage")
    recovery = funnel[funnel.index(usage):] if usage in funnel else [usage]
    stages = customer_stages(settings.stages)
    return {"decision": stages[0], "usage": usage, "advocacy": _stage_meaning(settings, "Advocacy"),
            "recovery_stages": recovery, "disappointment": disappointment_stage(settings),
            "churn_stage": churn_stage(settings.stages), "customer_stages": stages}


def stories_sql(con: duckdb.DuckDBPyConnection, settings: Settings, score_config: ScoreConfig,
                as_of: dt.datetime, config: StoryConfig | None = None, warning_config: WarningConfig | None = None,
                segment_column: str | None = None, outcome_spec: OutcomeSpec | None = None
                ) -> tuple[str, dict[str, Any]]:
    """The WITH list (without WITH) ending in `st_stories`, and its parameters."""
    from cxlib import surveys

    config = config or StoryConfig()
    config.validate()
    warning_config = warning_config or WarningConfig()
    scales, params = prepare_scales(con, score_config, settings)
    composite_ctes, score_params = per_account_sql(score_config, scales, snapshots_periods(), include_unrated=False)
    params.update(score_params)
    params.update(period_params(COMPOSITE_PERIOD, settings))
    stage_sql, stage_sql_params = current_stage_sql(settings)
    params.update(stage_sql_params)
    scale = surveys.csat_scale_or_default(con)
    segment_expr = "CAST(NULL AS VARCHAR)"
    if segment_column:
        segment_expr = canonical.quote(dimensions.check_accounts_column(con, segment_column))
    params.update(stage_params(settings))
    params.update({
        "as_of": as_of, "csat_low": scale.low, "csat_high": scale.high,
        "leader_values": raw_values_of(con, LEADER_ROLES, warning_config.role_map) or [""],
        "intent_keywords": list(INTENT_KEYWORDS), "reference_days": REFERENCE_DAYS,
        "outcome_threshold": float((outcome_spec or OutcomeSpec()).outcome_threshold),
        "w_challenge": float(config.challenge_weight), "w_timing": float(config.timing_weight),
        "w_celebration": float(config.celebration_weight),
    })
    ctes = ",\n".join([
        dimensions.ACCOUNTS_CTE, customers_ctes(), stage_sql.strip(), composite_ctes.strip(),
        sql.eligible_ctes().replace("{segment_expr}", segment_expr), sql.inputs_ctes(), sql.challenge_ctes(),
        sql.timing_ctes(), sql.celebration_ctes(), sql.reference_ctes(), sql.stories_cte()])
    return ctes, params


def story_run(con: duckdb.DuckDBPyConnection, settings: Settings, config: StoryConfig | None = None,
              segment_column: str | None = None) -> StoryRun:
    """The as-of date (MetricError when nothing is dated), the checked segment column and the activity count."""
    as_of = dimensions.as_of_date(con, settings)
    column = dimensions.check_accounts_column(con, segment_column) if segment_column else None
    return StoryRun(as_of, column, activities_count(con), config or StoryConfig())


def find_stories(con: duckdb.DuckDBPyConnection, settings: Settings, score_config: ScoreConfig,
                 config: StoryConfig | None = None, warning_config: WarningConfig | None = None,
                 segment_column: str | None = None, outcome_spec: OutcomeSpec | None = None,
                 as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Every ranked customer account with its score, parts and evidence values, best story first."""
    as_of = as_of or dimensions.as_of_date(con, settings)
    ctes, params = stories_sql(con, settings, score_config, as_of, config, warning_config, segment_column,
                               outcome_spec)
    return con.execute(f"WITH {ctes}\nSELECT * FROM st_stories ORDER BY score DESC, account_id", params).df()


def story_summary(con: duckdb.DuckDBPyConnection, settings: Settings, score_config: ScoreConfig,
                  config: StoryConfig | None = None, warning_config: WarningConfig | None = None,
                  segment_column: str | None = None, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """The page's headline: accounts ranked, with a challenge overcome, median days to value (and over how
    many), used as a reference in the last 90 days."""
    as_of = as_of or dimensions.as_of_date(con, settings)
    ctes, params = stories_sql(con, settings, score_config, as_of, config, warning_config, segment_column)
    row = con.execute(f"WITH {ctes},\n{_SUMMARY}", params).fetchone()
    return dict(zip(SUMMARY_KEYS, row, strict=True))


def find_with_summary(con: duckdb.DuckDBPyConnection, settings: Settings, score_config: ScoreConfig,
                      config: StoryConfig | None = None, warning_config: WarningConfig | None = None,
                      segment_column: str | None = None, as_of: dt.datetime | None = None
                      ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """`find_stories` and its `story_summary` from one evaluation of the chain (the Stories page's one call)."""
    table = find_stories(con, settings, score_config, config, warning_config, segment_column, None, as_of)
    return table, summary_of(con, table)


def summary_of(con: duckdb.DuckDBPyConnection, stories: pd.DataFrame) -> dict[str, Any]:
    """`story_summary` from the rows `find_stories` returned (passed as list parameters: the chain is not run again)."""
    params = {"st_challenge": [None if pd.isna(v) else float(v) for v in stories["challenge"]],
              "st_days": [None if pd.isna(v) else float(v) for v in stories["days_to_value"]],
              "st_reference": [None if pd.isna(v) else bool(v) for v in stories["recent_reference"]]}
    (row,) = con.execute("""WITH st_stories AS (
  SELECT unnest($st_challenge::DOUBLE[]) AS challenge, unnest($st_days::DOUBLE[]) AS days_to_value,
         unnest($st_reference::BOOLEAN[]) AS recent_reference
),
""" + _SUMMARY, params).fetchall()
    return dict(zip(SUMMARY_KEYS, row, strict=True))


SUMMARY_KEYS = ("ranked", "overcome", "median_days", "with_days", "references")
_SUMMARY = """st_summary AS (
  SELECT count(*) AS ranked, count(*) FILTER (WHERE challenge = 1) AS overcome,
         median(days_to_value) AS median_days, count(days_to_value) AS with_days,
         count(*) FILTER (WHERE recent_reference) AS references
  FROM st_stories
)
SELECT * FROM st_summary"""


# The headline counts the page shows, and the value listed beside each account behind them.
BEHIND: dict[str, tuple[str, str, str]] = {
    "ranked": ("round(score, 1)", "true", "story score"),
    "overcome": ("strftime(recovery_ts, '%Y-%m-%d')", "challenge = 1", "recovered on"),
    "with_days": ("days_to_value", "days_to_value IS NOT NULL", "days to value"),
    "references": ("strftime(reference_ts, '%Y-%m-%d')", "recent_reference", "reference given on"),
}


def story_accounts(con: duckdb.DuckDBPyConnection, which: str, settings: Settings, score_config: ScoreConfig,
                   config: StoryConfig | None = None, warning_config: WarningConfig | None = None,
                   segment_column: str | None = None, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The accounts behind one of `story_summary`'s counts (`BEHIND`), in the one list shape of `cxlib.behind`."""
    from cxlib.behind.core import accounts_behind

    if which not in BEHIND:
        raise MetricError(f"Unknown story count '{which}': use one of {', '.join(BEHIND)}.")
    value, condition, label = BEHIND[which]
    as_of = as_of or dimensions.as_of_date(con, settings)
    ctes, params = stories_sql(con, settings, score_config, as_of, config, warning_config, segment_column)
    values = f"WITH {ctes}\nSELECT account_id, {value} AS value FROM st_stories WHERE {condition}"
    return accounts_behind(con, values, params, value_label=label)


def eligible_count(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.datetime) -> tuple[int, int]:
    """(customers at the as-of date, of them neither in Disappointment nor in Churn): for the empty states."""
    stage_sql, params = current_stage_sql(settings)
    params.update({k: v for k, v in stage_params(settings).items()
                   if k in ("customer_stages", "churn_stage", "disappointment")})
    params["as_of"] = as_of
    eligible = sql.eligible_ctes().replace("{segment_expr}", "CAST(NULL AS VARCHAR)")
    customers, ranked = con.execute(
        f"WITH {dimensions.ACCOUNTS_CTE},\n{customers_ctes()},\n{stage_sql.strip()},\n{eligible}\n"
        "SELECT (SELECT count(*) FROM ew_customers), (SELECT count(*) FROM st_eligible)", params).fetchone()
    return int(customers), int(ranked)


__all__ = ["BEHIND", "COMPOSITE_PERIOD", "StoryRun", "activities_count", "eligible_count", "find_stories", "stage_params",
           "find_with_summary", "stories_sql", "story_accounts", "story_run", "story_summary",
           "summary_of"]
