"""Bands: the red/yellow/green/grey rule for a 0–100 value, in Python and as SQL.

README, "How each number is defined" → "Engagement against the desired state": the value as shown
(rounded half away from zero to a whole number) is red below `red_below` (50), green above
`green_above` (75), yellow in between, both ends included; below the minimum coverage (0.5) or
without a value the band is grey ("insufficient data").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

BANDS: tuple[str, ...] = ("red", "yellow", "green", "grey")
DEFAULT_RED_BELOW = 50.0
DEFAULT_GREEN_ABOVE = 75.0
DEFAULT_MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Thresholds:
    """The band rule: red below `red_below`, green above `green_above` (as shown), grey below coverage."""

    red_below: float = DEFAULT_RED_BELOW
    green_above: float = DEFAULT_GREEN_ABOVE
    min_coverage: float = DEFAULT_MIN_COVERAGE

    def to_dict(self) -> dict[str, Any]:
        return {"red_below": self.red_below, "green_above": self.green_above, "min_coverage": self.min_coverage}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Thresholds:
        return cls(float(d.get("red_below", DEFAULT_RED_BELOW)),
                   float(d.get("green_above", DEFAULT_GREEN_ABOVE)),
                   float(d.get("min_coverage", DEFAULT_MIN_COVERAGE)))


def shown(value: float) -> int:
    """The whole number a score is shown as: rounded half away from zero (49.5 → 50, 75.5 → 76)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def band(value: float | None, coverage: float | None, thresholds: Thresholds | None = None) -> str:
    """Band of a 0–100 value as shown; grey without a value or below the minimum coverage (None: full)."""
    th = thresholds or Thresholds()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "grey"
    if coverage is not None and not (isinstance(coverage, float) and math.isnan(coverage)) \
            and coverage < th.min_coverage:
        return "grey"
    s = shown(value)
    if s < th.red_below:
        return "red"
    if s > th.green_above:
        return "green"
    return "yellow"


def band_sql(value: str, coverage: str = "1.0") -> str:
    """The same rule as `band` as a SQL expression; DuckDB's round() is half away from zero too.

    Expects the named parameters of `_band_params` ($red_below, $green_above, $min_coverage).
    """
    return (f"CASE WHEN ({value}) IS NULL OR isnan({value}) OR ({coverage}) < $min_coverage THEN 'grey' "
            f"WHEN round({value}) < $red_below THEN 'red' "
            f"WHEN round({value}) > $green_above THEN 'green' ELSE 'yellow' END")


def _band_params(th: Thresholds) -> dict[str, Any]:
    return {"red_below": float(th.red_below), "green_above": float(th.green_above),
            "min_coverage": float(th.min_coverage)}
