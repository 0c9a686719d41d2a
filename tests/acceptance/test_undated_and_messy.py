"""An undated, account-less survey sheet and a CSV whose header holds a quoted line break."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.runner import Run, assert_rows, by_segment, load_command, load_reports, report_for, run_all

pytestmark = pytest.mark.acceptance


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("messy")
    return {"undated": gen.write_undated_survey(folder), "linebreak": gen.write_header_linebreak(folder)}


@pytest.fixture(scope="module")
def runs(files: dict[str, Path]) -> dict[str, Run]:
    """Every command of this module, as a user types it, run once."""
    return run_all({
        "load": load_command(list(files.values())),
        "by_plan": ("nps", files["undated"], "--by", "Plan"),
        "account_level": ("nps", files["undated"], "--level", "account"),
        "linebreak": ("nps", files["linebreak"]),
    })


@pytest.fixture(scope="module")
def reports(runs: dict[str, Run], files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return load_reports(runs["load"], list(files.values()))


def assert_nps(row: dict[str, Any], scores: list[int]) -> None:
    want = ex.nps(scores)
    assert {k: row[k] for k in ("n", "promoters", "passives", "detractors")} == \
        {k: want[k] for k in ("n", "promoters", "passives", "detractors")}
    assert row["nps"] == pytest.approx(want["nps"])


def test_undated_survey_sheet_loads_as_surveys(files: dict[str, Path], reports: dict[str, Any]) -> None:
    row = report_for(reports, files["undated"])
    assert_rows(row, len(gen.UNDATED_SURVEY))
    assert row["kind"] == "surveys"


def test_undated_survey_nps_by_a_column_of_the_sheet(runs: dict[str, Run]) -> None:
    rows = by_segment(runs["by_plan"].json())
    plans = {r[1] for r in gen.UNDATED_SURVEY}
    assert {s for s, r in rows.items() if r["n"]} == plans
    for plan in plans:
        assert_nps(rows[plan], [r[2] for r in gen.UNDATED_SURVEY if r[1] == plan])


def test_account_level_nps_without_accounts_says_why(runs: dict[str, Run]) -> None:
    assert "account" in runs["account_level"].refused().casefold()


def test_header_with_a_line_break_keeps_both_rows(files: dict[str, Path], reports: dict[str, Any]) -> None:
    assert_rows(report_for(reports, files["linebreak"]), len(gen.LINEBREAK_ROWS))


def test_header_with_a_line_break_nps(runs: dict[str, Run]) -> None:
    [row] = runs["linebreak"].json()
    assert_nps(row, [r[1] for r in gen.LINEBREAK_ROWS])
