"""This browser session's workspace, its per-session cache of results, and user errors as messages.

App layer only (Streamlit lives here and in the pages, never in cxlib).
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from cxlib import sample_prepared
from cxlib.errors import CxError
from cxlib.saved import open_workspace, save_workspace
from cxlib.workspace import SAMPLE_LABEL, Workspace, open_sample
from app_pages import _lifetime

T = TypeVar("T")
_WORKSPACE_KEY = "workspace"
_CACHE_KEY = "_jl_cache"
_CACHE_SIZE = 64


@st.cache_resource(show_spinner=False)
def _shipped_sample() -> bytes | None:
    """The prepared sample shipped in data/ (`make sample`): nothing to load or map at start."""
    return sample_prepared.read()


@st.cache_resource(show_spinner="Preparing the sample company…")
def _built_sample() -> bytes:
    """The sample company loaded and mapped once per server, only when the shipped one is missing or unreadable."""
    ws = open_sample()
    buffer = io.BytesIO()
    save_workspace(ws, buffer)
    ws.close()
    return buffer.getvalue()


def open_sample_copy() -> Workspace:
    """A workspace of its own holding the sample company, restored from the server's one archive.

    The shipped prepared sample when it opens; one this code cannot open (made by another version)
    is rebuilt from data/ instead, so the app still starts.
    """
    ws = None
    shipped = _shipped_sample()
    if shipped is not None:
        try:
            ws = open_workspace(shipped)
        except CxError:
            ws = None
    if ws is None:
        ws = open_workspace(_built_sample())
    ws.label, ws.is_sample = SAMPLE_LABEL, True
    return ws


def workspace() -> Workspace:
    """This browser session's workspace; a new session starts on its own copy of the sample company."""
    ws = st.session_state.get(_WORKSPACE_KEY)
    if ws is not None and _lifetime.released_here():
        reset_to_sample()  # the sweep closed this session's database while it was away
        st.toast("This session was idle too long and its data was released; back on the sample company.")
        ws = None
    if ws is None:
        ws = open_sample_copy()
        st.session_state[_WORKSPACE_KEY] = ws
    _lifetime.track_workspace(ws)
    return ws


def reset_to_sample() -> None:
    """Drop this session's data and reopen the sample company."""
    old = st.session_state.pop(_WORKSPACE_KEY, None)
    if old is not None:
        old.close()
    drop_cached()
    explorer = st.session_state.pop("sql_explorer", None)
    if explorer is not None:
        explorer.close()
    st.session_state.pop("sql_explorer_version", None)


def use_workspace(new: Workspace) -> None:
    """Make `new` this session's workspace (the old one is closed, cached results dropped)."""
    reset_to_sample()
    st.session_state[_WORKSPACE_KEY] = new


def workspace_ref(ws: Workspace) -> tuple[int, int]:
    """Which data something was made from: this workspace object at this version (a new upload's can repeat)."""
    return id(ws), ws.version


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


def drop_cached() -> None:
    """Forget this session's cached results (they are keyed by version; this frees their memory)."""
    st.session_state.pop(_CACHE_KEY, None)


def run_safely(fn: Callable[[], T]) -> T | None:
    """Call `fn`; a user-caused CxError becomes a clear in-page message, never a traceback."""
    try:
        return fn()
    except CxError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
