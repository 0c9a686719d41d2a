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
