"""Cohorts: conversion to each step within a horizon of step 1, by week, month or fiscal quarter of step 1."""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from cxlib import dimensions
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.funnel.breakdown import segment_ctes
from cxlib.funnel.journeys import all_params, journeys_ctes
from cxlib.funnel.params import DAY_US, run, ts_cols, with_clause
from cxlib.funnel.spec import FunnelSpec, Period, events_only, make_plan
from cxlib.settings import Settings

_PERIOD_LENGTH = {"week": "INTERVAL 7 DAY", "month": "INTERVAL 1 MONTH", "quarter": "INTERVAL 3 MONTH"}


def cohorts(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None, period: Period = "month",
            horizon_days: float = 90, settings: Settings | None = None) -> pd.DataFrame:
    """Conversion to each step within `horizon_days` of step 1, by period of the step-1 entry.

    Fiscal quarters start in Settings.fiscal_year_start_month and are named by the calendar year
    the fiscal year ends in ("FY2025 Q1" starts April 2024 when the year starts in April).
    A cohort is complete when its last possible step-1 entry is at least the horizon before the
    as-of date; younger cohorts are flagged complete=False (shown greyed, never as worse).
    """
    spec = spec or FunnelSpec()
    if period not in _PERIOD_LENGTH:
        raise MetricError(f"Unknown cohort period {period!r}: use week, month or quarter.")
    if not math.isfinite(horizon_days) or horizon_days < 0:
        raise MetricError(f"The cohort horizon must be a number of days >= 0, got {horizon_days!r}.")
    plan = make_plan(con, spec, settings)
    events_only(plan, "Cohorts")
    n = plan.n
    start, label = dimensions.period_sql("t_1"), dimensions.period_label_sql(period, "period_start")
    conv = []
    for k in range(1, n + 1):
        latest = f"greatest({ts_cols(k)})" if k > 1 else "t_1"
        conv.append(f"count(*) FILTER (WHERE reached >= {k} AND epoch_us({latest}) - epoch_us(t_1) <= $horizon_us) AS c_{k}")
    ctes = journeys_ctes(plan) + segment_ctes(plan) + [
        ("cohort_rows", f"SELECT *, CAST({start} AS TIMESTAMP) AS period_start FROM weighted"),
        ("cells", f"""
            SELECT segment, period_start, count(*) AS cohort_accounts, {', '.join(conv)}
            FROM cohort_rows GROUP BY segment, period_start"""),
    ]
    sql = with_clause(ctes) + f"""
        SELECT segment, {label} AS period, period_start,
               unnest(range(1, {n + 1})) AS step, cohort_accounts,
               unnest([{', '.join(f'c_{k}' for k in range(1, n + 1))}]) AS converted,
               period_start + {_PERIOD_LENGTH[period]} + to_microseconds($horizon_us) <= CAST($as_of AS TIMESTAMP) AS complete
        FROM cells
        ORDER BY segment = '{NONE_SEGMENT}', segment, period_start, step"""
    values = (all_params(plan) | dimensions.period_params(period, plan.settings, dimensions.COHORT_PERIODS)
              | {"horizon_us": round(horizon_days * DAY_US)})
    raw = run(con, sql, values)
    out = pd.DataFrame({
        "segment": raw["segment"].astype("str"),
        "period": raw["period"].astype("str"),
        "period_start": raw["period_start"].astype("datetime64[us]"),
        "step": raw["step"].astype("int64"),
        "stage": pd.Series([plan.steps[s - 1] for s in raw["step"]], dtype="str"),
        "cohort_accounts": raw["cohort_accounts"].astype("int64"),
        "converted": raw["converted"].astype("int64"),
        "conversion": (raw["converted"] / raw["cohort_accounts"]).astype("float64"),
        "low_n": (raw["cohort_accounts"] < plan.settings.min_n).astype("bool"),
        "complete": raw["complete"].astype("bool"),
    })
    if spec.by is None:
        out = out.drop(columns="segment")
    return out.reset_index(drop=True)
