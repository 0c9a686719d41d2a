"""Table kinds and column roles: everything a mapping may say about a raw table and its columns.

The six kinds and their roles are the README's table under "Data you can bring"; `ignore` is the
seventh kind (a table or column left out). A kind's required roles are the least it needs to be used.
"""

from __future__ import annotations

from cxlib import canonical
from cxlib.factors import default_factors

ACCOUNTS = canonical.ACCOUNTS
STAGE_SNAPSHOTS = canonical.STAGE_SNAPSHOTS
JOURNEY_EVENTS = canonical.JOURNEY_EVENTS
SURVEYS = canonical.SURVEYS
FACTOR_RATINGS = canonical.FACTOR_RATINGS
ACTIVITIES = canonical.ACTIVITIES
IGNORE = "ignore"
SEGMENT = "segment"
MEASURE = "measure"      # a numeric accounts column (tenure, charges, seats, usage): compared and averaged
CHURNED = "churned"      # a churn flag (Churn yes/no, Status Active/Cancelled): the account churned
KINDS: tuple[str, ...] = (ACCOUNTS, STAGE_SNAPSHOTS, JOURNEY_EVENTS, SURVEYS, FACTOR_RATINGS, ACTIVITIES, IGNORE)

SURVEY_TYPES: tuple[str, ...] = ("NPS", "CSAT", "CES")
# Only NPS has one scale everywhere; CSAT/CES scales vary and the surveys module detects them.
SCORE_RANGES: dict[str, tuple[float, float]] = {"NPS": (0.0, 10.0)}
FACTOR_ROLES: tuple[str, ...] = tuple(f"factor:{f.key}" for f in default_factors())
SCORE_ROLES: tuple[str, ...] = tuple(f"score:{t}" for t in SURVEY_TYPES)

_BASE_ROLES: dict[str, tuple[str, ...]] = {
    ACCOUNTS: ("account_id", "name", "stage", "arr", "mrr", "start_date", "renewal_date", "churn_reason",
               CHURNED, "outcome", "intent", SEGMENT, MEASURE),
    STAGE_SNAPSHOTS: ("account_id", "stage", "as_of", "last_funnel_stage", SEGMENT),
    JOURNEY_EVENTS: ("account_id", "stage", "ts"),
    SURVEYS: ("account_id", "respondent", "respondent_role", "ts", "survey_type", "score", *SCORE_ROLES,
              "comment", "stage"),
    FACTOR_RATINGS: ("account_id", "ts", "factor", "score"),
    ACTIVITIES: ("account_id", "ts", "activity_type", "initiated_by", "subject", "theme", "status", "due_date",
                 "completed_at", "owner"),
    IGNORE: (),
}
# Every role a column of each kind may take (the page's dropdown), `ignore` last.
ROLES: dict[str, tuple[str, ...]] = {
    kind: (*roles, *(FACTOR_ROLES if kind not in (IGNORE, ACTIVITIES) else ()), IGNORE) for kind, roles in _BASE_ROLES.items()
}
# Roles several columns of one table may share; every other role names at most one column.
MULTI_ROLES = frozenset({SEGMENT, MEASURE, IGNORE})
REQUIRED_ROLES: dict[str, tuple[str, ...]] = {
    ACCOUNTS: ("account_id",),
    STAGE_SNAPSHOTS: ("account_id", "stage"),
    JOURNEY_EVENTS: ("account_id", "stage", "ts"),
    SURVEYS: (),            # answers without an account still count at response level
    FACTOR_RATINGS: ("account_id",),
    ACTIVITIES: ("account_id",),
    IGNORE: (),
}


def is_role_of(kind: str, role: str) -> bool:
    """Whether a column of a table of this kind may take this role."""
    return role in ROLES.get(kind, ())
