"""Engagement against the desired state: factor scales, composite, bands, gaps, trend, ARR at risk.

Every number is defined in the README, "How each number is defined" → "Engagement against the
desired state"; each module below states the part it computes. One concept per module:
`scales` (normalising a rating to 0–100), `config` (factors, weights, targets — ScoreConfig),
`bands` (the red/yellow/green/grey rule), `composite` (per-account scores, the shared query),
`segments`, `trend` (periods and history), `summary` (the portfolio headline), `risk` (ARR at
risk) and `contract` (the `scores` command's columns and JSON options).
"""

from __future__ import annotations

from cxlib.scores.bands import BANDS, Thresholds, band, band_sql, shown
from cxlib.scores.composite import account_scores, account_scores_sql, factor_bands, factor_summary
from cxlib.scores.config import DEFAULT_TARGET, ScoreConfig
from cxlib.scores.contract import CLI_COLUMNS, CLI_FACTOR_KEYS, cli_scores_table, parse_factor_json
from cxlib.scores.risk import DEFAULT_RISK_STAGES, arr_at_risk, current_stage_sql
from cxlib.scores.scales import SCALE_KINDS, Scale, detect_scales, effective_scales, scale_sources
from cxlib.scores.segments import segment_accounts_cte, segment_scores
from cxlib.scores.summary import CompositeSummary, band_summary, composite_summary
from cxlib.scores.trend import TrendCounts, score_history, score_trend, trend_counts

__all__ = [
    "BANDS", "CLI_COLUMNS", "CLI_FACTOR_KEYS", "DEFAULT_RISK_STAGES", "DEFAULT_TARGET", "SCALE_KINDS",
    "CompositeSummary", "Scale", "ScoreConfig", "Thresholds", "TrendCounts",
    "account_scores", "account_scores_sql", "arr_at_risk", "band", "band_sql", "band_summary",
    "cli_scores_table", "composite_summary", "current_stage_sql", "detect_scales", "effective_scales",
    "factor_bands", "factor_summary", "parse_factor_json", "scale_sources", "score_history",
    "score_trend", "segment_accounts_cte", "segment_scores", "shown", "trend_counts",
]
