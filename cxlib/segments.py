"""Honest segment comparisons: each segment against the rest of the population, corrected for many looks.

- A rate ("COLUMN=VALUE") is the share of a segment's accounts whose column equals the value
  (text compared trimmed and case-insensitively, numbers numerically, yes/no words of six languages
  by their meaning: "Churn=Yes" and "Churn=true" both count true, "Yes", "oui" and 1); accounts
  with the column empty are unknown and left out of n. Tested with the pooled two-proportion z-test (the same p
  as a chi-square test without continuity correction on the 2×2 table), interval by Wilson.
- A mean (COLUMN) is the mean of a numeric accounts column over the accounts that have it.
  Tested with Welch's t-test (unequal variances), interval by Student t.
- Every segment is tested against all other accounts together ("the rest"). Benjamini–Hochberg
  adjusts the p-values across the table at q = 0.05. A segment with fewer than `min_n` accounts
  (settings.min_n, default 30) — or whose rest is that small — is greyed (`low_n`), keeps its raw
  p-value for reference, gets no adjusted p-value, is left out of the BH family (so it neither
  dilutes nor borrows significance), and is never marked significant.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cxlib import canonical, catalog, churn, dimensions, stats, surveys
from cxlib.errors import MetricError
from cxlib.mapping.vocabulary import yes_no_number
from cxlib.settings import Settings


def parse_rate(rate: str | tuple[str, str]) -> tuple[str, str]:
    """A rate spec "COLUMN=VALUE" (or a (column, value) pair) as (column, value)."""
    if isinstance(rate, tuple):
        column, value = rate
    else:
        column, sep, value = str(rate).partition("=")
        if not sep:
            raise MetricError(f"Rate '{rate}' must look like COLUMN=VALUE, e.g. stage=Churn.")
    column, value = str(column).strip(), str(value).strip()
    if not column:
        raise MetricError(f"Rate '{rate}' names no column: write COLUMN=VALUE, e.g. stage=Churn.")
    return column, value


def _value_number(value: str) -> float | None:
    """The number a rate's value means: itself when numeric, else 1/0 for a yes/no word, else None."""
    try:
        return float(value)
    except ValueError:
        return yes_no_number(value)


def _same_meaning(con: duckdb.DuckDBPyConnection, column: str, value: str) -> list[str]:
    """The column's values (trimmed text) that say the same yes or no as `value`, in six languages.

    "Churn=Yes" then counts "true", "Yes", "oui", "1"; an empty list when the value is no yes/no word.
    """
    meaning = yes_no_number(value)
    if meaning is None:
        return []
    col = canonical.quote(column)
    rows = con.execute(f"WITH {dimensions.ACCOUNTS_CTE} SELECT DISTINCT trim(CAST({col} AS VARCHAR)) "
                       f"FROM acct WHERE {col} IS NOT NULL").fetchall()
    return sorted(v for (v,) in rows if v is not None and yes_no_number(v) == meaning)


def _value_sql(con: duckdb.DuckDBPyConnection, rate: str | tuple[str, str] | None, mean: str | None,
               ) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """The per-account value expression (1/0 for a rate, the number for a mean), its kind, params, attrs."""
    if (rate is None) == (mean is None):
        raise MetricError("Compare either a rate (COLUMN=VALUE) or a mean (COLUMN), exactly one of them.")
    if rate is not None:
        column, value = parse_rate(rate)
        column = dimensions.check_accounts_column(con, column)
        col = f"a.{canonical.quote(column)}"
        expr = (f"CASE WHEN {col} IS NULL THEN NULL "
                f"WHEN lower(trim(CAST({col} AS VARCHAR))) = lower(trim($value)) "
                f"OR TRY_CAST({col} AS DOUBLE) = CAST($value_number AS DOUBLE) "
                f"OR list_contains($same_meaning, trim(CAST({col} AS VARCHAR))) THEN 1.0 ELSE 0.0 END")
        params = {"value": value, "value_number": _value_number(value),
                  "same_meaning": _same_meaning(con, column, value)}
        return expr, "rate", params, {"column": column, "value": value}
    assert mean is not None
    mean = dimensions.check_accounts_column(con, mean)
    present, numeric = con.execute(
        f"SELECT count({canonical.quote(mean)}), count(TRY_CAST({canonical.quote(mean)} AS DOUBLE)) "
        f"FROM {canonical.quote(canonical.ACCOUNTS)}").fetchone()
    if present and not numeric:
        raise MetricError(f"Column '{mean}' has no numeric values, so it has no mean.", column=mean)
    return f"TRY_CAST(a.{canonical.quote(mean)} AS DOUBLE)", "mean", {}, {"column": mean}


