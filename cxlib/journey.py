"""Journey map metrics: stage transitions, Sankey data, top paths and the emotion curve.

Each metric is plain DuckDB SQL over the canonical views (`journey_events`, `surveys`,
`accounts`) with named CTEs: one small look-up of the stage names and time range present, then
one query. Definitions shared by all of them:

- An account's *path* is its stage entries in time order. Entries at the same instant are in
  stage order (the configured stages in journey order, then any other stage name alphabetically).
  Each stage has its own code in that order, so entries tied on (time, stage order) are entries of
  the same stage; the source row, the last tie-break, can therefore never change a result.
- Consecutive entries of the same stage collapse into one visit (A, A, B → A, B); a stage
  entered again later is a new visit (A, B, A).
- A *move* is a pair of consecutive visits. It is a *return* when it goes back up the funnel
  (to a funnel stage earlier than the one it leaves) or from an exit stage back into the
  funnel (Disappointment → Loyalty, a churned account coming back); it is an *exit* when it
  enters an exit stage (Disappointment, Churn, Lost deal).
- A segment `(column, value)` keeps the accounts whose accounts-table `column` equals `value`
  (`dimensions`: column names case-insensitive, values as trimmed text, an account's first row);
  value None (shown as "(none)") keeps accounts with no value there, or missing from accounts.
- Entries and answers after the as-of date (`dimensions.as_of_date`) are not known yet.

Speed: entries are read from the journeys' layout (`cxlib.layout`: integer account keys, one-byte
stage codes, rows in (account, time) order), the layout's codes translated to this query's stage
order through a small list. Paths are built in one pass, a hash aggregate on the integer account
key of each account's entries as a list of integer keys packing (time, stage code), sorted per
account in memory. On 10 M events that is faster than `lag()` over a window partitioned by account
(which sorts every event globally by account and time). Account ids are never read: segments
select account keys through the layout's key dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions, layout
from cxlib.dimensions import NONE_SEGMENT  # noqa: F401  (re-exported: the label the pages show)
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.sqlparams import used_params
from cxlib.stages import EXIT_COLOR, NEUTRAL_COLOR, exit_stages, funnel_stages, stage_colors, stage_order
from cxlib.surveys import NPS_VALID_SQL, csat_scale_or_default, on_scale_sql

PATH_SEPARATOR = " → "

Segment = tuple[str, Any]


@dataclass
class SankeyData:
    """Nodes (step along the path, stage) and links between consecutive steps, ready for a Sankey."""

    nodes: pd.DataFrame   # node_id, step, stage, label, color, accounts, stage_order (lane)
    links: pd.DataFrame   # source, target, accounts, is_return, is_exit


def _stage_params(settings: Settings) -> dict[str, Any]:
    """The stage lists every query here needs, as SQL parameters (journey order throughout)."""
    order = stage_order(settings.stages)
    colors = stage_colors(settings.stages)
    names = sorted(order, key=order.__getitem__)
    return {
        "stage_names": names,
        "funnel_names": funnel_stages(settings.stages),
        "exit_names": exit_stages(settings.stages),
        "stage_colors": [colors.get(n, NEUTRAL_COLOR) for n in names],
    }


def _segment_filter(con: duckdb.DuckDBPyConnection, segment: Segment | None,
                    alias: str) -> tuple[str, dict[str, Any]]:
    """SQL condition (on `alias`.account_id) keeping one segment's accounts, and its parameters."""
    if segment is None:
        return "", {}
    column, value = segment
    return dimensions.segment_filter_sql(dimensions.check_accounts_column(con, str(column)), value, alias)


def _segment_keys_filter(con: duckdb.DuckDBPyConnection, segment: Segment | None,
                         alias: str) -> tuple[str, dict[str, Any]]:
    """SQL condition (on `alias`.account_key, a layout row) keeping one segment's accounts, and its parameters."""
    if segment is None:
        return "", {}
    condition, params = _segment_filter(con, segment, "seg_keys")
    keys = canonical.quote(layout.ACCOUNT_KEYS)
    return (f"AND {alias}.account_key IN (SELECT seg_keys.account_key FROM {keys} AS seg_keys "
            f"WHERE true {condition})"), params


