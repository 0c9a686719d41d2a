"""The period snapshots' ratings as they were chosen before the validity intervals: the reference.

Every rating joined with every snapshot (`rated`, ratings × periods rows), then the latest per
(period, account, factor) by one grouped arg_max (`latest`). `tests/test_score_snapshots.py` checks
`cxlib.scores.composite.per_account_sql` against it; `tests/bench_score_snapshots.py` times both.
"""

from __future__ import annotations

from typing import Any

from cxlib import canonical
from cxlib.scores.composite import per_account_sql
from cxlib.scores.config import ScoreConfig
from cxlib.scores.scales import Scale

REFERENCE_RATED = """
        rated AS (
            -- multiplying before dividing keeps whole ratings exact (55 → 55.0, not 55.00000000000001)
            SELECT s.period, r.account_id, r.factor, r.ts, r.source_row,
                   LEAST(GREATEST((r.score - p.zero) * 100 / (p.hundred - p.zero), 0), 100) AS score
            FROM {ratings} AS r
            JOIN params AS p ON p.factor = r.factor
            CROSS JOIN snapshots AS s
            WHERE r.account_id IS NOT NULL AND r.score IS NOT NULL AND NOT isnan(r.score)
              AND p.zero IS NOT NULL
              AND (s.at IS NULL OR r.ts IS NULL OR r.ts <= s.at)
              AND (s.period IS NULL OR r.ts IS NOT NULL)   -- undated ratings count now, in no period
              AND (s.at IS NULL OR r.ts IS NULL OR p.max_age_days IS NULL
                   OR r.ts >= s.{age_from} - to_days(p.max_age_days))
        ),
        latest AS (
            -- the latest rating: by time (undated last), then file row, then the higher score; one
            -- grouped pass instead of a sort per (period, account, factor)
            SELECT period, account_id, factor,
                   arg_max(score, (ts IS NOT NULL, coalesce(ts, TIMESTAMP '1970-01-01'),
                                   source_row IS NOT NULL, coalesce(source_row, 0), score)) AS score
            FROM rated
            GROUP BY period, account_id, factor
        ),
"""


def reference_per_account_sql(config: ScoreConfig, scales: dict[str, Scale], snapshots: str,
                              include_unrated: bool, age_from: str = "at") -> tuple[str, dict[str, Any]]:
    """`per_account_sql` with the expansion (`rated`, `latest` above) in place of its rating choice."""
    sql, params = per_account_sql(config, scales, snapshots, include_unrated, age_from)
    head, rest = sql.split("        usable AS (", 1)
    tail = rest[rest.index("        universe AS ("):]
    rated = REFERENCE_RATED.format(ratings=canonical.quote(canonical.FACTOR_RATINGS), age_from=age_from)
    return head + rated.lstrip("\n") + tail, params
