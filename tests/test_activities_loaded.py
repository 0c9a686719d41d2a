"""The one "are activities loaded?" count (`cxlib.activities.activities_count`) the metrics switch on."""

from __future__ import annotations

import datetime as dt

import duckdb

from cxlib import canonical, centricity, stories
from cxlib.activities import activities_count


def test_no_views_means_no_activities() -> None:
    assert activities_count(duckdb.connect()) == 0


def test_empty_then_two_rows() -> None:
    con = duckdb.connect()
    canonical.create_empty_views(con)
    assert activities_count(con) == 0
    rows = [{"account_id": "A", "ts": dt.datetime(2024, 1, d), "activity_type": "call", "source": "a.csv",
             "source_row": d} for d in (1, 2)]
    canonical.create_table(con, canonical.ACTIVITIES, rows)
    assert activities_count(con) == 2


def test_the_old_names_are_the_one_function() -> None:
    assert centricity.activities_count is activities_count
    assert stories.activities_count is activities_count
