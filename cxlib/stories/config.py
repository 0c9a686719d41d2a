"""The story finder's weights and intent keywords (mapping JSON "stories"), editable on the Stories page.

Score = 100 × (w_C·C + w_T·T + w_W·W) ÷ (w_C + w_T + w_W); the defaults 0.35 / 0.30 / 0.35 (issue 13)
sum to 1, so the division changes nothing until someone edits a weight. The intent keywords say that
an account bought to replace a legacy process or switched from a competitor (six languages; matched
in the accounts' `intent` text after lower-casing and removing accents, anywhere in the text).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from cxlib.errors import MetricError

REFERENCE_DAYS = 90          # a reference given within this many days: reference fatigue
DEFAULT_TOP = 10

# Word stems, lower case without accents (en, fr, it, pt, hu, zh): replaced a legacy process, switched
# from a competitor. Stems ("remplac") cover the verb's forms (remplacer, remplacé, remplacement).
INTENT_KEYWORDS: tuple[str, ...] = (
    "legacy", "replace", "switched from", "switch from", "switching from", "migrated from", "migrate from",
    "moved from", "competitor",
    "remplac", "ancien systeme", "ancien outil", "systeme existant", "concurrent", "migre depuis",
    "sostitu", "vecchio sistema", "sistema legacy", "concorrent", "passati da",
    "substitu", "sistema legado", "legado", "concorrente", "migramos de", "trocamos",
    "lecserel", "kivalt", "regi rendszer", "versenytars", "atalltunk",
    "替换", "取代", "旧系统", "遗留", "竞争对手", "竞品", "迁移自", "转用",
)

LIMITS: dict[str, tuple[str, float, float]] = {
    "challenge_weight": ("Weight of challenge overcome (C)", 0.0, 1.0),
    "timing_weight": ("Weight of timing (T)", 0.0, 1.0),
    "celebration_weight": ("Weight of celebration (W)", 0.0, 1.0),
}


@dataclass
class StoryConfig:
    """The score's weights; kept with the mapping under "stories"."""

    challenge_weight: float = 0.35
    timing_weight: float = 0.30
    celebration_weight: float = 0.35

    def validate(self) -> None:
        """Raise MetricError naming the first weight out of range, or all three zero."""
        for name, (label, lo, hi) in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise MetricError(f"{label} must be a number (got {value!r}).")
            if not lo <= value <= hi:
                raise MetricError(f"{label} must be from {lo:g} to {hi:g} (got {value:g}).")
        if self.total <= 0:
            raise MetricError("At least one story weight must be above 0 (challenge, timing, celebration).")

    @property
    def total(self) -> float:
        return float(self.challenge_weight + self.timing_weight + self.celebration_weight)

    def rule(self) -> str:
        """The score formula in force, for captions and the pack's notes."""
        c, t, w = (f"{x:g}" for x in (self.challenge_weight, self.timing_weight, self.celebration_weight))
        norm = "" if abs(self.total - 1) < 1e-9 else f" ÷ {self.total:g}"
        return f"score = 100 × ({c}·C + {t}·T + {w}·W){norm}"

    def with_edits(self, **values: Any) -> StoryConfig:
        """A validated copy with edited weights."""
        unknown = set(values) - {f.name for f in fields(self)}
        if unknown:
            raise MetricError(f"Unknown story setting(s): {', '.join(sorted(unknown))}.")
        new = replace(self, **{k: float(v) for k, v in values.items()})
        new.validate()
        return new

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> StoryConfig:
        """The weights read back from the mapping's "stories" entry (missing keys: the defaults)."""
        known = {f.name for f in fields(cls)}
        config = cls(**{k: float(v) for k, v in (d or {}).items() if k in known})
        config.validate()
        return config


__all__ = ["DEFAULT_TOP", "INTENT_KEYWORDS", "LIMITS", "REFERENCE_DAYS", "StoryConfig"]
