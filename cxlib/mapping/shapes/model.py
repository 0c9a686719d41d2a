"""A recognised export shape: what the mapping document keeps of it, and what a recogniser returns.

`TableShape` is stored in `TableMapping.shape` (JSON round trip; a mapping saved before shapes has
none). It says everything the view SQL needs beyond column roles: which date columns are one journey
event per cell, which rows of a long report are not entries, what a labelled answer scores, whether
the account is an email's domain, and the tool's conventions (date order, number format, time zone)
that are offered, never silently assumed, when the loader asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxlib.errors import MappingError

# Why a row of a shaped table is left out (the only reasons a shape may give; shown to users).
R_NOT_STAGE_CHANGE = "not a stage change"
R_SURVEY_PREVIEW = "survey preview or test"
ROW_FILTER_REASONS: tuple[str, ...] = (R_NOT_STAGE_CHANGE, R_SURVEY_PREVIEW)


@dataclass
class RowFilter:
    """Rows of `column` whose value is (keep=True: is not; keep=False: is) one of `values` are left out."""

    column: str
    values: list[str]
    keep: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "values": list(self.values), "keep": self.keep, "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RowFilter:
        reason = str(d["reason"])
        if reason not in ROW_FILTER_REASONS:
            raise MappingError(f'Shape row filter: reason "{reason}" is not one of {", ".join(ROW_FILTER_REASONS)}.')
        return cls(column=str(d["column"]), values=[str(v) for v in d.get("values") or []],
                   keep=bool(d.get("keep", True)), reason=reason)


@dataclass
class TableShape:
    """A tool's export shape as the mapping keeps it; `id` names the recogniser, `label` is for people.

    - `stage_dates`: (column, stage as the header names it): each non-empty cell is one journey event
      of that stage for the row's account; the stage goes through the stage map like a cell value.
    - `not_entries`: columns recognised as stage durations or exits ("Date exited …"), never entries.
    - `rows`: a filter leaving out rows that are not entries or answers, with its reason.
    - `answer_column` / `answers`: survey type → {answer label, folded → score, or None when the
      label is not an answer ("Offered")}; other values of that column are read as numbers.
    - `account_from_email`: the account column holds emails and the account is their domain (none
      for a free-mail domain).
    - `date_order`, `number_format`, `timezone`: the tool's conventions (MDY or DMY; "point" for a
      decimal point with thousands commas, "comma" for the reverse; an IANA zone written in a header).
    """

    id: str
    tool: str
    name: str
    label: str
    stage_dates: list[tuple[str, str]] = field(default_factory=list)
    not_entries: list[str] = field(default_factory=list)
    rows: RowFilter | None = None
    answer_column: str | None = None
    answers: dict[str, dict[str, float | None]] = field(default_factory=dict)
    account_from_email: bool = False
    date_order: str | None = None
    number_format: str | None = None
    timezone: str | None = None
    notes: list[str] = field(default_factory=list)

    def columns(self) -> list[str]:
        """Every column the shape itself reads (beyond roles): they must exist in next month's file."""
        cols = [c for c, _ in self.stage_dates]
        if self.rows is not None:
            cols.append(self.rows.column)
        if self.answer_column:
            cols.append(self.answer_column)
        return list(dict.fromkeys(cols))

    def to_dict(self) -> dict[str, Any]:
        """The shape's entry in the table's JSON."""
        return {"id": self.id, "tool": self.tool, "name": self.name, "label": self.label,
                "stage_dates": [[c, s] for c, s in self.stage_dates], "not_entries": list(self.not_entries),
                "rows": self.rows.to_dict() if self.rows else None, "answer_column": self.answer_column,
                "answers": {t: dict(m) for t, m in self.answers.items()},
                "account_from_email": self.account_from_email, "date_order": self.date_order,
                "number_format": self.number_format, "timezone": self.timezone, "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableShape:
        """A shape read back; missing fields take their defaults."""
        answers = {str(t): {str(k): (None if v is None else float(v)) for k, v in (m or {}).items()}
                   for t, m in (d.get("answers") or {}).items()}
        return cls(id=str(d["id"]), tool=str(d.get("tool") or ""), name=str(d.get("name") or ""),
                   label=str(d.get("label") or d["id"]),
                   stage_dates=[(str(c), str(s)) for c, s in d.get("stage_dates") or []],
                   not_entries=[str(c) for c in d.get("not_entries") or []],
                   rows=RowFilter.from_dict(d["rows"]) if d.get("rows") else None,
                   answer_column=d.get("answer_column"), answers=answers,
                   account_from_email=bool(d.get("account_from_email", False)),
                   date_order=d.get("date_order"), number_format=d.get("number_format"),
                   timezone=d.get("timezone"), notes=[str(n) for n in d.get("notes") or []])


@dataclass
class Recognised:
    """A recogniser's verdict on one raw table: the kind, the roles it fixes, the shape.

    `roles` pins columns (a role, or "ignore" for columns the shape reads itself and for ids that
    must never become the account); suggestion assigns the other columns as usual, but only to
    `open_roles` when given. `survey_type` is the table's survey type when no column says it.
    """

    kind: str
    roles: dict[str, str]
    shape: TableShape
    survey_type: str | None = None
    open_roles: frozenset[str] | None = None
