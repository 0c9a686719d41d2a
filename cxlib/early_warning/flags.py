"""Which customer accounts need us now, and why: the flagged list, counts and ARR per signal, and the
accounts behind every count (README, "Early warning").

An account is flagged at the as-of date when any signal holds; `signals` lists them (`;`-separated,
in `SIGNALS` order), `first_signal_date` is the earliest date from which a signal that holds now
has held without a break, and `evidence` joins the signals' sentences. Every number here is computed
in DuckDB over `signals.signals_ctes`; `evidence` only turns rows into words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from cxlib import dimensions
from cxlib.activities import activities_count
from cxlib.behind.core import accounts_behind
from cxlib.early_warning import evidence, pace
from cxlib.early_warning.config import NEEDS_ACTIVITIES, SIGNALS, WarningConfig
from cxlib.early_warning.ordering import order_by_sql, renews_soon_sql
from cxlib.early_warning.signals import signal_order_sql, signals_ctes
from cxlib.errors import MetricError
from cxlib.scores import ScoreConfig
from cxlib.settings import Settings
from cxlib.sqlparams import run as run_sql

CLI_COLUMNS = ["account_id", "name", "arr", "renewal_date", "signals", "first_signal_date", "evidence"]
TABLE_COLUMNS = CLI_COLUMNS + ["n_signals", "renews_soon"]
SUMMARY_COLUMNS = ["signal", "label", "accounts", "arr"]


@dataclass(frozen=True)
class Flag:
    """An account's early-warning signal: its kind (a `SIGNALS` name), title (`LABELS`) and detail (the
    lower-case evidence phrase). The Account page, its story and its meeting pack show exactly these."""

    kind: str
    title: str
    detail: str


@dataclass(frozen=True)
class Run:
    """One evaluation's inputs: the SQL, its parameters, and the as-of instant it was cut at."""

    ctes: str
    params: dict[str, Any]
    as_of: dt.datetime
    config: WarningConfig
    has_activities: bool = False
    # The signal rows, once evaluated: the list, the summary and the per-signal lists all start from them.
    memo: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    def query(self, con: duckdb.DuckDBPyConnection, select: str, extra: dict[str, Any] | None = None
              ) -> pd.DataFrame:
        """`WITH <signals> <select>` with the run's parameters (plus `extra`)."""
        return run_sql(con, f"WITH {self.ctes}\n{select}", self.params | (extra or {}))


def prepare(con: duckdb.DuckDBPyConnection, config: WarningConfig | None = None,
            score_config: ScoreConfig | None = None, settings: Settings | None = None,
            as_of: dt.datetime | None = None) -> Run:
    """Everything every early-warning number needs at one instant (default: the data's as-of date).

    MetricError when nothing is dated (there is no "now" to measure to).
    """
    config = config or WarningConfig()
    config.validate()
    settings = settings or Settings()
    score_config = score_config or ScoreConfig()
    as_of = as_of or dimensions.as_of_date(con, settings)
    by = dimensions.check_accounts_column(con, config.stalled_by) if config.stalled_by else None
    p90 = pace.p90_table(con, settings, as_of, by)
    ctes, params = signals_ctes(con, config, score_config, settings, as_of, p90)
    params["renewal_days"] = int(config.renewal_days)
    return Run(ctes, params, as_of, config, activities_count(con) > 0)   # missed_qbr is listed only then


def signals_in_use(run: Run) -> list[str]:
    """The signals this run lists: all of `SIGNALS`, those needing activities only when activities are loaded."""
    return [s for s in SIGNALS if run.has_activities or s not in NEEDS_ACTIVITIES]


def signal_rows(con: duckdb.DuckDBPyConnection, run: Run) -> pd.DataFrame:
    """One row per (flagged account, signal): the values behind it, `since` and the `evidence` sentence."""
    return _signal_rows(con, run).copy()


def _signal_rows(con: duckdb.DuckDBPyConnection, run: Run) -> pd.DataFrame:
    """The run's signal rows, evaluated once (the list, the summary and every per-signal list read them)."""
    rows = run.memo.get("signal_rows")
    if rows is None:
        rows = run.query(con, f"SELECT * FROM signal_rows ORDER BY account_id, {signal_order_sql('signal')}")
        rows["evidence"] = [evidence.sentence(r, run.config) for r in rows.to_dict("records")]
        run.memo["signal_rows"] = rows
    return rows


