"""Funnel: how many accounts reach each stage, how fast, where they leak, and how segments differ."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from cxlib import behind as bh
from cxlib import diagnostics as dg
from cxlib import funnel as fn
from cxlib.figures import funnel as figs
from cxlib.stages import funnel_stages, stage_order
from app_pages._behind import accounts_behind, number
from app_pages._charts import show_chart
from app_pages._controls import kept, lazy_expander, lazy_tabs, segment_columns, segment_picker, settings_caption
from app_pages._session import cached, drop_cached, run_safely, workspace
from app_pages._share import view_params
from app_pages._tables import download_table, styled_table

st.title("Funnel")
ws = workspace()
settings_caption(ws)
settings = ws.settings

MODES = {
    "ordered": "Ordered",
    "strict": "Strict",
    "any": "Any order",
}
MODE_HELP = (
    "**Ordered** (default): an account reaches step k when it has entries of steps 1..k at times "
    "t1 ≤ t2 ≤ … ≤ tk; other stages may lie between. **Strict**: as ordered, but any other entry of the "
    "account strictly between two steps breaks the sequence. **Any order**: the account has entries of "
    "steps 1..k in any order."
)


STEP_LIST_HELP = (f"Stage names separated by commas or arrows, up to {fn.MAX_STEPS} steps: stages of the stage list, "
                  "the data's own stage values or their synonyms, in any case. A stage listed twice needs two "
                  "entries of that stage.")


def _typed_steps(text: str) -> list[str]:
    """The typed step list resolved by cxlib (as `--stages` is). Steps that are not in the stage list
    are offered as new stages; until the user adds them, the page stops here."""
    choice = run_safely(lambda: fn.parse_steps(ws.con, ws.mapping, text))
    if choice is None:
        st.stop()
    if choice.own:
        one = len(choice.own) == 1
        listed = ", ".join(choice.own)
        st.info(f"{choice.reason}. Add {'it' if one else 'them'} to the stage list to use "
                f"{'it' if one else 'them'} as {'a step' if one else 'steps'}: the data's stage values that spell "
                f"{'it' if one else 'them'}, in any case, then map to {'it' if one else 'them'} on every page "
                "(the stage list and stage map are on the **Data** page).", icon=":material/info:")
        if st.button(f"Add {listed} to the stage list", key="funnel_add_stages", icon=":material/add:"):
            ws.apply(choice.mapping)
            drop_cached()
            st.rerun()
        st.stop()
    return choice.steps


# ---- Controls -----------------------------------------------------------------------------------
sources = [s for s, present in (("events", ws.has_events()), ("snapshot", ws.has_snapshot())) if present]
if not sources:
    loaded = sum(r.rows_in for r in ws.validation if r.view == "journey_events")
    if not loaded:
        st.info("No journey events are mapped — see the **Data** page to load a file with an account, a stage and "
                "a date column (or monthly stage snapshots) and map it.", icon=":material/info:")
        st.stop()
    # Rows loaded, none usable: say which column and why; the data's own stage values can be the steps.
    reason = dg.funnel_reason(ws.con, ws.mapping, settings=settings)
    if reason is not None:
        st.warning(f"{reason.text}.", icon=":material/warning:")
    st.info(f"{loaded:,} journey-event rows are loaded, but none has a stage of the stage list. Type the steps "
            "with the data's own stage values to add them to the stage list, or map the values to stages on "
            "the **Data** page.", icon=":material/info:")
    typed = st.text_input("Step list", key="funnel_steps_text", placeholder="e.g. Signup, Activated, Paid",
                          help=STEP_LIST_HELP)
    if typed.strip():
        _typed_steps(typed)
    st.stop()
default_steps = funnel_stages(settings.stages)
all_stages = list(stage_order(settings.stages))
# The view lives in the address bar, so a link reopens these exact filters on the same data.
view_params({"funnel_steps": default_steps, "funnel_mode": "ordered", "funnel_window": None, "funnel_from": None,
               "funnel_to": None, "funnel_weight": "accounts", "funnel_by": None},
              kinds={"funnel_window": float, "funnel_from": dt.date, "funnel_to": dt.date})
c1, c2, c3 = st.columns([3, 1, 1])
picked = c1.multiselect(
    "Steps", all_stages, default=default_steps, key="funnel_steps", max_selections=fn.MAX_STEPS, wrap=True,
    help="The funnel's steps in the order picked (remove and re-add a stage to move it). Default: the funnel "
         "stages in journey order, starting at the first one that has data.")
mode = c2.selectbox("Mode", list(MODES), format_func=MODES.get, key="funnel_mode", help=MODE_HELP)
window = c3.number_input(
    "Conversion window (days)", min_value=0.0, value=None, step=1.0, key="funnel_window",
    placeholder="no window",
    help="Every step must lie within this many days of the sequence's first entry (exactly W is in). Empty: no "
         "window — journeys take months.")
with st.expander("More options: repeated steps, step-1 dates, weight, source"):
    o1, o2 = st.columns([3, 2])
    typed = o1.text_input(
        "Step list (overrides the picker; a stage may repeat)", key="funnel_steps_text",
        placeholder="e.g. Usage, Disappointment, Usage", help=STEP_LIST_HELP)
    d1, d2 = o2.columns(2)
    date_from = d1.date_input("Step 1 entered from", value=None, key="funnel_from",
                              help="Applies to the step-1 entry only; later steps may fall after the range.")
    date_to = d2.date_input("to (inclusive)", value=None, key="funnel_to")
    p1, p2 = st.columns(2)
    weight = p1.radio(
        "Count", ["accounts", "arr"], horizontal=True, key="funnel_weight", disabled=not ws.has_arr(),
        format_func=lambda v: "Accounts (logos)" if v == "accounts" else "ARR",
        help="ARR weights every account by its ARR: how much revenue reaches each step or is stuck. "
             + ("" if ws.has_arr() else "No ARR column is mapped for the accounts."))
    source = p2.radio(
        "Source", sources, horizontal=True, key="funnel_source", disabled=len(sources) < 2,
        format_func=lambda v: "Journey events" if v == "events" else "Current-stage snapshot",
        help="Snapshot: an account at funnel stage k counts as having reached stages 1..k (no times); an account "
             "on an exit stage shows as 'exited (last stage unknown)'. "
             + ("" if ws.has_snapshot() else "No stage snapshot is mapped."))
if not ws.has_arr():
    weight = "accounts"

steps: list[str] | None = _typed_steps(typed) if typed.strip() else list(picked)
if steps == default_steps:
    steps = None  # the default list starts at the first step that has data, and says so
if steps is not None and not steps:
    st.info("Pick at least one step.", icon=":material/info:")
    st.stop()

spec = fn.FunnelSpec(
    steps=steps, mode=mode, window_days=None if window is None else float(window),
    date_from=date_from, date_to=date_to, weight=weight, source=source)
result = run_safely(lambda: cached("funnel.funnel", fn.funnel, spec, settings))
if result is None:
    st.stop()
# Exclusions and optional steps name the steps by number, so they are picked on the steps this run has.
shown_steps = list(result.steps)
step_names = {k: f"{k}. {s}" for k, s in enumerate(shown_steps, start=1)}
excl_stages: list[str] = []
span, optional = (1, len(shown_steps)), []
with st.expander("Exclusions and optional steps"):
    if len(shown_steps) < 2:
        st.caption("Exclusions and optional steps need a funnel of at least two steps.")
    else:
        e1, e2 = st.columns([3, 2])
        excl_stages = e1.multiselect(
            "Exclude accounts with an entry of", [s for s in all_stages if s not in shown_steps],
            key="funnel_exclude", disabled=mode == "any" or source != "events",
            help="An entry of this stage strictly between the two steps' entries of the account's counting sequence "
                 "(or after the first when the second is not reached), within the window, removes the account from "
                 "the funnel altogether, step 1 included. Not with Any order; needs journey events.")
        span = e2.select_slider(
            "between steps", list(step_names), value=(1, len(shown_steps)), format_func=step_names.get,
            key="funnel_exclude_span", disabled=not excl_stages)
        middle = list(step_names)[1:-1]
        optional = st.multiselect(
            "Optional steps", middle, format_func=step_names.get, key="funnel_optional",
            disabled=mode != "ordered" or source != "events" or not middle,
            help="A step that may be skipped without breaking the sequence: its row counts the accounts that took it "
                 "between the required steps around it, and the next required step's conversion is from the last "
                 "required step. Not step 1 or the last (a funnel of 3 steps or more); ordered mode only.")
extras = {}
if excl_stages and mode != "any" and source == "events" and span[0] < span[1]:
    extras["exclude"] = tuple(fn.Exclusion(s, int(span[0]), int(span[1])) for s in excl_stages)
if optional and mode == "ordered" and source == "events":
    extras["optional"] = tuple(int(k) for k in optional)
if extras:
    spec = replace(spec, steps=shown_steps, **extras)
    result = run_safely(lambda: cached("funnel.funnel", fn.funnel, spec, settings))
    if result is None:
        st.stop()
table = result.table
if table.empty:
    reason = dg.funnel_reason(ws.con, ws.mapping, snapshot=source == "snapshot", steps=steps, date_from=date_from,
                              date_to=date_to, settings=settings)
    st.info(f"{reason.text}." if reason is not None else
            "No account has an entry of the first step. Check the steps, or see the **Data** page.",
            icon=":material/info:")
    st.stop()

# ---- Headline -----------------------------------------------------------------------------------
is_arr = result.weight == "arr"
unit = "ARR" if is_arr else "Accounts"


def _count(v: float) -> str:
    return f"{v:,.0f}"


def _amount(v: float) -> str:
    """A count with its unit: '1 account', '12 accounts', '1,250,000 ARR'."""
    if is_arr:
        return f"{v:,.0f} ARR"
    return f"{v:,.0f} account" + ("" if v == 1 else "s")


first, last = table.iloc[0], table.iloc[-1]
range_text = ""
if date_from or date_to:
    range_text = f", entered {date_from or '…'} to {date_to or '…'}"
cards = st.columns(5 if result.exited_unknown else 4)
cards[0].metric(
    f"{unit} at step 1", _count(first["accounts"]),
    help=f"{unit} with an entry of step 1 ({first['stage']}{range_text})" + (", weighted by ARR." if is_arr else "."))
cards[1].metric(
    f"{unit} reaching the last step", _count(last["accounts"]),
    help=f"{unit} that reach the last step ({last['stage']}) through every step before it, in the "
         f"{MODES[mode].lower()} mode" + (" within the window." if window is not None else "."))
overall = last["conversion_from_first"]
cards[2].metric(
    "Overall conversion", "–" if pd.isna(overall) else f"{overall:.1%}",
    help=f"Overall conversion: {unit.lower()} reaching the last step ÷ {unit.lower()} at step 1.")
cards[3].metric(
    "Accounts with no step-1 entry", f"{result.no_step1_accounts:,}",
    help=f"Accounts with journey data but no entry of step 1 ({first['stage']}): they are not in this funnel. "
         "CS exports often start at Onboarding; pick a later first step to include them.")
if result.exited_unknown:
    cards[4].metric(
        "Exited (last stage unknown)", f"{result.exited_unknown:,}",
        help="Accounts whose current stage in the snapshot is an exit (Disappointment, Churn, Lost deal) with no "
             "column giving their last funnel stage: they left, but from which step is unknown. Not in the steps.")
card_numbers = [
    number(f"Accounts at step 1 ({first['stage']})", first["n"], bh.funnel_accounts, spec, 1, "reached", settings),
    number(f"Accounts reaching the last step ({last['stage']})", last["n"], bh.funnel_accounts, spec, len(table),
           "reached", settings)]
card_numbers.append(number("Accounts with no step-1 entry", result.no_step1_accounts, bh.funnel_accounts, spec, 1,
                           "no_step1", settings))
if result.exited_unknown:
    card_numbers.append(number("Exited (last stage unknown)", result.exited_unknown, bh.funnel_accounts, spec, 1,
                               "exited_unknown", settings))
accounts_behind(card_numbers, key="behind_funnel_cards")
for note in result.notes:
    st.info(note, icon=":material/info:")

if 0 < first["n"] < settings.min_n:
    st.warning(f"Only {first['n']:,} accounts are at step 1, fewer than the minimum n of {settings.min_n}: every "
               "number below is greyed and worth reading with care.", icon=":material/warning:")
if not first["n"] and result.excluded:
    st.info(f"Every account with an entry of {first['stage']} in this selection was excluded ({result.excluded:,} account"
            f"{'' if result.excluded == 1 else 's'} by the exclusions above), so there is nothing to chart. Narrow the exclusions' steps or remove a "
            "stage from them.", icon=":material/info:")
    st.stop()
if not first["n"]:
    st.info(f"No account has a {first['stage']} entry in this selection"
            + (" (step-1 date range)" if range_text else "") + ", so there is nothing to chart. Widen the date "
            "range or pick another first step.", icon=":material/info:")
    st.stop()

# ---- Funnel chart and table of steps ------------------------------------------------------------
title = f"{unit} reaching each step ({MODES[mode].lower()}" + (f", {window:g}-day window)" if window else ")")
show_chart(figs.funnel_chart(result, settings.stages, title=title), "funnel", key="funnel_chart")
st.subheader("Steps")
is_optional = table["optional"] if "optional" in table else pd.Series(False, index=table.index)
steps_table = pd.DataFrame({
    "Step": table["step"], "Stage": table["stage"].where(~is_optional, table["stage"] + " (optional)"),
    unit: table["accounts"],
    "From previous": table["conversion_from_previous"], "From first": table["conversion_from_first"],
    "Dropped": table["dropped"], "Dropped: exited": table["dropped_exited"],
    "Dropped: in progress": table["dropped_in_progress"],
    "Median days": table["median_days_from_previous"], "P90 days": table["p90_days_from_previous"],
    "KM median days": table["km_median_days_from_previous"],
    "Converted n": table["converted_n"], "Censored n": table["censored_n"],
})
styled_table(
    steps_table,
    formats={unit: "{:,.0f}", "From previous": "{:.1%}", "From first": "{:.1%}", "Dropped": "{:,.0f}",
             "Dropped: exited": "{:,.0f}", "Dropped: in progress": "{:,.0f}", "Median days": "{:,.1f}",
             "P90 days": "{:,.1f}", "KM median days": "{:,.1f}", "Converted n": "{:,}", "Censored n": "{:,}"},
    low_n=table["low_n"],
    note=f"Grey rows: fewer than {settings.min_n} accounts reached the step — read with care.")
st.caption(
    "**From previous** = accounts(k) ÷ accounts(k−1) (1.0 for step 1). **From first** = accounts(k) ÷ accounts(1). "
    "**Dropped** = accounts(k−1) − accounts(k), split into **exited** (an exit entry — Disappointment, Churn, lost "
    "deal — after their last step) and **in progress** (still active at the as-of date). **Median / P90 days** "
    "from the previous step, over accounts that converted (fractional days). **KM median**: the Kaplan–Meier median "
    "that counts accounts still in progress as censored at the as-of date (exited ones at their exit); empty when "
    "the estimate never falls to one half. **Converted n** / **Censored n**: the accounts behind it."
    + (" An **optional** step's row counts the accounts that took it between the required steps around it (its "
       "days are from the previous required step); it drops no one, and the next required step's conversion and "
       "drop-off are from the last required step." if result.optional else "")
    + (" ARR columns are ARR-weighted; n columns count accounts." if is_arr else ""))
download_table(fn.cli_table(result), "funnel", key="dl_funnel")


def _step_numbers(frame: pd.DataFrame, funnel_spec: fn.FunnelSpec, prefix: str = "",
                  segment: str | None = None) -> list:
    """Each step row's counts of accounts (reached; dropped, exited, in progress) and how to list them."""
    out = []
    for row in frame.itertuples(index=False):
        k, stage = int(row.step), row.stage
        out.append(number(f"{prefix}{k} {stage}: reached", row.n, bh.funnel_accounts, funnel_spec, k, "reached",
                          settings, segment))
        if k > 1 and not getattr(row, "optional", False):  # an optional step drops no one
            for which, text in (("dropped", "dropped"), ("dropped_exited", "dropped, exited"),
                                ("dropped_in_progress", "dropped, in progress")):
                # ARR-weighted drop-offs are ARR, not accounts: the list says how many accounts.
                count = None if is_arr else getattr(row, which)
                out.append(number(f"{prefix}{k} {stage}: {text}", count, bh.funnel_accounts, funnel_spec, k, which,
                                  settings, segment))
    return out


