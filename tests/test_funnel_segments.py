"""Funnel by segment on fixtures computed by hand: the per-segment pivot, and a breakdown by a column
of the event file itself (the value on each account's step-1 entry).

Dates are 2024-01 unless said; "d3" in a comment means the entry is on 2024-01-03.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib import canonical
from cxlib.errors import MetricError
from cxlib.funnel import FunnelSpec, conversion_by_segment, funnel
from cxlib.settings import Settings

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
