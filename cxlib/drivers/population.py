"""The accounts behind the Drivers page's headline counts: the population (a known outcome) and those with it.

Built on `drivers.outcome.outcome_ctes` (the `driver_outcome` CTE the driver table's `population`
counts: one row per account whose outcome is known, y 1/0), so each list's length is the card's
count (`drivers(...).attrs["population"]` and `attrs["events"]`). One list shape (`cxlib.behind`).
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pandas as pd

from cxlib.behind import accounts_behind
from cxlib.drivers.outcome import OUTCOME_CTE, Outcome, outcome_ctes
from cxlib.errors import MetricError
from cxlib.outcomes import OutcomeSpec
from cxlib.scores import ScoreConfig
from cxlib.settings import Settings
from cxlib.sqlparams import used_params

OUTCOME_COUNTS = ("population", "outcome")      # accounts with a known outcome; those of them with the outcome
Which = Literal["population", "outcome"]


def outcome_accounts(con: duckdb.DuckDBPyConnection, outcome: Outcome, which: Which = "population",
                     settings: Settings | None = None, *, score_config: ScoreConfig | None = None,
                     outcome_spec: OutcomeSpec | None = None) -> pd.DataFrame:
    """The accounts behind the driver table's `population` (which="population") or `events` (which="outcome").

    Value = whether the account has the outcome (churned, converted to the stage, successful).
    MetricError for an unknown `which` or outcome (as `drivers` says it).
    """
    if which not in OUTCOME_COUNTS:
        raise MetricError(f"Unknown drivers count '{which}': use {' or '.join(OUTCOME_COUNTS)}.")
    from cxlib.funnel.params import with_clause

    ctes, params = outcome_ctes(con, outcome, settings or Settings(), score_config, outcome_spec)
    only = "\nWHERE y = 1" if which == "outcome" else ""
    sql = with_clause([*ctes, ("population", f"SELECT account_id, y FROM {OUTCOME_CTE} WHERE y IS NOT NULL")]) + f"""
SELECT account_id, y = 1 AS value FROM population{only}"""
    return accounts_behind(con, sql, used_params(sql, params) or None, value_label=f"{outcome.label} (true: has the outcome)")


__all__ = ["OUTCOME_COUNTS", "outcome_accounts"]
