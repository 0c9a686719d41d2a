"""Customer-centricity per account, per segment and overall: care, act daily, attested, want vs do.

Every number is aggregated in DuckDB (`cxlib.centricity.sql`); Python adds the Wilson intervals
and the two-proportion test (`cxlib.stats`) to the counts, and the reason when a number has no
rows behind it (which column, how many rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cxlib import canonical, dimensions, stats
from cxlib.activities import activities_count  # re-exported: the Account page asks it
from cxlib.centricity.sql import ACTED_DAYS, ATTESTED_DAYS, CARE_DAYS, WEEKS, centricity_ctes, centricity_params
from cxlib.centricity.themes import ThemeConfig
from cxlib.settings import Settings
from cxlib.sqlparams import run as run_sql

CLI_COLUMNS = ["segment", "accounts", "care", "act_daily_median", "proactive_share", "attested_with",
               "attested_without", "attested_p_value", "want_do_coverage"]
NUMBERS = ("care", "act_daily_median", "proactive_share", "attested_with", "attested_without", "attested_p_value",
           "want_do_coverage")
NO_ACTIVITIES = ("no activities loaded — load an activities export (Salesforce Tasks/Events, HubSpot activities, "
                 "Gainsight Timeline or a ticket export) on the Data page")


@dataclass(frozen=True)
class Centricity:
    """One evaluation: per group (`groups`), per account (`accounts`), per theme (`themes`), and why numbers are empty."""

    as_of: dt.datetime
    by: str | None
    groups: pd.DataFrame
    accounts: pd.DataFrame
    themes: pd.DataFrame
    distribution: pd.DataFrame
    activities: int
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)   # segment → number → why it is empty


# The four parts, each a list of rows, evaluated by one pass of the CTE chain into this connection's
# temporary table (one session runs one query at a time), then read back part by part.
_PASSED = "ct_evaluated"
_PARTS = {
    "groups": "SELECT list(g ORDER BY g.segment) FROM ct_groups AS g",
    "accounts": """SELECT list(x ORDER BY x.segment, x.account_id) FROM (
        SELECT a.account_id, acct.name, a.segment, a.care, CAST(a.last_contact AS DATE) AS last_contact, a.weeks,
               a.act_daily, a.provider_n, a.proactive_n
        FROM ct_account AS a LEFT JOIN acct USING (account_id)) AS x""",
    "themes": """SELECT list(t ORDER BY t.segment, t.w DESC, t.theme) FROM (
        SELECT segment, theme, accounts, asking, acted, doing, w, a,
               asking > 0 AND coalesce(a, 0) < 0.5 AS wanted_not_done,
               asking = 0 AND doing > 0 AS done_not_wanted
        FROM ct_themes) AS t""",
    "distribution": "SELECT list(d ORDER BY d.segment, d.weeks) FROM ct_distribution AS d",
}


def _evaluate(con: duckdb.DuckDBPyConnection, ctes: str, params: dict[str, Any]) -> list[pd.DataFrame]:
    """Groups, accounts, themes and distribution from one evaluation of the chain (DuckDB materialises a
    CTE that several parts read, so the activities' theme matching runs once, not once per part)."""
    parts = ",\n".join(f"({sql}) AS {name}" for name, sql in _PARTS.items())
    run_sql(con, f"CREATE OR REPLACE TEMP TABLE {_PASSED} AS\nWITH {ctes}\nSELECT {parts}", params)
    try:
        return [con.execute(f"SELECT part.* FROM (SELECT unnest({name}) AS part FROM {_PASSED}) AS rows").df()
                for name in _PARTS]
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_PASSED}")


def centricity(con: duckdb.DuckDBPyConnection, settings: Settings | None = None, themes: ThemeConfig | None = None,
               by: str | None = None, as_of: dt.datetime | None = None) -> Centricity:
    """Care, act daily, attested and want vs do at the as-of date, overall or per value of accounts column `by`.

    MetricError when nothing is dated (no as-of date) or `by` is not an accounts column.
    """
    settings = settings or Settings()
    themes = themes or ThemeConfig()
    as_of = as_of or dimensions.as_of_date(con, settings)
    column = canonical.quote(dimensions.check_accounts_column(con, by)) if by else None
    ctes = centricity_ctes(column)
    params = centricity_params(con, settings, as_of, themes)
    groups, accounts, theme_rows, distribution = _evaluate(con, ctes, params)
    groups = _with_tests(groups)
    n_activities = activities_count(con)
    if n_activities == 0:     # nothing done is known: a coverage of 0 would claim nothing asked for was done
        groups["want_do_coverage"] = np.nan
    reasons = {str(r["segment"]): _reasons(r, n_activities) for r in groups.to_dict("records")}
    return Centricity(as_of, by, groups, accounts, theme_rows, distribution, n_activities, reasons)


