"""The as-of date: the date every "days since" and "still in progress" is measured to.

README, "How each number is defined": the date set on the Data page, else the latest timestamp in
the data — never the wall clock, so numbers do not drift between meetings. Kept on its own so the
one as-of rule can move to `cxlib.dimensions` without touching the rest of mapping.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from cxlib.errors import MetricError
from cxlib.settings import Settings


def as_of_date(con: duckdb.DuckDBPyConnection, settings: Settings) -> dt.datetime:
    """The date every 'days since' is measured to: the setting, else the data's latest timestamp."""
    if settings.as_of is not None:
        return settings.as_of
    latest = con.execute("""
SELECT max(t) FROM (
    SELECT max(ts) AS t FROM journey_events UNION ALL SELECT max(as_of) FROM stage_snapshots
    UNION ALL SELECT max(ts) FROM surveys UNION ALL SELECT max(ts) FROM factor_ratings)""").fetchone()[0]
    if latest is None:
        raise MetricError("No dated rows are loaded, so there is no as-of date: set one in the settings.")
    return latest
