"""The accounts behind every number: one list per count, computed from the count's own CTEs.

`accounts_behind` turns any relation of (account_id, value[, more]) into the list every page shows
(account_id, name, segment columns, arr, value, more); the other functions give each existing
count's relation: the funnel's steps and drop-offs, the Scores bands, segment rows and trend
directions, the desired-outcome quadrants, account-level NPS, churn (customers at a period's start,
churned, churn flags), the Segments rows and tests, and the Journey map's accounts, moves, paths and
stages.
"""

from cxlib.behind.churn import churn_accounts, churn_window_accounts, flagged_accounts
from cxlib.behind.core import LIST_COLUMNS, accounts_behind, list_sql
from cxlib.behind.funnel import FUNNEL_COUNTS, funnel_accounts, funnel_accounts_sql
from cxlib.behind.journey import journey_accounts
from cxlib.behind.outcomes import quadrant_accounts
from cxlib.behind.scores import (TREND_DIRECTIONS, band_accounts, band_accounts_sql, segment_score_accounts,
                                 trend_accounts)
from cxlib.behind.segments import compare_accounts, segment_accounts
from cxlib.behind.voice import NPS_GROUPS, nps_accounts

__all__ = ["FUNNEL_COUNTS", "LIST_COLUMNS", "NPS_GROUPS", "TREND_DIRECTIONS", "accounts_behind", "band_accounts",
           "band_accounts_sql", "churn_accounts", "churn_window_accounts", "compare_accounts", "flagged_accounts",
           "funnel_accounts", "funnel_accounts_sql", "journey_accounts", "list_sql", "nps_accounts",
           "quadrant_accounts", "segment_accounts", "segment_score_accounts", "trend_accounts"]
