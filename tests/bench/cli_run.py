"""One command in a child process: wall time and the child's own peak RSS (os.wait4's rusage)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ChildRun:
    """How one child process went: seconds, peak resident memory, exit code, its stderr's tail."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    stderr_tail: str


def run_child(args: list[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run `python args…` from the repository folder; stdout is discarded, stderr kept."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    assert proc.stderr is not None
    err = proc.stderr.read()            # small: notes and errors only
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(seconds, usage.ru_maxrss * 1024, proc.returncode,
                    err.decode("utf-8", "replace").strip()[-500:])


def cli_funnel(events: Path, accounts: Path, threads: int) -> ChildRun:
    """`python -m cxlib funnel EVENTS --accounts ACCOUNTS --format csv`, end to end, as a user runs it."""
    return run_child(["-m", "cxlib", "funnel", str(events), "--accounts", str(accounts), "--format", "csv"],
                     env={"JOURNEY_LENS_THREADS": str(threads)})
