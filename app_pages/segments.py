"""Segments: every value of a segment column side by side, and honest tests of each against the rest."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import churn as ch
from cxlib import diagnostics as dg
from cxlib import funnel as fn
from cxlib import dimensions, meeting
from cxlib import scores as sc
from cxlib import segments as sg
from cxlib.errors import CxError
from cxlib.figures import scores as score_figs
from cxlib.figures import segments as segment_figs
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import kept, lazy_expander, lazy_tabs, segment_picker, settings_caption
from app_pages._pack import meeting_pack_buttons
from app_pages._session import cached, run_safely, workspace
from app_pages._share import view_params
from app_pages._tables import download_table, styled_table

st.title("Segments")
ws = workspace()
settings_caption(ws)

cfg = ws.score_config
settings = ws.settings
names = {f.key: f.name for f in cfg.factors}
LOW_N_NOTE = (f"Grey rows: fewer than {settings.min_n} accounts (the minimum n) — shown for reference, never "
              "marked significant.")

# The view lives in the address bar, so a link reopens this comparison on the same data.
view_params({"seg_by": "tier", "seg_weight": "accounts", "seg_radar_segment": None,
             "seg_section": "One segment against the desired state"}, kinds={"seg_radar_segment": str})
s1, s2 = st.columns([1, 2])
with s1:
    by = segment_picker(ws, key="seg_by", label="Segment column", allow_none=False)
if by is None:
    st.info("The accounts table has no segment columns (tier, region, industry, CSM…). Map one on the "
            "**Data** page to compare segments.", icon=":material/info:")
    st.stop()
weight = s2.radio("Segment composite", ["accounts", "arr"], horizontal=True, key="seg_weight",
                  format_func={"accounts": "Mean of accounts", "arr": "ARR-weighted mean"}.get,
                  help="A segment's composite is the mean of its accounts' composites (accounts at the "
                       "minimum coverage), or that mean weighted by each account's ARR.")

overview = run_safely(lambda: cached("segments.segment_overview", sg.segment_overview, by, settings))
seg_scores = run_safely(lambda: cached("scores.segment_scores", sc.segment_scores, cfg, by, weight,
                                           settings))
if overview is None:
    st.stop()
for note in overview.attrs.get("notes", []):
    st.caption(note)
if seg_scores is not None:
    side = overview.merge(seg_scores.drop(columns=["accounts", "low_n"]), on="segment", how="left")
else:
    side = overview

# ---- Side by side -------------------------------------------------------------------------------
st.subheader(f"Side by side by {by}")
table = pd.DataFrame({
    by: side["segment"], "Accounts": side["accounts"], "ARR": side["arr"],
    "Composite": side.get("composite"), "Scored accounts": side.get("n"), "Band": side.get("band"),
    "Gap to target": side.get("gap"), "Weakest factor": side.get("weakest_factor", pd.Series()).map(names),
    "NPS": side["nps"], "NPS answers": side["nps_n"], "CSAT": side["csat"], "CSAT answers": side["csat_n"],
    "Churn, last 12 months": side["churn_12m"], "Customers 12 months ago": side["churn_active_start"],
    "Churned share (no period)": side["churned_share"],
    "Accounts with a churn flag": side["churn_flagged"].where(side["churned_share"].notna()),
})
styled_table(table.dropna(axis=1, how="all"), low_n=side["low_n"], note=LOW_N_NOTE, band_columns=("Band",),
               formats={"ARR": "{:,.0f}", "Composite": "{:.1f}", "Gap to target": "{:+.1f}", "NPS": "{:.0f}",
                        "CSAT": "{:.0%}", "Churn, last 12 months": "{:.1%}", "Accounts": "{:,}",
                        "Scored accounts": "{:,.0f}", "NPS answers": "{:,}", "CSAT answers": "{:,}",
                        "Customers 12 months ago": "{:,}", "Churned share (no period)": "{:.1%}",
                        "Accounts with a churn flag": "{:,.0f}"})
st.caption("Composite: mean of the segment's account composites (accounts at the minimum coverage: 'scored "
           "accounts'). NPS counts every response; CSAT is the share of top-two-box answers; churn is the "
           "share of the customers twelve months before the as-of date who have churned since. Churned share "
           "(no period): accounts the accounts file flags as churned ÷ accounts with a churn flag — the file "
           "as exported, not a rate per period.")
download_table(side, f"segments_by_{by}", key="dl_segments_side")
side_numbers = [number(f"{row.segment}: accounts", row.accounts, bh.segment_accounts, by, row.segment)
                for row in side.itertuples(index=False) if row.accounts]
if seg_scores is not None:
    side_numbers += [number(f"{row.segment}: scored accounts", row.n, bh.segment_score_accounts, cfg, by, row.segment,
                            "scored", settings) for row in seg_scores.itertuples(index=False)]
if overview.attrs.get("churn_start") is not None:
    side_numbers += [number(f"{row.segment}: customers 12 months ago", row.churn_active_start,
                            bh.churn_window_accounts, overview.attrs["churn_start"], None, "active_start", by,
                            row.segment, settings)
                     for row in side.itertuples(index=False) if row.churn_active_start]
if side["churned_share"].notna().any():
    side_numbers += [number(f"{row.segment}: accounts with a churn flag", row.churn_flagged, bh.flagged_accounts,
                            "accounts", by, row.segment) for row in side.itertuples(index=False) if row.churn_flagged]
accounts_behind(side_numbers, key="behind_segments_side")
for kind, answers in (("NPS", "nps_n"), ("CSAT", "csat_n")):   # no silent blank column: say why it is empty
    reason = dg.survey_reason(ws.con, ws.mapping, kind, settings=settings) if int(side[answers].sum()) == 0 else None
    if reason is not None and reason.loaded:
        st.caption(f"{kind}: {reason.text}.")

if seg_scores is not None and (factor_box := lazy_expander(f"Factor scores and gaps by {by} (table)",
                                                           key="seg_factor_tables")):
    with factor_box:
        factor_table = seg_scores[["segment", "n", *cfg.keys]].rename(columns={"segment": by, "n": "Scored accounts"}
                                                                       | names)
        styled_table(factor_table, formats={names[k]: "{:.1f}" for k in cfg.keys}, low_n=seg_scores["low_n"],
                       note=f"Grey rows: fewer than {settings.min_n} scored accounts.")
        gap_table = seg_scores[["segment", *[f"gap_{k}" for k in cfg.keys]]].rename(
            columns={"segment": by} | {f"gap_{k}": f"Gap: {names[k]}" for k in cfg.keys})
        styled_table(gap_table, formats={f"Gap: {names[k]}": "{:+.1f}" for k in cfg.keys},
                       low_n=seg_scores["low_n"])
        st.caption("Factor score: the mean over the segment's accounts that have the factor (0–100). Gap = target − "
                   "score; positive is short of the desired state.")
h1, h2 = st.columns(2)
with h1:
    show_chart(segment_figs.overview_heatmap(overview, title=f"NPS, CSAT and churn by {by}"),
                 f"voice_and_churn_by_{by}", key="seg_overview_heatmap")
if seg_scores is not None:
    with h2:
        show_chart(score_figs.segment_factor_heatmap(seg_scores, cfg, title=f"Factor scores by {by}"),
                     f"factor_scores_by_{by}", key="seg_factor_heatmap")


# ---- Below the first table and charts: one lazy tab each, only the open one computes ---------------
def against_desired_state() -> None:
    """One segment's composite and gap, its radar against the targets, and its meeting pack."""
    st.subheader("One segment against the desired state")
    if seg_scores is None or not seg_scores["composite"].notna().any():
        st.info("No account has a composite score: load engagement factor ratings on the **Data** page to compare "
                f"each value of {by} with the desired state.", icon=":material/info:")
    else:
        r1, r2 = st.columns([1, 2])
        segment = r1.selectbox("Segment", list(seg_scores["segment"]), key=kept("seg_radar_segment"))
        row = seg_scores[seg_scores["segment"] == segment].iloc[0]
        r1.metric("Composite", "–" if pd.isna(row["composite"]) else f"{row['composite']:.1f}",
                  delta=f"{int(row['n'])} scored of {int(row['accounts'])} accounts", delta_color="off",
                  delta_arrow="off",
                  help="Mean of the segment's account composites over the accounts at the minimum coverage.")
        r1.metric("Gap to the desired state", "–" if pd.isna(row["gap"]) else f"{row['gap']:+.1f}",
                  help="Mean over the segment's scored accounts of their overall gap: the weighted target minus "
                       "the composite. Positive: short of the desired state.")
        if bool(row["low_n"]):
            r1.caption(f"Fewer than {settings.min_n} scored accounts: read with care.")
        with r1:
            meeting_pack_buttons(
                lambda: meeting.segment_pack(ws.con, by, str(segment), cfg, settings, ws.warning_config,
                                             mapping=ws.mapping),
                f"meeting_pack_{by}_{segment}", key="segment_pack", stamp=(ws.stamp, by, segment))
        with r2:
            show_chart(score_figs.segment_radar(seg_scores, cfg, segment), f"{segment}_against_desired_state",
                         key="seg_radar")


