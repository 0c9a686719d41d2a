"""Journey Lens: the router and frame. Pages hold layout; cxlib holds everything else."""

from __future__ import annotations

import streamlit as st

from app_pages._controls import keep_widget_values
from app_pages._lifetime import share_cores, sweep_sessions
from app_pages._profile import profiled
from app_pages._session import reset_to_sample, workspace

st.set_page_config(page_title="Journey Lens", page_icon=":material/route:", layout="wide")

PAGES = {
    "Journey": [
        st.Page("app_pages/funnel.py", title="Funnel", icon=":material/filter_alt:", default=True),
        st.Page("app_pages/journey.py", title="Journey map", icon=":material/route:"),
        st.Page("app_pages/account.py", title="Account", icon=":material/person_search:"),
        st.Page("app_pages/early_warning.py", title="Early warning", icon=":material/notification_important:"),
        st.Page("app_pages/stories.py", title="Stories", icon=":material/auto_stories:"),
        st.Page("app_pages/centricity.py", title="Centricity", icon=":material/volunteer_activism:"),
    ],
    "Engagement": [
        st.Page("app_pages/scores.py", title="Scores", icon=":material/speed:"),
        st.Page("app_pages/outcomes.py", title="Outcomes & voice", icon=":material/sentiment_satisfied:"),
        st.Page("app_pages/segments.py", title="Segments", icon=":material/compare_arrows:"),
        st.Page("app_pages/drivers.py", title="Drivers", icon=":material/troubleshoot:"),
    ],
    "Data": [
        st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("app_pages/sql.py", title="SQL", icon=":material/terminal:"),
        st.Page("app_pages/workspace.py", title="Workspace", icon=":material/save:"),
    ],
}

navigation = st.navigation(PAGES, expanded=True)  # 13 pages: every one in view, the Data page included
with profiled(navigation.title):  # `make profile-pages` and `make load` only; a no-op otherwise
    ws = workspace()
    sweep_sessions()  # marks this session seen; a background thread releases sessions long gone
    share_cores(ws)   # a lone user's queries use every core; under load each session's use one

    with st.sidebar:
        st.markdown("### Journey Lens")
        if ws.is_sample:
            st.info(f"**{ws.label}**\n\nUpload your own exports on the Data page.", icon=":material/science:")
        else:
            st.success(f"**{ws.label}**", icon=":material/dataset:")
        if not ws.is_sample and st.button("Reset to sample data", icon=":material/restart_alt:",
                                          width="stretch"):
            reset_to_sample()
            st.rerun()

    keep_widget_values(ws)  # choices inside a closed lazy tab or expander survive until it opens again
    navigation.run()
