"""Live browser sessions and what each holds open, so a server can release what a closed tab leaves.

Streamlit has no session-end hook. The app registers each session's closeable resources (its
DuckDB workspace, the SQL explorer's sandbox) and temporary paths here, records when the session
last ran a script, and releases a session two ways: a finaliser when its workspace object is
collected while the server no longer knows the session, and a sweep that releases sessions idle
longer than a limit which the server does not report as still alive.

Plain Python on purpose (no Streamlit): the app passes in a liveness probe, tests pass a fake
clock. The registry holds resources weakly where it can, so registering never keeps a dropped
session's data in memory.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

_LOG = logging.getLogger(__name__)
_RELEASED_MEMORY = 10_000  # released session ids remembered, so a returning session can be told


class Closeable(Protocol):
    """Anything the registry can release: a DuckDB connection, a Workspace, an Explorer."""

    def close(self) -> None: ...


# A probe answers whether the server still holds a session: True (connected or kept for a
# reconnect), False (gone for good), None (cannot tell — then only the idle limit decides).
AliveProbe = Callable[[str], "bool | None"]


@dataclass(frozen=True)
class SessionStats:
    """Counts for tests and the load script: sessions tracked, resources open, sessions released."""

    live_sessions: int
    open_resources: int
    released_sessions: int
    session_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the app writes it to a file when JOURNEY_LENS_SESSION_STATS is set)."""
        return {"live_sessions": self.live_sessions, "open_resources": self.open_resources,
                "released_sessions": self.released_sessions, "session_ids": list(self.session_ids)}


@dataclass
class _Entry:
    last_seen: float
    refs: list[Callable[[], Any]] = field(default_factory=list)
    temp_paths: set[Path] = field(default_factory=set)

    def alive(self) -> list[Any]:
        """The registered resources that still exist."""
        return [obj for obj in (ref() for ref in self.refs) if obj is not None]


def _hold(obj: Any, weak: bool) -> Callable[[], Any]:
    """A weak reference when asked and possible, else a strong one with the same call shape."""
    if weak:
        try:
            return weakref.ref(obj)
        except TypeError:
            pass
    return lambda: obj


def _close(obj: Any) -> None:
    """Close one resource; a failure is logged and never stops the rest of a release."""
    try:
        obj.close()
    except Exception:  # noqa: BLE001 - releasing must go on whatever one resource raises
        _LOG.warning("closing %r failed", obj, exc_info=True)


