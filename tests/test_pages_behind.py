"""AppTest: on every page, a number that counts accounts opens the list of those accounts, as long as the number.

Each page's "Accounts behind these numbers" popover offers its numbers with the count shown;
picking one lists the accounts (the same list `cxlib.behind` gives) with CSV and XLSX downloads.
Counts are the sample company's, stated literally.
"""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from cxlib import behind as bh
from cxlib.workspace import Workspace
from tests.test_pages_churn_file import churn_file  # noqa: F401  (the Telco-shaped churn file fixture)
from tests.test_pages_journey import open_page, rerun


def _popover(at: AppTest, key: str) -> Block:
    """The popover holding the picker `key`."""
    found: list[Block] = []

    def walk(node: object) -> None:
        if isinstance(node, Block) and node.type == "popover" and any(
                w.key == key for w in node.get("selectbox")):
            found.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    assert len(found) == 1, f"no single popover holds the picker {key!r}"
    return found[0]


def pick(at: AppTest, key: str, label: str) -> tuple[str, pd.DataFrame | None]:
    """Pick the number whose option starts with `label`; (the option as offered, the list shown or None)."""
    box = at.selectbox(key=key)
    options = [o for o in box.options if o.startswith(label)]
    assert len(options) == 1, (label, box.options)
    box.set_value(options[0])
    rerun(at)
    popover = _popover(at, key)
    frames = popover.get("dataframe")
    downloads = [b.proto.label for b in popover.get("download_button")]
    if frames:
        assert downloads == ["CSV", "XLSX"]
    return options[0], (frames[0].value if frames else None)


