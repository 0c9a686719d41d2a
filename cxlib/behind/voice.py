"""The accounts behind NPS counted per account: the accounts answering, promoters, passives and detractors.

Only the account level counts accounts (response level counts answers). Built on the surveys'
own `flagged` CTE (`surveys.answers_ctes`): the answers with `counts` are each account's latest
valid answer per group, the ones `nps(level='account')` counts.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib.behind.core import accounts_behind
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.surveys import NPS_VALID_SQL, answers_ctes

NPS_GROUPS = {"n": "true", "promoters": "score >= 9", "passives": "score BETWEEN 7 AND 8",
              "detractors": "score <= 6"}


def nps_accounts(con: duckdb.DuckDBPyConnection, group: str = "n", by: str | None = None,
                 segment: str | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind an account-level NPS count: `n` (every account answering), `promoters`,
    `passives` or `detractors`; in one segment of `by` when given. Value = the latest answer, with its date."""
    if group not in NPS_GROUPS:
        raise MetricError(f"Unknown NPS count '{group}': use one of {', '.join(NPS_GROUPS)}.")
    if (by is None) != (segment is None):
        raise MetricError("A segment's accounts need both the column (by) and its value (segment).")
    ctes, params, _ = answers_ctes(con, "NPS", by, None, "account", settings or Settings(), NPS_VALID_SQL)
    in_segment = "AND segment = $behind_segment" if by is not None else ""
    sql = ("WITH " + ",\n".join(ctes) + f"""
        SELECT account_id, score AS value, ts AS answered_at
        FROM flagged
        WHERE counts AND {NPS_GROUPS[group]} {in_segment}""")
    if by is not None:
        params = params | {"behind_segment": str(segment)}
    return accounts_behind(con, sql, params, value_label="latest NPS answer")