def different_from_rest() -> None:
    """A rate or a mean per value of the segment column, each tested against all other accounts."""
    st.subheader("Is a segment different from the rest?")
    st.caption("Each value is tested against all other accounts together: a pooled two-proportion z-test for a "
               "rate, Welch's t-test for a mean; p-values are adjusted across the table (Benjamini–Hochberg, "
               f"q = 0.05). Segments with fewer than {settings.min_n} accounts are greyed, keep their raw p for "
               "reference and are never marked significant.")
    columns = [c for c in cached("dimensions.accounts_columns", dimensions.accounts_columns)
               if c not in ("account_id", "name", "source", "source_row")]
    flags = cached("churn.has_churn_flags", ch.has_churn_flags)
    numbers = cached("segments.measure_columns", sg.measure_columns)
    # A churn file (a churn flag, no outcome) opens on its churn rate; one without ARR on its first measure.
    rate_default = "churned" if flags else "outcome"
    mean_default = "arr" if "arr" in columns and (not numbers or side["arr"].notna().any()) else \
        (numbers[0] if numbers else "arr")
    t1, t2, t3 = st.columns(3)
    kind = t1.radio("Compare", ["rate", "mean"], horizontal=True, key=kept("seg_test_kind"),
                    format_func={"rate": "A rate (share with a value)", "mean": "A mean (numeric column)"}.get)
    rate = mean = None
    if kind == "rate":
        column = t2.selectbox("Column", columns, key=kept("seg_rate_column"),
                              index=columns.index(rate_default) if rate_default in columns else 0)
        if column == "stage":
            stage_names = [s.name for s in settings.stages]
            value = t3.selectbox("Value", stage_names, key=kept("seg_rate_stage"),
                                 index=stage_names.index("Churn") if "Churn" in stage_names else 0)
        else:
            value = t3.text_input("Value", value={"outcome": "1", "churned": "yes"}.get(column, ""),
                                  key=kept(f"seg_rate_value_{column}"),
                                  help="Compared trimmed and case-insensitively (numbers numerically; yes/no words "
                                       "in six languages by their meaning): outcome 1 means reached, churned yes "
                                       "means the accounts file flags the account as churned.")
        rate = f"{column}={value}"
    else:
        column = t2.selectbox("Column", columns, key=kept("seg_mean_column"),
                              index=columns.index(mean_default) if mean_default in columns else 0)
        mean = column
    if kind == "rate" and not value:
        st.info("Type the value to count (e.g. 'Churn' for stage, '1' for outcome).")
    else:
        tested = run_safely(lambda: cached("segments.compare", sg.compare, by, rate, mean, settings))
        if tested is not None and not tested.empty:
            show_chart(segment_figs.compare_chart(tested), f"compare_by_{by}", key="seg_compare_chart")
            measure = "rate" if kind == "rate" else "mean"
            shown = tested.assign(significant=tested["significant"].map(
                {True: segment_figs.SIGNIFICANT_MARK + " yes", False: ""}))
            fmt = "{:.1%}" if kind == "rate" else "{:,.2f}"
            styled_table(shown.drop(columns=["low_n"]).rename(columns={"segment": by}), low_n=tested["low_n"],
                           note=LOW_N_NOTE,
                           formats={measure: fmt, "ci_low": fmt, "ci_high": fmt, "rest": fmt, "p_value": "{:.3g}",
                                    "p_adjusted": "{:.3g}"})
            st.caption(f"{measure}: the segment's value with its 95% interval (ci_low–ci_high); rest: the value "
                       "over all other accounts; p_value: the test against the rest; p_adjusted: after "
                       "Benjamini–Hochberg across the segments tested.")
            download_table(tested, f"compare_by_{by}", key="dl_compare")
            accounts_behind([number(f"{row.segment}: n", row.n, bh.compare_accounts, by, row.segment, rate, mean)
                             for row in tested.itertuples(index=False)], key="behind_segments_compare")
        elif tested is not None:
            reason = dg.compare_reason(ws.con, ws.mapping, column)
            st.info(f"{reason.text}." if reason is not None else "No account has a value in that column.")