def _stage_codes(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, Any]:
    """Stage codes and the per-entry sort key for one query, from the layout's small tables.

    Codes: the configured stages in journey order, then any other stage in the data by name; a
    configured stage's code is its stage order. `remap` translates a layout stage code into this
    query's code. An entry's sort key packs (time, code) into one integer, so sorting keys orders
    entries by time, ties in stage order, and the key gives back its code. Keys count microseconds
    from the earliest entry: BIGINT, unless the data spans thousands of years (sentinel dates such
    as 9999-12-31) with many stages, then HUGEINT.
    """
    layout.ensure_layout(con)
    present = layout.stage_codes(con)
    t_min, t_max = con.execute(
        f"SELECT epoch_us(t_min), epoch_us(t_max) FROM {canonical.quote(layout.SPAN)}").fetchone()
    configured = _stage_params(settings)["stage_names"]
    codes = configured + sorted(set(present) - set(configured))
    remap = [0] * len(present)
    for stage, code in present.items():
        remap[code - 1] = codes.index(stage) + 1
    multiplier = 2 ** max(1, len(codes).bit_length())          # > every code
    span = (t_max - t_min) if t_min is not None else 0
    key_type = "BIGINT" if (span + 1) * multiplier < 2 ** 63 else "HUGEINT"
    return {"codes": codes, "remap": remap, "t0": t_min or 0, "m": multiplier, "key_type": key_type}


def _entries_sql(segment_condition: str) -> str:
    """`entries`: each layout entry known at the as-of date as (account_key, ts, this query's code)."""
    return f"""
entries AS (
    SELECT e.account_key, e.ts, $remap[e.stage_code] AS code
    FROM {canonical.quote(layout.LAYOUT)} AS e
    WHERE (CAST($as_of AS TIMESTAMP) IS NULL OR e.ts <= CAST($as_of AS TIMESTAMP))
      {segment_condition}
)"""


def paths_sql(segment_condition: str, key_type: str) -> str:
    """Named CTEs shared by the journey queries: `entries`, each account's `paths` and `visits`."""
    return f"""{_entries_sql(segment_condition)},
paths AS (
    -- each account's entries in time order, ties in stage order: one sorted list of keys
    SELECT account_key,
           list_transform(list_sort(list((epoch_us(ts) - $t0)::{key_type} * $m + code)),
                          lambda k: (k % $m)::INTEGER) AS codes
    FROM entries
    GROUP BY account_key
),
visits AS (
    -- consecutive entries of one stage are one visit
    SELECT account_key, list_filter(codes, lambda c, i: i = 1 OR c <> codes[i - 1]) AS v
    FROM paths
)"""


# Flags of a move between two named stages (SQL expressions over from_stage / to_stage).
_IS_RETURN = """coalesce(
        (list_contains($funnel_names, from_stage) AND list_contains($funnel_names, to_stage)
         AND list_position($funnel_names, to_stage) < list_position($funnel_names, from_stage))
        OR (list_contains($exit_names, from_stage) AND list_contains($funnel_names, to_stage)),
        false)"""
_IS_EXIT = "coalesce(list_contains($exit_names, to_stage), false)"


def journey_params(settings: Settings | None, con: duckdb.DuckDBPyConnection, segment: Segment | None,
            alias: str = "e") -> tuple[Settings, str, dict[str, Any]]:
    """Settings (defaults when None), the segment condition and every parameter of a query."""
    settings = settings or Settings()
    condition, params = _segment_keys_filter(con, segment, alias)
    return settings, condition, {**_stage_params(settings), **_stage_codes(con, settings), **params,
                                 "as_of": dimensions.as_of_param(con, settings)}


