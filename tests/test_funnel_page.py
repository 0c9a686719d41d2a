"""AppTest of the Funnel page's typed step list on an export whose stage values are the team's own.

The page resolves a typed list with `funnel.parse_steps`, as `funnel --stages` does: values that
are not in the stage list are offered as new stages, and once added the funnel counts them.
"""

from __future__ import annotations

import pytest

from cxlib import funnel as fn
from cxlib.workspace import Workspace
from tests.test_pages_journey import metrics, open_page, rerun

EVENTS = (b"Account ID,Stage,Entered At\n"
          b"A1,Signup,2026-01-05\nA1,Activated,2026-01-09\nA1,Paid,2026-02-01\n"
          b"A2,signup,2026-01-10\nA2,Activated,2026-01-20\n"
          b"A3,Signup,2026-02-01\n")


@pytest.fixture
def own() -> Workspace:
    """Three accounts whose stages (Signup, Activated, Paid) are not in the default stage list."""
    ws = Workspace(label="own stages")
    ws.load([("lifecycle.csv", EVENTS)])
    ws.apply(ws.suggest_mapping())
    yield ws
    ws.close()


def test_typed_own_stage_values_are_offered_then_counted(own: Workspace) -> None:
    at = open_page(own, "app_pages/funnel.py")
    # No row maps to a stage of the list, so the page says so and offers the typed step list.
    assert any("6 journey-event rows are loaded, but none has a stage of the stage list" in i.value for i in at.info)
    at.text_input(key="funnel_steps_text").set_value("signup, ACTIVATED → paid")
    rerun(at)
    assert any(i.value.startswith("Signup, Activated, Paid are not in the stage list. Add them") for i in at.info)
    at.button(key="funnel_add_stages").click()
    rerun(at)
    assert [s.name for s in own.settings.stages][7:10] == ["Signup", "Activated", "Paid"]
    expected = fn.funnel(own.con, fn.FunnelSpec(steps=["Signup", "Activated", "Paid"]), own.settings).table
    assert expected["accounts"].tolist() == [3, 2, 1]
    cards = metrics(at)
    assert (cards["Accounts at step 1"], cards["Accounts reaching the last step"]) == ("3", "1")
    assert list(at.table[0].value["Stage"]) == ["Signup", "Activated", "Paid"]


def test_typed_unknown_step_is_a_message(own: Workspace) -> None:
    at = open_page(own, "app_pages/funnel.py", {"funnel_steps_text": "Signup, Nirvana"})
    assert any("'Nirvana' is neither a stage" in e.value for e in at.error)


PICKED = (b"Account ID,Stage,Entered At\n"
          b"A1,Awareness,2026-01-01\nA1,Consideration,2026-01-11\nA1,Disappointment,2026-01-15\nA1,Decision,2026-02-10\n"
          b"A2,Awareness,2026-01-05\nA2,Consideration,2026-01-20\nA2,Disappointment,2026-01-25\n"
          b"A3,Awareness,2026-02-01\nA3,Churn,2026-03-01\n"
          b"A4,Awareness,2026-02-03\nA4,Consideration,2026-02-04\nA4,Decision,2026-02-05\n")


@pytest.fixture
def picked() -> Workspace:
    """Four accounts on Awareness → Consideration → Decision, two with a Disappointment on the way."""
    ws = Workspace(label="exclusions")
    ws.load([("events.csv", PICKED)])
    ws.apply(ws.suggest_mapping())
    yield ws
    ws.close()


def test_exclusion_and_optional_pickers(picked: Workspace) -> None:
    steps = ["Awareness", "Consideration", "Decision"]
    at = open_page(picked, "app_pages/funnel.py", {"funnel_steps": steps})
    assert list(at.table[0].value["Accounts"]) == [4, 3, 2]
    # Disappointment between steps 2 and 3 removes A1 (between) and A2 (after step 2, no Decision).
    at.multiselect(key="funnel_exclude").set_value(["Disappointment"])
    rerun(at)  # the span picker is enabled once a stage is picked
    at.select_slider(key="funnel_exclude_span").set_value((2, 3))
    rerun(at)
    assert list(at.table[0].value["Accounts"]) == [2, 1, 1]
    assert any(i.value == "Excluded 2 accounts from the funnel (step 1 included): 2 with a Disappointment entry "
                          "between steps 2 and 3." for i in at.info)
    # Consideration optional: an exclusion bounded by it is refused, with the reason on the page.
    at.multiselect(key="funnel_optional").set_value([2])
    rerun(at)
    assert any("step 2 is optional" in e.value for e in at.error)
    # Between steps 1 and 3 instead: A1 and A2 still excluded; Consideration taken by A4 (A3 never);
    # Decision's conversion is from Awareness.
    at.select_slider(key="funnel_exclude_span").set_value((1, 3))
    rerun(at)
    assert list(at.table[0].value["Stage"]) == ["Awareness", "Consideration (optional)", "Decision"]
    assert list(at.table[0].value["Accounts"]) == [2, 1, 1]
    assert metrics(at)["Accounts reaching the last step"] == "1"


def test_every_account_excluded_says_so(picked: Workspace) -> None:
    at = open_page(picked, "app_pages/funnel.py", {"funnel_steps": ["Awareness", "Decision"]})
    at.multiselect(key="funnel_exclude").set_value(["Consideration", "Disappointment", "Churn"])
    rerun(at)
    # A1, A2 and A4 have Consideration after Awareness, A3 has Churn: all four are excluded.
    assert any(i.value.startswith("Every account with an entry of Awareness in this selection was excluded "
                                  "(4 accounts by the exclusions above)") for i in at.info)
    assert not at.table
