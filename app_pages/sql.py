"""SQL: read-only queries over this session's own tables, in a locked-down sandbox."""

from __future__ import annotations

import streamlit as st

from cxlib import sql
from cxlib.errors import QueryRefused
from cxlib.exports import to_csv_bytes
from cxlib.figures.data import result_chart
from cxlib.workspace import Workspace
from app_pages._controls import settings_caption
from app_pages._session import cached, workspace

st.title("SQL")
ws = workspace()
settings_caption(ws)
st.caption("One SELECT or WITH query over your session's tables and the canonical views. Files, "
           "network, extensions and settings are out of reach; queries stop after "
           f"{sql.DEFAULT_TIMEOUT_S:.0f} s and show at most {sql.DEFAULT_LIMIT:,} rows (download for all).")


def explorer(ws: Workspace) -> sql.Explorer:
    """The session's sandbox, rebuilt when the data or mapping changes."""
    current = st.session_state.get("sql_explorer")
    stamp = ws.stamp  # a new upload is a new workspace, whose version may repeat; its stamp never does
    if current is not None and st.session_state.get("sql_explorer_stamp") == stamp:
        return current
    if current is not None:
        current.close()
    fresh = sql.Explorer(ws.con)
    st.session_state["sql_explorer"] = fresh
    st.session_state["sql_explorer_stamp"] = stamp
    return fresh


browser, editor = st.columns([1, 3])
with browser:
    st.markdown("**Tables**")
    # Listed from the session's own catalogue: the sandbox (a copy of every table) is built only when a
    # query runs, so a visit that runs none copies nothing.
    listing = cached("sql.session_tables", sql.session_tables)
    for table, cols in listing.groupby("table", sort=False):
        with st.expander(table):
            st.markdown("\n".join(f"- `{c}` {t}" for c, t in zip(cols["column"], cols["type"])))
with editor:
    query = st.text_area("Query", key="sql_query", height=160,
                         value=sql.EXAMPLE_QUERY)
    if st.button("Run", type="primary", icon=":material/play_arrow:") or "sql_result" in st.session_state:
        ex = explorer(ws)
        try:
            result = sql.run_query(ex, query)
        except QueryRefused as exc:
            st.error(str(exc), icon=":material/block:")
            detail = getattr(exc, "detail", None)
            if detail and detail != str(exc):
                st.code(detail, language=None)
        else:
            st.session_state["sql_result"] = True
            note = f"{result.total_rows:,} rows in {result.elapsed_s:.2f} s"
            if result.truncated:
                note += f" — showing the first {len(result.df):,}; download for all"
            st.caption(note)
            table_tab, chart_tab = st.tabs(["Table", "Chart"])
            table_tab.dataframe(result.df, hide_index=True, width="stretch")
            chart_tab.plotly_chart(result_chart(result.df), width="stretch")
            frame = result.df
            data = (lambda: sql.full_result_csv(ex, query)) if result.truncated else (lambda: to_csv_bytes(frame))
            st.download_button("Download full result (CSV)", data, file_name="query_result.csv",
                               mime="text/csv", icon=":material/download:", on_click="ignore")   # made on click
