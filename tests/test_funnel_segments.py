"""Funnel by segment on fixtures computed by hand: the per-segment pivot, and a breakdown by a column
of the event file itself (the value on each account's step-1 entry).

Dates are 2024-01 unless said; "d3" in a comment means the entry is on 2024-01-03.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib import canonical
from cxlib.errors import MetricError
from cxlib.funnel import FunnelSpec, breakdown_column, conversion_by_segment, funnel
from cxlib.settings import Settings
from cxlib.workspace import Workspace

A, C, D = "Awareness", "Consideration", "Decision"
MIN_N_2 = Settings(min_n=2)

SEGMENT_EVENTS = [
    ("x1", A, "2024-01-01"), ("x1", C, "2024-01-02"), ("x1", D, "2024-01-03"),   # SMB: all three
    ("x2", A, "2024-01-01"), ("x2", C, "2024-01-04"),                            # SMB: two
    ("x3", A, "2024-01-02"),                                                     # SMB: one
    ("x4", A, "2024-01-02"), ("x4", C, "2024-01-03"), ("x4", D, "2024-01-05"),   # SMB: all three
    ("y1", A, "2024-01-01"), ("y1", C, "2024-01-02"),                            # Enterprise: two
    ("z1", A, "2024-01-03"), ("z1", C, "2024-01-04"), ("z1", D, "2024-01-06"),   # not in the accounts table
]
SEGMENT_ACCOUNTS = [(a, a.upper(), None, None, None, None, None, None, None, i, tier)
                    for i, (a, tier) in enumerate([("x1", "SMB"), ("x2", "SMB"), ("x3", "SMB"), ("x4", "SMB"),
                                                   ("y1", "Enterprise")], start=1)]


def test_conversion_by_segment_from_first_and_from_previous(con) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, SEGMENT_EVENTS)
    canonical.create_table(con, canonical.ACCOUNTS, SEGMENT_ACCOUNTS, [("tier", "VARCHAR")])
    result = funnel(con, FunnelSpec(steps=[A, C, D], by="tier"), MIN_N_2)
    # Enterprise 1 -> 1 -> 0; SMB 4 -> 3 -> 2; (none) (z1) 1 -> 1 -> 1. min n 2: 1 and 0 are low.
    expected = pd.DataFrame({
        "segment": ["Enterprise", "SMB", "(none)"],
        "accounts": [1, 4, 1], "n": [1, 4, 1], "low_n": [True, False, True],
        "conversion_2": [1.0, 0.75, 1.0], "n_2": [1, 3, 1], "low_n_2": [True, False, True],
        "conversion_3": [0.0, 0.5, 1.0], "n_3": [0, 2, 1], "low_n_3": [True, False, True],
        "conversion_overall": [0.0, 0.5, 1.0],
    }).astype({"segment": "str", "accounts": "int64", "n": "int64", "n_2": "int64", "n_3": "int64"})
    assert_frame_equal(conversion_by_segment(result), expected)
    # From the previous step, SMB's third step is 2 of 3; the overall conversion is unchanged.
    previous = conversion_by_segment(result, base="previous")
    assert previous["conversion_2"].tolist() == [1.0, 0.75, 1.0]
    assert previous["conversion_3"].tolist() == pytest.approx([0.0, 2 / 3, 1.0])
    assert previous["conversion_overall"].tolist() == [0.0, 0.5, 1.0]


def test_conversion_by_segment_needs_a_breakdown(con) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, SEGMENT_EVENTS)
    with pytest.raises(MetricError, match="broken down by a column"):
        conversion_by_segment(funnel(con, FunnelSpec(steps=[A, C])))


# ---------------------------------------------------------------------------------------------
# --by a column of the event file: the value on each account's step-1 entry
# ---------------------------------------------------------------------------------------------

REGION_EVENTS = """Account ID,Stage,Entered At,Region
P1,Awareness,2024-01-01,EMEA
P1,Consideration,2024-01-05,APAC
P2,Awareness,2024-01-02,APAC
P2,Consideration,2024-01-03,APAC
P3,Awareness,2024-01-01,
P4,Awareness,2024-01-01,EMEA
P4,Awareness,2024-02-01,APAC
P4,Consideration,2024-02-03,APAC
"""
REGION_ACCOUNTS = """Account ID,Account Name,Region,ARR
P1,Pine,North,100
P2,Palm,South,200
P3,Plum,North,
P4,Pear,South,400
"""


@pytest.fixture
def regions(tmp_path: Path) -> Workspace:
    (tmp_path / "events.csv").write_text(REGION_EVENTS, encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(REGION_ACCOUNTS, encoding="utf-8")
    ws = Workspace()
    ws.load([tmp_path / "events.csv", tmp_path / "accounts.csv"])
    ws.apply(ws.suggest_mapping())
    yield ws
    ws.close()


def by_segment(table: pd.DataFrame) -> dict[str, list]:
    return {s: rows["accounts"].tolist() for s, rows in table.groupby("segment", sort=False)}


def test_by_a_column_of_the_event_file_reads_the_step1_entry(regions: Workspace) -> None:
    by = breakdown_column(regions.con, regions.mapping, "region")
    assert by.by == "Region" and [t[3] for t in by.event_tables] == ["Region"]
    # Region is in the accounts table too (North/South): the event file's own wins, and says so.
    assert by.note is not None and "'Region'" in by.note
    spec = FunnelSpec(steps=[A, C], by=by.by, by_event_tables=by.event_tables)
    result = funnel(regions.con, spec, regions.settings)
    # P1 EMEA (its later APAC row is not step 1), P2 APAC, P3 blank, P4 from its first Awareness (EMEA).
    assert by_segment(result.table) == {"APAC": [1, 1], "EMEA": [2, 2], "(none)": [1, 0]}
    assert "Shown under (none): 1 account without a Region value on their step-1 entry." in result.notes
    # With a 7-day window P4's counting sequence starts at its second Awareness (APAC).
    windowed = funnel(regions.con, replace(spec, window_days=7), regions.settings)
    assert by_segment(windowed.table) == {"APAC": [2, 2], "EMEA": [1, 1], "(none)": [1, 0]}
    # Weighted by ARR from the accounts table: EMEA is P1 100 + P4 400; P3 has no ARR.
    weighted = funnel(regions.con, replace(spec, weight="arr"), regions.settings)
    assert by_segment(weighted.table) == {"APAC": [200.0, 200.0], "EMEA": [500.0, 500.0], "(none)": [0.0, 0.0]}
    assert "ARR weight 0 for 1 account without ARR." in weighted.notes


def test_by_an_accounts_column_and_by_neither(regions: Workspace) -> None:
    by = breakdown_column(regions.con, regions.mapping, "Account Name")
    assert (by.by, by.event_tables, by.note) == ("name", (), None)
    with pytest.raises(MetricError, match=r"'Colour' is in neither the journey events files \(Account ID, Stage, "
                                          r"Entered At, Region\) nor the accounts table \(account_id"):
        breakdown_column(regions.con, regions.mapping, "Colour")


def test_by_an_event_column_needs_events_not_a_snapshot(regions: Workspace) -> None:
    by = breakdown_column(regions.con, regions.mapping, "Region")
    with pytest.raises(MetricError, match="needs journey events"):
        funnel(regions.con, FunnelSpec(by=by.by, by_event_tables=by.event_tables, source="snapshot"))