def _over_signal_rows(con: duckdb.DuckDBPyConnection, run: Run, ctes_and_select: str,
                      params: dict[str, Any]) -> pd.DataFrame:
    """`WITH acct, signal_rows, <ctes_and_select>` where signal_rows are the run's evaluated rows (passed as
    list parameters), not the signal CTEs again (every signal re-evaluated: most of a large upload's visit)."""
    rows = _signal_rows(con, run)
    evaluated = {"ew_row_ids": [str(a) for a in rows["account_id"]], "ew_row_signals": list(rows["signal"]),
                 "ew_row_since": [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in rows["since"]]}
    return run_sql(con, f"""
        WITH {dimensions.ACCOUNTS_CTE},
        signal_rows AS (
            SELECT unnest($ew_row_ids::VARCHAR[]) AS account_id, unnest($ew_row_signals::VARCHAR[]) AS signal,
                   unnest($ew_row_since::TIMESTAMP[]) AS since
        ),
        {ctes_and_select}""", params | evaluated)


def warnings_table(con: duckdb.DuckDBPyConnection, run: Run, segment: tuple[str, Any] | None = None
                   ) -> pd.DataFrame:
    """The flagged customers, ordered (renewal soon, signals, ARR, id): `TABLE_COLUMNS`.

    `segment` (accounts column, value) keeps one segment's accounts (the meeting pack's). No account
    flagged: an empty table with the same columns.
    """
    where, extra = "", {}
    if segment is not None:
        where, extra = dimensions.segment_filter_sql(dimensions.check_accounts_column(con, segment[0]), segment[1],
                                                     "f")
        where = "WHERE true " + where
    table = _over_signal_rows(con, run, f"""
        flagged AS (
            SELECT account_id,
                   string_agg(signal, ';' ORDER BY {signal_order_sql('signal')}) AS signals,
                   count(*) AS n_signals,
                   CAST(min(since) AS DATE) AS first_signal_date
            FROM signal_rows
            GROUP BY account_id
        )
        SELECT f.account_id, a.name, a.arr, CAST(a.renewal_date AS DATE) AS renewal_date, f.signals,
               f.first_signal_date, f.n_signals, {renews_soon_sql('a.renewal_date')} AS renews_soon
        FROM flagged AS f LEFT JOIN acct AS a USING (account_id)
        {where}
        {order_by_sql('a.renewal_date', 'f.n_signals', 'a.arr', 'f.account_id')}
    """, run.params | extra)
    rows = _signal_rows(con, run)
    # Per account its rows' "signal: evidence" in signal order; a dict, since pandas joins strings per
    # group in Python one group at a time (0.2 s for 7,500 flagged accounts).
    joined: dict[str, list[str]] = {}
    for account, signal, text in zip(rows["account_id"], rows["signal"], rows["evidence"], strict=True):
        joined.setdefault(account, []).append(f"{signal}: {text}")
    table["evidence"] = ["; ".join(joined.get(account, ())) for account in table["account_id"]]
    for c in ("renewal_date", "first_signal_date"):     # calendar dates, as the CLI prints them
        table[c] = pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in table[c]], dtype="object")
    table["n_signals"] = table["n_signals"].astype("int64")
    table["renews_soon"] = table["renews_soon"].astype(bool)
    return table[TABLE_COLUMNS].reset_index(drop=True)


def cli_table(table: pd.DataFrame) -> pd.DataFrame:
    """The `warnings` command's columns (a public contract): `CLI_COLUMNS`, dates as YYYY-MM-DD."""
    out = table[CLI_COLUMNS].copy()
    for c in ("renewal_date", "first_signal_date"):
        out[c] = [None if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in out[c]]
    return out