def measures_and_funnel() -> None:
    """Each numeric accounts column's mean per segment, and the funnel's step conversion per segment."""
    measures = run_safely(lambda: cached("segments.measure_means", sg.measure_means, by, settings))
    if measures is not None and measures.attrs.get("measures"):
        st.markdown(f"**Measures by {by}** — each numeric accounts column's mean over the segment's accounts that "
                    "have it (test one against the rest below).")
        names_n = {f"{m}_n": f"{m} (n)" for m in measures.attrs["measures"]}
        styled_table(measures.drop(columns=["low_n"]).rename(columns={"segment": by, "accounts": "Accounts"} | names_n),
                     low_n=measures["low_n"], note=LOW_N_NOTE,
                     formats={m: "{:,.2f}" for m in measures.attrs["measures"]} | {n: "{:,}" for n in names_n.values()})
        download_table(measures, f"measures_by_{by}", key="dl_measures_by")
    # ---- Funnel conversion per segment (when journey data is loaded) ----------------------------------
    try:
        funnel = cached("funnel.funnel", fn.funnel, fn.FunnelSpec(by=by), settings)
    except CxError as exc:
        funnel = None
        st.caption(f"Funnel conversion by {by} is not shown: {exc}")
    if funnel is not None and not funnel.table.empty and int(funnel.table["accounts"].sum()) > 0:
        steps = funnel.table
        pivot = fn.conversion_by_segment(funnel, base="previous").set_index("segment")
        step_table = pd.DataFrame({f"Reached {funnel.steps[0]}": pivot["accounts"]})
        for k, stage in enumerate(funnel.steps[1:], start=2):
            step_table[f"→ {stage}"] = pivot[f"conversion_{k}"]
        step_table[f"{funnel.steps[0]} → {funnel.steps[-1]}"] = pivot["conversion_overall"]
        step_table = step_table.reindex([v for v in side["segment"] if v in step_table.index]
                                        + [v for v in step_table.index if v not in set(side["segment"])])
        low = step_table.index.map(dict(zip(side["segment"], side["low_n"]))).fillna(False)
        st.markdown(f"**Funnel step conversion by {by}** — share of the accounts at the previous step that reached "
                    "each step (ordered funnel, every account once per step).")
        styled_table(step_table.reset_index().rename(columns={"segment": by}), low_n=pd.Series(low, dtype=bool),
                       note=LOW_N_NOTE, formats={c: "{:.0%}" for c in step_table.columns if c.startswith("→")
                                                 or c.endswith(funnel.steps[-1])}
                       | {f"Reached {funnel.steps[0]}": "{:,.0f}"})
        download_table(steps, f"funnel_by_{by}", key="dl_funnel_by")
        accounts_behind([number(f"{segment}: reached {funnel.steps[0]}", count, bh.funnel_accounts,
                                fn.FunnelSpec(by=by), 1, "reached", settings, str(segment))
                         for segment, count in zip(pivot.index, pivot["n"], strict=True)], key="behind_segments_funnel")
        for note in funnel.notes:
            st.caption(note)


SECTIONS = {"One segment against the desired state": against_desired_state,
            "Is a segment different from the rest?": different_from_rest,
            "Measures and funnel": measures_and_funnel}
for tab, section in zip(lazy_tabs(list(SECTIONS), key="seg_section"), SECTIONS.values()):
    if tab is not None:
        with tab:
            section()
