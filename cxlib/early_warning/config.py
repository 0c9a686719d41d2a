"""The early-warning thresholds and windows (mapping JSON "warnings"), editable on the Early warning page.

Defaults are issue 12's definitions: Disappointment entered in the last 90 days; a composite fall
of 10 points between the Scores page's trend periods; NPS from promoter/passive to detractor, or
30 points down over 180-day windows with 3 answers in each; CSAT below 70 % over 90 days with 5
answers, or 20 points down with 5 in each window; stalled beyond the segment's p90; silent for
120 days; a decision maker's detractor answer against others' mean of 7; renewals within 180 days
listed first. The respondent-role map (raw value → role, or None) is kept here too.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from cxlib.errors import MetricError
from cxlib.mapping.respondent_roles import RESPONDENT_ROLES

SIGNALS: tuple[str, ...] = ("entered_disappointment", "score_drop", "nps_drop", "csat_drop", "stalled", "silent",
                            "decision_maker_detractor", "missed_qbr")
# Signals that need a table kind beyond accounts, journeys, answers and ratings: listed only when it is loaded.
NEEDS_ACTIVITIES: tuple[str, ...] = ("missed_qbr",)
TREND_PERIODS = ("quarter", "month")

# Field → (label on the page, minimum, maximum, whole number?) for the editor and `validate`.
LIMITS: dict[str, tuple[str, float, float, bool]] = {
    "disappointment_days": ("Entered Disappointment within (days)", 1, 3650, True),
    "score_drop_points": ("Composite fall of at least (points)", 0.1, 100, False),
    "nps_window_days": ("NPS windows (days)", 1, 3650, True),
    "nps_drop_points": ("NPS fall of at least (points)", 1, 200, False),
    "nps_min_answers": ("NPS answers needed in each window", 1, 1000, True),
    "csat_window_days": ("CSAT windows (days)", 1, 3650, True),
    "csat_below": ("CSAT below (share)", 0, 1, False),
    "csat_min_answers": ("CSAT answers needed", 1, 1000, True),
    "csat_drop_points": ("CSAT fall of at least (points)", 1, 100, False),
    "silent_days": ("Silent for more than (days)", 1, 3650, True),
    "leader_others_mean": ("Others' mean NPS answer at least", 0, 10, False),
    "renewal_days": ("Renewals within (days) listed first", 0, 3650, True),
}


@dataclass
class WarningConfig:
    """Windows and thresholds of every early-warning signal, plus the respondent-role map."""

    disappointment_days: int = 90
    score_drop_points: float = 10.0
    score_period: str = "quarter"            # the Scores page's trend period
    nps_window_days: int = 180
    nps_drop_points: float = 30.0
    nps_min_answers: int = 3
    csat_window_days: int = 90
    csat_below: float = 0.70
    csat_min_answers: int = 5
    csat_drop_points: float = 20.0
    silent_days: int = 120
    leader_others_mean: float = 7.0
    renewal_days: int = 180
    stalled_by: str | None = None            # segment column for the stalled p90 (None: all accounts)
    role_map: dict[str, str | None] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise MetricError naming the first value out of its range."""
        for name, (label, lo, hi, whole) in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise MetricError(f"{label} must be a number (got {value!r}).")
            if not lo <= value <= hi or (whole and float(value) != int(value)):
                kind = "a whole number" if whole else "a number"
                raise MetricError(f"{label} must be {kind} from {lo:g} to {hi:g} (got {value:g}).")
        if self.score_period not in TREND_PERIODS:
            raise MetricError(f"The score-drop period must be one of {', '.join(TREND_PERIODS)} "
                              f"(got '{self.score_period}').")
        for value, role in self.role_map.items():
            if role is not None and role not in RESPONDENT_ROLES:
                raise MetricError(f"Respondent role '{value}' is mapped to '{role}': use one of "
                                  f"{', '.join(RESPONDENT_ROLES)} or leave it unmapped.")

    def rules(self) -> list[str]:
        """The rules in force, one short phrase per signal, for the page's caption and the pack's notes."""
        by = f"per {self.stalled_by}" if self.stalled_by else "overall"
        return [
            f"Disappointment entered within {self.disappointment_days} days",
            f"composite fall ≥ {self.score_drop_points:g} points ({self.score_period} on {self.score_period})",
            f"NPS to detractor, or ≥ {self.nps_drop_points:g} points down over {self.nps_window_days}-day windows "
            f"(≥ {self.nps_min_answers} answers each)",
            f"CSAT < {self.csat_below:.0%} or ≥ {self.csat_drop_points:g} points down over "
            f"{self.csat_window_days}-day windows (≥ {self.csat_min_answers} answers)",
            f"stalled beyond the p90 to the next step ({by})",
            f"silent for more than {self.silent_days} days",
            f"decision maker or executive a detractor while others average ≥ {self.leader_others_mean:g}",
            "no QBR/EBR in the last 100 days for a customer of at least 100 days (when activities are loaded)",
        ]

    def with_edits(self, **values: Any) -> WarningConfig:
        """A validated copy with edited values (numbers as the page's inputs give them)."""
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise MetricError(f"Unknown early-warning setting(s): {', '.join(sorted(unknown))}.")
        cast = {k: (int(v) if k in LIMITS and LIMITS[k][3] and _whole(v) else v) for k, v in values.items()}
        new = replace(self, **cast)
        new.validate()
        return new

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> WarningConfig:
        """The settings read back from the mapping's "warnings" entry (missing keys: the defaults)."""
        d = dict(d or {})
        known = {f.name for f in fields(cls)}
        config = cls(**{k: v for k, v in d.items() if k in known})
        config.role_map = {str(k): (None if v is None else str(v)) for k, v in (config.role_map or {}).items()}
        config.validate()
        return config


def _whole(value: Any) -> bool:
    try:
        return float(value) == int(value)
    except (TypeError, ValueError, OverflowError):
        return False


__all__ = ["LIMITS", "NEEDS_ACTIVITIES", "SIGNALS", "TREND_PERIODS", "WarningConfig"]
