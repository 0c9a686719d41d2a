"""The mapping document: per table its kind and column roles, the stage map, settings; JSON round trip.

One JSON document (version 1) that downloads and uploads again for next month's export (README,
"Data you can bring"): per table its kind, each column's role and the export shape recognised (if
any), the stage map (raw value → configured stage, or null for "not mapped"), the settings, and the
scores module's, the early warning's and the story finder's opaque dicts. A mapping file saved before
shapes (or early-warning settings, story weights) existed has no "shape" (or "warnings", "stories") and
loads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cxlib.errors import MappingError
from cxlib.mapping.shapes.model import TableShape
from cxlib.settings import Settings

MAPPING_VERSION = 1


@dataclass
class TableMapping:
    """One raw table's kind and its columns' roles; as_of/survey_type when no column gives them;
    the export shape it was recognised as (None: read by its roles alone)."""

    table: str
    source: str
    kind: str
    roles: dict[str, str]
    as_of: str | None = None
    survey_type: str | None = None
    shape: TableShape | None = None

    def columns_with(self, role: str) -> list[str]:
        """The columns mapped to a role, in table order."""
        return [c for c, r in self.roles.items() if r == role]

    def column(self, role: str) -> str | None:
        """The (first) column mapped to a role, or None."""
        cols = self.columns_with(role)
        return cols[0] if cols else None

    def to_dict(self) -> dict[str, Any]:
        """The table's entry of the JSON document."""
        return {"table": self.table, "source": self.source, "kind": self.kind, "roles": dict(self.roles),
                "as_of": self.as_of, "survey_type": self.survey_type,
                "shape": self.shape.to_dict() if self.shape is not None else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableMapping:
        """A table entry read back; a missing source falls back to the table name, a missing shape to none."""
        return cls(table=str(d["table"]), source=str(d.get("source") or d["table"]), kind=str(d["kind"]),
                   roles={str(k): str(v) for k, v in (d.get("roles") or {}).items()},
                   as_of=d.get("as_of"), survey_type=d.get("survey_type"),
                   shape=TableShape.from_dict(d["shape"]) if d.get("shape") else None)


@dataclass
class Mapping:
    """The whole mapping: tables, stage map, settings, and the scores' and early warning's own dicts."""

    tables: list[TableMapping]
    stage_map: dict[str, str | None]
    settings: Settings = field(default_factory=Settings)
    scores: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)   # cxlib.early_warning.WarningConfig (thresholds, role map)
    stories: dict = field(default_factory=dict)    # cxlib.stories.StoryConfig (the story score's weights)
    centricity: dict = field(default_factory=dict)  # cxlib.centricity.ThemeConfig (want-vs-do themes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document as a dict, stage map sorted so equal mappings give equal files."""
        return {
            "version": MAPPING_VERSION,
            "tables": [t.to_dict() for t in self.tables],
            "stage_map": {k: self.stage_map[k] for k in sorted(self.stage_map)},
            "settings": self.settings.to_dict(),
            "scores": self.scores,
            "warnings": self.warnings,
            "stories": self.stories,
            **({"centricity": self.centricity} if self.centricity else {}),
        }

    def to_json(self) -> str:
        """The mapping as a stable, human-readable JSON document (download, reuse next month)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mapping:
        """A mapping read back from its dict; a foreign version or malformed entry raises MappingError."""
        if not isinstance(d, dict):
            raise MappingError("The mapping file is not a JSON object.")
        version = d.get("version")
        if version != MAPPING_VERSION:
            raise MappingError(f"Mapping file version {version!r} is not supported (expected {MAPPING_VERSION}).")
        try:
            return cls(tables=[TableMapping.from_dict(t) for t in d.get("tables") or []],
                       stage_map={str(k): (None if v is None else str(v))
                                  for k, v in (d.get("stage_map") or {}).items()},
                       settings=Settings.from_dict(d.get("settings") or {}),
                       scores=dict(d.get("scores") or {}),
                       warnings=dict(d.get("warnings") or {}),
                       stories=dict(d.get("stories") or {}),
                       centricity=dict(d.get("centricity") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise MappingError(f"The mapping file is incomplete or malformed ({exc}).") from exc

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        """Read a mapping saved by `to_json`; a broken or foreign file raises MappingError."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(f"The mapping file is not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
        return cls.from_dict(data)


def parse_as_of(text: str | None) -> dt.datetime | None:
    """A table's as-of date (ISO text as the document stores it) as a datetime, or None if absent or bad."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


def table_refs(reports_or_tables: Iterable[Any]) -> list[tuple[str, str]]:
    """(table, source) pairs from table names or load reports (objects with .table, .source, .sheet).

    A sheet goes into the source label ("book.xlsx › Accounts") so two sheets of a workbook differ.
    """
    refs = []
    for item in reports_or_tables:
        if isinstance(item, str):
            refs.append((item, item))
            continue
        source = str(getattr(item, "source", None) or item.table)
        sheet = getattr(item, "sheet", None)
        if sheet and str(sheet) not in source:
            source = f"{source} › {sheet}"
        refs.append((str(item.table), source))
    return refs
