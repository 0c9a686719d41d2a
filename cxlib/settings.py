"""Settings every number depends on; they live with the mapping JSON and show on every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cxlib.stages import Stage, default_stages


@dataclass
class Settings:
    """As-of date, time zones, fiscal year, minimum n and the stage list."""

    as_of: dt.datetime | None = None          # None: the latest timestamp in the data
    timezones: dict[str, str] = field(default_factory=dict)  # table → IANA zone; default UTC
    fiscal_year_start_month: int = 1
    min_n: int = 30
    stages: list[Stage] = field(default_factory=default_stages)

    def timezone(self, table: str) -> str:
        return self.timezones.get(table, "UTC")

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "timezones": dict(self.timezones),
            "fiscal_year_start_month": self.fiscal_year_start_month,
            "min_n": self.min_n,
            "stages": [s.to_dict() for s in self.stages],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Settings:
        as_of = d.get("as_of")
        return cls(
            as_of=dt.datetime.fromisoformat(as_of) if as_of else None,
            timezones=dict(d.get("timezones") or {}),
            fiscal_year_start_month=int(d.get("fiscal_year_start_month", 1)),
            min_n=int(d.get("min_n", 30)),
            stages=[Stage.from_dict(s) for s in d["stages"]] if d.get("stages") else default_stages(),
        )
