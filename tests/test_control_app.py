"""The control app (`--root tests/control_app` for `make load` and `make bench-upload`) stays the app's twin:
the same pages, titles and addresses, so a run of each visits the same steps, and it computes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
CONTROL = ROOT / "tests" / "control_app" / "app.py"


def _app_pages() -> list[tuple[str, str]]:
    """(title, address) of every page registered in app.py, in navigation order."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    return [(title, path) for path, title in re.findall(r'st\.Page\("app_pages/(\w+)\.py", title="([^"]+)"', source)]


def _control_pages() -> list[tuple[str, str]]:
    source = CONTROL.read_text(encoding="utf-8")
    return re.findall(r'_page\("([^"]+)", "(\w+)"', source)


def test_the_control_has_the_apps_pages_in_the_same_order() -> None:
    assert len(_app_pages()) == 13
    assert _control_pages() == _app_pages()


def test_the_control_shares_the_apps_server_settings() -> None:
    config = CONTROL.parent / ".streamlit" / "config.toml"
    assert config.resolve() == (ROOT / ".streamlit" / "config.toml").resolve()


def test_the_controls_first_page_draws_constants() -> None:
    at = AppTest.from_file(str(CONTROL), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Funnel"
    assert [m.value for m in at.metric] == ["2,000", "318", "15.9%"]
    assert len(at.get("plotly_chart")) == 1
