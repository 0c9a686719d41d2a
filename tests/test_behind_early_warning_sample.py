"""On the sample company: every early-warning count (per signal, flagged, customers, per month) equals its list."""

from __future__ import annotations

from cxlib import early_warning as ew
from cxlib.workspace import Workspace

SIGNAL_COUNTS = {"entered_disappointment": 17, "score_drop": 56, "nps_drop": 34, "csat_drop": 10, "stalled": 107,
                 "silent": 12, "decision_maker_detractor": 23, "missed_qbr": 109, "any signal": 264}


def test_each_signal_count_equals_its_list_on_the_sample(sample: Workspace) -> None:
    run = ew.prepare(sample.con, sample.warning_config, sample.score_config, sample.settings)
    summary = ew.signal_summary(sample.con, run).set_index("signal")
    assert summary["accounts"].to_dict() == SIGNAL_COUNTS
    for signal, n in SIGNAL_COUNTS.items():
        listed = ew.signal_accounts(sample.con, run, signal)
        assert len(listed) == n and listed["account_id"].is_unique, signal
        assert listed["arr"].sum() == summary.loc[signal, "arr"], signal
        assert list(listed.columns[:2]) == ["account_id", "name"] and "value" in listed.columns
    customers = ew.customer_accounts(sample.con, run)
    assert ew.customers_count(sample.con, run) == len(customers) == 667
    assert (customers["value"] == "flagged").sum() == 264


def test_each_months_flagged_count_equals_its_list_on_the_sample(sample: Workspace) -> None:
    history = ew.flagged_by_month(sample.con, sample.warning_config, sample.score_config, sample.settings)
    assert list(history["flagged"]) == [138, 150, 169, 172, 188, 215, 196, 194, 213, 220, 241, 264]
    for month in (0, 5, 11):   # the first month, an early peak, the partial current month
        row = history.iloc[month]
        listed = ew.month_accounts(sample.con, row["at"].to_pydatetime(), sample.warning_config,
                                   sample.score_config, sample.settings)
        assert len(listed) == row["flagged"], row["month"]
