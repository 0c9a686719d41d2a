"""The accounts behind every number: one list per count, computed from the count's own CTEs."""

from cxlib.behind.core import LIST_COLUMNS, accounts_behind, list_sql
from cxlib.behind.funnel import FUNNEL_COUNTS, funnel_accounts, funnel_accounts_sql

__all__ = ["FUNNEL_COUNTS", "LIST_COLUMNS", "accounts_behind", "funnel_accounts", "funnel_accounts_sql", "list_sql"]
