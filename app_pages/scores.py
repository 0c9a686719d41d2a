"""Scores: engagement against the desired state — composite, bands, factors, weights and targets, trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import diagnostics as dg
from cxlib import scores as sc
from cxlib.errors import CxError
from cxlib.figures import scores as figs
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import edits_belong_to_data, kept, lazy_expander, segment_picker, settings_caption
from app_pages._session import cached, run_safely, workspace
from app_pages._tables import download_table, styled_table

EDITOR_KEY = "scores_editor"
INPUT_KEYS = ("scores_red_below", "scores_green_above", "scores_min_coverage", "scores_horizon",
              "scores_dead_band")
OWNER_KEY = "scores_widgets_owner"

st.title("Scores")
ws = workspace()
settings_caption(ws)
st.caption("Engagement against the desired state: each account's eight factor ratings on a 0–100 scale, "
           "weighted into one composite and compared with the target you set for each factor.")

# Edits belong to one mapping: a new upload or a re-applied mapping starts from its own saved values.
edits_belong_to_data(ws, OWNER_KEY, (EDITOR_KEY, *INPUT_KEYS))

saved = ws.score_config
detected = cached("scores.detect_scales", sc.detect_scales)
if not detected:
    reason = dg.scores_reason(ws.con, ws.mapping, saved, ws.settings)
    if reason is not None and reason.loaded:   # ratings loaded, none usable: say which column and why
        st.warning(f"{reason.text}.", icon=":material/warning:")
    else:
        st.info("No factor ratings are loaded yet. Load a table of engagement factor ratings (one column per "
                "factor, or factor and score columns) on the **Data** page to see scores here.",
                icon=":material/info:")
    st.stop()

# Display order differs from computing order: the editor's values feed every number above it.
summary_box = st.container()
risk_box = st.container()
st.subheader("Desired state: weights, targets and bands")
st.caption("Edit a weight or target and every number on this page follows. The settings are kept with "
           "the mapping (Data page → Download mapping), so the next meeting starts from them.")


scale_sources = sc.scale_sources(saved, detected)


def _scale_label(key: str) -> str:
    if key not in scale_sources:
        return "no ratings"
    scale, origin = scale_sources[key]
    if scale.kind == "metric":
        return f"metric {scale.zero:g}→{scale.hundred:g} ({scale.direction}, {origin})"
    return f"{scale.kind} ({origin})"


editor_base = pd.DataFrame({
    "key": saved.keys,
    "factor": [f.name for f in saved.factors],
    "weight": [saved.weight(k) for k in saved.keys],
    "target": [saved.target(k) for k in saved.keys],
    "scale": [_scale_label(k) for k in saved.keys],
})
left, right = st.columns([3, 2])
with left:
    edited = st.data_editor(
        editor_base, key=EDITOR_KEY, hide_index=True, width="stretch", disabled=["scale"],
        column_order=["factor", "weight", "target", "scale"],
        column_config={
            "factor": st.column_config.TextColumn("Factor", required=True,
                                                  help="Display name; rename freely (the key stays)."),
            "weight": st.column_config.NumberColumn("Weight", min_value=0.0, step=0.5, required=True,
                                                    help="Relative weight in the composite; 0 leaves the "
                                                         "factor out. Default: equal weights (1)."),
            "target": st.column_config.NumberColumn("Target", min_value=0.0, max_value=100.0, step=5.0,
                                                    required=True,
                                                    help="Desired state on the 0–100 scale (default 80)."),
            "scale": st.column_config.TextColumn("Scale", help="Detected from the values unless set in "
                                                               "the mapping; normalised to 0–100."),
        })
with right:
    th = saved.thresholds
    c1, c2 = st.columns(2)
    red_below = c1.number_input("Red below", 0.0, 100.0, float(th.red_below), 1.0, key=INPUT_KEYS[0],
                                help="A score shown (rounded) below this is red.")
    green_above = c2.number_input("Green above", 0.0, 100.0, float(th.green_above), 1.0, key=INPUT_KEYS[1],
                                  help="A score shown (rounded) above this is green; in between, both ends "
                                       "included, is yellow.")
    min_coverage = c1.number_input("Minimum coverage", 0.0, 1.0, float(th.min_coverage), 0.05,
                                   key=INPUT_KEYS[2],
                                   help="Share of the total weight that must have a rating; below it the "
                                        "account is grey ('insufficient data'), whatever its composite.")
    horizon = c2.number_input("ARR at risk: renewal within (days)", 0, 3650, int(saved.risk_horizon_days), 15,
                              key=INPUT_KEYS[3])
    dead_band = c1.number_input("Trend: 'same' within ± points", 0.0, 50.0, float(saved.dead_band), 1.0,
                                key=INPUT_KEYS[4])


cfg = saved
try:
    candidate = saved.with_edits(zip(edited["key"], edited["factor"], edited["weight"], edited["target"]),
                                 thresholds=sc.Thresholds(red_below, green_above, min_coverage),
                                 risk_horizon_days=horizon, dead_band=dead_band)
except CxError as exc:
    st.error(f"{exc} — the scores below still use the last valid settings.", icon=":material/error:")
else:
    if candidate.in_force() != saved.in_force():
        if ws.mapping is None:
            st.warning("Nothing is mapped yet, so the settings cannot be kept; they apply to this view only.")
        else:
            ws.set_score_config(candidate)
        cfg = candidate


def _reset() -> None:
    """Back to the default desired state (ScoreConfig.reset), and the widgets to the saved values."""
    ws.set_score_config(ws.score_config.reset())
    for key in (EDITOR_KEY, *INPUT_KEYS):
        st.session_state.pop(key, None)


right.button("Reset weights, targets and bands", on_click=_reset, icon=":material/restart_alt:")

settings = ws.settings
names = {f.key: f.name for f in cfg.factors}
accounts = run_safely(lambda: cached("scores.account_scores", sc.account_scores, cfg, settings))
if accounts is None:
    st.stop()
bands = cached("scores.band_summary", sc.band_summary, cfg, settings).set_index("band")
if accounts["composite"].isna().all():          # no silent dash: say why no account has a composite
    no_composite = dg.scores_reason(ws.con, ws.mapping, cfg, settings)
    if no_composite is not None:
        summary_box.info(f"{no_composite.text}.", icon=":material/info:")

# ---- Headline -----------------------------------------------------------------------------------
with summary_box:
    headline = cached("scores.composite_summary", sc.composite_summary, cfg, settings)
    cols = st.columns(6)
    cols[0].metric(
        "Median composite", "–" if headline.median is None else f"{headline.median:.1f}",
        help="Median over accounts of the composite: Σ wᵢ·scoreᵢ / Σ wᵢ over the factors the account has "
             "a rating for (weights renormalised), each factor normalised to 0–100 as "
             "(x − min)/(max − min) × 100 of its scale. Accounts below the minimum coverage are left out.")
    labels = {"green": "Green", "yellow": "Yellow", "red": "Red", "grey": "Insufficient data"}
    helps = {
        "green": f"Accounts whose composite, as shown (rounded), is above {cfg.thresholds.green_above:g}.",
        "yellow": f"Accounts whose composite, as shown (rounded), is from {cfg.thresholds.red_below:g} to "
                  f"{cfg.thresholds.green_above:g}, both ends included.",
        "red": f"Accounts whose composite, as shown (rounded), is below {cfg.thresholds.red_below:g}.",
        "grey": f"Accounts rated on less than {cfg.thresholds.min_coverage:.0%} of the total weight (or not "
                "at all): too little data to band. One factor rated 100 is not a green account.",
    }
    for col, band in zip(cols[1:5], ("green", "yellow", "red", "grey")):
        row = bands.loc[band]
        col.metric(labels[band], f"{int(row['accounts']):,}",
                   delta=f"{row['share']:.0%} · ARR {row['arr_share']:.0%}" if pd.notna(row["share"]) else None,
                   delta_color="off", delta_arrow="off",
                   help=helps[band] + " Shares are of all accounts and of all ARR.")
    risk = run_safely(lambda: cached("scores.arr_at_risk", sc.arr_at_risk, cfg, None, settings))
    risk_total, risk_list = risk if risk is not None else (None, pd.DataFrame())
    cols[5].metric(
        "ARR at risk", "–" if risk_total is None else f"{risk_total:,.0f}",
        delta=None if risk is None else f"{len(risk_list)} accounts", delta_color="off", delta_arrow="off",
        help=f"ARR of accounts that are red or currently in Disappointment and renew within "
             f"{cfg.risk_horizon_days} days after the as-of date (both ends included). Churned and lost "
             "accounts are left out: that ARR is already gone.")
    accounts_behind([number(labels[band], bands.loc[band, "accounts"], bh.band_accounts, cfg, band, settings)
                     for band in ("green", "yellow", "red", "grey")], key="behind_scores_bands")
    g1, g2 = st.columns([3, 2])
    with g1:
        show_chart(figs.composite_histogram(accounts, cfg.thresholds), "composite_distribution",
                     key="scores_hist")
    with g2:
        show_chart(figs.band_summary_chart(bands.reset_index()), "accounts_and_arr_by_band", key="scores_bands")

with risk_box:
    if risk is not None:
        with st.expander(f"Accounts behind the ARR at risk ({len(risk_list)})"):
            if risk_list.empty:
                st.success(f"No red or Disappointment account renews within {cfg.risk_horizon_days} days.")
            else:
                st.dataframe(risk_list, hide_index=True, width="stretch", column_config={
                    "arr": st.column_config.NumberColumn("ARR", format="%,.0f"),
                    "composite": st.column_config.NumberColumn("Composite", format="%.1f"),
                    "renewal_date": st.column_config.DateColumn("Renewal", format="YYYY-MM-DD"),
                    "days_to_renewal": st.column_config.NumberColumn("Days to renewal")})
                download_table(risk_list, "arr_at_risk", key="dl_arr_at_risk")


# ---- Below the editor: one lazy expander each, only an open one computes ---------------------------
def factors_section() -> None:
    """Each factor's mean score against its target and weight, as a table and a chart."""
    factors = cached("scores.factor_summary", sc.factor_summary, cfg, settings)
    table = pd.DataFrame({
        "Factor": factors["name"], "Accounts rated": factors["n"], "Mean score": factors["score"],
        "Target": factors["target"], "Gap to target": factors["gap"], "Weight": factors["weight"],
        "Band": factors["band"]})
    styled_table(table, formats={"Mean score": "{:.1f}", "Target": "{:.0f}", "Gap to target": "{:+.1f}",
                                   "Weight": "{:g}", "Accounts rated": "{:,}"}, band_columns=("Band",))
    st.caption("Mean score: the mean of the accounts' latest rating of the factor (0–100). Gap = target − mean "
               "score; a positive gap is how far the factor falls short of the desired state. The band of a "
               "factor uses the same thresholds as the composite.")
    show_chart(figs.factor_bar_chart(factors), "factors_against_desired_state", key="scores_factors")


