"""No silent empty number: a file that loads but cannot feed the metric exits 2 naming the column and counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance import generators as gen
from tests.acceptance.runner import Run, run_all

pytestmark = pytest.mark.acceptance

# id → (writer, command and options, the column the reason names, the rows loaded it counts)
CASES: dict[str, tuple[Callable[[Path], Path], tuple[str, ...], str, int]] = {
    "nps-on-csat-tickets": (gen.write_zendesk_answered, ("nps",), "Satisfaction Score", len(gen.ZENDESK_ANSWERED_ONLY)),
    "ces-on-csat-tickets": (gen.write_zendesk_answered, ("ces",), "Satisfaction Score", len(gen.ZENDESK_ANSWERED_ONLY)),
    "csat-on-nps-answers": (gen.write_delighted, ("csat",), "Score", len(gen.DELIGHTED_RESPONSES)),
    "nps-on-untyped-score": (gen.write_untyped_scores, ("nps",), "Score", len(gen.UNTYPED_SCORES)),
    "funnel-on-unmapped-stages": (gen.write_unmapped_events, ("funnel",), "Pipeline Stage", len(gen.UNMAPPED_EVENTS)),
    "compare-on-empty-flag": (gen.write_blank_churn_accounts, ("compare", "--by", "Plan", "--rate", "Churn=Yes"),
                              "Churn", len(gen.BLANK_CHURN_ACCOUNTS)),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case's command, as a user types it, run once."""
    folder = tmp_path_factory.mktemp("no_silent_empty")
    paths = {write: write(folder) for write, *_ in CASES.values()}
    return run_all({case: (command[0], paths[write], *command[1:]) for case, (write, command, *_) in CASES.items()})


@pytest.mark.parametrize("case", CASES)
def test_metric_that_cannot_use_the_rows_says_why(runs: dict[str, Run], case: str) -> None:
    _, _, column, rows = CASES[case]
    err = runs[case].refused()
    count = re.compile(rf"(?<![\d.]){rows}(?![\d.])")
    quoted = [f"{left}{column}{right}".casefold() for left, right in ("''", '""', "‘’", "“”")]
    reasons = [line for line in err.splitlines() if any(q in line.casefold() for q in quoted) and count.search(line)]
    assert reasons, f"no stderr line names the column '{column}' and the count {rows}: {err!r}"
