"""Charts out of the app: PNG through Plotly's image export (kaleido 1.x driving Chromium) and offline HTML.

PNG rendering needs a Chromium. Debian's `/usr/bin/chromium` is used when present (or the one
named by BROWSER_PATH). One long-lived kaleido browser is started on the first PNG asked for and
reused by every later call, so a click costs a render, not a browser start; nothing starts until
someone asks for a PNG, so the app itself never needs Chromium.
"""

from __future__ import annotations

import asyncio
import atexit
import html
import os
import shutil
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from cxlib.errors import CxError

DEBIAN_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = ("PNG export needs Chromium: install Debian's package with 'apt-get install chromium' "
                "(or set BROWSER_PATH to a Chrome or Chromium executable), then try again. "
                "Interactive HTML export works without it.")
START_TIMEOUT = 60.0    # seconds to start the browser
RENDER_TIMEOUT = 60.0   # seconds for one image


def browser_path() -> str | None:
    """The Chromium to render with: BROWSER_PATH if it is an executable, else Debian's, else one on PATH."""
    candidates = [os.environ.get("BROWSER_PATH"), DEBIAN_CHROMIUM,
                  shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def chromium_available() -> bool:
    """True when a Chromium for PNG export is installed (the app shows an install hint otherwise)."""
    return browser_path() is not None


class _Renderer:
    """One kaleido browser on its own event-loop thread, shared by every caller, one render at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._path: str | None = None
        self._registered = False

    def _start(self, path: str) -> None:
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="journey-lens-kaleido", daemon=True)
        thread.start()

        async def open_browser() -> Any:
            # mathjax=False: no CDN fetch (the app draws no LaTeX); plotly.js comes from the plotly package.
            k = kaleido.Kaleido(path=path, n=1, timeout=RENDER_TIMEOUT, mathjax=False)
            await k.open()
            return k

        self._loop, self._thread, self._path = loop, thread, path
        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT)
        except BaseException:
            self._stop_locked()
            raise
        if not self._registered:
            atexit.register(self.close)
            self._registered = True

    def _stop_locked(self) -> None:
        loop, thread, k = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = self._path = None
        if loop is None:
            return
        if k is not None and thread is not None and thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
            except Exception:  # noqa: BLE001 - a browser that is already gone needs no closing
                pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(10)
        if not loop.is_running():
            loop.close()

    @property
    def running(self) -> bool:
        return self._kaleido is not None and self._thread is not None and self._thread.is_alive()

    def render(self, fig: dict[str, Any], opts: dict[str, Any], path: str) -> bytes:
        with self._lock:
            if not self.running or self._path != path:
                self._stop_locked()
                self._start(path)
            assert self._loop is not None
            future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts), self._loop)
            try:
                return future.result(RENDER_TIMEOUT + 15)
            except BaseException:
                # A hung or crashed browser is replaced on the next call rather than reused.
                future.cancel()
                self._stop_locked()
                raise

    def close(self) -> None:
        with self._lock:
            self._stop_locked()


_renderer = _Renderer()


def close_browser() -> None:
    """Stop the shared browser (it starts again on the next PNG); for tests and shutdown."""
    _renderer.close()


def figure_png(fig: go.Figure, width: int = 1200, height: int = 675, scale: float = 1) -> bytes:
    """The figure as a PNG of width×scale by height×scale pixels, rendered now by the shared browser."""
    path = browser_path()
    if path is None:
        raise CxError(INSTALL_HINT)
    opts = {"format": "png", "width": int(width), "height": int(height), "scale": scale}
    try:
        return _renderer.render(fig.to_dict(), opts, path)
    except CxError:
        raise
    except (FutureTimeout, TimeoutError):
        raise CxError(f"The chart could not be drawn as PNG within {RENDER_TIMEOUT:.0f} seconds; "
                      "try again, or download the interactive HTML.") from None
    except Exception as exc:  # noqa: BLE001 - the browser's error becomes a one-line message
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CxError(f"The chart could not be drawn as PNG ({first[:200]}); "
                      "download the interactive HTML instead.") from None


def figure_html(fig: go.Figure) -> bytes:
    """The figure as one self-contained interactive HTML page (plotly.js inline: works offline)."""
    page = fig.to_html(include_plotlyjs=True, full_html=True, include_mathjax=False,
                       config={"displaylogo": False, "responsive": True})
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else "Journey Lens chart"
    page = page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
    return page.encode("utf-8")
