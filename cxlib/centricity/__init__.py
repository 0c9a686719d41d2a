"""Customer-centricity (issue 13): care, act daily, attested and want vs do, and QBR discipline.

One module per concern: `themes` (the editable theme list kept with the mapping under "centricity"),
`sql` (the centricity CTEs), `metrics` (groups, accounts, themes, reasons, the CLI table) and `qbr`
(QBR discipline per account).
"""

from __future__ import annotations

from cxlib.centricity.metrics import (CLI_COLUMNS, NO_ACTIVITIES, Centricity, activities_count, centricity,
                                      cli_table, group_row, notes)
from cxlib.centricity.themes import DEFAULT_THEMES, ThemeConfig

__all__ = ["CLI_COLUMNS", "DEFAULT_THEMES", "NO_ACTIVITIES", "Centricity", "ThemeConfig", "activities_count",
           "centricity", "cli_table", "group_row", "notes"]
