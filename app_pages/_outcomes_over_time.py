"""Outcomes & voice, desired outcome over time: quadrants per quarter end, moves between two, churn after one."""

from __future__ import annotations

import streamlit as st

from cxlib import churn as ch
from cxlib import headlines as hl
from cxlib import outcome_history as oh
from cxlib.errors import CxError
from cxlib.figures import outcomes as outcome_figs
from cxlib.outcomes import OutcomeSpec
from cxlib.workspace import Workspace
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import kept, segment_picker
from app_pages._outcomes_desired import placed_summary
from app_pages._outcomes_text import low_n_note
from app_pages._session import cached, run_safely
from app_pages._tables import download_table, styled_table

MEASURE_THEN = {"csat": "latest CSAT answer", "nps": "latest NPS answer",
                "composite": "composite of its latest factor ratings", "factor": "latest rating of that factor"}


def over_time(ws: Workspace, spec: OutcomeSpec) -> None:
    """Each account's quadrant at every fiscal quarter end, the moves between two, and churn after one."""
    cfg, settings = ws.score_config, ws.settings
    measure = spec.measure
    st.subheader("Desired outcome over time")
    st.caption(f"Each account's quadrant at every fiscal quarter end, from its {MEASURE_THEN[measure]} up to that day; "
               f"{'an answer' if measure in ('csat', 'nps') else 'a rating'} more than {oh.STALE_DAYS} days old then "
               f"counts as missing (exactly {oh.STALE_DAYS} days still counts). The outcome has no date, so it "
               "counts in every quarter. The current quarter is read at the as-of date and is not over yet.")
    overall = placed_summary(ws, spec)
    known_quarters = None
    if overall is not None and hl.placed_accounts(overall) == 0:
        st.caption("Shown once accounts can be placed in a quadrant: the Desired outcome tab says what to load.")
    elif overall is not None:
        try:
            known_quarters = cached("outcome_history.quarters", oh.quarters, spec, settings, cfg)
        except CxError as exc:     # no date at all: say why and what to do, not an error
            st.info(str(exc), icon=":material/info:")
    if known_quarters is not None:
        labels = known_quarters["quarter"].tolist()
        t1, t2 = st.columns([3, 2])
        with t2:
            time_by = segment_picker(ws, key=kept("oc_time_by"), label="Table per segment")
        history = run_safely(lambda: cached("outcome_history.quarterly_summary", oh.quarterly_summary, spec, None,
                                            settings, cfg))
        if history is not None:
            with t1:
                show_chart(outcome_figs.quadrant_shares(history), "desired_outcome_per_quarter", key="oc_time_shares")
            with t2:
                table = history if time_by is None else run_safely(lambda: cached(
                    "outcome_history.quarterly_summary", oh.quarterly_summary, spec, time_by, settings, cfg))
                if table is not None:
                    styled_table(table.drop(columns=["quarter_start"]).rename(columns={"arr": "ARR",
                                                                                        "arr_share": "ARR share"}),
                                 formats={"share": "{:.0%}", "ARR share": "{:.0%}", "ARR": "{:,.0f}",
                                          "accounts": "{:,}"})
                    download_table(oh.cli_table(table), "desired_outcome_per_quarter", key="dl_outcome_quarters")
                    accounts_behind([number(f"{r.quarter} · " + (f"{r.segment} · " if time_by else "") + r.quadrant,
                                            r.accounts, oh.quadrant_accounts, spec, r.quarter, r.quadrant, time_by,
                                            r.segment if time_by else None, settings, cfg)
                                     for r in table.itertuples()], "behind_oc_quarters")
            undated = cached("outcome_history.undated_answers", oh.undated_answers, spec, settings, cfg)
            if undated:
                st.caption(f"{oh.answers_word(spec, undated)} no date: they count in the quadrants above "
                           "(now) but in no quarter, since their age is unknown.")
        st.markdown("**Moves between two quarter ends**")
        m1, m2 = st.columns(2)
        from_q = m1.selectbox("From", labels, index=max(0, len(labels) - 5), key=kept("oc_move_from"))
        to_q = m2.selectbox("To", labels, index=len(labels) - 1, key=kept("oc_move_to"))
        moves = run_safely(lambda: cached("outcome_history.quadrant_moves", oh.quadrant_moves, spec, from_q, to_q,
                                          settings, cfg))
        if moves is not None:
            show_chart(outcome_figs.quadrant_sankey(moves, from_q, to_q), "desired_outcome_moves", key="oc_moves")
            accounts_behind([number(f"{r.from_quadrant} → {r.to_quadrant}", r.accounts, oh.move_accounts, spec,
                                    from_q, to_q, r.from_quadrant, r.to_quadrant, settings, cfg)
                             for r in moves.itertuples()], "behind_oc_moves")
        st.markdown("**The cost of the wrong experience**")
        ended = known_quarters.loc[~known_quarters["partial"], "quarter"].tolist()
        has_flags = cached("churn.has_churn_flags", ch.has_churn_flags)
        if not ended:
            st.info("Churn after a quarter needs a quarter that has ended; only the current one is read so far.",
                    icon=":material/info:")
        else:
            default_q = run_safely(lambda: cached("outcome_history.default_churn_quarter", oh.default_churn_quarter,
                                                  spec, settings, cfg))
            c1, c2 = st.columns([1, 3])
            churn_q = c1.selectbox("Customers at the end of", ended,
                                   index=ended.index(default_q) if default_q in ended else len(ended) - 1,
                                   key=kept("oc_churn_after_quarter"),
                                   help="Customers (Decision or later, not churned) at that quarter's end, by their "
                                        "quadrant then; churned = entered Churn within the next two quarters.")
            after = run_safely(lambda: cached("outcome_history.churn_after", oh.churn_after, spec, churn_q, settings,
                                                      cfg))
            if after is not None and int(after["accounts"].sum()) == 0:
                st.info("No customer at that quarter's end: churn after it needs journey events with Decision (or "
                        "later) entries and Churn entries" + (" — the accounts file's churn flag has no date, so it "
                                                              "cannot say when." if has_flags else "."),
                        icon=":material/info:")
            elif after is not None:
                with c2:
                    show_chart(outcome_figs.churn_after_bars(after), "churn_after_quadrant", key="oc_churn_after")
                shown = after.drop(columns=["low_n"]).rename(columns={"churn_rate": "churn within 2 quarters"})
                shown.attrs = {}    # the window's dates are said in the caption below
                styled_table(shown,
                             low_n=after["low_n"], note=low_n_note(settings),
                             formats={"churn within 2 quarters": "{:.1%}", "ci_low": "{:.1%}", "ci_high": "{:.1%}"})
                download_table(after, f"churn_after_{churn_q}", key="dl_churn_after")
                accounts_behind([n for quadrant, r in after.set_index("quadrant").iterrows() for n in (
                    number(f"{quadrant}: customers at the end of {churn_q}", r["accounts"], oh.churn_after_accounts,
                           spec, churn_q, quadrant, None, settings, cfg),
                    number(f"{quadrant}: churned within 2 quarters", r["churned"], oh.churn_after_accounts, spec,
                           churn_q, quadrant, True, settings, cfg))], "behind_oc_churn_after")
                window = f"{after.attrs['window_end']:%Y-%m-%d}"
                st.caption(f"Churn counted up to {window} (exclusive), with Wilson 95% intervals."
                           + ("" if after.attrs["complete"] else " That window ends after the as-of date: this is the "
                                                                    "churn seen so far."))
