"""Churn, defined once: logo and gross revenue churn per period, by segment and by reason.

An account is a customer from its first entry into Decision or a later funnel stage until it
enters Churn; entering a customer stage again after Churn (a return) starts a new customer spell.
A lost deal is never churn: that account was never a customer, and neither was one that went
from Consideration to an exit without signing.

For a period P = [start, end):
- active at start: in a customer spell that began strictly before P's start and had not ended
  before it (an account signing at the very first instant of P counts from the next period);
- churned in P: active at start, and its spell ended (entered Churn) during P. An account that
  signs and churns within P is in neither count, so the rate is a share of one fixed cohort;
- logo churn = churned ÷ active at start, with a Wilson 95% interval; gross revenue churn = their
  ARR ÷ the ARR of the accounts active at start (the accounts view's current ARR; accounts
  without ARR count as logos only).
Events after the as-of date (`dimensions.as_of_date`: the setting, else the latest timestamp in
the data) are ignored; a period that ends after the as-of date is flagged `partial`. Segments are
accounts columns.

An accounts export may instead carry a churn flag (`accounts.churned`: Churn yes/no, Status
Cancelled) and no churn dates. Then churn has no period: the **churned share (no period)** is the
accounts flagged churned ÷ the accounts whose flag says yes or no (a blank flag is unknown and
left out, as in `segments.compare`), with a Wilson 95% interval, and their ARR ÷ those accounts'
ARR. It describes the file as exported, not a rate per period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cxlib import canonical, dimensions, stats
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.stages import STAGE_SYNONYMS, normalize_label, Stage


def _means(stage: Stage, role: str) -> bool:
    """Whether a configured stage is (a renamed) Decision or Churn stage."""
    key = normalize_label(stage.name)
    return key == normalize_label(role) or STAGE_SYNONYMS.get(key) == role


def customer_stages(stages: list[Stage]) -> list[str]:
    """Funnel stages from Decision on: being in any of them makes an account a customer."""
    funnel = [s for s in stages if s.kind == "funnel"]
    for i, s in enumerate(funnel):
        if _means(s, "Decision"):
            return [f.name for f in funnel[i:]]
    raise MetricError("The stage list has no Decision (contract signed) stage, so churn has no customers "
                      "to count: name one funnel stage 'Decision'.")


def churn_stage(stages: list[Stage]) -> str:
    """The exit stage that means the customer left."""
    for s in stages:
        if s.kind == "exit" and _means(s, "Churn"):
            return s.name
    raise MetricError("The stage list has no Churn exit stage: name one exit stage 'Churn'.")


def spells_sql() -> str:
    """CTE `spells`: each account's customer spells [spell_start, spell_end) up to the as-of date ($as_of).

    Events reduce to customer (0) and churn (1) entries; a spell starts at a customer entry not
    preceded by another customer entry, and ends at the next churn entry. At one instant a
    customer entry sorts before a churn entry, so "signed and churned the same day" is a spell.
    """
    return f"""ev AS (
  SELECT e.account_id, e.ts,
         CASE WHEN list_contains($customer_stages, e.stage) THEN 0
              WHEN e.stage = $churn_stage THEN 1 END AS kind
  FROM {canonical.quote(canonical.JOURNEY_EVENTS)} e
  WHERE e.account_id IS NOT NULL AND e.ts IS NOT NULL AND e.ts <= CAST($as_of AS TIMESTAMP)
),
marked AS (
  SELECT account_id, ts, kind,
         lag(kind) OVER (PARTITION BY account_id ORDER BY ts, kind) AS prev_kind
  FROM ev WHERE kind IS NOT NULL
),
transitions AS (
  SELECT account_id, ts, kind FROM marked
  WHERE (kind = 0 AND prev_kind IS DISTINCT FROM 0) OR (kind = 1 AND prev_kind = 0)
),
spells AS (
  SELECT account_id, ts AS spell_start,
         lead(ts) OVER (PARTITION BY account_id ORDER BY ts, kind) AS spell_end
  FROM transitions
  QUALIFY kind = 0
)"""


def base_params(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, Any]:
    """The as-of date (NULL when nothing is dated: then no event counts) and the stage roles."""
    return {"as_of": dimensions.as_of_param(con, settings), "customer_stages": customer_stages(settings.stages),
            "churn_stage": churn_stage(settings.stages)}


def _segment(con: duckdb.DuckDBPyConnection, by: str | None) -> tuple[str, list[str]]:
    """The select expression for the segment (or nothing) and the key list."""
    if by is None:
        return "", []
    column = dimensions.check_accounts_column(con, by)
    return dimensions.segment_sql(f"a.{canonical.quote(column)}") + " AS segment, ", ["segment"]


def panel_ctes(periods_cte: str) -> str:
    """CTEs `acct`, the spells, `periods` and `panel`: one row per period and account active at its start,
    with whether it churned in the period (what `_rates` counts, and the accounts behind it list)."""
    return f"""{dimensions.ACCOUNTS_CTE},
{spells_sql()},
{periods_cte},
panel AS (
  SELECT p.period_start, p.period_end, s.account_id,
         s.spell_end IS NOT NULL AND s.spell_end < p.period_end AS churned
  FROM periods p
  JOIN spells s ON s.spell_start < p.period_start AND (s.spell_end IS NULL OR s.spell_end >= p.period_start)
)"""


def rates_periods_cte() -> str:
    """`periods` of `churn_rates`: every period from the first customer spell to the as-of date."""
    return f"""periods AS (
  SELECT period_start, period_start + to_months($step) AS period_end
  FROM (SELECT unnest(generate_series({dimensions.period_sql('lo')}, {dimensions.period_sql('hi')}, to_months($step)))
               AS period_start
        FROM (SELECT min(spell_start) AS lo, CAST($as_of AS TIMESTAMP) AS hi FROM spells))
)"""


def rates_params(con: duckdb.DuckDBPyConnection, period: str, settings: Settings) -> dict[str, Any]:
    """The parameters of `churn_rates`' query for a period length."""
    params = base_params(con, settings) | dimensions.period_params(period, settings)
    params["step"] = dimensions.period_months(period)
    return params


