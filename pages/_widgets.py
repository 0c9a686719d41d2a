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

from cxlib import dimensions
from cxlib.errors import CxError
from cxlib.saved import open_workspace, save_workspace
from cxlib.workspace import SAMPLE_LABEL, Workspace, open_sample

T = TypeVar("T")
_CACHE_KEY = "_jl_cache"
_CACHE_SIZE = 64
_ROUTED_KEY = "_jl_routed"


@st.cache_resource(show_spinner="Preparing the sample company…")
def _sample_archive() -> bytes:
    """The sample company loaded and mapped once per server; it is the same public data for everyone."""
    ws = open_sample()
    buffer = io.BytesIO()
    save_workspace(ws, buffer)
    ws.close()
    return buffer.getvalue()


def route_through_app() -> None:
    """Make sure pages run inside app.py's frame, even on a fresh server's first deep link.

    Streamlit runs a fresh server's very first request the legacy way when a `pages/` folder exists
    (each page alone, folder listing as navigation) until the entrypoint has called st.navigation
    once. A page reached that way switches the server to app.py's navigation and reruns.
    """
    if st.session_state.get(_ROUTED_KEY):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def mark_routed() -> None:
    """Called by app.py before it runs the chosen page."""
    st.session_state[_ROUTED_KEY] = True


def workspace() -> Workspace:
    """This browser session's workspace; a new session starts on its own copy of the sample company."""
    route_through_app()
    ws = st.session_state.get("workspace")
    if ws is not None and _released_here():
        reset_to_sample()  # the sweep closed this session's database while it was away
        st.toast("This session was idle too long and its data was released; back on the sample company.")
        ws = None
    if ws is None:
        ws = open_workspace(_sample_archive())
        ws.label, ws.is_sample = SAMPLE_LABEL, True
        st.session_state["workspace"] = ws
    _track_workspace(ws)
    return ws


def reset_to_sample() -> None:
    """Drop this session's data and reopen the sample company."""
    old = st.session_state.pop("workspace", None)
    if old is not None:
        old.close()
    st.session_state.pop(_CACHE_KEY, None)
    explorer = st.session_state.pop("sql_explorer", None)
    if explorer is not None:
        explorer.close()
    st.session_state.pop("sql_explorer_version", None)


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
    s = ws.settings
    as_of_text = dimensions.as_of_label(ws.con, s)
    origin = "set by you" if s.as_of else "latest date in the data"
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


