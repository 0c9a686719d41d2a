"""Workspace: save this session's data as one file and open it again; keep workspaces on the server if set up.

A workspace file is one zip of Parquet tables and JSON (see cxlib.saved): every loaded table, the
mapping with its stage list, weights, targets, thresholds and settings. The server section only
appears when an administrator configured a folder (JOURNEY_LENS_WORKSPACE_DIR or `workspace_dir`
in .streamlit/secrets.toml); everyone using that server then sees what is saved there.
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from cxlib import canonical
from cxlib.saved import open_workspace, save_workspace, workspace_id_for
from app_pages._controls import settings_caption
from app_pages._session import cached, run_safely, workspace
from app_pages._share import remember_workspace_id, use_saved_workspace, view_params, workspace_store
from app_pages._tables import file_stem, show_table

PREVIEW_ROWS = 20
FLASH_KEY = "_jl_workspace_flash"
FILE_KEY = "_jl_workspace_file"
COUNTED = {"Accounts": canonical.ACCOUNTS, "Journey events": canonical.JOURNEY_EVENTS,
           "Survey answers": canonical.SURVEYS, "Factor ratings": canonical.FACTOR_RATINGS,
           "Activities": canonical.ACTIVITIES}

st.title("Workspace")
view_params({"workspace_table": canonical.ACCOUNTS})
ws = workspace()
settings_caption(ws)

flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash, icon=":material/check_circle:")


def _row_counts(con) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows in each canonical view, in one query."""
    counts = ", ".join(f"(SELECT count(*) FROM {canonical.quote(v)}) AS {canonical.quote(v)}"
                       for v in COUNTED.values())
    row = con.execute(f"SELECT {counts}").fetchone()
    return dict(zip(COUNTED.values(), (int(n) for n in row), strict=True))


def _switch_to(new, message: str, saved_id: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Make `new` this session's workspace and say so after the rerun."""
    use_saved_workspace(new, saved_id)
    st.session_state["mapping_confirmed"] = new.mapping is not None  # the Data page: nothing left to confirm
    st.session_state[FLASH_KEY] = message
    st.rerun()


# ---- what is loaded ---------------------------------------------------------------------------

st.markdown("#### What this workspace holds")
counts = run_safely(lambda: cached("workspace.row_counts", _row_counts))
if counts is not None:
    cards = st.columns(len(COUNTED))
    for card, (label, view) in zip(cards, COUNTED.items(), strict=True):
        card.metric(label, f"{counts[view]:,}")
tables = list(canonical.VIEWS) + [r.table for r in ws.reports if getattr(r, "table", None)]
table = st.selectbox("Preview a table", tables, key="workspace_table",
                     help="The canonical views every page reads, then each loaded table as it was read.")
preview = run_safely(lambda: cached("workspace.preview", lambda con, t: con.execute(
    f"SELECT * FROM {canonical.quote(t)} LIMIT {PREVIEW_ROWS}").df(), table))
if preview is not None:
    st.caption(f"The first {PREVIEW_ROWS} rows of {table}.")
    show_table(preview, f"{table}_first_{PREVIEW_ROWS}_rows", key="workspace_preview")

# ---- save to / open from a file ---------------------------------------------------------------

save_col, open_col = st.columns(2)
with save_col, st.container(border=True):
    st.markdown("#### Save to a file")
    st.caption("One .zip file with every loaded table, the mapping, stage list, weights, targets, thresholds "
               "and settings. Open it here later, or on another Journey Lens, to get exactly this data back.")
    file_name = st.text_input("Name", value=ws.label, key="workspace_file_name")
    if st.button("Prepare the workspace file", key="workspace_prepare", icon=":material/save:"):
        buffer = io.BytesIO()
        digest = run_safely(lambda: save_workspace(ws, buffer, name=file_name))
        if digest is not None:
            st.session_state[FILE_KEY] = (ws.stamp, file_name, buffer.getvalue())
    prepared = st.session_state.get(FILE_KEY)
    if prepared is not None and prepared[0] == ws.stamp:
        _, prepared_name, data = prepared
        st.download_button(f"Download “{prepared_name}” ({len(data) / 1024:,.0f} KB)", data,
                           file_name=f"{file_stem(workspace_id_for(prepared_name))}.zip",
                           mime="application/zip", key="workspace_download", on_click="ignore",
                           icon=":material/download:", type="primary")

with open_col, st.container(border=True):
    st.markdown("#### Open a saved file")
    st.caption("Replaces this session's data with the file's. Files are checked before anything is loaded: "
               "a damaged or changed file is refused.")
    upload = st.file_uploader("Workspace file", type=["zip"], key="workspace_upload")
    if upload is not None and st.button("Open this workspace", key="workspace_open_file",
                                        icon=":material/folder_open:", type="primary"):
        opened = run_safely(lambda: open_workspace(upload.getvalue()))
        if opened is not None:
            _switch_to(opened, f"Opened “{opened.label}” from {upload.name}.")

# ---- the server's saved workspaces (only when configured) --------------------------------------

store = workspace_store()
if store is not None:
    with st.container(border=True):
        st.markdown("#### Saved on this server")
        st.warning("Everyone using this server sees the workspaces saved here and can open them. "
                   "Save only data that every user of this server may see.", icon=":material/group:")
        saved = store.list()
        server_name = st.text_input("Name", value=ws.label, key="workspace_server_name")
        existing = saved[saved["workspace_id"] == workspace_id_for(server_name)] if server_name.strip() else saved[:0]
        overwrite = False
        if len(existing):
            latest = int(existing["version"].max())
            st.caption(f"“{server_name}” is saved already (latest version {latest}): saving adds version "
                       f"{latest + 1} and keeps the others.")
            overwrite = st.checkbox(f"Overwrite version {latest} instead (it cannot be recovered)",
                                    key="workspace_overwrite")
        if st.button("Save on the server", key="workspace_save_server", icon=":material/cloud_upload:",
                     disabled=not server_name.strip()):
            ref = run_safely(lambda: store.save(ws, server_name.strip(), overwrite=overwrite))
            if ref is not None:
                remember_workspace_id(ws, ref.workspace_id)
                verb = "Overwrote" if overwrite else "Saved"
                st.session_state[FLASH_KEY] = f"{verb} “{server_name.strip()}” as {ref.workspace_id} version {ref.version}."
                st.rerun()
        if saved.empty:
            st.caption("Nothing is saved on this server yet.")
        else:
            shown = pd.DataFrame({
                "name": saved["name"], "id": saved["workspace_id"], "version": saved["version"],
                "saved (UTC)": saved["saved_at"].dt.strftime("%Y-%m-%d %H:%M"),
                "size (KB)": (saved["size"] / 1024).round().astype("int64"),
            })
            show_table(shown, "saved_workspaces", key="workspace_saved_table")
            choices = list(zip(saved["workspace_id"], saved["version"], saved["name"], strict=True))
            pick = st.selectbox("Saved workspace", choices, key="workspace_saved_pick",
                                format_func=lambda c: f"{c[2]} · version {c[1]} ({c[0]})")
            if st.button("Open", key="workspace_open_saved", icon=":material/folder_open:"):
                opened = run_safely(lambda: store.open(pick[0], int(pick[1])))
                if opened is not None:
                    opened.label = f"{pick[2]} (saved version {pick[1]})"
                    _switch_to(opened, f"Opened “{pick[2]}” version {pick[1]} from this server.", pick[0])
