"""Account keys: one spelling per account id, and how many of each view's ids the accounts table knows.

Salesforce 15- and 18-character ids are the same account (README, "Data you can bring"): an 18-
character id whose last three characters are its checksum becomes its 15-character form, so both
spellings meet. The key-match report gives, per view, the share of rows whose account is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from cxlib.canonical import quote
from cxlib.mapping.raw_tables import table_exists
from cxlib.mapping.roles import ACTIVITIES, FACTOR_RATINGS, JOURNEY_EVENTS, STAGE_SNAPSHOTS, SURVEYS
from cxlib.mapping.view_sql import ledger_table

# The Salesforce checksum: for each five-character chunk, a bit per upper-case letter picks one of 32.
# `_cx_account_id(x)` is the one rule every view applies to an account id (see view_sql.TableSql).
# The byte-length test first (18 ASCII characters are 18 bytes) spares the regular expression for
# every other id: 10 M short ids then cost a length check each.
ACCOUNT_ID_MACROS = (
    "CREATE OR REPLACE MACRO _cx_sf_chunk(s, k) AS substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + "
    + " + ".join(f"(CASE WHEN regexp_matches(substr(s, k * 5 + {j + 1}, 1), '[A-Z]') THEN {1 << j} ELSE 0 END)"
                 for j in range(5)) + ", 1)",
    "CREATE OR REPLACE MACRO _cx_account_id(x) AS CASE WHEN x IS NOT NULL AND strlen(x) = 18 "
    "AND regexp_full_match(x, '[a-zA-Z0-9]{18}') "
    "AND right(x, 3) = _cx_sf_chunk(x, 0) || _cx_sf_chunk(x, 1) || _cx_sf_chunk(x, 2) THEN left(x, 15) ELSE x END",
)


def create_account_id_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create `_cx_account_id`, the account-id rule the canonical views' SQL calls."""
    for macro in ACCOUNT_ID_MACROS:
        con.execute(macro)


@dataclass
class KeyMatch:
    """How many of a view's account ids are found in the accounts table, and the top misses."""

    view: str
    rows: int
    matched: int
    share: float
    top_unmatched: pd.DataFrame


def key_match(con: duckdb.DuckDBPyConnection, top: int = 10) -> list[KeyMatch]:
    """Per view, the share of rows whose account id is in the accounts table and the top misses.

    Empty when no accounts are loaded (there is nothing to match against).
    """
    if not con.execute("SELECT count(*) FROM accounts").fetchone()[0]:
        return []
    out = []
    for view in (JOURNEY_EVENTS, STAGE_SNAPSHOTS, SURVEYS, FACTOR_RATINGS, ACTIVITIES):
        source = ledger_table(view) if table_exists(con, ledger_table(view)) else view
        sql = f"""
WITH known_ids AS (SELECT DISTINCT account_id FROM accounts WHERE account_id IS NOT NULL),
keyed_rows AS (
    SELECT view_row.account_id, known.account_id IS NOT NULL AS in_accounts
    FROM {quote(source)} AS view_row LEFT JOIN known_ids AS known ON known.account_id = view_row.account_id
    WHERE view_row.account_id IS NOT NULL)
SELECT count(*) AS rows, count(*) FILTER (WHERE in_accounts) AS matched FROM keyed_rows"""
        rows, matched = con.execute(sql).fetchone()
        if not rows:
            continue
        misses = con.execute(f"""
WITH known_ids AS (SELECT DISTINCT account_id FROM accounts WHERE account_id IS NOT NULL)
SELECT view_row.account_id, count(*) AS rows
FROM {quote(source)} AS view_row
WHERE view_row.account_id IS NOT NULL AND view_row.account_id NOT IN (SELECT account_id FROM known_ids)
GROUP BY view_row.account_id ORDER BY rows DESC, view_row.account_id LIMIT ?""", [top]).df()
        out.append(KeyMatch(view, int(rows), int(matched), int(matched) / int(rows), misses))
    return out
