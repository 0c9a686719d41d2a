"""AppTest of the engagement pages (Scores, Outcomes & voice, Segments) on the sample company.

Each page runs with the session's workspace preset, so the test computes the expected numbers with
cxlib on that same workspace and checks that the cards show exactly those.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cxlib import funnel as fn
from cxlib import outcomes as oc
from cxlib import scores as sc
from cxlib import segments as sg
from cxlib import surveys as sv
from cxlib.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "app_pages"
TIMEOUT = 180


@pytest.fixture
def scratch(sample: Workspace) -> Workspace:
    """The shared sample for a test that edits settings; its score settings and minimum n are put back."""
    assert sample.mapping is not None
    scores, min_n = copy.deepcopy(sample.mapping.scores), sample.mapping.settings.min_n
    yield sample
    sample.mapping.scores, sample.mapping.settings.min_n = scores, min_n
    sample.version += 1


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run_page(name: str, ws: Workspace, state: dict | None = None) -> AppTest:
    """Run one page through app.py's frame with `ws` as the session's workspace (and widget state preset)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["workspace"] = ws
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first HTML table on the page that has `column`."""
    return next(t.value for t in at.table if column in t.value.columns)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def median_composite(ws: Workspace, config: sc.ScoreConfig) -> str:
    """The Scores card's definition, recomputed: median composite over the banded (non-grey) accounts."""
    scores = sc.account_scores(ws.con, config, ws.settings)
    return f"{scores.loc[scores['band'] != 'grey', 'composite'].median():.1f}"


# ---- Scores -------------------------------------------------------------------------------------

