"""Outcomes & voice, desired outcome: the experience controls both outcome tabs read, and the quadrants now."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import diagnostics as dg
from cxlib import headlines as hl
from cxlib import outcomes as oc
from cxlib.figures import scores as score_figs
from cxlib.workspace import Workspace
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import kept, segment_picker
from app_pages._session import cached, run_safely
from app_pages._tables import download_table, styled_table

RANGES = {"csat": (0.0, 10.0, 1.0), "nps": (0.0, 10.0, 1.0), "composite": (0.0, 100.0, 5.0),
          "factor": (0.0, 100.0, 5.0)}


def outcome_controls(ws: Workspace) -> oc.OutcomeSpec:
    """The experience measure and both thresholds: above the tabs, since the quadrants now and over time read them."""
    cfg = ws.score_config
    names = {f.key: f.name for f in cfg.factors}
    measures = ["csat", "nps", "composite", *[f"factor:{k}" for k in cfg.keys]]
    labels = {"csat": "CSAT answer (latest)", "nps": "NPS answer (latest)", "composite": "Composite score"} \
        | {f"factor:{k}": f"Factor: {names[k]}" for k in cfg.keys}
    c1, c2, c3 = st.columns(3)
    experience = c1.selectbox("Experience measure", measures, format_func=labels.get, key="oc_measure",
                              help="The account's latest CSAT or NPS answer up to the as-of date (raw, on the "
                                   "survey's scale), the composite (only at the minimum coverage) or one "
                                   "factor's 0–100 score.")
    measure = experience.split(":", 1)[0]
    lo, hi, step = RANGES[measure]
    # CSAT's default line is its detected scale's satisfied box; a new scale (a new upload) starts from its own.
    default = cached("outcomes.resolve", oc.resolve, oc.OutcomeSpec(experience=experience))
    experience_threshold = c2.number_input(
        "Appropriate experience at or above", lo, hi, default.threshold, step,
        key=f"oc_experience_threshold_{measure}_{default.csat_scale or ''}",
        help=(f"Default: the satisfied answers of the CSAT scale found in the data ({default.csat_scale})."
              if default.csat_scale else None))
    outcome_threshold = c3.number_input(
        "Outcome reached at or above", value=0.5, step=0.5, key="oc_outcome_threshold",
        help="Compared with the accounts' outcome column: yes/no arrives as 1/0, so 0.5 means 'yes'; "
             "for a score, type the score that counts as reached.")
    return oc.OutcomeSpec(float(outcome_threshold), experience, float(experience_threshold))


def placed_summary(ws: Workspace, spec: oc.OutcomeSpec) -> pd.DataFrame | None:
    """The quadrants over every account (None after an error already shown): both outcome tabs start from it."""
    return run_safely(lambda: cached("outcomes.quadrant_summary", oc.quadrant_summary, spec, ws.score_config,
                                     None, ws.settings))


def desired_outcome(ws: Workspace, spec: oc.OutcomeSpec) -> None:
    """The quadrant cards, the scatter of accounts and the table per segment, with the accounts behind each."""
    cfg, settings = ws.score_config, ws.settings
    measure = spec.measure
    st.subheader("Desired outcome: required outcome × appropriate experience")
    st.caption("An account is successful only when it reached its required outcome **and** had an appropriate "
               "experience on the way. An account missing either measure is 'not placed', never counted as a "
               "failure; shares are of the accounts (ARR) that could be placed.")
    with st.columns(4)[0]:
        quadrant_by = segment_picker(ws, key=kept("oc_quadrant_by"), label="Per segment")
    overall = placed_summary(ws, spec)
    if overall is None:
        return
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
