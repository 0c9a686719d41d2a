"""Early warning and Drivers in a real browser on the sample company: the metric cards equal cxlib's numbers.

The server's session starts on its own copy of the sample company; the test opens the same sample
with cxlib and computes the expected numbers itself, so the pages cannot drift from the library.
"""

from __future__ import annotations

from cxlib import drivers as dr
from cxlib import early_warning as ew
from cxlib.workspace import Workspace
from tests.browser.conftest import metric_value, wait_for_app


def _open(page, app_url: str, path: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    wait_for_app(page)
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    page.get_by_role("heading", name=heading).first.wait_for()
    page.locator('[data-testid="stMetric"]').first.wait_for()


def test_early_warning_cards_equal_cxlib(page, app_url: str, sample: Workspace) -> None:  # type: ignore[no-untyped-def]
    _open(page, app_url, "early_warning", "Early warning")
    run = ew.prepare(sample.con, sample.warning_config, sample.score_config, sample.settings)
    flagged = ew.signal_summary(sample.con, run).set_index("signal").loc["any signal", "accounts"]
    assert metric_value(page, "Customers checked") == f"{ew.customers_count(sample.con, run):,}" == "667"
    assert metric_value(page, "Flagged") == f"{int(flagged):,}" == "264"
    assert page.get_by_text("Accounts behind these numbers").count() >= 1   # the widget is on the page


def test_drivers_cards_equal_cxlib(page, app_url: str, sample: Workspace) -> None:  # type: ignore[no-untyped-def]
    _open(page, app_url, "drivers", "Drivers")
    table = dr.drivers(sample.con, dr.Outcome("churned"), sample.settings, mapping=sample.mapping,
                       score_config=sample.score_config)
    assert metric_value(page, "Accounts with a known outcome") == f"{table.attrs['population']:,}"
    assert metric_value(page, "Rate") == f"{table.attrs['rate']:.1%}"
    assert metric_value(page, "Significant drivers") == f"{int(table['significant'].sum()):,}"
