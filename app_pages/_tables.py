"""Tables as people read them, each with its CSV and XLSX downloads, and safe download file names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

SMALL_TABLE_ROWS = 25  # tables up to this many rows are drawn as HTML, longer ones as a grid
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_stem(name: str) -> str:
    """A download's file name from a chart or table name: letters, digits, dots, dashes and underscores."""
    import re

    return re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "journey_lens"


def download_table(df: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str, *,
                   named: bool = True) -> None:
    """CSV and XLSX downloads of a table, made on click (spreadsheet formulas neutralised).

    The buttons say which table they download ("funnel (CSV)"), or just "CSV" when `named` is
    False (right under the table they belong to). A table that is costly to build (every story's
    evidence) can be given as a function: it is then built on click only.
    """
    from cxlib.exports import to_csv_bytes, to_xlsx_bytes

    def table() -> pd.DataFrame:
        return df() if callable(df) else df

    stem = file_stem(name)
    prefix = f"{name} (" if named else ""
    suffix = ")" if named else ""
    row = st.container(horizontal=True, gap="small")
    row.download_button(f"{prefix}CSV{suffix}", lambda: to_csv_bytes(table()), file_name=f"{stem}.csv",
                        mime="text/csv", key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    row.download_button(f"{prefix}XLSX{suffix}", lambda: to_xlsx_bytes(table(), sheet=stem[:31]),
                        file_name=f"{stem}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore",
                        icon=":material/download:")


def html_table(df: pd.DataFrame) -> None:
    """A small table rendered as HTML (readable by screen readers and browser tests)."""
    st.table(df)


def styled_table(df: pd.DataFrame, formats: dict[str, str] | None = None, low_n: pd.Series | None = None,
                 note: str | None = None, band_columns: tuple[str, ...] = ()) -> None:
    """A small HTML table with number formats; low-n rows greyed (with `note` below), band cells coloured."""
    from cxlib.theme import BAND_COLORS

    frame = df.reset_index(drop=True)
    styler = frame.style.hide(axis="index")
    if formats:
        styler = styler.format({c: f for c, f in formats.items() if c in frame}, na_rep="–")
    faint = pd.Series(False, index=frame.index) if low_n is None else \
        pd.Series(low_n, dtype="boolean").fillna(False).astype(bool).reset_index(drop=True)
    if faint.any():
        styler = styler.apply(lambda row: ["color: #9e9e9e; font-style: italic" if faint[row.name] else ""]
                              * len(row), axis=1)
    present = [c for c in band_columns if c in frame]
    if present:
        styler = styler.map(lambda v: f"background-color: {BAND_COLORS[v]}; color: #111111"
                            if isinstance(v, str) and v in BAND_COLORS else "", subset=present)
    st.table(styler)
    if note and faint.any():
        st.caption(note)


def cell_text(value: Any) -> Any:
    """A table cell as people read it: 1,234 and 0.77 rather than 1234.0000; dates without midnight."""
    import math
    from numbers import Integral

    if isinstance(value, Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    return value


def show_table(df: pd.DataFrame, name: str, key: str, html: bool = False) -> None:
    """A table (HTML when small or asked for, else a grid) with CSV and XLSX downloads, formulas neutralised."""
    if html or len(df) <= SMALL_TABLE_ROWS:
        st.table(df.reset_index(drop=True).style.hide(axis="index").format(cell_text))
    else:
        st.dataframe(df, hide_index=True, width="stretch")
    download_table(df, name, key, named=False)
