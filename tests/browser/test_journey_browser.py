"""Funnel and Journey map in a real browser on the sample company: charts drawn, numbers equal cxlib's.

The server's session starts on its own copy of the sample company; the test opens the same
sample with cxlib and computes the expected numbers itself, so the page cannot drift from the
library without this failing.
"""

from __future__ import annotations

from cxlib import funnel as fn
from cxlib import journey as jn
from cxlib.workspace import Workspace
from tests.browser.conftest import metric_value, wait_for_app


def table_rows(page, header: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The body rows (cell texts) of the first HTML table on the page with a column named `header`."""
    table = page.locator('[data-testid="stTable"] table', has=page.locator("th", has_text=header)).first
    table.wait_for()
    return [[c.strip() for c in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def test_funnel_chart_cards_and_steps_table_equal_cxlib(page, sample: Workspace) -> None:  # type: ignore[no-untyped-def]
    wait_for_app(page)  # the front page is the Funnel
    page.get_by_role("heading", name="Funnel").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    expected = fn.funnel(sample.con, fn.FunnelSpec(), sample.settings)
    table = expected.table
    assert metric_value(page, "Accounts at step 1") == f"{int(table['accounts'].iloc[0]):,}"
    assert metric_value(page, "Accounts reaching the last step") == f"{int(table['accounts'].iloc[-1]):,}"
    assert metric_value(page, "Overall conversion") == f"{table['conversion_from_first'].iloc[-1]:.1%}"
    assert metric_value(page, "Accounts with no step-1 entry") == f"{expected.no_step1_accounts:,}"
    rows = table_rows(page, "From previous")
    assert [r[1] for r in rows] == list(table["stage"])
    assert [r[2] for r in rows] == [f"{int(v):,}" for v in table["accounts"]]
    assert [r[4] for r in rows] == [f"{v:.1%}" for v in table["conversion_from_first"]]


def test_journey_map_sankey_and_top_paths_equal_cxlib(page, app_url: str, sample: Workspace) -> None:  # type: ignore[no-untyped-def]
    wait_for_app(page)
    page.goto(app_url + "/journey")
    wait_for_app(page)
    page.get_by_role("heading", name="Journey map").first.wait_for()
    page.locator(".js-plotly-plot .sankey").first.wait_for()
    paths = jn.top_paths(sample.con, 10, sample.settings)
    rows = table_rows(page, "Path")
    assert len(rows) == len(paths)
    assert rows[0] == [paths["path"].iloc[0], f"{int(paths['accounts'].iloc[0]):,}",
                       f"{paths['share'].iloc[0]:.1%}"]
