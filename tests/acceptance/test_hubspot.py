"""HubSpot: companies with "Became a … Date", contacts with "Date entered/exited '…'", feedback submissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.runner import (Run, assert_rows, assert_shape, by_segment, load_command, load_reports,
                                     report_for, roles, run_all)

pytestmark = pytest.mark.acceptance

# HubSpot lifecycle labels onto the stage list, by the README's synonyms (Lead/MQL → Awareness,
# Opportunity → Consideration, Customer → Decision; stages.py: subscriber, SQL, evangelist).
STAGE_OF = {"Subscriber": "Awareness", "Lead": "Awareness", "Marketing Qualified Lead": "Awareness",
            "Sales Qualified Lead": "Consideration", "Opportunity": "Consideration", "Customer": "Decision",
            "Evangelist": "Advocacy"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hubspot")
    return {"companies": gen.write_hubspot_companies(folder),
            "contacts": gen.write_hubspot_contacts(folder, "'"),
            "contacts_v2": gen.write_hubspot_contacts(folder, '"'),
            "feedback": gen.write_hubspot_feedback(folder)}


COMPANY_VIEWS = ("SELECT 'event' AS what, stage, count(*) AS n FROM journey_events GROUP BY stage "
                 "UNION ALL SELECT 'current', stage, count(*) FROM accounts GROUP BY stage "
                 "UNION ALL SELECT 'arr', NULL, sum(arr) FROM accounts")
EVENTS_PER_STAGE = "SELECT stage, count(*) AS n FROM journey_events GROUP BY stage"


@pytest.fixture(scope="module")
def runs(files: dict[str, Path]) -> dict[str, Run]:
    """Every command of this module, as a user types it, run once."""
    return run_all({
        "load": load_command(list(files.values())),
        "load_text": ("load", files["companies"]),
        "companies_funnel": ("funnel", files["companies"], "--format", "json"),
        "companies_views": ("sql", files["companies"], "--query", COMPANY_VIEWS, "--format", "json"),
        "contacts_funnel": ("funnel", files["contacts"], "--format", "json"),
        "contacts_v2_funnel": ("funnel", files["contacts_v2"], "--format", "json"),
        "contacts_events": ("sql", files["contacts"], "--query", EVENTS_PER_STAGE, "--format", "json"),
        "nps": ("nps", files["feedback"]),
        "csat": ("csat", files["feedback"]),
        "ces": ("ces", files["feedback"]),
        "ces_by": ("ces", files["feedback"], "--by", "Survey name"),
    })


@pytest.fixture(scope="module")
def reports(runs: dict[str, Run], files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return load_reports(runs["load"], list(files.values()))


def company_entries() -> list[tuple[str, str, Any]]:
    return [(name, STAGE_OF[label], ts) for _, name, _, _, _, became in gen.HUBSPOT_COMPANIES
            for label, ts in became.items()]


def contact_entries() -> list[tuple[str, str, Any]]:
    """Date-entered cells only, keyed by the contact's company (the account), never the contact."""
    return [(company, STAGE_OF[stage], entered) for *_, company, _, stages in gen.HUBSPOT_CONTACTS
            for stage, (entered, _) in stages.items()]


def assert_funnel(rows: list[dict[str, Any]], entries: list[tuple[str, str, Any]]) -> None:
    want = ex.ordered_funnel(entries, ex.FUNNEL_STAGES)
    assert [r["stage"] for r in rows] == ex.FUNNEL_STAGES
    assert [r["accounts"] for r in rows] == want["accounts"]
    for row, days in zip(rows, want["median_days"]):
        if days is not None:
            assert row["median_days_from_previous"] == pytest.approx(days, rel=1e-6), row["stage"]


# ---------------------------------------------------------------- load: recognised, nothing lost

ROWS = {"companies": len(gen.HUBSPOT_COMPANIES), "contacts": len(gen.HUBSPOT_CONTACTS),
        "contacts_v2": len(gen.HUBSPOT_CONTACTS), "feedback": len(gen.HUBSPOT_FEEDBACK)}


