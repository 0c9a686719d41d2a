"""Typed step lists (`funnel.parse_steps`, the one rule of `--stages` and the Funnel page) on small
exports: stage names, the data's own stage values (case-insensitive), synonyms, and the stages a
run gains when the steps are not all in the stage list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlib import funnel as fn
from cxlib.errors import MetricError
from cxlib.workspace import Workspace

# Signup/Activated/Paid are no stage of the default list; "Closed Won" is Decision by synonym.
EVENTS = """Account ID,Stage,Entered At
A1,Signup,2026-01-05
A1,Activated,2026-01-09
A1,Paid,2026-02-01
A2,signup,2026-01-10
A2,Activated,2026-01-20
A3,Signup,2026-02-01
A3,Closed Won,2026-02-03
A3,Churned,2026-02-20
"""
ACCOUNTS = """Account ID,Account Name,Lifecycle Stage,Tier,ARR
A1,Alpha,Customer,Gold,1000
A2,Beta,Lead,Silver,2000
A3,Gamma,Customer,Gold,500
"""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    workspace = Workspace()
    workspace.load([tmp_path / "events.csv", tmp_path / "accounts.csv"])
    workspace.apply(workspace.suggest_mapping())
    yield workspace
    workspace.close()


def test_split_on_commas_and_arrows() -> None:
    assert fn.split_steps("Signup, Activated → Paid -> Renewed > Advocate,, ") == [
        "Signup", "Activated", "Paid", "Renewed", "Advocate"]


def test_stage_names_values_and_synonyms_resolve_to_stages(ws: Workspace) -> None:
    choice = fn.parse_steps(ws.con, ws.mapping, "awareness, closed won, Onboarding, usage, Disappointment, USAGE")
    assert choice.steps == ["Awareness", "Decision", "Delivery", "Usage", "Disappointment", "Usage"]
    assert choice.mapping is ws.mapping and choice.own == [] and choice.notes == []


def test_the_datas_own_values_become_the_runs_stages(ws: Workspace) -> None:
    choice = fn.parse_steps(ws.con, ws.mapping, "SIGNUP, activated, Paid")
    # The data's spelling names the step; every spelling of it ("signup" too) maps to it.
    assert choice.steps == choice.own == ["Signup", "Activated", "Paid"]
    assert "not in the stage list" in choice.notes[0]
    stages = [s.name for s in choice.mapping.settings.stages]
    assert stages[7:10] == ["Signup", "Activated", "Paid"] and stages[-2:] == ["Disappointment", "Churn"]
    assert choice.mapping.stage_map["signup"] == choice.mapping.stage_map["Signup"] == "Signup"
    assert ws.mapping is not None and ws.mapping.stage_map.get("Signup") is None   # the workspace's own is untouched
    ws.apply(choice.mapping)
    table = fn.funnel(ws.con, fn.FunnelSpec(steps=choice.steps), ws.settings).table
    # A1 signs up, activates and pays; A2 ("signup") activates; A3 signs up only, then churns.
    assert table["accounts"].tolist() == [3, 2, 1]
    assert table["dropped_exited"].tolist() == [0, 1, 0]
    # The accounts table's current stages (Customer, Lead) still map: no account row is lost.
    assert int(ws.con.execute("SELECT count(*) FROM accounts").fetchone()[0]) == 3


def test_a_data_value_mixed_with_a_stage_keeps_the_stage_whole(ws: Workspace) -> None:
    choice = fn.parse_steps(ws.con, ws.mapping, "Signup, Decision")
    assert choice.steps == ["Signup", "Decision"] and choice.own == ["Signup"]
    ws.apply(choice.mapping)
    table = fn.funnel(ws.con, fn.FunnelSpec(steps=choice.steps), ws.settings).table
    assert table["accounts"].tolist() == [3, 1]          # A3's "Closed Won" is still Decision


def test_two_values_falling_on_one_stage_become_stages_of_their_own(ws: Workspace) -> None:
    # "Closed Won" maps to Decision; typed beside "Decision" it is its own step, not a second Decision.
    choice = fn.parse_steps(ws.con, ws.mapping, "Decision, Closed Won")
    assert choice.steps == ["Decision", "Closed Won"] and choice.own == ["Closed Won"]
    assert "mapped to one stage" in choice.notes[0]


def test_an_unknown_step_names_the_stages_and_the_datas_values(ws: Workspace) -> None:
    with pytest.raises(MetricError, match=r"'Nirvana' is neither a stage \(Awareness.*\) nor a stage value in "
                                          r"the data \(.*Signup.*\)"):
        fn.parse_steps(ws.con, ws.mapping, "Signup, Nirvana")
    with pytest.raises(MetricError, match="at least one funnel step"):
        fn.parse_steps(ws.con, ws.mapping, " , ")


def test_adding_the_runs_stages_keeps_everything_else_saved_with_the_mapping(ws: Workspace) -> None:
    """The Funnel page's 'Add … to the stage list' applies choice.mapping: the score, early-warning, story
    and theme settings saved with the mapping must come through it unchanged."""
    from cxlib.centricity import ThemeConfig
    from cxlib.early_warning import WarningConfig
    from cxlib.scores import ScoreConfig
    from cxlib.stories import StoryConfig

    ws.set_score_config(ScoreConfig.from_dict(None))
    ws.set_warning_config(WarningConfig().with_edits(disappointment_days=45))
    ws.set_story_config(StoryConfig().with_edits(challenge_weight=0.5, timing_weight=0.25, celebration_weight=0.25))
    ws.set_centricity_config(ThemeConfig({"onboarding": ["kickoff"]}))
    saved = {k: v for k, v in ws.mapping.to_dict().items() if k in ("scores", "warnings", "stories", "centricity")}
    assert saved["warnings"]["disappointment_days"] == 45 and saved["centricity"] == {"themes": {"onboarding": ["kickoff"]}}
    choice = fn.parse_steps(ws.con, ws.mapping, "Signup, Decision")
    ws.apply(choice.mapping)
    assert {k: v for k, v in ws.mapping.to_dict().items() if k in saved} == saved
    assert (ws.warning_config.disappointment_days, ws.story_config.challenge_weight) == (45, 0.5)
    assert ws.centricity_config.themes == {"onboarding": ["kickoff"]}
