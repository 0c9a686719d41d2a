"""Optional steps: a step that may be skipped without breaking the sequence, reported with its own count.

The mode counts the required steps only (`Plan.steps`); each optional step k is post-processing
on that counting sequence and the event scan. Its accounts are those that reached the previous
required step p and have an entry of step k at or after t_p and at or before the next required
step's entry (or any time after t_p when the next is not reached), within the window of t_1 when
one is set. Its days from previous run from t_p to the earliest such entry. Its row drops no one:
the next required step's conversion and drop-off are measured from the last required step.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from cxlib.funnel.breakdown import segment_ctes
from cxlib.funnel.journeys import all_params, journeys_ctes
from cxlib.funnel.params import DAY_US, run, with_clause, within_window
from cxlib.funnel.spec import Plan


def _neighbours(plan: Plan, k: int) -> tuple[int, int]:
    """The required-sequence indices of the required steps just before and just after shown step k."""
    prev = max(s for s in range(1, k) if s not in plan.optional)
    return plan.required_index(prev), plan.required_index(prev) + 1


def taken_cte(plan: Plan, i: int, k: int) -> tuple[str, str]:
    """`optional_i`: per account that took optional step k (the i-th optional), the days from the
    previous required step to its earliest entry of k there."""
    p, nxt = _neighbours(plan, k)
    window = within_window(plan, "e.ts", "w.t_1")
    return (f"optional_{i}", f"""
            SELECT w.segment, w.account_id, any_value(w.w) AS w, {k} AS step,
                   (epoch_us(min(e.ts)) - epoch_us(any_value(w.t_{p}))) / {DAY_US}.0 AS days
            FROM weighted w JOIN events e ON e.account_id = w.account_id AND e.stage = $optional_{i}
            WHERE w.reached >= {p} AND e.ts >= w.t_{p} AND (w.t_{nxt} IS NULL OR e.ts <= w.t_{nxt}) AND {window}
            GROUP BY w.segment, w.account_id""")


def optional_params(plan: Plan) -> dict[str, str]:
    """$optional_i: the stage of the i-th optional step."""
    return {f"optional_{i}": plan.shown_steps[k - 1] for i, k in enumerate(plan.optional, start=1)}


def optional_sql(plan: Plan) -> str:
    """Per (segment, optional step): accounts, weight and the quantiles of days from the previous required step."""
    parts = [taken_cte(plan, i, k) for i, k in enumerate(plan.optional, start=1)]
    taken = " UNION ALL ".join(f"SELECT segment, w, step, days FROM {name}" for name, _ in parts)
    return with_clause(journeys_ctes(plan) + segment_ctes(plan) + parts + [("optional_taken", taken)]) + """
        SELECT segment, step, count(*) AS n, sum(w) AS w, quantile_cont(days, [0.5, 0.9]) AS q
        FROM optional_taken GROUP BY segment, step"""


def optional_counts(con: duckdb.DuckDBPyConnection, plan: Plan) -> pd.DataFrame:
    """Rows (segment, step, n, w, q) for the optional steps that someone took."""
    return run(con, optional_sql(plan), all_params(plan) | optional_params(plan))


def with_optional_rows(plan: Plan, table: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """The shaped table of required steps, renumbered as shown, with a row per optional step and
    segment and an `optional` column (last)."""
    shown = [k for k in range(1, len(plan.shown_steps) + 1) if k not in plan.optional]
    table = table.assign(step=[shown[s - 1] for s in table["step"]], optional=False)
    seg = "segment" in table
    counts = counts.assign(segment=counts["segment"] if seg else "")
    rows = []
    arr = plan.spec.weight == "arr"
    for segment, part in (table.groupby("segment", sort=False) if seg else [("", table)]):
        first = float(part["accounts"].iloc[0])
        for k in plan.optional:
            prev = float(part.loc[part["step"] == max(s for s in shown if s < k), "accounts"].iloc[0])
            hit = counts[(counts["segment"] == segment) & (counts["step"] == k)]
            n = int(hit["n"].iloc[0]) if len(hit) else 0
            w = float(hit["w"].iloc[0]) if len(hit) else 0.0
            q = hit["q"].iloc[0] if len(hit) else None
            accounts = w if arr else n
            rows.append({
                **({"segment": segment} if seg else {}), "step": k, "stage": plan.shown_steps[k - 1],
                "accounts": accounts,
                "conversion_from_previous": accounts / prev if prev > 0 else np.nan,
                "conversion_from_first": accounts / first if first > 0 else np.nan,
                "dropped": 0, "dropped_exited": 0, "dropped_in_progress": 0,
                "median_days_from_previous": float(q[0]) if q is not None else np.nan,
                "p90_days_from_previous": float(q[1]) if q is not None else np.nan,
                "km_median_days_from_previous": np.nan, "converted_n": n, "censored_n": pd.NA,
                "n": n, "low_n": n < plan.settings.min_n, "optional": True,
            })
    extra = pd.DataFrame(rows, columns=list(table.columns)).astype(table.dtypes.to_dict())
    out = pd.concat([table, extra], ignore_index=True)
    if seg:
        rank = {s: i for i, s in enumerate(dict.fromkeys(table["segment"]))}
        out = out.assign(_o=out["segment"].map(rank)).sort_values(["_o", "step"], kind="stable").drop(columns="_o")
    else:
        out = out.sort_values("step", kind="stable")
    return out.reset_index(drop=True)


def optional_note(plan: Plan) -> str:
    """'Step 3 (Usage) is optional: …; step 4's conversion is from step 2.' for the page and stderr."""
    shown = [k for k in range(1, len(plan.shown_steps) + 1) if k not in plan.optional]
    parts = []
    for k in plan.optional:
        prev, nxt = max(s for s in shown if s < k), min(s for s in shown if s > k)
        parts.append(f"step {k} ({plan.shown_steps[k - 1]}) counts the accounts that took it between step {prev} "
                     f"and step {nxt}; step {nxt}'s conversion and drop-off are from step {prev}")
    return "Optional " + "; ".join(parts) + "."
