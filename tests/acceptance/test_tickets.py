"""Help-desk tickets with satisfaction: Zendesk, Intercom and Freshdesk exports become CSAT answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.runner import (Run, assert_rows, assert_shape, by_segment, load_command, load_reports,
                                     report_for, roles, run_all)

pytestmark = pytest.mark.acceptance

CSAT_COLUMNS = ["n", "satisfied", "csat", "ci_low", "ci_high"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tickets")
    return {"zendesk": gen.write_zendesk_tickets(folder), "intercom": gen.write_intercom_ratings(folder),
            "freshdesk": gen.write_freshdesk_tickets(folder)}


@pytest.fixture(scope="module")
def runs(files: dict[str, Path]) -> dict[str, Run]:
    """Every command of this module, as a user types it, run once."""
    return run_all({
        "load": load_command(list(files.values())),
        "zendesk": ("csat", files["zendesk"]),
        "zendesk_by": ("csat", files["zendesk"], "--by", "Priority"),
        "intercom": ("csat", files["intercom"]),
        "freshdesk": ("csat", files["freshdesk"]),
        "pack": ("pack", files["zendesk"], "--account", "Initech", "--out", files["zendesk"].with_name("initech.pptx")),
    })


@pytest.fixture(scope="module")
def reports(runs: dict[str, Run], files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return load_reports(runs["load"], list(files.values()))


TOOLS = {"zendesk": ("Zendesk", len(gen.ZENDESK_TICKETS)), "intercom": ("Intercom", len(gen.INTERCOM_RATINGS)),
         "freshdesk": ("Freshdesk", len(gen.FRESHDESK_TICKETS))}
# (account column, id columns that must never be the account, satisfaction column)
COLUMNS = {"zendesk": ("Organization", ("Id",), "Satisfaction Score"),
           "intercom": ("Company name", ("Conversation ID",), "Conversation rating"),
           "freshdesk": ("Company Name", ("Ticket ID", "Contact ID"), "Survey results")}


@pytest.mark.parametrize("key", TOOLS)
def test_load_names_the_help_desk(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    assert_shape(report_for(reports, files[key]), TOOLS[key][0])


@pytest.mark.parametrize("key", TOOLS)
def test_load_keeps_every_ticket(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    assert_rows(report_for(reports, files[key]), TOOLS[key][1])


@pytest.mark.parametrize("key", TOOLS)
def test_tickets_are_csat_answers_keyed_to_the_organisation(files: dict[str, Path], reports: dict[str, Any],
                                                            key: str) -> None:
    row = report_for(reports, files[key])
    account, ids, satisfaction = COLUMNS[key]
    got = roles(row)
    assert row["kind"] == "surveys"
    assert got[account] == "account_id"
    assert all(got[c] != "account_id" for c in ids), got
    assert got[satisfaction].startswith("score"), got


def test_intercom_takes_the_date_from_the_zoned_header(files: dict[str, Path], reports: dict[str, Any]) -> None:
    assert roles(report_for(reports, files["intercom"]))[f"Updated at ({gen.INTERCOM_ZONE})"] == "ts"


def assert_csat(row: dict[str, Any], satisfied: list[bool]) -> None:
    want = ex.rate(satisfied)
    assert (row["n"], row["satisfied"]) == (want["n"], want["k"])
    assert row["csat"] == pytest.approx(want["rate"])
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(want["ci_low"]), pytest.approx(want["ci_high"]))


def test_zendesk_csat_good_is_satisfied_offered_is_no_answer(runs: dict[str, Run]) -> None:
    [row] = runs["zendesk"].json()
    assert list(row) == CSAT_COLUMNS
    assert_csat(row, [t[6] in gen.ZENDESK_SATISFIED for t in gen.ZENDESK_TICKETS if t[6] in gen.ZENDESK_ANSWERS])


def test_zendesk_csat_by_a_ticket_column(runs: dict[str, Run]) -> None:
    rows = runs["zendesk_by"].json()
    assert list(rows[0]) == ["segment", *CSAT_COLUMNS]
    answered = [t for t in gen.ZENDESK_TICKETS if t[6] in gen.ZENDESK_ANSWERS]
    got = {s: r for s, r in by_segment(rows).items() if r["n"]}
    assert set(got) == {t[4] for t in answered}
    for priority, row in got.items():
        assert_csat(row, [t[6] in gen.ZENDESK_SATISFIED for t in answered if t[4] == priority])


def test_intercom_csat_is_top_two_box_of_1_to_5(runs: dict[str, Run]) -> None:
    [row] = runs["intercom"].json()
    assert_csat(row, [r[3] >= 4 for r in gen.INTERCOM_RATINGS])


def test_freshdesk_csat_from_survey_results_labels(runs: dict[str, Run]) -> None:
    [row] = runs["freshdesk"].json()
    assert_csat(row, [t[2] in gen.FRESHDESK_SATISFIED for t in gen.FRESHDESK_TICKETS if t[2]])


def test_pack_for_an_account_known_only_from_tickets(runs: dict[str, Run]) -> None:
    run = runs["pack"]
    assert run.code == 0, run.err
    assert Path(run.argv[-1]).stat().st_size > 0
