"""The Scores page in a real browser: change a factor weight in the editor, see the composite follow."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cxlib import scores as sc
from cxlib.workspace import Workspace
from tests.browser.conftest import metric_value, wait_for_app

CARD = "Median composite"
ROW_HEIGHT = 35  # Streamlit's data editor: header and rows are 35 px high


def expected_median(ws: Workspace, weights: dict[str, float]) -> str:
    """The card's number as cxlib computes it for these weights on the sample company."""
    config = replace(ws.score_config, weights=ws.score_config.weights | weights)
    scores = sc.account_scores(ws.con, config, ws.settings)
    return f"{scores.loc[scores['band'] != 'grey', 'composite'].median():.1f}"


def wait_for_card(page, label: str, not_equal: str | None = None, timeout_ms: int = 120_000) -> str:  # type: ignore[no-untyped-def]
    """The card's value once the page has settled (and, if asked, moved away from `not_equal`)."""
    waited = 0
    while True:
        wait_for_app(page)
        cards = page.locator('[data-testid="stMetricLabel"]', has_text=label)
        if cards.count():
            value = metric_value(page, label)
            if not_equal is None or value != not_equal:
                return value
        if waited > timeout_ms:
            pytest.fail(f"the '{label}' card did not show a new value within {timeout_ms // 1000} s")
        page.wait_for_timeout(500)
        waited += 500


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the Scores page has run to its end and its charts are drawn (so nothing moves).

    A first visit ends with the closed lazy expanders below the editor; its charts: histogram and bands.
    """
    page.get_by_text("Factors against the desired state").first.wait_for(timeout=180_000)
    wait_for_app(page)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length >= 2 && "
        "document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= 2",
        timeout=120_000)
    page.wait_for_timeout(1000)


def test_weight_edit_changes_composite(page, app_url, sample: Workspace) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url + "/scores")
    settle(page)
    before = wait_for_card(page, CARD)
    assert before == expected_median(sample, {})

    editor = page.locator('[data-testid="stDataFrame"]',
                          has=page.locator('th', has_text="Weight")).first
    editor.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = editor.bounding_box()
    assert box is not None
    # First row (Customer intent): select its name cell, step right to Weight, type over it.
    page.mouse.click(box["x"] + 30, box["y"] + ROW_HEIGHT + ROW_HEIGHT / 2)
    page.wait_for_timeout(300)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    page.keyboard.type("5")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")

    after = wait_for_card(page, CARD, not_equal=before)
    assert after == expected_median(sample, {"customer_intent": 5.0})
    assert page.locator('[data-testid="stException"]').count() == 0