def _say_why_nothing_counts(con: duckdb.DuckDBPyConnection, column: str, kind: str) -> None:
    """No silent empty table: accounts are loaded but none has a value in the column (MetricError)."""
    (accounts,) = con.execute(f"WITH {dimensions.ACCOUNTS_CTE} SELECT count(*) FROM acct").fetchone()
    if accounts:
        what = "value" if kind == "rate" else "number"
        raise MetricError(f"{accounts} accounts loaded; 0 have a {what} in column '{column}', so there is no "
                          f"{kind} to compare: choose another column or check that one in the export.",
                          column=column)


def known_ctes(by: str, value_expr: str) -> str:
    """CTEs `acct`, `valued` (account_id, segment, v) and `known` (the accounts with a value: the n of a row).

    `by` is a checked accounts column, `value_expr` from `_value_sql`; `compare` counts `known`, and
    the accounts behind a row (`cxlib.behind`) list it.
    """
    return f"""{dimensions.ACCOUNTS_CTE},
valued AS (
  SELECT a.account_id, {dimensions.segment_sql(f"a.{canonical.quote(by)}")} AS segment, {value_expr} AS v
  FROM acct a
),
known AS (SELECT * FROM valued WHERE v IS NOT NULL)"""


def compare(con: duckdb.DuckDBPyConnection, by: str, rate: str | tuple[str, str] | None = None,
            mean: str | None = None, settings: Settings | None = None, q: float = stats.FDR_Q,
            ) -> pd.DataFrame:
    """Each value of an accounts column vs the rest on a rate or a mean, with BH-adjusted significance.

    Columns: segment, n, rate|mean, ci_low, ci_high, rest (the rest's rate or mean), p_value,
    p_adjusted, significant, low_n. `attrs` holds kind, column, value, by, q and min_n for titles,
    and `population`: the rate or mean over every account with a value (NaN when none has one).
    """
    settings = settings or Settings()
    by = dimensions.check_accounts_column(con, by)
    value_expr, kind, params, attrs = _value_sql(con, rate, mean)
    sql = f"""WITH {known_ctes(by, value_expr)},
groups AS (
  SELECT segment, count(*) AS n, sum(v) AS total, avg(v) AS mean, var_samp(v) AS var
  FROM known GROUP BY segment
),
rest AS (
  SELECT g.segment, count(k.v) AS rest_n, coalesce(sum(k.v), 0) AS rest_total,
         avg(k.v) AS rest_mean, var_samp(k.v) AS rest_var
  FROM groups g LEFT JOIN known k ON k.segment <> g.segment
  GROUP BY g.segment
)
SELECT * FROM groups JOIN rest USING (segment)
ORDER BY segment = '{dimensions.NONE_SEGMENT}', segment"""
    agg = con.execute(sql, params).df()
    if agg.empty:
        _say_why_nothing_counts(con, attrs["column"], kind)
    n = agg["n"].to_numpy(dtype=float)
    rest_n = agg["rest_n"].to_numpy(dtype=float)
    out = pd.DataFrame({"segment": agg["segment"].astype(str), "n": agg["n"].astype("int64")})
    if kind == "rate":
        total = agg["total"].to_numpy(dtype=float)
        rest_total = agg["rest_total"].to_numpy(dtype=float)
        out["rate"] = total / n
        out["ci_low"], out["ci_high"] = stats.wilson_interval(total, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["rest"] = np.where(rest_n > 0, rest_total / rest_n, np.nan)
        _, p = stats.two_proportion_ztest(total, n, rest_total, rest_n)
    else:
        means = agg["mean"].to_numpy(dtype=float)
        var = agg["var"].to_numpy(dtype=float)
        out["mean"] = means
        out["ci_low"], out["ci_high"] = stats.t_interval(means, np.sqrt(var), n)
        out["rest"] = agg["rest_mean"].to_numpy(dtype=float)
        _, p = stats.welch_ttest(means, var, n, agg["rest_mean"].to_numpy(dtype=float),
                                 agg["rest_var"].to_numpy(dtype=float), rest_n)
    low_n = n < settings.min_n
    tested = ~low_n & (rest_n >= settings.min_n) & np.isfinite(p)
    out["p_value"] = np.asarray(p, dtype=float)
    out["p_adjusted"] = stats.benjamini_hochberg(np.where(tested, p, np.nan))
    out["significant"] = tested & (out["p_adjusted"].to_numpy() <= q)
    out["low_n"] = low_n
    population = float(agg["total"].sum() / n.sum()) if n.sum() > 0 else float("nan")
    out.attrs.update(attrs | {"kind": kind, "by": by, "q": q, "min_n": settings.min_n, "population": population})
    return out


def cli_compare_table(df: pd.DataFrame) -> pd.DataFrame:
    """The `compare` command's columns, exactly: segment, n, rate|mean, ci_low, ci_high, p_value, p_adjusted, significant."""
    measure = "rate" if "rate" in df.columns else "mean"
    return df[["segment", "n", measure, "ci_low", "ci_high", "p_value", "p_adjusted", "significant"]] \
        .reset_index(drop=True)


def segment_overview(con: duckdb.DuckDBPyConnection, by: str, settings: Settings | None = None,
                     csat_scale: str | None = None) -> pd.DataFrame:
    """Side by side per segment: accounts, ARR, NPS (responses), CSAT, trailing-twelve-month logo churn.

    Keyed by `segment` so the lead can merge composite/factor scores and funnel conversion.
    Columns: segment, accounts, arr, nps, nps_n, csat, csat_n, churn_12m, churn_active_start,
    churned_share, churn_flagged, low_n (fewer accounts than min_n). Churn counts accounts active
    twelve months before the as-of date that churned since; churned_share is the churn flag's
    churned share (no period) over the churn_flagged accounts (`churn.churned_share`). A measure
    that cannot be computed from what is loaded is left empty and its reason is listed in
    `attrs["notes"]`.
    """
    settings = settings or Settings()
    by = dimensions.check_accounts_column(con, by)
    base = con.execute(
        f"""WITH {dimensions.ACCOUNTS_CTE}
SELECT {dimensions.segment_sql(f"a.{canonical.quote(by)}")} AS segment, count(*) AS accounts, sum(a.arr) AS arr
FROM acct a GROUP BY segment ORDER BY segment = '{dimensions.NONE_SEGMENT}', segment""").df()
    base["accounts"] = base["accounts"].astype("int64")
    base["arr"] = base["arr"].astype(float)
    notes: list[str] = []
    churn_start = None

    nps = surveys.nps(con, by=by, settings=settings)[["segment", "nps", "n"]].rename(columns={"n": "nps_n"})
    try:
        csat = surveys.csat(con, by=by, scale=csat_scale, settings=settings)
        csat = csat[["segment", "csat", "n"]].rename(columns={"n": "csat_n"})
    except MetricError as exc:
        notes.append(f"CSAT: {exc}")
        csat = pd.DataFrame({"segment": pd.Series(dtype=str), "csat": pd.Series(dtype=float),
                             "csat_n": pd.Series(dtype="int64")})
    churned = pd.DataFrame({"segment": pd.Series(dtype=str), "churn_12m": pd.Series(dtype=float),
                            "churn_active_start": pd.Series(dtype="int64")})
    try:
        if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {canonical.quote(canonical.JOURNEY_EVENTS)})").fetchone()[0]:
            notes.append("Churn: no journey events loaded.")
        else:
            as_of = dimensions.as_of_date(con, settings)
            start = (pd.Timestamp(as_of) - pd.DateOffset(months=12)).to_pydatetime()
            window = churn.churn_window(con, start, by=by, settings=settings)
            churn_start = start
            churned = window[["segment", "logo_churn", "active_start"]].rename(
                columns={"logo_churn": "churn_12m", "active_start": "churn_active_start"})
    except MetricError as exc:
        notes.append(f"Churn: {exc}")
    flagged = pd.DataFrame({"segment": pd.Series(dtype=str), "churned_share": pd.Series(dtype=float),
                            "churn_flagged": pd.Series(dtype="int64")})
    if churn.has_churn_flags(con):
        flagged = churn.churned_share(con, by=by, settings=settings)[["segment", "churned_share", "accounts"]] \
            .rename(columns={"accounts": "churn_flagged"})
        notes.append(f"Churn flag: {churn.CHURNED_SHARE_LABEL} = accounts flagged churned ÷ accounts with a "
                     "churn flag, as the accounts file says.")

    out = base
    for part in (nps, csat, churned, flagged):
        out = out.merge(part, on="segment", how="outer", sort=False)
    # segments that only exist in the surveys (answers from accounts not in the accounts table)
    out["accounts"] = out["accounts"].fillna(0).astype("int64")
    for c in ("nps_n", "csat_n", "churn_active_start", "churn_flagged"):
        out[c] = out[c].fillna(0).astype("int64")
    out["low_n"] = out["accounts"] < settings.min_n
    out = (out.assign(_blank=out["segment"] == dimensions.NONE_SEGMENT)
           .sort_values(["_blank", "segment"], kind="stable"))
    out = out[["segment", "accounts", "arr", "nps", "nps_n", "csat", "csat_n", "churn_12m",
               "churn_active_start", "churned_share", "churn_flagged", "low_n"]].reset_index(drop=True)
    out.attrs["notes"] = notes
    out.attrs["churn_start"] = churn_start   # the start of the twelve-month churn window (None: not computed)
    return out


