"""Centricity and Stories in a real browser on the sample company: the cards equal cxlib's numbers.

The test opens the same sample with cxlib and computes what the cards must say, so the pages cannot
drift from the library; the sample's activity history makes every centricity card a number.
"""

from __future__ import annotations

from cxlib import centricity as ct
from cxlib import stories
from cxlib.workspace import Workspace
from tests.browser.conftest import metric_value, wait_for_app


def _open(page, app_url: str, path: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    wait_for_app(page)
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    page.get_by_role("heading", name=heading).first.wait_for()
    page.locator('[data-testid="stMetric"]').first.wait_for()


def test_centricity_cards_equal_cxlib(page, app_url: str, sample: Workspace) -> None:  # type: ignore[no-untyped-def]
    _open(page, app_url, "centricity", "Centricity")
    row = ct.group_row(ct.centricity(sample.con, sample.settings, sample.centricity_config))
    for label, column in (("Care — we ask", "care"), ("Act daily — we act", "act_daily_median"),
                          ("Attested — it helped", "attested_with"), ("Want vs do coverage", "want_do_coverage")):
        assert row[column] is not None and row[column] == row[column], f"{column} is empty on the sample"
        assert metric_value(page, label) == f"{row[column]:.0%}"


def test_first_story_card_equals_cxlib(page, app_url: str, sample: Workspace) -> None:  # type: ignore[no-untyped-def]
    _open(page, app_url, "stories", "Stories")
    run = stories.story_run(sample.con, sample.settings, sample.story_config, None)
    table = stories.find_stories(sample.con, sample.settings, sample.score_config, run.config,
                                 sample.warning_config, run.segment_column, as_of=run.as_of)
    first = table.iloc[0]
    card = page.locator(".st-key-story_card_1")
    card.wait_for()
    assert str(first["account_id"]) in card.inner_text()
    score = card.locator('[data-testid="stMetric"]', has=page.locator('[data-testid="stMetricLabel"]',
                                                                       has_text="Score")).first
    assert score.locator('[data-testid="stMetricValue"]').inner_text().strip() == f"{first['score']:.1f}"
    assert metric_value(page, "Customers ranked") == f"{len(table):,}"
