"""Outcomes & voice, churn: logo and gross revenue churn per period, or the churned share of a flag-only file."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import churn as ch
from cxlib import headlines as hl
from cxlib.dimensions import NONE_SEGMENT
from cxlib.figures import surveys as survey_figs
from cxlib.workspace import Workspace
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import kept, lazy_expander, segment_picker
from app_pages._outcomes_text import interval, low_n_note
from app_pages._session import cached, run_safely
from app_pages._tables import download_table, styled_table


def churn(ws: Workspace) -> None:
    """Churn per period with its intervals and reasons; a churn flag without dates gives the churned share."""
    settings = ws.settings
    st.subheader("Churn")
    st.caption("Logo churn for a period = accounts entering Churn in it ÷ accounts that were customers at its "
               "start; gross revenue churn = their ARR ÷ the ARR of those customers. A lost deal is never churn.")
    k1, k2 = st.columns([1, 2])
    churn_period = k1.radio("Period", ["quarter", "month"], horizontal=True, key=kept("oc_churn_period"),
                            format_func=str.capitalize)
    with k2:
        churn_by = segment_picker(ws, key=kept("oc_churn_by"), label="One line per")
    rates = run_safely(lambda: cached("churn.churn_rates", ch.churn_rates, churn_period, None, settings))
    flags = cached("churn.has_churn_flags", ch.has_churn_flags)
    if (rates is None or rates.empty) and flags:
        # An accounts export with a churn flag (Churn yes/no, Status Cancelled) and no churn dates.
        share = run_safely(lambda: cached("churn.churned_share", ch.churned_share, None, settings))
        if share is not None and not share.empty:
            r = share.iloc[0]
            f1, f2, f3 = st.columns(3)
            f1.metric("Churned share (no period)", f"{r['churned_share']:.1%}",
                      delta=f"95% CI {interval(r['ci_low'], r['ci_high'], True)} · {int(r['churned']):,} of "
                            f"{int(r['accounts']):,}", delta_color="off", delta_arrow="off",
                      help="Accounts the accounts file flags as churned ÷ accounts with a churn flag, with a Wilson "
                           "95% interval. The file has no churn dates, so this is the file as exported, not a "
                           "rate per period.")
            if pd.notna(r["revenue_share"]):
                f2.metric("ARR of the churned accounts", f"{r['revenue_share']:.1%}",
                          delta=f"{r['arr_churned']:,.0f} ARR", delta_color="off", delta_arrow="off",
                          help="ARR of the accounts flagged as churned ÷ ARR of the accounts with a churn flag.")
            f3.metric("Accounts without a churn flag", f"{int(share.attrs.get('unknown', 0)):,}",
                      help="Accounts whose churn flag is blank or unreadable: left out of the share.")
            accounts_behind([number("Accounts flagged churned", r["churned"], bh.flagged_accounts, "churned"),
                             number("Accounts with a churn flag", r["accounts"], bh.flagged_accounts, "accounts"),
                             number("Accounts without a churn flag", share.attrs.get("unknown", 0), bh.flagged_accounts,
                                    "unknown")], key="behind_churn_flags")
            st.caption("No churn dates are loaded, so churn per period is not shown: map a journey or "
                       "stage-snapshot table with Churn entries for that.")
            if churn_by is not None:
                by_segment = run_safely(lambda: cached("churn.churned_share", ch.churned_share, churn_by, settings))
                if by_segment is not None:
                    styled_table(by_segment.drop(columns=["low_n"]).rename(columns={"segment": churn_by}),
                                 low_n=by_segment["low_n"], note=low_n_note(settings), formats={
                                     "churned_share": "{:.1%}", "ci_low": "{:.1%}", "ci_high": "{:.1%}",
                                     "revenue_share": "{:.1%}", "arr": "{:,.0f}", "arr_churned": "{:,.0f}"})
                    download_table(by_segment, f"churned_share_by_{churn_by}", key="dl_churned_share_by")
                    accounts_behind([number(f"{row.segment}: {text}", getattr(row, which), bh.flagged_accounts, which,
                                            churn_by, row.segment)
                                     for row in by_segment.itertuples(index=False)
                                     for which, text in (("churned", "flagged churned"), ("accounts", "with a flag"))],
                                    key="behind_churn_flags_by")
                    st.caption(f"Is a value of {churn_by} different from the rest? The Segments page tests "
                               "churned = yes per segment.")
            flagged_reasons = cached("churn.flagged_churn_by_reason", ch.flagged_churn_by_reason)
            if not flagged_reasons.empty and (flagged_reasons["reason"] != NONE_SEGMENT).any():
                styled_table(flagged_reasons.rename(columns={"reason": "Reason", "churned": "Churned",
                                                             "share": "Share"}),
                             formats={"Share": "{:.0%}", "ci_low": "{:.0%}", "ci_high": "{:.0%}",
                                      "arr_churned": "{:,.0f}", "arr_share": "{:.0%}"})
                download_table(flagged_reasons, "churned_by_reason", key="dl_flagged_reasons")
    elif rates is None or rates.empty:
        st.info("Churn needs journey events showing customers (Decision or later) and the accounts that entered "
                "Churn, or an accounts file with a churn flag (Churn yes/no, Status Cancelled). Map one on the Data "
                "page.", icon=":material/info:")
    else:
        last = hl.headline_churn_period(rates)
        when = f"{churn_period} from {last['period_start']:%Y-%m-%d}" + (" (not over yet)" if last["partial"] else "")
        c1, c2, c3 = st.columns(3)
        c1.metric(f"Logo churn, last full {churn_period}", f"{last['logo_churn']:.1%}",
                  delta=f"95% CI {interval(last['ci_low'], last['ci_high'], True)} · {int(last['churned'])} of "
                        f"{int(last['active_start']):,}", delta_color="off", delta_arrow="off",
                  help=f"The {when}: accounts entering Churn in it ÷ customers at its start, with a Wilson 95% "
                       "interval.")
        c2.metric(f"Gross revenue churn, last full {churn_period}",
                  "–" if pd.isna(last["revenue_churn"]) else f"{last['revenue_churn']:.1%}",
                  delta=None if pd.isna(last["arr_churned"]) else f"{last['arr_churned']:,.0f} ARR churned",
                  delta_color="off", delta_arrow="off",
                  help=f"The {when}: ARR of the accounts that churned ÷ ARR of the customers at its start "
                       "(current ARR of each account).")
        c3.metric(f"Customers at the start of that {churn_period}", f"{int(last['active_start']):,}",
                  help="Accounts in a customer spell (Decision or later, not churned) at the period's start.")
        accounts_behind([number(f"Customers at the start of the {churn_period} from {last['period_start']:%Y-%m-%d}",
                                last["active_start"], bh.churn_accounts, last["period_start"].to_pydatetime(),
                                "active_start", churn_period, settings=settings),
                         number(f"Churned in the {churn_period} from {last['period_start']:%Y-%m-%d}", last["churned"],
                                bh.churn_accounts, last["period_start"].to_pydatetime(), "churned", churn_period,
                                settings=settings)], key="behind_churn")
        if churn_by is not None:
            lines = run_safely(lambda: cached("churn.churn_rates", ch.churn_rates, churn_period, churn_by,
                                                  settings))
        else:
            lines = rates
        if lines is not None:
            g1, g2 = st.columns(2)
            with g1:
                show_chart(survey_figs.churn_trend(lines), f"logo_churn_per_{churn_period}", key="oc_logo_churn")
            with g2:
                show_chart(survey_figs.churn_trend(lines, revenue=True), f"revenue_churn_per_{churn_period}",
                             key="oc_revenue_churn")
            if churn_table := lazy_expander(f"Churn per {churn_period} (table)", key="oc_churn_table"):
                with churn_table:
                    styled_table(lines.drop(columns=["low_n"]), low_n=lines["low_n"], note=low_n_note(settings),
                                 formats={"logo_churn": "{:.1%}", "ci_low": "{:.1%}", "ci_high": "{:.1%}",
                                          "revenue_churn": "{:.1%}", "arr_active_start": "{:,.0f}",
                                          "arr_churned": "{:,.0f}", "period_start": "{:%Y-%m-%d}"})
                    download_table(lines, f"churn_per_{churn_period}", key="dl_churn_rates")
                    accounts_behind([number(f"{row.period_start:%Y-%m-%d}" + (f" · {row.segment}" if churn_by else "")
                                            + f": {text}", getattr(row, which), bh.churn_accounts,
                                            row.period_start.to_pydatetime(), which, churn_period, churn_by,
                                            row.segment if churn_by else None, settings)
                                     for row in lines.itertuples(index=False)
                                     for which, text in (("active_start", "customers at the start"),
                                                         ("churned", "churned"))], key="behind_churn_periods")
        reasons = run_safely(lambda: cached("churn.churn_by_reason", ch.churn_by_reason, None, settings))
        if reasons is not None and not reasons.empty:
            r1, r2 = st.columns(2)
            with r1:
                show_chart(survey_figs.churn_reason_bars(reasons), "churn_by_reason", key="oc_churn_reasons")
            with r2:
                styled_table(reasons.rename(columns={
                    "reason": "Reason", "churned": "Churned", "share": "Share", "ci_low": "95% CI low",
                    "ci_high": "95% CI high", "arr_churned": "ARR churned", "arr_share": "ARR share"}),
                    formats={"Share": "{:.0%}", "95% CI low": "{:.0%}", "95% CI high": "{:.0%}",
                             "ARR churned": "{:,.0f}", "ARR share": "{:.0%}"})
                download_table(reasons, "churn_by_reason", key="dl_churn_reasons")
                st.caption("Every end of a customer spell up to the as-of date is one churn event, under the "
                           "account's churn reason; shares with Wilson 95% intervals.")
