"""The accounts behind the centricity cards: customers, cared for, active weeks (one list shape, `cxlib.behind`)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.behind.core import accounts_behind
from cxlib.centricity.sql import CARE_DAYS, WEEKS, centricity_ctes, centricity_params
from cxlib.centricity.themes import ThemeConfig
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.sqlparams import used_params

# number → (WHERE on ct_account, value expression, what the value is)
NUMBERS: dict[str, tuple[str, str, str]] = {
    "customers": ("true", "CAST(weeks AS VARCHAR) || ' of 13 weeks active'", "active weeks of the last 13"),
    "care": ("care", "CAST(CAST(last_contact AS DATE) AS VARCHAR)",
             f"last survey answer or QBR/EBR (last {CARE_DAYS} days)"),
    "no_care": ("NOT care", f"'no answer or QBR/EBR in {CARE_DAYS} days'", "why not cared for"),
    "active": ("weeks > 0", f"CAST(weeks AS VARCHAR) || ' of {WEEKS} weeks'", "weeks with a provider activity"),
    "inactive": ("weeks = 0", f"'no provider activity in {WEEKS} weeks'", "why counted as 0"),
}


def centricity_accounts(con: duckdb.DuckDBPyConnection, number: str, settings: Settings | None = None,
                        themes: ThemeConfig | None = None, by: str | None = None, segment: Any = None
                        ) -> pd.DataFrame:
    """The accounts behind one centricity number (`NUMBERS`), optionally of one segment of accounts column `by`."""
    if number not in NUMBERS:
        raise MetricError(f"Unknown centricity number '{number}': use one of {', '.join(NUMBERS)}.")
    settings = settings or Settings()
    as_of = dimensions.as_of_date(con, settings)
    column = canonical.quote(dimensions.check_accounts_column(con, by)) if by else None
    where, value, label = NUMBERS[number]
    params = centricity_params(con, settings, as_of, themes or ThemeConfig())
    keep = ""
    if by and segment is not None:
        keep, params = " AND segment = $ct_segment", params | {"ct_segment": str(segment)}
    sql = f"WITH {centricity_ctes(column)} SELECT account_id, {value} AS value FROM ct_account WHERE {where}{keep}"
    return accounts_behind(con, sql, used_params(sql, params), value_label=label)


__all__ = ["NUMBERS", "centricity_accounts"]
