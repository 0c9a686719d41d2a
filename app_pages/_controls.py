"""Controls shared by the pages: the settings caption and the segment pickers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from cxlib import dimensions
from cxlib.workspace import Workspace
from app_pages._session import cached


def settings_caption(ws: Workspace) -> None:
    """The settings every number depends on, shown on every page."""
    s = ws.settings
    as_of_text = cached("dimensions.as_of_label", dimensions.as_of_label, s)
    origin = cached("dimensions.as_of_origin", dimensions.as_of_origin, s)
    zones = ", ".join(sorted(set(s.timezones.values()))) or "UTC"
    st.caption(f"As of **{as_of_text}** ({origin}) · time zone {zones} · fiscal year starts in month "
               f"{s.fiscal_year_start_month} · minimum n {s.min_n} · data: {ws.label}")


def segment_columns(ws: Workspace) -> list[str]:
    """Accounts columns usable as a segment (the user's segment columns, in load order)."""
    return cached("segment_columns", dimensions.segment_columns)


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


def segment_filter(ws: Workspace, key: str, label: str = "Segment") -> tuple[str, Any] | None:
    """Column and value pickers that keep one segment's accounts; None keeps every account.

    Values come with their account counts; accounts without a value are the "(none)" choice,
    matching cxlib's segment filters (value None).
    """
    columns = segment_columns(ws)
    left, right = st.columns(2)
    column = left.selectbox(f"{label} column", [None, *columns], key=f"{key}_column",
                            format_func=lambda c: "(all accounts)" if c is None else c)
    if column is None:
        return None
    values = cached("segment_values", dimensions.segment_values, column)
    rows = zip([None if pd.isna(v) else v for v in values["value"]], values["accounts"].astype(int))
    counts = {value: n for value, n in rows}
    if not counts:
        right.selectbox(f"{column} is", ["(no accounts)"], disabled=True, key=f"{key}_value_empty")
        return None
    value = right.selectbox(f"{column} is", list(counts), key=f"{key}_value_{column}",
                            format_func=lambda v: f"{dimensions.NONE_SEGMENT if v is None else v} · {counts[v]:,} accounts")
    return column, value


def lazy_expander(label: str, key: str, **kwargs: Any) -> Any:
    """An expander whose content runs only while it is open: closed, nothing is computed or sent.

    Returns the expander to fill when it is open, else None (`if (box := lazy_expander(…)):`).
    """
    box = st.expander(label, key=kept(key), on_change="rerun", **kwargs)
    return box if box.open else None


def lazy_tabs(labels: list[str], key: str) -> list[Any]:
    """Tabs of which only the one on screen runs: the others' entries are None until chosen."""
    tabs = st.tabs(labels, key=kept(key), on_change="rerun")     # the open tab is kept across pages
    return [tab if tab.open else None for tab in tabs]


_KEPT = "_jl_kept_widgets"
_KEPT_FOR = "_jl_kept_for"


def kept(key: str) -> str:
    """A widget key whose value survives the runs that do not draw it (its lazy tab or expander closed):
    `st.selectbox(…, key=kept("oc_time_by"))`. Input widgets only (not buttons, uploads or editors)."""
    st.session_state.setdefault(_KEPT, set()).add(key)
    return key


def edits_belong_to_data(ws: Workspace, owner_key: str, keys: Iterable[str] = (), prefix: str | None = None) -> None:
    """Forget a page's edit widgets (`keys`, and every key starting with `prefix`) when new data or a newly
    applied mapping arrives, so they start from the values saved with it instead of carrying old edits over.
    An edit saved with the mapping keeps them (it changes the version, not the data)."""
    if st.session_state.get(owner_key) == ws.data_stamp:
        return
    doomed = set(keys) | ({k for k in st.session_state if str(k).startswith(prefix)} if prefix else set())
    for key in doomed:
        st.session_state.pop(key, None)
    st.session_state[owner_key] = ws.data_stamp


def keep_widget_values(ws: Workspace) -> None:
    """Once per run, before the page: re-assign every kept widget's value so Streamlit does not drop it
    while its section is closed (Streamlit's documented way to interrupt its widget clean-up). New data
    or a newly applied mapping forgets them: options such as quarters or segment values change with them."""
    keys = st.session_state.get(_KEPT, set())
    if st.session_state.get(_KEPT_FOR) != ws.data_stamp:   # new data or a re-applied mapping; a weight edit keeps them
        st.session_state[_KEPT_FOR] = ws.data_stamp
        for key in keys:
            st.session_state.pop(key, None)
        keys.clear()
        return
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
