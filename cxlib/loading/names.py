"""Names a load gives: the ``_source_row`` column every loaded table carries, table names from the
file and sheet names (readable ASCII snake_case, never a name already used in the connection) and
column names from the header cells (blank ones become ``column_N``, duplicates ``Name_2``, ``Name_3``
…, compared case-insensitively).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import duckdb

SOURCE_ROW = "_source_row"


def _unique_name(con: duckdb.DuckDBPyConnection, base: str, taken: set[str] | None = None) -> str:
    """A table name not used by any table or view in the connection: base, base_2, base_3 …"""
    existing = {r[0].lower() for r in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    existing |= {t.lower() for t in (taken or set())}
    name, n = base, 1
    while name.lower() in existing:
        n += 1
        name = f"{base}_{n}"
    return name


def _slug(text: str) -> str:
    """Readable snake_case made only of ASCII letters, digits and underscores."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return text[:48].strip("_")


def _table_base(display: str, sheet: str | None) -> str:
    """Table name stem from the file name (directories and extension dropped) and the sheet name."""
    stem = _slug(Path(display.replace("\\", "/")).stem) or "table"
    if sheet is not None:
        stem = f"{stem}_{_slug(sheet) or 'sheet'}"
    if stem[0].isdigit():
        stem = f"t_{stem}"
    return stem


def _header_names(cells: Sequence[str | None]) -> list[str]:
    """Trimmed header names; blank ones become column_N, duplicates (case-insensitive) Name_2, Name_3 …"""
    names: list[str] = []
    seen: set[str] = {SOURCE_ROW}
    for i, cell in enumerate(cells):
        base = re.sub(r"\s*[\r\n]+\s*", " ", (cell or "").replace("\ufeff", "")).strip()
        base = base or f"column_{i + 1}"
        name, n = base, 1
        while name.lower() in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name.lower())
        names.append(name)
    return names
