"""This browser session's workspace, its per-session cache of results, and user errors as messages.

App layer only (Streamlit lives here and in the pages, never in cxlib).
"""

from __future__ import annotations

import copy
import io
import threading
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
_SAMPLE_KEY = "_jl_sample"
_CACHE_SIZE = 256        # results per session: every page's, so a page visited again is served warm
_SHARED_SIZE = 1024      # results of the untouched sample, server-wide


class _SharedResults:
    """The untouched sample company's results, computed once per server and handed out as copies.

    The sample is public and the same for every visitor, so one session computes a result and the
    others read it; a result being computed is waited for rather than computed again. Uploaded data
    never comes here (`cached` only asks for a session whose workspace is the untouched sample).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[tuple, tuple[bool, Any]] = OrderedDict()
        self._computing: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """The value for `key`, computing it once; a user error is remembered and raised again."""
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                found = self._values.get(key)
                if found is not None:
                    self._values.move_to_end(key)
            if found is None:
                try:
                    found = (True, compute())
                except CxError as exc:
                    found = (False, exc)
                with self._lock:
                    self._values[key] = found
                    while len(self._values) > self.size:
                        self._values.popitem(last=False)
            with self._lock:
                self._computing.pop(key, None)
        ok, value = found
        if not ok:
            raise value
        return copy.deepcopy(value)   # a page may change what it got; the next visitor gets the original

    def __len__(self) -> int:
        return len(self._values)


@st.cache_resource(show_spinner=False)
def shared_results() -> _SharedResults:
    """The server's one store of sample results (app layer; never holds an upload's numbers)."""
    return _SharedResults(_SHARED_SIZE)


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


@st.cache_resource(show_spinner=False)
def _sample_template() -> tuple[bytes, str, dict[str, Any]]:
    """The server's sample archive (shipped, else built from data/), checked by opening it once.

    Returns the archive, what it holds (its digest) and what a session needs before it queries:
    label, load reports, errors, mapping, validation and version.
    """
    which, archive = "shipped", _shipped_sample()
    ws = None
    if archive is not None:
        try:
            ws = open_workspace(archive)
        except CxError:
            ws = None
    if ws is None:      # missing, or made by another version of this code: rebuilt, so the app still starts
        which, archive = "built", _built_sample()
        ws = open_workspace(archive)
    try:
        described = {"reports": ws.reports, "errors": ws.errors, "validation": ws.validation,
                     "mapping": ws.mapping.to_json() if ws.mapping is not None else None, "version": ws.version}
    finally:
        ws.close()
    return archive, _sample_digest(which), described


def open_sample_copy() -> Workspace:
    """A workspace of its own holding the sample company, restored from the server's one archive.

    Deferred: its database is restored only when a query needs it. On the untouched sample every
    number comes from the server's shared results, so most visitors never pay for a database.
    """
    from cxlib.mapping import Mapping

    archive, digest, described = _sample_template()
    ws = Workspace.deferred(lambda: open_workspace(archive), label=SAMPLE_LABEL, is_sample=True,
                            reports=copy.deepcopy(described["reports"]), errors=list(described["errors"]),
                            mapping=Mapping.from_json(described["mapping"]) if described["mapping"] else None,
                            validation=described["validation"], version=described["version"])
    # Which sample this is, and the version it opened at: until it changes, results are the server's.
    st.session_state[_SAMPLE_KEY] = (digest, ws.version)
    return ws


@st.cache_resource(show_spinner=False)
def _sample_digest(which: str) -> str:
    """What the shipped or the built sample archive holds (its content hash), once per server."""
    archive = _shipped_sample() if which == "shipped" else _built_sample()
    return sample_prepared.content_digest(archive or b"")


def _untouched_sample(ws: Workspace) -> str | None:
    """The sample's digest when `ws` is this session's sample exactly as opened (no upload, no remapping)."""
    opened = st.session_state.get(_SAMPLE_KEY)
    if not ws.is_sample or opened is None or opened[1] != ws.version:
        return None
    return opened[0]


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
    st.session_state.pop(_SAMPLE_KEY, None)
    if old is not None:
        old.close()
    drop_cached()
    explorer = st.session_state.pop("sql_explorer", None)
    if explorer is not None:
        explorer.close()
    st.session_state.pop("sql_explorer_stamp", None)


def use_workspace(new: Workspace) -> None:
    """Make `new` this session's workspace (the old one is closed, cached results dropped)."""
    reset_to_sample()
    st.session_state[_WORKSPACE_KEY] = new


class SessionResults(OrderedDict):
    """One session's cached results, oldest first; `close` empties it (the session was released)."""

    def close(self) -> None:
        self.clear()


def cached(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `fn(ws.con, …)` once per (data version, parameters) in this session; reruns reuse it.

    Keyed by the workspace's version, so new data or a new mapping never serves old numbers, and
    stored in session state, so one session's results are never served to another. On the untouched
    sample company the result is the server's (`shared_results`): computed once for every visitor.
    """
    ws = workspace()
    sample = _untouched_sample(ws)
    if sample is not None:
        return shared_results().get((sample, name, repr(args), repr(sorted(kwargs.items()))),
                                    lambda: fn(ws.con, *args, **kwargs))
    key = (name, ws.stamp, repr(args), repr(sorted(kwargs.items())))
    store = st.session_state.get(_CACHE_KEY)
    if store is None:
        store = st.session_state[_CACHE_KEY] = SessionResults()
        _lifetime.track_resource(store)   # emptied when the session is released
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
