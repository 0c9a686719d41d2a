"""AppTest of the Account page on the sample company, through the app's own router: opening from a
link, searching, unknown ids.

The session's workspace is preset with the sample, so the expected numbers come from the sample's
own files (ACC-00002 "Oriarvia", ARR 25800 in data/accounts.csv) and from cxlib on that workspace.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from cxlib import early_warning as ew
from cxlib.account import account_story, flag_sentence, meeting_summary
from cxlib.workspace import Workspace

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 180


def page(ws: Workspace, account: str | None = None) -> AppTest:
    """The app on the Account page with `ws` as the session's workspace, opened with ?account=… when given."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["workspace"] = ws
    if account is not None:
        at.query_params["account"] = account
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("app_pages/account.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_link_opens_the_account_with_its_arr_and_summary(sample: Workspace) -> None:
    at = page(sample, "ACC-00002")
    (arr,) = sample.con.execute("SELECT arr FROM accounts WHERE account_id = 'ACC-00002'").fetchone()
    assert arr == 25800.0
    cards = metrics(at)
    assert cards["ARR"] == "25,800"
    assert list(cards) == ["ARR", "Renewal", "Engagement", "NPS (latest)", "Current stage", "Days in stage",
                           "Last QBR/EBR", "QBR held in the last 100 days", "Follow-through"]
    # the sample's activities: last QBR 2026-06-04, 118 days before the as-of date; 2 of 5 follow-ups on time
    assert (cards["Last QBR/EBR"], cards["QBR held in the last 100 days"], cards["Follow-through"]) == (
        "2026-06-04", "no", "40%")
    assert at.main.selectbox[0].value == "ACC-00002"
    assert at.title[0].value == "Account"
    story = account_story(sample.con, "ACC-00002", sample.score_config, sample.settings, "tier",
                          warning_config=sample.warning_config)
    sentences = meeting_summary(story)
    shown = [m.value for m in at.markdown]
    assert "\n".join(f"- {s}" for s in sentences) in shown
    assert cards["Current stage"] == story.profile.current_stage == "Loyalty"
    # Its flags are its early-warning rows, shown once, in the labelled block, with the list's evidence:
    # stalled in Loyalty since 2024-12-13 (the page used to add its own "stalled" by the tier's p90), and
    # no QBR since 2026-06-04 (118 days: missed_qbr, from the sample's activities).
    run = ew.prepare(sample.con, sample.warning_config, sample.score_config, sample.settings)
    assert story.flags == ew.flags_of(ew.account_rows(sample.con, run, "ACC-00002"), "ACC-00002")
    assert [f.kind for f in story.flags] == ["stalled", "missed_qbr"]
    assert story.flags[0].detail.startswith("in Loyalty since 2024-12-13 (656 days), longer than the p90 of ")
    assert not at.warning
    assert [e.value for e in at.error] == [f"**{f.title}**: {f.detail}." for f in story.flags]
    assert sentences[-2:] == [flag_sentence(f) for f in story.flags]


def test_search_by_name_selects_and_links_the_account(sample: Workspace) -> None:
    at = page(sample)
    at.text_input(key="account_query").input("oriarvia").run()
    assert not at.exception
    assert at.main.selectbox[0].value == "ACC-00002"
    assert metrics(at)["ARR"] == "25,800"
    assert at.query_params["account"] == "ACC-00002"   # the address bar now reopens it


def test_an_unknown_linked_account_says_so(sample: Workspace) -> None:
    at = page(sample, "NO-SUCH-ID")
    assert [e.value for e in at.error] == ["No account 'NO-SUCH-ID' in the accounts table"]
    assert not at.metric


def test_the_survey_answers_are_listed_only_when_opened(sample: Workspace) -> None:
    at = page(sample, "ACC-00002")
    story = account_story(sample.con, "ACC-00002", sample.score_config, sample.settings)
    n = len(story.surveys)
    assert n > 0
    assert [e.label for e in at.expander if "latest first" in e.label] == [
        f"{n:,} answer{'' if n == 1 else 's'}, latest first"]
    def listed() -> list:      # a short list is an HTML table, a long one a grid
        return [d.value for d in (*at.table, *at.dataframe) if "Reading" in d.value.columns]

    assert listed() == []                                          # closed: nothing drawn
    at.session_state["account_surveys_open"] = True
    at.run()
    (table,) = listed()
    assert len(table) == n and list(table["Reading"]) == list(story.surveys["category"].fillna(""))
