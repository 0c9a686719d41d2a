"""Tool exports nobody here wrote, uploaded through the real Data page and read back from the cards.

One file per family of shapes (HubSpot stage dates, Zendesk tickets, Qualtrics responses): the number
on the page that shows it must equal the number computed by hand from the rows the generator wrote.
"""

from __future__ import annotations

from pathlib import Path

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.test_hubspot import company_entries
from tests.browser.conftest import metric_value, upload, wait_for_app, wait_for_metric


def open_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=name).first.click()
    wait_for_app(page)


def open_tab(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open a page's lazy tab by its label: its section runs on that click."""
    page.get_by_role("tab", name=name).first.click()
    wait_for_app(page)


def test_hubspot_companies_funnel_on_the_funnel_page(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = gen.write_hubspot_companies(tmp_path)
    want = ex.ordered_funnel(company_entries(), ex.FUNNEL_STAGES)["accounts"]
    upload(page, [export])
    page.get_by_text("HubSpot").first.wait_for(timeout=30_000)  # the Data page names the recognised tool
    open_page(page, "Funnel")
    wait_for_metric(page, "Accounts at step 1", f"{want[0]:,}")
    assert metric_value(page, "Accounts reaching the last step") == f"{want[-1]:,}"
    assert page.locator('[data-testid="stException"]').count() == 0


def test_zendesk_csat_on_the_outcomes_page(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = gen.write_zendesk_tickets(tmp_path)
    answers = [t[6] in gen.ZENDESK_SATISFIED for t in gen.ZENDESK_TICKETS if t[6] in gen.ZENDESK_ANSWERS]
    upload(page, [export])
    open_page(page, "Outcomes & voice")
    open_tab(page, "What customers say")
    wait_for_metric(page, "CSAT", f"{sum(answers) / len(answers):.0%}")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_qualtrics_nps_on_the_outcomes_page(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = gen.write_qualtrics(tmp_path)
    want = ex.nps([r[1] for r in gen.QUALTRICS_WITH_COMPANY])
    upload(page, [export])
    open_page(page, "Outcomes & voice")
    open_tab(page, "What customers say")
    wait_for_metric(page, "NPS", f"{want['nps']:.0f}")
    assert page.locator('[data-testid="stException"]').count() == 0