def _moves_sql(segment_condition: str, key_type: str) -> str:
    """The journey CTEs plus `moves_named`: each from→to pair with accounts, moves and flags."""
    return f"""{paths_sql(segment_condition, key_type)},
moves AS (
    SELECT list_transform(v[2:], lambda to_code, i: v[i] * $m + to_code) AS pairs
    FROM visits
),
flagged AS (
    -- an account counts once per pair: the first of its moves of that pair carries it
    SELECT unnest(list_transform(pairs, lambda p, i: p * 2 + (list_position(pairs, p) = i)::INTEGER)) AS move
    FROM moves
),
pairs AS (
    SELECT move // 2 AS pair, sum(move % 2) AS accounts, count(*) AS transitions
    FROM flagged
    GROUP BY pair
),
named AS (
    SELECT $codes[pair // $m] AS from_stage, $codes[pair % $m] AS to_stage, pair, accounts, transitions
    FROM pairs
),
moves_named AS (
    SELECT from_stage, to_stage, pair, accounts::BIGINT AS accounts, transitions::BIGINT AS transitions,
           {_IS_RETURN} AS is_return,
           {_IS_EXIT} AS is_exit
    FROM named
)"""


def transitions(con: duckdb.DuckDBPyConnection, settings: Settings | None = None,
                segment: Segment | None = None) -> pd.DataFrame:
    """From→to stage moves with distinct accounts and move counts, returns and exits flagged.

    Columns: from_stage, to_stage, accounts, transitions, is_return, is_exit; in journey order.
    One pass: a hash aggregate gathers each account's entries, sorted per account in memory.
    """
    settings, condition, params = journey_params(settings, con, segment)
    sql = f"""
WITH {_moves_sql(condition, params["key_type"])}
SELECT from_stage, to_stage, accounts, transitions, is_return, is_exit
FROM moves_named
ORDER BY pair
"""
    return con.execute(sql, used_params(sql, params)).df()


def map_summary(con: duckdb.DuckDBPyConnection, settings: Settings | None = None,
                segment: Segment | None = None) -> dict[str, int]:
    """The Journey map's headline: accounts on the map, moves, returns and exit moves.

    Accounts are those with at least one dated entry (in the segment); moves count as in `transitions`.
    """
    settings, condition, params = journey_params(settings, con, segment)
    sql = f"""
WITH {_moves_sql(condition, params["key_type"])}
SELECT (SELECT count(*) FROM visits) AS accounts,
       coalesce(sum(transitions), 0) AS moves,
       coalesce(sum(transitions) FILTER (WHERE is_return), 0) AS returns,
       coalesce(sum(transitions) FILTER (WHERE is_exit), 0) AS exit_moves
FROM moves_named
"""
    row = con.execute(sql, used_params(sql, params)).fetchone()
    return dict(zip(("accounts", "moves", "returns", "exit_moves"), (int(v) for v in row)))


