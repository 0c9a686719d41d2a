"""AppTest: the Early warning page and the Outcomes page's "Desired outcome over time" list the accounts behind each count.

Each count is offered with the number shown; picking it lists as many accounts, the same list the library gives.
Counts are the sample company's, stated literally.
"""

from __future__ import annotations

from cxlib import early_warning as ew
from cxlib.workspace import Workspace
from tests.test_pages_behind import pick
from tests.test_pages_journey import open_page


def test_early_warning_page_lists_behind_cards_signals_and_months(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/early_warning.py")
    assert not at.selectbox(key="behind_ew_signals").value     # nothing runs until a number is picked
    option, frame = pick(at, "behind_ew_cards", "Customers checked")
    assert option == "Customers checked (667)" and len(frame) == 667
    option, frame = pick(at, "behind_ew_cards", "Flagged")
    assert option == "Flagged (264)" and len(frame) == 264
    option, frame = pick(at, "behind_ew_signals", "Stalled")
    assert option.endswith("(107)") and len(frame) == 107
    run = ew.prepare(sample.con, sample.warning_config, sample.score_config, sample.settings)
    assert frame["account_id"].tolist() == ew.signal_accounts(sample.con, run, "stalled")["account_id"].tolist()
    assert "behind_ew_months" not in {box.key for box in at.selectbox}     # per month: computed when opened
    at.session_state["ew_months"] = True
    at.run()
    option, frame = pick(at, "behind_ew_months", "Flagged at the end of 2025-10")
    assert option == "Flagged at the end of 2025-10 (138)" and len(frame) == 138
    option, frame = pick(at, "behind_ew_months", "Flagged at the end of 2026-09")
    assert option == "Flagged at the end of 2026-09 (so far) (264)" and len(frame) == 264


def _count(option: str) -> int:
    return int(option.rsplit("(", 1)[1].rstrip(")").replace(",", ""))


def test_outcomes_page_lists_behind_quarters_moves_and_churn_after(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/outcomes.py", {"oc_section": "Desired outcome over time"})
    option, frame = pick(at, "behind_oc_quarters", "FY2026 Q3 · neither")
    assert option == "FY2026 Q3 · neither (38)" and len(frame) == 38
    option, frame = pick(at, "behind_oc_moves", "successful → outcome without the right experience")
    assert option.endswith("(20)") and len(frame) == 20
    option, frame = pick(at, "behind_oc_churn_after", "successful: churned within 2 quarters")
    assert option.endswith("(6)") and len(frame) == 6 and frame["value"].notna().all()   # value: the churn date
    for key in ("behind_oc_quarters", "behind_oc_moves", "behind_oc_churn_after"):
        options = [o for o in at.selectbox(key=key).options if _count(o) > 0]
        assert options, key
        for option in (options[0], options[-1]):
            label = option.rsplit(" (", 1)[0]
            shown, frame = pick(at, key, label)
            assert len(frame) == _count(shown), (key, shown)
            assert list(frame.columns[:2]) == ["account_id", "name"] and "value" in frame.columns
