"""Drivers: what goes with churning, converting to a stage, or reaching the desired outcome (README, "Drivers").

- `outcome`: the outcome per account (churned / converted:STAGE / successful), each from its own home.
- `twobytwo`: a 2×2 table's odds ratio, Woolf interval and test (Fisher or z).
- `logistic`: a numeric driver's odds ratio per standard deviation (statsmodels Logit).
- `table`: the driver table itself, its CLI columns, the top drivers and the accounts behind a row.
- `population`: the accounts behind the headline counts (known outcome; with the outcome).

Everything other modules use is importable from `cxlib.drivers` itself.
"""

from __future__ import annotations

from cxlib.drivers.outcome import Outcome, parse_outcome
from cxlib.drivers.population import OUTCOME_COUNTS, outcome_accounts
from cxlib.drivers.table import (CLI_COLUMNS, PER_SD, PER_SD_VALUE, QUARTILE, SEGMENT, TABLE_COLUMNS,
                                 cli_drivers_table, driver_accounts, drivers, measure_drivers, segment_drivers,
                                 top_drivers)

__all__ = ["CLI_COLUMNS", "OUTCOME_COUNTS", "Outcome", "PER_SD", "PER_SD_VALUE", "QUARTILE", "SEGMENT", "TABLE_COLUMNS",
           "cli_drivers_table", "driver_accounts", "drivers", "measure_drivers", "outcome_accounts", "parse_outcome", "segment_drivers",
           "top_drivers"]