accounts_behind(_step_numbers(table, spec), key="behind_funnel_steps")

# ---- Breakdown ----------------------------------------------------------------------------------
st.subheader("By segment")
with st.columns([1, 2])[0]:
    by = segment_picker(ws, key="funnel_by", label="Break down by")
if by is None:
    st.caption("Pick an accounts column to compare the funnel across its segments." if segment_columns(ws) else
               "No segment columns are loaded: map an accounts table with columns such as tier, region or CSM on "
               "the **Data** page to compare segments.")
else:
    split_spec = replace(spec, by=by)
    split = run_safely(lambda: cached("funnel.funnel", fn.funnel, split_spec, settings))
    if split is not None:
        show_chart(figs.breakdown_chart(split, settings.stages, title=f"Share of step 1 reaching each step, by {by}"),
                     f"funnel_by_{by}", key="funnel_breakdown_chart")
        for note in split.notes[len(result.notes):]:
            st.info(note, icon=":material/info:")
        # One row per segment: step-1 size, then the share of step 1 reaching each later step, with its n.
        pivot = fn.conversion_by_segment(split)
        # "2 Consideration", not "2. …": table cells are Markdown and "2." would start a list.
        labels = [f"{k} {s}" for k, s in zip(table["step"], table["stage"], strict=True)]
        wide = pd.DataFrame({"Segment": pivot["segment"], f"{unit} at step 1": pivot["accounts"].map(_count)})
        low = pd.DataFrame({"Segment": False, f"{unit} at step 1": pivot["low_n"]})
        for k, label in enumerate(labels[1:], start=2):
            wide[label] = ["–" if pd.isna(share) else f"{share:.0%} (n={n:,})"
                           for share, n in zip(pivot[f"conversion_{k}"], pivot[f"n_{k}"], strict=True)]
            low[label] = pivot[f"low_n_{k}"]
        styler = wide.style.hide(axis="index").apply(
            lambda frame: low.map(lambda faint: "color: #9e9e9e; font-style: italic" if faint else ""), axis=None)
        st.table(styler)
        st.caption(f"Each cell: share of the segment's step-1 {unit.lower()} reaching the step "
                   f"(n = accounts reaching it). Grey cells: n below {settings.min_n} — read with care. "
                   f"Accounts without a value, or missing from the accounts table, are under {fn.NONE_SEGMENT}.")
        download_table(fn.cli_table(split), f"funnel_by_{by}", key="dl_funnel_by")
        accounts_behind([n for segment, part in split.table.groupby("segment", sort=False)
                         for n in _step_numbers(part, split_spec, f"{segment} · ", str(segment))],
                        key="behind_funnel_segments")

