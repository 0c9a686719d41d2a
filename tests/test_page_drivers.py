"""AppTest of the Drivers page: a Telco-shaped churn file (generated) and the sample company's funnel."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxlib.workspace import Workspace
from tests.test_pages_behind import pick

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180
CONTRACTS = ("Month-to-month", "One year", "Two year")


@pytest.fixture(scope="module")
def churn_file(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """40 accounts per contract; contract c churns 1 in (2 + 3c): 20, 8 and 5 of 40 (33 of 120)."""
    path = tmp_path_factory.mktemp("telco") / "telco_like.csv"
    lines = ["customerID,gender,tenure,Contract,MonthlyCharges,Churn"]
    for c, contract in enumerate(CONTRACTS):
        for i in range(40):
            churn = "Yes" if i % (2 + 3 * c) == 0 else "No"
            lines.append(f"{c}{i:03d}-CUST,{'Female' if i % 2 else 'Male'},{1 + i + 24 * c},{contract},"
                         f"{20.0 + i:.2f},{churn}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = Workspace()
    ws.load([path])
    ws.apply(ws.suggest_mapping())
    yield ws
    ws.close()


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run_page(ws: Workspace | None, state: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if ws is not None:
        at.session_state["workspace"] = ws
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("app_pages/drivers.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_churn_drivers_page(churn_file: Workspace) -> None:
    at = run_page(churn_file, {"dr_outcome": "churned", "dr_row_accounts_open": True})
    shown = {m.label: m.value for m in at.metric}
    assert shown["Accounts with a known outcome"] == "120"
    assert shown["Of them churned"] == "33"
    table = next(t.value for t in at.table if "odds_ratio" in t.value.columns)
    mtm = table[(table["driver"] == "Contract") & (table["value"] == "Month-to-month")].iloc[0]
    # 20 of 40 vs 13 of 80: OR = 20·67 / (20·13)
    assert mtm["odds_ratio"] == pytest.approx(1340 / 260)
    assert mtm["significant"].endswith("yes")
    assert len(at.get("plotly_chart")) == 1
    # The row Contract = Month-to-month lists its 40 accounts, each with its value.
    options = at.selectbox(key="dr_row").options
    at.selectbox(key="dr_row").set_value(
        next(i for i, label in enumerate(options) if label.startswith("Contract = Month-to-month"))).run()
    listed = at.dataframe[0].value
    assert len(listed) == 40 and set(listed["value"]) == {"Month-to-month"}
    assert int(listed["outcome"].sum()) == 20


def test_accounts_behind_a_small_row_through_the_page(churn_file: Workspace) -> None:
    at = run_page(churn_file, {"dr_outcome": "churned", "dr_row_accounts_open": True})
    options = at.selectbox(key="dr_row").options
    q4 = next(i for i, label in enumerate(options) if label.startswith("tenure = Q4"))
    at.selectbox(key="dr_row").set_value(q4).run()
    table = next(t.value for t in at.table if "odds_ratio" in t.value.columns)
    n = int(table[(table["driver"] == "tenure") & table["value"].str.startswith("Q4")]["n"].iloc[0])
    listed = next((t.value for t in at.table if "account_id" in t.value.columns), None)
    listed = listed if listed is not None else at.dataframe[0].value
    assert len(listed) == n > 0


def test_conversion_drivers_on_the_sample() -> None:
    at = run_page(None, {"dr_outcome": "converted", "dr_stage": "Delivery"})
    shown = {m.label: m.value for m in at.metric}
    assert shown["Of them converted:Delivery"] != "0"
    assert any("accounts that reached Decision, the step before Delivery" in c.value for c in at.caption)


def test_no_churn_to_explain_says_what_to_load(tmp_path: Path) -> None:
    path = tmp_path / "plans.csv"
    path.write_text("account_id,plan\n" + "".join(f"A{i},{'Pro' if i % 2 else 'Basic'}\n" for i in range(10)),
                    encoding="utf-8")
    ws = Workspace()
    ws.load([path])
    ws.apply(ws.suggest_mapping())
    try:
        at = run_page(ws, {"dr_outcome": "churned"})
        assert any("churn flag" in i.value and "Data page" in i.value for i in at.info)
        assert not [t for t in at.table if "odds_ratio" in t.value.columns]
    finally:
        ws.close()


def test_headline_cards_list_their_accounts(sample: Workspace) -> None:
    """The sample's churn cards: 834 accounts with a known outcome, 167 churned; each opens as many accounts."""
    at = run_page(sample, {"dr_outcome": "churned"})
    shown = {m.label: m.value for m in at.metric}
    assert not at.selectbox(key="behind_dr_cards").value       # nothing runs until a number is picked
    option, frame = pick(at, "behind_dr_cards", "Accounts with a known outcome")
    assert option == f"Accounts with a known outcome ({shown['Accounts with a known outcome']})" == \
        "Accounts with a known outcome (834)"
    assert frame is not None and len(frame) == 834
    option, frame = pick(at, "behind_dr_cards", "Of them churned")
    assert option == "Of them churned (167)" and shown["Of them churned"] == "167"
    assert frame is not None and len(frame) == 167 and bool(frame["value"].all())
    assert "Significant drivers" not in " ".join(at.selectbox(key="behind_dr_cards").options)   # rows, not accounts


def test_the_accounts_behind_a_row_are_computed_only_when_opened(churn_file: Workspace) -> None:
    at = run_page(churn_file, {"dr_outcome": "churned"})
    assert "dr_row" not in [box.key for box in at.selectbox]
    assert all("account_id" not in t.value.columns for t in [*at.table, *at.dataframe])   # closed: no list
    at.session_state["dr_row_accounts_open"] = True
    at.run()
    assert len(at.dataframe[0].value) > 0                                                # opened: the list
