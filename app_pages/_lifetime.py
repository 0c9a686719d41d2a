"""Session lifetime: release what a closed browser tab leaves behind (see cxlib.sessions).

Streamlit has no session-end hook, so every script run marks its session as seen, and a background
thread (one per server) sweeps sessions the server no longer holds and lets Streamlit drop the
sessions it kept past their TTL, so a closed tab's memory goes back without waiting for another
visitor. App layer only.
"""

from __future__ import annotations

import streamlit as st

from cxlib.workspace import Workspace


def _session_id() -> str | None:
    """This script run's Streamlit session id (None outside a script run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def _session_alive(session_id: str) -> bool | None:
    """Whether the server still holds a session: connected, or kept for a reconnect; None if it cannot tell.

    Without a server (AppTest, bare scripts) nothing can disconnect, so sessions count as alive
    and their databases close when their objects are collected.
    """
    from streamlit import runtime

    if not runtime.exists():
        return True
    rt = runtime.get_instance()
    if rt.is_active_session(session_id):
        return True
    # Sessions kept for a reconnect are only visible through the private session manager.
    get_info = getattr(getattr(rt, "_session_mgr", None), "get_session_info", None)
    if get_info is None:
        return None
    return get_info(session_id) is not None


def _drop_server_files(session_id: str) -> None:
    """Free the uploads and media Streamlit keeps for a released session (it skips this when one expires)."""
    from streamlit import runtime

    if not runtime.exists() or _session_alive(session_id):
        return
    rt = runtime.get_instance()
    rt.uploaded_file_mgr.remove_session_files(session_id)
    rt.media_file_mgr.clear_session_refs(session_id)
    rt.media_file_mgr.remove_orphaned_files()


def released_here() -> bool:
    """Whether this session's resources were released while it was away."""
    from cxlib import sessions

    session_id = _session_id()
    return session_id is not None and sessions.was_released(session_id)


def track_workspace(ws: Workspace) -> None:
    """Tie the workspace to this session once; collected after the server dropped the session, release it."""
    from cxlib import sessions

    session_id = _session_id()
    if session_id is not None and sessions.register(session_id, ws):
        sessions.watch(ws, session_id, is_alive=_session_alive)


def track_resource(resource: object) -> None:
    """Close (or empty) `resource` when this session is released; held weakly."""
    from cxlib import sessions

    session_id = _session_id()
    if session_id is not None:
        sessions.register(session_id, resource)


def expire_stored_sessions(manager: object | None = None) -> int:
    """Let Streamlit drop the sessions it kept for a reconnect past their TTL now; how many it dropped.

    Streamlit's session storage removes an expired session only on its next write (the next tab
    closed), so on a quiet server every expired session's state stayed in memory until another
    visitor came and went. This runs the storage's own `expire()` under the session manager's storage
    lock, as its writes do. The storage and lock are not public: on a Streamlit without them this
    does nothing. `manager` is the session manager (the running server's when None).
    """
    from streamlit import runtime

    if manager is None:
        if not runtime.exists():
            return 0
        manager = getattr(runtime.get_instance(), "_session_mgr", None)
    cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    expire = getattr(cache, "expire", None)
    lock = getattr(manager, "_storage_lock", None)
    if expire is None or lock is None:
        return 0
    with lock:
        removed = expire()
    dropped = len(removed)
    # The dropped sessions are freed here, outside the storage lock: freeing one runs its shutdown.
    del removed
    _EXPIRED_STORED[0] += dropped
    return dropped


_EXPIRED_STORED = [0]   # sessions dropped from Streamlit's storage by `expire_stored_sessions`, for the stats file


