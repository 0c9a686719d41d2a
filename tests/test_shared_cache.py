"""The server-wide store of the sample company's results: computed once, handed out as copies, never an upload's."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages import _session
from cxlib.errors import MetricError

ROOT = Path(__file__).resolve().parents[1]


def test_a_result_is_computed_once_and_handed_out_as_a_copy() -> None:
    store = _session._SharedResults(size=8)
    calls = []

    def compute() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"accounts": [2000, 1873]})

    first = store.get(("sample", "funnel"), compute)
    first.loc[0, "accounts"] = -1          # a page changing what it got
    second = store.get(("sample", "funnel"), compute)
    assert calls == [1]
    assert list(second["accounts"]) == [2000, 1873]


def test_concurrent_visitors_wait_for_the_one_computation() -> None:
    store = _session._SharedResults(size=8)
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow() -> int:
        calls.append(1)
        started.set()
        release.wait(5)
        return 42

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(store.get(("k",), slow))) for _ in range(5)]
    for t in threads:
        t.start()
    started.wait(5)
    release.set()
    for t in threads:
        t.join(5)
    assert (calls, results) == ([1], [42] * 5)


def test_a_user_error_is_remembered_and_raised_again() -> None:
    store = _session._SharedResults(size=8)
    calls = []

    def failing() -> None:
        calls.append(1)
        raise MetricError("no NPS answers")

    for _ in range(2):
        with pytest.raises(MetricError, match="no NPS answers"):
            store.get(("nps",), failing)
    assert calls == [1]


def test_the_store_keeps_only_its_size() -> None:
    store = _session._SharedResults(size=2)
    for k in range(3):
        store.get((k,), lambda k=k: k)
    assert len(store) == 2
    assert store.get((0,), lambda: "again") == "again"     # the oldest went first


EVENTS = ("Account ID,Stage,Entered At\n"
          "U1,Awareness,2025-01-02\nU1,Consideration,2025-01-09\n"
          "U2,Awareness,2025-01-03\n"
          "U3,Awareness,2025-01-04\nU3,Consideration,2025-01-05\n")


def test_an_upload_never_reads_the_shared_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    asked: list[tuple] = []
    original = _session._SharedResults.get

    def spy(self: _session._SharedResults, key: tuple, compute):  # type: ignore[no-untyped-def]
        asked.append(key)
        return original(self, key, compute)

    monkeypatch.setattr(_session._SharedResults, "get", spy)
    visitor = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    visitor.run()                                   # the Funnel page on the sample fills the store
    assert not visitor.exception
    assert asked, "the sample's funnel should come from the server's store"
    sample_accounts = {m.label: m.value for m in visitor.metric}["Accounts at step 1"]

    uploader = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    uploader.run()
    uploader.switch_page("app_pages/data.py").run()
    uploader.file_uploader(key="uploads").set_value([("events.csv", EVENTS.encode(), "text/csv")]).run()
    assert not uploader.exception
    asked.clear()
    uploader.switch_page("app_pages/funnel.py").run()
    assert not uploader.exception
    assert asked == []
    metrics = {m.label: m.value for m in uploader.metric}
    assert (sample_accounts, metrics["Accounts at step 1"]) == ("2,000", "3")


PAGES = ("funnel", "journey", "account", "early_warning", "stories", "centricity", "scores", "outcomes", "segments",
         "drivers", "data", "sql", "workspace")


@pytest.mark.parametrize("page", PAGES)
def test_a_later_visitor_of_the_sample_never_opens_a_database(monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """Every number of a first visit comes from the shared results (the Data page's stage values, shapes
    and key match, the SQL page's table list included): the later visitor's database is never restored."""
    monkeypatch.chdir(ROOT)
    first = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    first.switch_page(f"app_pages/{page}.py").run()
    assert not first.exception
    later = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    later.switch_page(f"app_pages/{page}.py").run()
    assert not later.exception
    assert later.session_state["workspace"].opened is False
    assert [m.value for m in later.metric] == [m.value for m in first.metric]
    assert len(later.table) == len(first.table)
    for mine, theirs in zip(later.table, first.table, strict=True):
        pd.testing.assert_frame_equal(mine.value, theirs.value)
