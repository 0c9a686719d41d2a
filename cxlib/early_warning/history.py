"""Flagged accounts per month: the signals evaluated as of each month's end (the current month at the as-of date).

Each month is a full evaluation at its last instant — customers, windows, the funnel's p90s and the
score trend all as they stood then — so a month's number is what the list would have shown that day.
The current month is cut at the as-of date and marked partial.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from cxlib import dimensions
from cxlib.early_warning.config import WarningConfig
from cxlib.early_warning.flags import customers_count, prepare, signal_accounts
from cxlib.errors import MetricError
from cxlib.scores import ScoreConfig
from cxlib.settings import Settings

DEFAULT_MONTHS = 12
HISTORY_COLUMNS = ["month", "at", "customers", "flagged", "share", "partial"]


def month_ends(as_of: dt.datetime, months: int) -> list[tuple[str, dt.datetime, bool]]:
    """(month 'YYYY-MM', its last instant or the as-of date, partial) for the last `months` months."""
    if months < 1:
        raise MetricError(f"The history needs at least one month (got {months}).")
    first_of_month = dt.datetime(as_of.year, as_of.month, 1)
    out = []
    for back in range(months - 1, -1, -1):
        start = (pd.Timestamp(first_of_month) - pd.DateOffset(months=back)).to_pydatetime()
        end = (pd.Timestamp(start) + pd.DateOffset(months=1)).to_pydatetime() - dt.timedelta(microseconds=1)
        partial = end > as_of
        out.append((start.strftime("%Y-%m"), as_of if partial else end, partial))
    return out


def flagged_by_month(con: duckdb.DuckDBPyConnection, config: WarningConfig | None = None,
                     score_config: ScoreConfig | None = None, settings: Settings | None = None,
                     months: int = DEFAULT_MONTHS) -> pd.DataFrame:
    """Per month: customers checked, accounts flagged, their share, and whether the month is partial."""
    settings = settings or Settings()
    as_of = dimensions.as_of_date(con, settings)
    rows = []
    for month, at, partial in month_ends(as_of, months):
        run = prepare(con, config, score_config, settings, at)
        flagged = run.query(con, "SELECT count(DISTINCT account_id) AS n FROM signal_rows")["n"].iloc[0]
        customers = customers_count(con, run)
        rows.append((month, at, customers, int(flagged), flagged / customers if customers else float("nan"),
                     partial))
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["customers"] = frame["customers"].astype("int64")
    frame["flagged"] = frame["flagged"].astype("int64")
    return frame


def month_accounts(con: duckdb.DuckDBPyConnection, at: dt.datetime, config: WarningConfig | None = None,
                   score_config: ScoreConfig | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind one month's flagged count (evaluated at that month's instant `at`)."""
    return signal_accounts(con, prepare(con, config, score_config, settings, at))


__all__ = ["DEFAULT_MONTHS", "HISTORY_COLUMNS", "flagged_by_month", "month_ends", "month_accounts"]
