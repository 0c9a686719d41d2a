"""AppTest of the Early warning page on the sample company: counts per signal equal their lists, the flagged
list, links to the Account page, thresholds kept with the mapping, and the empty states."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from cxlib import early_warning as ew
from cxlib.workspace import Workspace
from tests.test_pages_journey import open_page
from tests.test_pages_behind import pick

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 300


def page(ws: Workspace) -> AppTest:
    """The app on this page with `ws` as the session's workspace."""
    return open_page(ws, "app_pages/early_warning.py")


def test_the_page_shows_counts_that_equal_the_library_and_its_lists(sample: Workspace) -> None:
    at = page(sample)
    run = ew.prepare(sample.con, sample.warning_config, sample.score_config, sample.settings)
    summary = ew.signal_summary(sample.con, run)
    table = ew.warnings_table(sample.con, run)
    cards = {m.label: m.value for m in at.metric}
    assert cards["Flagged"] == f"{len(table):,}"
    assert cards["Customers checked"] == f"{ew.customers_count(sample.con, run):,}"
    shown = at.dataframe[1].value   # [0] is the respondent-role editor
    assert list(shown["Accounts"]) == list(summary["accounts"])
    assert (summary["accounts"] > 0).all()          # the sample makes every signal non-empty
    flagged = at.dataframe[2].value     # no list is shown until a number is picked in its popover
    # Each signal's "accounts behind" list (the shared widget) has as many rows as its count says.
    for label, count in zip(summary["label"], summary["accounts"]):
        option, listed = pick(at, "behind_ew_signals", label)
        assert option == f"{label} ({count:,})" and len(listed) == count, label
    assert len(flagged) == len(table)
    assert list(flagged["open"])[:1] == [f"account?account={table['account_id'].iloc[0]}"]


def test_a_threshold_edit_is_kept_with_the_mapping(sample: Workspace) -> None:
    version = sample.version
    at = page(sample)
    assert sample.version == version            # opening the page changes no setting
    at.number_input(key="ew_silent_days").set_value(30).run()
    assert not at.exception
    assert sample.warning_config.silent_days == 30
    assert sample.mapping.to_dict()["warnings"]["silent_days"] == 30


def test_without_data_the_page_says_what_to_load() -> None:
    empty = Workspace()
    at = page(empty)
    assert any("Load your journey events" in i.value for i in at.info)


def test_the_account_page_shows_its_own_flags_with_the_same_evidence(sample: Workspace) -> None:
    run = ew.prepare(sample.con, sample.warning_config, sample.score_config, sample.settings)
    table = ew.warnings_table(sample.con, run)
    first = table.iloc[0]
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["workspace"] = sample
    at.query_params["account"] = first["account_id"]
    at.run()
    at.switch_page("app_pages/account.py").run()
    assert not at.exception, [e.value for e in at.exception]
    rows = ew.account_rows(sample.con, run, first["account_id"])
    expected = [f"**{ew.LABELS[s]}**: {t}." for s, t in zip(rows["signal"], rows["evidence"])]
    assert [e.value for e in at.error] == expected
    assert ";".join(rows["signal"]) == first["signals"]
