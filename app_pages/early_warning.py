"""Early warning: which customer accounts need us now, and why — signals with evidence, counts, history."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from cxlib import early_warning as ew
from cxlib.early_warning.config import LIMITS, TREND_PERIODS
from cxlib.early_warning.pace import p90_frame, p90_table
from cxlib.errors import CxError
from cxlib.figures import warnings as figs
from cxlib.mapping.respondent_roles import RESPONDENT_ROLES, respondent_role_values
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import edits_belong_to_data, lazy_expander, segment_columns, settings_caption
from app_pages._session import cached, run_safely, workspace
from app_pages._tables import download_table

OWNER_KEY = "ew_widgets_owner"
PREFIX = "ew_"
ROLE_EDITOR = "ew_roles"

st.title("Early warning")
ws = workspace()
settings_caption(ws)
st.caption("Customers (from Decision until Churn, never a lost deal) flagged at the as-of date when any signal "
           "holds, each with the evidence behind it. Renewals within the horizon come first, then more signals, "
           "more ARR.")

if ws.mapping is None or not ws.reports:
    st.info("No data is loaded yet. Load your journey events, surveys, factor ratings and accounts on the **Data** "
            "page (or reset to the sample company) to see which accounts need you now.", icon=":material/info:")
    st.stop()

# Edits belong to one mapping: a new upload or a re-applied mapping starts from its own saved values.
edits_belong_to_data(ws, OWNER_KEY, prefix=PREFIX)

saved = ws.warning_config
with st.expander("Thresholds and windows (kept with the mapping)", icon=":material/tune:"):
    st.caption("Every signal's window and threshold. They are saved with the mapping (Data page → Download "
               "mapping), so the next meeting flags by the same rules.")
    cols = st.columns(3)
    values = {}
    for i, (name, (label, lo, hi, whole)) in enumerate(LIMITS.items()):
        box = cols[i % 3]
        current = getattr(saved, name)
        if whole:
            values[name] = box.number_input(label, int(lo), int(hi), int(current), 1, key=f"{PREFIX}{name}")
        else:
            step = 0.05 if hi <= 1 else 1.0
            values[name] = box.number_input(label, float(lo), float(hi), float(current), step, key=f"{PREFIX}{name}")
    period = cols[0].radio("Score drop compares the Scores page's trend", TREND_PERIODS, horizontal=True,
                           index=TREND_PERIODS.index(saved.score_period), key=f"{PREFIX}score_period")
    options = [None, *segment_columns(ws)]
    by = cols[1].selectbox("Stalled: p90 of days to the next step per", options,
                           index=options.index(saved.stalled_by) if saved.stalled_by in options else 0,
                           key=f"{PREFIX}stalled_by",
                           format_func=lambda c: "all accounts" if c is None else c,
                           help=f"A segment whose p90 rests on fewer than {ws.settings.min_n} converted accounts "
                                "(the minimum n) uses the overall p90.")
    st.markdown("**Respondent roles** (decision makers and executives are read for the "
                "decision-maker-detractor signal)")
    roles = cached("ew.respondent_role_values", respondent_role_values, saved.role_map)
    role_map = dict(saved.role_map)
    if roles.empty:
        st.caption("The survey answers have no respondent-role column: map one (role 'respondent_role') on the "
                   "**Data** page to use the decision-maker signal.")
    else:
        edited = st.data_editor(
            roles[["value", "rows", "mapped_role"]], key=ROLE_EDITOR, hide_index=True, disabled=["value", "rows"],
            column_config={"mapped_role": st.column_config.SelectboxColumn(
                "Role", options=list(RESPONDENT_ROLES),
                help="Suggested from the value in six languages; blank: not mapped (no role).")})
        # Only choices that differ from the suggestion are kept, so opening the page changes nothing.
        role_map = {v: (None if pd.isna(r) else r)
                    for v, r, s in zip(edited["value"], edited["mapped_role"], roles["suggested_role"])
                    if (None if pd.isna(r) else r) != (None if pd.isna(s) else s)}

config = saved
try:
    candidate = saved.with_edits(**values, score_period=period, stalled_by=by, role_map=role_map)
except CxError as exc:
    st.error(f"{exc} — the list below still uses the last valid settings.", icon=":material/error:")
else:
    if candidate != saved:
        ws.set_warning_config(candidate)
    config = candidate

st.caption("Rules in force: " + " · ".join(config.rules())
           + f" · renewals within {config.renewal_days} days listed first.")

settings, scores_cfg = ws.settings, ws.score_config
run = run_safely(lambda: cached("ew.prepare", ew.prepare, config, scores_cfg, settings))
if run is None:
    st.stop()
customers = cached("ew.customers_count", ew.customers_count, run)
if customers == 0:
    st.info("No customer account at the as-of date: signals are checked on accounts from Decision until Churn. "
            "Load journey events with Decision (contract signed) entries, or an accounts table with a current "
            "stage, on the **Data** page.", icon=":material/info:")
    st.stop()

summary = cached("ew.signal_summary", ew.signal_summary, run)
table = cached("ew.warnings_table", ew.warnings_table, run)
total = summary[summary["signal"] == "any signal"].iloc[0]
c1, c2, c3 = st.columns(3)
c1.metric("Customers checked", f"{customers:,}", help="Customer accounts at the as-of date (Decision until Churn).")
c2.metric("Flagged", f"{int(total['accounts']):,}", help="Customers with at least one signal.")
c3.metric("ARR flagged", f"{total['arr']:,.0f}", help="ARR of the flagged customers (accounts without ARR add 0).")
accounts_behind([number("Customers checked", customers, ew.customer_accounts, run),
                 number("Flagged", total["accounts"], ew.signal_accounts, run, "any signal"),
                 number("ARR flagged", None, ew.signal_accounts, run, "any signal")], "behind_ew_cards")

left, right = st.columns([3, 2])
with left:
    show_chart(figs.signal_counts(summary), "early_warning_signals", key="ew_signals_chart")
with right:
    st.dataframe(summary.rename(columns={"label": "Signal", "accounts": "Accounts", "arr": "ARR"})
                 [["Signal", "Accounts", "ARR"]], hide_index=True, width="stretch",
                 column_config={"ARR": st.column_config.NumberColumn(format="%,.0f")})
    accounts_behind([number(r.label, r.accounts, ew.signal_accounts, run, r.signal)
                     for r in summary.itertuples()], "behind_ew_signals")

st.subheader("Flagged accounts")
if table.empty:
    st.success(f"No account flagged at {run.as_of:%Y-%m-%d}.", icon=":material/check_circle:")
else:
    f1, f2, f3 = st.columns([2, 1, 1])
    chosen = f1.multiselect("Signals", list(ew.SIGNALS), key="ew_filter_signals",
                            format_func=lambda s: ew.LABELS[s], placeholder="any signal")
    soon_only = f2.toggle(f"Renewal within {config.renewal_days} days only", key="ew_filter_soon")
    search = f3.text_input("Search id or name", key="ew_filter_search")
    shown = table
    if chosen:
        shown = shown[shown["signals"].str.split(";").map(lambda s: bool(set(s) & set(chosen)))]
    if soon_only:
        shown = shown[shown["renews_soon"]]
    if search:
        needle = search.strip().casefold()
        shown = shown[shown["account_id"].str.casefold().str.contains(needle, regex=False)
                      | shown["name"].fillna("").str.casefold().str.contains(needle, regex=False)]
    st.caption(f"{len(shown):,} of {len(table):,} flagged accounts. Click an account to open it.")
    view = shown.assign(open=[f"account?account={quote(str(a))}" for a in shown["account_id"]])
    st.dataframe(view[["open", "name", "arr", "renewal_date", "signals", "first_signal_date", "evidence"]],
                 hide_index=True, width="stretch", key="ew_table",
                 column_config={
                     "open": st.column_config.LinkColumn("Account", display_text=r"account=(.*)$",
                                                         help="Opens the Account page"),
                     "arr": st.column_config.NumberColumn("ARR", format="%,.0f"),
                     "evidence": st.column_config.TextColumn("Evidence", width="large")})
    download_table(ew.cli_table(shown), "early_warning", key="dl_early_warning")

# Every month's end is a full evaluation of the signals: computed when opened, not on every visit.
months = lazy_expander("Flagged accounts per month (the signals as of each month's end)", key="ew_months",
                       icon=":material/timeline:")
if months:
    with months:
        history = run_safely(lambda: cached("ew.flagged_by_month", ew.flagged_by_month, config, scores_cfg,
                                            settings))
        if history is not None and not history.empty:
            show_chart(figs.flagged_over_time(history), "early_warning_per_month", key="ew_history_chart")
            accounts_behind([number(f"Flagged at the end of {r.month}{' (so far)' if r.partial else ''}",
                                    r.flagged, ew.month_accounts, r.at.to_pydatetime(), config, scores_cfg,
                                    settings)
                             for r in history.iloc[::-1].itertuples()], "behind_ew_months")

with st.expander("The stalled signal's yardstick: p90 days to the next step"):
    p90 = cached("ew.p90_table", p90_table, settings, run.as_of, config.stalled_by)
    st.dataframe(p90_frame(p90), hide_index=True, width="stretch")
