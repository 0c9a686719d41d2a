"""The control for `make load` and `make bench-upload`: Journey Lens's navigation, nothing computed.

Run with `--root tests/control_app`. The same 13 page titles, addresses and sidebar as the real app
(`app.py`), the same server settings (`.streamlit/config.toml` is a link to the app's), and on every
page what a light page of ours draws: a title, three metric cards, one Plotly chart and a 20-row
table, all constants. The Data page's uploader counts each file's lines and says
"Your upload: <first file>", as the real Data page does. Whatever these pages cost in the browser and
on the server is the floor that any real page stands on in the same run: the measurement that tells
the harness's own cost (20 Chromium tabs on the server's 2 cores) from ours.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Journey Lens (control)", page_icon=":material/route:", layout="wide")

STAGES = ["Awareness", "Consideration", "Purchase", "Onboarding", "Adoption", "Retention", "Advocacy"]
ACCOUNTS = [2000, 1620, 1204, 1103, 912, 640, 318]
TABLE = [{"step": i % 7 + 1, "stage": STAGES[i % 7], "accounts": ACCOUNTS[i % 7],
          "share of step 1": f"{ACCOUNTS[i % 7] / ACCOUNTS[0]:.1%}"} for i in range(20)]


def _light_page(title: str) -> None:
    """Title, three metric cards, one chart, one 20-row table: constants only."""
    st.title(title)
    first, second, third = st.columns(3)
    first.metric("Accounts in the funnel", f"{ACCOUNTS[0]:,}")
    second.metric("Accounts reaching the last step", f"{ACCOUNTS[-1]:,}")
    third.metric("Overall conversion", f"{ACCOUNTS[-1] / ACCOUNTS[0]:.1%}")
    figure = go.Figure(go.Funnel(y=STAGES, x=ACCOUNTS))
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10))
    st.plotly_chart(figure, width="stretch")
    st.table(TABLE)


def _data_page() -> None:
    """The uploader the load scripts use; the load report is each file's line count."""
    st.title("Data")
    files = st.file_uploader("Upload exports", accept_multiple_files=True)
    if files:
        st.success(f"Your upload: {files[0].name}")
        rows = sum(max(f.getvalue().count(b"\n") - 1, 0) for f in files)
        st.metric("Rows read", f"{rows:,}")
    st.table(TABLE)


def _page(title: str, url_path: str, icon: str, **kwargs: bool) -> st.Page:
    if url_path == "data":
        return st.Page(_data_page, title=title, url_path=url_path, icon=icon)
    return st.Page(lambda: _light_page(title), title=title, url_path=url_path, icon=icon, **kwargs)


PAGES = {
    "Journey": [
        _page("Funnel", "funnel", ":material/filter_alt:", default=True),
        _page("Journey map", "journey", ":material/route:"),
        _page("Account", "account", ":material/person_search:"),
        _page("Early warning", "early_warning", ":material/notification_important:"),
        _page("Stories", "stories", ":material/auto_stories:"),
        _page("Centricity", "centricity", ":material/volunteer_activism:"),
    ],
    "Engagement": [
        _page("Scores", "scores", ":material/speed:"),
        _page("Outcomes & voice", "outcomes", ":material/sentiment_satisfied:"),
        _page("Segments", "segments", ":material/compare_arrows:"),
        _page("Drivers", "drivers", ":material/troubleshoot:"),
    ],
    "Data": [
        _page("Data", "data", ":material/upload_file:"),
        _page("SQL", "sql", ":material/terminal:"),
        _page("Workspace", "workspace", ":material/save:"),
    ],
}

navigation = st.navigation(PAGES, expanded=True)
with st.sidebar:
    st.markdown("### Journey Lens (control)")
    st.info("**Control app**\n\nNothing is computed here.", icon=":material/science:")
navigation.run()