@pytest.mark.parametrize("key", ROWS)
def test_load_names_hubspot_as_the_shape(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    assert_shape(report_for(reports, files[key]), "HubSpot")


@pytest.mark.parametrize("key", ROWS)
def test_load_keeps_every_row(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    assert_rows(report_for(reports, files[key]), ROWS[key])


def test_load_text_report_prints_the_shape(runs: dict[str, Run]) -> None:
    run = runs["load_text"]
    assert run.code == 0, run.err
    assert "shape" in run.out and "HubSpot" in run.out, run.out


def test_feedback_is_survey_answers_keyed_to_the_company(files: dict[str, Path], reports: dict[str, Any]) -> None:
    row = report_for(reports, files["feedback"])
    assert row["kind"] == "surveys"
    got = roles(row)
    assert got["Associated Company"] == "account_id"
    assert got["Record ID"] != "account_id"


# ---------------------------------------------------------------- companies: one date column per stage

def test_companies_funnel_from_became_a_date_columns(runs: dict[str, Run]) -> None:
    assert_funnel(runs["companies_funnel"].json(), company_entries())


@pytest.fixture(scope="module")
def company_views(runs: dict[str, Run]) -> list[dict[str, Any]]:
    return runs["companies_views"].json()


def test_companies_every_non_empty_stage_cell_is_one_event(company_views: list[dict[str, Any]]) -> None:
    want: dict[str, int] = {}
    for _, stage, _ in company_entries():
        want[stage] = want.get(stage, 0) + 1
    assert {r["stage"]: r["n"] for r in company_views if r["what"] == "event"} == want


def test_companies_lifecycle_stage_stays_the_current_stage(company_views: list[dict[str, Any]]) -> None:
    want: dict[str, int] = {}
    for _, _, current, *_ in gen.HUBSPOT_COMPANIES:
        want[STAGE_OF[current]] = want.get(STAGE_OF[current], 0) + 1
    assert {r["stage"]: r["n"] for r in company_views if r["what"] == "current"} == want


def test_companies_annual_revenue_feeds_arr(company_views: list[dict[str, Any]]) -> None:
    [arr] = [r["n"] for r in company_views if r["what"] == "arr"]
    assert arr == pytest.approx(sum(c[3] or 0 for c in gen.HUBSPOT_COMPANIES))


# ---------------------------------------------------------------- contacts: Date entered / exited / cumulative

@pytest.mark.parametrize("key", ["contacts", "contacts_v2"])
def test_contacts_funnel_counts_companies_from_date_entered(runs: dict[str, Run], key: str) -> None:
    assert_funnel(runs[f"{key}_funnel"].json(), contact_entries())


def test_contacts_date_exited_and_cumulative_time_are_not_entries(runs: dict[str, Run]) -> None:
    rows = runs["contacts_events"].json()
    want: dict[str, int] = {}
    for _, stage, _ in contact_entries():
        want[stage] = want.get(stage, 0) + 1
    assert {r["stage"]: r["n"] for r in rows} == want


# ---------------------------------------------------------------- feedback submissions: NPS, CSAT, CES

def feedback(kind: str) -> list[tuple]:
    return [r for r in gen.HUBSPOT_FEEDBACK if r[2] == kind]


def test_feedback_nps_uses_only_nps_submissions(runs: dict[str, Run]) -> None:
    [row] = runs["nps"].json()
    want = ex.nps(r[3] for r in feedback("NPS"))
    assert {k: row[k] for k in ("n", "promoters", "passives", "detractors")} == \
        {k: want[k] for k in ("n", "promoters", "passives", "detractors")}
    assert row["nps"] == pytest.approx(want["nps"])
    assert row["moe95"] == pytest.approx(want["moe95"])


def test_feedback_csat_counts_the_happy_face(runs: dict[str, Run]) -> None:
    """HubSpot CSAT is 0/1/2 (sentiment Detractor/Passive/Promoter); 2 is satisfied, 0 is not."""
    [row] = runs["csat"].json()
    assert list(row) == ["n", "satisfied", "csat", "ci_low", "ci_high"]
    want = ex.rate([r[3] == 2 for r in feedback("CSAT")])
    assert (row["n"], row["satisfied"]) == (want["n"], want["k"])
    assert row["csat"] == pytest.approx(want["rate"])
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(want["ci_low"]), pytest.approx(want["ci_high"]))


def test_feedback_ces_mean_on_the_1_to_7_scale(runs: dict[str, Run]) -> None:
    [row] = runs["ces"].json()
    assert list(row) == ["n", "mean", "ci_low", "ci_high", "scale", "direction"]
    want = ex.mean_t([r[3] for r in feedback("CES")])
    assert row["n"] == want["n"]
    assert (row["mean"], row["ci_low"], row["ci_high"]) == (
        pytest.approx(want["mean"]), pytest.approx(want["ci_low"]), pytest.approx(want["ci_high"]))
    assert row["scale"] == "1-7"
    assert row["direction"]


def test_feedback_ces_by_a_column_of_the_file_itself(runs: dict[str, Run]) -> None:
    rows = by_segment(runs["ces_by"].json())
    for survey in (gen.SUPPORT_EFFORT, gen.ONBOARDING_EFFORT):
        want = ex.mean_t([r[3] for r in feedback("CES") if r[1] == survey])
        assert (rows[survey]["n"], rows[survey]["mean"]) == (want["n"], pytest.approx(want["mean"]))
    assert {s for s, r in rows.items() if r["n"]} == {gen.SUPPORT_EFFORT, gen.ONBOARDING_EFFORT}