def sankey_data(con: duckdb.DuckDBPyConnection, max_moves: int = 6, settings: Settings | None = None,
                segment: Segment | None = None) -> SankeyData:
    """Sankey nodes (step, stage) and links for each account's first `max_moves` moves.

    Numbering the steps along the path keeps cycles readable: a return to Loyalty is a new node
    further right, never a loop. Step 1 is the first stage entered; node ids run in step order,
    then stage order. Exit nodes are red.
    """
    if not isinstance(max_moves, Integral) or max_moves < 1:
        raise MetricError(f"The journey map needs at least 1 move to show (got {max_moves!r}).")
    max_moves = int(max_moves)
    settings, condition, params = journey_params(settings, con, segment)
    params = {**params, "max_moves": max_moves, "exit_color": EXIT_COLOR, "neutral_color": NEUTRAL_COLOR}
    sql = f"""
WITH {paths_sql(condition, params["key_type"])},
step_moves AS MATERIALIZED (
    -- the first max_moves + 1 visits of each path, numbered, with the visit after each
    SELECT s.step, v[s.step] AS code, v[s.step + 1] AS next_code, count(*) AS accounts
    FROM visits, unnest(generate_series(1, least(len(v), $max_moves + 1))) AS s(step)
    GROUP BY ALL
),
nodes AS (
    SELECT step, code, sum(accounts) AS accounts,
           row_number() OVER (ORDER BY step, code) - 1 AS node_id
    FROM step_moves
    GROUP BY step, code
),
links AS (
    SELECT step, code AS from_code, next_code AS to_code, accounts,
           $codes[code] AS from_stage, $codes[next_code] AS to_stage
    FROM step_moves
    WHERE step <= $max_moves AND next_code IS NOT NULL
)
-- nodes and links in one result (one pass over the events), told apart by `part`
SELECT 'node' AS part, node_id, step, $codes[code] AS stage,
       CASE WHEN list_contains($exit_names, $codes[code]) THEN $exit_color
            ELSE coalesce($stage_colors[code], $neutral_color) END AS color,
       accounts, code AS stage_order,
       NULL AS source, NULL AS target, NULL AS is_return, NULL AS is_exit
FROM nodes
UNION ALL
SELECT 'link', NULL, NULL, NULL, NULL, links.accounts, NULL, src.node_id, dst.node_id,
       {_IS_RETURN}, {_IS_EXIT}
FROM links
JOIN nodes AS src ON src.step = links.step AND src.code = links.from_code
JOIN nodes AS dst ON dst.step = links.step + 1 AND dst.code = links.to_code
ORDER BY part DESC, node_id, source, target
"""
    both = con.execute(sql, used_params(sql, params)).df()
    node_rows, link_rows = both[both["part"] == "node"], both[both["part"] == "link"]
    nodes = pd.DataFrame({
        "node_id": node_rows["node_id"].astype("int64"), "step": node_rows["step"].astype("int64"),
        "stage": node_rows["stage"].astype("str"), "label": node_rows["stage"].astype("str"),
        "color": node_rows["color"].astype("str"), "accounts": node_rows["accounts"].astype("int64"),
        "stage_order": node_rows["stage_order"].astype("int64"),
    }).reset_index(drop=True)
    links = pd.DataFrame({
        "source": link_rows["source"].astype("int64"), "target": link_rows["target"].astype("int64"),
        "accounts": link_rows["accounts"].astype("int64"), "is_return": link_rows["is_return"].astype(bool),
        "is_exit": link_rows["is_exit"].astype(bool),
    }).reset_index(drop=True)
    return SankeyData(nodes=nodes, links=links)


def top_paths(con: duckdb.DuckDBPyConnection, limit: int = 10, settings: Settings | None = None,
              segment: Segment | None = None) -> pd.DataFrame:
    """The most common full stage sequences (repeats collapsed), with accounts and share.

    Columns: path ("Awareness → Consideration"), stages (list), accounts, share (of all accounts
    with events in the segment, 0–1). Most common first; ties in journey order of the paths.
    """
    if not isinstance(limit, Integral) or limit < 1:
        raise MetricError(f"Top paths needs a limit of at least 1 (got {limit!r}).")
    limit = int(limit)
    settings, condition, params = journey_params(settings, con, segment)
    params = {**params, "limit": limit, "separator": PATH_SEPARATOR}
    sql = f"""
WITH {paths_sql(condition, params["key_type"])},
path_counts AS (
    SELECT v, count(*) AS accounts, sum(count(*)) OVER () AS all_accounts
    FROM visits
    GROUP BY v
),
named AS (
    SELECT list_transform(v, lambda c: $codes[c]) AS stages, v, accounts, all_accounts
    FROM path_counts
)
SELECT array_to_string(stages, $separator) AS path, stages, accounts::BIGINT AS accounts,
       accounts / all_accounts AS share
FROM named
ORDER BY accounts DESC, v
LIMIT $limit
"""
    df = con.execute(sql, used_params(sql, params)).df()
    df["stages"] = [list(s) for s in df["stages"]]
    return df


