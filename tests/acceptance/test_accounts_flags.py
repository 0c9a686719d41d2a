"""Accounts exports with a churn flag (Yes/No, true/false, Status) and numeric measures, without dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.runner import (Run, assert_rows, assert_shape, by_segment, load_command, load_reports,
                                     report_for, roles, run_all)

pytestmark = pytest.mark.acceptance

COMPARE_COLUMNS = ["segment", "n", "{}", "ci_low", "ci_high", "p_value", "p_adjusted", "significant"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("accounts")
    return {"telco": gen.write_telco(folder), "churned": gen.write_churned_accounts(folder),
            "status": gen.write_status_accounts(folder)}


@pytest.fixture(scope="module")
def runs(files: dict[str, Path]) -> dict[str, Run]:
    """Every command of this module, as a user types it, run once."""
    telco = ("compare", files["telco"], "--by", "Contract")
    return run_all({
        "load": load_command(list(files.values())),
        "Churn=Yes": (*telco, "--rate", "Churn=Yes"),
        "Churn=true": (*telco, "--rate", "Churn=true"),
        "tenure": (*telco, "--mean", "tenure"),
        "TotalCharges": (*telco, "--mean", "TotalCharges"),
        "Churned=yes": ("compare", files["churned"], "--by", "Plan", "--rate", "Churned=yes"),
        "Seats": ("compare", files["churned"], "--by", "Plan", "--mean", "Seats"),
        "Status=Cancelled": ("compare", files["status"], "--by", "Region", "--rate", "Status=Cancelled"),
    })


@pytest.fixture(scope="module")
def reports(runs: dict[str, Run], files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return load_reports(runs["load"], list(files.values()))


ROWS = {"telco": len(gen.TELCO_CUSTOMERS), "churned": len(gen.CHURNED_ACCOUNTS), "status": len(gen.STATUS_ACCOUNTS)}
# The churn flag and the numeric measures of each file: none may be left as "ignore".
USED = {"telco": ("Churn", "tenure", "MonthlyCharges", "TotalCharges"), "churned": ("Churned", "Seats"),
        "status": ("Status",)}


@pytest.mark.parametrize("key", ROWS)
def test_load_accounts_with_a_shape(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    row = report_for(reports, files[key])
    assert_shape(row)
    assert row["shape"], f"{files[key].name}: empty shape"
    assert_rows(row, ROWS[key])
    assert row["kind"] == "accounts"


@pytest.mark.parametrize("key", ROWS)
def test_churn_flag_and_measures_are_not_ignored(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    got = roles(report_for(reports, files[key]))
    assert {c: got[c] for c in USED[key] if got[c] == "ignore"} == {}


def assert_rates(rows: list[dict[str, Any]], groups: dict[str, list[bool]]) -> None:
    assert list(rows[0]) == [c.format("rate") for c in COMPARE_COLUMNS]
    got = by_segment(rows)
    assert set(got) == set(groups)
    for segment, flags in groups.items():
        want = ex.rate(flags)
        row = got[segment]
        assert (row["n"], row["rate"]) == (want["n"], pytest.approx(want["rate"])), segment
        assert (row["ci_low"], row["ci_high"]) == (pytest.approx(want["ci_low"]), pytest.approx(want["ci_high"]))


def assert_means(rows: list[dict[str, Any]], groups: dict[str, list[float]]) -> None:
    assert list(rows[0]) == [c.format("mean") for c in COMPARE_COLUMNS]
    got = by_segment(rows)
    assert set(got) == set(groups)
    for segment, values in groups.items():
        want = ex.mean_t(values)
        row = got[segment]
        assert (row["n"], row["mean"]) == (want["n"], pytest.approx(want["mean"])), segment
        assert (row["ci_low"], row["ci_high"]) == (pytest.approx(want["ci_low"]), pytest.approx(want["ci_high"]))


def by_contract(value: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for customer in gen.TELCO_CUSTOMERS:
        v = value(customer)
        if v is not None:
            groups.setdefault(customer[2], []).append(v)
    return groups


# ---------------------------------------------------------------- Telco layout: Churn Yes/No, tenure, charges

@pytest.mark.parametrize("spec", ["Churn=Yes", "Churn=true"])
def test_churn_rate_by_contract(runs: dict[str, Run], spec: str) -> None:
    rows = runs[spec].json()
    assert_rates(rows, by_contract(lambda c: c[4] == "Yes"))


def test_mean_tenure_by_contract(runs: dict[str, Run]) -> None:
    rows = runs["tenure"].json()
    assert_means(rows, by_contract(lambda c: c[1]))


def test_mean_total_charges_skips_the_blank_totals(runs: dict[str, Run]) -> None:
    rows = runs["TotalCharges"].json()
    assert_means(rows, by_contract(lambda c: float(t) if (t := gen.telco_total(c[1], c[3])).strip() else None))


# ---------------------------------------------------------------- Churned true/false, Seats

def test_churned_boolean_compared_with_a_yes_word(runs: dict[str, Run]) -> None:
    rows = runs["Churned=yes"].json()
    groups: dict[str, list[bool]] = {}
    for _, _, plan, _, churned in gen.CHURNED_ACCOUNTS:
        groups.setdefault(plan, []).append(churned == "true")
    assert_rates(rows, groups)


def test_mean_seats_by_plan(runs: dict[str, Run]) -> None:
    rows = runs["Seats"].json()
    groups: dict[str, list[float]] = {}
    for _, _, plan, seats, _ in gen.CHURNED_ACCOUNTS:
        groups.setdefault(plan, []).append(seats)
    assert_means(rows, groups)


# ---------------------------------------------------------------- Status Active / Cancelled / Churned

def test_status_cancelled_share_by_region(runs: dict[str, Run]) -> None:
    rows = runs["Status=Cancelled"].json()
    groups: dict[str, list[bool]] = {}
    for _, region, status in gen.STATUS_ACCOUNTS:
        groups.setdefault(region, []).append(status == "Cancelled")
    assert_rates(rows, groups)
