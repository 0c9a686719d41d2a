"""The snapshot source: how far each account got, read from its latest current-stage snapshot.

An account at funnel stage k has reached steps 1..k; an account on an exit sits at its
last_funnel_stage when given (and counts as exited), else it is "exited (last stage unknown)".
There are no entry times, so no times, cohorts or histograms.
"""

from __future__ import annotations

from typing import Any

from cxlib import canonical
from cxlib.canonical import quote
from cxlib.funnel.sequences import Ctes
from cxlib.funnel.spec import Plan
from cxlib.stages import funnel_stages, stage_order


def journeys_ctes(plan: Plan) -> Ctes:
    """`coverage` (with exited-unknown and outside counts) and `journeys` from the latest snapshots."""
    order = stage_order(plan.settings.stages)
    ranks = [order[s] for s in plan.steps]
    # reached = number of steps whose journey position is at or before the account's stage.
    reached = " + ".join(f"CAST(pos >= {r} AS INTEGER)" for r in ranks)
    order_case = " ".join(f"WHEN $ord_{i} THEN {rank}" for i, (_, rank) in enumerate(order.items()))
    null_ts = ", ".join(f"CAST(NULL AS TIMESTAMP) AS t_{i}" for i in range(1, plan.n + 1))
    return [
        ("latest", f"""
            SELECT account_id, arg_max(stage, as_of) AS stage, arg_max(last_funnel_stage, as_of) AS last_funnel
            FROM {quote(canonical.STAGE_SNAPSHOTS)}
            WHERE account_id IS NOT NULL AND (as_of IS NULL OR as_of <= CAST($as_of AS TIMESTAMP))
            GROUP BY account_id"""),
        ("placed", """
            SELECT account_id, stage, list_contains($exits, stage) AS on_exit,
                   CASE WHEN list_contains($exits, stage) THEN last_funnel ELSE stage END AS at_stage
            FROM latest"""),
        ("positioned", f"""
            SELECT *, CASE at_stage {order_case} END AS pos FROM placed"""),
        ("classified", f"""
            SELECT *, coalesce({reached}, 0) AS reached,
                   on_exit AND (at_stage IS NULL OR NOT list_contains($funnel, at_stage)) AS exit_unknown,
                   NOT on_exit AND NOT list_contains($funnel, coalesce(stage, '')) AS outside
            FROM positioned"""),
        ("coverage", """
            SELECT count(*) AS with_events,
                   count(*) FILTER (WHERE reached = 0 AND NOT exit_unknown AND NOT outside) AS no_step1,
                   0 AS out_of_range,
                   count(*) FILTER (WHERE exit_unknown) AS exited_unknown,
                   count(*) FILTER (WHERE outside) AS outside
            FROM classified"""),
        ("journeys", f"""
            SELECT account_id, reached, {null_ts}, CAST(NULL AS TIMESTAMP) AS last_exit, on_exit AS exited
            FROM classified WHERE reached > 0 AND NOT exit_unknown"""),
    ]


def snapshot_params(plan: Plan) -> dict[str, Any]:
    """The stage list's order and funnel stages, as parameters of the snapshot CTEs."""
    order = stage_order(plan.settings.stages)
    out: dict[str, Any] = {f"ord_{i}": name for i, name in enumerate(order)}
    out["funnel"] = funnel_stages(plan.settings.stages)
    return out
