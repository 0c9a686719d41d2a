"""One account's own funnel steps (the Account page's pace), by hand and against the funnel by account."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cxlib import canonical
from cxlib.funnel import ACCOUNT_STEP_COLUMNS, FunnelSpec, account_steps, funnel
from cxlib.settings import Settings
from tests.test_funnel import A, C, D, ORDERED_FIXTURE

NAN = float("nan")
SETTINGS = Settings(as_of=dt.datetime(2024, 1, 10))


@pytest.fixture
def fixture(con):
    canonical.create_table(con, canonical.JOURNEY_EVENTS, ORDERED_FIXTURE)
    canonical.create_table(con, canonical.ACCOUNTS, [(a,) for a in ("a1", "a2", "a3", "a4", "a5")])
    return con


def rows(con, account_id: str, spec: FunnelSpec | None = None) -> list[tuple]:
    steps, got = account_steps(con, account_id, spec or FunnelSpec(steps=[A, C, D]), SETTINGS)
    assert list(got.columns) == ACCOUNT_STEP_COLUMNS
    return [(int(r.step), r.stage, r.entered.strftime("%m-%d"), round(r.days_from_previous, 6))
            for r in got.itertuples()]


def test_each_accounts_counting_sequence_by_hand(fixture) -> None:
    # a1: a repeated Consideration counts its first entry (d3); a2 skips to Decision, so only A → C (d4);
    # a3's Consideration on d1 is before its Awareness: its sequence starts d2.
    assert rows(fixture, "a1")[1:] == [(2, C, "01-03", 2.0), (3, D, "01-10", 7.0)]
    assert rows(fixture, "a1")[0][:3] == (1, A, "01-01")
    assert [r[:3] for r in rows(fixture, "a2")] == [(1, A, "01-01"), (2, C, "01-04")]
    assert rows(fixture, "a2")[1][3] == 3.0
    assert [r[3] for r in rows(fixture, "a3")[1:]] == [4.0, 2.0]
    assert [r[:3] for r in rows(fixture, "a4")] == [(1, A, "01-05")]      # churned after Awareness
    assert rows(fixture, "a5") == []                                     # no Awareness entry
    assert rows(fixture, "nobody") == []


def test_a_window_cuts_the_sequence_as_the_funnel_does(fixture) -> None:
    # 7-day window from step 1: a1's Decision (9 days after its Awareness) is outside, a3's (6 days) inside.
    window = FunnelSpec(steps=[A, C, D], window_days=7)
    assert [r[0] for r in rows(fixture, "a1", window)] == [1, 2]
    assert [r[0] for r in rows(fixture, "a3", window)] == [1, 2, 3]


@pytest.mark.parametrize("spec", [FunnelSpec(steps=[A, C, D]), FunnelSpec(steps=[A, C, D], mode="strict"),
                                  FunnelSpec(steps=[A, C, D], window_days=5), FunnelSpec()])
def test_agrees_with_the_funnel_broken_down_by_account(fixture, spec: FunnelSpec) -> None:
    by_account = funnel(fixture, FunnelSpec(**{**spec.__dict__, "by": "account_id"}), SETTINGS).table
    for account in ("a1", "a2", "a3", "a4", "a5"):
        theirs = by_account[(by_account["segment"] == account) & (by_account["accounts"] > 0)]
        _, mine = account_steps(fixture, account, spec, SETTINGS)
        assert list(mine["step"]) == list(theirs["step"])
        assert list(mine["stage"]) == list(theirs["stage"])
        pd.testing.assert_series_equal(mine["days_from_previous"].iloc[1:].reset_index(drop=True),
                                       theirs["median_days_from_previous"].iloc[1:].reset_index(drop=True),
                                       check_names=False)
