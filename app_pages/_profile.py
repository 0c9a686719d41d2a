"""Per-run server cost for `make profile-pages`: a profiler in the script thread, off unless asked for.

With JOURNEY_LENS_PROFILE naming a file, every script run appends one JSON line: the page, the
process CPU seconds the run cost, and the script thread's profile (wall clock: DuckDB runs a query
on its own worker threads while the script thread waits) split into DuckDB queries, figure building
(Plotly and cxlib.figures), Streamlit serialisation (Streamlit, protobuf, JSON encoding) and the
rest. Each function's own time goes to exactly one part, so the parts add up to the run's time.
The slowest of the project's own functions (by cumulative time) come along for `--top`.
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import os
import pstats
import threading
import time
from collections.abc import Iterator
from pathlib import Path

PROFILE_ENV = "JOURNEY_LENS_PROFILE"
# `make load`: one line per script run (page, wall and script-thread CPU seconds), no profiler, so the
# server's own answer time can be told apart from the time the browsers take to draw it.
RUN_LOG_ENV = "JOURNEY_LENS_RUN_LOG"
_lock = threading.Lock()

# Where a function's own time goes, by the file (or C method) it belongs to; first match wins.
_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # DuckDB's C calls are not profiled on their own: a query's time is the own time of the cxlib
    # function that ran it, so "queries" is cxlib's own time outside the figure builders.
    ("figures", ("/cxlib/figures/",)),
    ("queries", ("duckdb", "/cxlib/")),
    ("serialisation", ("/plotly/io/", "/streamlit/", "/google/protobuf/", "/json/", "orjson", "_pickle",
                       "tornado")),
    ("figures", ("/plotly/", "_plotly_utils")),
)


def part_of(filename: str, function: str) -> str:
    """The part a profiled function's own time counts in (`other` when no rule names it)."""
    where = f"{filename} {function}".replace("\\", "/")
    for part, needles in _PARTS:
        if any(needle in where for needle in needles):
            return part
    return "other"


def split_times(profile: cProfile.Profile) -> dict[str, float]:
    """The profile's own times summed per part (seconds of the profiler's clock)."""
    totals = {part: 0.0 for part, _ in _PARTS} | {"other": 0.0}
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in pstats.Stats(profile).stats.items():
        totals[part_of(filename, function)] += own
    return totals


def slowest(profile: cProfile.Profile, count: int = 8) -> list[tuple[str, float]]:
    """The project's own functions (cxlib, app_pages) with the most cumulative time: where to look."""
    ours = [(f"{Path(filename).parent.name}/{Path(filename).name}:{function}", cum)
            for (filename, _line, function), (_cc, _nc, _own, cum, _callers) in pstats.Stats(profile).stats.items()
            if ("/cxlib/" in filename or "/app_pages/" in filename) and not function.startswith("<")]
    return sorted(ours, key=lambda item: -item[1])[:count]


@contextlib.contextmanager
def profiled(page: str) -> Iterator[None]:
    """Measure this script run when JOURNEY_LENS_PROFILE is set; otherwise do nothing."""
    target = os.environ.get(PROFILE_ENV)
    if not target:
        with _timed(page, os.environ.get(RUN_LOG_ENV)):
            yield
        return
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    session = ctx.session_id if ctx is not None else ""
    profile = cProfile.Profile()
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        record = {"page": page, "session": session, "cpu_s": time.process_time() - cpu_before,
                  "wall_s": time.perf_counter() - wall_before, **split_times(profile), "top": slowest(profile)}
        with _lock, open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


@contextlib.contextmanager
def _timed(page: str, target: str | None) -> Iterator[None]:
    """Append this run's wall, script-thread CPU and process CPU seconds to `target` (nothing when it is None).

    Process CPU counts DuckDB's worker threads too; with other sessions running it counts theirs as well.
    """
    if not target:
        yield
        return
    wall_before, cpu_before, process_before = time.perf_counter(), time.thread_time(), time.process_time()
    try:
        yield
    finally:
        record = {"page": page, "wall_s": time.perf_counter() - wall_before,
                  "thread_cpu_s": time.thread_time() - cpu_before, "cpu_s": time.process_time() - process_before}
        with _lock, open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
