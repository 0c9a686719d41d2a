"""Stage values are read once per loaded table and column: counts kept, a replaced table read anew."""

from __future__ import annotations

import duckdb

from cxlib.mapping.document import Mapping, TableMapping
from cxlib.mapping.stage_map import stage_values
from cxlib.settings import Settings


def _mapping() -> Mapping:
    return Mapping([TableMapping("ev", "ev.csv", "journey_events", {"stage": "stage", "ts": "ts"})], {}, Settings())


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    values = stage_values(con, _mapping())
    return dict(zip(values["value"], values["rows"]))


def test_counts_are_kept_and_a_replaced_table_is_read_again() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE ev AS SELECT * FROM (VALUES (' Lead', 1), ('Lead', 2), ('Won', 3), ('', 4), "
                "(NULL, 5)) v(stage, ts)")
    assert _counts(con) == {"Lead": 2, "Won": 1}       # ' Lead' trimmed; '' and NULL are no value
    # Kept: a second reading is served from the kept counts (one marker row + two values).
    assert con.execute("SELECT count(*) FROM _cx_stage_value_counts").fetchone()[0] == 3
    assert _counts(con) == {"Lead": 2, "Won": 1}
    # The same name loaded again with other rows is a new table: read anew, the old counts dropped.
    con.execute("CREATE OR REPLACE TABLE ev AS SELECT * FROM (VALUES ('Won', 1)) v(stage, ts)")
    assert _counts(con) == {"Won": 1}
    assert con.execute("SELECT count(*) FROM _cx_stage_value_counts").fetchone()[0] == 2


def test_a_view_is_read_every_time() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE base AS SELECT * FROM (VALUES ('Lead', 1)) v(stage, ts)")
    con.execute("CREATE VIEW ev AS SELECT * FROM base")
    assert _counts(con) == {"Lead": 1}
    con.execute("INSERT INTO base VALUES ('Lead', 2)")
    assert _counts(con) == {"Lead": 2}
    assert con.execute("SELECT count(*) FROM _cx_stage_value_counts").fetchone()[0] == 0
