"""Early warning (issue 12): which customer accounts need us now, and why, with the evidence.

One module per concern: `config` (thresholds kept with the mapping), `signals` (the SQL), `pace`
(the stalled signal's p90s from the funnel), `evidence` (sentences), `ordering` (the list's
order), `flags` (the list, counts and the accounts behind them) and `history` (flagged accounts at
each month's end). Named `early_warning`, not `warnings`, so it never shadows Python's module.
"""

from __future__ import annotations

from cxlib.early_warning.config import SIGNALS, WarningConfig
from cxlib.early_warning.evidence import LABELS, sentence
from cxlib.early_warning.flags import (CLI_COLUMNS, SUMMARY_COLUMNS, TABLE_COLUMNS, Flag, Run, account_rows,
                                       cli_table, flags_of,
                                       customer_accounts, customers_count, prepare, signal_accounts, signal_rows,
                                       signal_summary, signals_in_use, warnings_table)
from cxlib.early_warning.history import flagged_by_month, month_accounts

__all__ = ["CLI_COLUMNS", "LABELS", "SIGNALS", "SUMMARY_COLUMNS", "TABLE_COLUMNS", "Flag", "Run", "WarningConfig",
           "account_rows", "cli_table", "flags_of", "customer_accounts", "customers_count", "flagged_by_month",
           "month_accounts", "prepare", "sentence", "signal_accounts", "signal_rows", "signal_summary", "signals_in_use",
           "warnings_table"]
