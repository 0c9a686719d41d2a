"""Whether activities are loaded: the one count that switches activity-based numbers on or off.

Early warning lists `missed_qbr`, Stories judge reference fatigue, Centricity counts what was
done and the accounts gain `qbr_last_100_days` only when the activities view holds a row.
"""

from __future__ import annotations

import duckdb

from cxlib import canonical


def activities_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many rows the activities view holds (0: nothing loaded, or no views built yet)."""
    try:
        (n,) = con.execute(f"SELECT count(*) FROM {canonical.quote(canonical.ACTIVITIES)}").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(n)


__all__ = ["activities_count"]
