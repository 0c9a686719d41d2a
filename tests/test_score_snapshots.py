"""Period snapshots from each rating's validity interval equal the expansion (ratings × periods).

`cxlib.scores.composite.per_account_sql` picks each period snapshot's latest rating per account and
factor by a range join on the rating's [ts, next ts) interval; `tests.score_snapshots_reference`
keeps the former formulation (every rating joined with every snapshot, then the latest per group).
A hypothesis test compares their `per_account`, `scored` and rated-at rows exactly, and one small
case is computed by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cxlib import canonical, workspace
from cxlib.factors import Factor
from cxlib.scores import ScoreConfig, Scale, score_history
from cxlib.scores.composite import per_account_sql, prepare_scales, snapshots_now
from cxlib.scores.trend import period_params, snapshots_periods
from cxlib.settings import Settings
from tests.score_snapshots_reference import reference_per_account_sql

TS = pd.Timestamp
NAN = float("nan")

# Instants around month and quarter edges (a period's snapshot is at its last microsecond), same days
# twice (ties in time) and undated.
INSTANTS = [dt.datetime(2023, 11, 20), dt.datetime(2023, 12, 31, 23, 59, 59, 999999), dt.datetime(2024, 1, 1),
            dt.datetime(2024, 1, 15, 9), dt.datetime(2024, 2, 29), dt.datetime(2024, 3, 31, 23, 59, 59, 999999),
            dt.datetime(2024, 4, 1), dt.datetime(2024, 5, 17, 12), dt.datetime(2024, 6, 2)]
AS_OFS = [None, dt.datetime(2024, 5, 17, 12), dt.datetime(2024, 2, 10), dt.datetime(2024, 6, 30)]

rating_rows = st.lists(st.tuples(
    st.sampled_from(["a1", "a2", None]),
    st.one_of(st.none(), st.sampled_from(INSTANTS)),
    st.sampled_from(["x", "x", "y", "z", "w", "unknown"]),
    st.one_of(st.none(), st.just(NAN), st.sampled_from([0.0, 12.5, 40.0, 55.0, 80.0, 100.0, 130.0, -5.0])),
    st.just("f.csv"),
    st.one_of(st.none(), st.integers(0, 3)),      # row 0 and no row: the NULL-lowest rule decides
), min_size=0, max_size=40)
max_ages = st.dictionaries(st.sampled_from(["x", "y", "z", "w"]), st.sampled_from([1, 10, 31, 45, 100, 400]))


def _config(max_age_days: dict[str, int]) -> ScoreConfig:
    """Four factors: x, y and z on 0–100 (z weighted 0), w on the scale detected from its values, if any.

    ('unknown' ratings belong to no configured factor and never count.)
    """
    scales = {k: Scale.of("0-100") for k in ("x", "y", "z")}
    return ScoreConfig(factors=[Factor(k, k.upper()) for k in ("x", "y", "z", "w")], scales=scales,
                       weights={"z": 0.0}, max_age_days=max_age_days)


def _rows(con: duckdb.DuckDBPyConnection, build: Any, config: ScoreConfig, snapshots: str,
          params: dict[str, Any], age_from: str) -> dict[str, pd.DataFrame]:
    """per_account, scored and the latest rating date per (period, account) from one formulation."""
    ctes, p = build(config, params.pop("__scales"), snapshots, False, age_from)
    sql = f"WITH {ctes}\n"
    params = {k: v for k, v in (params | p).items() if re.search(rf"\${k}\b", sql)}   # only those used
    out = {}
    for name, select in (("per_account", "SELECT * FROM per_account ORDER BY period, account_id"),
                         ("scored", "SELECT * FROM scored ORDER BY period, account_id, ord"),
                         ("rated_at", "SELECT period, account_id, max(ts) AS rated_at FROM rated "
                                      "WHERE ts IS NOT NULL GROUP BY ALL ORDER BY period, account_id")):
        out[name] = con.execute(sql + select, params).df()
    return out


def _assert_same(con: duckdb.DuckDBPyConnection, config: ScoreConfig, snapshots: str, params: dict[str, Any],
                 age_from: str = "at") -> dict[str, pd.DataFrame]:
    new = _rows(con, per_account_sql, config, snapshots, dict(params), age_from)
    ref = _rows(con, reference_per_account_sql, config, snapshots, dict(params), age_from)
    for name in new:
        assert_frame_equal(new[name], ref[name], check_exact=True, obj=name)
    return new


@settings(deadline=None)
@given(rows=rating_rows, max_age_days=max_ages, period=st.sampled_from(["month", "quarter"]),
       fy_start=st.sampled_from([1, 2, 4, 11]), as_of=st.sampled_from(AS_OFS),
       extra=st.lists(st.sampled_from(INSTANTS + [dt.datetime(2024, 2, 10, 0, 0, 0, 1)]), max_size=3))
def test_intervals_equal_the_expansion(rows, max_age_days, period, fy_start, as_of, extra) -> None:
    con = workspace.connect(memory_limit="256MB", threads=1)
    try:
        canonical.create_table(con, canonical.FACTOR_RATINGS, rows)
        config = _config(max_age_days)
        run = Settings(as_of=as_of, fiscal_year_start_month=fy_start)
        scales, params = prepare_scales(con, config, run)
        params |= period_params(period, run) | {"__scales": scales}
        # the trends' snapshots: one per month or fiscal quarter up to the as-of date
        _assert_same(con, config, snapshots_periods(), params)
        # the desired outcome over time: ages counted from another column than the cut
        con.execute("CREATE TABLE snaps AS SELECT period, \"at\", CAST(CAST(\"at\" AS DATE) AS TIMESTAMP) AS age_from "
                    f"FROM ({snapshots_periods()})", {k: v for k, v in params.items()
                                                      if k in ("as_of", "period_unit", "fy_shift", "step_months")})
        _assert_same(con, config, "SELECT period, \"at\", age_from FROM snaps", params, age_from="age_from")
        # instants on the ratings' own timestamps and their age limits' edges (the early-warning
        # score drop), plus snapshots without an instant or a period (the expansion's path)
        stamps = {r[1] for r in rows if r[1] is not None} | set(extra)
        edges = {t + dt.timedelta(days=d, microseconds=us) for t in stamps for d in (0, *max_age_days.values())
                 for us in (-1, 0, 1)}
        con.execute("CREATE TABLE instants (period TIMESTAMP, \"at\" TIMESTAMP)")
        if edges:
            con.executemany("INSERT INTO instants VALUES (?, ?)", [(t, t) for t in edges])
        _assert_same(con, config, "SELECT DISTINCT period, \"at\" FROM instants", params)
        con.execute("INSERT INTO instants VALUES (TIMESTAMP '1999-01-01', NULL), (NULL, TIMESTAMP '2024-03-01')")
        _assert_same(con, config, "SELECT DISTINCT period, \"at\" FROM instants", params)
        _assert_same(con, config, snapshots_now(), params)
    finally:
        con.close()


def test_interval_history_by_hand(con) -> None:
    # x: max age 40 days; y: no limit. Monthly snapshots Jan–Apr 2024 (as of 2024-04-15).
    canonical.create_table(con, canonical.FACTOR_RATINGS, [
        ("a1", "2024-01-10", "x", 20.0, "f.csv", 1),
        ("a1", "2024-01-10", "x", 60.0, "f.csv", None),   # same instant, no file row: loses to row 1
        ("a1", "2024-02-05", "x", 90.0, "f.csv", 3),
        ("a1", "2024-02-05", "x", 70.0, "f.csv", 3),      # same row: the higher score (90) wins
        ("a1", "2024-01-20", "y", 40.0, "f.csv", 4),
        ("a1", "2024-04-01", "y", NAN, "f.csv", 5),       # NaN: never counts, y stays 40
        ("a1", None, "y", 100.0, "f.csv", 6),             # undated: in no period
        ("a2", "2024-03-31 23:59:59.999999", "x", 50.0, "f.csv", 7),   # the March snapshot's own instant
    ])
    config = ScoreConfig(factors=[Factor("x", "X"), Factor("y", "Y")],
                         scales={"x": Scale.of("0-100"), "y": Scale.of("0-100")}, max_age_days={"x": 40})
    history = score_history(con, config, "month", settings=Settings(as_of=dt.datetime(2024, 4, 15)))
    # a1 Jan: x 20 (row 1 beats no row), y 40 → 30. Feb: x 90, y 40 → 65. Mar (at 03-31 23:59:59.999999):
    # x from 02-05 is 55 days old > 40 → unscored (never the staler 01-10 rating), y 40 → 40, coverage 0.5.
    # Apr (at 04-15): x still stale, y 40. a2: x 50 from March on (dated exactly at the March snapshot).
    assert history[["account_id", "period", "composite", "coverage"]].to_dict("list") == {
        "account_id": ["a1", "a1", "a1", "a1", "a2", "a2"],
        "period": [TS("2024-01-01"), TS("2024-02-01"), TS("2024-03-01"), TS("2024-04-01"),
                   TS("2024-03-01"), TS("2024-04-01")],
        "composite": [30.0, 65.0, 40.0, 40.0, 50.0, 50.0],
        "coverage": [1.0, 1.0, 0.5, 0.5, 0.5, 0.5]}


def test_snapshot_at_and_one_microsecond_before_a_rating(con) -> None:
    canonical.create_table(con, canonical.FACTOR_RATINGS, [("a1", "2024-03-10 08:00", "x", 30.0),
                                                            ("a1", "2024-03-12 08:00", "x", 80.0)])
    config = ScoreConfig(factors=[Factor("x", "X")], scales={"x": Scale.of("0-100")})
    scales, _ = prepare_scales(con, config, None)
    ctes, params = per_account_sql(config, scales, """
        SELECT "at" AS period, "at"
        FROM (VALUES (TIMESTAMP '2024-03-12 07:59:59.999999'), (TIMESTAMP '2024-03-12 08:00')) AS v("at")""", False)
    got = con.execute(f"WITH {ctes} SELECT period, x FROM per_account ORDER BY period", params).fetchall()
    assert got == [(dt.datetime(2024, 3, 12, 7, 59, 59, 999999), 30.0), (dt.datetime(2024, 3, 12, 8), 80.0)]
