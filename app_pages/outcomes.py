"""Outcomes & voice: the desired outcome (outcome × experience), NPS/CSAT/CES with intervals, and churn."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import churn as ch
from cxlib import headlines as hl
from cxlib import diagnostics as dg
from cxlib import outcome_history as oh
from cxlib import outcomes as oc
from cxlib import surveys as sv
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import CxError
from cxlib.figures import outcomes as outcome_figs
from cxlib.figures import scores as score_figs
from cxlib.figures import surveys as survey_figs
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import lazy_expander, lazy_tabs, segment_columns, segment_picker, settings_caption
from app_pages._session import cached, run_safely, workspace
from app_pages._tables import download_table, styled_table

st.title("Outcomes & voice")
ws = workspace()
settings_caption(ws)

cfg = ws.score_config
settings = ws.settings
names = {f.key: f.name for f in cfg.factors}
LOW_N_NOTE = (f"Grey rows: fewer than {settings.min_n} answers (or accounts) — shown for reference, "
              "read with care.")


def _interval(low: float, high: float, percent: bool = False) -> str:
    if pd.isna(low) or pd.isna(high):
        return "no interval"
    return f"{low:.0%}–{high:.0%}" if percent else f"{low:.2f}–{high:.2f}"


# ---- Desired outcome ----------------------------------------------------------------------------
st.subheader("Desired outcome: required outcome × appropriate experience")
st.caption("An account is successful only when it reached its required outcome **and** had an appropriate "
           "experience on the way. An account missing either measure is 'not placed', never counted as a "
           "failure; shares are of the accounts (ARR) that could be placed.")
MEASURES = ["csat", "nps", "composite", *[f"factor:{k}" for k in cfg.keys]]
MEASURE_LABELS = {"csat": "CSAT answer (latest)", "nps": "NPS answer (latest)", "composite": "Composite score"} \
    | {f"factor:{k}": f"Factor: {names[k]}" for k in cfg.keys}
RANGES = {"csat": (0.0, 10.0, 1.0), "nps": (0.0, 10.0, 1.0), "composite": (0.0, 100.0, 5.0),
          "factor": (0.0, 100.0, 5.0)}
c1, c2, c3, c4 = st.columns(4)
experience = c1.selectbox("Experience measure", MEASURES, format_func=MEASURE_LABELS.get, key="oc_measure",
                          help="The account's latest CSAT or NPS answer up to the as-of date (raw, on the "
                               "survey's scale), the composite (only at the minimum coverage) or one "
                               "factor's 0–100 score.")
measure = experience.split(":", 1)[0]
lo, hi, step = RANGES[measure]
experience_threshold = c2.number_input(
    "Appropriate experience at or above", lo, hi, oc.DEFAULT_EXPERIENCE_THRESHOLDS[measure], step,
    key=f"oc_experience_threshold_{measure}")
outcome_threshold = c3.number_input(
    "Outcome reached at or above", value=0.5, step=0.5, key="oc_outcome_threshold",
    help="Compared with the accounts' outcome column: yes/no arrives as 1/0, so 0.5 means 'yes'; "
         "for a score, type the score that counts as reached.")
with c4:
    quadrant_by = segment_picker(ws, key="oc_quadrant_by", label="Per segment")
spec = oc.OutcomeSpec(float(outcome_threshold), experience, float(experience_threshold))

overall = run_safely(lambda: cached("outcomes.quadrant_summary", oc.quadrant_summary, spec, cfg, None,
                                        settings))
if overall is not None:
    if hl.placed_accounts(overall) == 0:
        st.info("No account has both an outcome and the chosen experience measure. Map the accounts' "
                "outcome column (yes/no or a score) on the Data page, or choose another experience measure.",
                icon=":material/info:")
        if measure in ("csat", "nps"):   # the latest answer per account: answers without accounts say so
            why = dg.survey_reason(ws.con, ws.mapping, measure.upper(), "account", settings)
            if why is not None and why.loaded:
                st.caption(f"{why.metric}: {why.text}.")
    else:
        rows = overall.set_index("quadrant")
        cols = st.columns(5)
        helps = {
            oc.SUCCESSFUL: "Outcome reached and experience at or above its threshold.",
            oc.OUTCOME_ONLY: "Outcome reached, experience below its threshold (the cramped flight that "
                             "still arrived).",
            oc.EXPERIENCE_ONLY: "Experience at or above its threshold, outcome not reached.",
            oc.NEITHER: "Neither the outcome nor an appropriate experience.",
        }
        short = {oc.SUCCESSFUL: "Successful", oc.OUTCOME_ONLY: "Outcome only",
                 oc.EXPERIENCE_ONLY: "Experience only", oc.NEITHER: "Neither"}
        for col, quadrant in zip(cols, (oc.SUCCESSFUL, oc.OUTCOME_ONLY, oc.EXPERIENCE_ONLY, oc.NEITHER)):
            row = rows.loc[quadrant]
            col.metric(short[quadrant], f"{row['share']:.0%}",
                       delta=f"{int(row['accounts']):,} accounts · {row['arr_share']:.0%} of ARR"
                       if pd.notna(row["arr_share"]) else f"{int(row['accounts']):,} accounts",
                       delta_color="off", delta_arrow="off",
                       help=helps[quadrant] + " Share of the accounts that could be placed; ARR share of "
                                              "their ARR.")
        unknown = int(rows.loc[oc.UNKNOWN, "accounts"])
        cols[4].metric("Not placed", f"{unknown:,}", help="Accounts missing the outcome or the experience "
                                                          "measure: not placed in any quadrant.")
        accounts_behind([number(short.get(q, "Not placed"), rows.loc[q, "accounts"], bh.quadrant_accounts, spec, cfg,
                                q, settings=settings) for q in oc.QUADRANTS], key="behind_outcome_quadrants")
        quadrants = cached("outcomes.outcome_quadrants", oc.outcome_quadrants, spec, cfg, settings)
        q1, q2 = st.columns([3, 2])
        with q1:
            show_chart(score_figs.quadrant_scatter(quadrants, spec), "desired_outcome", key="oc_quadrants")
        with q2:
            if quadrant_by is None:
                table = overall
            else:
                table = cached("outcomes.quadrant_summary", oc.quadrant_summary, spec, cfg, quadrant_by,
                                 settings)
            styled_table(table.rename(columns={"arr": "ARR", "arr_share": "ARR share"}),
                           formats={"share": "{:.0%}", "ARR share": "{:.0%}", "ARR": "{:,.0f}",
                                    "accounts": "{:,}"})
            download_table(table, "desired_outcome", key="dl_desired_outcome")
            if quadrant_by is not None:
                accounts_behind([number(f"{row.segment} · {row.quadrant}", row.accounts, bh.quadrant_accounts, spec,
                                        cfg, row.quadrant, quadrant_by, row.segment, settings)
                                 for row in table.itertuples(index=False)], key="behind_outcome_segments")

# ---- Desired outcome over time ------------------------------------------------------------------
st.subheader("Desired outcome over time")
MEASURE_THEN = {"csat": "latest CSAT answer", "nps": "latest NPS answer",
                "composite": "composite of its latest factor ratings", "factor": "latest rating of that factor"}
st.caption(f"Each account's quadrant at every fiscal quarter end, from its {MEASURE_THEN[measure]} up to that day; "
           f"{'an answer' if measure in ('csat', 'nps') else 'a rating'} more than {oh.STALE_DAYS} days old then "
           f"counts as missing (exactly {oh.STALE_DAYS} days still counts). The outcome has no date, so it counts in "
           "every quarter. The current quarter is read at the as-of date and is not over yet.")
known_quarters = None
if overall is not None and hl.placed_accounts(overall) == 0:
    st.caption("Shown once accounts can be placed in a quadrant: the message above says what to load.")
elif overall is not None:
    try:
        known_quarters = cached("outcome_history.quarters", oh.quarters, spec, settings, cfg)
    except CxError as exc:     # no date at all: say why and what to do, not an error
        st.info(str(exc), icon=":material/info:")
if known_quarters is not None:
    labels = known_quarters["quarter"].tolist()
    t1, t2 = st.columns([3, 2])
    with t2:
        time_by = segment_picker(ws, key="oc_time_by", label="Table per segment")
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
    from_q = m1.selectbox("From", labels, index=max(0, len(labels) - 5), key="oc_move_from")
    to_q = m2.selectbox("To", labels, index=len(labels) - 1, key="oc_move_to")
    moves = run_safely(lambda: cached("outcome_history.quadrant_moves", oh.quadrant_moves, spec, from_q, to_q,
                                      settings, cfg))
    if moves is not None:
        show_chart(outcome_figs.quadrant_sankey(moves, from_q, to_q), "desired_outcome_moves", key="oc_moves")
        accounts_behind([number(f"{r.from_quadrant} → {r.to_quadrant}", r.accounts, oh.move_accounts, spec, from_q,
                                to_q, r.from_quadrant, r.to_quadrant, settings, cfg)
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
                               key="oc_churn_after_quarter",
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
                         low_n=after["low_n"], note=LOW_N_NOTE,
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

# ---- What customers say -------------------------------------------------------------------------
st.subheader("What customers say")
v1, v2, v3 = st.columns([2, 2, 3])
level = v1.radio("NPS counted per", ["response", "account"], horizontal=True, key="oc_nps_level",
                 format_func={"response": "Response", "account": "Account (latest answer)"}.get,
                 help="Response: every answer counts, as survey tools report it. Account: each account's "
                      "latest answer, so one 300-seat account weighs as much as a 5-seat one.")
ces_lower = v2.toggle("Lower CES is better", value=False, key="oc_ces_lower",
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
              delta=None if r["n"] == 0 else f"95% CI {_interval(r['ci_low'], r['ci_high'], True)} · "
                                             f"n = {int(r['n']):,}",
              delta_color="off", delta_arrow="off",
              help=f"Share of top-two-box answers on the {r['scale']} scale (4–5 on 1–5; good of good/bad), "
                   "with a Wilson 95% interval.")
if ces_all is not None:
    r = ces_all.iloc[0]
    direction = "lower is better" if ces_lower else "higher is better"
    m3.metric("CES", "–" if r["n"] == 0 else f"{r['mean']:.2f}",
              delta=None if r["n"] == 0 else f"95% CI {_interval(r['ci_low'], r['ci_high'])} · "
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
    by = v3.selectbox("Break down by", breakdowns, key="oc_by",
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
                               note=LOW_N_NOTE)
                download_table(frame, f"{name}_by_{by}", key=f"dl_{name}_by")

    st.markdown("**Over time**")
    o1, o2 = st.columns([1, 2])
    period = o1.radio("Period", ["quarter", "month"], horizontal=True, key="oc_period",
                      format_func=str.capitalize)
    with o2:
        lines_by = segment_picker(ws, key="oc_lines_by", label="One line per")

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
                               note=LOW_N_NOTE)
                download_table(frame, f"{name}_per_{period}", key=f"dl_{name}_per_period")

# ---- Churn --------------------------------------------------------------------------------------
st.subheader("Churn")
st.caption("Logo churn for a period = accounts entering Churn in it ÷ accounts that were customers at its "
           "start; gross revenue churn = their ARR ÷ the ARR of those customers. A lost deal is never churn.")
k1, k2 = st.columns([1, 2])
churn_period = k1.radio("Period", ["quarter", "month"], horizontal=True, key="oc_churn_period",
                        format_func=str.capitalize)
with k2:
    churn_by = segment_picker(ws, key="oc_churn_by", label="One line per")
rates = run_safely(lambda: cached("churn.churn_rates", ch.churn_rates, churn_period, None, settings))
flags = cached("churn.has_churn_flags", ch.has_churn_flags)
if (rates is None or rates.empty) and flags:
    # An accounts export with a churn flag (Churn yes/no, Status Cancelled) and no churn dates.
    share = run_safely(lambda: cached("churn.churned_share", ch.churned_share, None, settings))
    if share is not None and not share.empty:
        r = share.iloc[0]
        f1, f2, f3 = st.columns(3)
        f1.metric("Churned share (no period)", f"{r['churned_share']:.1%}",
                  delta=f"95% CI {_interval(r['ci_low'], r['ci_high'], True)} · {int(r['churned']):,} of "
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
                             low_n=by_segment["low_n"], note=LOW_N_NOTE, formats={
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
            styled_table(flagged_reasons.rename(columns={"reason": "Reason", "churned": "Churned", "share": "Share"}),
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
              delta=f"95% CI {_interval(last['ci_low'], last['ci_high'], True)} · {int(last['churned'])} of "
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
                styled_table(lines.drop(columns=["low_n"]), low_n=lines["low_n"], note=LOW_N_NOTE, formats={
                    "logo_churn": "{:.1%}", "ci_low": "{:.1%}", "ci_high": "{:.1%}", "revenue_churn": "{:.1%}",
                    "arr_active_start": "{:,.0f}", "arr_churned": "{:,.0f}", "period_start": "{:%Y-%m-%d}"})
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