def emotion_curve(con: duckdb.DuckDBPyConnection, settings: Settings | None = None,
                  segment: Segment | None = None) -> pd.DataFrame:
    """Per stage: accounts that reached it, and the NPS and CSAT of surveys answered while in it.

    A survey belongs to the stage the account stood in when answering: the latest entry at or
    before the survey's time (an ASOF join), so [entry, next entry of any stage); a survey at the
    very instant of an entry belongs to the stage entered (of several entered at that instant,
    the last in stage order). A survey row that names a configured stage counts for that stage
    instead. NPS = 100 × (share 9–10 − share 0–6) over 0–10 answers; CSAT = share of satisfied answers
    (0–1) over whole answers on the CSAT scale found in the data (`surveys.detect_scale`: 4–5 of 1–5,
    Good of Zendesk's good/bad, …), as every CSAT number counts them. `nps_low_n` / `csat_low_n` flag
    each score's n below `settings.min_n`; `low_n` flags the stage: a score it shows rests on fewer than
    min_n answers, or it has no answers at all (a stage with solid CSAT and no NPS is not low). Rows: every configured stage
    in journey order (sharing the funnel's stage axis), then other stages only with data.
    """
    settings, condition, params = journey_params(settings, con, segment, alias="e")
    survey_condition, _ = _segment_filter(con, segment, "s")
    scale = csat_scale_or_default(con)
    params = {**params, "configured": [s.name for s in settings.stages], "min_n": settings.min_n}
    surveys = canonical.quote(canonical.SURVEYS)
    keys = canonical.quote(layout.ACCOUNT_KEYS)
    sql = f"""
WITH {_entries_sql(condition)},
standing AS (
    -- where each account stands from each instant on: the last of that instant's entries
    SELECT account_key, ts, max(code) AS code
    FROM entries
    GROUP BY account_key, ts
),
answers AS (
    -- an answer's account key (NULL when the account has no journey entries)
    SELECT k.account_key, s.ts, s.score, upper(trim(s.survey_type)) AS kind,
           list_position($stage_names, s.stage) AS named_code
    FROM {surveys} AS s
    LEFT JOIN {keys} AS k ON k.account_id = s.account_id
    WHERE s.score IS NOT NULL AND s.account_id IS NOT NULL
      AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= CAST($as_of AS TIMESTAMP))
      {survey_condition}
),
placed AS (
    SELECT coalesce(a.named_code, st.code) AS code, a.kind, a.score
    FROM answers AS a
    ASOF LEFT JOIN standing AS st ON a.account_key = st.account_key AND a.ts >= st.ts
),
scores AS (
    SELECT code,
           count(*) FILTER (WHERE kind = 'NPS' AND {NPS_VALID_SQL}) AS nps_n,
           count(*) FILTER (WHERE kind = 'NPS' AND {NPS_VALID_SQL} AND score >= 9) AS promoters,
           count(*) FILTER (WHERE kind = 'NPS' AND {NPS_VALID_SQL} AND score <= 6) AS detractors,
           count(*) FILTER (WHERE kind = 'CSAT' AND {on_scale_sql(scale)}) AS csat_n,
           count(*) FILTER (WHERE kind = 'CSAT' AND {on_scale_sql(scale)}
                            AND score >= {scale.top_from}) AS satisfied
    FROM placed
    WHERE code IS NOT NULL
    GROUP BY code
),
reached AS (
    SELECT code, count(DISTINCT account_key) AS accounts_reached
    FROM entries
    GROUP BY code
),
axis AS (
    SELECT code, $codes[code] AS stage
    FROM range(1, len($codes) + 1) AS r(code)
),
curve AS (
    SELECT axis.stage, axis.code AS stage_order,
           coalesce(r.accounts_reached, 0) AS accounts_reached,
           100.0 * (sc.promoters - sc.detractors) / nullif(sc.nps_n, 0) AS nps,
           coalesce(sc.nps_n, 0) AS nps_n,
           sc.satisfied / nullif(sc.csat_n, 0) AS csat,
           coalesce(sc.csat_n, 0) AS csat_n
    FROM axis
    LEFT JOIN reached AS r USING (code)
    LEFT JOIN scores AS sc USING (code)
)
SELECT stage, stage_order::BIGINT AS stage_order, accounts_reached::BIGINT AS accounts_reached,
       nps::DOUBLE AS nps, nps_n::BIGINT AS nps_n, csat::DOUBLE AS csat, csat_n::BIGINT AS csat_n,
       (nps_n BETWEEN 1 AND $min_n - 1 OR csat_n BETWEEN 1 AND $min_n - 1
        OR (nps_n = 0 AND csat_n = 0)) AS low_n,
       nps_n < $min_n AS nps_low_n,
       csat_n < $min_n AS csat_low_n
FROM curve
WHERE list_contains($configured, stage) OR accounts_reached > 0 OR nps_n > 0 OR csat_n > 0
ORDER BY stage_order
"""
    return con.execute(sql, used_params(sql, params)).df()
