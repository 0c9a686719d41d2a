"""`make load`: 20 concurrent browser sessions on the real server; errors, page times, memory.

Starts `streamlit run app.py` on 127.0.0.1 (a free port), drives N Playwright contexts in one
headless Chromium concurrently (async API), each uploading the sample CSVs through the Data page
and visiting every page. Prints errors (must be 0), p50/p95 page times, the server's peak RSS and
peak RSS per session, and RSS once every context has closed and the session TTL has passed.
Bounded: a hard stop after --max-minutes; it always stops the server.

    python -m tests.load [--sessions 20] [--ttl 10] [--max-minutes 10]
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    """A TCP port nobody listens on right now (127.0.0.1)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(extra_args: Sequence[str] = (), env: dict[str, str] | None = None,
                   log_path: Path | None = None, start_timeout_s: float = 90) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the real app with extra `streamlit run` options; yield (url, process); always stop it."""
    port = free_port()
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    log_path = log_path or Path(os.devnull)
    with open(log_path, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra_args],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=full_env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log = log_path.read_text() if log_path.name != os.devnull else ""
                raise RuntimeError(f"streamlit did not start:\n{log}")
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