def accounts_section() -> None:
    """Every account's composite, band, coverage and weakest factor, filtered by band."""
    show = st.multiselect("Bands", ["red", "yellow", "green", "grey"], default=["red", "yellow", "green", "grey"],
                          format_func=lambda b: labels[b], key=kept("scores_band_filter"))
    listing = accounts[accounts["band"].isin(show)].assign(
        weakest_factor=lambda d: d["weakest_factor"].map(names)).sort_values("composite", na_position="last")
    st.caption(f"{len(listing):,} accounts, weakest first. Click a column header to sort. Coverage is the share "
               "of the total weight that had a rating; the weakest factor has the largest gap to its target.")
    column_config = {
        "account_id": st.column_config.TextColumn("Account"),
        "composite": st.column_config.NumberColumn("Composite", format="%.1f"),
        "coverage": st.column_config.ProgressColumn("Coverage", min_value=0.0, max_value=1.0, format="percent"),
        "band": st.column_config.TextColumn("Band"),
        "weakest_factor": st.column_config.TextColumn("Weakest factor"),
        "gap": st.column_config.NumberColumn("Gap to target", format="%+.1f"),
    } | {k: st.column_config.NumberColumn(names[k], format="%.0f") for k in cfg.keys}
    st.dataframe(listing, hide_index=True, width="stretch", column_config=column_config,
                 column_order=["account_id", "composite", "band", "coverage", "weakest_factor", "gap", *cfg.keys])
    download_table(listing, "account_scores", key="dl_account_scores")


