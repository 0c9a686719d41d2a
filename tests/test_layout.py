"""The journeys' physical layout: built at apply, rebuilt when the mapping or the events change, never shown.

Fixture (hand-made, rows in file order): a1 Awareness 01-01, Consideration 01-02, Awareness 01-02;
b2 Awareness 01-03, Churn 01-05; c3 Consideration 01-04 (all 2024).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from cxlib import canonical, layout, saved, sql
from cxlib.funnel import FunnelSpec, funnel
from cxlib.journey import transitions
from cxlib.mapping import Mapping
from cxlib.workspace import Workspace

EVENTS = """account_id,stage,date
b2,Awareness,2024-01-03
a1,Awareness,2024-01-01
a1,Consideration,2024-01-02
b2,Churn,2024-01-05
c3,Consideration,2024-01-04
a1,Awareness,2024-01-02
"""
T = dt.datetime


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    w = Workspace()
    w.load([path])
    w.apply(w.suggest_mapping())
    yield w
    w.close()


def _rows(w: Workspace, table: str) -> list[tuple]:
    return w.con.execute(f"SELECT * FROM {canonical.quote(table)}").fetchall()


def test_apply_builds_keys_codes_and_rows_in_account_time_order(ws: Workspace) -> None:
    assert _rows(ws, layout.ACCOUNT_KEYS) == [(1, "a1"), (2, "b2"), (3, "c3")]
    assert _rows(ws, layout.STAGE_CODES) == [(1, "Awareness"), (2, "Churn"), (3, "Consideration")]
    # Ordered by (account key, time, stage code): a1's two entries on 01-02 put Awareness (1) first.
    assert _rows(ws, layout.LAYOUT) == [
        (1, 1, T(2024, 1, 1)), (1, 1, T(2024, 1, 2)), (1, 3, T(2024, 1, 2)),
        (2, 1, T(2024, 1, 3)), (2, 2, T(2024, 1, 5)),
        (3, 3, T(2024, 1, 4)),
    ]
    # Per account, earliest and latest entry per stage code (slots 1..3).
    assert _rows(ws, layout.SUMMARY) == [
        (1, [T(2024, 1, 1), None, T(2024, 1, 2)], [T(2024, 1, 2), None, T(2024, 1, 2)]),
        (2, [T(2024, 1, 3), T(2024, 1, 5), None], [T(2024, 1, 3), T(2024, 1, 5), None]),
        (3, [None, None, T(2024, 1, 4)], [None, None, T(2024, 1, 4)]),
    ]
    types = dict(ws.con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                f"WHERE table_name = '{layout.LAYOUT}'").fetchall())
    assert types == {"account_key": "INTEGER", "stage_code": "UTINYINT", "ts": "TIMESTAMP"}


def test_a_new_mapping_rebuilds_the_codes(ws: Workspace) -> None:
    mapping = ws.mapping
    assert mapping is not None
    ws.apply(Mapping(mapping.tables, {**mapping.stage_map, "Consideration": "Decision"}, mapping.settings))
    assert _rows(ws, layout.STAGE_CODES) == [(1, "Awareness"), (2, "Churn"), (3, "Decision")]
    table = funnel(ws.con, FunnelSpec(steps=["Awareness", "Decision"]), ws.settings).table
    assert list(table["accounts"]) == [2, 1]


def test_funnel_reads_the_layout_and_the_as_of_cuts_it(ws: Workspace) -> None:
    table = funnel(ws.con, FunnelSpec(steps=["Awareness", "Consideration"]), ws.settings).table
    assert list(table["accounts"]) == [2, 1]
    assert list(table["dropped_exited"]) == [0, 1]          # b2's Churn on 01-05
    # As of 01-04 the Churn is not known yet: the summary (built to 01-05) is not used, and b2 is in progress.
    settings = dataclasses.replace(ws.settings, as_of=T(2024, 1, 4))
    table = funnel(ws.con, FunnelSpec(steps=["Awareness", "Consideration"]), settings).table
    assert list(table["dropped_exited"]) == [0, 0]
    assert list(table["dropped_in_progress"]) == [0, 1]


@pytest.mark.parametrize("spec", [FunnelSpec(steps=["Awareness", "Consideration"]),
                                  FunnelSpec(steps=["Awareness", "Consideration"], window_days=0.5),
                                  FunnelSpec(steps=["Awareness", "Consideration"], mode="any")])
def test_summary_and_one_pass_aggregate_agree(ws: Workspace, spec: FunnelSpec,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from_summary = funnel(ws.con, spec, ws.settings).table
    monkeypatch.setattr(layout, "summary_covers", lambda con, as_of: False)
    from_aggregate = funnel(ws.con, spec, ws.settings).table
    pd.testing.assert_frame_equal(from_summary, from_aggregate)
    # With a 12-hour window the start at 01-01 is 24 h short, but a1's second Awareness (01-02, tried as
    # a start: the account is re-read from the layout) reaches Consideration at the same instant.
    assert list(from_summary["accounts"]) == [2, 1]
    assert list(from_summary["median_days_from_previous"].iloc[1:]) == [0.0 if spec.window_days else 1.0]


def test_replaced_events_are_read_without_a_new_mapping(ws: Workspace) -> None:
    """A canonical table written directly (tests, the bench) is laid out again before the next query."""
    canonical.create_table(ws.con, canonical.JOURNEY_EVENTS, [
        ("z9", "Awareness", "2024-02-01"), ("z9", "Consideration", "2024-02-03"), ("y8", "Awareness", "2024-02-02"),
    ])
    table = funnel(ws.con, FunnelSpec(steps=["Awareness", "Consideration"]), ws.settings).table
    assert list(table["accounts"]) == [2, 1]
    assert _rows(ws, layout.ACCOUNT_KEYS) == [(1, "y8"), (2, "z9")]
    ws.con.execute("INSERT INTO journey_events (account_id, stage, ts) VALUES ('y8', 'Consideration', '2024-02-05')")
    moves = transitions(ws.con, ws.settings)
    assert moves[["from_stage", "to_stage", "accounts"]].values.tolist() == [["Awareness", "Consideration", 2]]


def test_layout_stays_out_of_the_sql_page_and_saved_files(ws: Workspace) -> None:
    with sql.Explorer(ws.con) as explorer:
        listed = set(sql.tables(explorer)["table"])
    assert not listed & set(layout.INTERNAL_TABLES)
    assert "journey_events" in listed
    assert not set(saved._saved_tables(ws)) & set(layout.INTERNAL_TABLES)
    # Without a mapping every base table is data, except the layout a funnel built on the side.
    bare = Workspace()
    try:
        canonical.create_table(bare.con, canonical.JOURNEY_EVENTS, [("a1", "Awareness", "2024-01-01")])
        funnel(bare.con, FunnelSpec(steps=["Awareness"]))
        assert set(layout.INTERNAL_TABLES) <= {r[0] for r in bare.con.execute("SHOW TABLES").fetchall()}
        assert saved._saved_tables(bare) == ["journey_events"]
    finally:
        bare.close()


def test_restored_workspace_rebuilds_the_layout(ws: Workspace) -> None:
    buffer = io.BytesIO()
    saved.save_workspace(ws, buffer)
    restored = saved.open_workspace(buffer.getvalue())
    try:
        assert _rows(restored, layout.ACCOUNT_KEYS) == [(1, "a1"), (2, "b2"), (3, "c3")]
        table = funnel(restored.con, FunnelSpec(steps=["Awareness", "Consideration"]), restored.settings).table
        assert list(table["accounts"]) == [2, 1]
    finally:
        restored.close()


def test_unmap_drops_the_layout(ws: Workspace) -> None:
    ws.clear()
    tables = {r[0] for r in ws.con.execute("SHOW TABLES").fetchall()}
    assert not tables & set(layout.INTERNAL_TABLES)
