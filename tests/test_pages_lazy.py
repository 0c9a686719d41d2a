"""AppTest: a first visit computes the headline cards and the first chart; the lower sections run when opened.

Outcomes & voice, Scores and Segments keep their lower sections in lazy tabs (and lazy expanders): a closed
one calls none of its library functions (a spy counts the calls) and draws none of its widgets; opened, it
shows the numbers the page showed before the tabs (the sample company's, stated literally).
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from cxlib import churn as ch
from cxlib import funnel as fn
from cxlib import outcome_history as oh
from cxlib import scores as sc
from cxlib import segments as sg
from cxlib import surveys as sv
from cxlib.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Spies on the library functions only the lower sections call: how often each ran."""
    counter: Counter = Counter()
    for module, name in ((sv, "nps"), (ch, "churn_rates"), (oh, "quarters"), (sc, "score_trend"),
                         (sc, "trend_counts"), (sc, "factor_summary"), (sg, "compare"), (sg, "measure_means"),
                         (fn, "funnel")):
        original = getattr(module, name)

        def spy(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            counter[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, functools.wraps(original)(spy))
    return counter


def open_page(ws: Workspace, name: str, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["workspace"] = ws
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Choose the lazy tab `label` (the tabs' state is the open tab's label) and rerun."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_outcomes_first_visit_computes_the_quadrants_only(sample: Workspace, calls: Counter) -> None:
    at = open_page(sample, "outcomes")
    assert [t.label for t in at.tabs][:4] == ["Desired outcome", "Desired outcome over time", "What customers say",
                                              "Churn"]
    assert cards(at) == {"Successful": "58%", "Outcome only": "11%", "Experience only": "20%", "Neither": "10%",
                         "Not placed": "1,375"}
    assert len(at.get("plotly_chart")) == 1                                  # the quadrant scatter
    assert calls == Counter()                                                # no survey, churn or quarter query
    assert not any(b.key in ("oc_nps_level", "oc_churn_period") for b in at.radio)

    open_tab(at, "oc_section", "What customers say")
    assert calls["nps"] > 0 and calls["churn_rates"] == calls["quarters"] == 0
    assert cards(at) == {"NPS": "33", "CSAT": "74%", "CES": "5.39"}
    assert "Successful" not in cards(at)                                     # the closed tab is not drawn

    open_tab(at, "oc_section", "Churn")
    assert calls["churn_rates"] > 0 and calls["quarters"] == 0
    assert cards(at) == {"Logo churn, last full quarter": "5.7%", "Gross revenue churn, last full quarter": "3.7%",
                         "Customers at the start of that quarter": "542"}
    assert next(m.delta for m in at.metric if m.label.startswith("Logo churn")) == "95% CI 4%–8% · 31 of 542"

    open_tab(at, "oc_section", "Desired outcome over time")
    assert calls["quarters"] > 0
    assert "FY2026 Q3 · neither (38)" in at.selectbox(key="behind_oc_quarters").options


def test_scores_first_visit_computes_no_factor_accounts_or_trend_section(sample: Workspace, calls: Counter) -> None:
    at = open_page(sample, "scores")
    shown = cards(at)
    assert (shown["Median composite"], shown["Green"], shown["Red"], shown["ARR at risk"]) == (
        "64.3", "214", "210", "861,600")
    assert len(at.get("plotly_chart")) == 2                                  # histogram and bands
    assert calls["score_trend"] == calls["trend_counts"] == calls["factor_summary"] == 0
    assert "Up" not in shown and "scores_band_filter" not in {m.key for m in at.multiselect}
    assert not any("Factor" in t.value.columns for t in at.table)

    at.session_state["scores_trend_open"] = True
    at.run()
    assert calls["score_trend"] > 0 and calls["factor_summary"] == 0
    shown = cards(at)
    assert (shown["Up"], shown["Down"], shown["Same"], shown["Not comparable"]) == ("161", "139", "394", "78")
    assert not any("previous_composite" in d.value.columns for d in at.dataframe)   # its table: closed
    at.session_state["scores_trend_table_open"] = True
    at.run()
    trend = next(d.value for d in at.dataframe if "previous_composite" in d.value.columns)
    assert len(trend) == 161 + 139 + 394 + 78                              # the four cards' accounts

    at.session_state["scores_factors_open"] = True                          # two open at once
    at.session_state["scores_accounts_open"] = True
    at.run()
    assert calls["factor_summary"] > 0 and "Down" in cards(at)
    factors = next(t.value for t in at.table if "Factor" in t.value.columns)
    assert list(factors["Target"]) == [80.0] * 8                           # the desired state: 80 each
    assert at.multiselect(key="scores_band_filter").value == ["red", "yellow", "green", "grey"]
    assert any(c.value.startswith("2,000 accounts, weakest first") for c in at.caption)


def test_segments_first_visit_tests_nothing(sample: Workspace, calls: Counter) -> None:
    at = open_page(sample, "segments", {"seg_by": "tier"})
    assert cards(at) == {"Composite": "65.0", "Gap to the desired state": "+15.0"}     # Enterprise, the first tab
    assert calls["compare"] == calls["measure_means"] == calls["funnel"] == 0
    assert "behind_segments_compare" not in {s.key for s in at.selectbox}       # no picker: nothing tested
    assert not any("Gap: " in " ".join(t.value.columns) for t in at.table)      # the factor tables' expander

    open_tab(at, "seg_section", "Is a segment different from the rest?")
    assert calls["compare"] > 0 and calls["funnel"] == 0
    assert at.selectbox(key="behind_segments_compare").options == [
        "Enterprise: n (124)", "Mid-Market: n (265)", "SMB: n (324)"]

    open_tab(at, "seg_section", "Measures and funnel")
    assert calls["funnel"] > 0
    assert at.selectbox(key="behind_segments_funnel").options[-1] == "SMB: reached Awareness (1,050)"

    at.session_state["seg_factor_tables"] = True                                # open the lazy expander
    at.run()
    gaps = next(t.value for t in at.table if "Gap: Customer intent" in t.value.columns)
    assert list(gaps["tier"]) == ["Enterprise", "Mid-Market", "SMB"]


def test_a_choice_inside_a_closed_tab_is_kept_until_it_opens_again(sample: Workspace) -> None:
    at = open_page(sample, "outcomes")
    open_tab(at, "oc_section", "What customers say")
    at.radio(key="oc_nps_level").set_value("account").run()
    assert not at.exception
    per_account = cards(at)["NPS"]
    open_tab(at, "oc_section", "Churn")                       # the radio is not drawn in this run
    open_tab(at, "oc_section", "What customers say")
    assert at.radio(key="oc_nps_level").value == "account"
    assert cards(at)["NPS"] == per_account
    at.switch_page("app_pages/funnel.py").run()              # another page, and back
    at.switch_page("app_pages/outcomes.py").run()
    assert at.radio(key="oc_nps_level").value == "account"


def test_kept_choices_are_forgotten_with_new_data(sample_archive: bytes) -> None:
    from cxlib.saved import open_workspace

    at = open_page(open_workspace(sample_archive), "outcomes")
    open_tab(at, "oc_section", "What customers say")
    at.radio(key="oc_nps_level").set_value("account").run()
    at.session_state["workspace"] = open_workspace(sample_archive)   # as an upload replaces the workspace
    at.run()
    assert [t.label for t in at.tabs][0] == "Desired outcome" and "oc_nps_level" not in {r.key for r in at.radio}
    open_tab(at, "oc_section", "What customers say")
    assert at.radio(key="oc_nps_level").value == "response"