def signal_summary(con: duckdb.DuckDBPyConnection, run: Run) -> pd.DataFrame:
    """Per signal (`signals_in_use`, in order, zeros kept): flagged accounts and their ARR; then 'any signal'."""
    names = signals_in_use(run)
    summary = _over_signal_rows(con, run, """
        names AS (SELECT unnest($names) AS signal, generate_subscripts($names, 1) AS ord),
        flagged_rows AS (
            SELECT r.signal, r.account_id, a.arr FROM signal_rows AS r LEFT JOIN acct AS a USING (account_id)
        ),
        per_signal AS (
            SELECT n.signal, n.ord, count(f.account_id) AS accounts, sum(f.arr) AS arr
            FROM names AS n LEFT JOIN flagged_rows AS f USING (signal)
            GROUP BY n.signal, n.ord
        ),
        any_signal AS (
            SELECT 'any signal' AS signal, 99 AS ord, count(*) AS accounts, sum(arr) AS arr
            FROM (SELECT account_id, any_value(arr) AS arr FROM flagged_rows GROUP BY account_id) AS flagged
        )
        SELECT signal, accounts, coalesce(arr, 0) AS arr FROM per_signal
        UNION ALL SELECT signal, accounts, coalesce(arr, 0) FROM any_signal
    """, run.params | {"names": names})
    order = {s: i for i, s in enumerate([*names, "any signal"])}
    summary = summary.sort_values("signal", key=lambda s: s.map(order)).reset_index(drop=True)
    summary["label"] = [evidence.LABELS.get(s, "Any signal") for s in summary["signal"]]
    summary["accounts"] = summary["accounts"].astype("int64")
    summary["arr"] = summary["arr"].astype(float)
    return summary[SUMMARY_COLUMNS]


def _listed(con: duckdb.DuckDBPyConnection, ids: list[Any], values: list[Any], since: list[Any] | None,
            value_label: str) -> pd.DataFrame:
    """The one list shape (`cxlib.behind.accounts_behind`) for accounts and their values computed here."""
    since_col = ", unnest($ew_since::DATE[]) AS since" if since is not None else ""
    sql = f"SELECT unnest($ew_ids::VARCHAR[]) AS account_id, unnest($ew_values::VARCHAR[]) AS value{since_col}"
    params: dict[str, Any] = {"ew_ids": [str(i) for i in ids], "ew_values": [None if pd.isna(v) else str(v)
                                                                          for v in values]}
    if since is not None:
        params["ew_since"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in since]
    return accounts_behind(con, sql, params, value_label=value_label)


def signal_accounts(con: duckdb.DuckDBPyConnection, run: Run, signal: str | None = None) -> pd.DataFrame:
    """The accounts behind a signal's count (None or 'any signal': behind the flagged total), in the one list shape.

    Columns: account_id, name, segment columns, arr, value (the evidence sentence behind the number), since
    (the date the signal became true; for the total, `first_signal_date`).
    """
    if signal not in (None, "any signal", *SIGNALS):
        raise MetricError(f"Unknown signal '{signal}': use one of {', '.join(SIGNALS)}.")
    if signal in (None, "any signal"):
        table = warnings_table(con, run)
        return _listed(con, list(table["account_id"]), list(table["evidence"]), list(table["first_signal_date"]),
                       "evidence (all signals that hold)")
    rows = signal_rows(con, run)
    mine = rows[rows["signal"] == signal]
    return _listed(con, list(mine["account_id"]), list(mine["evidence"]), list(mine["since"]),
                   f"evidence ({evidence.LABELS[signal]})")


def customers_count(con: duckdb.DuckDBPyConnection, run: Run) -> int:
    """How many customers the signals were checked on at the run's instant."""
    return int(run.query(con, "SELECT count(*) AS n FROM ew_customers")["n"].iloc[0])


def customer_accounts(con: duckdb.DuckDBPyConnection, run: Run) -> pd.DataFrame:
    """The accounts behind `customers_count`, in the one list shape (value: 'flagged' or 'not flagged')."""
    ids = list(run.query(con, "SELECT account_id FROM ew_customers ORDER BY account_id")["account_id"])
    flagged = set(signal_rows(con, run)["account_id"])
    return _listed(con, ids, ["flagged" if i in flagged else "not flagged" for i in ids], None,
                   "flagged at the as-of date")


def account_rows(con: duckdb.DuckDBPyConnection, run: Run, account_id: str) -> pd.DataFrame:
    """One account's signal rows with their evidence (the Account page's flags)."""
    rows = signal_rows(con, run)
    return rows[rows["account_id"] == str(account_id)].reset_index(drop=True)


def flags_of(rows: pd.DataFrame, account_id: str) -> list[Flag]:
    """One account's early-warning flags from `signal_rows`, in signal order, with the list's evidence."""
    mine = rows[rows["account_id"] == str(account_id)]
    return [Flag(signal, evidence.LABELS[signal], text) for signal, text in zip(mine["signal"], mine["evidence"])]


__all__ = ["CLI_COLUMNS", "SUMMARY_COLUMNS", "TABLE_COLUMNS", "Flag", "Run", "account_rows", "flags_of", "cli_table",
           "customer_accounts", "customers_count", "prepare", "signal_accounts", "signal_rows", "signal_summary",
           "signals_in_use",
           "warnings_table"]
