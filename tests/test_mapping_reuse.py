"""Reusing a saved mapping (Data page "Reuse a saved mapping", the CLI's --mapping) keeps every part saved with it.

`mapping.fit_mapping` used to build a new Mapping naming tables, stage map, settings, scores and warnings
only, so the story weights and want-vs-do themes of a reused mapping were dropped: the CLI's `stories
--mapping` and `centricity --mapping` ran with the defaults.
"""

from __future__ import annotations

from pathlib import Path

from cxlib import mapping as mp
from cxlib.centricity import ThemeConfig
from cxlib.stories import StoryConfig
from cxlib.workspace import Workspace


def test_a_reused_mapping_keeps_its_story_weights_and_themes(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("account_id,stage,ts\nA,Awareness,2026-01-05\n", encoding="utf-8")
    ws = Workspace()
    try:
        ws.load([tmp_path / "events.csv"])
        ws.apply(ws.suggest_mapping())
        ws.set_story_config(StoryConfig().with_edits(challenge_weight=0.5, timing_weight=0.25, celebration_weight=0.25))
        ws.set_centricity_config(ThemeConfig({"onboarding": ["kickoff"]}))
        saved = mp.Mapping.from_json(ws.mapping.to_json())
        fitted = mp.fit_mapping(ws.con, saved, ws.reports)
        assert fitted.stories == {"challenge_weight": 0.5, "timing_weight": 0.25, "celebration_weight": 0.25}
        assert fitted.centricity == {"themes": {"onboarding": ["kickoff"]}}
    finally:
        ws.close()