def trend_section() -> None:
    """Up / down / same since the previous period, the composite over time by segment and per account."""
    t1, t2 = st.columns([1, 2])
    period = t1.radio("Period", ["quarter", "month"], horizontal=True, key=kept("scores_period"),
                      format_func=str.capitalize)
    trend = run_safely(lambda: cached("scores.score_trend", sc.score_trend, cfg, period, settings))
    if trend is None or trend.empty:
        st.info("Trends need dated ratings in at least two periods.")
        return
    counts = cached("scores.trend_counts", sc.trend_counts, cfg, period, settings)
    st.caption(f"Each account's composite at the end of the {period} starting {counts.period:%Y-%m-%d} (or at "
               f"the as-of date, if sooner) against the {period} starting {counts.previous_period:%Y-%m-%d}; a "
               f"change within ±{cfg.dead_band:g} points is 'same'. Accounts without both composites at the minimum "
               "coverage are not compared.")
    m = st.columns(4)
    for col, (label, count, text) in zip(m, [
            ("Up", counts.up, f"Composite rose by more than {cfg.dead_band:g} points."),
            ("Down", counts.down, f"Composite fell by more than {cfg.dead_band:g} points."),
            ("Same", counts.same, f"Composite changed by at most ±{cfg.dead_band:g} points."),
            ("Not comparable", counts.not_comparable, "Accounts missing the latest or previous composite, or below "
                                                      "the minimum coverage in either period.")]):
        col.metric(label, f"{count:,}", help=text)
    accounts_behind([number(label, count, bh.trend_accounts, cfg, period, direction, settings)
                     for label, count, direction in (("Up", counts.up, "up"), ("Down", counts.down, "down"),
                                                     ("Same", counts.same, "same"),
                                                     ("Not comparable", counts.not_comparable, "not_comparable"))],
                    key="behind_scores_trend")

    h1, h2 = st.columns(2)
    with h1:
        by = segment_picker(ws, key=kept("scores_trend_by"), label="Composite over time by", allow_none=False)
        if by is not None:
            history = cached("scores.score_history", sc.score_history, cfg, period, by, "accounts", settings)
            show_chart(figs.history_chart(history, by=by, title=f"Composite over time by {by}"),
                         f"composite_over_time_by_{by}", key=kept("scores_history_segments"))
            if "low_n" in history and history["low_n"].any():
                st.caption(f"Faint lines: segments with fewer than {settings.min_n} banded accounts in a period.")
    with h2:
        movers = trend.dropna(subset=["change"]).sort_values("change")
        options = list(movers["account_id"]) or list(trend["account_id"])
        account = st.selectbox("One account's history (largest fall first)", options, key=kept("scores_trend_account"))
        account_history = cached("scores.score_history_accounts", sc.score_history, cfg, period, None,
                                   "accounts", settings)
        show_chart(figs.history_chart(account_history[account_history["account_id"] == account],
                                        title=f"{account}: composite over time"), f"{account}_composite_over_time",
                     key="scores_history_account")
    if box := lazy_expander(f"Trend per account ({len(trend):,})", key="scores_trend_table_open"):
        with box:
            st.dataframe(trend.sort_values("change", na_position="last"), hide_index=True, width="stretch",
                         column_config={"previous_composite": st.column_config.NumberColumn(format="%.1f"),
                                        "composite": st.column_config.NumberColumn(format="%.1f"),
                                        "change": st.column_config.NumberColumn(format="%+.1f")})
            download_table(trend, "score_trend", key="dl_score_trend")


# Closed, a section costs nothing; several can be open at once (the factors next to the trend).
for label, key, section in (("Factors against the desired state", "scores_factors_open", factors_section),
                            ("Accounts", "scores_accounts_open", accounts_section),
                            ("Trend", "scores_trend_open", trend_section)):
    if box := lazy_expander(label, key=key):
        with box:
            section()
