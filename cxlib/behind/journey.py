"""The accounts behind the Journey map's counts: accounts on the map, a move's, a path's, a stage's.

Built on the journey map's own CTEs (`journey.paths_sql`: `visits`, each account's visits in
order, by layout key; ids joined back from the key dictionary), with its segment filter and as-of cut: an account is on the map when it has a visit; it
made a move from→to when two consecutive visits are that pair (as `transitions` counts it); it
followed a path when its visits are exactly those stages (as `top_paths` counts it); it reached a
stage when one of its visits is that stage (the emotion curve's `accounts_reached`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cxlib import layout
from cxlib.behind.core import accounts_behind
from cxlib.canonical import quote
from cxlib.journey import PATH_SEPARATOR, Segment, journey_params, paths_sql
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.sqlparams import used_params


def journey_accounts(con: duckdb.DuckDBPyConnection, settings: Settings | None = None, segment: Segment | None = None,
                     *, move: tuple[str, str] | None = None, path: list[str] | None = None,
                     stage: str | None = None) -> pd.DataFrame:
    """The accounts on the map (`map_summary`'s accounts), or those that made `move` (from, to), followed
    `path` exactly or reached `stage`. Value = the account's path; a move's list also says how many times
    it was made."""
    if sum(x is not None for x in (move, path, stage)) > 1:
        raise MetricError("Ask for the accounts of one move, path or stage at a time.")
    settings, condition, params = journey_params(settings, con, segment)
    params = params | {"separator": PATH_SEPARATOR}
    made, where = "", "true"
    if move is not None:
        params |= {"behind_from": str(move[0]), "behind_to": str(move[1])}
        pair = ("list_filter(v[2:], lambda to_code, i: v[i] = list_position($codes, $behind_from) "
                "AND to_code = list_position($codes, $behind_to))")
        made, where = f", len({pair}) AS moves", f"len({pair}) > 0"
    elif path is not None:
        params |= {"behind_path": [str(s) for s in path]}
        where = "list_transform(v, lambda c: $codes[c]) = CAST($behind_path AS VARCHAR[])"
    elif stage is not None:
        params |= {"behind_stage": str(stage)}
        where = "list_contains(v, list_position($codes, $behind_stage))"
    sql = f"""
WITH {paths_sql(condition, params["key_type"])}
SELECT k.account_id, array_to_string(list_transform(v, lambda c: $codes[c]), $separator) AS value{made}
FROM visits
JOIN {quote(layout.ACCOUNT_KEYS)} AS k USING (account_key)
WHERE {where}"""
    return accounts_behind(con, sql, used_params(sql, params), value_label="path")
