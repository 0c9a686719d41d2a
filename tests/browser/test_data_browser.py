"""The real upload path: a CSV dropped into the Data page of the running server, read back from the cards."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import metric_value, upload, wait_for_metric


def test_upload_shows_the_right_row_counts(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = tmp_path / "crm_accounts.csv"
    export.write_text(
        "Account ID;Account Name;Tier;ARR\n"
        "A1;Müller GmbH;Gold;1.200,50\n"
        "A2;São Paulo Telecom;Silver;900\n"
        "A3;客户科技;Gold;1.500,00\n"
        "A4;Hôtel Lumière;Bronze\n"
        "A5;Broken;Gold;12;extra;fields\n", encoding="utf-8")
    upload(page, [export])
    # The sidebar names the upload before the Data page has redrawn its cards: wait for the new count.
    wait_for_metric(page, "Rows read", "5")
    read, loaded, rejected = (metric_value(page, label) for label in ("Rows read", "Rows loaded", "Rows rejected"))
    assert int(read) == 5
    assert int(loaded) + int(rejected) == 5
    assert int(rejected) >= 1  # the row with extra fields is listed, not dropped
    page.screenshot(path=str(tmp_path / "data_page.png"), full_page=True)
    assert (tmp_path / "data_page.png").stat().st_size > 10_000
