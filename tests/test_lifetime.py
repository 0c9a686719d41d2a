"""The sweep lets Streamlit drop the sessions it kept for a reconnect past their TTL, without a visitor."""

from __future__ import annotations

import gc
import threading
import weakref
from types import SimpleNamespace

from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.session_manager import SessionInfo

from app_pages._lifetime import expire_stored_sessions


class _Session:
    """Stands in for an AppSession: storage only reads its id."""

    def __init__(self, session_id: str) -> None:
        self.id = session_id


def _manager(ttl_seconds: int) -> SimpleNamespace:
    return SimpleNamespace(_session_storage=MemorySessionStorage(ttl_seconds=ttl_seconds),
                           _storage_lock=threading.Lock())


def test_an_expired_session_is_dropped_now_not_at_the_next_write() -> None:
    manager = _manager(ttl_seconds=0)     # every saved session is past its TTL at once
    session = _Session("gone")
    manager._session_storage.save(SessionInfo(client=None, session=session))
    held = weakref.ref(session)
    del session
    gc.collect()
    assert held() is not None             # Streamlit keeps it until it next saves a session
    assert expire_stored_sessions(manager) == 1
    gc.collect()
    assert held() is None
    assert expire_stored_sessions(manager) == 0


def test_a_session_within_its_ttl_stays_for_a_reconnect() -> None:
    manager = _manager(ttl_seconds=3600)
    manager._session_storage.save(SessionInfo(client=None, session=_Session("away")))
    assert expire_stored_sessions(manager) == 0
    assert manager._session_storage.get("away") is not None


def test_a_streamlit_without_that_storage_is_left_alone() -> None:
    assert expire_stored_sessions(SimpleNamespace()) == 0
    assert expire_stored_sessions() == 0      # no server running: nothing to expire


def test_a_dropped_session_is_freed_outside_the_storage_lock() -> None:
    """Freeing an AppSession runs its shutdown: never while the session manager's storage lock is held."""
    manager = _manager(ttl_seconds=0)
    seen: list[bool] = []

    class _Watched(_Session):
        def __del__(self) -> None:
            seen.append(manager._storage_lock.locked())

    manager._session_storage.save(SessionInfo(client=None, session=_Watched("gone")))
    assert expire_stored_sessions(manager) == 1
    gc.collect()
    assert seen == [False]