# ---- Cohorts, time to convert, drop-offs (dated events only for the first two) -------------------
# These read the counting sequence, which has the required steps only: optional steps are not offered,
# and cxlib numbers the required steps 1..m (`required`: shown step number → that position).
required_rows = table[~is_optional]
step_labels = {int(k): f"{k}. {s}" for k, s in zip(required_rows["step"], required_rows["stage"], strict=True)}
required = {k: i for i, k in enumerate(step_labels, start=1)}
stage_of = dict(zip(table["step"].astype(int), table["stage"], strict=True))
dated = source == "events"

# Below the steps: one section on screen at a time, computed only while its tab is open (the drop-off
# list first: the step that loses the most is a meeting's first question).
dropoff_tab, cohorts_tab, times_tab = lazy_tabs(["Drop-off list", "Cohorts", "Time to convert"], key="funnel_detail")
if dropoff_tab is not None:
    with dropoff_tab:
        if len(step_labels) < 2:
            st.info("Pick at least two steps to list the accounts that stopped between them.",
                    icon=":material/info:")
        else:
            # Start on the step that loses the most, the first question in a meeting.
            choices = list(step_labels)[:-1]
            following = dict(zip(choices, list(step_labels)[1:], strict=True))
            biggest = choices[int(required_rows["dropped"].iloc[1:].to_numpy().argmax())]
            drop_step = st.columns([1, 2])[0].selectbox(
                "Accounts that reached", choices, index=choices.index(biggest), key=kept("funnel_dropoff_step"),
                format_func=lambda k: f"{step_labels[k]} but not {step_labels[following[k]]}")
            dropped = run_safely(lambda: cached("funnel.dropoff_accounts", fn.dropoff_accounts, spec,
                                                required[drop_step], settings))
            if dropped is not None:
                row = table[table["step"] == following[drop_step]].iloc[0]
                st.caption(f"{len(dropped):,} account{'' if len(dropped) == 1 else 's'}, longest-stalled first. "
                           f"Days since: from reaching "
                           f"{stage_of[drop_step]} to the as-of date. Exited: an exit entry after their last "
                           f"step ({_amount(row['dropped_exited'])}); in progress: still active "
                           f"({_amount(row['dropped_in_progress'])}).")
                if dropped.empty:
                    st.success("Every account that reached this step also reached the next.", icon=":material/check:")
                else:
                    st.dataframe(dropped, hide_index=True, width="stretch", column_config={
                        "account_id": st.column_config.TextColumn("Account"),
                        "name": st.column_config.TextColumn("Name"),
                        "reached_at": st.column_config.DatetimeColumn("Reached", format="YYYY-MM-DD"),
                        "days_since": st.column_config.NumberColumn("Days since", format="%.0f"),
                        "status": st.column_config.TextColumn("Status"),
                        "arr": st.column_config.NumberColumn("ARR", format="%,.0f"),
                        "renewal_date": st.column_config.DateColumn("Renewal", format="YYYY-MM-DD")})
                    download_table(dropped, f"funnel_dropoff_step_{drop_step}", key="dl_funnel_dropoff")

