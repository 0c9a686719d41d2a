"""The desired outcome: required outcome reached × appropriate experience, per account.

README, "How each number is defined" → "Desired outcome".

An account is successful only when both hold. Its outcome is `accounts.outcome` (yes/no as 1/0,
or a score) compared with `outcome_threshold` (reached when ≥). Its experience is one chosen
measure compared with `experience_threshold` (appropriate when ≥): the account's latest CSAT or
NPS answer up to the as-of date (raw, on the survey's scale), one factor's 0–100 score, or the
composite (only when the account's coverage reaches the minimum). CSAT's default line is the
satisfied box of its detected scale (4 on 1–5, 6 on 1–7, 1 on Zendesk's good/bad, 2 on HubSpot's
faces), and only whole answers on that scale count, as in every CSAT number (`resolve`). Missing
either → 'unknown', never placed in a quadrant. The as-of date is `dimensions.as_of_date`; an account listed twice
counts by its first row (`dimensions`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.scores import account_scores_sql, ScoreConfig, segment_accounts_cte
from cxlib.settings import Settings
from cxlib.surveys import NPS_VALID_SQL, SCALES, detected_csat_scale, on_scale_sql

SUCCESSFUL = "successful"
OUTCOME_ONLY = "outcome without the right experience"
EXPERIENCE_ONLY = "good experience without the outcome"
NEITHER = "neither"
UNKNOWN = "unknown"
QUADRANTS: tuple[str, ...] = (SUCCESSFUL, OUTCOME_ONLY, EXPERIENCE_ONLY, NEITHER, UNKNOWN)

# Default "appropriate experience" lines: CSAT top two boxes of 1–5, NPS not a detractor (7+),
# a 0–100 score at the bottom of the yellow band's upper half.
DEFAULT_EXPERIENCE_THRESHOLDS: dict[str, float] = {"csat": 4.0, "nps": 7.0, "factor": 75.0, "composite": 75.0}


@dataclass(frozen=True)
class OutcomeSpec:
    """How to read the desired outcome: outcome threshold, experience measure and its threshold."""

    outcome_threshold: float = 0.5
    experience: str = "csat"                  # 'csat' | 'nps' | 'factor:<key>' | 'composite'
    experience_threshold: float | None = None  # None: the measure's default above
    csat_scale: str | None = None             # the CSAT scale answers are on (`resolve` reads it from the data)

    @property
    def measure(self) -> str:
        """'csat', 'nps', 'factor' or 'composite'."""
        return self.experience.split(":", 1)[0]

    @property
    def factor(self) -> str | None:
        return self.experience.split(":", 1)[1] if self.measure == "factor" else None

    @property
    def answer_filter_sql(self) -> str:
        """`AND …` keeping the survey answers the measure counts: whole NPS answers 0–10 (as every NPS); whole
        CSAT answers on its scale once `resolve` has read it. Empty for ratings and the composite."""
        if self.measure == "nps":
            return f"AND {NPS_VALID_SQL}"
        if self.measure == "csat" and self.csat_scale in SCALES:
            return f"AND {on_scale_sql(SCALES[self.csat_scale])}"
        return ""

    @property
    def threshold(self) -> float:
        """The experience threshold in force (the measure's default when none is set)."""
        if self.experience_threshold is not None:
            return float(self.experience_threshold)
        if self.measure == "csat" and self.csat_scale in SCALES:
            return float(SCALES[self.csat_scale].top_from)
        return DEFAULT_EXPERIENCE_THRESHOLDS[self.measure]

    def validate(self, config: ScoreConfig) -> None:
        """Raise MetricError when the experience measure is unknown or names an unconfigured factor."""
        if self.measure not in DEFAULT_EXPERIENCE_THRESHOLDS or (self.measure == "factor") != (":" in self.experience):
            raise MetricError(f"Unknown experience measure '{self.experience}': use csat, nps, composite "
                              "or factor:<key>.")
        if self.measure == "factor" and self.factor not in config.keys:
            raise MetricError(f"Experience factor '{self.factor}' is not one of the configured factors "
                              f"({', '.join(config.keys)}).")

    def to_dict(self) -> dict[str, Any]:
        return {"outcome_threshold": self.outcome_threshold, "experience": self.experience,
                "experience_threshold": self.experience_threshold, "csat_scale": self.csat_scale}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> OutcomeSpec:
        d = d or {}
        t = d.get("experience_threshold")
        scale = d.get("csat_scale")
        return cls(float(d.get("outcome_threshold", 0.5)), str(d.get("experience", "csat")),
                   None if t is None else float(t), None if scale is None else str(scale))


def resolve(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec) -> OutcomeSpec:
    """The spec with what it leaves to the data filled in: for CSAT, the scale its answers are on, which sets
    the default line (the scale's satisfied box) and which answers count (whole ones on the scale)."""
    if spec.measure != "csat" or spec.csat_scale is not None:
        return spec
    scale = detected_csat_scale(con)     # None: the answers fit no scale; the CSAT numbers say why
    return spec if scale is None else replace(spec, csat_scale=scale.name)


def quadrant_sql(outcome: str, experience: str) -> str:
    """The quadrant of an outcome and an experience value (SQL expressions): the one rule, used at any date.

    Uses $o_outcome_threshold and $o_experience_threshold (`spec_params`).
    """
    return f"""CASE WHEN {outcome} IS NULL OR isnan({outcome})
                          OR {experience} IS NULL OR isnan({experience}) THEN '{UNKNOWN}'
                        WHEN {outcome} >= $o_outcome_threshold
                         AND {experience} >= $o_experience_threshold THEN '{SUCCESSFUL}'
                        WHEN {outcome} >= $o_outcome_threshold THEN '{OUTCOME_ONLY}'
                        WHEN {experience} >= $o_experience_threshold THEN '{EXPERIENCE_ONLY}'
                        ELSE '{NEITHER}' END"""


def spec_params(spec: OutcomeSpec) -> dict[str, Any]:
    """The thresholds `quadrant_sql` reads, as parameters."""
    return {"o_outcome_threshold": float(spec.outcome_threshold), "o_experience_threshold": spec.threshold}


def quadrant_ctes(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, config: ScoreConfig,
                   settings: Settings | None) -> tuple[str, dict[str, Any]]:
    """CTEs ending in `quadrants(account_id, outcome_value, experience_value, quadrant)`."""
    spec = resolve(con, spec)
    spec.validate(config)
    q = canonical.quote
    params: dict[str, Any] = spec_params(spec)
    if spec.measure in ("csat", "nps"):
        params.update({"o_as_of": dimensions.as_of_param(con, settings), "o_survey_type": spec.measure.upper()})
        experience = f"""
        experience AS (
            SELECT account_id, score AS experience_value
            FROM {q(canonical.SURVEYS)}
            WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score) {spec.answer_filter_sql}
              AND upper(trim(survey_type)) = $o_survey_type
              AND (CAST($o_as_of AS TIMESTAMP) IS NULL OR ts IS NULL OR ts <= $o_as_of)
            QUALIFY row_number() OVER (
                PARTITION BY account_id ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST) = 1
        )"""
    else:
        sql, score_params = account_scores_sql(con, config, settings)
        params.update(score_params)
        value = ("CASE WHEN coverage >= $min_coverage THEN composite END" if spec.measure == "composite"
                 else q(spec.factor or ""))
        experience = f"""
        account_scores AS ({sql}),
        experience AS (
            SELECT account_id, {value} AS experience_value
            FROM account_scores
        )"""
    ctes = f"""
        {experience},
        outcome AS (
            SELECT account_id, outcome AS outcome_value
            FROM ({dimensions.ONE_ROW_PER_ACCOUNT})
        ),
        measured AS (
            SELECT coalesce(o.account_id, e.account_id) AS account_id,
                   o.outcome_value, e.experience_value
            FROM outcome AS o
            FULL JOIN experience AS e ON e.account_id = o.account_id
        ),
        quadrants AS (
            SELECT account_id, outcome_value, experience_value,
                   {quadrant_sql("outcome_value", "experience_value")} AS quadrant
            FROM measured
        )"""
    return ctes, params


def outcome_quadrants(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, score_config: ScoreConfig,
                      settings: Settings | None = None, *, account_id: str | None = None) -> pd.DataFrame:
    """One row per account (or only `account_id`'s): outcome value, experience value and its desired-outcome
    quadrant."""
    ctes, params = quadrant_ctes(con, spec, score_config, settings)
    return con.execute(f"""
        WITH {ctes}
        SELECT account_id, outcome_value, experience_value, quadrant
        FROM quadrants
        {dimensions.one_account(account_id, params)}
        ORDER BY account_id
    """, params).df()


def quadrant_summary(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, config: ScoreConfig,
                     by: str | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """Accounts and ARR per quadrant (per segment with `by`), every quadrant listed.

    Shares are of the accounts (ARR) that could be placed, so missing surveys do not read as
    failure; the 'unknown' row shows how many could not be placed and has no share.
    """
    if by is not None:
        by = dimensions.check_accounts_column(con, by)
    ctes, params = quadrant_ctes(con, spec, config, settings)
    quadrant_rows = ", ".join(f"('{name}', {i})" for i, name in enumerate(QUADRANTS))
    frame = con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(by)},
        quadrant_list AS (SELECT * FROM (VALUES {quadrant_rows}) AS v(quadrant, ord)),
        members AS (
            SELECT qd.quadrant, coalesce(a.segment, '{NONE_SEGMENT}') AS segment, a.arr
            FROM quadrants AS qd
            LEFT JOIN acct AS a USING (account_id)
        ),
        grid AS (
            SELECT s.segment, ql.quadrant, ql.ord
            FROM (SELECT DISTINCT segment FROM members) AS s
            CROSS JOIN quadrant_list AS ql
        ),
        counts AS (
            SELECT g.segment, g.quadrant, g.ord,
                   count(m.quadrant) AS accounts,
                   coalesce(sum(m.arr), 0.0) AS arr
            FROM grid AS g
            LEFT JOIN members AS m ON m.segment = g.segment AND m.quadrant = g.quadrant
            GROUP BY g.segment, g.quadrant, g.ord
        )
        SELECT segment, quadrant, accounts,
               CASE WHEN quadrant <> '{UNKNOWN}' THEN accounts / NULLIF(
                   sum(accounts) FILTER (WHERE quadrant <> '{UNKNOWN}') OVER (PARTITION BY segment), 0) END AS share,
               arr,
               CASE WHEN quadrant <> '{UNKNOWN}' THEN arr / NULLIF(
                   sum(arr) FILTER (WHERE quadrant <> '{UNKNOWN}') OVER (PARTITION BY segment), 0) END AS arr_share
        FROM counts
        ORDER BY segment = '{NONE_SEGMENT}', segment, ord
    """, params).df()
    return frame if by is not None else frame.drop(columns="segment")


def quadrant_accounts(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, config: ScoreConfig, quadrant: str,
                      by: str | None = None, segment: str | None = None,
                      settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind one `quadrant_summary` count: account_id and value (the experience value)."""
    if by is not None:
        by = dimensions.check_accounts_column(con, by)
    ctes, params = quadrant_ctes(con, spec, config, settings)
    params["o_quadrant"] = quadrant
    segment_filter = ""
    if by is not None:
        segment_filter = f"AND coalesce(a.segment, '{NONE_SEGMENT}') = $o_segment"
        params["o_segment"] = NONE_SEGMENT if segment is None else str(segment)
    return con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(by)}
        SELECT qd.account_id, qd.experience_value AS value
        FROM quadrants AS qd
        LEFT JOIN acct AS a USING (account_id)
        WHERE qd.quadrant = $o_quadrant {segment_filter}
        ORDER BY qd.account_id
    """, params).df()
