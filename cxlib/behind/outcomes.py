"""The accounts behind the desired-outcome quadrants: one quadrant's accounts, overall or in one segment.

Built on `outcomes.quadrant_ctes` (the `quadrants` CTE `quadrant_summary` counts) and the same
segment CTE (`scores.segment_accounts_cte`; accounts without a value under "(none)").
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib import dimensions
from cxlib.behind.core import accounts_behind
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.outcomes import QUADRANTS, OutcomeSpec, quadrant_ctes
from cxlib.scores import ScoreConfig, segment_accounts_cte
from cxlib.settings import Settings


def quadrant_accounts(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, config: ScoreConfig, quadrant: str,
                      by: str | None = None, segment: str | None = None,
                      settings: Settings | None = None) -> pd.DataFrame:
    """The accounts behind a quadrant's count (`quadrant_summary`), in one segment of `by` when given.

    Value = the experience measure's value, with the outcome value beside it.
    """
    if quadrant not in QUADRANTS:
        raise MetricError(f"Unknown quadrant '{quadrant}': use one of {', '.join(QUADRANTS)}.")
    if (by is None) != (segment is None):
        raise MetricError("A segment's accounts need both the column (by) and its value (segment).")
    if by is not None:
        by = dimensions.check_accounts_column(con, by)
    ctes, params = quadrant_ctes(con, spec, config, settings)
    in_segment = f"AND coalesce(a.segment, '{NONE_SEGMENT}') = $behind_segment" if by is not None else ""
    sql = f"""
        WITH {ctes},
        {segment_accounts_cte(by)}
        SELECT qd.account_id, qd.experience_value AS value, qd.outcome_value
        FROM quadrants AS qd
        LEFT JOIN acct AS a USING (account_id)
        WHERE qd.quadrant = $behind_quadrant {in_segment}"""
    params = params | {"behind_quadrant": quadrant} | ({"behind_segment": str(segment)} if by is not None else {})
    return accounts_behind(con, sql, params, value_label=f"experience ({spec.experience})")
