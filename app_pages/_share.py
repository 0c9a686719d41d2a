"""Shareable views: a page's filters in the address bar, with the workspace id and content hash.

A link reopens the same view on the same data; opened where that data is not available (or has
changed), it says so instead of showing other numbers. The server-side workspace store, when an
administrator set one up, is where links find saved workspaces.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from cxlib.errors import CxError, WorkspaceChanged
from cxlib.workspace import Workspace
from app_pages._session import cached, open_sample_copy, use_workspace, workspace

LINK_WORKSPACE, LINK_HASH = "ws", "h"
SAMPLE_ID, UNSAVED_ID = "sample", "unsaved"
CHANGED = "The data changed since this link was made; the numbers would differ, so they are not shown."
_ID_KEY = "_jl_workspace_id"   # (stamp of the workspace, the id it was saved or opened under)
_WRITTEN_KEY = "_jl_link_written"  # the (ws, h) this session last put in the address


def workspace_store() -> Any:
    """The server-side workspace store when an administrator configured one (env or secrets), else None."""
    import os

    from cxlib.saved import store_from_config

    try:
        secrets: Any = st.secrets if st.secrets.load_if_toml_exists() else None
    except Exception:  # noqa: BLE001 - an unreadable secrets file means no store, not a crash
        secrets = None
    return store_from_config(os.environ, secrets)


def content_hash(ws: Workspace) -> str:
    """The workspace's content hash (what a link records), computed once per data version.

    It exports every table, so on the untouched sample it is computed once per server (`cached`).
    """
    from cxlib.saved import workspace_hash

    return cached("saved.workspace_hash", lambda _con: workspace_hash(ws))


def workspace_id(ws: Workspace) -> str:
    """The id a link names: the saved workspace it was opened or saved as, "sample", or "unsaved"."""
    known = st.session_state.get(_ID_KEY)
    if known is not None and known[0] == ws.stamp:
        return known[1]
    return SAMPLE_ID if ws.is_sample else UNSAVED_ID


def remember_workspace_id(ws: Workspace, saved_id: str) -> None:
    """Links made on this workspace (as it is now) name `saved_id`; any later change makes it unsaved."""
    st.session_state[_ID_KEY] = (ws.stamp, saved_id)


def use_saved_workspace(new: Workspace, saved_id: str | None = None) -> None:
    """Make `new` this session's workspace; links made on it name `saved_id` (when it was saved as one)."""
    use_workspace(new)
    if saved_id is not None:
        remember_workspace_id(new, saved_id)


def _encode_param(value: Any) -> str | list[str]:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(_encode_param(v)) for v in value] or [""]
    return str(value)


def _decode_param(texts: list[str], kind: Any, default: Any) -> Any:
    """A widget value from its query-string text; ValueError when the text does not fit the kind."""
    import datetime as dt

    if isinstance(default, (list, tuple)):
        items = [t for t in texts if t != ""]
        element = kind if kind not in (list, tuple, None) else (type(default[0]) if default else str)
        values = [_decode_param([t], element, None) for t in items]
        return tuple(values) if isinstance(default, tuple) else values
    text = texts[-1]
    kind = kind or (type(default) if default is not None else str)
    if text == "" and kind is not str:
        return None
    if kind is bool:
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(text)
    if kind is dt.date:
        return dt.date.fromisoformat(text)
    if kind in (int, float):
        return kind(text)
    return None if text == "" and default is None else text


def _link_problem(ws: Workspace, link_id: str, link_hash: str) -> str | None:
    """Open what a link was made on, if this server can; otherwise the message to show instead of numbers."""
    if link_hash == content_hash(ws):
        return None
    if link_id == SAMPLE_ID:
        if ws.is_sample:
            return CHANGED
        use_workspace(open_sample_copy())
        st.rerun()
    store = workspace_store()
    if store is not None and link_id not in ("", UNSAVED_ID):
        try:
            opened = store.open(link_id, expected_hash=link_hash)
        except WorkspaceChanged:
            return CHANGED
        except CxError:
            return f"This link was made on workspace {link_id}, which is not available here."
        use_saved_workspace(opened, link_id)
        st.rerun()
    if link_id == workspace_id(ws):
        return CHANGED
    return (f"This link was made on workspace {link_id}, which is not available here"
            + (" (its data was never saved: ask for the workspace file and open it on the Workspace page)."
               if link_id == UNSAVED_ID else "."))


def view_params(keys: dict[str, Any], kinds: dict[str, type] | None = None) -> None:
    """Keep a page's view (its widgets' values) in the address bar, with the workspace id and content hash.

    Call it before the page's widgets and before `workspace()`. `keys` maps each widget key to the
    widget's default value; `kinds` gives a value type where the default is None (e.g. float).
    Opened from a link, it first makes sure the numbers can be the link's: the same data here, or
    the link's saved workspace (server store, or the sample); otherwise it says why and stops the
    page. Then it restores the widgets the link names, and writes the current values back.
    """
    kinds = kinds or {}
    params = st.query_params
    ws = workspace()
    link_id, link_hash = params.get(LINK_WORKSPACE), params.get(LINK_HASH)
    # The address this session wrote itself stays as it is when the data changes here on purpose.
    if link_hash and (link_id, link_hash) != st.session_state.get(_WRITTEN_KEY):
        problem = _link_problem(ws, link_id or "", link_hash)
        if problem is not None:
            st.warning(problem, icon=":material/link_off:")
            if st.button("Show this server's current data instead", key="_jl_drop_link",
                         icon=":material/refresh:"):
                params.clear()
                st.rerun()
            st.stop()
    for key, default in keys.items():
        texts = params.get_all(key)
        if key in st.session_state or not texts:
            continue
        try:
            st.session_state[key] = _decode_param(texts, kinds.get(key), default)
        except (ValueError, TypeError):
            continue  # a value the link cannot mean is left to the widget's default
    wanted: dict[str, str | list[str]] = {
        key: _encode_param(st.session_state.get(key, default)) for key, default in keys.items()}
    wanted[LINK_WORKSPACE] = workspace_id(ws)
    wanted[LINK_HASH] = content_hash(ws)
    for key, value in wanted.items():
        if params.get_all(key) != ([value] if isinstance(value, str) else value):
            params[key] = value
    st.session_state[_WRITTEN_KEY] = (wanted[LINK_WORKSPACE], wanted[LINK_HASH])
