"""Time to convert: days between two steps for every account that reached the later one (the histogram)."""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib.errors import MetricError
from cxlib.funnel.breakdown import segment_ctes
from cxlib.funnel.journeys import all_params, journeys_ctes
from cxlib.funnel.params import DAY_US, run, with_clause
from cxlib.funnel.spec import FunnelSpec, events_only, make_plan
from cxlib.settings import Settings


def time_to_convert(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None, from_step: int = 1,
                    to_step: int = 2, settings: Settings | None = None) -> pd.DataFrame:
    """Days from step `from_step` to step `to_step` for every account that reached `to_step`
    (its counting sequence), for the time-to-convert histogram."""
    spec = spec or FunnelSpec()
    plan = make_plan(con, spec, settings)
    events_only(plan, "Times to convert")
    if not 1 <= int(from_step) < int(to_step) <= plan.n:
        raise MetricError(f"Pick two steps 1 <= from < to <= {plan.n}; got from {from_step} to {to_step}.")
    a, b = int(from_step), int(to_step)
    seg = ", segment" if spec.by is not None else ""
    sql = with_clause(journeys_ctes(plan) + segment_ctes(plan)) + f"""
        SELECT account_id{seg}, (epoch_us(t_{b}) - epoch_us(t_{a})) / {DAY_US}.0 AS days
        FROM weighted WHERE reached >= {b}
        ORDER BY days, account_id"""
    out = run(con, sql, all_params(plan))
    out["days"] = out["days"].astype("float64")
    return out.reset_index(drop=True)