if cohorts_tab is not None:
    with cohorts_tab:
        if not dated:
            st.info("Cohorts need dated journey events; a current-stage snapshot has no entry dates.",
                    icon=":material/info:")
        else:
            k1, k2, _ = st.columns([1, 1, 2])
            period = k1.selectbox("Cohorts by step-1 entry per", ["week", "month", "quarter"], index=2,
                                  key=kept("funnel_cohort_period"),
                                  format_func=lambda p: "fiscal quarter" if p == "quarter" else p)
            horizon = k2.number_input("Horizon (days after step 1)", min_value=1.0, value=90.0, step=15.0,
                                      key=kept("funnel_cohort_horizon"), format="%g",
                                      help="A cohort's conversion counts only the steps reached within this many days "
                                           "of step 1, so young cohorts are not shown as worse merely for being young.")
            cohort_table = run_safely(lambda: cached("funnel.cohorts", fn.cohorts, spec, period, float(horizon),
                                                     settings))
            if cohort_table is not None:
                n_periods = cohort_table["period"].nunique()
                fig = figs.cohort_heatmap(cohort_table,
                                          title=f"Conversion within {horizon:g} days of step 1, by {period}")
                fig.update_layout(height=max(420, 160 + 46 * n_periods))
                show_chart(fig, "funnel_cohorts", key="funnel_cohort_chart")
                st.caption(f"Each cell: share of the cohort's accounts reaching the step within {horizon:g} days of "
                           f"their step-1 entry, with the cohort's n. Grey cells: the cohort is younger than the "
                           f"horizon (incomplete, not worse) or has fewer than {settings.min_n} accounts.")
                if cohort_box := lazy_expander(f"Cohort table ({n_periods:,} cohorts)", key="funnel_cohort_table"):
                    with cohort_box:
                        st.dataframe(cohort_table, hide_index=True, width="stretch", column_config={
                            "period_start": st.column_config.DateColumn("Period start", format="YYYY-MM-DD"),
                            "conversion": st.column_config.NumberColumn("Conversion", format="percent")})
                        download_table(cohort_table, "funnel_cohorts", key="dl_funnel_cohorts")

