"""Salesforce reports: Opportunity History and Opportunity Field History, with titles, footers, US dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.runner import (Run, assert_rows, assert_shape, load_command, load_reports, report_for,
                                     run_all)

pytestmark = pytest.mark.acceptance

# Salesforce's standard opportunity stages onto the stage list (README synonyms; stages.py).
STAGE_OF = {"Prospecting": "Awareness", "Qualification": "Consideration", "Needs Analysis": "Consideration",
            "Proposal/Price Quote": "Consideration", "Negotiation/Review": "Consideration",
            "Closed Won": "Decision", "Closed Lost": "Lost deal"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("salesforce")
    return {"history": gen.write_salesforce_opportunity_history(folder),
            "field_history": gen.write_salesforce_field_history(folder)}


FIELD_STEPS = ["Consideration", "Decision"]
# The raw table is named after the file (report1745971260000.csv → report1745971260000).
AMOUNT_SUM = 'SELECT sum("Amount") AS total FROM "report1745971260000"'


@pytest.fixture(scope="module")
def runs(files: dict[str, Path]) -> dict[str, Run]:
    """Every command of this module, as a user types it, run once."""
    return run_all({
        "load": load_command(list(files.values())),
        "history_funnel": ("funnel", files["history"], "--format", "json"),
        "amount": ("sql", files["history"], "--query", AMOUNT_SUM, "--format", "json"),
        "field_funnel": ("funnel", files["field_history"], "--stages", ",".join(FIELD_STEPS), "--format", "json"),
    })


@pytest.fixture(scope="module")
def reports(runs: dict[str, Run], files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return load_reports(runs["load"], list(files.values()))


ROWS = {"history": len(gen.sf_history_rows()), "field_history": len(gen.SF_FIELD_HISTORY)}


@pytest.mark.parametrize("key", ROWS)
def test_load_names_salesforce_as_the_shape(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    assert_shape(report_for(reports, files[key]), "Salesforce")


@pytest.mark.parametrize("key", ROWS)
def test_load_skips_titles_and_footers_and_keeps_every_row(files: dict[str, Path], reports: dict[str, Any],
                                                          key: str) -> None:
    row = report_for(reports, files[key])
    assert_rows(row, ROWS[key])
    assert row["kind"] == "journey_events"


# ---------------------------------------------------------------- Opportunity History

def history_entries() -> list[tuple[str, str, Any]]:
    """Each row is an entry of its To Stage, on its Edit Date (never the Close Date)."""
    return [(account, STAGE_OF[to], when) for account, _, _, to, _, when in gen.sf_history_rows()]


def test_opportunity_history_funnel(runs: dict[str, Run]) -> None:
    history_funnel = runs["history_funnel"].json()
    want = ex.ordered_funnel(history_entries(), ex.FUNNEL_STAGES)
    assert [r["stage"] for r in history_funnel] == ex.FUNNEL_STAGES
    assert [r["accounts"] for r in history_funnel] == want["accounts"]
    assert [r["median_days_from_previous"] for r in history_funnel[1:3]] == \
        [pytest.approx(d) for d in want["median_days"][1:3]]


def test_opportunity_history_closed_lost_is_a_lost_deal_exit(runs: dict[str, Run]) -> None:
    """Accounts stuck after Consideration: one closed lost (exited), one still negotiating."""
    history_funnel = runs["history_funnel"].json()
    entries = history_entries()
    sequences = ex.ordered_funnel(entries, ex.FUNNEL_STAGES)["sequences"]
    stuck = [a for a, seq in sequences.items() if len(seq) == 2]
    exited = [a for a in stuck if any(acc == a and stage == "Lost deal" and ts > sequences[a][-1]
                                      for acc, stage, ts in entries)]
    decision = history_funnel[2]
    assert (decision["dropped"], decision["dropped_exited"], decision["dropped_in_progress"]) == \
        (len(stuck), len(exited), len(stuck) - len(exited))


def test_opportunity_history_amounts_with_a_currency_code_are_numbers(runs: dict[str, Run]) -> None:
    [row] = runs["amount"].json()
    assert row["total"] == pytest.approx(sum(amount for *_, amount, _ in gen.sf_history_rows()))


# ---------------------------------------------------------------- Opportunity Field History

def test_field_history_new_stage_values_are_entries_in_us_date_order(runs: dict[str, Run]) -> None:
    """Only Stage rows count (New Value on Edit Date); every Edit Date is ambiguous (day ≤ 12), so the
    tool's US order is used and said in a `note:` line."""
    run = runs["field_funnel"]
    entries = [(account, STAGE_OF[new], when) for _, account, field, _, new, when in gen.SF_FIELD_HISTORY
               if field == "Stage"]
    want = ex.ordered_funnel(entries, FIELD_STEPS)
    rows = run.json()
    assert [r["accounts"] for r in rows] == want["accounts"]
    assert rows[1]["median_days_from_previous"] == pytest.approx(want["median_days"][1])
    assert any("date" in note.casefold() for note in run.notes()), run.err
