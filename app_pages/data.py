"""Data: upload exports, see the honest load report, confirm the mapping, validate."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from cxlib import mapping as mp
from cxlib.exports import to_csv_bytes
from cxlib.mapping import shapes
from cxlib.mapping.activity_values import activity_type_values
from cxlib.loading import rejected_rows
from cxlib.stages import LOST_DEAL
from cxlib.workspace import Workspace, connect
from app_pages._controls import edits_belong_to_data, settings_caption
from app_pages._session import cached, drop_cached, run_safely, use_workspace, workspace
from app_pages._tables import html_table

MAP_EDIT = "map_edit_"      # every mapping-editor widget key starts so: they belong to one data version
MAP_EDIT_OWNER = "_jl_map_edit_for"
ACCEPTED = ["csv", "tsv", "txt", "xlsx", "xls", "parquet"]
MAX_MB = int(st.get_option("server.maxUploadSize"))

st.title("Data")
ws = workspace()
settings_caption(ws)


def _load_upload(files: list) -> None:
    """Replace this session's data with the uploaded files, showing progress as it goes."""
    new = Workspace(con=connect(), label="Your upload: " + ", ".join(f.name for f in files))
    with st.status(f"Loading {len(files)} file(s)…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(message: str, fraction: float) -> None:
            status.update(label=message)
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        new.load([(f.name, f.getvalue()) for f in files], progress=progress,
                 max_bytes=MAX_MB * 1024 * 1024, hints=st.session_state.get("load_hints"))
        if new.reports:
            new.apply(new.suggest_mapping())
        failed = f", {len(new.errors)} could not be read" if new.errors else ""
        status.update(label=f"Loaded {len(new.reports)} table(s){failed}.",
                      state="error" if new.errors and not new.reports else "complete", expanded=False)
    use_workspace(new)
    st.session_state["mapping_confirmed"] = False


with st.container(border=True):
    st.markdown("#### Upload your exports")
    st.caption(f"CSV, TSV, TXT, XLSX, XLS or Parquet — several at once; up to {MAX_MB} MB per file. "
               "Accounts, stage snapshots, journey events, survey responses, factor ratings and activities are "
               "recognised from their columns; you confirm below.")
    uploads = st.file_uploader("Drop files here", type=ACCEPTED, accept_multiple_files=True,
                               key="uploads", label_visibility="collapsed")
    signature = tuple((f.name, f.size, f.file_id) for f in uploads or [])
    if uploads and st.session_state.get("loaded_signature") != signature:
        too_big = [f for f in uploads if f.size > MAX_MB * 1024 * 1024]
        if too_big:
            st.error(f"{too_big[0].name}: the file is {too_big[0].size / 1e6:.0f} MB; the limit is {MAX_MB} MB.")
        else:
            _load_upload(uploads)
            st.session_state["loaded_signature"] = signature
            st.rerun()
    if ws.is_sample:
        st.info("You are looking at the sample company. Upload your own files to replace it for this "
                "browser session only; nobody else sees what you upload.", icon=":material/lock:")

ws = workspace()
for err in ws.errors:
    st.error(str(err), icon=":material/error:")

# ---- Load report ---------------------------------------------------------------------------------
st.subheader("Load report")
if not ws.reports:
    st.warning("Nothing is loaded yet. Upload a file above.")
    st.stop()

totals = pd.DataFrame([{
    "table": r.table, "source": r.source + (f" [{r.sheet}]" if r.sheet else ""),
    "rows read": r.rows_read, "rows loaded": r.rows_loaded, "rows rejected": r.rows_rejected,
    "skipped lines": r.skipped_lines} for r in ws.reports])
c1, c2, c3, c4 = st.columns(4)
c1.metric("Tables", len(ws.reports), help="One table per CSV/TSV/TXT/Parquet file and per non-empty Excel sheet.")
c2.metric("Rows read", f"{int(totals['rows read'].sum()):,}",
          help="Data rows below the header, title and footer lines not counted. Rows read = rows loaded + rows rejected.")
c3.metric("Rows loaded", f"{int(totals['rows loaded'].sum()):,}", help="Rows stored in the session's database.")
c4.metric("Rows rejected", f"{int(totals['rows rejected'].sum()):,}",
          help="Rows that could not be read as they are (wrong number of fields, a value that does not "
               "fit its column); each is listed below with its line number and reason.")
html_table(totals)

hints: dict[str, str] = dict(st.session_state.get("load_hints") or {})
shape_of = {t.table: t.shape for t in (ws.mapping.tables if ws.mapping else [])}


def _answer(key: str, option: str) -> None:
    """Take a recognised tool's suggested answer to a loader question (the user clicked it)."""
    st.session_state[key] = option


for rep in ws.reports:
    label = f"{rep.table} — {rep.source}" + (f" [{rep.sheet}]" if rep.sheet else "")
    with st.expander(label, expanded=bool(rep.questions or rep.rows_rejected)):
        if shape_of.get(rep.table) is not None:
            st.caption(f"Recognised as: **{shape_of[rep.table].label}**")
        if rep.skipped_lines:
            st.caption(f"Skipped {rep.skipped_lines} line(s) that are not data: {rep.skipped_note or 'titles or footers'}.")
        for warning in rep.warnings:
            st.warning(warning)
        cols = pd.DataFrame([{"column": c.name, "type": c.type, "nulls": c.nulls,
                              "examples": ", ".join(c.examples), "note": c.note or ""} for c in rep.columns])
        st.dataframe(cols, hide_index=True, width="stretch")
        suggested = shapes.suggested_answers(shape_of.get(rep.table), rep.questions)
        for q in rep.questions:
            key = f"q_{rep.table}_{q.column}"
            choice = st.radio(q.message, q.options, index=None, key=key, horizontal=True)
            if q.column in suggested and not choice:
                option, why = suggested[q.column]
                st.button(f"Use {option}: {why}", key=f"use_{key}", on_click=_answer, args=(key, option),
                          icon=":material/lightbulb:", help="A suggestion from the recognised export shape; "
                          "nothing is assumed until you choose and reload.")
            if choice:
                hints[q.column] = choice
        if rep.rows_rejected:
            rejects = rejected_rows(ws.con, rep)
            st.markdown(f"**{rep.rows_rejected} rejected row(s)**")
            st.dataframe(rejects, hide_index=True, width="stretch")
            st.download_button("Download rejected rows (CSV)", to_csv_bytes(rejects),
                               file_name=f"{rep.table}_rejected.csv", key=f"rej_{rep.table}",
                               icon=":material/download:")
if hints != (st.session_state.get("load_hints") or {}):
    st.session_state["load_hints"] = hints
    if st.button("Reload with these answers", type="primary") and uploads:
        _load_upload(uploads)
        st.rerun()

# ---- Mapping ------------------------------------------------------------------------------------
st.subheader("Mapping")
current = ws.mapping or ws.suggest_mapping()
# Unapplied edits belong to the data they were made on: new data or an applied mapping starts from its own.
edits_belong_to_data(ws, MAP_EDIT_OWNER, prefix=MAP_EDIT)
confirmed = ws.is_sample or st.session_state.get("mapping_confirmed", False)
st.caption(("Confirmed. " if confirmed else "Suggested by Journey Lens from column names and values — "
            "review each table and press **Apply mapping**. ")
           + "Every number in the app is computed from the canonical views this mapping builds.")

def _shape_choices(tm: mp.TableMapping) -> dict[str, str]:
    """Shape id → label of every export shape that fits this table, its current one first, and "no shape"."""
    labels = {str(c.name): str(c.label) for r in ws.reports if r.table == tm.table for c in r.columns
              if getattr(c, "label", None)}
    choices = {r.shape.id: r.shape.label for r in          # matched once per data version (cached)
               cached("shapes.candidates", shapes.candidates, tm.table, tm.source, labels)}
    if tm.shape is not None:
        choices = {tm.shape.id: tm.shape.label} | choices
    return choices | {shapes.NO_SHAPE: "no shape: read by column names and values only"}


edited_tables = []
for tm in current.tables:
    title = f"{tm.table}: {tm.kind}" + (f" — recognised as {tm.shape.label}" if tm.shape else "")
    with st.expander(title, expanded=not confirmed):
        choices = _shape_choices(tm)
        current_id = tm.shape.id if tm.shape else shapes.NO_SHAPE
        picked_shape = st.selectbox("Recognised as", list(choices), index=list(choices).index(current_id),
                                    key=f"{MAP_EDIT}shape_{tm.table}", format_func=lambda i, c=choices: c[i],
                                    help="The tool and export shape Journey Lens recognised from the headers, "
                                         "values and file name. Choose another shape that fits, or none.")
        if picked_shape != current_id:
            tm = mp.suggest_table(ws.con, tm.table, tm.source, current.settings.stages, shape_id=picked_shape)
        for note in tm.shape.notes if tm.shape else []:
            st.caption(note)
        shape_key = tm.shape.id if tm.shape else "none"
        kind = st.selectbox("Kind of table", mp.KINDS, index=mp.KINDS.index(tm.kind),
                            key=f"{MAP_EDIT}kind_{tm.table}_{shape_key}")
        roles = mp.ROLES[kind]
        frame = pd.DataFrame({"column": list(tm.roles), "role": [r if r in roles else "ignore" for r in tm.roles.values()]})
        edited = st.data_editor(
            frame, hide_index=True, disabled=["column"], key=f"{MAP_EDIT}roles_{tm.table}_{kind}_{shape_key}",
            width="stretch",
            column_config={"role": st.column_config.SelectboxColumn("role", options=roles, required=True)})
        table_as_of, survey_type = tm.as_of, tm.survey_type
        if kind == "stage_snapshots":
            picked = st.date_input("Snapshot as-of date (when no column gives it)", key=f"{MAP_EDIT}asof_{tm.table}",
                                   value=dt.date.fromisoformat(tm.as_of[:10]) if tm.as_of else None)
            table_as_of = picked.isoformat() if picked else None
        if kind == "surveys":
            types = [None, *mp.SURVEY_TYPES]
            survey_type = st.selectbox("Survey type (when no column gives it)", types,
                                       index=types.index(tm.survey_type) if tm.survey_type in types else 0,
                                       key=f"{MAP_EDIT}stype_{tm.table}", format_func=lambda t: t or "from the data")
        edited_tables.append(mp.TableMapping(table=tm.table, source=tm.source, kind=kind,
                                             roles=dict(zip(edited["column"], edited["role"])),
                                             as_of=table_as_of, survey_type=survey_type, shape=tm.shape))
# A draft of its own: settings are edited on a copy, so nothing reaches the workspace before Apply; every other
# part saved with the mapping (scores, warnings, story weights, themes) comes through Apply and the download.
draft = replace(copy.deepcopy(replace(current, tables=[])), tables=edited_tables)

# Through the session's cache (the untouched sample's from the server's): a rerun, or a later visitor
# of the sample, reads no raw table for these.
values = cached("mapping.stage_values", mp.stage_values, draft)
if not values.empty:
    st.markdown("**Stage values** — each raw value is mapped onto a stage of the journey.")
    unmapped = values[values["mapped_stage"].isna()]
    if len(unmapped):
        st.warning(f"{len(unmapped)} stage value(s) are not mapped ({int(unmapped['rows'].sum())} rows): "
                   "map them below, or those rows of events and snapshots are excluded (survey rows are kept without a stage).")
    stage_names = [s.name for s in draft.settings.stages] + [LOST_DEAL]
    edited_values = st.data_editor(
        values[["value", "rows", "mapped_stage"]], hide_index=True, disabled=["value", "rows"],
        key=f"{MAP_EDIT}stage_values", width="stretch",
        column_config={"mapped_stage": st.column_config.SelectboxColumn("stage", options=stage_names)})
    draft.stage_map.update({v: (s if isinstance(s, str) and s else None)
                            for v, s in zip(edited_values["value"], edited_values["mapped_stage"])})

activity_types = cached("mapping.activity_type_values", activity_type_values, draft)
if not activity_types.empty:
    st.markdown("**Activity types** — each raw type value as it is read (six languages; a value that names "
                "no type is *other*, never dropped).")
    html_table(activity_types)

with st.expander("Settings every number depends on"):
    s = draft.settings
    as_of = st.date_input("As-of date (blank: the latest date in the data)",
                          value=s.as_of.date() if s.as_of else None, key=f"{MAP_EDIT}as_of")
    s.as_of = dt.datetime.combine(as_of, dt.time()) if as_of else None
    s.fiscal_year_start_month = st.number_input("Fiscal year starts in month", 1, 12, s.fiscal_year_start_month,
                                                 key=f"{MAP_EDIT}fiscal_start")
    s.min_n = st.number_input("Minimum n (smaller groups are greyed, never marked significant)", 1, 10_000, s.min_n,
                              key=f"{MAP_EDIT}min_n")
    zone = st.text_input("Time zone of the sources (IANA name)", value=s.timezone("*"), key=f"{MAP_EDIT}tz")
    # A zone a recognised export writes in its header ("Updated at (America/New_York)") stays that table's.
    own = {tm.table: tm.shape.timezone for tm in draft.tables if tm.shape is not None and tm.shape.timezone}
    for table, table_zone in own.items():
        st.caption(f"{table}: {table_zone}, as its export's header says.")
    s.timezones = {tm.table: zone for tm in draft.tables} | own | {"*": zone}

left, right = st.columns(2)
if left.button("Apply mapping", type="primary", icon=":material/check:"):
    problems = mp.check_mapping(ws.con, draft)
    if problems:
        for p in problems:
            st.error(str(p))
    else:
        ws.apply(draft)
        st.session_state["mapping_confirmed"] = True
        drop_cached()
        st.rerun()
right.download_button("Download mapping (JSON)", draft.to_json(), file_name="journey_lens_mapping.json",
                      mime="application/json", icon=":material/download:")
uploaded_mapping = st.file_uploader("Reuse a saved mapping (JSON)", type=["json"], key="mapping_upload")
if uploaded_mapping is not None and st.session_state.get("mapping_upload_id") != uploaded_mapping.file_id:
    st.session_state["mapping_upload_id"] = uploaded_mapping.file_id

    def _reuse() -> None:
        fitted = mp.fit_mapping(ws.con, mp.Mapping.from_json(uploaded_mapping.getvalue().decode("utf-8")), ws.reports)
        problems = mp.check_mapping(ws.con, fitted)
        for p in problems:
            st.error(str(p))
        if not problems:
            ws.apply(fitted)
            st.session_state["mapping_confirmed"] = True
            st.rerun()

    run_safely(_reuse)

# ---- Validation ---------------------------------------------------------------------------------
if ws.validation:
    st.subheader("Validation")
    st.caption("For each canonical view: rows in = rows used + rows excluded, with the reason for each exclusion.")
    summary = pd.DataFrame([{"view": v.view, "rows in": v.rows_in, "rows used": v.rows_used,
                             "rows excluded": v.rows_excluded} for v in ws.validation])
    html_table(summary)
    for v in ws.validation:
        if v.rows_excluded:
            with st.expander(f"{v.view}: {v.rows_excluded} excluded"):
                html_table(v.reasons)
                st.download_button(f"Download excluded {v.view} rows (CSV)",
                                   lambda view=v.view: to_csv_bytes(mp.excluded_rows(ws.con, view)),
                                   file_name=f"{v.view}_excluded.csv", key=f"exc_{v.view}", on_click="ignore",
                                   icon=":material/download:")   # the rows are read on click
    matches = cached("mapping.key_match", mp.key_match)
    if matches:
        st.markdown("**Account id match** — share of rows whose account id is found in the accounts table.")
        html_table(pd.DataFrame([{"view": k.view, "rows": k.rows, "matched": k.matched,
                                    "share": f"{k.share:.1%}"} for k in matches]))
