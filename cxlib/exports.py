"""Tables out to CSV and XLSX, safe to open in a spreadsheet: formulas never run, numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pandas as pd

# A cell starting with one of these can be read as a formula (or hide one) by spreadsheet software.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet could run as a formula with an apostrophe.

    Text that is just a number ("-20") is left alone: it cannot run, and users expect it.
    Non-text values (numbers, dates, NULLs) are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells (and column names) are neutralised."""
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads accents right), formulas neutralised."""
    # Quote every text field: pandas leaves a lone carriage return unquoted, which splits the row.
    return safe_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def to_xlsx_bytes(frames: dict[str, pd.DataFrame] | pd.DataFrame, sheet: str = "Data") -> bytes:
    """An XLSX workbook, one sheet per frame; text is written with an explicit string type."""
    if isinstance(frames, pd.DataFrame):
        frames = {sheet: frames}
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False,
                                                   "strings_to_urls": False,
                                                   "strings_to_numbers": False}}) as writer:
        for name, df in frames.items():
            safe = safe_frame(df)
            sheet_name = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:31] or "Sheet"
            safe.to_excel(writer, sheet_name=sheet_name, index=False)
            ws = writer.sheets[sheet_name]
            # pandas writes via write(); re-write text cells with write_string so no type guessing applies.
            for c, col in enumerate(safe.columns):
                if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
                    for r, v in enumerate(safe[col].tolist(), start=1):
                        if isinstance(v, str):
                            ws.write_string(r, c, v)
    return buf.getvalue()
