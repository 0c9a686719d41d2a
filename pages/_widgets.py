"""Widgets shared by every page: the session's workspace, the per-session cache, messages, downloads.

App layer only (Streamlit lives here and in the pages, never in cxlib).
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from cxlib.errors import CxError
from cxlib.saved import open_workspace, save_workspace
from cxlib.workspace import SAMPLE_LABEL, Workspace, open_sample

T = TypeVar("T")
_CACHE_KEY = "_jl_cache"
_CACHE_SIZE = 64


@st.cache_resource(show_spinner="Preparing the sample company…")
def _sample_archive() -> bytes:
    """The sample company loaded and mapped once per server; it is the same public data for everyone."""
    ws = open_sample()
    buffer = io.BytesIO()
    save_workspace(ws, buffer)
    ws.close()
    return buffer.getvalue()


def workspace() -> Workspace:
    """This browser session's workspace; a new session starts on its own copy of the sample company."""
    ws = st.session_state.get("workspace")
    if ws is None:
        ws = open_workspace(_sample_archive())
        ws.label, ws.is_sample = SAMPLE_LABEL, True
        st.session_state["workspace"] = ws
    return ws


def reset_to_sample() -> None:
    """Drop this session's data and reopen the sample company."""
    old = st.session_state.pop("workspace", None)
    if old is not None:
        old.close()
    st.session_state.pop(_CACHE_KEY, None)


def cached(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `fn(ws.con, …)` once per (data version, parameters) in this session; reruns reuse it.

    Keyed by the workspace's version, so new data or a new mapping never serves old numbers, and
    stored in session state, so one session's results are never served to another.
    """
    ws = workspace()
    key = (name, ws.version, repr(args), repr(sorted(kwargs.items())))
    store: OrderedDict = st.session_state.setdefault(_CACHE_KEY, OrderedDict())
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = fn(ws.con, *args, **kwargs)
    store[key] = value
    while len(store) > _CACHE_SIZE:
        store.popitem(last=False)
    return value


def run_safely(fn: Callable[[], T]) -> T | None:
    """Call `fn`; a user-caused CxError becomes a clear in-page message, never a traceback."""
    try:
        return fn()
    except CxError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def settings_caption(ws: Workspace) -> None:
    """The settings every number depends on, shown on every page."""
    from cxlib.mapping import as_of_date

    s = ws.settings
    try:
        as_of = as_of_date(ws.con, s)
        as_of_text = as_of.strftime("%Y-%m-%d") if as_of else "no dated rows"
    except CxError:
        as_of_text = "no dated rows"
    origin = "set by you" if s.as_of else "latest date in the data"
    zones = ", ".join(sorted(set(s.timezones.values()))) or "UTC"
    st.caption(f"As of **{as_of_text}** ({origin}) · time zone {zones} · fiscal year starts in month "
               f"{s.fiscal_year_start_month} · minimum n {s.min_n} · data: {ws.label}")


def segment_columns(ws: Workspace) -> list[str]:
    """Accounts columns usable as a segment (the user's segment columns, in load order)."""
    from cxlib.canonical import columns

    fixed = set(columns("accounts"))
    rows = ws.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' "
        "ORDER BY ordinal_position").fetchall()
    return [r[0] for r in rows if r[0] not in fixed]


def segment_picker(ws: Workspace, key: str, label: str = "Break down by",
                   allow_none: bool = True) -> str | None:
    """A select box of segment columns; the choice is remembered per page through `key`."""
    options = segment_columns(ws)
    choices = ([None] if allow_none else []) + options
    if not choices:
        return None
    default = "tier" if "tier" in options and not allow_none else None
    index = choices.index(default) if default in choices else 0
    return st.selectbox(label, choices, index=index, key=key,
                        format_func=lambda c: "(no breakdown)" if c is None else c)


def download_table(df: pd.DataFrame, name: str, key: str) -> None:
    """CSV download of a table (spreadsheet formulas neutralised)."""
    from cxlib.exports import to_csv_bytes

    st.download_button(f"Download {name} (CSV)", to_csv_bytes(df), file_name=f"{name}.csv",
                       mime="text/csv", key=key, icon=":material/download:")


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