def _rates(con: duckdb.DuckDBPyConnection, periods_cte: str, by: str | None, params: dict[str, Any],
           min_n: int) -> pd.DataFrame:
    """Active-at-start and churned counts (and ARR) per period and segment, with rates and intervals."""
    seg_select, seg_keys = _segment(con, by)
    keys = ", ".join(["period_start", *seg_keys])
    order = ["period_start"] + ([f"segment = '{dimensions.NONE_SEGMENT}'", "segment"] if seg_keys else [])
    sql = f"""WITH {panel_ctes(periods_cte)}
SELECT {keys}, count(*) AS active_start, count(*) FILTER (WHERE churned) AS churned,
       sum(a.arr) AS arr_active_start, sum(a.arr) FILTER (WHERE churned) AS arr_churned,
       bool_or(period_end > CAST($as_of AS TIMESTAMP)) AS partial
FROM (SELECT panel.*, {seg_select}a.arr FROM panel LEFT JOIN acct a ON a.account_id = panel.account_id) a
GROUP BY {keys}
ORDER BY {", ".join(order)}"""
    df = con.execute(sql, params).df()
    for c in ("active_start", "churned"):
        df[c] = df[c].astype("int64")
    df["arr_active_start"] = df["arr_active_start"].astype(float)
    has_arr = df["arr_active_start"].notna()
    df["arr_churned"] = df["arr_churned"].astype(float).where(~has_arr, df["arr_churned"].astype(float).fillna(0.0))
    n = df["active_start"].to_numpy(dtype=float)
    df["logo_churn"] = df["churned"].to_numpy(dtype=float) / n
    df["ci_low"], df["ci_high"] = stats.wilson_interval(df["churned"].to_numpy(), n)
    with np.errstate(divide="ignore", invalid="ignore"):
        arr_start = df["arr_active_start"].to_numpy(dtype=float)
        df["revenue_churn"] = np.where(arr_start > 0, df["arr_churned"].to_numpy(dtype=float) / arr_start, np.nan)
    df["low_n"] = df["active_start"] < min_n
    df["partial"] = df["partial"].astype(bool)
    return df[["period_start", *seg_keys, "active_start", "churned", "logo_churn", "ci_low", "ci_high",
               "arr_active_start", "arr_churned", "revenue_churn", "low_n", "partial"]]