def _remove(path: Path) -> None:
    """Delete a temporary file or folder if it is still there."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        _LOG.warning("removing %s failed", path, exc_info=True)


class Registry:
    """Which sessions hold which resources and when each last ran; thread-safe.

    `clock` returns seconds (monotonic); tests pass a fake one.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._entries: dict[str, _Entry] = {}
        self._released: OrderedDict[str, None] = OrderedDict()
        self._released_count = 0
        self._release_hooks: list[Callable[[str], None]] = []

    def touch(self, session_id: str) -> bool:
        """Record that the session just ran a script; True when the registry first sees it."""
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None:
                self._entries[session_id] = _Entry(last_seen=self._clock())
                self._released.pop(session_id, None)
                return True
            entry.last_seen = self._clock()
            return False

    def register(self, session_id: str, closeable: Closeable | None = None,
                 temp_paths: Iterable[str | Path] = (), *, weak: bool = True) -> bool:
        """Tie a resource (closed on release) and temporary paths (deleted on release) to a session.

        Held weakly when possible (`weak=False` for a small object only the registry keeps).
        Registering the same object again is a no-op; returns True when `closeable` is new.
        """
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None:
                entry = self._entries[session_id] = _Entry(last_seen=self._clock())
                self._released.pop(session_id, None)
            entry.temp_paths.update(Path(p) for p in temp_paths)
            if closeable is None or any(obj is closeable for obj in entry.alive()):
                return False
            entry.refs = [ref for ref in entry.refs if ref() is not None]
            entry.refs.append(_hold(closeable, weak))
            return True

    def active(self, within_s: float) -> int:
        """How many sessions ran a script in the last `within_s` seconds (the sessions sharing the cores now)."""
        now = self._clock()
        with self._lock:
            return sum(1 for e in self._entries.values() if now - e.last_seen <= within_s)

    def on_release(self, hook: Callable[[str], None]) -> None:
        """Call `hook(session_id)` after each release (e.g. to drop the server's own per-session files)."""
        with self._lock:
            if hook not in self._release_hooks:
                self._release_hooks.append(hook)

    def release(self, session_id: str) -> bool:
        """Close the session's resources, delete its temporary paths and forget it; False if unknown."""
        with self._lock:
            entry = self._entries.pop(session_id, None)
            if entry is None:
                return False
            self._released[session_id] = None
            while len(self._released) > _RELEASED_MEMORY:
                self._released.popitem(last=False)
            self._released_count += 1
            hooks = list(self._release_hooks)
        # Outside the lock: closing can drop the last reference to an object whose finaliser
        # calls back into the registry.
        for obj in entry.alive():
            _close(obj)
        for path in entry.temp_paths:
            _remove(path)
        for hook in hooks:
            try:
                hook(session_id)
            except Exception:  # noqa: BLE001 - a hook must not undo the release
                _LOG.warning("release hook failed for session %s", session_id, exc_info=True)
        return True

    def sweep(self, max_idle_s: float, is_alive: AliveProbe | None = None) -> list[str]:
        """Release every session idle longer than `max_idle_s` that the server does not report alive.

        A session the probe reports alive (a tab left open, or one kept for a reconnect) is kept
        however long it is idle; without a probe, or when it cannot tell, idleness alone decides.
        """
        now = self._clock()
        with self._lock:
            idle = [sid for sid, e in self._entries.items() if now - e.last_seen > max_idle_s]
        released = []
        for sid in idle:
            if is_alive is not None and _ask(is_alive, sid) is True:
                continue
            if self.release(sid):
                released.append(sid)
        return released

    def watch(self, owner: Any, session_id: str, resource: Closeable | None = None,
              is_alive: AliveProbe | None = None) -> weakref.finalize:
        """When `owner` is collected: close `resource`, and release the session if the server has dropped it.

        `resource` must not refer back to `owner` (it would keep it alive). A workspace replaced
        by a new upload is collected while its session lives on: then only its own connection closes.
        """
        fin = weakref.finalize(owner, self._owner_collected, session_id, resource, is_alive)
        fin.atexit = False  # the process is ending; nothing to give back
        return fin

    def _owner_collected(self, session_id: str, resource: Closeable | None,
                         is_alive: AliveProbe | None) -> None:
        if resource is not None:
            _close(resource)
        if is_alive is not None and _ask(is_alive, session_id) is False:
            self.release(session_id)

    def was_released(self, session_id: str) -> bool:
        """Whether this session's resources were released (so a returning session must start over)."""
        with self._lock:
            return session_id in self._released and session_id not in self._entries

    def last_seen(self, session_id: str) -> float | None:
        """When the session last ran a script (clock seconds), or None if not tracked."""
        with self._lock:
            entry = self._entries.get(session_id)
            return entry.last_seen if entry else None

    def stats(self) -> SessionStats:
        """How many sessions are tracked, how many of their resources are open, how many were released."""
        with self._lock:
            entries = dict(self._entries)
            released = self._released_count
        return SessionStats(live_sessions=len(entries),
                            open_resources=sum(len(e.alive()) for e in entries.values()),
                            released_sessions=released, session_ids=tuple(sorted(entries)))


def _ask(is_alive: AliveProbe, session_id: str) -> bool | None:
    """The probe's answer, or None when the probe itself fails (then it cannot tell)."""
    try:
        return is_alive(session_id)
    except Exception:  # noqa: BLE001 - a broken probe must not stop the sweep
        _LOG.warning("session probe failed for %s", session_id, exc_info=True)
        return None


# The server's one registry; module functions so the app needs no object of its own.
REGISTRY = Registry()
touch = REGISTRY.touch
register = REGISTRY.register
release = REGISTRY.release
active = REGISTRY.active
sweep = REGISTRY.sweep
watch = REGISTRY.watch
on_release = REGISTRY.on_release
was_released = REGISTRY.was_released
last_seen = REGISTRY.last_seen
stats = REGISTRY.stats


def threads_for(cores: int, active_sessions: int) -> int:
    """DuckDB threads for one session's database when `active_sessions` share `cores`: a lone user gets
    every core; under load each query runs on one, since parallel work then only adds coordination."""
    return max(1, cores // max(1, active_sessions))
