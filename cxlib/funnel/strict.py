"""`strict` mode: the ordered sequence, broken at the first step with any other entry of the account between.

"Any other entry" is any stage, exits included, strictly between the previous step's entry and
this one. Every in-range step-1 entry is tried as a start; the earliest start reaching the
furthest step is the counting sequence. Always computed from the per-account lists.
"""

from __future__ import annotations

from cxlib.funnel.sequences import Ctes, chain_ctes, from_lists
from cxlib.funnel.spec import Plan


def _unbroken(p: str) -> str:
    """SQL: the next entry `nxt` is at the previous step's time `p`, or no entry of the account lies between."""
    return f"(nxt = {p} OR nxt <= list_min(list_filter(l_all, lambda x: x > {p})))"


def chain(plan: Plan, source: str, target: str) -> Ctes:
    """The strict counting sequence from lists (which carry every entry time, `l_all`)."""
    return chain_ctes(plan, source, target, many_starts=True, breaks=_unbroken)


def journeys_ctes(plan: Plan, force_lists: bool = False) -> Ctes:
    """`coverage` and `journeys` for the strict mode."""
    return from_lists(plan, chain, all_entries=True)
