"""Each account's counting sequence for the spec's mode and source: the `journeys` CTE every result reads.

`ordered`, `strict` and `unordered` (`any`) each build their sequences from events (one module
per mode); `snapshot` reads current stages instead. All end in `coverage` and `journeys`.
"""

from __future__ import annotations

from typing import Any

from cxlib.funnel import ordered, snapshot, strict, unordered
from cxlib.funnel.exclusions import exclusion_ctes, exclusion_params
from cxlib.funnel.params import params
from cxlib.funnel.sequences import Ctes, events_cte, layout_events_cte
from cxlib.funnel.spec import Plan

_MODES = {"ordered": ordered.journeys_ctes, "strict": strict.journeys_ctes, "any": unordered.journeys_ctes}


def journeys_ctes(plan: Plan, force_lists: bool = False) -> Ctes:
    """Named CTEs ending in `journeys` (account_id, account_key, reached, t_1..t_n, last_exit, exited)
    and `coverage` (accounts with events, without a step-1 entry, with step 1 only outside the range).

    Event modes read the journeys' layout (`layout_events`); `events` (account_id, stage, ts) is
    there for post-filters that need stage names and account ids.

    Exclusions (`exclusions`) post-process the mode's sequences. `force_lists` sends every account
    through the per-account lists (tests compare both paths).
    """
    if plan.spec.source == "snapshot":
        return snapshot.journeys_ctes(plan)
    return exclusion_ctes(plan, [events_cte(plan), layout_events_cte(plan),
                                 *_MODES[plan.spec.mode](plan, force_lists)])


def all_params(plan: Plan) -> dict[str, Any]:
    """Every named parameter the plan's queries may use (`params.run` keeps the ones a query names)."""
    out = params(plan) | exclusion_params(plan)
    if plan.spec.source == "snapshot":
        out.update(snapshot.snapshot_params(plan))
    return out
