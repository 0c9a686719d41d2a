"""Centricity: care, act daily, attested, want vs do — customer-centricity shown, not claimed (layout only)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from cxlib import centricity as ct
from cxlib.centricity.behind import centricity_accounts
from cxlib.errors import CxError
from cxlib.figures import centricity as figs
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import edits_belong_to_data, segment_picker, settings_caption
from app_pages._session import cached, run_safely, workspace
from app_pages._tables import download_table

THEME_EDITOR = "ct_themes_text"
THEME_OWNER = "ct_themes_owner"

st.title("Centricity")
ws = workspace()
settings_caption(ws)
st.caption("Customer-centricity cannot be claimed, only shown: we ask (care), we act every week (act daily), "
           "customers say it helped (attested), and what we do matches what they ask for (want vs do). Over the "
           "customers at the as-of date: from Decision until Churn, Disappointment included, lost deals never.")

if ws.mapping is None or not ws.reports:
    st.info("No data is loaded yet. Load journey events (or accounts with a stage), survey answers and an "
            "activities export (Salesforce Tasks/Events, HubSpot activities, Gainsight Timeline or a ticket export) "
            "on the **Data** page, or reset to the sample company.", icon=":material/info:")
    st.stop()

saved = run_safely(lambda: ws.centricity_config)
if saved is None:
    st.stop()
# The editor's text belongs to one mapping: new data starts from its saved list, never from the old edits.
edits_belong_to_data(ws, THEME_OWNER, (THEME_EDITOR,))
with st.expander("Want-vs-do themes (kept with the mapping)", icon=":material/tune:"):
    st.caption("One theme per line: `theme: keyword, keyword, …`, in any of the six languages. Matching ignores "
               "case and accents and needs whole words (\"training\" does not match \"trainings\": list both).")
    text = st.text_area("Themes", saved.to_text(), height=160, key=THEME_EDITOR)
themes = saved
if text != saved.to_text():
    try:
        themes = ct.ThemeConfig.from_text(text)
    except CxError as exc:
        st.error(f"{exc} — the numbers below still use the last valid theme list.", icon=":material/error:")
    else:
        if themes != saved:          # a reformatted but equal list keeps the data version (and the caches)
            ws.set_centricity_config(themes)

settings = ws.settings
result = run_safely(lambda: cached("centricity.centricity", ct.centricity, settings, themes))
if result is None:
    st.stop()
if result.groups.empty:
    st.info(f"No customer account at {result.as_of:%Y-%m-%d}: centricity is measured on accounts from Decision "
            "until Churn. Load journey events with Decision (contract signed) entries, or an accounts table with "
            "a current stage, on the **Data** page.", icon=":material/info:")
    st.stop()
if result.activities == 0:
    st.info(ct.NO_ACTIVITIES.capitalize() + ". Care and the answers without a proactive activity still count from "
            "the survey answers; act daily, proactive share and want vs do need what the provider did.",
            icon=":material/info:")

row = ct.group_row(result)
reasons = result.reasons.get(str(row["segment"]), {})


def shown(value: object, fmt: str) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt.format(value)


c1, c2, c3, c4 = st.columns(4)
c1.metric("Care — we ask", shown(row["care"], "{:.0%}"),
          help=f"{int(row['cared']):,} of {int(row['accounts']):,} customers with a survey answer or a QBR/EBR "
               "held in the last 365 days.")
c2.metric("Act daily — we act", shown(row["act_daily_median"], "{:.0%}"),
          help="Median share of the 13 seven-day blocks ending at the as-of date with a provider-initiated "
               f"activity. Proactive share: {shown(row['proactive_share'], '{:.0%}')} of "
               f"{int(row['provider_n']):,} provider activities.")
c3.metric("Attested — it helped", shown(row["attested_with"], "{:.0%}"),
          delta=None if pd.isna(row["attested_with"]) or pd.isna(row["attested_without"])
          else f"{100 * (row['attested_with'] - row['attested_without']):+.0f} pts vs without",
          help="Promoter share of NPS answers (last 365 days) from accounts with a proactive activity in the 90 "
               f"days before, against {shown(row['attested_without'], '{:.0%}')} without "
               f"(p = {shown(row['attested_p_value'], '{:.3f}')}).")
c4.metric("Want vs do coverage", shown(row["want_do_coverage"], "{:.0%}"),
          help="Σ w·[a ≥ 0.5] ÷ Σ w over the themes: w = share of customers asking in a survey comment, a = share "
               "of them with a matching activity within 90 days after.")
for name, label in (("care", "Care"), ("act_daily_median", "Act daily"), ("proactive_share", "Proactive share"),
                    ("attested_with", "Attested"), ("want_do_coverage", "Want vs do")):
    if name in reasons:
        st.caption(f"**{label}** is empty: {reasons[name]}.")
accounts_behind([number("Customers", row["accounts"], centricity_accounts, "customers", settings, themes),
                 number("Cared for (answer or QBR in 365 days)", row["cared"], centricity_accounts, "care", settings,
                        themes),
                 number("Not cared for", int(row["accounts"]) - int(row["cared"]), centricity_accounts, "no_care",
                        settings, themes),
                 number("Active in at least one of 13 weeks",
                        int(result.accounts["weeks"].gt(0).sum()), centricity_accounts, "active", settings, themes),
                 number("No provider activity in 13 weeks",
                        int(result.accounts["weeks"].eq(0).sum()), centricity_accounts, "inactive", settings, themes)],
                "behind_ct_cards")

left, right = st.columns(2)
with left:
    show_chart(figs.act_daily_distribution(result.distribution), "centricity_act_daily", key="ct_act_daily_chart")
with right:
    show_chart(figs.attested(row), "centricity_attested", key="ct_attested_chart")
    st.caption(f"{int(row['with_n']):,} answers with a proactive activity in the 90 days before "
               f"({int(row['with_promoters']):,} promoters), {int(row['without_n']):,} without "
               f"({int(row['without_promoters']):,} promoters); two-proportion test p = "
               f"{shown(row['attested_p_value'], '{:.3f}')}.")

st.subheader("Want vs do")
theme_rows = result.themes
if theme_rows.empty:
    st.caption("The theme list is empty: add themes above.")
else:
    view = theme_rows[["theme", "asking", "w", "acted", "a", "doing"]].rename(columns={
        "asking": "accounts asking", "w": "w (share asking)", "acted": "acted within 90 days",
        "a": "a (share acted)", "doing": "accounts with matching activities"})
    st.dataframe(view, hide_index=True, width="stretch", key="ct_themes_table",
                 column_config={"w (share asking)": st.column_config.NumberColumn(format="percent"),
                                "a (share acted)": st.column_config.NumberColumn(format="percent")})
    download_table(theme_rows, "centricity_themes", key="dl_ct_themes")
    wanted, done = st.columns(2)
    with wanted:
        st.markdown("**Wanted, not done** (asked for; fewer than half acted on within 90 days)")
        names = list(theme_rows.loc[theme_rows["wanted_not_done"], "theme"])
        st.write(", ".join(names) if names else "Nothing: every theme asked for was acted on.")
    with done:
        st.markdown("**Done, not wanted** (activities in the last 365 days no customer asked for)")
        names = list(theme_rows.loc[theme_rows["done_not_wanted"], "theme"])
        st.write(", ".join(names) if names else "Nothing.")

st.subheader("Per segment")
by = segment_picker(ws, key="ct_by", label="Segment column", allow_none=False)
if by is None:
    st.caption("The accounts table has no segment column: load accounts with a tier, region or plan.")
else:
    per = run_safely(lambda: cached("centricity.centricity", ct.centricity, settings, themes, by=by))
    if per is not None:
        table = ct.cli_table(per)
        st.dataframe(table, hide_index=True, width="stretch", key="ct_segments_table",
                     column_config={c: st.column_config.NumberColumn(format="percent")
                                    for c in ct.CLI_COLUMNS[2:] if c != "attested_p_value"})
        for note in ct.notes(per):
            st.caption(note)
        download_table(table, "centricity_by_segment", key="dl_ct_segments")
        accounts_behind([number(f"Customers in {s}", n, centricity_accounts, "customers", settings, themes, by=by,
                                segment=s) for s, n in zip(table["segment"], table["accounts"])], "behind_ct_segments")
