"""The order of the flagged list: renewals soon first, then more signals, more ARR, account id.

Issue 12: a renewal between the as-of date and `renewal_days` (180) after it comes first, soonest
first (calendar days, both ends included); then the number of signals (descending), ARR (descending, missing
last) and `account_id`. The list is ordered in SQL; this module holds the clause.
"""

from __future__ import annotations


def renews_soon_sql(renewal: str) -> str:
    """Whether a renewal's calendar day falls within [as-of day, as-of day + $renewal_days] (uses $as_of,
    $renewal_days): a renewal on the as-of day is soon even when the as-of instant has a time of day."""
    day = "CAST(CAST($as_of AS TIMESTAMP) AS DATE)"
    return (f"coalesce(CAST({renewal} AS DATE) BETWEEN {day} AND {day} + CAST($renewal_days AS INTEGER), "
            "false)")


def order_by_sql(renewal: str = "renewal_date", n_signals: str = "n_signals", arr: str = "arr",
                 account: str = "account_id") -> str:
    """The ORDER BY clause of the flagged list."""
    soon = renews_soon_sql(renewal)
    return (f"ORDER BY CASE WHEN {soon} THEN 0 ELSE 1 END, CASE WHEN {soon} THEN {renewal} END, "
            f"{n_signals} DESC, {arr} DESC NULLS LAST, {account}")


__all__ = ["order_by_sql", "renews_soon_sql"]