def test_funnel_page_lists_behind_cards_steps_and_segments(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/funnel.py")
    option, frame = pick(at, "behind_funnel_cards", "Accounts reaching the last step")
    assert option == "Accounts reaching the last step (Advocacy) (79)" and len(frame) == 79
    option, frame = pick(at, "behind_funnel_steps", "2 Consideration: dropped, in progress")
    assert option.endswith("(412)") and len(frame) == 412
    expected = bh.funnel_accounts(sample.con, None, 2, "dropped_in_progress", sample.settings)
    assert frame["account_id"].tolist() == expected["account_id"].tolist()
    assert set(frame["status"]) == {"in progress"}
    option, frame = pick(at, "behind_funnel_cards", "Accounts with no step-1 entry")
    assert option.endswith("(0)") and frame is None
    assert any(i.value == "No account is behind Accounts with no step-1 entry: the count is 0." for i in at.info)
    at.selectbox(key="funnel_by").set_value("tier")
    rerun(at)
    option, frame = pick(at, "behind_funnel_segments", "SMB · 1 Awareness: reached")
    assert option.endswith("(1,050)") and len(frame) == 1050 and set(frame["tier"]) == {"SMB"}


def test_scores_page_lists_behind_bands_and_trend(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/scores.py")
    assert {m.label: m.value for m in at.metric}["Red"] == "210"
    option, frame = pick(at, "behind_scores_bands", "Red")
    assert option == "Red (210)" and len(frame) == 210
    assert frame["value"].round().max() < 50                 # red: composite shown below 50
    option, frame = pick(at, "behind_scores_bands", "Insufficient data")
    assert option == "Insufficient data (1,228)" and len(frame) == 1228
    at.session_state["scores_trend_open"] = True      # the trend's lazy expander
    rerun(at)
    option, frame = pick(at, "behind_scores_trend", "Down")
    assert option == "Down (139)" and len(frame) == 139 and (frame["value"] < -5).all()


def test_outcomes_page_lists_behind_quadrants_and_nps(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/outcomes.py", {"oc_nps_level": "account"})
    option, frame = pick(at, "behind_outcome_quadrants", "Successful")
    assert option == "Successful (365)" and len(frame) == 365
    option, frame = pick(at, "behind_outcome_quadrants", "Not placed")
    assert option == "Not placed (1,375)" and len(frame) == 1375
    at.selectbox(key="oc_quadrant_by").set_value("tier")
    rerun(at)
    option, frame = pick(at, "behind_outcome_segments", "Enterprise · successful")
    assert option.endswith("(58)") and len(frame) == 58
    at.session_state["oc_section"] = "What customers say"     # the tabs below run when opened
    rerun(at)
    option, frame = pick(at, "behind_nps", "NPS: detractors")
    assert option == "NPS: detractors (128)" and len(frame) == 128 and (frame["value"] <= 6).all()
    at.session_state["oc_section"] = "Churn"
    rerun(at)
    option, frame = pick(at, "behind_churn", "Churned in the quarter from")
    count = int(option.rsplit("(", 1)[1].rstrip(")").replace(",", ""))
    assert count > 0 and len(frame) == count and frame["value"].all()
    option, frame = pick(at, "behind_churn", "Customers at the start of the quarter from")
    assert len(frame) == int(option.rsplit("(", 1)[1].rstrip(")").replace(",", ""))


def test_outcomes_page_lists_behind_a_churn_flag(churn_file: Workspace) -> None:  # noqa: F811
    # 40 accounts per contract; month-to-month churns 1 in 2 (20), one year 1 in 5 (8), two year 1 in 8 (5).
    at = open_page(churn_file, "app_pages/outcomes.py", {"oc_churn_by": "contract", "oc_section": "Churn"})
    option, frame = pick(at, "behind_churn_flags", "Accounts flagged churned")
    assert option == "Accounts flagged churned (33)" and len(frame) == 33 and frame["value"].all()
    option, frame = pick(at, "behind_churn_flags", "Accounts without a churn flag")
    assert option == "Accounts without a churn flag (0)" and frame is None
    option, frame = pick(at, "behind_churn_flags_by", "Month-to-month: flagged churned")
    assert option == "Month-to-month: flagged churned (20)" and len(frame) == 20
    assert set(frame["contract"]) == {"Month-to-month"}


def test_segments_page_lists_behind_rows_and_tests(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/segments.py")
    option, frame = pick(at, "behind_segments_side", "SMB: accounts")
    assert option == "SMB: accounts (1,050)" and len(frame) == 1050
    option, frame = pick(at, "behind_segments_side", "SMB: scored accounts")
    assert option == "SMB: scored accounts (366)" and len(frame) == 366
    option, frame = pick(at, "behind_segments_side", "SMB: customers 12 months ago")
    assert option == "SMB: customers 12 months ago (186)" and len(frame) == 186
    at.session_state["seg_section"] = "Measures and funnel"     # the lower sections are lazy tabs
    rerun(at)
    option, frame = pick(at, "behind_segments_funnel", "SMB: reached Awareness")
    assert option.endswith("(1,050)") and len(frame) == 1050
    at.session_state["seg_section"] = "Is a segment different from the rest?"
    rerun(at)
    option, frame = pick(at, "behind_segments_compare", "SMB: n")
    assert option == "SMB: n (324)" and len(frame) == 324 and set(frame["value"]) <= {0.0, 1.0}


def test_journey_page_lists_behind_accounts_paths_and_moves(sample: Workspace) -> None:
    at = open_page(sample, "app_pages/journey.py")
    option, frame = pick(at, "behind_journey_cards", "Accounts on the map")
    assert option == "Accounts on the map (2,000)" and len(frame) == 2000
    option, frame = pick(at, "behind_journey_paths", "Awareness → Consideration → Lost deal")
    assert option.endswith("(421)") and len(frame) == 421
    assert set(frame["value"]) == {"Awareness → Consideration → Lost deal"}
    option, frame = pick(at, "behind_journey_moves", "Consideration → Decision")
    assert option.endswith("(834)") and len(frame) == 834
    option, frame = pick(at, "behind_journey_stages", "Decision: accounts reached")
    assert option.endswith("(834)") and len(frame) == 834

