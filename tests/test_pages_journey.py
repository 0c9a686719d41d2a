"""AppTest of the Funnel and Journey map pages on the sample company, through the app's own router.

The session's workspace is preset with the sample, so every expected number comes from cxlib on
that same workspace: the cards and tables must show exactly what `funnel(...)` / `top_paths(...)`
compute. An empty workspace must give a plain message, never a traceback or empty axes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxlib import funnel as fn
from cxlib import journey as jn
from cxlib.workspace import Workspace

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 180


def open_page(ws: Workspace, page: str, state: dict | None = None) -> AppTest:
    """Run the app with `ws` as the session's workspace, then switch to `page` (widget state preset)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["workspace"] = ws
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---- Funnel -------------------------------------------------------------------------------------

def test_funnel_cards_equal_cxlib_on_the_default_spec(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/funnel.py")
    assert at.title[0].value == "Funnel"
    expected = fn.funnel(sample.con, fn.FunnelSpec(), sample.settings)
    first, last = expected.table.iloc[0], expected.table.iloc[-1]
    # The sample's seven-step funnel: 2,000 accounts enter Awareness, 79 reach Advocacy.
    assert (first["stage"], int(first["accounts"])) == ("Awareness", 2000)
    assert (last["stage"], int(last["accounts"])) == ("Advocacy", 79)
    cards = metrics(at)
    assert cards["Accounts at step 1"] == f"{int(first['accounts']):,}" == "2,000"
    assert cards["Accounts reaching the last step"] == f"{int(last['accounts']):,}" == "79"
    assert cards["Overall conversion"] == f"{last['conversion_from_first']:.1%}" == "4.0%"
    assert cards["Accounts with no step-1 entry"] == str(expected.no_step1_accounts) == "0"
    assert [i.value for i in at.info][:len(expected.notes)] == expected.notes
    assert "0 accounts have no step-1 entry (Awareness)." in [i.value for i in at.info]


def test_funnel_switching_mode_window_and_breakdown_follows_cxlib(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/funnel.py")
    at.selectbox(key="funnel_mode").set_value("strict")
    at.number_input(key="funnel_window").set_value(30.0)
    rerun(at)
    expected = fn.funnel(sample.con, fn.FunnelSpec(mode="strict", window_days=30.0), sample.settings).table
    cards = metrics(at)
    assert cards["Accounts at step 1"] == f"{int(expected['accounts'].iloc[0]):,}"
    assert cards["Accounts reaching the last step"] == f"{int(expected['accounts'].iloc[-1]):,}"
    assert int(expected["accounts"].iloc[-1]) < 79  # a 30-day window really cuts the funnel

    at.selectbox(key="funnel_by").set_value("tier")
    rerun(at)
    at.selectbox(key="funnel_mode").set_value("any")
    at.number_input(key="funnel_window").set_value(None)
    rerun(at)
    any_mode = fn.funnel(sample.con, fn.FunnelSpec(mode="any"), sample.settings).table
    assert metrics(at)["Accounts reaching the last step"] == f"{int(any_mode['accounts'].iloc[-1]):,}"


def test_funnel_custom_steps_with_a_repeated_stage_and_arr_weight(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/funnel.py", {
        "funnel_steps_text": "Usage, Disappointment, Usage", "funnel_weight": "arr"})
    spec = fn.FunnelSpec(steps=["Usage", "Disappointment", "Usage"], weight="arr")
    expected = fn.funnel(sample.con, spec, sample.settings).table
    cards = metrics(at)
    assert cards["ARR at step 1"] == f"{expected['accounts'].iloc[0]:,.0f}"
    assert cards["ARR reaching the last step"] == f"{expected['accounts'].iloc[-1]:,.0f}"


def test_funnel_unknown_typed_stage_is_a_message_not_a_traceback(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/funnel.py", {"funnel_steps_text": "Awareness, Nirvana"})
    assert any("Nirvana" in e.value for e in at.error)


# ---- Journey map ----------------------------------------------------------------------------------

def test_journey_map_shows_cxlib_top_paths_and_counts(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/journey.py")
    assert at.title[0].value == "Journey map"
    paths = jn.top_paths(sample.con, 10, sample.settings)
    moves = jn.transitions(sample.con, sample.settings)
    cards = metrics(at)
    assert cards["Accounts on the map"] == "2,000"
    assert cards["Moves"] == f"{int(moves['transitions'].sum()):,}"
    assert cards["Returns"] == f"{int(moves.loc[moves['is_return'], 'transitions'].sum()):,}"
    shown = at.table[0].value
    assert list(shown["Path"]) == list(paths["path"])
    assert list(shown["Accounts"]) == list(paths["accounts"])
    assert shown["Path"].iloc[0] == "Awareness → Consideration → Lost deal"
    assert int(shown["Accounts"].iloc[0]) == 421


def test_journey_map_filtered_to_one_segment(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/journey.py")
    at.selectbox(key="journey_segment_column").set_value("tier")
    rerun(at)
    at.selectbox(key="journey_segment_value_tier").set_value("Enterprise")
    at.slider(key="journey_max_moves").set_value(3)
    rerun(at)
    segment = ("tier", "Enterprise")
    paths = jn.top_paths(sample.con, 1, sample.settings, segment)
    total = round(paths["accounts"].iloc[0] / paths["share"].iloc[0])
    assert metrics(at)["Accounts on the map"] == f"{total:,}"
    assert total < 2000
    assert list(at.table[0].value["Path"]) == list(jn.top_paths(sample.con, 10, sample.settings, segment)["path"])


# ---- Empty data -----------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["app_pages/funnel.py", "app_pages/journey.py"])
def test_pages_without_journey_events_say_where_to_load_them(page: str) -> None:
    empty = Workspace(label="empty")
    try:
        at = open_page(empty, page)
        messages = " ".join([m.value for m in at.info] + [m.value for m in at.error])
        assert "Data" in messages and "journey events" in messages.lower()
        assert not at.get("plotly_chart")
    finally:
        empty.close()


def test_funnel_cohorts_times_and_dropoffs_follow_their_pickers(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/funnel.py")
    # The drop-off list opens on the step that loses most: Consideration → Decision loses 642.
    assert at.selectbox(key="funnel_dropoff_step").value == 2
    frames = [d.value for d in at.dataframe]
    expected = fn.dropoff_accounts(sample.con, fn.FunnelSpec(), 2, sample.settings)
    assert len(expected) == 642
    assert any(len(f) == 642 and list(f["account_id"]) == list(expected["account_id"]) for f in frames)

    # Only the open tab computes: the first visit draws the funnel chart, not the cohorts or the times.
    assert [c.key for c in at.get("plotly_chart") if c.key in ("funnel_cohort_chart", "funnel_ttc_chart")] == []

    at.selectbox(key="funnel_dropoff_step").set_value(5)
    rerun(at)
    usage = fn.dropoff_accounts(sample.con, fn.FunnelSpec(), 5, sample.settings)
    assert any(len(d.value) == len(usage) == 374 for d in at.dataframe)

    at.session_state["funnel_detail"] = "Time to convert"
    rerun(at)
    at.selectbox(key="funnel_ttc_from").set_value(3)
    rerun(at)
    at.selectbox(key="funnel_ttc_to").set_value(6)
    rerun(at)
    times = fn.time_to_convert(sample.con, fn.FunnelSpec(), 3, 6, sample.settings)
    assert len(times) == 258
    assert any(f"(n={len(times):,})" in (c.proto.spec or "") for c in at.get("plotly_chart"))

    at.session_state["funnel_detail"] = "Cohorts"
    rerun(at)
    at.selectbox(key="funnel_cohort_period").set_value("week")
    rerun(at)
    weeks = fn.cohorts(sample.con, fn.FunnelSpec(), "week", 90.0, sample.settings)
    assert any("by week" in (c.proto.spec or "") for c in at.get("plotly_chart"))
    assert weeks["period"].nunique() > 52
    # the choices made in the closed tabs are kept: back on the drop-off list, step 5 is still picked
    at.session_state["funnel_detail"] = "Drop-off list"
    rerun(at)
    assert at.selectbox(key="funnel_dropoff_step").value == 5


def test_funnel_from_the_stage_snapshot(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/funnel.py", {"funnel_source": "snapshot", "funnel_detail": "Cohorts"})
    expected = fn.funnel(sample.con, fn.FunnelSpec(source="snapshot"), sample.settings)
    cards = metrics(at)
    assert cards["Accounts at step 1"] == f"{int(expected.table['accounts'].iloc[0]):,}" == "1,288"
    assert cards["Accounts reaching the last step"] == f"{int(expected.table['accounts'].iloc[-1]):,}"
    infos = [i.value for i in at.info]
    assert set(expected.notes) <= set(infos)
    assert expected.exited_unknown == 712
    assert cards["Exited (last stage unknown)"] == "712"
    assert any("Cohorts need dated journey events" in m for m in infos)


def test_funnel_with_no_step1_entry_in_the_date_range_says_so_without_charts(sample: Workspace) -> None:
    import datetime as dt

    at = open_page(sample, "app_pages/funnel.py", {"funnel_from": dt.date(2030, 1, 1)})
    cards = metrics(at)
    assert (cards["Accounts at step 1"], cards["Overall conversion"]) == ("0", "–")
    infos = [i.value for i in at.info]
    assert "2,000 accounts have Awareness entries only outside the date range." in infos
    assert any("nothing to chart" in m for m in infos)
    assert not at.get("plotly_chart")


@pytest.fixture(scope="module")
def tiny() -> Workspace:
    """Three accounts from a CS export that starts at Onboarding (Delivery): A1 goes live, A3 churns."""
    ws = Workspace(label="tiny")
    ws.load([("events.csv", b"Account ID,Stage,Entered At\n"
                            b"A1,Onboarding,2026-01-05\nA1,Live,2026-02-01\n"
                            b"A2,Onboarding,2026-01-10\n"
                            b"A3,Onboarding,2026-01-12\nA3,Churned,2026-03-01\n")])
    ws.apply(ws.suggest_mapping())
    yield ws
    ws.close()


def test_tiny_export_starting_at_onboarding(tiny: Workspace) -> None:
    at = open_page(tiny, "app_pages/funnel.py")
    infos = [i.value for i in at.info]
    assert infos[:2] == ["No account has an entry of Awareness, Consideration, Decision; the funnel starts at "
                         "Delivery.", "0 accounts have no step-1 entry (Delivery)."]
    cards = metrics(at)
    # Delivery 3 → Usage 1 (A1); Advocacy, the last step, nobody.
    assert (cards["Accounts at step 1"], cards["Accounts reaching the last step"]) == ("3", "0")
    assert "Only 3 accounts are at step 1" in at.warning[0].value
    steps = at.table[0].value
    assert list(steps["Stage"]) == ["Delivery", "Usage", "Loyalty", "Advocacy"]
    assert list(steps["Accounts"]) == [3, 1, 0, 0]
    captions = [c.value for c in at.caption]
    # The drop-off list opens on Delivery → Usage: A2 in progress, A3 exited (churned).
    assert "2 accounts, longest-stalled first. Days since: from reaching Delivery to the as-of date. Exited: an exit " \
           "entry after their last step (1 account); in progress: still active (1 account)." in captions
    assert any("No segment columns are loaded" in c for c in captions)

    at = open_page(tiny, "app_pages/journey.py")
    assert metrics(at) == {"Accounts on the map": "3", "Moves": "2", "Returns": "0", "Exit moves": "1"}
    assert any("No NPS or CSAT answers" in i.value for i in at.info)
