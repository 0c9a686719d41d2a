"""Drivers: what goes with churning, converting to a stage, or reaching the desired outcome — with honest tests."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from cxlib import drivers as dr
from cxlib import outcomes as oc
from cxlib.errors import CxError
from cxlib.figures import drivers as driver_figs
from cxlib.figures.segments import SIGNIFICANT_MARK
from cxlib.stages import funnel_stages
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import kept, lazy_expander, settings_caption
from app_pages._session import cached, workspace
from app_pages._tables import download_table, show_table, styled_table

st.title("Drivers")
ws = workspace()
settings_caption(ws)
settings = ws.settings
cfg = ws.score_config

OUTCOMES = {"churned": "Churned", "converted": "Converted to a stage", "successful": "Reached the desired outcome"}
HELP = {"churned": "A Churn entry or a churn flag at the as-of date: customers (from Decision) and accounts with a "
                   "churn flag (yes/no); a returned customer is not churned.",
        "converted": "Converting from the funnel step before the stage to the stage (the ordered funnel): the "
                     "accounts that reached the step before, and whether they reached the stage.",
        "successful": "The desired outcome's quadrant: successful (outcome and appropriate experience) against "
                      "the other placed quadrants; accounts that cannot be placed are left out."}

c1, c2, c3 = st.columns([2, 2, 2])
kind = c1.radio("Outcome", list(OUTCOMES), format_func=OUTCOMES.get, key="dr_outcome", horizontal=False,
                help="What the drivers go with.")
c1.caption(HELP[kind])
spec: oc.OutcomeSpec | None = None
if kind == "converted":
    steps = funnel_stages(settings.stages)[1:]
    stage = c2.selectbox("Converted to", steps, key="dr_stage", index=min(3, len(steps) - 1) if steps else 0,
                         help="From the step before it in the funnel.")
    outcome = dr.Outcome("converted", stage)
elif kind == "successful":
    measures = ["csat", "nps", "composite", *[f"factor:{k}" for k in cfg.keys]]
    experience = c2.selectbox("Experience measure", measures, key="dr_experience",
                              help="As on the Outcomes & voice page: the latest CSAT or NPS answer, the "
                                   "composite or one factor's score.")
    default = cached("outcomes.resolve", oc.resolve, oc.OutcomeSpec(experience=experience))
    threshold = c3.number_input("Appropriate at or above", value=default.threshold,
                                key=f"dr_experience_threshold_{experience}_{default.csat_scale or ''}")
    spec = oc.OutcomeSpec(experience=experience, experience_threshold=float(threshold))
    outcome = dr.Outcome("successful")
else:
    outcome = dr.Outcome("churned")


def _table(con: Any, outcome: dr.Outcome, spec: oc.OutcomeSpec | None) -> pd.DataFrame:
    return dr.drivers(con, outcome, settings, mapping=ws.mapping, score_config=cfg, outcome_spec=spec)


try:
    table = cached("drivers.drivers", _table, outcome, spec)
except CxError as exc:
    st.info(f"{exc}", icon=":material/info:")
    st.stop()

attrs = table.attrs
m1, m2, m3, m4 = st.columns(4)
m1.metric("Accounts with a known outcome", f"{attrs['population']:,}",
          help="The population every rate, rest and test is taken over.")
m2.metric(f"Of them {outcome.label}", f"{attrs['events']:,}", help="Accounts with the outcome.")
m3.metric("Rate", f"{attrs['rate']:.1%}", help="Accounts with the outcome ÷ accounts with a known outcome.")
m4.metric("Significant drivers", f"{int(table['significant'].sum()):,}",
          help=f"Rows whose Benjamini–Hochberg adjusted p is at most {attrs['q']:g}, among the rows with at least "
               f"{attrs['min_n']} accounts (and a rest that large).")


def _outcome_accounts(con: Any, outcome: dr.Outcome, spec: oc.OutcomeSpec | None, which: str) -> pd.DataFrame:
    return dr.outcome_accounts(con, outcome, which, settings, score_config=cfg, outcome_spec=spec)


# "Significant drivers" counts driver rows, not accounts: the rows' own accounts are listed below the table.
accounts_behind([number("Accounts with a known outcome", attrs["population"], _outcome_accounts, outcome, spec,
                        "population"),
                 number(f"Of them {outcome.label}", attrs["events"], _outcome_accounts, outcome, spec, "outcome")],
                "behind_dr_cards")
for note in attrs.get("notes", []):
    st.caption(note)

show_chart(driver_figs.forest_chart(table), f"drivers_{outcome.label}", key="dr_forest")

st.subheader("Every value and every measure")
shown = table.assign(significant=table["significant"].map({True: SIGNIFICANT_MARK + " yes", False: ""}),
                     test=table["test"].fillna("–"))
styled_table(shown[["driver", "value", "n", "rate", "rest_rate", "odds_ratio", "ci_low", "ci_high", "p_value",
                    "p_adjusted", "significant", "test", "note"]],
             low_n=table["low_n"],
             note=f"Grey rows: fewer than {attrs['min_n']} accounts (the minimum n) — raw p for reference, never "
                  "significant.",
             formats={"rate": "{:.1%}", "rest_rate": "{:.1%}", "odds_ratio": "{:.2f}", "ci_low": "{:.2f}",
                      "ci_high": "{:.2f}", "p_value": "{:.3g}", "p_adjusted": "{:.3g}", "n": "{:,}"})
st.caption("rate: share of the value's accounts with the outcome; rest_rate: the same over every other account "
           "(for a quartile: the measure's other quartiles). odds_ratio: the 2×2 table's sample odds ratio (0.5 "
           "added to every cell when one is zero) with its 95% Woolf interval; test: Fisher's exact test when an "
           "expected cell is below 5, else the two-proportion z-test. Quartiles (cuts by quantile_cont, a value "
           "on a cut in the lower quartile) are described, not tested; each measure's 'per SD' row is a logistic "
           "regression's odds ratio per standard deviation. p_adjusted: Benjamini–Hochberg across every tested row.")
download_table(dr.cli_drivers_table(table), f"drivers_{outcome.label}", key="dl_drivers")

# ---- The accounts behind a row (computed only while its expander is open) ----------------------------


def _accounts(con: Any, outcome: dr.Outcome, spec: oc.OutcomeSpec | None, kind: str, column: str,
              value: Any) -> pd.DataFrame:
    return dr.driver_accounts(con, outcome, kind, column, value, settings, mapping=ws.mapping, score_config=cfg,
                              outcome_spec=spec)


if box := lazy_expander("The accounts behind a row", key="dr_row_accounts_open"):
    with box:
        choices = list(range(len(table)))
        strength = table["odds_ratio"].where(table["significant"]).map(
            lambda r: abs(math.log(r)) if r > 0 else None)
        first = int(strength.idxmax()) if strength.notna().any() else 0   # opens on the strongest significant driver
        picked = st.selectbox("Row", choices, key=kept("dr_row"), index=first,
                              format_func=lambda i: f"{driver_figs.driver_label(table.iloc[i])} · "
                                                    f"{int(table.iloc[i]['n']):,} accounts")
        row = table.iloc[picked]
        value = row["quartile"] if row["kind"] == dr.QUARTILE else row["value"]
        accounts = cached("drivers.driver_accounts", _accounts, outcome, spec, row["kind"], row["column"],
                          None if pd.isna(value) else (int(value) if row["kind"] == dr.QUARTILE else str(value)))
        show_table(accounts, f"accounts_{row['driver']}_{row['value']}", key="dl_driver_accounts")
