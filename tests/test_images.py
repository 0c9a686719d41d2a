"""Chart exports: PNG of the exact pixel size through one shared kaleido browser, offline HTML."""

from __future__ import annotations

import struct
from pathlib import Path

import plotly.graph_objects as go
import pytest

from cxlib import images
from cxlib.errors import CxError
from cxlib.theme import themed
from tests.conftest import need_chromium

TITLE = "Müller GmbH — Funnel <Q3>"


def _figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["Delivery", "Usage", "Loyalty"], y=[120, 84, 51], marker_color="#3182bd"))
    return themed(fig, TITLE)


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (right after the 8-byte signature)."""
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def kaleido_browser() -> None:
    """The long-lived kaleido browser, closed after this module."""
    need_chromium()
    yield
    images.close_browser()


def test_png_has_the_asked_pixel_size(kaleido_browser: None) -> None:
    small = images.figure_png(_figure(), width=400, height=300)
    assert small[:8] == b"\x89PNG\r\n\x1a\n" and len(small) > 2000
    assert _png_size(small) == (400, 300)
    double = images.figure_png(_figure(), width=320, height=180, scale=2)
    assert _png_size(double) == (640, 360)
    default = images.figure_png(_figure())
    assert _png_size(default) == (1200, 675)


def test_png_reuses_one_browser(kaleido_browser: None) -> None:
    images.figure_png(_figure(), width=200, height=100)
    first = images._renderer._kaleido
    images.figure_png(_figure(), width=210, height=100)
    assert first is not None and images._renderer._kaleido is first
    images.close_browser()
    assert not images._renderer.running
    assert _png_size(images.figure_png(_figure(), width=220, height=100)) == (220, 100)  # starts again


def test_no_chromium_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    monkeypatch.setattr(images, "DEBIAN_CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    assert images.chromium_available() is False
    with pytest.raises(CxError, match=r"PNG export needs Chromium: install Debian's package with "
                                      r"'apt-get install chromium'"):
        images.figure_png(_figure())


def test_browser_path_prefers_browser_path_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    exe = tmp_path / "my-chrome"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(exe))
    assert images.browser_path() == str(exe)
    exe.chmod(0o644)  # not executable: ignored
    monkeypatch.setattr(images, "DEBIAN_CHROMIUM", str(tmp_path / "none"))
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    assert images.browser_path() is None


def test_html_is_self_contained() -> None:
    page = images.figure_html(_figure()).decode("utf-8")
    assert "<title>Müller GmbH — Funnel &lt;Q3&gt;</title>" in page
    assert '<script src="http' not in page and "<script src='http" not in page
    assert len(page) > 1_000_000          # plotly.js is inline, not fetched
    assert "Plotly.newPlot" in page and '"Usage"' in page


def test_html_draws_the_chart_without_network(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "chart.html"
    path.write_bytes(images.figure_html(_figure()))
    blocked: list[str] = []

    def only_local(route: object) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("**/*", only_local)
        page.goto(path.as_uri())
        page.wait_for_selector(".gtitle", timeout=20_000)
        assert page.locator(".gtitle").text_content() == "Müller GmbH — Funnel <Q3>"
        assert page.locator(".xtick").count() == 3
    finally:
        context.close()
    assert blocked == []
