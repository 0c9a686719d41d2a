"""AppTest of the Centricity page: empty states (no data, no activities) and the cards equal the library's numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from cxlib import canonical
from cxlib import centricity as ct
from cxlib.workspace import Workspace
from tests.test_pages_journey import open_page
from tests.test_pages_behind import pick

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 300


def page(ws: Workspace) -> AppTest:
    """The app on this page with `ws` as the session's workspace."""
    return open_page(ws, "app_pages/centricity.py")


def test_without_data_the_page_says_what_to_load() -> None:
    at = page(Workspace())
    assert any("activities export" in i.value for i in at.info)
    assert not at.metric


def test_the_sample_without_activities_says_so_and_still_counts_care(sample: Workspace) -> None:
    canonical.create_table(sample.con, canonical.ACTIVITIES, [])        # the sample's history taken away
    sample.version += 1
    at = page(sample)
    assert any(i.value.startswith("No activities loaded") for i in at.info)
    result = ct.centricity(sample.con, sample.settings, sample.centricity_config)
    row = ct.group_row(result)
    cards = {m.label: m.value for m in at.metric}
    assert cards["Care — we ask"] == f"{row['care']:.0%}" and cards["Want vs do coverage"] == "—"
    assert any("**Proactive share** is empty: no activities loaded" in c.value for c in at.caption)
    option, listed = pick(at, "behind_ct_cards", "Cared for (answer or QBR in 365 days)")
    assert len(listed) == int(row["cared"]) > 0


def test_with_activities_the_cards_and_segments_equal_the_library(sample: Workspace) -> None:
    as_of = ct.centricity(sample.con, sample.settings).as_of
    ids = [r[0] for r in sample.con.execute("SELECT account_id FROM accounts ORDER BY account_id LIMIT 40").fetchall()]
    rows = [{"account_id": a, "ts": as_of - dt.timedelta(days=7 * (i % 13)), "activity_type": "training",
             "initiated_by": "provider", "done": True, "subject": "Admin training", "source": "acts",
             "source_row": i + 1} for i, a in enumerate(ids)]
    canonical.create_table(sample.con, canonical.ACTIVITIES, rows)
    sample.version += 1
    at = page(sample)
    assert not any(i.value.startswith("No activities loaded") for i in at.info)
    result = ct.centricity(sample.con, sample.settings, sample.centricity_config)
    row = ct.group_row(result)
    cards = {m.label: m.value for m in at.metric}
    assert cards["Act daily — we act"] == f"{row['act_daily_median']:.0%}"
    assert int(row["provider_n"]) > 0
    per = ct.cli_table(ct.centricity(sample.con, sample.settings, sample.centricity_config, by="tier"))
    shown = next(d.value for d in at.dataframe if "act_daily_median" in d.value.columns)
    assert list(shown["segment"]) == list(per["segment"]) and list(shown["accounts"]) == list(per["accounts"])


def test_the_account_page_shows_qbr_discipline_and_activities_on_its_timeline(sample: Workspace) -> None:
    as_of = ct.centricity(sample.con, sample.settings).as_of
    (account_id,) = sample.con.execute("SELECT account_id FROM accounts ORDER BY account_id LIMIT 1").fetchone()
    day = dt.timedelta(days=1)
    base = {"account_id": account_id, "initiated_by": "provider", "source": "acts"}
    canonical.create_table(sample.con, canonical.ACTIVITIES, [
        base | {"ts": as_of - 40 * day, "activity_type": "qbr", "done": True, "subject": "QBR", "source_row": 1},
        base | {"ts": as_of - 35 * day, "activity_date": as_of - 38 * day, "activity_type": "task", "done": True,
                "due_date": as_of - 35 * day, "completed_at": as_of - 35 * day, "subject": "Send deck", "source_row": 2},
        base | {"ts": as_of - 37 * day, "activity_date": as_of - 37 * day, "activity_type": "task", "done": False,
                "due_date": as_of - 10 * day, "subject": "Plan training", "source_row": 3},
    ])
    sample.version += 1
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["workspace"] = sample
    at.query_params["account"] = account_id
    at.run()
    at.switch_page("app_pages/account.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cards = {m.label: m.value for m in at.metric}
    assert cards["Last QBR/EBR"] == f"{as_of - 40 * day:%Y-%m-%d}"
    assert cards["QBR held in the last 100 days"] == "yes" and cards["Follow-through"] == "50%"
    assert any(c.value.startswith("1 of 2 follow-up tasks completed by their due date (50%); 1 overdue")
               for c in at.caption)
    assert not any("subject" in t.value.columns for t in at.table)              # the activities list: closed
    at.session_state["account_activities_open"] = True
    at.run()
    listed = next(t.value for t in at.table if "subject" in t.value.columns)
    assert sorted(listed["subject"]) == ["Plan training", "QBR", "Send deck"]


def test_an_edited_theme_list_is_kept_with_the_mapping_and_a_bad_line_is_named(sample: Workspace) -> None:
    at = page(sample)
    version = sample.version
    at.text_area(key="ct_themes_text").set_value("onboarding: kickoff, go-live\nreporting: report").run()
    assert not at.exception
    assert sample.mapping.to_dict()["centricity"] == {"themes": {"onboarding": ["kickoff", "go-live"],
                                                                 "reporting": ["report"]}}
    assert sample.version == version + 1
    at.text_area(key="ct_themes_text").set_value("onboarding kickoff").run()
    assert any("line 1" in e.value for e in at.error)
    assert sample.centricity_config.themes["reporting"] == ["report"]     # the last valid list stays


def test_new_data_starts_the_theme_editor_from_its_own_list(sample: Workspace) -> None:
    """An edit in the theme box belongs to the mapping it was made on: a newly applied mapping shows its
    own saved list, and the old text is not saved into it."""
    from cxlib.mapping import Mapping

    at = page(sample)
    at.text_area(key="ct_themes_text").set_value("onboarding: kickoff").run()
    assert sample.mapping.to_dict()["centricity"] == {"themes": {"onboarding": ["kickoff"]}}
    fresh = Mapping.from_json(sample.mapping.to_json())
    fresh.centricity = None
    sample.apply(fresh)
    at.run()
    assert not at.exception
    assert sample.mapping.centricity is None
    assert at.text_area(key="ct_themes_text").value == ct.ThemeConfig.from_dict(None).to_text()
