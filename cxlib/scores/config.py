"""The score settings: factors, scales, weights, targets, bands and horizons (mapping JSON "scores").

README, "How each number is defined" → "Engagement against the desired state": weights default to
equal (1), targets to 80, the trend's dead band to ±5 points and the ARR-at-risk horizon to 90 days.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from cxlib.errors import MetricError
from cxlib.factors import Factor, default_factors
from cxlib.scores.bands import Thresholds
from cxlib.scores.scales import Scale

DEFAULT_WEIGHT = 1.0
DEFAULT_TARGET = 80.0
DEFAULT_DEAD_BAND = 5.0
DEFAULT_RISK_HORIZON_DAYS = 90
# Output columns a factor key must not shadow.
_RESERVED = {"account_id", "segment", "accounts", "n", "composite", "coverage", "band",
             "weakest_factor", "gap", "low_n", "period", "arr", "name"}


@dataclass
class ScoreConfig:
    """Factors, scales, weights, targets, bands and horizons of the engagement score (mapping JSON "scores")."""

    factors: list[Factor] = field(default_factory=default_factors)
    scales: dict[str, Scale] = field(default_factory=dict)      # missing: detected from the data
    weights: dict[str, float] = field(default_factory=dict)     # missing: 1 (equal weights)
    targets: dict[str, float] = field(default_factory=dict)     # missing: 80
    thresholds: Thresholds = field(default_factory=Thresholds)
    max_age_days: dict[str, int] = field(default_factory=dict)  # missing: no age limit
    dead_band: float = DEFAULT_DEAD_BAND
    risk_horizon_days: int = DEFAULT_RISK_HORIZON_DAYS

    @property
    def min_coverage(self) -> float:
        return self.thresholds.min_coverage

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.factors]

    def weight(self, key: str) -> float:
        return float(self.weights.get(key, DEFAULT_WEIGHT))

    def target(self, key: str) -> float:
        return float(self.targets.get(key, DEFAULT_TARGET))

    def rename(self, key: str, name: str) -> ScoreConfig:
        """A copy with factor `key` shown under a new display name (the key stays: it is the contract)."""
        self._require(key)
        return replace(self, factors=[Factor(f.key, name) if f.key == key else f for f in self.factors])

    def drop(self, key: str) -> ScoreConfig:
        """A copy without factor `key` (its weight, target, scale and age limit go with it)."""
        self._require(key)
        return replace(self, factors=[f for f in self.factors if f.key != key],
                       scales={k: v for k, v in self.scales.items() if k != key},
                       weights={k: v for k, v in self.weights.items() if k != key},
                       targets={k: v for k, v in self.targets.items() if k != key},
                       max_age_days={k: v for k, v in self.max_age_days.items() if k != key})

    def add(self, factor: Factor, *, scale: Scale | None = None, weight: float | None = None,
            target: float | None = None) -> ScoreConfig:
        """A copy with one more factor at the end of the order."""
        if factor.key in self.keys:
            raise MetricError(f"Factor '{factor.key}' is already in the list.")
        new = replace(self, factors=[*self.factors, factor], scales=dict(self.scales),
                      weights=dict(self.weights), targets=dict(self.targets))
        if scale is not None:
            new.scales[factor.key] = scale
        if weight is not None:
            new.weights[factor.key] = float(weight)
        if target is not None:
            new.targets[factor.key] = float(target)
        new.validate()
        return new

    def with_edits(self, rows: Iterable[tuple[str, Any, Any, Any]], *, thresholds: Thresholds,
                   risk_horizon_days: Any, dead_band: Any) -> ScoreConfig:
        """A validated copy with the factors, names, weights and targets of `rows` (key, name, weight,
        target: a settings table as edited) and new band, risk and trend settings.

        A blank name shows the key; scales and age limits are kept. Raises MetricError on a value
        that is not a number or breaks a rule of `validate`.
        """
        rows = list(rows)
        keys = [str(key) for key, *_ in rows]
        names = [name.strip() if isinstance(name, str) and name.strip() else key
                 for key, (_, name, *_) in zip(keys, rows)]
        new = replace(
            self,
            factors=[Factor(k, n) for k, n in zip(keys, names)],
            weights={k: _number(w, f"Weight of '{k}'") for k, (_, _, w, _) in zip(keys, rows)},
            targets={k: _number(t, f"Target of '{k}'") for k, (_, _, _, t) in zip(keys, rows)},
            thresholds=Thresholds(_number(thresholds.red_below, "Red below"),
                                  _number(thresholds.green_above, "Green above"),
                                  _number(thresholds.min_coverage, "Minimum coverage")),
            risk_horizon_days=int(_number(risk_horizon_days, "The ARR-at-risk horizon")),
            dead_band=_number(dead_band, "The trend's dead band"))
        new.validate()
        return new

    def reset(self) -> ScoreConfig:
        """A copy back at equal weights, targets of 80 and the default bands, dead band and horizon.

        The factor list, names, scales and age limits are kept: they describe the data, not the
        desired state.
        """
        return replace(self, factors=list(self.factors), scales=dict(self.scales), weights={}, targets={},
                       thresholds=Thresholds(), max_age_days=dict(self.max_age_days),
                       dead_band=DEFAULT_DEAD_BAND, risk_horizon_days=DEFAULT_RISK_HORIZON_DAYS)

    def in_force(self) -> tuple[Any, ...]:
        """Everything the scores depend on, defaults filled in, so two configurations that score
        alike compare equal (no weights set and every weight 1 are the same settings).
        """
        return (tuple((f.key, f.name, self.weight(f.key), self.target(f.key), self.scales.get(f.key),
                       self.max_age_days.get(f.key)) for f in self.factors),
                self.thresholds, float(self.dead_band), int(self.risk_horizon_days))

    def _require(self, key: str) -> None:
        if key not in self.keys:
            raise MetricError(f"Unknown factor '{key}'.")

    def validate(self) -> None:
        """Raise MetricError naming the first thing that makes the configuration unusable."""
        if not self.factors:
            raise MetricError("No engagement factors are configured.")
        seen: set[str] = set()
        for f in self.factors:
            if not f.key or f.key in seen:
                raise MetricError(f"Factor key '{f.key}' is empty or used twice.")
            if f.key in _RESERVED or f.key.endswith("_band") or f.key.startswith("gap_"):
                raise MetricError(f"Factor key '{f.key}' clashes with a result column; choose another.")
            seen.add(f.key)
        for key, w in self.weights.items():
            if not math.isfinite(float(w)) or float(w) < 0:
                raise MetricError(f"Weight of '{key}' must be a number ≥ 0 (got {w}).")
        if sum(self.weight(k) for k in self.keys) <= 0:
            raise MetricError("The factor weights add up to 0: give at least one factor a weight.")
        for key, t in self.targets.items():
            if not 0 <= float(t) <= 100:
                raise MetricError(f"Target of '{key}' must be between 0 and 100 (got {t}).")
        for key, days in self.max_age_days.items():
            if days is not None and int(days) <= 0:
                raise MetricError(f"Maximum age of '{key}' must be a positive number of days (got {days}).")
        th = self.thresholds
        if th.red_below > th.green_above:
            raise MetricError(f"Band thresholds: red below {th.red_below} must not exceed green above "
                              f"{th.green_above}.")
        if not 0 <= th.min_coverage <= 1:
            raise MetricError(f"Minimum coverage must be between 0 and 1 (got {th.min_coverage}).")
        if self.dead_band < 0 or self.risk_horizon_days < 0:
            raise MetricError("Trend dead band and ARR-at-risk horizon must not be negative.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "factors": [{"key": f.key, "name": f.name} for f in self.factors],
            "scales": {k: s.to_dict() for k, s in self.scales.items()},
            "weights": dict(self.weights),
            "targets": dict(self.targets),
            "thresholds": self.thresholds.to_dict(),
            "max_age_days": dict(self.max_age_days),
            "dead_band": self.dead_band,
            "risk_horizon_days": self.risk_horizon_days,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> ScoreConfig:
        d = d or {}
        thresholds = Thresholds.from_dict(d.get("thresholds") or {})
        if "min_coverage" in d:
            thresholds = replace(thresholds, min_coverage=float(d["min_coverage"]))
        config = cls(
            factors=[Factor(str(f["key"]), str(f.get("name") or f["key"])) for f in d["factors"]]
            if d.get("factors") else default_factors(),
            scales={k: Scale.from_dict(s) for k, s in (d.get("scales") or {}).items()},
            weights={k: float(v) for k, v in (d.get("weights") or {}).items()},
            targets={k: float(v) for k, v in (d.get("targets") or {}).items()},
            thresholds=thresholds,
            max_age_days={k: int(v) for k, v in (d.get("max_age_days") or {}).items() if v is not None},
            dead_band=float(d.get("dead_band", DEFAULT_DEAD_BAND)),
            risk_horizon_days=int(d.get("risk_horizon_days", DEFAULT_RISK_HORIZON_DAYS)),
        )
        config.validate()
        return config


def _number(value: Any, what: str) -> float:
    """`value` as a float, or a MetricError saying that `what` needs a number (blank cells arrive as None)."""
    if isinstance(value, bool):
        raise MetricError(f"{what} must be a number (got {value}).")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise MetricError(f"{what} must be a number (got {value!r}).") from None
    if math.isnan(number):
        raise MetricError(f"{what} must be a number (it is empty).")
    return number