def _with_tests(groups: pd.DataFrame) -> pd.DataFrame:
    """Promoter shares with Wilson intervals, and the two-proportion test between with and without."""
    out = groups.copy()
    for side in ("with", "without"):
        n = out[f"{side}_n"].to_numpy(dtype=float)
        k = out[f"{side}_promoters"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"attested_{side}"] = np.where(n > 0, k / n, np.nan)
        low, high = stats.wilson_interval(k, n)
        out[f"attested_{side}_low"], out[f"attested_{side}_high"] = low, high
    _, p = stats.two_proportion_ztest(out["with_promoters"], out["with_n"], out["without_promoters"],
                                      out["without_n"])
    out["attested_p_value"] = p
    return out


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _reasons(row: dict[str, Any], n_activities: int) -> dict[str, str]:
    """Why each empty number of one group is empty: the column and the counts behind it."""
    reasons: dict[str, str] = {}
    accounts = int(row["accounts"])
    if accounts == 0:
        return {k: "no customers at the as-of date (an account becomes one at Decision and stops at Churn)"
                for k in NUMBERS}
    if n_activities == 0:
        for k in ("act_daily_median", "proactive_share"):
            reasons[k] = NO_ACTIVITIES
    elif int(row["provider_n"]) == 0:
        reasons["proactive_share"] = (f"no provider-initiated activity (activities.initiated_by = 'provider', done) "
                                      f"of these {_plural(accounts, 'customer')} in the {WEEKS} weeks to the as-of "
                                      f"date ({_plural(n_activities, 'activity row')} loaded in all)")
    with_n, without_n = int(row["with_n"]), int(row["without_n"])
    if with_n == 0 or without_n == 0:
        answers = with_n + without_n
        side = "with" if with_n == 0 else "without"
        text = (f"no NPS answer (surveys.score, survey_type NPS) of the last {CARE_DAYS} days from an account "
                f"{side} a proactive activity in the {ATTESTED_DAYS} days before it ({_plural(with_n, 'answer')} "
                f"with, {_plural(without_n, 'answer')} without)")
        if n_activities == 0 and answers:
            text += f"; {NO_ACTIVITIES}"
        reasons[f"attested_{side}"] = text
        reasons["attested_p_value"] = text
        if answers == 0:
            reasons["attested_with"] = reasons["attested_without"] = text
    if n_activities == 0:
        reasons["want_do_coverage"] = (f"{int(row['asking_pairs']):,} account–theme requests in survey comments, but "
                                       f"{NO_ACTIVITIES}, so what was done is unknown")
    elif pd.isna(row["want_do_coverage"]):
        reasons["want_do_coverage"] = (f"no survey comment (surveys.comment) of the last {CARE_DAYS} days from these "
                                       f"{_plural(accounts, 'customer')} matched a theme of the theme list, so "
                                       f"nobody asked for anything the list knows (acted = a matching activity "
                                       f"within {ACTED_DAYS} days)")
    return reasons


def cli_table(result: Centricity) -> pd.DataFrame:
    """The `centricity` command's columns (a public contract): `CLI_COLUMNS`, `segment` only with --by."""
    columns = CLI_COLUMNS if result.by else CLI_COLUMNS[1:]
    out = result.groups.copy()
    out["accounts"] = out["accounts"].astype("int64")
    return out[columns].reset_index(drop=True)


def notes(result: Centricity) -> list[str]:
    """Each empty number's reason once, naming the segments it applies to (the CLI's stderr notes)."""
    seen: dict[tuple[str, str], list[str]] = {}
    for segment, reasons in result.reasons.items():
        for number, text in reasons.items():
            seen.setdefault((number, text), []).append(segment)
    out = []
    for (number, text), segments in seen.items():
        where = f" ({', '.join(segments)})" if result.by else ""
        out.append(f"{number}{where}: {text}")
    return out


def group_row(result: Centricity, segment: str | None = None) -> dict[str, Any]:
    """One group's row as a dict (the first when `segment` is None)."""
    rows = result.groups if segment is None else result.groups[result.groups["segment"] == segment]
    return rows.iloc[0].to_dict() if len(rows) else {}


__all__ = ["CLI_COLUMNS", "NO_ACTIVITIES", "NUMBERS", "Centricity", "activities_count", "centricity", "cli_table",
           "group_row", "notes"]
