"""Shared fixtures: a fresh DuckDB per test, hypothesis profiles, the slow-test and snapshot-update switches."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, settings

from cxlib import workspace

# Users never see a traceback (client.showErrorDetails = "none"); tests do, so a failure says why.
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")

settings.register_profile("ci", deadline=None, derandomize=True, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run tests marked slow")
    parser.addoption("--snapshot-update", action="store_true",
                     help="rewrite tests/snapshots/*.sql from the SQL sent now (make snapshots; refused under CI)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with `make test-slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM}: install Debian's package with 'apt-get install chromium'"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (under CI a missing browser is a failure)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the test session (Debian's, never a downloaded build)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def sample_archive() -> bytes:
    """The sample company loaded and mapped once per test session, as a saved workspace."""
    import io

    from cxlib.saved import save_workspace

    ws = workspace.open_sample(threads=2)
    buffer = io.BytesIO()
    save_workspace(ws, buffer)
    ws.close()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def sample(sample_archive: bytes) -> Iterator[workspace.Workspace]:
    """A module's own copy of the sample company (read-only tests share it within the module)."""
    from cxlib.saved import open_workspace

    ws = open_workspace(sample_archive, threads=2)
    ws.label, ws.is_sample = workspace.SAMPLE_LABEL, True
    yield ws
    ws.close()


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A fresh session database with every canonical view present (empty)."""
    connection = workspace.connect(memory_limit="512MB", threads=2)
    yield connection
    connection.close()
