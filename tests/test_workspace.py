"""What a workspace says it has mapped: the checks pages use to offer a source or a weight."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from cxlib import workspace
from cxlib.workspace import Workspace

ACCOUNTS_NO_ARR = b"Account ID,Account Name,Tier\nA-1,Alpha,Gold\nA-2,Beta,Silver\n"
ACCOUNTS_ARR = b"Account ID,Account Name,Tier,ARR\nA-1,Alpha,Gold,1000\nA-2,Beta,Silver,500\n"
EVENTS = b"Account ID,Stage,Date\nA-1,Onboarding,2024-01-05\nA-1,Live,2024-02-10\nA-2,Onboarding,2024-03-01\n"
SNAPSHOT = b"Account ID,Lifecycle Stage,Snapshot Date\nA-1,Live,2024-06-30\nA-2,Onboarding,2024-06-30\n"


def _mapped(*files: tuple[str, bytes]) -> workspace.Workspace:
    ws = workspace.Workspace(con=workspace.connect(memory_limit="512MB", threads=2), label="test")
    ws.load(list(files))
    ws.apply(ws.suggest_mapping())
    return ws


@pytest.fixture
def empty() -> Iterator[workspace.Workspace]:
    ws = workspace.Workspace(con=workspace.connect(memory_limit="512MB", threads=2))
    yield ws
    ws.close()


def test_nothing_loaded_has_nothing(empty: workspace.Workspace) -> None:
    assert (empty.has_arr(), empty.has_events(), empty.has_snapshot()) == (False, False, False)


def test_events_without_arr_or_snapshot() -> None:
    ws = _mapped(("accounts.csv", ACCOUNTS_NO_ARR), ("events.csv", EVENTS))
    try:
        assert (ws.has_arr(), ws.has_events(), ws.has_snapshot()) == (False, True, False)
    finally:
        ws.close()


def test_arr_and_snapshot_without_events() -> None:
    ws = _mapped(("accounts.csv", ACCOUNTS_ARR), ("stage_snapshot.csv", SNAPSHOT))
    try:
        assert ws.has_arr() and ws.has_snapshot()
        assert not ws.has_events()  # one snapshot date: nothing to derive events from
    finally:
        ws.close()


def test_a_deferred_workspace_opens_its_database_only_when_queried() -> None:
    opened: list[int] = []

    def opener() -> Workspace:
        opened.append(1)
        full = Workspace(label="full", version=7)
        full.con.execute("CREATE TABLE t AS SELECT 42 AS answer")
        return full

    ws = Workspace.deferred(opener, label="Sample", is_sample=True, reports=[], errors=[], mapping=None,
                            validation=[], version=3)
    assert (ws.opened, ws.version, opened) == (False, 3, [])
    assert ws.con.execute("SELECT answer FROM t").fetchone() == (42,)
    assert ws.con.execute("SELECT answer FROM t").fetchone() == (42,)
    assert (ws.opened, ws.version, opened) == (True, 3, [1])      # opened once; the version stays
    ws.close()


def test_a_deferred_workspace_closed_unopened_never_opens() -> None:
    opened: list[int] = []
    ws = Workspace.deferred(lambda: opened.append(1) or Workspace(), label="Sample", is_sample=True, reports=[],
                            errors=[], mapping=None, validation=[], version=0)
    ws.close()
    with pytest.raises(duckdb.ConnectionException, match="closed before its database was opened"):
        ws.con
    assert opened == []


def test_stamps_never_repeat_and_data_stamp_moves_only_with_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`stamp` names a state uniquely (two fresh workspaces share version 0, never a stamp); `data_stamp`
    follows loads, clears and applied mappings, not a setting saved with the mapping."""
    from cxlib.scores import ScoreConfig

    first, second = Workspace(), Workspace()
    assert first.version == second.version == 0 and first.stamp != second.stamp
    (tmp_path / "events.csv").write_text("account_id,stage,ts\nA,Awareness,2026-01-05\n", encoding="utf-8")
    data = first.data_stamp
    first.load([tmp_path / "events.csv"])
    assert first.version == 1 and first.data_stamp == first.stamp != data
    first.apply(first.suggest_mapping())
    applied = first.data_stamp
    assert first.version == 2 and applied == first.stamp
    first.set_score_config(ScoreConfig.from_dict(None))
    assert first.version == 3 and first.stamp != applied and first.data_stamp == applied
    first.clear()
    assert first.data_stamp == first.stamp != applied
    first.close()
    second.close()
