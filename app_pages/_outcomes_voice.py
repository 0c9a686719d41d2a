"""Outcomes & voice, what customers say: NPS, CSAT and CES with intervals, broken down and over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import diagnostics as dg
from cxlib import headlines as hl
from cxlib import surveys as sv
from cxlib.figures import surveys as survey_figs
from cxlib.workspace import Workspace
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import kept, lazy_expander, lazy_tabs, segment_columns, segment_picker
from app_pages._outcomes_text import interval, low_n_note
from app_pages._session import cached, run_safely
from app_pages._tables import download_table, styled_table


def what_customers_say(ws: Workspace) -> None:
    """The three headline cards, each measure by a chosen breakdown, and per period."""
    settings = ws.settings
    st.subheader("What customers say")
    v1, v2, v3 = st.columns([2, 2, 3])
    level = v1.radio("NPS counted per", ["response", "account"], horizontal=True, key=kept("oc_nps_level"),
                     format_func={"response": "Response", "account": "Account (latest answer)"}.get,
                     help="Response: every answer counts, as survey tools report it. Account: each account's "
                          "latest answer, so one 300-seat account weighs as much as a 5-seat one.")
    ces_lower = v2.toggle("Lower CES is better", value=False, key=kept("oc_ces_lower"),
                          help="On for 'how much effort did it take' wordings; off for 'how easy was it'.")

    nps_all = run_safely(lambda: cached("surveys.nps", sv.nps, None, level, settings))
    csat_all = run_safely(lambda: cached("surveys.csat", sv.csat, None, None, settings))
    ces_all = run_safely(lambda: cached("surveys.ces", sv.ces, None, ces_lower, None, settings))
    m1, m2, m3 = st.columns(3)
    if nps_all is not None:
        r = nps_all.iloc[0]
        m1.metric("NPS", "–" if r["n"] == 0 else f"{r['nps']:.0f}",
                  delta=None if r["n"] == 0 else f"± {r['moe95']:.1f} points · n = {int(r['n']):,}",
                  delta_color="off", delta_arrow="off",
                  help="Net Promoter Score = 100 × (share of promoters 9–10 − share of detractors 0–6), from −100 "
                       "to 100. ± is the 95% margin of error 1.96 × 100 × √((p⁺ + p⁻ − (p⁺ − p⁻)²) / n). Blank "
                       "answers are not responses; answers outside 0–10 are rejected and counted.")
    if csat_all is not None:
        r = csat_all.iloc[0]
        m2.metric("CSAT", "–" if r["n"] == 0 else f"{r['csat']:.0%}",
                  delta=None if r["n"] == 0 else f"95% CI {interval(r['ci_low'], r['ci_high'], True)} · "
                                                 f"n = {int(r['n']):,}",
                  delta_color="off", delta_arrow="off",
                  help=f"Share of top-two-box answers on the {r['scale']} scale (4–5 on 1–5; good of good/bad), "
                       "with a Wilson 95% interval.")
    if ces_all is not None:
        r = ces_all.iloc[0]
        direction = "lower is better" if ces_lower else "higher is better"
        m3.metric("CES", "–" if r["n"] == 0 else f"{r['mean']:.2f}",
                  delta=None if r["n"] == 0 else f"95% CI {interval(r['ci_low'], r['ci_high'])} · "
                                                 f"n = {int(r['n']):,} · {r['scale']}, {direction}",
                  delta_color="off", delta_arrow="off",
                  help="Customer Effort Score: the mean answer on its scale, with a Student-t 95% interval.")
    if nps_all is not None and level == "account":   # per account, NPS counts accounts: list them
        r = nps_all.iloc[0]
        with m1:
            accounts_behind([number(f"NPS: {text}", r[group], bh.nps_accounts, group, settings=settings)
                             for group, text in (("n", "accounts answering"), ("promoters", "promoters"),
                                                 ("passives", "passives"), ("detractors", "detractors"))],
                            key="behind_nps")
    totals = hl.survey_totals(nps_all, csat_all, ces_all)
    if totals.rejected:
        st.warning(f"{totals.rejected:,} answer(s) were off their scale and rejected (not clipped, not counted).",
                   icon=":material/warning:")
    # No silent dash: a measure with answers loaded but none it can count says why (column and counts).
    empty_reasons = [dg.survey_reason(ws.con, ws.mapping, kind, level if kind == "NPS" else "response", settings)
                     for kind, f in (("NPS", nps_all), ("CSAT", csat_all), ("CES", ces_all))
                     if f is not None and int(f["n"].sum()) == 0]
    for reason in empty_reasons:
        if reason is not None and (reason.loaded or reason.column):
            st.info(f"{reason.metric}: {reason.text}.", icon=":material/info:")
    # Some answers counted but others left out when loading (e.g. an account the accounts table lacks): say so.
    for kind, frame in (("NPS", nps_all), ("CSAT", csat_all), ("CES", ces_all)):
        if frame is not None and int(frame["n"].sum()) > 0:
            left_out = cached("diagnostics.survey_left_out", lambda con, k: dg.survey_left_out(con, ws.mapping, k),
                              kind)
            if left_out is not None:
                st.caption(f"{left_out} (the Data page's load report lists them).")
    if all(f is not None for f in (nps_all, csat_all, ces_all)) and totals.answers == 0:
        if not any(r is not None and (r.loaded or r.column) for r in empty_reasons):
            st.info("No survey answers are loaded. Map a survey table (NPS, CSAT or CES answers) on the Data page.",
                    icon=":material/info:")
    else:
        # The survey files' own extra columns (a survey's "Plan", a ticket's "Priority") break down too: the file's
        # own value wins over an accounts column of the same name (dimensions.resolve_by_column).
        own = [c for tm in (ws.mapping.tables if ws.mapping else []) if tm.kind == "surveys"
               for c, role in tm.roles.items() if role == "ignore"]
        breakdowns = list(dict.fromkeys(["stage", "touchpoint", "respondent_role", *segment_columns(ws), *own]))
        by = v3.selectbox("Break down by", breakdowns, key=kept("oc_by"),
                          format_func=lambda b: {"stage": "stage at the time of the answer",
                                                 "respondent_role": "respondent role"}.get(b, b))
        nps_by = run_safely(lambda: cached("surveys.nps", sv.nps, by, level, settings))
        csat_by = run_safely(lambda: cached("surveys.csat", sv.csat, by, None, settings))
        ces_by = run_safely(lambda: cached("surveys.ces", sv.ces, by, ces_lower, None, settings))
        b1, b2, b3 = st.columns(3)
        if nps_by is not None and level == "account":
            with b1:
                accounts_behind([number(f"{row.segment} · {text}", getattr(row, group), bh.nps_accounts, group, by,
                                        str(row.segment), settings)
                                 for row in nps_by.itertuples(index=False)
                                 for group, text in (("n", "accounts answering"), ("promoters", "promoters"),
                                                     ("passives", "passives"), ("detractors", "detractors"))],
                                key="behind_nps_by")
        if nps_by is not None:
            with b1:
                show_chart(survey_figs.nps_bars(nps_by, title=f"NPS by {by}"), f"nps_by_{by}", key="oc_nps_by")
        if csat_by is not None:
            with b2:
                show_chart(survey_figs.csat_bars(csat_by, title=f"CSAT by {by}"), f"csat_by_{by}", key="oc_csat_by")
        if ces_by is not None:
            with b3:
                show_chart(survey_figs.ces_bars(ces_by, title=f"CES by {by}"), f"ces_by_{by}", key="oc_ces_by")
        tabs = lazy_tabs(["NPS table", "CSAT table", "CES table"], key="oc_by_tables")
        for tab, frame, formats, name in (
                (tabs[0], nps_by, {"nps": "{:.1f}", "moe95": "± {:.1f}"}, "nps"),
                (tabs[1], csat_by, {"csat": "{:.1%}", "ci_low": "{:.1%}", "ci_high": "{:.1%}"}, "csat"),
                (tabs[2], ces_by, {"mean": "{:.2f}", "sd": "{:.2f}", "ci_low": "{:.2f}", "ci_high": "{:.2f}"},
                 "ces")):
            if tab is None:
                continue
            with tab:
                if frame is not None:
                    styled_table(frame.drop(columns=["low_n"]), formats=formats, low_n=frame["low_n"],
                                   note=low_n_note(settings))
                    download_table(frame, f"{name}_by_{by}", key=f"dl_{name}_by")

        st.markdown("**Over time**")
        o1, o2 = st.columns([1, 2])
        period = o1.radio("Period", ["quarter", "month"], horizontal=True, key=kept("oc_period"),
                          format_func=str.capitalize)
        with o2:
            lines_by = segment_picker(ws, key=kept("oc_lines_by"), label="One line per")

        def _over_time(fn, *args):  # type: ignore[no-untyped-def]
            """A survey measure per period (one series), or per period and segment (a line each)."""
            if lines_by is None:
                return run_safely(lambda: cached(f"surveys.{fn.__name__}", fn, period, *args))
            return run_safely(lambda: cached(f"surveys.{fn.__name__}.period", fn, lines_by, *args,
                                                 period=period))

        t1, t2, t3 = st.columns(3)
        nps_t = _over_time(sv.nps, level, settings)
        if nps_t is not None:
            with t1:
                show_chart(survey_figs.trend_lines(nps_t, "nps", title=f"NPS per {period}"), f"nps_per_{period}",
                             key="oc_nps_t")
        csat_t = _over_time(sv.csat, None, settings)
        if csat_t is not None:
            with t2:
                show_chart(survey_figs.trend_lines(csat_t, "csat", title=f"CSAT per {period}"), f"csat_per_{period}",
                             key="oc_csat_t")
        ces_t = _over_time(sv.ces, ces_lower, None, settings)
        if ces_t is not None:
            with t3:
                show_chart(survey_figs.trend_lines(ces_t, "ces", title=f"CES per {period}"), f"ces_per_{period}",
                             key="oc_ces_t")
        for name, frame in (("NPS", nps_t), ("CSAT", csat_t), ("CES", ces_t)):
            for note in (frame.attrs.get("notes", []) if frame is not None else []):
                st.caption(f"{name}: {note} (they count in the totals above).")
        if period_tables := lazy_expander(f"NPS, CSAT and CES per {period} (tables)", key="oc_period_tables"):
            with period_tables:
                for frame, formats, name in (
                        (nps_t, {"nps": "{:.1f}", "moe95": "± {:.1f}"}, "nps"),
                        (csat_t, {"csat": "{:.1%}", "ci_low": "{:.1%}", "ci_high": "{:.1%}"}, "csat"),
                        (ces_t, {"mean": "{:.2f}", "sd": "{:.2f}", "ci_low": "{:.2f}", "ci_high": "{:.2f}"}, "ces")):
                    if frame is None:
                        continue
                    st.markdown(f"**{name.upper()}**")
                    dates = {c: "{:%Y-%m-%d}" for c in ("period_start", "segment") if c in frame
                             and pd.api.types.is_datetime64_any_dtype(frame[c])}
                    styled_table(frame.drop(columns=["low_n"]), formats=formats | dates, low_n=frame["low_n"],
                                   note=low_n_note(settings))
                    download_table(frame, f"{name}_per_{period}", key=f"dl_{name}_per_period")