def trim_memory() -> None:
    """Hand freed heap back to the operating system (glibc's malloc_trim), so RSS falls after a release."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass


def _sweep_interval_s() -> float:
    """How often the background sweep looks for sessions to release: a quarter of the idle limit, 2–60 s."""
    return min(60.0, max(2.0, _idle_limit_s() / 4))


def _held_unless_gone(session_id: str) -> bool:
    """The background sweep's probe: a session counts as held unless the server clearly no longer knows it
    (outside a script run Streamlit's session storage may be mid-write: no answer is not "gone")."""
    try:
        return _session_alive(session_id) is not False
    except Exception:  # noqa: BLE001 - when in doubt, keep the session
        return True


def _sweep_forever() -> None:
    """The server's sweep without a visitor: release sessions long gone, then give their memory back."""
    import logging
    import time

    from cxlib import sessions

    while True:
        time.sleep(_sweep_interval_s())
        try:
            released = sessions.sweep(_idle_limit_s(), is_alive=_held_unless_gone)
            if expire_stored_sessions() or released:
                trim_memory()
                _write_stats("sweep")
        except Exception:  # noqa: BLE001 - the sweep must keep running whatever one pass raises
            logging.getLogger(__name__).warning("session sweep failed", exc_info=True)


@st.cache_resource(show_spinner=False)
def _sweeper() -> object:
    """Start the background sweep once per server (a daemon thread: it ends with the server)."""
    import threading

    thread = threading.Thread(target=_sweep_forever, name="journey-lens-session-sweep", daemon=True)
    thread.start()
    return thread


_ACTIVE_S = 60.0      # a session that ran a script within this many seconds shares the cores now
_THREADS_KEY = "_jl_threads"


def share_cores(ws: Workspace) -> None:
    """Fit this session's DuckDB threads to the sessions active now (`sessions.threads_for`).

    JOURNEY_LENS_THREADS, when set, wins. A deferred workspace (the untouched sample, whose numbers
    come from the server's shared results) is not opened for this.
    """
    import os

    from cxlib import sessions

    if os.environ.get("JOURNEY_LENS_THREADS") or not ws.opened:
        return
    threads = sessions.threads_for(os.cpu_count() or 1, sessions.active(_ACTIVE_S))
    if st.session_state.get(_THREADS_KEY) != (ws.data_stamp, threads):
        ws.con.execute(f"SET threads = {int(threads)}")
        st.session_state[_THREADS_KEY] = (ws.data_stamp, threads)


def _idle_limit_s() -> float:
    """Seconds without a script run before the sweep may release a session the server no longer holds."""
    import os

    try:
        return float(os.environ["JOURNEY_LENS_SESSION_IDLE_S"])
    except (KeyError, ValueError):
        return 2.0 * float(st.get_option("server.disconnectedSessionTTL"))


def sweep_sessions() -> None:
    """Once per script run: mark this session seen and track its SQL sandbox (the background sweep releases).

    With JOURNEY_LENS_SESSION_STATS set (tests and `make load` only), the registry's counts are
    written to that file as JSON after each sweep (the background sweep writes it when it released any).
    """
    from cxlib import sessions

    session_id = _session_id()
    if session_id is None:
        return
    sessions.on_release(_drop_server_files)
    _sweeper()
    sessions.touch(session_id)
    explorer = st.session_state.get("sql_explorer")
    if explorer is not None:
        sessions.register(session_id, explorer)
    _write_stats(session_id)


def _write_stats(writer: str) -> None:
    """With JOURNEY_LENS_SESSION_STATS set (tests and `make load` only), write the registry's counts there as JSON,
    with how many sessions the sweep dropped from Streamlit's storage."""
    import json
    import os
    from pathlib import Path

    from cxlib import sessions

    target = os.environ.get("JOURNEY_LENS_SESSION_STATS")
    if target:
        path = Path(target)
        part = path.with_name(f"{path.name}.{os.getpid()}.{writer}.part")
        counts = sessions.stats().to_dict() | {"expired_stored_sessions": _EXPIRED_STORED[0]}
        part.write_text(json.dumps(counts), encoding="utf-8")
        part.replace(path)