if times_tab is not None:
    with times_tab:
        if not dated:
            st.info("Times between steps need dated journey events; a current-stage snapshot has no entry dates.",
                    icon=":material/info:")
        elif len(step_labels) < 2:
            st.info("Pick at least two steps to see the time between them.", icon=":material/info:")
        else:
            t1, t2, _ = st.columns([1, 1, 2])
            from_step = t1.selectbox("From step", list(step_labels)[:-1], format_func=step_labels.get,
                                     key=kept("funnel_ttc_from"))
            later = [k for k in step_labels if k > from_step]
            to_step = t2.selectbox("To step", later, format_func=step_labels.get, key=kept("funnel_ttc_to"))
            times = run_safely(lambda: cached("funnel.time_to_convert", fn.time_to_convert, spec,
                                              required[from_step], required[to_step], settings))
            if times is not None:
                if times.empty:
                    st.info(f"No account reached {step_labels[to_step]} in this funnel, so there is no time to show.",
                            icon=":material/info:")
                else:
                    show_chart(figs.time_to_convert_histogram(times, stage_of[from_step], stage_of[to_step]),
                        "funnel_time_to_convert", key="funnel_ttc_chart")
                    st.caption("Days between the two steps' entries in each converted account's counting sequence. "
                               "Accounts still on the way are not in it: see the KM median in the table of steps.")
