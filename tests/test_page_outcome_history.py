"""AppTest of the Outcomes & voice page's "Desired outcome over time" section, on the sample and without dates."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cxlib import outcome_history as oh
from cxlib.outcomes import OutcomeSpec
from cxlib.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run_page(ws: Workspace, state: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["workspace"] = ws
    at.session_state["oc_section"] = "Desired outcome over time"    # the section's lazy tab
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("app_pages/outcomes.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    return next(t.value for t in at.table if all(c in t.value.columns for c in columns))


def test_section_shows_the_quarters_moves_and_churn_after_on_the_sample(sample: Workspace) -> None:
    at = run_page(sample, {"oc_time_by": None})
    assert "Desired outcome over time" in [h.value for h in at.subheader]
    spec = OutcomeSpec()
    expected = oh.quarterly_summary(sample.con, spec, settings=sample.settings)
    shown = table_with(at, "quarter", "quadrant", "partial")
    assert len(shown) == len(expected) > 0
    assert list(shown["accounts"]) == list(expected["accounts"])
    assert shown["partial"].iloc[-1] and not shown["partial"].iloc[0]
    # the Sankey and the churn-after bars are drawn (Plotly), and the churn table is the library's
    kinds = {json.loads(c.proto.spec)["data"][0].get("type") for c in at.get("plotly_chart")}
    assert {"sankey", "bar"} <= kinds
    after = oh.churn_after(sample.con, spec, oh.default_churn_quarter(sample.con, spec, sample.settings),
                           sample.settings)
    churn_table = table_with(at, "churned", "churn within 2 quarters")
    assert list(churn_table["churned"]) == list(after["churned"]) and after["accounts"].sum() > 0


def test_the_composite_over_time_on_the_sample(sample: Workspace) -> None:
    at = run_page(sample, {"oc_measure": "composite", "oc_time_by": None})
    spec = OutcomeSpec(experience="composite")
    expected = oh.quarterly_summary(sample.con, spec, settings=sample.settings, config=sample.score_config)
    shown = table_with(at, "quarter", "quadrant", "partial")
    assert len(shown) == len(expected) > 0
    assert list(shown["accounts"]) == list(expected["accounts"])
    assert expected.loc[expected["quadrant"] != "unknown", "accounts"].sum() > 0
    assert any("composite of its latest factor ratings" in c.value for c in at.caption)
    assert not any("CSAT or NPS" in i.value for i in at.info)
    after = oh.churn_after(sample.con, spec, None, sample.settings, sample.score_config)
    assert list(table_with(at, "churned", "churn within 2 quarters")["churned"]) == list(after["churned"])
