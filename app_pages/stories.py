"""Stories: the customer stories worth telling — a challenge overcome, value in time, a celebration — with evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import dimensions, meeting, stories
from cxlib.errors import CxError
from cxlib.stories.config import LIMITS
from app_pages._behind import accounts_behind, number
from app_pages._controls import edits_belong_to_data, segment_picker, settings_caption
from app_pages._pack import add_pack_slide
from app_pages._session import cached, run_safely, workspace
from app_pages._tables import download_table

OWNER_KEY = "st_widgets_owner"
PREFIX = "st_w_"

st.title("Stories")
ws = workspace()
settings_caption(ws)
st.caption("Customers (from Decision until Churn) not in Disappointment or Churn now, ranked by the story they "
           "tell: a challenge overcome (C), value reached in time (T) and a celebration others can join (W). "
           "Each card carries its dated evidence; ties are ordered by account id.")

if ws.mapping is None or not ws.reports:
    st.info("No data is loaded yet. Load your journey events (with Decision entries), surveys, factor ratings, "
            "accounts and activities on the **Data** page (or reset to the sample company) to find the stories "
            "worth telling.", icon=":material/info:")
    st.stop()

# Edits belong to one mapping: a new upload or a re-applied mapping starts from its own saved weights.
edits_belong_to_data(ws, OWNER_KEY, prefix=PREFIX)

saved = ws.story_config
with st.expander("Weights (kept with the mapping)", icon=":material/tune:"):
    st.caption("Score = 100 × (w_C·C + w_T·T + w_W·W) ÷ (w_C + w_T + w_W). Saved with the mapping (Data page → "
               "Download mapping).")
    cols = st.columns(3)
    values = {name: box.number_input(label, lo, hi, float(getattr(saved, name)), 0.05, key=f"{PREFIX}{name}")
              for box, (name, (label, lo, hi)) in zip(cols, LIMITS.items())}
config = saved
try:
    candidate = saved.with_edits(**values)
except CxError as exc:
    st.error(f"{exc} — the list below still uses the last valid weights.", icon=":material/error:")
else:
    if candidate != saved:
        ws.set_story_config(candidate)
    config = candidate

left, right = st.columns([2, 1])
with left:
    segment = segment_picker(ws, key="stories_segment", label="Rank timing within the segments of")
top = right.number_input("Stories shown", 1, 100, stories.DEFAULT_TOP, 1, key="stories_top")
st.caption(f"Rule in force: {config.rule()}.")

settings, score_cfg, warn_cfg = ws.settings, ws.score_config, ws.warning_config
if cached("dimensions.as_of_param", dimensions.as_of_param, settings) is None:
    st.info("Nothing is dated yet: stories are told from dated journey entries (Decision, Usage, Disappointment, "
            "Advocacy), survey answers and ratings up to the as-of date. Load a dated file, or set the as-of date "
            "on the **Data** page.", icon=":material/info:")
    st.stop()
run = run_safely(lambda: cached("stories.run", stories.story_run, settings, config, segment))
if run is None:
    st.stop()
found = run_safely(lambda: cached("stories.find", stories.find_with_summary, settings, score_cfg, config, warn_cfg,
                                  run.segment_column, run.as_of))
if found is None:
    st.stop()
table, summary = found
if table.empty:
    customers, ranked = cached("stories.eligible", stories.eligible_count, settings, run.as_of)
    if customers == 0:
        st.info(f"No customers yet at {run.as_of:%Y-%m-%d}: a story needs an account that signed (a Decision "
                "entry) and did not churn. Load journey events with Decision entries, or an accounts table with a "
                "current stage, on the **Data** page.", icon=":material/info:")
    else:
        st.info(f"All {customers:,} customers at {run.as_of:%Y-%m-%d} are in Disappointment: no story to tell "
                "until one recovers.", icon=":material/info:")
    st.stop()

if run.activities == 0:
    st.info("No activities are loaded, so nobody can tell whether an account was used as a reference lately "
            "(reference fatigue shows as unknown). Load an activities export (Salesforce tasks and events, HubSpot "
            "activities, Gainsight timeline) on the **Data** page.", icon=":material/info:")

c1, c2, c3, c4 = st.columns(4)
c1.metric("Customers ranked", f"{summary['ranked']:,}",
          help="Customers at the as-of date, not in Disappointment or Churn.")
c2.metric("Challenge overcome", f"{summary['overcome']:,}",
          help="Accounts with a low point followed by a recovery on a later day (C = 1).")
c3.metric("Median days to value", "–" if summary["median_days"] is None else f"{summary['median_days']:.0f}",
          help=f"Decision to the first Usage after it, over the {summary['with_days']:,} ranked accounts with both "
               "dated" + ("" if summary["with_days"] else " (none has both: no median)") + ".")
c4.metric("Used as a reference (90 days)", f"{summary['references']:,}" if run.activities else "unknown",
          help="Done reference activities in the last 90 days." if run.activities else "No activities are loaded.")

story_args = (settings, score_cfg, config, warn_cfg, run.segment_column, run.as_of)
accounts_behind([number("Customers ranked", summary["ranked"], stories.story_accounts, "ranked", *story_args),
                 number("Challenge overcome", summary["overcome"], stories.story_accounts, "overcome", *story_args),
                 number("With a days to value", summary["with_days"], stories.story_accounts, "with_days",
                        *story_args),
                 *([number("Used as a reference (90 days)", summary["references"], stories.story_accounts,
                           "references", *story_args)] if run.activities else [])], "behind_stories_cards")

download_table(lambda: stories.cli_table(table, None, run.segment_column), "stories", key="dl_stories")

for rank, (_, row) in enumerate(table.head(int(top)).iterrows(), start=1):
    name = row["name"] if not pd.isna(row["name"]) else row["account_id"]
    with st.container(border=True, key=f"story_card_{rank}"):
        head, link = st.columns([3, 1])
        head.markdown(f"**{rank}. {name}** · `{row['account_id']}`")
        link.page_link("app_pages/account.py", label="Open account", icon=":material/person_search:",
                       query_params={"account": str(row["account_id"])})
        m = st.columns(5)
        m[0].metric("Score", f"{row['score']:.1f}")
        m[1].metric("Challenge C", f"{row['challenge']:g}")
        m[2].metric("Timing T", f"{row['timing']:.2f}")
        m[3].metric("Celebration W", f"{row['celebration']:.2f}")
        m[4].metric("Days to value", "–" if pd.isna(row["days_to_value"]) else f"{int(row['days_to_value'])}")
        st.markdown("\n".join(f"- {s}" for s in stories.evidence(row, run.segment_column)))
        if not pd.isna(row["quote"]):
            st.markdown(f"> “{row['quote']}”")
        else:
            st.caption("No promoter comment (an NPS 9–10 answer with a comment) to quote.")
        badge = stories.reference_text(row, run.activities)
        if bool(row["recent_reference"]):
            st.badge(badge, icon=":material/warning:", color="orange")
        else:
            st.badge(badge, icon=":material/record_voice_over:", color="gray" if run.activities == 0 else "green")
        if st.button("Add to meeting pack", key=f"story_pack_{row['account_id']}", icon=":material/slideshow:"):
            add_pack_slide(ws, row["account_id"],
                           meeting.story_slide(row, run.activities, run.segment_column, config))
            st.success(f"Added a story slide to {name}'s meeting pack: open the account to make the pack.",
                       icon=":material/check_circle:")
