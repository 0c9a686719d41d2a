"""AppTest of the Stories page on the sample company: the cards equal the library's ranked list, weights are
kept with the mapping, "Add to meeting pack" puts the story slide into the account's pack, and the empty state."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from cxlib import meeting, stories
from cxlib.workspace import Workspace
from tests.test_pages_behind import pick
from tests.test_pages_journey import open_page


def page(ws: Workspace) -> AppTest:
    """The app on this page with `ws` as the session's workspace."""
    return open_page(ws, "app_pages/stories.py")


def test_the_cards_show_the_ranked_stories_with_their_parts_and_evidence(sample: Workspace) -> None:
    at = page(sample)
    table = stories.find_stories(sample.con, sample.settings, sample.score_config, sample.story_config,
                                 sample.warning_config)
    assert len(table) > 0
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers ranked"] == f"{len(table):,}"
    assert metrics["Used as a reference (90 days)"] == ("unknown" if stories.activities_count(sample.con) == 0
                                                        else metrics["Used as a reference (90 days)"])
    top = table.iloc[0]
    card = [m.value for m in at.metric][4:9]       # the first card's five metrics, after the four headline cards
    assert card == [f"{top['score']:.1f}", f"{top['challenge']:g}", f"{top['timing']:.2f}",
                    f"{top['celebration']:.2f}",
                    "–" if top["days_to_value"] != top["days_to_value"] else f"{int(top['days_to_value'])}"]
    bullets = "\n".join(f"- {s}" for s in stories.evidence(top))
    assert any(md.value == bullets for md in at.markdown)
    assert len([b for b in at.button if b.key and b.key.startswith("story_pack_")]) == stories.DEFAULT_TOP
    # The headline counts open their accounts (the shared "accounts behind" widget), as many as they say.
    summary = stories.story_summary(sample.con, sample.settings, sample.score_config, sample.story_config,
                                    sample.warning_config)
    assert metrics["Challenge overcome"] == f"{summary['overcome']:,}" and summary["overcome"] > 0
    option, listed = pick(at, "behind_stories_cards", "Challenge overcome")
    assert option == f"Challenge overcome ({summary['overcome']:,})" and len(listed) == summary["overcome"]
    assert set(listed["account_id"]) == set(table.loc[table["challenge"] == 1, "account_id"])


def test_add_to_meeting_pack_puts_the_story_slide_into_the_accounts_pack(sample: Workspace) -> None:
    at = page(sample)
    table = stories.find_stories(sample.con, sample.settings, sample.score_config, sample.story_config,
                                 sample.warning_config)
    top = table.iloc[0]
    at.button(key=f"story_pack_{top['account_id']}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Added a story slide" in s.value for s in at.success)
    ref, slide = at.session_state["_jl_pack_extra_slides"][top["account_id"]]
    assert slide.title == f"{meeting.STORY_TITLE}: {top['name']}"
    assert slide.bullets[1:4] == stories.evidence(top)
    # The Account page's meeting pack now carries it (and says so above its pack button).
    at.query_params["account"] = top["account_id"]
    at.switch_page("app_pages/account.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.value == f"The pack includes: {slide.title}." for c in at.caption)


def test_a_weight_edit_is_kept_with_the_mapping(sample: Workspace) -> None:
    version = sample.version
    at = page(sample)
    assert sample.version == version            # opening the page changes no setting
    at.number_input(key="st_w_timing_weight").set_value(0.5).run()
    assert not at.exception
    assert sample.story_config.timing_weight == 0.5
    assert sample.mapping.to_dict()["stories"]["timing_weight"] == 0.5
    assert any("0.5·T" in c.value for c in at.caption)


def test_without_data_the_page_says_what_to_load() -> None:
    at = page(Workspace())
    assert any("Load your journey events" in i.value for i in at.info)


def test_without_customers_the_page_says_so(tmp_path: Path) -> None:
    events = tmp_path / "journey_events.csv"
    events.write_text("Account ID,Stage,Date\nA1,Awareness,2026-01-05\nA1,Consideration,2026-02-01\n"
                      "A2,Awareness,2026-01-10\n", encoding="utf-8")
    ws = Workspace()
    ws.load([events])
    ws.apply(ws.suggest_mapping())
    try:
        at = page(ws)
        assert any("No customers yet at 2026-02-01" in i.value for i in at.info), [i.value for i in at.info]
        assert not at.error
    finally:
        ws.close()


def test_with_nothing_dated_the_page_says_what_to_load(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account ID,Account name,Stage\nA1,Acme,Usage\nA2,Bolt,Decision\n", encoding="utf-8")
    ws = Workspace()
    ws.load([accounts])
    ws.apply(ws.suggest_mapping())
    try:
        at = page(ws)
        assert any(i.value.startswith("Nothing is dated yet") for i in at.info), [i.value for i in at.info]
        assert not at.error
    finally:
        ws.close()
