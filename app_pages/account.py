"""Account: one account's story for a review meeting — stage timeline, pace, scores, voice, outcome, flags.

Opens from a link too: `?account=ID` on this page selects that account, so any table in the app
can link here (st.column_config.LinkColumn with "account?account=ID", or st.switch_page with
query_params={"account": ID}). The selected account and the segment column stay in the address
bar (with the workspace id and content hash), so the link reopens the same view.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import account, meeting
from cxlib import early_warning as ew
from cxlib.account_rows import account_activities
from cxlib.centricity import NO_ACTIVITIES, activities_count
from cxlib.centricity.qbr import QBR_DAYS, follow_through_text, qbr_discipline
from cxlib.errors import CxError
from cxlib.figures import account as figs
from cxlib.scores import shown
from app_pages._charts import show_chart
from app_pages._controls import lazy_expander, segment_picker, settings_caption
from app_pages._pack import meeting_pack_buttons, pack_slides
from app_pages._session import cached, run_safely, workspace
from app_pages._share import view_params
from app_pages._tables import show_table

SEARCH_LIMIT = 50
ACCOUNT_KEY = "account"            # also the query-string name other pages link with
SEGMENT_KEY = "account_segment"


def _whole(value: float) -> int | None:
    return None if pd.isna(value) else shown(value)


def _day(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%d")


st.title("Account")
view_params({ACCOUNT_KEY: "", SEGMENT_KEY: "tier"})
ws = workspace()
settings_caption(ws)

with st.sidebar:
    segment_column = segment_picker(ws, key=SEGMENT_KEY, label="Compare pace with segment", allow_none=False)

search, pick = st.columns([1, 2])
query = search.text_input("Search by id or name", key="account_query", placeholder="e.g. ACC-00042 or Acme")
matches = run_safely(lambda: cached("account.find_accounts", account.find_accounts, query, SEARCH_LIMIT))
if matches is None:
    st.stop()
ids = list(matches["account_id"])
names = dict(zip(matches["account_id"], matches["name"], strict=True))
wanted = st.session_state.get(ACCOUNT_KEY) or ""
if wanted and wanted not in ids and not query:
    ids.insert(0, wanted)  # a link to an id beyond the first matches (or unknown) still opens it
if not ids:
    st.info("No account matches that search." if query else "No accounts are loaded yet: load an accounts "
            "table on the **Data** page.", icon=":material/search_off:")
    st.stop()
more = f", showing the first {SEARCH_LIMIT}" if len(matches) == SEARCH_LIMIT else ""
selected = pick.selectbox(f"Account ({len(matches)} match{'es' if len(matches) != 1 else ''}{more})", ids,
                          key=ACCOUNT_KEY, format_func=lambda a: f"{a} — {names[a]}" if names.get(a) else str(a))
if st.query_params.get(ACCOUNT_KEY) != selected:
    st.query_params[ACCOUNT_KEY] = selected  # a search that changed the account updates the address now

# The all-account parts are computed once per data version and settings; each account then only
# runs its own queries.
# The Early warning page's evaluation (same key), so a session evaluates the signals once for both pages.
try:
    warning_run = cached("ew.prepare", ew.prepare, ws.warning_config, ws.score_config, ws.settings)
except CxError:
    warning_run = None      # the story says why there are no flags
context = run_safely(lambda: cached("account.story_context", account.story_context, ws.score_config,
                                        ws.settings, segment_column, None, ws.warning_config, warning_run))
if context is None:
    st.stop()
story = run_safely(lambda: cached("account.account_story", account.account_story, selected,
                                      ws.score_config, ws.settings, segment_column, None, context,
                                      ws.warning_config))
if story is None:
    st.stop()
p = story.profile
as_of_text = story.as_of.strftime("%Y-%m-%d") if story.as_of is not None else "the as-of date"

st.subheader(f"{p.name or p.account_id}")
st.caption(" · ".join([p.account_id] + [f"{k}: {v}" for k, v in p.segments.items() if v is not None]))

th = story.score_config.thresholds
cards = [*st.columns(3), *st.columns(3)]  # two rows: readable on a meeting-room projector
cards[0].metric("ARR", "–" if p.arr is None else f"{p.arr:,.0f}",
                help="Annual recurring revenue, from the accounts table.")
if p.days_to_renewal is None:
    renewal = "–"
elif p.days_to_renewal >= 0:
    renewal = f"in {p.days_to_renewal} days"
else:
    renewal = f"{-p.days_to_renewal} days ago"
cards[1].metric("Renewal", renewal,
                help=(f"Renewal date {p.renewal_date:%Y-%m-%d}, in calendar days from the as-of date ({as_of_text})."
                      if p.renewal_date is not None else "No renewal date in the accounts table."))
composite = story.scores["composite"]
change = story.trend["change"] if story.trend["direction"] is not None else None
cards[2].metric("Engagement", "–" if composite is None else f"{shown(composite)} ({story.scores['band']})",
                delta=None if change is None else f"{shown(change):+d} on the previous quarter",
                delta_color="off" if story.trend["direction"] == "same" else "normal",
                help=f"Weighted composite of the factor scores (0–100) against the desired state. Band by the "
                     f"shown (rounded) value: red below {th.red_below:g}, green above {th.green_above:g}, "
                     f"yellow in between; grey when under {th.min_coverage:.0%} of the weight is rated. The "
                     f"change is against the previous quarter; within ±{story.score_config.dead_band:g} it "
                     "counts as steady.")
nps = story.surveys[(story.surveys["survey_type"] == "NPS")
                    & story.surveys["category"].isin(["promoter", "passive", "detractor"])]
cards[3].metric("NPS (latest)", "–" if nps.empty else f"{nps.iloc[0]['score']:g} ({nps.iloc[0]['category']})",
                help="The account's latest NPS answer up to the as-of date: promoter 9–10, passive 7–8, "
                     "detractor 0–6.")
cards[4].metric("Current stage", p.current_stage or "–",
                help="The stage of the account's latest journey entry up to the as-of date (the accounts "
                     "table's stage when it has no dated entries).")
cards[5].metric("Days in stage", "–" if p.days_in_stage is None else str(shown(p.days_in_stage)),
                help=f"Days from entering the current stage to the as-of date ({as_of_text}).")

# The account's flags are its early-warning signals: the same rows and evidence as the Early warning page.
if story.flags:
    with st.container(border=True, key="account_early_warning"):
        n = len(story.flags)
        st.markdown(f"**Early warning** — {n} signal{' holds' if n == 1 else 's hold'} at the as-of date "
                    "(the same evidence as the Early warning page)")
        for flag in story.flags:
            st.error(f"**{flag.title}**: {flag.detail}.", icon=":material/notification_important:")
        stalled_by = ws.warning_config.stalled_by
        st.caption("Thresholds as set on the Early warning page; stalled is measured against the p90 "
                   + (f"of the account's {stalled_by} (all accounts' below the minimum n)" if stalled_by
                      else "of all accounts")
                   + "; the pace chart below compares with the segment picked in the sidebar.")
        st.page_link("app_pages/early_warning.py", label="All flagged accounts", icon=":material/list:")
for note in story.notes:
    st.caption(note)

with st.container(border=True):
    st.markdown("**Meeting summary**")
    st.markdown("\n".join(f"- {sentence}" for sentence in account.meeting_summary(story)))
    extra = pack_slides(ws, selected)     # e.g. the story slide added on the Stories page
    if extra:
        st.caption("The pack includes: " + ", ".join(s.title for s in extra) + ".")
    meeting_pack_buttons(
        lambda: meeting.account_pack(ws.con, selected, ws.score_config, ws.settings, segment_column,
                                     ws.warning_config, extra_slides=extra),
        f"meeting_pack_{selected}", key="account_pack",
        stamp=(ws.stamp, selected, segment_column, [s.title for s in extra]))

stem = f"account_{p.account_id}"
acts = cached("account_rows.account_activities", account_activities, selected, story.as_of)
show_chart(figs.timeline_figure(story.timeline, story.as_of, ws.settings.stages, activities=acts), f"{stem}_timeline",
           key="account_timeline")
with st.expander("Timeline table"):
    tl = story.timeline
    show_table(pd.DataFrame({
        "Stage": tl["stage"], "Entered": _day(tl["entered"]), "Left": _day(tl["left"]).fillna("now"),
        "Days in stage": tl["days_in_stage"].map(_whole).astype("Int64"),
        "Exit": tl["is_exit"].map({True: "exit", False: ""}),
        "Return": tl["is_return"].map({True: "return", False: ""}),
    }), f"{stem}_timeline", key="account_timeline_table")

segment_text = f"{story.segment_column} = {story.segment}" if story.segment_column else "all accounts"
pace_col, outcome_col = st.columns([3, 2])
with pace_col:
    show_chart(figs.pace_figure(story.pace, story.segment if story.segment_column else None),
                 f"{stem}_pace", key="account_pace")
    st.caption(f"Days from the previous funnel step, counted as on the Funnel page; median and p90 of the "
               f"accounts of {segment_text} that reached that step.")
with outcome_col:
    show_chart(figs.quadrant_figure(story.quadrant, story.outcome_spec,
                                      account.experience_label(story.outcome_spec, story.score_config)),
                 f"{stem}_outcome", key="account_quadrant")

factor_col, history_col = st.columns([3, 2])
with factor_col:
    show_chart(figs.factor_figure(story.factors), f"{stem}_factors", key="account_factors")
with history_col:
    show_chart(figs.history_figure(story.history), f"{stem}_engagement", key="account_history")

st.subheader("QBR discipline")
if cached("centricity.activities_count", activities_count) == 0:
    st.info(NO_ACTIVITIES[0].upper() + NO_ACTIVITIES[1:] + ": QBR/EBRs and their follow-up tasks come from it.",
            icon=":material/info:")
elif acts.empty:
    st.caption(f"No activity of {p.account_id} is dated up to {as_of_text}.")
else:
    discipline = run_safely(lambda: cached("centricity.qbr_discipline", qbr_discipline, ws.settings, story.as_of,
                                           selected))
    if discipline is not None and len(discipline):
        q = discipline.iloc[0].to_dict()
        k1, k2, k3 = st.columns(3)
        k1.metric("Last QBR/EBR", "none" if q["last_qbr"] is None else f"{q['last_qbr']:%Y-%m-%d}")
        k2.metric(f"QBR held in the last {QBR_DAYS} days", "yes" if q["qbr_held"] else "no")
        k3.metric("Follow-through", "—" if pd.isna(q["follow_through"]) else f"{q['follow_through']:.0%}",
                  help="Follow-up tasks (provider tasks created within 14 days after a QBR/EBR) completed by their "
                       "due date ÷ those counted; open tasks not yet due are left out.")
        text = follow_through_text(q)
        st.caption(text[0].upper() + text[1:] + ".")
    if box := lazy_expander(f"Activities ({len(acts):,})", key="account_activities_open"):
        with box:
            show_table(acts.assign(ts=_day(acts["ts"]), due_date=_day(acts["due_date"])), f"{stem}_activities",
                       key="account_activities_table")

st.subheader("Survey answers")
if story.surveys.empty:
    st.caption("No survey answers up to the as-of date.")
elif box := lazy_expander(f"{len(story.surveys):,} answer{'' if len(story.surveys) == 1 else 's'}, latest first",
                          key="account_surveys_open"):
    with box:
        sv = story.surveys
        answers = sv["score"]
        if answers.dropna().mod(1).eq(0).all():
            answers = answers.astype("Int64")  # whole answers read as 9, not 9.0000
        show_table(pd.DataFrame({
            "Date": _day(sv["ts"]).fillna(""), "Survey": sv["survey_type"], "Answer": answers,
            "Reading": sv["category"].fillna(""), "Respondent": sv["respondent"], "Role": sv["respondent_role"],
            "Touchpoint": sv["touchpoint"], "Comment": sv["comment"].fillna(""),
        }), f"{stem}_survey_answers", key="account_surveys")
