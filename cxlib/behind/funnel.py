"""The accounts behind the funnel's numbers: each step's accounts, and its drop-offs (exited / in progress).

Built on the funnel's own `journeys` and `weighted` CTEs (the ones `funnel.results.table_sql`
counts), with the same conditions: step 1 is every account in the funnel, step k ≥ 2 the accounts
that reached k; dropped(k) the accounts at risk of k (those that reached k − 1) that did not reach
it, `dropped_exited` those of them with an exit after their last step, `dropped_in_progress` the
rest. With a breakdown (`spec.by`), `segment` picks one segment's accounts ("(none)" included).
`no_step1` lists the accounts with journey events but no step-1 entry (the `coverage` count of the
event modes: the same `events` CTE, an account without any entry of the step-1 stage; from a
snapshot, the `classified` rows `coverage` counts), `exited_unknown` a snapshot's accounts on an
exit with no last funnel stage.
"""

from __future__ import annotations

from typing import Any, Literal

import duckdb
import pandas as pd

from cxlib.behind.core import accounts_behind
from cxlib.errors import MetricError
from cxlib.funnel.breakdown import segment_ctes
from cxlib.funnel.journeys import all_params, journeys_ctes
from cxlib.funnel.optional import optional_params, taken_cte
from cxlib.funnel.params import DAY_US, with_clause
from cxlib.funnel.sequences import events_cte
from cxlib.funnel.spec import FunnelSpec, Plan, make_plan
from cxlib.settings import Settings
from cxlib.sqlparams import used_params

FunnelCount = Literal["reached", "dropped", "dropped_exited", "dropped_in_progress", "no_step1", "exited_unknown"]
FUNNEL_COUNTS: tuple[str, ...] = ("reached", "dropped", "dropped_exited", "dropped_in_progress", "no_step1",
                                  "exited_unknown")


def _condition(step: int, which: str) -> str:
    """The rows of `weighted` a count counts (the same conditions as the funnel's `step_rows`)."""
    reached = "true" if step == 1 else f"reached >= {step}"
    if which == "reached":
        return reached
    at_risk = "true" if step - 1 == 1 else f"reached >= {step - 1}"
    dropped = f"{at_risk} AND NOT ({reached})"
    return {"dropped": dropped, "dropped_exited": f"{dropped} AND exited",
            "dropped_in_progress": f"{dropped} AND NOT exited"}[which]


def _check(plan: Plan, step: int, which: str, segment: str | None) -> None:
    if which not in FUNNEL_COUNTS:
        raise MetricError(f"Unknown funnel count '{which}': use one of {', '.join(FUNNEL_COUNTS)}.")
    if which == "exited_unknown" and plan.spec.source != "snapshot":
        raise MetricError("'Exited (last stage unknown)' is a snapshot's count: journey events know the last stage.")
    if which in ("no_step1", "exited_unknown"):
        return
    first = 1 if which == "reached" else 2
    shown = len(plan.shown_steps) or plan.n
    if not first <= int(step) <= shown:
        raise MetricError(f"Step {step} has no '{which}' accounts in this {shown}-step funnel: pick a step from "
                          f"{first} to {shown}.")
    if int(step) in plan.optional and which != "reached":
        raise MetricError(f"Step {step} is optional: it drops no one, so it has no '{which}' accounts.")
    if segment is not None and plan.spec.by is None:
        raise MetricError("A segment's accounts need a funnel broken down by a column (by=…).")


def _coverage_sql(plan: Plan, which: str) -> tuple[str, dict[str, Any], str]:
    """Accounts outside the steps: with events but no step-1 entry (the funnel's `events` CTE, as
    `coverage` counts them), or from a snapshot the `classified` rows `coverage` counts."""
    if plan.spec.source == "snapshot":
        where = "exit_unknown" if which == "exited_unknown" else "reached = 0 AND NOT exit_unknown AND NOT outside"
        sql = with_clause(journeys_ctes(plan) + [("behind", f"""
            SELECT account_id, stage AS value FROM classified WHERE {where}""")]) + "\n        SELECT * FROM behind"
        return sql, used_params(sql, all_params(plan)), "current stage"
    sql = with_clause([events_cte(plan), ("behind", """
            SELECT account_id, max(ts) AS value FROM events GROUP BY account_id
            HAVING count(*) FILTER (WHERE stage = $stage_1) = 0""")]) + "\n        SELECT * FROM behind"
    return sql, used_params(sql, all_params(plan)), "latest journey entry"


def funnel_accounts_sql(con: duckdb.DuckDBPyConnection, spec: FunnelSpec, step: int,
                        which: FunnelCount = "reached", settings: Settings | None = None,
                        segment: str | None = None) -> tuple[str, dict[str, Any], str]:
    """The (account_id, value[, status]) relation behind one funnel count, its parameters and the value's label."""
    plan = make_plan(con, spec, settings)
    step = int(step)
    _check(plan, step, which, segment)
    if which in ("no_step1", "exited_unknown"):
        return _coverage_sql(plan, which)
    if step in plan.optional:
        return _optional_sql(plan, step, segment)
    shown_step, step = step, plan.required_index(step)  # the counting sequence numbers required steps only
    stage = plan.steps[step - 1]
    if which == "reached":
        value, label, extra = f"t_{step}", f"reached step {shown_step} ({stage}) on", ""
    else:
        previous = plan.steps[step - 2]
        value = f"(epoch_us(CAST($as_of AS TIMESTAMP)) - epoch_us(t_{step - 1})) / {DAY_US}.0"
        label = f"days since reaching {previous}"
        extra = ", CASE WHEN exited THEN 'exited' ELSE 'in progress' END AS status"
    where = _condition(step, which) + (" AND segment = $behind_segment" if segment is not None else "")
    sql = with_clause(journeys_ctes(plan) + segment_ctes(plan) + [
        ("behind", f"SELECT account_id, {value} AS value{extra} FROM weighted WHERE {where}")]) + \
        "\n        SELECT * FROM behind"
    params = all_params(plan) | ({"behind_segment": str(segment)} if segment is not None else {})
    return sql, used_params(sql, params), label


def _optional_sql(plan: Plan, step: int, segment: str | None) -> tuple[str, dict[str, Any], str]:
    """The accounts that took optional step `step` (the same CTE its row counts)."""
    i = plan.optional.index(step) + 1
    name, body = taken_cte(plan, i, step)
    where = "WHERE segment = $behind_segment" if segment is not None else ""
    sql = with_clause(journeys_ctes(plan) + segment_ctes(plan) + [(name, body), ("behind", f"""
            SELECT account_id, days AS value FROM {name} {where}""")]) + "\n        SELECT * FROM behind"
    params = all_params(plan) | optional_params(plan) | ({"behind_segment": str(segment)} if segment is not None else {})
    return sql, used_params(sql, params), "days from the previous required step"


def funnel_accounts(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None, step: int = 1,
                    which: FunnelCount = "reached", settings: Settings | None = None,
                    segment: str | None = None) -> pd.DataFrame:
    """The accounts behind a funnel step's `accounts` (which='reached') or its `dropped`, `dropped_exited`,
    `dropped_in_progress`; one segment's with `segment` (spec.by set); or the accounts with no step-1
    entry (which='no_step1', step ignored) or a snapshot's exited with the last stage unknown
    (which='exited_unknown'). Value: the date the step was reached, or days since
    reaching the step before (drop-offs also say exited / in progress), or the latest entry."""
    sql, params, label = funnel_accounts_sql(con, spec or FunnelSpec(), step, which, settings, segment)
    return accounts_behind(con, sql, params, value_label=label)