def churn_rates(con: duckdb.DuckDBPyConnection, period: str = "quarter", by: str | None = None,
                settings: Settings | None = None) -> pd.DataFrame:
    """Logo and gross revenue churn per (fiscal) month/quarter/year, optionally per segment.

    Columns: period_start, [segment], active_start, churned, logo_churn, ci_low, ci_high,
    arr_active_start, arr_churned, revenue_churn, low_n, partial. Periods run from the first
    customer spell to the as-of date; a period (or segment) with nobody active at its start has
    no row.
    """
    settings = settings or Settings()
    return _rates(con, rates_periods_cte(), by, rates_params(con, period, settings), settings.min_n)


# `periods` of `churn_window`: the one window [$start, $end), through the as-of date when $end is NULL.
WINDOW_PERIODS_CTE = ("periods AS (SELECT CAST($start AS TIMESTAMP) AS period_start, "
                      "coalesce(CAST($end AS TIMESTAMP), CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY) AS period_end)")


def churn_window(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime | None = None,
                 by: str | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """Churn over one window [start, end) (end None: through the as-of date), optionally per segment.

    Same columns as `churn_rates` (period_start is the window's start); e.g. trailing-twelve-month
    churn for the segment overview.
    """
    settings = settings or Settings()
    params = base_params(con, settings) | {"start": start, "end": end}
    df = _rates(con, WINDOW_PERIODS_CTE, by, params, settings.min_n)
    if end is None:
        df["partial"] = False  # "through the as-of date" is the whole window, not a cut-off one
    return df


def churn_by_reason(con: duckdb.DuckDBPyConnection, period: str | None = None,
                    settings: Settings | None = None) -> pd.DataFrame:
    """Churn events by the account's churn reason: counts, shares (Wilson) and ARR, per period if asked.

    Every end of a customer spell up to the as-of date is one churn event (an account that
    churned, returned and churned again counts twice). Columns: [period_start], reason, churned,
    share, ci_low, ci_high, arr_churned, arr_share. Most frequent reasons first, blank last.
    """
    settings = settings or Settings()
    params = base_params(con, settings)
    period_select, keys = "", []
    if period is not None:
        params |= dimensions.period_params(period, settings)
        period_select, keys = f"{dimensions.period_sql('s.spell_end')} AS period_start, ", ["period_start"]
    partition = f"PARTITION BY {', '.join(keys)}" if keys else ""
    group = ", ".join([*keys, "reason"])
    sql = f"""WITH {dimensions.ACCOUNTS_CTE},
{spells_sql()},
churned AS (
  SELECT {period_select}{dimensions.segment_sql('a.churn_reason')} AS reason, a.arr
  FROM spells s LEFT JOIN acct a ON a.account_id = s.account_id
  WHERE s.spell_end IS NOT NULL
),
tally AS (
  SELECT {group}, count(*) AS churned, sum(arr) AS arr_churned FROM churned GROUP BY {group}
)
SELECT {group}, churned, sum(churned) OVER ({partition}) AS total,
       arr_churned, sum(arr_churned) OVER ({partition}) AS arr_total
FROM tally
ORDER BY {', '.join([*keys, "churned DESC", f"reason = '{dimensions.NONE_SEGMENT}'", "reason"])}"""
    df = con.execute(sql, params).df()
    df = _reason_shares(df)
    return df[[*keys, "reason", "churned", "share", "ci_low", "ci_high", "arr_churned", "arr_share"]]


def _reason_shares(df: pd.DataFrame) -> pd.DataFrame:
    """Shares of churned accounts (Wilson interval) and of churned ARR per reason, from counts and totals."""
    df["churned"] = df["churned"].astype("int64")
    total = df["total"].to_numpy(dtype=float)
    df["share"] = df["churned"].to_numpy(dtype=float) / total
    df["ci_low"], df["ci_high"] = stats.wilson_interval(df["churned"].to_numpy(), total)
    arr_total = df["arr_total"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["arr_share"] = np.where(arr_total > 0, df["arr_churned"].to_numpy(dtype=float) / arr_total, np.nan)
    df["arr_churned"] = df["arr_churned"].astype(float)
    return df


CHURNED_SHARE_LABEL = "churned share (no period)"


def has_churn_flags(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any account's churn flag says yes or no (the accounts view has the column and a value)."""
    if "churned" not in dimensions.accounts_columns(con):
        return False     # an accounts table written before the flag existed
    return bool(con.execute(f"SELECT EXISTS (SELECT 1 FROM {canonical.quote(canonical.ACCOUNTS)} "
                            "WHERE churned IS NOT NULL)").fetchone()[0])


def churned_share(con: duckdb.DuckDBPyConnection, by: str | None = None,
                  settings: Settings | None = None) -> pd.DataFrame:
    """The churned share (no period) from the accounts' churn flag, overall or per segment.

    Columns: [segment], accounts (with a flag), churned, churned_share, ci_low, ci_high (Wilson),
    arr, arr_churned, revenue_share (ARR churned ÷ ARR, NaN without ARR), low_n. `attrs`: label
    ("churned share (no period)") and unknown (accounts without a flag, left out). One row per
    account (`dimensions`); no rows when no account has a flag.
    """
    settings = settings or Settings()
    if not has_churn_flags(con):
        raise MetricError("No account has a churn flag: map a column such as Churn (yes/no) or Status "
                          "(Active/Cancelled) as churned on the Data page.")
    seg_select, seg_keys = _segment(con, by)
    group = f"GROUP BY {', '.join(seg_keys)}" if seg_keys else ""
    order = f"ORDER BY segment = '{dimensions.NONE_SEGMENT}', segment" if seg_keys else ""
    df = con.execute(f"""WITH {dimensions.ACCOUNTS_CTE},
flagged AS (SELECT {seg_select}a.churned, a.arr FROM acct a)
SELECT {''.join(k + ', ' for k in seg_keys)}count(churned) AS accounts,
       count(*) FILTER (WHERE churned) AS churned,
       sum(arr) FILTER (WHERE churned IS NOT NULL) AS arr, sum(arr) FILTER (WHERE churned) AS arr_churned,
       count(*) FILTER (WHERE churned IS NULL) AS unknown
FROM flagged {group}
{order}""").df()
    unknown = int(df["unknown"].sum())
    df = df[df["accounts"] > 0].reset_index(drop=True)
    for c in ("accounts", "churned"):
        df[c] = df[c].astype("int64")
    n = df["accounts"].to_numpy(dtype=float)
    df["churned_share"] = df["churned"].to_numpy(dtype=float) / n
    df["ci_low"], df["ci_high"] = stats.wilson_interval(df["churned"].to_numpy(), n)
    df["arr"] = df["arr"].astype(float)
    df["arr_churned"] = df["arr_churned"].astype(float).where(df["arr"].isna(), df["arr_churned"].astype(float)
                                                              .fillna(0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        arr = df["arr"].to_numpy(dtype=float)
        df["revenue_share"] = np.where(arr > 0, df["arr_churned"].to_numpy(dtype=float) / arr, np.nan)
    df["low_n"] = df["accounts"] < settings.min_n
    out = df[[*seg_keys, "accounts", "churned", "churned_share", "ci_low", "ci_high", "arr", "arr_churned",
              "revenue_share", "low_n"]]
    out.attrs.update({"label": CHURNED_SHARE_LABEL, "unknown": unknown})
    return out


def flagged_churn_by_reason(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The accounts flagged churned by their churn reason: the flag's counterpart of `churn_by_reason`.

    Columns as `churn_by_reason` without a period: reason, churned, share, ci_low, ci_high,
    arr_churned, arr_share. Most frequent reasons first, blank last; empty without flags.
    """
    if not has_churn_flags(con):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
            ("reason", str), ("churned", "int64"), ("share", float), ("ci_low", float), ("ci_high", float),
            ("arr_churned", float), ("arr_share", float))})
    df = con.execute(f"""WITH {dimensions.ACCOUNTS_CTE},
churned AS (SELECT {dimensions.segment_sql('a.churn_reason')} AS reason, a.arr FROM acct a WHERE a.churned),
tally AS (SELECT reason, count(*) AS churned, sum(arr) AS arr_churned FROM churned GROUP BY reason)
SELECT reason, churned, sum(churned) OVER () AS total, arr_churned, sum(arr_churned) OVER () AS arr_total
FROM tally
ORDER BY churned DESC, reason = '{dimensions.NONE_SEGMENT}', reason""").df()
    df = _reason_shares(df)
    return df[["reason", "churned", "share", "ci_low", "ci_high", "arr_churned", "arr_share"]]


def churned_at_as_of_ctes(con: duckdb.DuckDBPyConnection, settings: Settings | None = None,
                          ) -> tuple[str, dict[str, Any]]:
    """CTEs ending in `churn_status(account_id, churned)`: whether each account had churned at the as-of date.

    Churned: the accounts file flags it churned, or its latest customer spell up to the as-of date
    ended by entering Churn (a return opens a new spell, so a returned customer is not churned).
    Not churned: its flag says no, or its latest spell is still open. An account that was never a
    customer and has no flag is not listed (a lost deal is never churn). Without a Decision or
    Churn stage, only the flags count. Parameters: as_of, customer_stages, churn_stage.
    """
    settings = settings or Settings()
    try:
        params = base_params(con, settings)
        spells = f"""{spells_sql()},
spell_state AS (
  SELECT account_id, arg_max(spell_end IS NOT NULL, spell_start) AS churned FROM spells GROUP BY account_id
)"""
    except MetricError:
        if not has_churn_flags(con):
            raise
        params = {}
        spells = ("spell_state AS (SELECT CAST(NULL AS VARCHAR) AS account_id, CAST(NULL AS BOOLEAN) AS churned "
                  "WHERE false)")
    flags = (f"SELECT account_id, churned FROM ({dimensions.ONE_ROW_PER_ACCOUNT}) AS one WHERE churned IS NOT NULL"
             if "churned" in dimensions.accounts_columns(con)
             else "SELECT CAST(NULL AS VARCHAR) AS account_id, CAST(NULL AS BOOLEAN) AS churned WHERE false")
    ctes = f"""{spells},
flag_state AS ({flags}),
churn_status AS (
  SELECT coalesce(f.account_id, s.account_id) AS account_id,
         coalesce(f.churned, false) OR coalesce(s.churned, false) AS churned
  FROM flag_state f FULL JOIN spell_state s ON s.account_id = f.account_id
)"""
    return ctes, params


__all__ = ["CHURNED_SHARE_LABEL", "churn_by_reason", "churn_rates", "churn_stage", "churn_window", "churned_share",
           "churned_at_as_of_ctes", "customer_stages", "flagged_churn_by_reason", "has_churn_flags"]
