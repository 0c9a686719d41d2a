"""Session registry: registration, release, the sweep by age (fake clock), the finaliser, and limits."""

from __future__ import annotations

import gc
from pathlib import Path

import duckdb
import pytest

from cxlib import workspace as workspace_mod
from cxlib.sessions import Registry, SessionStats
from cxlib.workspace import Workspace


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Thing:
    """A closeable that remembers whether it was closed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def reg(clock: FakeClock) -> Registry:
    return Registry(clock=clock)


def test_register_and_release_closes_everything_and_deletes_temp_paths(reg: Registry, tmp_path: Path) -> None:
    a, b = Thing("a"), Thing("b")
    folder = tmp_path / "spill"
    folder.mkdir()
    (folder / "part.bin").write_bytes(b"x")
    single = tmp_path / "upload.csv"
    single.write_text("id\n1\n")
    assert reg.register("s1", a, [folder]) is True
    assert reg.register("s1", b, [single]) is True
    assert reg.register("s1", a) is False          # same object twice: no-op
    assert reg.stats() == SessionStats(live_sessions=1, open_resources=2, released_sessions=0,
                                       session_ids=("s1",))

    assert reg.release("s1") is True
    assert (a.closed, b.closed) == (True, True)
    assert not folder.exists() and not single.exists()
    assert reg.stats() == SessionStats(0, 0, 1, ())
    assert reg.release("s1") is False              # unknown now
    assert reg.was_released("s1") is True


def test_release_touches_only_its_own_session(reg: Registry) -> None:
    mine, theirs = Thing("mine"), Thing("theirs")
    reg.register("s1", mine)
    reg.register("s2", theirs)
    reg.release("s1")
    assert (mine.closed, theirs.closed) == (True, False)
    assert reg.stats().session_ids == ("s2",)


def test_a_failing_close_does_not_stop_the_release(reg: Registry) -> None:
    class Broken(Thing):
        def close(self) -> None:
            raise RuntimeError("boom")

    broken, good = Broken("broken"), Thing("good")
    reg.register("s1", broken)
    reg.register("s1", good)
    assert reg.release("s1") is True
    assert good.closed is True


def test_sweep_releases_only_sessions_idle_longer_than_the_limit(reg: Registry, clock: FakeClock) -> None:
    old, recent = Thing("old"), Thing("recent")
    reg.register("old", old)        # last seen at 1000
    clock.now = 1100.0
    reg.register("recent", recent)  # last seen at 1100
    clock.now = 1240.0              # old idle 240 s, recent 140 s
    assert reg.sweep(240) == []     # not *longer* than the limit yet
    clock.now = 1240.5
    assert reg.sweep(240) == ["old"]
    assert (old.closed, recent.closed) == (True, False)
    clock.now = 1340.5              # recent idle 240.5 s
    assert reg.sweep(240) == ["recent"]
    assert reg.stats() == SessionStats(0, 0, 2, ())


def test_touch_keeps_a_session_alive_across_sweeps(reg: Registry, clock: FakeClock) -> None:
    thing = Thing("t")
    assert reg.touch("s1") is True
    reg.register("s1", thing)
    for _ in range(5):
        clock.now += 200
        assert reg.touch("s1") is False
        assert reg.sweep(240) == []
    assert reg.last_seen("s1") == 2000.0
    assert thing.closed is False


def test_sweep_keeps_an_idle_session_the_server_still_holds(reg: Registry, clock: FakeClock) -> None:
    reading, closed_tab, unknown = Thing("reading"), Thing("closed"), Thing("unknown")
    reg.register("reading", reading)      # tab open, user reading for a long time
    reg.register("closed", closed_tab)    # tab closed, session expired on the server
    reg.register("unknown", unknown)      # server cannot tell
    answers = {"reading": True, "closed": False, "unknown": None}
    clock.now += 1000
    assert sorted(reg.sweep(240, is_alive=answers.__getitem__)) == ["closed", "unknown"]
    assert (reading.closed, closed_tab.closed, unknown.closed) == (False, True, True)


def test_a_session_gone_from_the_server_waits_for_the_idle_limit(reg: Registry, clock: FakeClock) -> None:
    thing = Thing("t")
    reg.register("s1", thing)
    clock.now += 10
    assert reg.sweep(240, is_alive=lambda sid: False) == []
    assert thing.closed is False


def test_a_broken_probe_falls_back_to_the_idle_limit(reg: Registry, clock: FakeClock) -> None:
    def probe(sid: str) -> bool:
        raise AttributeError("private API moved")

    thing = Thing("t")
    reg.register("s1", thing)
    clock.now += 241
    assert reg.sweep(240, is_alive=probe) == ["s1"]
    assert thing.closed is True


def test_registry_holds_resources_weakly(reg: Registry) -> None:
    thing = Thing("t")
    reg.register("s1", thing)
    assert reg.stats().open_resources == 1
    del thing
    gc.collect()
    assert reg.stats() == SessionStats(1, 0, 0, ("s1",))


def test_strong_registration_keeps_a_small_helper(reg: Registry) -> None:
    closed: list[str] = []

    class Helper:
        def close(self) -> None:
            closed.append("helper")

    reg.register("s1", Helper(), weak=False)
    gc.collect()
    assert reg.stats().open_resources == 1
    reg.release("s1")
    assert closed == ["helper"]


def test_release_hooks_get_the_session_id(reg: Registry) -> None:
    seen: list[str] = []
    reg.on_release(seen.append)
    reg.on_release(seen.append)   # once only
    reg.register("s1", Thing("t"))
    reg.release("s1")
    reg.release("s1")
    assert seen == ["s1"]


def test_a_released_session_that_returns_is_tracked_again(reg: Registry) -> None:
    reg.register("s1", Thing("t"))
    reg.release("s1")
    assert reg.was_released("s1") is True
    assert reg.touch("s1") is True
    assert reg.was_released("s1") is False


# ---- The finaliser on a session's workspace -------------------------------------------------------

def _workspace() -> Workspace:
    return Workspace(con=workspace_mod.connect(threads=1))


def _is_closed(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.execute("SELECT 1")
    except duckdb.ConnectionException:
        return True
    return False


def test_finaliser_releases_a_session_the_server_dropped(reg: Registry) -> None:
    ws = _workspace()
    con = ws.con
    sandbox = Thing("sql sandbox")
    reg.register("s1", ws)
    reg.register("s1", sandbox)
    reg.watch(ws, "s1", ws.con, is_alive=lambda sid: False)
    del ws
    gc.collect()
    assert _is_closed(con)
    assert sandbox.closed is True
    assert reg.stats() == SessionStats(0, 0, 1, ())


def test_finaliser_of_a_replaced_workspace_leaves_the_live_session_alone(reg: Registry) -> None:
    old, new = _workspace(), _workspace()
    old_con = old.con
    sandbox = Thing("sql sandbox")
    for obj in (old, new, sandbox):
        reg.register("s1", obj)
    reg.watch(old, "s1", old.con, is_alive=lambda sid: True)
    reg.watch(new, "s1", new.con, is_alive=lambda sid: True)
    del old                     # a new upload replaced it; the session lives on
    gc.collect()
    assert _is_closed(old_con)
    assert not _is_closed(new.con)
    assert sandbox.closed is False
    assert reg.stats() == SessionStats(1, 2, 0, ("s1",))
    new.close()


def test_finaliser_does_not_keep_the_workspace_alive(reg: Registry) -> None:
    ws = _workspace()
    reg.register("s1", ws)
    fin = reg.watch(ws, "s1", ws.con)
    assert fin.alive
    del ws
    gc.collect()
    assert not fin.alive


# ---- Per-session DuckDB limits ------------------------------------------------------------------

def _limits(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    return con.execute("SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()


def test_connect_honours_memory_limit_and_threads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEY_LENS_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("JOURNEY_LENS_THREADS", "1")
    con = workspace_mod.connect()
    # DuckDB reports the limit in MiB: 300 MB = 300,000,000 bytes = 286.1 MiB.
    assert _limits(con) == ("286.1 MiB", 1)
    con.close()


def test_connect_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEY_LENS_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("JOURNEY_LENS_THREADS", "1")
    con = workspace_mod.connect(memory_limit="2GB", threads=2)
    assert _limits(con) == ("1.8 GiB", 2)
    con.close()


def test_connect_defaults_to_one_gigabyte(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOURNEY_LENS_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("JOURNEY_LENS_THREADS", raising=False)
    con = workspace_mod.connect()
    default_threads = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    assert _limits(con) == ("953.6 MiB", default_threads)   # 1 GB = 10^9 bytes
    con.close()


def test_a_released_session_s_cached_results_are_emptied(reg: Registry) -> None:
    from app_pages._session import SessionResults

    results = SessionResults(funnel="a big table", scores="another")
    reg.register("s1", results)
    assert reg.stats().open_resources == 1        # held weakly, yet counted while the session holds it
    assert reg.release("s1")
    assert results == {}


def test_active_counts_sessions_seen_within_the_window(reg: Registry, clock: FakeClock) -> None:
    reg.touch("old")
    clock.now += 61
    reg.touch("a")
    reg.touch("b")
    assert (reg.active(60), reg.active(61), reg.active(0)) == (2, 3, 2)


@pytest.mark.parametrize(("cores", "active", "threads"), [(2, 0, 2), (2, 1, 2), (2, 2, 1), (2, 20, 1), (8, 3, 2),
                                                          (1, 1, 1)])
def test_threads_for_shares_the_cores_among_active_sessions(cores: int, active: int, threads: int) -> None:
    from cxlib.sessions import threads_for

    assert threads_for(cores, active) == threads
