"""The outcome a driver table explains, per account: 1 (it happened), 0 (it did not), or not known.

Three outcomes, each defined where its fact lives (README, "Drivers"):
- `churned`: a Churn entry or a churn flag at the as-of date (`churn.churned_at_as_of_ctes`).
  Accounts that were never customers and have no flag are not in the population.
- `converted:STAGE`: converting from the funnel step before STAGE to STAGE (the default ordered
  funnel, `cxlib.funnel`): the population is the accounts that reached the step before, 1 when
  they reached STAGE. STAGE is a funnel step's name (case-insensitive) or a synonym of it.
- `successful`: reaching the desired outcome (`outcomes` quadrants): 1 successful, 0 any other
  placed quadrant; accounts the quadrants cannot place ('unknown') are not in the population.

Each builds a list of named CTEs ending in `driver_outcome(account_id, y)` and their parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from cxlib import churn, outcomes
from cxlib.errors import MetricError
from cxlib.outcomes import OutcomeSpec
from cxlib.scores import ScoreConfig
from cxlib.settings import Settings
from cxlib.stages import normalize_label, suggest_stage

Ctes = list[tuple[str, str]]
OutcomeKind = Literal["churned", "converted", "successful"]
OUTCOME_CTE = "driver_outcome"


@dataclass(frozen=True)
class Outcome:
    """What the drivers explain: churned, converted to a stage, or successful (the desired outcome)."""

    kind: OutcomeKind
    stage: str | None = None        # for `converted`: the stage as typed

    @property
    def label(self) -> str:
        """The outcome as the CLI spells it: 'churned', 'converted:Usage', 'successful'."""
        return f"converted:{self.stage}" if self.kind == "converted" else self.kind


def parse_outcome(text: str) -> Outcome:
    """`churned`, `converted:STAGE` or `successful` (case-insensitive); else a MetricError saying which exist."""
    kind, sep, stage = str(text).strip().partition(":")
    kind = kind.strip().casefold()
    if kind in ("churned", "successful") and not sep:
        return Outcome(kind)        # type: ignore[arg-type]
    if kind == "converted" and stage.strip():
        return Outcome("converted", stage.strip())
    if kind == "converted":
        raise MetricError("--outcome converted needs a stage: converted:STAGE, e.g. converted:Usage.")
    raise MetricError(f"Unknown outcome '{text}': use churned, converted:STAGE (e.g. converted:Usage) or successful.")


def _churned(con: duckdb.DuckDBPyConnection, settings: Settings) -> tuple[Ctes, dict[str, Any]]:
    ctes, params = churn.churned_at_as_of_ctes(con, settings)
    body = f"""WITH {ctes}
SELECT account_id, CASE WHEN churned THEN 1 ELSE 0 END AS y FROM churn_status"""
    return [(OUTCOME_CTE, body)], params


def converted_steps(con: duckdb.DuckDBPyConnection, stage: str, settings: Settings) -> tuple[Any, int]:
    """The default funnel's plan and the 1-based step of STAGE (never step 1: it has no step before)."""
    from cxlib import funnel as fn
    from cxlib.funnel.spec import make_plan

    plan = make_plan(con, fn.FunnelSpec(), settings)
    wanted = normalize_label(stage)
    names = {normalize_label(s): i for i, s in enumerate(plan.steps, start=1)}
    k = names.get(wanted)
    if k is None:
        meant = suggest_stage(stage, settings.stages)
        k = names.get(normalize_label(meant)) if meant else None
    if k is None:
        raise MetricError(f"Stage '{stage}' is not a step of the funnel ({', '.join(plan.steps)}): "
                          "use converted:STAGE with one of them.")
    if k == 1:
        raise MetricError(f"'{plan.steps[0]}' is the funnel's first step, so nobody converts to it from a step "
                          f"before: choose a later step ({', '.join(plan.steps[1:]) or 'none'}).")
    return plan, k


def _converted(con: duckdb.DuckDBPyConnection, stage: str, settings: Settings) -> tuple[Ctes, dict[str, Any]]:
    from cxlib.funnel.journeys import all_params, journeys_ctes

    plan, k = converted_steps(con, stage, settings)
    ctes = journeys_ctes(plan) + [(OUTCOME_CTE, f"""
        SELECT account_id, CASE WHEN reached >= {k} THEN 1 ELSE 0 END AS y
        FROM journeys WHERE reached >= {k - 1}""")]
    return ctes, all_params(plan)


def _successful(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, config: ScoreConfig,
                settings: Settings) -> tuple[Ctes, dict[str, Any]]:
    quadrant_ctes, params = outcomes.quadrant_ctes(con, spec, config, settings)   # the one quadrant definition
    body = f"""WITH {quadrant_ctes}
SELECT account_id, CASE WHEN quadrant = '{outcomes.SUCCESSFUL}' THEN 1 ELSE 0 END AS y
FROM quadrants WHERE quadrant <> '{outcomes.UNKNOWN}'"""
    return [(OUTCOME_CTE, body)], params


def outcome_ctes(con: duckdb.DuckDBPyConnection, outcome: Outcome, settings: Settings,
                 score_config: ScoreConfig | None = None, outcome_spec: OutcomeSpec | None = None,
                 ) -> tuple[Ctes, dict[str, Any]]:
    """Named CTEs ending in `driver_outcome(account_id, y)` (y 1/0, one row per account known) and parameters."""
    if outcome.kind == "churned":
        return _churned(con, settings)
    if outcome.kind == "converted":
        return _converted(con, outcome.stage or "", settings)
    return _successful(con, outcome_spec or OutcomeSpec(), score_config or ScoreConfig(), settings)


def outcome_words(outcome: Outcome) -> tuple[str, str]:
    """How the page and notes name the outcome and its population: ('churned', 'customers or flagged accounts')."""
    if outcome.kind == "churned":
        return "churned", "customers (from Decision) and accounts with a churn flag"
    if outcome.kind == "converted":
        return f"converted to {outcome.stage}", f"accounts that reached the step before {outcome.stage}"
    return "successful", "accounts placed in a desired-outcome quadrant"


__all__ = ["OUTCOME_CTE", "Outcome", "OutcomeKind", "converted_steps", "outcome_ctes", "outcome_words",
           "parse_outcome"]
