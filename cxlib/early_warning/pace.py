"""The stalled signal's yardstick: p90 days to the next funnel step, per segment and overall (from `funnel`).

The funnel's own `p90_days_from_previous` (`quantile_cont` over the accounts that converted) and
`converted_n` are reused, never recomputed: the row of step k+1 is the p90 of days from step k to
k+1. A segment whose p90 rests on fewer than the minimum n converted accounts uses the overall p90
(the signals SQL makes that choice; this module only lists both).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import datetime as dt
import duckdb
import pandas as pd

from cxlib.errors import MetricError
from cxlib.funnel import FunnelSpec, funnel
from cxlib.settings import Settings


def _rows(table: pd.DataFrame, steps: list[str], segment: str | None) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"segment": [], "stage": [], "next": [], "days": [], "n": []}
    for _, row in table.iterrows():
        k = int(row["step"])
        p90 = row["p90_days_from_previous"]
        if k < 2 or pd.isna(p90):
            continue
        out["segment"].append(segment if segment is None else str(row["segment"]))
        out["stage"].append(steps[k - 2])
        out["next"].append(steps[k - 1])
        out["days"].append(float(p90))
        out["n"].append(int(row["converted_n"]))
    return out


def p90_table(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.datetime,
              by: str | None = None) -> dict[str, list[Any]]:
    """Lists segment (None: all accounts), stage, next stage, p90 days and n for every step with a p90.

    No journey entries (or no funnel at all): empty lists, so nobody is stalled.
    """
    pinned = replace(settings, as_of=as_of)
    try:
        overall = funnel(con, FunnelSpec(), pinned)
    except MetricError:
        return {"segment": [], "stage": [], "next": [], "days": [], "n": []}
    rows = _rows(overall.table, list(overall.steps), None)
    if by:
        segmented = funnel(con, FunnelSpec(by=by), pinned)
        more = _rows(segmented.table, list(segmented.steps), "")
        for key in rows:
            rows[key] += more[key]
    return rows


def p90_frame(p90: dict[str, list[Any]]) -> pd.DataFrame:
    """The yardstick as a table for the page (segment blank = all accounts)."""
    frame = pd.DataFrame({"segment": p90["segment"], "stage": p90["stage"], "next_stage": p90["next"],
                          "p90_days": p90["days"], "converted_n": p90["n"]})
    frame["segment"] = frame["segment"].fillna("(all accounts)")
    return frame


__all__ = ["p90_frame", "p90_table"]