def measure_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The accounts view's measure columns (numbers beyond the fixed columns: tenure, seats, …)."""
    fixed = set(canonical.columns(canonical.ACCOUNTS))
    rows = catalog.columns(con, canonical.ACCOUNTS)
    return [c for c, t in rows if c not in fixed and t in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "DECIMAL")]


def measure_means(con: duckdb.DuckDBPyConnection, by: str, settings: Settings | None = None) -> pd.DataFrame:
    """Each measure column's mean per segment: segment, accounts, then per measure its mean and n.

    Columns: segment, accounts, and for every measure m: m (mean over the accounts that have it)
    and m_n; low_n (fewer accounts than min_n). Test one measure against the rest with `compare`.
    """
    settings = settings or Settings()
    by = dimensions.check_accounts_column(con, by)
    measures = [m for m in measure_columns(con) if m != by]
    q = canonical.quote
    aggregates = "".join(f", avg(a.{q(m)}) AS {q(m)}, count(a.{q(m)}) AS {q(m + '_n')}" for m in measures)
    df = con.execute(f"""WITH {dimensions.ACCOUNTS_CTE}
SELECT {dimensions.segment_sql(f"a.{q(by)}")} AS segment, count(*) AS accounts{aggregates}
FROM acct a GROUP BY segment ORDER BY segment = '{dimensions.NONE_SEGMENT}', segment""").df()
    df["accounts"] = df["accounts"].astype("int64")
    for m in measures:
        df[m] = df[m].astype(float)
        df[f"{m}_n"] = df[f"{m}_n"].astype("int64")
    df["low_n"] = df["accounts"] < settings.min_n
    df.attrs["measures"] = measures
    return df


__all__ = ["cli_compare_table", "compare", "measure_columns", "measure_means", "parse_rate", "segment_overview"]
