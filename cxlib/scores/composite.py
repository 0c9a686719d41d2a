"""The composite: each account's latest factor scores, weighted into one number with coverage and gap.

README, "How each number is defined" → "Engagement against the desired state":
- The latest rating per account and factor counts (by timestamp, then the later source row);
  ratings after the as-of date (`dimensions.as_of_date`) are not yet known; with a maximum age per
  factor, dated ratings older than as-of − max age are ignored. Undated ratings are always kept
  (their age is unknown) but lose to any dated rating.
- Composite = Σ wᵢ·scoreᵢ / Σ wᵢ over the factors that have a score (weights renormalised);
  coverage = Σ wᵢ over factors with a score / Σ wᵢ over all factors.
- Gap per factor = target − score (positive: below the desired state). Overall gap = Σ wᵢ·gapᵢ /
  Σ wᵢ over the factors with a score, i.e. the renormalised weighted target minus the composite.
- Weakest factor = the factor with the largest gap among those with a score and a weight above 0;
  ties go to the earlier factor in the configured order.

Every other score metric (segments, trend, bands, risk) builds on `per_account_sql`.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.scores.bands import _band_params, band_sql
from cxlib.scores.config import ScoreConfig
from cxlib.scores.scales import effective_scales, Scale
from cxlib.settings import Settings


def _factor_values(config: ScoreConfig, scales: dict[str, Scale]) -> tuple[str, dict[str, Any]]:
    """The configured factors as a VALUES list whose every value is a named parameter."""
    rows, params = [], {}
    for i, f in enumerate(config.factors):
        scale = scales.get(f.key)
        params.update({
            f"f{i}_key": f.key, f"f{i}_name": f.name, f"f{i}_ord": i + 1,
            f"f{i}_weight": config.weight(f.key), f"f{i}_target": config.target(f.key),
            f"f{i}_zero": scale.zero if scale else None, f"f{i}_hundred": scale.hundred if scale else None,
            f"f{i}_max_age": config.max_age_days.get(f.key),
        })
        rows.append(f"($f{i}_key, $f{i}_name, $f{i}_ord, $f{i}_weight, $f{i}_target, "
                    f"$f{i}_zero, $f{i}_hundred, $f{i}_max_age)")
    values = f"""
        SELECT CAST(c0 AS VARCHAR) AS factor, CAST(c1 AS VARCHAR) AS factor_name,
               CAST(c2 AS INTEGER) AS ord, CAST(c3 AS DOUBLE) AS weight, CAST(c4 AS DOUBLE) AS target,
               CAST(c5 AS DOUBLE) AS zero, CAST(c6 AS DOUBLE) AS hundred, CAST(c7 AS INTEGER) AS max_age_days
        FROM (VALUES {", ".join(rows)}) AS v(c0, c1, c2, c3, c4, c5, c6, c7)"""
    return values, params


def snapshots_now() -> str:
    """One snapshot: the as-of date ($as_of; NULL when the data has no dates)."""
    return "SELECT CAST(NULL AS TIMESTAMP) AS period, CAST($as_of AS TIMESTAMP) AS at"


def _dated_ctes(age_from: str) -> str:
    """CTEs `dated` and `rated_periods`: each period snapshot's latest rating per account and factor.

    Instead of joining every rating with every snapshot, each rating gets its validity interval:
    ordered by time, then file row (NULL lowest), then the higher score (the tie order of `latest`),
    a rating is the latest from its timestamp until the next rating of its account-factor; a rating
    followed by one with the same timestamp loses the tie and gets an empty interval. A snapshot at
    `at` meets exactly one interval per account-factor rated by then (a range join). A stale latest
    rating leaves the factor unscored, as in the expansion, where every older rating is staler still.
    """
    return f"""
        dated AS (
            -- one sort in the tie order: a timestamp's last rating wins it (the others' intervals are
            -- empty), the next row's timestamp ends it (NULL after an account-factor's latest); one
            -- global order is cheaper than a window partitioned by the two names
            SELECT *,
                   CASE WHEN lead(account_id) OVER w = account_id AND lead(factor) OVER w = factor
                        THEN lead(ts) OVER w END AS next_ts
            FROM usable
            WHERE ts IS NOT NULL
            WINDOW w AS (ORDER BY account_id, factor, ts, source_row ASC NULLS FIRST, score)
        ),
        rated_periods AS (
            SELECT s.period, d.account_id, d.factor, d.ts, d.source_row, d.score
            FROM dated AS d
            JOIN snapshots AS s
              ON d.ts <= s.at AND s.at < coalesce(d.next_ts, TIMESTAMP 'infinity')
            WHERE s.period IS NOT NULL
              AND (d.max_age_days IS NULL OR d.ts >= s.{age_from} - to_days(d.max_age_days))
        ),"""


def per_account_sql(config: ScoreConfig, scales: dict[str, Scale], snapshots: str,
                     include_unrated: bool, age_from: str = "at") -> tuple[str, dict[str, Any]]:
    """CTEs up to `per_account` (period, account_id, factor columns, composite, coverage, band, …).

    Also leaves `params` (the factor table) and `scored` (long form: one row per account, period
    and factor with score, gap and band) for callers that need them.

    `snapshots` gives (period, at): ratings dated after `at` are not known yet. Maximum ages count
    back from `at` too, unless `age_from` names another snapshots column ("age_from"): the desired
    outcome over time cuts at a quarter's last instant but counts ages in whole days from its last day.
    A snapshot's period is its key (one `at` per period). Snapshots with a period and an instant take
    each factor's latest rating from its validity interval (`_dated_ctes`); the "now" snapshot
    (`snapshots_now`, undated ratings included) and any without a period or an instant expand every
    rating into every snapshot (`rated_now`), the one pass the single snapshot needs.
    """
    if age_from not in ("at", "age_from"):
        raise ValueError(f"age_from must be 'at' or 'age_from' (got {age_from!r})")
    q = canonical.quote
    # the one "now" snapshot has no period: the expansion is a single pass over the ratings there
    dated = snapshots.strip() != snapshots_now().strip()
    dated_ctes = _dated_ctes(age_from) if dated else ""
    now_only = "(s.period IS NULL OR s.at IS NULL)\n              AND " if dated else ""
    rated_periods = "\n            UNION ALL SELECT * FROM rated_periods" if dated else ""
    latest_periods = ("\n            UNION ALL\n            SELECT period, account_id, factor, score FROM rated_periods"
                      if dated else "")
    values, params = _factor_values(config, scales)
    params.update(_band_params(config.thresholds))
    unrated = f"UNION SELECT account_id FROM {q(canonical.ACCOUNTS)} WHERE account_id IS NOT NULL" \
        if include_unrated else ""
    wide = ",\n".join(
        f"max(score) FILTER (WHERE factor = $f{i}_key) AS {q(f.key)}" for i, f in enumerate(config.factors))
    sql = f"""
        params AS ({values}),
        snapshots AS ({snapshots}),
        usable AS (
            -- every rating that can count, on 0–100; multiplying before dividing keeps whole ratings
            -- exact (55 → 55.0, not 55.00000000000001)
            SELECT r.account_id, r.factor, r.ts, r.source_row, p.max_age_days,
                   LEAST(GREATEST((r.score - p.zero) * 100 / (p.hundred - p.zero), 0), 100) AS score
            FROM {q(canonical.FACTOR_RATINGS)} AS r
            JOIN params AS p ON p.factor = r.factor
            WHERE r.account_id IS NOT NULL AND r.score IS NOT NULL AND NOT isnan(r.score)
              AND p.zero IS NOT NULL
        ),{dated_ctes}
        rated_now AS (
            -- snapshots without a period or an instant ("now"): every known rating, undated ones too
            SELECT s.period, u.account_id, u.factor, u.ts, u.source_row, u.score
            FROM usable AS u
            CROSS JOIN snapshots AS s
            WHERE {now_only}(s.at IS NULL OR u.ts IS NULL OR u.ts <= s.at)
              AND (s.period IS NULL OR u.ts IS NOT NULL)   -- undated ratings count now, in no period
              AND (s.at IS NULL OR u.ts IS NULL OR u.max_age_days IS NULL
                   OR u.ts >= s.{age_from} - to_days(u.max_age_days))
        ),
        rated AS (
            -- the ratings known at each snapshot; for a period's snapshot only each factor's latest
            SELECT * FROM rated_now{rated_periods}
        ),
        latest AS (
            -- the latest rating: by time (undated last), then file row, then the higher score; one
            -- grouped pass instead of a sort per (period, account, factor)
            SELECT period, account_id, factor,
                   arg_max(score, (ts IS NOT NULL, coalesce(ts, TIMESTAMP '1970-01-01'),
                                   source_row IS NOT NULL, coalesce(source_row, 0), score)) AS score
            FROM rated_now
            GROUP BY period, account_id, factor{latest_periods}
        ),
        universe AS (
            SELECT s.period, u.account_id
            FROM snapshots AS s
            CROSS JOIN (SELECT DISTINCT account_id FROM latest {unrated}) AS u
        ),
        scored AS (
            SELECT u.period, u.account_id, p.factor, p.factor_name, p.ord, p.weight, p.target,
                   l.score, p.target - l.score AS gap,
                   {band_sql("l.score")} AS band
            FROM universe AS u
            CROSS JOIN params AS p
            LEFT JOIN latest AS l
              ON l.period IS NOT DISTINCT FROM u.period AND l.account_id = u.account_id
             AND l.factor = p.factor
        ),
        composite AS (
            SELECT period, account_id,
                   {wide},
                   sum(weight * score) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS composite,
                   coalesce(sum(weight) FILTER (WHERE score IS NOT NULL), 0) / sum(weight) AS coverage,
                   first(factor ORDER BY gap DESC, ord)
                       FILTER (WHERE score IS NOT NULL AND weight > 0) AS weakest_factor,
                   sum(weight * gap) / NULLIF(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS gap
            FROM scored
            GROUP BY period, account_id
        ),
        per_account AS (
            SELECT c.*, {band_sql("c.composite", "c.coverage")} AS band
            FROM composite AS c
        )"""
    return sql, params


def prepare_scales(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
             settings: Settings | None) -> tuple[dict[str, Scale], dict[str, Any]]:
    config.validate()
    return effective_scales(con, config), {"as_of": dimensions.as_of_param(con, settings)}


def account_scores_sql(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                       settings: Settings | None = None) -> tuple[str, dict[str, Any]]:
    """The account-score query and its parameters, for other metrics to use as a sub-query."""
    scales, params = prepare_scales(con, config, settings)
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
    params.update(p)
    cols = ", ".join(canonical.quote(k) for k in config.keys)
    sql = f"""
        WITH {ctes}
        SELECT account_id, {cols}, composite, coverage, band, weakest_factor, gap
        FROM per_account
        ORDER BY account_id"""
    return sql, params


def account_scores(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                   settings: Settings | None = None, *, account_id: str | None = None) -> pd.DataFrame:
    """One row per account (or only `account_id`'s): each factor's 0–100 score, composite, coverage, band,
    weakest factor, gap."""
    sql, params = account_scores_sql(con, config, settings)
    if account_id is not None:
        sql = f"SELECT * FROM ({sql}) AS scores {dimensions.one_account(account_id, params)}"
    return con.execute(sql, params).df()


def factor_bands(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                 settings: Settings | None = None, *, account_id: str | None = None) -> pd.DataFrame:
    """Long form, one row per account (or only `account_id`'s) and factor: score, target, gap and the
    factor's own band."""
    scales, params = prepare_scales(con, config, settings)
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
    params.update(p)
    return con.execute(f"""
        WITH {ctes}
        SELECT account_id, factor, factor_name AS name, score, target, gap, band
        FROM scored
        {dimensions.one_account(account_id, params)}
        ORDER BY account_id, ord
    """, params).df()


def factor_summary(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                   settings: Settings | None = None) -> pd.DataFrame:
    """One row per factor over all accounts: mean score, accounts rated, weight, target, gap and band."""
    scales, params = prepare_scales(con, config, settings)
    ctes, p = per_account_sql(config, scales, snapshots_now(), include_unrated=True)
    params.update(p)
    return con.execute(f"""
        WITH {ctes},
        factor_means AS (
            SELECT factor, factor_name, ord, weight, target,
                   avg(score) AS score,
                   count(score) AS n
            FROM scored
            GROUP BY factor, factor_name, ord, weight, target
        )
        SELECT factor, factor_name AS name, n, score, weight, target, target - score AS gap,
               {band_sql("score")} AS band
        FROM factor_means
        ORDER BY ord
    """, params).df()
