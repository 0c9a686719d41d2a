"""Journey map: how accounts move between stages — Sankey of the first moves, top paths, emotion curve."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import journey as jn
from cxlib.figures import journey as figs
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import segment_filter, settings_caption
from app_pages._session import cached, run_safely, workspace
from app_pages._tables import download_table, styled_table

st.title("Journey map")
ws = workspace()
settings_caption(ws)
settings = ws.settings
st.caption("Each account's stage entries in time order (entries at the same time in stage order; repeated "
           "entries of one stage are one visit). A **return** goes back up the funnel or from an exit back "
           "into it; an **exit** enters Disappointment, Churn or Lost deal.")

segment = segment_filter(ws, key="journey_segment", label="Filter by segment")
segment_text = "all accounts" if segment is None else \
    f"{segment[0]} = {jn.NONE_SEGMENT if segment[1] is None else segment[1]}"

moves = run_safely(lambda: cached("journey.transitions", jn.transitions, settings, segment))
if moves is None:
    st.stop()
paths_all = cached("journey.top_paths", jn.top_paths, 1, settings, segment)
if paths_all.empty:
    if segment is None:
        st.info("No journey events are mapped — see the **Data** page to load a file with an account, a stage "
                "and a date column (or monthly stage snapshots) and map it.", icon=":material/info:")
    else:
        st.info(f"No account in {segment_text} has journey events. Pick another segment value.",
                icon=":material/info:")
    st.stop()

# ---- Headline -----------------------------------------------------------------------------------
summary = cached("journey.map_summary", jn.map_summary, settings, segment)
cols = st.columns(4)
cols[0].metric("Accounts on the map", f"{summary['accounts']:,}",
               help=f"Accounts with at least one dated journey event ({segment_text}).")
cols[1].metric("Moves", f"{summary['moves']:,}",
               help="Moves between consecutive visits of different stages, over all accounts.")
cols[2].metric("Returns", f"{summary['returns']:,}",
               help="Moves back up the funnel (to an earlier funnel stage) or from an exit stage back into "
                    "the funnel, such as Disappointment → Loyalty or a churned account coming back.")
cols[3].metric("Exit moves", f"{summary['exit_moves']:,}",
               help="Moves into an exit stage: Disappointment, Churn or Lost deal.")
accounts_behind([number("Accounts on the map", summary["accounts"], bh.journey_accounts, settings, segment)],
                key="behind_journey_cards")

# ---- Sankey -------------------------------------------------------------------------------------
st.subheader("Where accounts go")
max_moves = st.columns([1, 2])[0].slider(
    "Moves shown", 1, 12, 6, key="journey_max_moves",
    help="Each account's first N moves. Nodes are numbered along the path, so a return is a new node further "
         "right rather than a loop.")
sankey = cached("journey.sankey_data", jn.sankey_data, int(max_moves), settings, segment)
sankey_fig = figs.sankey_figure(sankey, title=f"First {max_moves} moves · {segment_text}")
# Tall enough that the small exit and return nodes keep readable labels on a projector.
sankey_fig.update_layout(height=640)
sankey_fig.update_traces(textfont=dict(size=14))
show_chart(sankey_fig, "journey_sankey", key="journey_sankey")
st.caption("Stage colours are the same on every chart; grey links move forward, purple links are returns, "
           "red links are exits. Hover a node or link for its accounts.")

# ---- Top paths ----------------------------------------------------------------------------------
st.subheader("Most common paths")
limit = st.columns([1, 2])[0].slider("Paths shown", 3, 25, 10, key="journey_paths_limit")
paths = cached("journey.top_paths", jn.top_paths, int(limit), settings, segment)
shown = pd.DataFrame({"Path": paths["path"], "Accounts": paths["accounts"], "Share": paths["share"]})
styled_table(shown, formats={"Accounts": "{:,}", "Share": "{:.1%}"})
accounts_behind([number(path, count, bh.journey_accounts, settings, segment, path=list(stages))
                 for path, stages, count in zip(paths["path"], paths["stages"], paths["accounts"], strict=True)],
                key="behind_journey_paths")
st.caption(f"Share: of the {summary['accounts']:,} accounts on the map. A path is the full sequence of visits "
           "up to the as-of date (repeated entries of a stage collapsed).")
show_chart(figs.top_paths_figure(paths, title=f"Top {len(paths)} paths · {segment_text}"),
             "journey_top_paths", key="journey_paths_chart")

with st.expander(f"All stage-to-stage moves ({len(moves):,} pairs)"):
    listing = moves.assign(kind=moves["is_return"].map({True: "return", False: ""})
                           .where(~moves["is_exit"], "exit"))
    st.dataframe(listing[["from_stage", "to_stage", "accounts", "transitions", "kind"]], hide_index=True,
                 width="stretch", column_config={
                     "from_stage": "From", "to_stage": "To",
                     "accounts": st.column_config.NumberColumn("Accounts", help="Distinct accounts making the move."),
                     "transitions": st.column_config.NumberColumn("Moves", help="Every time it was made."),
                     "kind": "Kind"})
    download_table(moves, "journey_transitions", key="dl_journey_transitions")
    accounts_behind([number(f"{a} → {b}", count, bh.journey_accounts, settings, segment, move=(a, b))
                     for a, b, count in zip(moves["from_stage"], moves["to_stage"], moves["accounts"], strict=True)],
                    key="behind_journey_moves")

# ---- Emotion curve ------------------------------------------------------------------------------
st.subheader("Emotion curve")
curve = cached("journey.emotion_curve", jn.emotion_curve, settings, segment)
show_chart(figs.emotion_curve_figure(curve, title=f"NPS and CSAT by stage · {segment_text}"),
             "journey_emotion_curve", key="journey_emotion_chart")
if int(curve["nps_n"].sum()) + int(curve["csat_n"].sum()) == 0:
    st.info("No NPS or CSAT answers are loaded for these accounts: load a survey file on the **Data** page to "
            "see how customers feel at each stage.", icon=":material/info:")
table = pd.DataFrame({
    "Stage": curve["stage"], "Accounts reached": curve["accounts_reached"],
    "NPS": curve["nps"], "NPS answers": curve["nps_n"],
    "CSAT": curve["csat"], "CSAT answers": curve["csat_n"]})
styled_table(table, formats={"Accounts reached": "{:,}", "NPS": "{:+.0f}", "NPS answers": "{:,}",
                               "CSAT": "{:.0%}", "CSAT answers": "{:,}"},
               low_n=curve["low_n"],
               note=f"Grey rows: a score rests on fewer than {settings.min_n} answers, or the stage has no "
                    "answers at all — read with care.")
accounts_behind([number(f"{stage}: accounts reached", count, bh.journey_accounts, settings, segment, stage=stage)
                 for stage, count in zip(curve["stage"], curve["accounts_reached"], strict=True)],
                key="behind_journey_stages")
st.caption("A survey counts for the stage the account stood in when answering (from that stage's entry to "
           "the next entry); a survey row that names its own stage counts there. NPS = % promoters (9–10) "
           "− % detractors (0–6); CSAT = share of 4–5 answers on a 1–5 scale.")
