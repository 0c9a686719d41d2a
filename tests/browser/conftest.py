"""The real app in a real browser: `streamlit run app.py` on 127.0.0.1 and headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import need_chromium
from tests.load import running_server

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the real server once per test session and yield its address."""
    need_chromium()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with running_server(env={"JOURNEY_LENS_THREADS": "1"}, log_path=log, start_timeout_s=60) as (url, _):
        yield url


@pytest.fixture
def page(browser, app_url):  # type: ignore[no-untyped-def]
    """A fresh browser context (its own Streamlit session) on the app's front page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(app_url)
    yield pg
    context.close()


def wait_for_app(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished running the script: no running indicator, and the app root's
    script state (`data-test-script-state`, set by Streamlit's front end) is neither running nor a
    requested rerun. A click's rerun may not have started yet; wait on its result too (wait_for_metric).
    """
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !['running', 'rerunRequested'].includes("
        "document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state'))",
        timeout=60_000)


def metric_value(page, label: str) -> str:  # type: ignore[no-untyped-def]
    """The text of the st.metric card whose label is `label`."""
    card = page.locator('[data-testid="stMetric"]', has=page.locator(
        '[data-testid="stMetricLabel"]', has_text=label)).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def wait_for_metric(page, label: str, value: str, timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until the metric card `label` shows `value` (a rerun may still show the previous data)."""
    import time
    deadline = time.monotonic() + timeout_s
    while metric_value(page, label) != value:
        if time.monotonic() > deadline:
            raise AssertionError(f"metric {label!r} shows {metric_value(page, label)!r}, expected {value!r}")
        page.wait_for_timeout(250)


def upload(page, files: list[Path], attempts: int = 3) -> None:  # type: ignore[no-untyped-def]
    """Open the Data page, drop `files` into its uploader and wait until the sidebar names the upload.

    The Data page reruns while it first loads the sample; a file set on the uploader during that rerun
    can be dropped by the front end, so the drop is repeated (up to `attempts` times) until it lands.
    """
    wait_for_app(page)
    page.get_by_role("link", name="Data").first.click()
    page.get_by_text("Load report").first.wait_for(timeout=60_000)
    wait_for_app(page)
    expected = "Your upload: " + ", ".join(f.name for f in files)
    for attempt in range(attempts):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(f) for f in files])
        try:
            page.get_by_text(expected).first.wait_for(timeout=40_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; try the drop again
            if attempt == attempts - 1:
                raise
            wait_for_app(page)
    wait_for_app(page)
