"""Exclusions: an entry of a stage strictly between two steps of the counting sequence removes the account.

Post-processing on any event mode's `journeys` (account_id, reached, t_1..t_n, …) and the event
scan: rule r = (stage, a, b) matches an account whose counting sequence has t_a, and an entry of
that stage with t_a < ts < t_b — or ts > t_a when step b is not reached — within the window of t_1
when one is set (entries after the as-of date are not in the scan). A matching account leaves the
funnel altogether, step 1 included (as PostHog does). `coverage` gains `excluded` (distinct
accounts) and `excluded_r` per rule for the note.
"""

from __future__ import annotations

from typing import Any

from cxlib.funnel.params import within_window
from cxlib.funnel.sequences import Ctes
from cxlib.funnel.spec import Plan, accounts_text


def _rule_sql(plan: Plan, r: int) -> str:
    """Accounts matched by rule r: an entry of its stage strictly between t_a and t_b (or after t_a)."""
    rule = plan.exclude[r - 1]
    a, b = f"j.t_{rule.a}", f"j.t_{rule.b}"
    window = within_window(plan, "e.ts", "j.t_1")
    return f"""
            SELECT DISTINCT j.account_id, {r} AS rule
            FROM journeys_all j JOIN events e ON e.account_id = j.account_id AND e.stage = $exclude_{r}
            WHERE {a} IS NOT NULL AND e.ts > {a} AND ({b} IS NULL OR e.ts < {b}) AND {window}"""


def exclusion_ctes(plan: Plan, ctes: Ctes) -> Ctes:
    """The mode's CTEs with `journeys` and `coverage` renamed, the matched accounts, and the new
    `journeys` (without them) and `coverage` (with `excluded` and `excluded_1..r`)."""
    if not plan.exclude:
        return ctes
    rename = {"journeys": "journeys_all", "coverage": "coverage_all"}
    out = [(rename.get(name, name), body) for name, body in ctes]
    rules = len(plan.exclude)
    per_rule = ", ".join(f"count(DISTINCT account_id) FILTER (WHERE rule = {r}) AS excluded_{r}"
                         for r in range(1, rules + 1))
    return out + [
        ("excluded_rules", " UNION ALL ".join(_rule_sql(plan, r) for r in range(1, rules + 1))),
        ("excluded_counts", f"""
            SELECT count(DISTINCT account_id) AS excluded, {per_rule} FROM excluded_rules"""),
        ("journeys", """
            SELECT * FROM journeys_all
            WHERE account_id NOT IN (SELECT account_id FROM excluded_rules)"""),
        ("coverage", "SELECT * FROM coverage_all, excluded_counts"),
    ]


def exclusion_params(plan: Plan) -> dict[str, Any]:
    """`exclude_r`: the stage of rule r."""
    return {f"exclude_{r}": rule.stage for r, rule in enumerate(plan.exclude, start=1)}


def exclusion_note(plan: Plan, cov: Any) -> str | None:
    """'Excluded 3 accounts …: 2 with a Disappointment entry between steps 2 and 3; …' (steps as shown)."""
    if not plan.exclude:
        return None
    total = int(cov["excluded"])
    parts = [f"{int(cov[f'excluded_{r}']):,} with {_shown_label(plan, r)}" for r in range(1, len(plan.exclude) + 1)]
    overlap = " (an account can match several rules)" if len(parts) > 1 else ""
    return f"Excluded {accounts_text(total)} from the funnel (step 1 included): {'; '.join(parts)}{overlap}."


def _shown_label(plan: Plan, r: int) -> str:
    """Rule r as the user gave it (steps numbered as shown, optional ones included)."""
    rule = plan.exclude[r - 1]
    shown = [k for k in range(1, len(plan.shown_steps) + 1) if k not in plan.optional]
    return f"a {rule.stage} entry between steps {shown[rule.a - 1]} and {shown[rule.b - 1]}"
