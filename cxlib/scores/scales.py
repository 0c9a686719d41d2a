"""Factor scales: what each raw rating means on 0–100, detected from the values or set.

README, "How each number is defined" → "Engagement against the desired state": each raw rating x
on its factor's scale becomes (x − zero)/(hundred − zero) × 100, clipped to 0–100 (1–5: 1 → 0,
3 → 50, 5 → 100); a metric whose `zero` is above its `hundred` is "lower is better". The scale in
force is the configured one, else the one detected from the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from cxlib import canonical
from cxlib.errors import MetricError

if TYPE_CHECKING:
    from cxlib.scores.config import ScoreConfig

SCALE_KINDS: tuple[str, ...] = ("1-5", "0-10", "0-100", "percent", "yes/no", "metric")
# The values meaning 0 and 100 on each fixed scale; 'percent' is a fraction 0–1.
_SCALE_RANGES: dict[str, tuple[float, float]] = {
    "1-5": (1.0, 5.0), "0-10": (0.0, 10.0), "0-100": (0.0, 100.0),
    "percent": (0.0, 1.0), "yes/no": (0.0, 1.0),
}


@dataclass(frozen=True)
class Scale:
    """A factor's scale: its kind and the raw values that mean 0 and 100 (metric: direction too)."""

    kind: str
    zero: float
    hundred: float

    @classmethod
    def of(cls, kind: str, zero: float | None = None, hundred: float | None = None) -> Scale:
        """A scale of a named kind; fixed kinds take their usual range, a metric needs both ends."""
        if kind not in SCALE_KINDS:
            raise MetricError(f"Unknown scale '{kind}': use one of {', '.join(SCALE_KINDS)}.")
        if kind == "metric":
            if zero is None or hundred is None:
                raise MetricError("A metric scale needs the values that mean 0 and 100.")
        else:
            lo, hi = _SCALE_RANGES[kind]
            zero = lo if zero is None else zero
            hundred = hi if hundred is None else hundred
        if not (math.isfinite(float(zero)) and math.isfinite(float(hundred))) or float(zero) == float(hundred):
            raise MetricError(f"Scale '{kind}': the values meaning 0 and 100 must differ "
                              f"(got {zero} and {hundred}).")
        return cls(kind, float(zero), float(hundred))

    @classmethod
    def metric(cls, zero: float, hundred: float) -> Scale:
        """A numeric metric: `zero` maps to 0 and `hundred` to 100; zero > hundred means lower is better."""
        return cls.of("metric", zero, hundred)

    @property
    def direction(self) -> str:
        """'higher is better' or 'lower is better', implied by the order of the two ends."""
        return "higher is better" if self.hundred > self.zero else "lower is better"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "zero": self.zero, "hundred": self.hundred}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scale:
        return cls.of(str(d["kind"]), d.get("zero"), d.get("hundred"))


def detect_scales(con: duckdb.DuckDBPyConnection) -> dict[str, Scale]:
    """Each rated factor's scale guessed from its values (first rule that fits wins).

    All values 0/1 → yes/no; whole numbers within 1–5 → 1-5; within 0–10 → 0-10; within 0–1 with
    fractions → percent; within 0–100 → 0-100; anything else → a metric over the observed range.
    """
    rows = con.execute(f"""
        WITH vals AS (
            SELECT factor, score
            FROM {canonical.quote(canonical.FACTOR_RATINGS)}
            WHERE factor IS NOT NULL AND score IS NOT NULL AND NOT isnan(score)
        )
        SELECT factor,
               min(score) AS lo,
               max(score) AS hi,
               bool_and(score IN (0, 1)) AS binary,
               bool_and(score = floor(score)) AS whole
        FROM vals
        GROUP BY factor
        ORDER BY factor
    """).fetchall()
    scales: dict[str, Scale] = {}
    for factor, lo, hi, binary, whole in rows:
        if binary:
            scales[factor] = Scale.of("yes/no")
        elif whole and lo >= 1 and hi <= 5:
            scales[factor] = Scale.of("1-5")
        elif whole and lo >= 0 and hi <= 10:
            scales[factor] = Scale.of("0-10")
        elif lo >= 0 and hi <= 1:
            scales[factor] = Scale.of("percent")
        elif lo >= 0 and hi <= 100:
            scales[factor] = Scale.of("0-100")
        else:
            scales[factor] = Scale.metric(lo if lo != hi else 0.0, hi)
    return scales


def scale_sources(config: ScoreConfig, detected: dict[str, Scale]) -> dict[str, tuple[Scale, str]]:
    """Each configured factor's scale in force and its origin: 'set' (in the mapping) or 'detected'.

    Factors with neither (no ratings, no set scale) are left out.
    """
    sources: dict[str, tuple[Scale, str]] = {}
    for key in config.keys:
        if key in config.scales:
            sources[key] = (config.scales[key], "set")
        elif key in detected:
            sources[key] = (detected[key], "detected")
    return sources


def effective_scales(con: duckdb.DuckDBPyConnection, config: ScoreConfig) -> dict[str, Scale]:
    """The scale used for each configured factor: the configured one, else the detected one."""
    return {k: scale for k, (scale, _) in scale_sources(config, detect_scales(con)).items()}