def test_scores_cards_equal_cxlib(sample: Workspace) -> None:
    at = run_page("scores", sample)
    shown = metrics(at)
    cfg, settings = sample.score_config, sample.settings
    bands = sc.band_summary(sample.con, cfg, settings).set_index("band")
    total, risky = sc.arr_at_risk(sample.con, cfg, settings=settings)
    trend = sc.score_trend(sample.con, cfg, "quarter", settings)

    assert at.title[0].value == "Scores"
    assert shown["Median composite"] == median_composite(sample, cfg)
    for label, band in [("Green", "green"), ("Yellow", "yellow"), ("Red", "red"), ("Insufficient data", "grey")]:
        assert shown[label] == f"{int(bands.loc[band, 'accounts']):,}"
    assert sum(int(shown[b].replace(",", "")) for b in ("Green", "Yellow", "Red", "Insufficient data")) \
        == int(bands["accounts"].sum())
    assert total > 0 and len(risky) > 0
    assert shown["ARR at risk"] == f"{total:,.0f}"
    at.session_state["scores_factors_open"] = True    # the lower sections' lazy expanders
    at.session_state["scores_trend_open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # factor table: one row per configured factor, in order, with its band
    factors = table_with(at, "Factor")
    assert list(factors["Factor"]) == [f.name for f in cfg.factors]
    assert not at.exception, [e.value for e in at.exception]
    shown = metrics(at)
    assert shown["Up"] == f"{int((trend['direction'] == 'up').sum()):,}"
    assert shown["Down"] == f"{int((trend['direction'] == 'down').sum()):,}"


def test_scores_weight_edit_changes_composite_and_is_saved_with_mapping(scratch: Workspace) -> None:
    ws = scratch
    original = ws.score_config
    before = median_composite(ws, original)
    at = run_page("scores", ws)
    assert metrics(at)["Median composite"] == before
    version = ws.version

    at.session_state["scores_editor"] = {"edited_rows": {0: {"weight": 5.0}, 6: {"target": 90.0}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    expected_cfg = replace(original, weights=original.weights | {"customer_intent": 5.0},
                           targets=original.targets | {"customer_education": 90.0})
    after = median_composite(ws, expected_cfg)
    assert after != before
    assert metrics(at)["Median composite"] == after
    # kept with the mapping JSON, and the cache key moved on exactly once
    assert ws.mapping is not None and ws.mapping.scores["weights"]["customer_intent"] == 5.0
    assert '"customer_education": 90.0' in ws.mapping.to_json()
    assert ws.version == version + 1
    at.session_state["scores_factors_open"] = True    # the factors' lazy expander
    at.run()
    assert ws.version == version + 1 and metrics(at)["Median composite"] == after
    factors = table_with(at, "Factor").set_index("Factor")
    assert factors.loc["Customer education", "Target"] == 90.0


def test_scores_invalid_weights_keep_last_valid_settings(scratch: Workspace) -> None:
    ws = scratch
    original = ws.score_config
    before = median_composite(ws, original)
    at = run_page("scores", ws)
    zeros = {i: {"weight": 0.0} for i in range(8)}
    at.session_state["scores_editor"] = {"edited_rows": zeros, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("add up to 0" in e.value for e in at.error)
    assert metrics(at)["Median composite"] == before
    assert ws.score_config.weights == original.weights


def test_scores_band_threshold_inputs_rebands(scratch: Workspace) -> None:
    ws = scratch
    original = ws.score_config
    at = run_page("scores", ws)
    at.number_input(key="scores_green_above").set_value(60.0).run()
    assert not at.exception
    cfg = replace(original, thresholds=replace(original.thresholds, green_above=60.0))
    bands = sc.band_summary(ws.con, cfg, ws.settings).set_index("band")
    assert metrics(at)["Green"] == f"{int(bands.loc['green', 'accounts']):,}"
    assert ws.score_config.thresholds.green_above == 60.0


# ---- Outcomes & voice ---------------------------------------------------------------------------

def test_outcomes_cards_equal_cxlib(sample: Workspace) -> None:
    at = run_page("outcomes", sample)
    shown = metrics(at)                                      # the first tab: the desired outcome
    at.session_state["oc_section"] = "What customers say"    # the survey cards' lazy tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown |= metrics(at)
    con, cfg, settings = sample.con, sample.score_config, sample.settings
    nps = sv.nps(con, settings=settings).iloc[0]
    csat = sv.csat(con, settings=settings).iloc[0]
    ces = sv.ces(con, settings=settings).iloc[0]
    quadrants = oc.quadrant_summary(con, oc.OutcomeSpec(), cfg, settings=settings).set_index("quadrant")

    assert nps["n"] > 100 and csat["n"] > 100 and ces["n"] > 100
    assert shown["NPS"] == f"{nps['nps']:.0f}"
    assert _delta(at, "NPS") == f"± {nps['moe95']:.1f} points · n = {int(nps['n']):,}"
    assert shown["CSAT"] == f"{csat['csat']:.0%}"
    assert shown["CES"] == f"{ces['mean']:.2f}"
    assert shown["Successful"] == f"{quadrants.loc[oc.SUCCESSFUL, 'share']:.0%}"
    assert shown["Not placed"] == f"{int(quadrants.loc[oc.UNKNOWN, 'accounts']):,}"


def _delta(at: AppTest, label: str) -> str:
    return next(m.delta for m in at.metric if m.label == label)


def test_outcomes_account_level_nps(sample: Workspace) -> None:
    at = run_page("outcomes", sample, {"oc_nps_level": "account", "oc_section": "What customers say"})
    account = sv.nps(sample.con, level="account", settings=sample.settings).iloc[0]
    response = sv.nps(sample.con, level="response", settings=sample.settings).iloc[0]
    assert account["n"] < response["n"]  # one latest answer per account
    assert metrics(at)["NPS"] == f"{account['nps']:.0f}"
    assert f"n = {int(account['n']):,}" in _delta(at, "NPS")


def test_outcomes_experience_measure_and_segment(sample: Workspace) -> None:
    at = run_page("outcomes", sample, {"oc_measure": "composite", "oc_quadrant_by": "tier"})
    spec = oc.OutcomeSpec(0.5, "composite", 75.0)
    quadrants = oc.quadrant_summary(sample.con, spec, sample.score_config, settings=sample.settings)
    assert metrics(at)["Successful"] == f"{quadrants.set_index('quadrant').loc[oc.SUCCESSFUL, 'share']:.0%}"
    per_tier = table_with(at, "quadrant")
    assert sorted(set(per_tier["segment"])) == sorted(
        set(oc.quadrant_summary(sample.con, spec, sample.score_config, by="tier",
                                settings=sample.settings)["segment"]))


# ---- Segments -----------------------------------------------------------------------------------

def test_segments_side_by_side_equals_cxlib(sample: Workspace) -> None:
    at = run_page("segments", sample, {"seg_by": "tier"})
    con, cfg, settings = sample.con, sample.score_config, sample.settings
    overview = sg.segment_overview(con, "tier", settings)
    seg_scores = sc.segment_scores(con, cfg, "tier", settings=settings)

    side = table_with(at, "Accounts")
    assert list(side["tier"]) == list(overview["segment"])
    assert list(side["Accounts"]) == list(overview["accounts"])
    # DuckDB sums in parallel: the last bits may differ between two runs, never the shown decimal
    assert list(side["Composite"]) == pytest.approx(list(seg_scores["composite"]), rel=1e-9)
    first = seg_scores.iloc[0]
    assert metrics(at)["Composite"] == f"{first['composite']:.1f}"    # the first lazy tab: against the desired state

    at.session_state["seg_section"] = "Measures and funnel"
    at.run()

    # each funnel step's conversion per segment, from cxlib.funnel
    steps = fn.funnel(con, fn.FunnelSpec(by="tier"), settings).table
    expected = steps[steps["step"] == 2].set_index("segment")["conversion_from_previous"]
    funnel = table_with(at, "→ Consideration")
    assert list(funnel["tier"]) == list(overview["segment"])
    assert list(funnel["→ Consideration"]) == pytest.approx(list(expected.loc[list(funnel["tier"])]))

    at.session_state["seg_section"] = "Is a segment different from the rest?"
    at.run()
    tested = sg.compare(con, "tier", rate="outcome=1", settings=settings)
    table = table_with(at, "significant")
    assert list(table["n"].astype(int)) == list(tested["n"])
    marks = [v == "★ yes" for v in table["significant"]]
    assert marks == list(tested["significant"])


def test_segments_low_n_greyed_and_never_significant(scratch: Workspace) -> None:
    ws = scratch
    assert ws.mapping is not None
    at = run_page("segments", ws, {"seg_by": "csm", "seg_test_kind": "mean", "seg_mean_column": "arr",
                               "seg_section": "Is a segment different from the rest?"})
    tested = sg.compare(ws.con, "csm", mean="arr", settings=ws.settings)
    # with the default minimum n (30) a small book of business differs from the rest on ARR …
    small = tested.loc[tested["significant"] & (tested["n"] < 60), "segment"]
    assert len(small) >= 1
    assert (table_with(at, "significant").set_index("csm").loc[small, "significant"] == "★ yes").all()
    # … and once the minimum n rises above its size it is greyed and no longer marked
    ws.mapping.settings.min_n = 60
    ws.version += 1
    at.run()
    tested = sg.compare(ws.con, "csm", mean="arr", settings=ws.settings).set_index("segment")
    assert tested.loc[small, "low_n"].all() and not tested.loc[small, "significant"].any()
    assert (tested.loc[small, "p_value"] < 0.05).all()
    table = table_with(at, "significant").set_index("csm")
    assert (table.loc[small, "significant"] == "").all()
    assert list(table["significant"] == "") == list(~tested["significant"])
    assert any("Grey rows: fewer than 60 accounts" in c.value for c in at.caption)


# ---- Empty data ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["scores", "outcomes", "segments"])
def test_pages_explain_empty_data(name: str) -> None:
    ws = Workspace()
    try:
        at = run_page(name, ws)
        assert at.info, "an empty workspace should get a message saying what to load"
        assert not at.error
    finally:
        ws.close()


def test_every_outcomes_tab_explains_empty_data() -> None:
    ws = Workspace()
    try:
        at = run_page("outcomes", ws)
        for tab in ("Desired outcome over time", "What customers say", "Churn"):
            at.session_state["oc_section"] = tab
            at.run()
            assert not at.exception and not at.error, tab
            assert at.info or at.caption[1:], f"{tab}: an empty workspace should get a message saying what to load"
    finally:
        ws.close()


def test_no_sql_in_pages() -> None:
    for name in ("scores", "outcomes", "segments", *(p.stem for p in PAGES.glob("_outcomes_*.py"))):
        text = (PAGES / f"{name}.py").read_text(encoding="utf-8")
        for banned in ("duckdb", "GROUP BY", ".execute(", "SELECT "):
            assert banned not in text, f"{name}.py: {banned}"
