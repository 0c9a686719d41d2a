"""The public IBM Telco churn file, when the shared real-data folder is present (never copied into the repo)."""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import pytest

from tests.acceptance.runner import REPO_ROOT, Run, by_segment, run_all

pytestmark = pytest.mark.acceptance

NAME = "telco_customer_churn_ibm.csv"
FOLDERS = (REPO_ROOT.parent / "shared" / "realdata", Path("/work/shared/realdata"))
CHURN = {"Month-to-month": 0.4271, "One year": 0.1127, "Two year": 0.0283}
TENURE = {"Month-to-month": 18.04, "One year": 42.04, "Two year": 56.74}


@pytest.fixture(scope="module")
def telco() -> Path:
    for folder in FOLDERS:
        if (folder / NAME).is_file():
            return folder / NAME
    pytest.skip(f"{NAME} not found in {' or '.join(str(f) for f in FOLDERS)}: real-data checks skipped")


@pytest.fixture(scope="module")
def by_contract(telco: Path) -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = {}
    with telco.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups.setdefault(row["Contract"], []).append(row)
    return groups


@pytest.fixture(scope="module")
def runs(telco: Path) -> dict[str, Run]:
    return run_all({"churn": ("compare", telco, "--by", "Contract", "--rate", "Churn=Yes"),
                    "tenure": ("compare", telco, "--by", "Contract", "--mean", "tenure"),
                    "drivers": ("drivers", telco, "--outcome", "churned", "--format", "json")})


def test_telco_churn_rate_by_contract(runs: dict[str, Run], by_contract: dict[str, list[dict[str, str]]]) -> None:
    by_hand = {c: sum(r["Churn"] == "Yes" for r in rows) / len(rows) for c, rows in by_contract.items()}
    assert {c: round(v, 4) for c, v in by_hand.items()} == CHURN
    got = by_segment(runs["churn"].json())
    assert {c: (got[c]["n"], round(got[c]["rate"], 4)) for c in CHURN} == \
        {c: (len(by_contract[c]), CHURN[c]) for c in CHURN}


def test_telco_mean_tenure_by_contract(runs: dict[str, Run], by_contract: dict[str, list[dict[str, str]]]) -> None:
    by_hand = {c: statistics.fmean(int(r["tenure"]) for r in rows) for c, rows in by_contract.items()}
    assert {c: round(v, 2) for c, v in by_hand.items()} == TENURE
    got = by_segment(runs["tenure"].json())
    assert {c: round(got[c]["mean"], 2) for c in TENURE} == TENURE


def test_telco_month_to_month_odds_ratio_of_churn(runs: dict[str, Run],
                                                  by_contract: dict[str, list[dict[str, str]]]) -> None:
    """Issue 12's check: churn for Contract = Month-to-month against the rest, odds ratio ≈ 10.3 (Woolf 95 %)."""
    monthly = by_contract["Month-to-month"]
    rest = [r for c, rows in by_contract.items() if c != "Month-to-month" for r in rows]
    a, b = sum(r["Churn"] == "Yes" for r in monthly), sum(r["Churn"] == "No" for r in monthly)
    c, d = sum(r["Churn"] == "Yes" for r in rest), sum(r["Churn"] == "No" for r in rest)
    assert (a, b, c, d) == (1655, 2220, 214, 2954)
    odds_ratio = a * d / (b * c)
    half = 1.96 * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert round(odds_ratio, 2) == 10.29
    row = next(r for r in runs["drivers"].json() if (r["driver"], r["value"]) == ("Contract", "Month-to-month"))
    assert (row["n"], row["test"], row["significant"]) == (3875, "z", True)
    assert row["odds_ratio"] == pytest.approx(odds_ratio, rel=1e-9)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (math.exp(math.log(odds_ratio) - half), math.exp(math.log(odds_ratio) + half)), rel=1e-3)
    assert (round(row["rate"], 4), round(row["rest_rate"], 4)) == (round(a / (a + b), 4), round(c / (c + d), 4))
