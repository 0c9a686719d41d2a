"""Acceptance cases not yet met are listed in known_gaps.txt and run as strict xfail.

Strict: a listed case that starts passing fails the run, so whoever makes it pass removes its line,
and the list is always the honest to-do of the issue "Real exports in, right numbers out".
"""

from __future__ import annotations

from pathlib import Path

import pytest

_GAPS = {line.strip() for line in (Path(__file__).parent / "known_gaps.txt").read_text().splitlines()
         if line.strip() and not line.startswith("#")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid in _GAPS:
            item.add_marker(pytest.mark.xfail(reason="not yet met (tests/acceptance/known_gaps.txt)", strict=True))
