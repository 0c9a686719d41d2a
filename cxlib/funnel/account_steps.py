"""One account's own pass through the funnel: the step it reached and the days it took to each step.

The same counting sequence (`journeys`) the funnel counts, read for one account: its step k row in
a funnel broken down by account would count it (reached ≥ k) with median days t_k − t_{k−1}, which
is what this returns, without computing every account's per-step table (the Account page's pace).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib.funnel.journeys import all_params, journeys_ctes
from cxlib.funnel.params import DAY_US, run, with_clause
from cxlib.funnel.spec import FunnelSpec, events_only, make_plan
from cxlib.settings import Settings

ACCOUNT_STEP_COLUMNS = ["step", "stage", "entered", "days_from_previous"]


def account_steps(con: duckdb.DuckDBPyConnection, account_id: str, spec: FunnelSpec | None = None,
                  settings: Settings | None = None) -> tuple[list[str], pd.DataFrame]:
    """(the funnel's steps, one row per step the account reached: step, stage, entered, days from the
    previous step (NaN for step 1)); no rows when it has no step-1 entry."""
    spec = spec or FunnelSpec()
    plan = make_plan(con, spec, settings)
    events_only(plan, "An account's funnel steps")
    n = plan.n
    entered = ", ".join(f"t_{i}" for i in range(1, n + 1))
    # Days as the funnel's own per-step times compute them: microseconds apart ÷ a day's microseconds.
    days = ", ".join(["CAST(NULL AS DOUBLE)"] + [f"(epoch_us(t_{i}) - epoch_us(t_{i - 1})) / {DAY_US}.0"
                                                  for i in range(2, n + 1)])
    sql = with_clause(journeys_ctes(plan)) + f"""
        SELECT s.step, s.entered[s.step] AS entered, s.days[s.step] AS days_from_previous
        FROM (SELECT reached, [{entered}] AS entered, [{days}] AS days
              FROM journeys
              WHERE account_id = $account_id AND reached >= 1) AS j,
             LATERAL (SELECT unnest(range(1, j.reached + 1)) AS step, j.entered, j.days) AS s
        ORDER BY s.step"""
    found = run(con, sql, all_params(plan) | {"account_id": str(account_id)})
    steps = list(plan.shown_steps)
    out = pd.DataFrame({
        "step": found["step"].astype("int64").to_numpy(),
        "stage": [steps[k - 1] for k in found["step"]],
        "entered": pd.to_datetime(found["entered"]).to_numpy(),
        "days_from_previous": found["days_from_previous"].astype("float64").to_numpy(),
    }, columns=ACCOUNT_STEP_COLUMNS)
    return steps, out
