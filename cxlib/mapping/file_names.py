"""What a file name says: the as-of date it carries, and its pattern once dates and numbers are gone.

A stage snapshot may be dated by its file name (`stage_snapshot_2026-08-31.csv`, README "Data you
can bring"); a name with only a month ("export 2026-09.xlsx") or a quarter means its last day, and
the user can edit it in `TableMapping.as_of`. Next month's export has the same pattern as this one's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from cxlib.stages import normalize_label


def as_of_from_source(source: str) -> str | None:
    """The as-of date a file name carries (ISO date), e.g. 'stage_snapshot_2026-08-31.csv'.

    A month alone ('export 2026-09.xlsx') means its last day; a quarter ('2026-Q3') its last day.
    """
    text = str(source)
    candidates: list[tuple[int, int, int | None]] = []
    for m in re.finditer(r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)", text):
        candidates.append((int(m[1]), int(m[2]), int(m[3])))
    if not candidates:
        for m in re.finditer(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", text):
            candidates.append((int(m[1]), int(m[2]), int(m[3])))
    if not candidates:
        for m in re.finditer(r"(?<!\d)(\d{4})[-_. ]?[Qq]([1-4])(?!\d)|(?<![A-Za-z])[Qq]([1-4])[-_. ]?(\d{4})(?!\d)",
                             text):
            year, quarter = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
            candidates.append((year, quarter * 3, None))
    if not candidates:
        for m in re.finditer(r"(?<!\d)(\d{4})[-_.](\d{1,2})(?![\d])", text):
            candidates.append((int(m[1]), int(m[2]), None))
    for year, month, day in reversed(candidates):
        if not (1990 <= year <= 2100 and 1 <= month <= 12):
            continue
        day = day if day is not None else calendar.monthrange(year, month)[1]
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def source_pattern(source: str) -> str:
    """A file name with its dates and numbers removed: next month's export has the same pattern."""
    text = re.sub(r"\d+", " ", str(source))
    text = re.sub(r"\b(q[1-4]|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\b",
                  " ", text, flags=re.IGNORECASE)
    return normalize_label(text)