def download_table(df: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX downloads of a table, made on click (spreadsheet formulas neutralised)."""
    from cxlib.exports import to_csv_bytes, to_xlsx_bytes

    stem = _file_stem(name)
    row = st.container(horizontal=True, gap="small")
    row.download_button(f"{name} (CSV)", lambda: to_csv_bytes(df), file_name=f"{stem}.csv", mime="text/csv",
                        key=key, on_click="ignore", icon=":material/download:")
    row.download_button(f"{name} (XLSX)", lambda: to_xlsx_bytes(df, sheet=stem[:31]), file_name=f"{stem}.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


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


# ---- Session lifetime: release what a closed tab leaves behind (see cxlib.sessions) -------------

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


def _released_here() -> bool:
    """Whether this session's resources were released while it was away."""
    from cxlib import sessions

    session_id = _session_id()
    return session_id is not None and sessions.was_released(session_id)


def _track_workspace(ws: Workspace) -> None:
    """Tie the workspace to this session once; collected after the server dropped the session, release it."""
    from cxlib import sessions

    session_id = _session_id()
    if session_id is not None and sessions.register(session_id, ws):
        sessions.watch(ws, session_id, is_alive=_session_alive)


def _idle_limit_s() -> float:
    """Seconds without a script run before the sweep may release a session the server no longer holds."""
    import os

    try:
        return float(os.environ["JOURNEY_LENS_SESSION_IDLE_S"])
    except (KeyError, ValueError):
        return 2.0 * float(st.get_option("server.disconnectedSessionTTL"))


def sweep_sessions() -> None:
    """Once per script run: mark this session seen, track its SQL sandbox, release sessions long gone.

    With JOURNEY_LENS_SESSION_STATS set (tests and `make load` only), the registry's counts are
    written to that file as JSON after each sweep.
    """
    import json
    import os
    from pathlib import Path

    from cxlib import sessions

    session_id = _session_id()
    if session_id is None:
        return
    sessions.on_release(_drop_server_files)
    sessions.touch(session_id)
    explorer = st.session_state.get("sql_explorer")
    if explorer is not None:
        sessions.register(session_id, explorer)
    sessions.sweep(_idle_limit_s(), is_alive=_session_alive)
    target = os.environ.get("JOURNEY_LENS_SESSION_STATS")
    if target:
        path = Path(target)
        part = path.with_name(f"{path.name}.{os.getpid()}.{session_id}.part")
        part.write_text(json.dumps(sessions.stats().to_dict()), encoding="utf-8")
        part.replace(path)


# ---- Exports, shareable views and saved workspaces (the meeting-pack helper) ------------------

PNG_HINT = "PNG export needs Chromium: apt-get install chromium"
SMALL_TABLE_ROWS = 25          # tables up to this many rows are drawn as HTML, longer ones as a grid
LINK_WORKSPACE, LINK_HASH = "ws", "h"
SAMPLE_ID, UNSAVED_ID = "sample", "unsaved"
_PNG_KEY = "_jl_png"           # chart key → (figure fingerprint, PNG bytes)
_HASH_KEY = "_jl_content_hash"  # (id, version) of the workspace → its content hash
_ID_KEY = "_jl_workspace_id"   # (id, version) of the workspace → the id it was saved or opened under
_WRITTEN_KEY = "_jl_link_written"  # the (ws, h) this session last put in the address


def _file_stem(name: str) -> str:
    """A download's file name from a chart or table name: letters, digits, dots, dashes and underscores."""
    import re

    return re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "journey_lens"


def show_chart(fig: Any, name: str, key: str) -> None:
    """A Plotly chart with a row of downloads under it: PNG (drawn on click) and interactive HTML.

    The PNG is drawn only when asked for (one click on "PNG", then "Download PNG"), and kept for
    this figure until it changes; without Chromium the PNG button says what to install.
    """
    import hashlib

    from cxlib import images

    st.plotly_chart(fig, key=key, width="stretch")
    stem = _file_stem(name)
    row = st.container(horizontal=True, gap="small")
    slot = row.empty()
    if not images.chromium_available():
        if slot.button("PNG", key=f"{key}_png", icon=":material/image:", help=PNG_HINT):
            st.info(PNG_HINT + " — then reload this page. The HTML download works without it.",
                    icon=":material/info:")
    else:
        stamp = hashlib.sha256(fig.to_json().encode("utf-8")).hexdigest()
        drawn: dict = st.session_state.setdefault(_PNG_KEY, {})
        ready = drawn.get(key)
        if (ready is None or ready[0] != stamp) and slot.button(
                "PNG", key=f"{key}_png", icon=":material/image:", help="Draw this chart as a PNG image"):
            with st.spinner("Drawing the chart as PNG…"):
                png = run_safely(lambda: images.figure_png(fig))
            if png is not None:
                drawn[key] = ready = (stamp, png)
        if ready is not None and ready[0] == stamp:
            slot.download_button("Download PNG", ready[1], file_name=f"{stem}.png", mime="image/png",
                                 key=f"{key}_png_file", on_click="ignore", icon=":material/download:",
                                 type="primary")
    row.download_button("HTML", lambda: images.figure_html(fig), file_name=f"{stem}.html", mime="text/html",
                        key=f"{key}_html", on_click="ignore", icon=":material/code:",
                        help="The interactive chart as one HTML file (works offline)")


def _cell_text(value: Any) -> Any:
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
    from cxlib.exports import to_csv_bytes, to_xlsx_bytes

    if html or len(df) <= SMALL_TABLE_ROWS:
        st.table(df.reset_index(drop=True).style.hide(axis="index").format(_cell_text))
    else:
        st.dataframe(df, hide_index=True, width="stretch")
    stem = _file_stem(name)
    row = st.container(horizontal=True, gap="small")
    row.download_button("CSV", lambda: to_csv_bytes(df), file_name=f"{stem}.csv", mime="text/csv",
                        key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    row.download_button("XLSX", lambda: to_xlsx_bytes(df, sheet=stem[:31]), file_name=f"{stem}.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


def workspace_store() -> Any:
    """The server-side workspace store when an administrator configured one (env or secrets), else None."""
    import os

    from cxlib.saved import store_from_config

    try:
        secrets: Any = st.secrets if st.secrets.load_if_toml_exists() else None
    except Exception:  # noqa: BLE001 - an unreadable secrets file means no store, not a crash
        secrets = None
    return store_from_config(os.environ, secrets)


def _ws_ref(ws: Workspace) -> tuple[int, int]:
    return id(ws), ws.version


def content_hash(ws: Workspace) -> str:
    """The workspace's content hash (what a link records), computed once per data version."""
    from cxlib.saved import workspace_hash

    known = st.session_state.get(_HASH_KEY)
    if known is not None and known[0] == _ws_ref(ws):
        return known[1]
    digest = workspace_hash(ws)
    st.session_state[_HASH_KEY] = (_ws_ref(ws), digest)
    return digest


def workspace_id(ws: Workspace) -> str:
    """The id a link names: the saved workspace it was opened or saved as, "sample", or "unsaved"."""
    known = st.session_state.get(_ID_KEY)
    if known is not None and known[0] == _ws_ref(ws):
        return known[1]
    return SAMPLE_ID if ws.is_sample else UNSAVED_ID


def remember_workspace_id(ws: Workspace, saved_id: str) -> None:
    """Links made on this workspace (as it is now) name `saved_id`; any later change makes it unsaved."""
    st.session_state[_ID_KEY] = (_ws_ref(ws), saved_id)


def use_workspace(new: Workspace, saved_id: str | None = None) -> None:
    """Make `new` this session's workspace (the old one is closed, cached results dropped)."""
    reset_to_sample()
    st.session_state["workspace"] = new
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
    from cxlib.saved import open_workspace as open_saved

    if link_hash == content_hash(ws):
        return None
    changed = "The data changed since this link was made; the numbers would differ, so they are not shown."
    if link_id == SAMPLE_ID:
        if ws.is_sample:
            return changed
        sample = open_saved(_sample_archive())
        sample.label, sample.is_sample = SAMPLE_LABEL, True
        use_workspace(sample)
        st.rerun()
    store = workspace_store()
    if store is not None and link_id not in ("", UNSAVED_ID):
        try:
            opened = store.open(link_id, expected_hash=link_hash)
        except CxError as exc:
            if "changed since" in str(exc):
                return changed
            return f"This link was made on workspace {link_id}, which is not available here."
        use_workspace(opened, link_id)
        st.rerun()
    if link_id == workspace_id(ws):
        return changed
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


def meeting_pack_buttons(build: Callable[[], Any], name: str, key: str, stamp: Any) -> None:
    """One click makes the meeting pack (PPTX and PDF of `build()`'s PackContent), then both download.

    `stamp` names what the pack was made from (e.g. the data version and the account id): a pack made
    for anything else is never offered.
    """
    from cxlib import images
    from cxlib.pack import write_pdf, write_pptx

    state_key = f"_jl_pack_{key}"
    stem = _file_stem(name)
    slot = st.empty()   # the button, replaced by the two downloads once the pack is made
    made = st.session_state.get(state_key)
    if made is None or made[0] != repr(stamp):
        if not slot.button("Meeting pack (PPTX and PDF)", key=f"{key}_make", icon=":material/slideshow:",
                           help="Title slide, funnel, journey map, scores against the desired state, voice of "
                                "the customer and the meeting summary, as a PowerPoint deck and a PDF"):
            return
        if not images.chromium_available():
            st.info(PNG_HINT + ": the pack's charts are images.", icon=":material/info:")
            return

        def make() -> tuple[bytes, bytes]:
            content = build()
            pptx, pdf = io.BytesIO(), io.BytesIO()
            write_pptx(content, pptx)
            write_pdf(content, pdf)
            return pptx.getvalue(), pdf.getvalue()

        with st.spinner("Drawing the charts and writing the pack…"):
            files = run_safely(make)
        if files is None:
            return
        made = (repr(stamp), *files)
        st.session_state[state_key] = made
    row = slot.container(horizontal=True, gap="small")
    row.download_button("Download pack (PPTX)", made[1], file_name=f"{stem}.pptx", key=f"{key}_pptx",
                        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        on_click="ignore", icon=":material/download:", type="primary")
    row.download_button("Download pack (PDF)", made[2], file_name=f"{stem}.pdf", key=f"{key}_pdf",
                        mime="application/pdf", on_click="ignore", icon=":material/download:")
