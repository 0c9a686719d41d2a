"""AppTest of the Segments and Outcomes pages on a Telco-shaped churn file (generated: no real data needed).

The classic customer-churn export has a contract type, numeric columns (tenure, charges) and a
Churn Yes/No flag, and no dates at all. Both pages must show the churn per segment with its test
and the measures' means, with the numbers cxlib computes by hand below.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cxlib.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180
CONTRACTS = ("Month-to-month", "One year", "Two year")
SIZE = 40          # accounts per contract: above the default minimum n of 30


def customers() -> list[tuple[str, str, int, float, str]]:
    """(customerID, Contract, tenure, MonthlyCharges, Churn): contract c churns 1 in (2 + 3c) accounts."""
    rows = []
    for c, contract in enumerate(CONTRACTS):
        for i in range(SIZE):
            churn = "Yes" if i % (2 + 3 * c) == 0 else "No"
            rows.append((f"{c}{i:03d}-CUST", contract, 1 + i + 24 * c, 20.0 + i, churn))
    return rows


@pytest.fixture(scope="module")
def churn_file(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    path = tmp_path_factory.mktemp("telco") / "telco_like.csv"
    lines = ["customerID,gender,tenure,Contract,MonthlyCharges,TotalCharges,Churn"]
    for i, (cid, contract, tenure, monthly, churn) in enumerate(customers()):
        lines.append(f"{cid},{'Female' if i % 2 else 'Male'},{tenure},{contract},{monthly:.2f},"
                     f"{tenure * monthly:.2f},{churn}")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    ws = Workspace()
    ws.load([path])
    ws.apply(ws.suggest_mapping())
    yield ws
    ws.close()


def by_contract(value) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    groups: dict[str, list[float]] = {}
    for cid, contract, tenure, monthly, churn in customers():
        groups.setdefault(contract, []).append(value(tenure, monthly, churn))
    return groups


def run_page(name: str, ws: Workspace, state: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["workspace"] = ws
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(t.value for t in at.table if column in t.value.columns)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_segments_page_shows_churn_and_measures_by_contract(churn_file: Workspace) -> None:
    at = run_page("segments", churn_file, {"seg_by": "contract"})
    churned = {c: sum(v) / len(v) for c, v in by_contract(lambda t, m, ch: ch == "Yes").items()}
    # 1 in 2, 1 in 5, 1 in 8 of 40: 20/40, 8/40, 5/40
    assert churned == {"Month-to-month": 0.5, "One year": 0.2, "Two year": 0.125}
    side = table_with(at, "Churned share (no period)")
    assert dict(zip(side["contract"], side["Churned share (no period)"])) == pytest.approx(churned)
    at.session_state["seg_section"] = "Measures and funnel"     # the lower sections are lazy tabs
    at.run()
    measures = table_with(at, "tenure (n)")
    tenure = {c: sum(v) / len(v) for c, v in by_contract(lambda t, m, ch: t).items()}
    assert tenure == {"Month-to-month": 20.5, "One year": 44.5, "Two year": 68.5}
    assert dict(zip(measures["contract"], measures["tenure"])) == pytest.approx(tenure)
    # The test section opens on churned = yes: each contract's churn rate tested against the rest.
    at.session_state["seg_section"] = "Is a segment different from the rest?"
    at.run()
    tested = table_with(at, "p_adjusted")
    assert dict(zip(tested["contract"], tested["rate"])) == pytest.approx(churned)
    assert list(tested["n"]) == [SIZE] * 3
    # Month-to-month 20/40 vs 13/80 is far apart: significant after Benjamini–Hochberg.
    assert tested.set_index("contract").loc["Month-to-month", "significant"].endswith("yes")


def test_segments_page_tests_a_measure(churn_file: Workspace) -> None:
    at = run_page("segments", churn_file, {"seg_by": "contract", "seg_test_kind": "mean",
                                           "seg_mean_column": "tenure",
                                           "seg_section": "Is a segment different from the rest?"})
    tested = table_with(at, "p_adjusted")
    assert dict(zip(tested["contract"], tested["mean"])) == pytest.approx(
        {"Month-to-month": 20.5, "One year": 44.5, "Two year": 68.5})


def test_outcomes_page_shows_the_churned_share_without_periods(churn_file: Workspace) -> None:
    at = run_page("outcomes", churn_file, {"oc_churn_by": "contract", "oc_section": "Churn"})
    shown = {m.label: m.value for m in at.metric}
    # 33 of 120 accounts flagged churned
    assert shown["Churned share (no period)"] == f"{33 / 120:.1%}"
    per_contract = table_with(at, "churned_share")
    assert dict(zip(per_contract["contract"], per_contract["churned"])) == \
        {"Month-to-month": 20, "One year": 8, "Two year": 5}
    assert not any("Churn needs journey events" in i.value for i in at.info)
