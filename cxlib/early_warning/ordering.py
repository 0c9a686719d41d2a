"""The order of the flagged list: renewals soon first, then more signals, more ARR, account id.

Issue 12: a renewal between the as-of date and `renewal_days` (180) after it comes first, soonest
first (both ends included); then the number of signals (descending), ARR (descending, missing
last) and `account_id`. The list is ordered in SQL; this module holds the clause.
"""

from __future__ import annotations


def renews_soon_sql(renewal: str) -> str:
    """Whether a renewal date falls within [as-of, as-of + $renewal_days] (uses $as_of, $renewal_days)."""
    return (f"coalesce({renewal} >= CAST($as_of AS TIMESTAMP) AND "
            f"{renewal} <= CAST($as_of AS TIMESTAMP) + to_days($renewal_days), false)")


def order_by_sql(renewal: str = "renewal_date", n_signals: str = "n_signals", arr: str = "arr",
                 account: str = "account_id") -> str:
    """The ORDER BY clause of the flagged list."""
    soon = renews_soon_sql(renewal)
    return (f"ORDER BY CASE WHEN {soon} THEN 0 ELSE 1 END, CASE WHEN {soon} THEN {renewal} END, "
            f"{n_signals} DESC, {arr} DESC NULLS LAST, {account}")


__all__ = ["order_by_sql", "renews_soon_sql"]
