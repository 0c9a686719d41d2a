"""The desired outcome over time: each account's quadrant at every fiscal quarter end, its moves, and churn after.

README, "How each number is defined" → "Desired outcome over time":
- Quarters are `dimensions`' fiscal quarters, from the one holding the first dated answer of the
  chosen measure up to the one holding the as-of date. A quarter that has ended is read at its last
  day; the current one at the as-of date and marked `partial`.
- At that day each account's quadrant is `outcomes.quadrant_sql` of its outcome and its latest
  answer dated up to then (greatest timestamp, then the last source row). An answer older than 180
  days at that day (days between the answer's date and that day: exactly 180 counts, 181 does not)
  counts as missing → unknown. Undated answers cannot be aged and count in no quarter. The outcome
  (`accounts.outcome`) carries no date, so it counts in every quarter.
- A factor or the composite is `scores`' per-account score at that day (`per_account_sql`, one
  snapshot per quarter cut at its last instant, or at the as-of date): each factor's latest rating
  dated up to then, a rating older than 180 days at that day (counted the same way, in days; a
  factor's own shorter maximum age also counts in days from that day) missing; the composite from
  the factors left, only at the minimum coverage. Undated ratings count in no quarter.
- The accounts are the current quadrants' (`outcomes`): every account of the accounts table and
  every account with an answer (rating) of the measure, in every quarter. Shares are of the
  accounts placed in that quarter (and segment); ARR is the account's current ARR.
- The cost of the wrong experience: the customers at a quarter's end (`churn`: in a customer spell
  then) by their quadrant then, and how many entered Churn within the next two quarters, with
  Wilson 95% intervals; the window is `complete` once it ended by the as-of date.

A factor or composite measure needs the score configuration (`config`). Every count has a
function returning its accounts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cxlib import canonical, churn, dimensions, stats
from cxlib.behind.core import accounts_behind
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.outcomes import QUADRANTS, UNKNOWN, OutcomeSpec, quadrant_sql, resolve, spec_params
from cxlib.scores import ScoreConfig, segment_accounts_cte
from cxlib.scores.composite import per_account_sql
from cxlib.scores.scales import effective_scales, Scale
from cxlib.settings import Settings

STALE_DAYS = 180          # an answer older than this at a quarter's end counts as missing
CHURN_QUARTERS = 2        # "churn within the next two quarters"
CLI_COLUMNS = ("quarter", "segment", "quadrant", "accounts", "share", "arr", "partial")


def _check_measure(spec: OutcomeSpec, config: ScoreConfig | None) -> None:
    """A factor or composite measure needs the score configuration, and the factor must be one of it."""
    if spec.measure in ("csat", "nps"):
        return
    if config is None:
        raise MetricError(f"The desired outcome over time by '{spec.experience}' needs the score configuration "
                          "(its factors, scales and weights): pass config=.")
    config.validate()
    spec.validate(config)


def _rating_factors(spec: OutcomeSpec, config: ScoreConfig, scales: dict[str, Scale]) -> list[str]:
    """The factors whose ratings are the measure's: the chosen factor, or every factor with a scale (composite)."""
    if spec.measure == "factor":
        return [str(spec.factor)]
    return [k for k in config.keys if scales.get(k) is not None]


def _stale_config(config: ScoreConfig) -> ScoreConfig:
    """The score configuration with every factor's maximum age at most STALE_DAYS (a shorter one stays)."""
    return dataclasses.replace(config, max_age_days={
        k: STALE_DAYS if config.max_age_days.get(k) is None else min(int(config.max_age_days[k]), STALE_DAYS)
        for k in config.keys})


def _as_of(con: duckdb.DuckDBPyConnection, settings: Settings | None) -> dt.datetime:
    """The as-of date, or the reason there are no quarters (nothing dated, none set)."""
    as_of = dimensions.as_of_param(con, settings)
    if as_of is None:
        raise MetricError("The desired outcome over time needs dates: no row is dated (no survey, event or rating "
                          "date, no date in an accounts file's name) and no as-of date is set, so there is no "
                          "quarter end to read the quadrants at. Map a survey table with answer dates, or set the "
                          "as-of date on the Data page (the command line reads it from a mapping saved there, "
                          "--mapping) to see the current quarter.")
    return as_of


def _pinned(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, settings: Settings | None,
            config: ScoreConfig | None = None) -> Settings:
    """The settings with the as-of date resolved once (so one call looks it up once); checks the measure."""
    _check_measure(spec, config)
    return dataclasses.replace(settings or Settings(), as_of=_as_of(con, settings))


def _answers_sql(spec: OutcomeSpec) -> str:
    """The measure's answers (account_id, ts, source_row, score), undated ones too, up to $o_as_of.

    CSAT/NPS: the survey answers of that type; a factor or the composite: the ratings of $o_factors.
    """
    q = canonical.quote
    if spec.measure not in ("csat", "nps"):
        return f"""
            SELECT account_id, ts, source_row, score
            FROM {q(canonical.FACTOR_RATINGS)}
            WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score)
              AND list_contains($o_factors, factor)
              AND (ts IS NULL OR ts <= $o_as_of)"""
    return f"""
            SELECT account_id, ts, source_row, score
            FROM {q(canonical.SURVEYS)}
            WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score) {spec.answer_filter_sql}
              AND upper(trim(survey_type)) = $o_survey_type
              AND (ts IS NULL OR ts <= $o_as_of)"""


def _score_history_sql(spec: OutcomeSpec, config: ScoreConfig,
                       scales: dict[str, Scale]) -> tuple[str, dict[str, Any]]:
    """CTE `score_history` (quarter_start, account_id, score): the factor's or composite's score at each
    quarter's end, from `scores`' per-account query with one snapshot per row of `quarter_ends`.

    The snapshot cuts at the quarter's last instant (the as-of date for the current one) and counts
    ages from the start of its last day (`age_from`), so a maximum of 180 days reads as "days between
    the rating's date and that day ≤ 180", the rule the CSAT/NPS answers follow.
    """
    snapshots = """
            SELECT quarter_start AS period,
                   LEAST(next_start - INTERVAL 1 MICROSECOND, CAST($o_as_of AS TIMESTAMP)) AS at,
                   CAST(at_day AS TIMESTAMP) AS age_from
            FROM quarter_ends"""
    score_ctes, params = per_account_sql(_stale_config(config), scales, snapshots,
                                          include_unrated=False, age_from="age_from")
    value = ("CASE WHEN coverage >= $min_coverage THEN composite END" if spec.measure == "composite"
             else canonical.quote(str(spec.factor)))
    return f"""
        score_history AS (
            WITH {score_ctes}
            SELECT period AS quarter_start, account_id, {value} AS score
            FROM per_account
        )""", params


def _ctes(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, settings: Settings | None,
          by: str | None = None, config: ScoreConfig | None = None) -> tuple[str, dict[str, Any]]:
    """CTEs ending in `quadrants_at`: one row per quarter and account (quarter_start, quarter, partial,
    at_day, account_id, segment, arr, outcome_value, experience_value, measured_at, age_days, quadrant).

    `by` must be a checked accounts column (accounts without a value, or missing from the accounts
    table, are "(none)"). For a factor or the composite, measured_at and age_days are those of the
    latest rating of the measure's factors then (the experience value is the score's).
    """
    _check_measure(spec, config)
    spec = resolve(con, spec)    # CSAT: its scale's default line and whole answers on the scale
    settings = _pinned(con, spec, settings, config) if settings is None or settings.as_of is None else settings
    params: dict[str, Any] = spec_params(spec) | dimensions.period_params("quarter", settings) | {
        "o_as_of": dimensions.configured_as_of(settings), "o_stale_days": STALE_DAYS}
    start = "quarter_start"
    latest_value, score_history = "a.score", ""
    if spec.measure in ("csat", "nps"):
        params["o_survey_type"] = spec.measure.upper()
    else:
        assert config is not None    # _check_measure
        scales = effective_scales(con, config)
        params["o_factors"] = _rating_factors(spec, config, scales)
        score_history, score_params = _score_history_sql(spec, config, scales)
        params |= score_params
        score_history += ","
        latest_value = "h.score"
    score_join = ("LEFT JOIN score_history AS h ON h.quarter_start = qe.quarter_start AND h.account_id = a.account_id"
                  if score_history else "")
    ctes = f"""
        {segment_accounts_cte(by)},
        measure_answers AS ({_answers_sql(spec)}
        ),
        dated_answers AS (
            SELECT * FROM measure_answers WHERE ts IS NOT NULL
        ),
        bounds AS (
            SELECT {dimensions.period_sql("min(ts)")} AS first_start,
                   {dimensions.period_sql("CAST($o_as_of AS TIMESTAMP)")} AS last_start
            FROM dated_answers
        ),
        quarter_list AS (
            SELECT unnest(generate_series(coalesce(first_start, last_start), last_start, INTERVAL 3 MONTH))
                   AS quarter_start
            FROM bounds
        ),
        quarter_ends AS (
            SELECT quarter_start, {dimensions.period_label_sql("quarter", start)} AS quarter,
                   quarter_start + INTERVAL 3 MONTH AS next_start,
                   quarter_start + INTERVAL 3 MONTH > $o_as_of AS partial,
                   CASE WHEN quarter_start + INTERVAL 3 MONTH > $o_as_of THEN CAST($o_as_of AS DATE)
                        ELSE CAST(quarter_start + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) END AS at_day
            FROM quarter_list
        ),{score_history}
        latest_at AS (
            SELECT qe.quarter_start, a.account_id, {latest_value}, a.ts AS measured_at,
                   date_diff('day', CAST(a.ts AS DATE), qe.at_day) AS age_days
            FROM quarter_ends AS qe
            JOIN dated_answers AS a ON a.ts < qe.next_start
            {score_join}
            QUALIFY row_number() OVER (PARTITION BY qe.quarter_start, a.account_id
                                       ORDER BY a.ts DESC, a.source_row DESC NULLS LAST) = 1
        ),
        outcome AS (
            SELECT account_id, outcome AS outcome_value
            FROM ({dimensions.ONE_ROW_PER_ACCOUNT})
        ),
        universe AS (
            SELECT account_id FROM outcome
            UNION
            SELECT account_id FROM measure_answers
        ),
        measured_at_end AS (
            SELECT qe.quarter_start, qe.quarter, qe.partial, qe.at_day, u.account_id,
                   coalesce(a.segment, '{NONE_SEGMENT}') AS segment, a.arr,
                   o.outcome_value,
                   CASE WHEN l.age_days <= $o_stale_days THEN l.score END AS experience_value,
                   l.measured_at, l.age_days
            FROM quarter_ends AS qe
            CROSS JOIN universe AS u
            LEFT JOIN outcome AS o ON o.account_id = u.account_id
            LEFT JOIN latest_at AS l ON l.quarter_start = qe.quarter_start AND l.account_id = u.account_id
            LEFT JOIN acct AS a ON a.account_id = u.account_id
        ),
        quadrants_at AS (
            SELECT *, {quadrant_sql("outcome_value", "experience_value")} AS quadrant
            FROM measured_at_end
        )"""
    return ctes, params


def _by(con: duckdb.DuckDBPyConnection, by: str | None) -> str | None:
    return dimensions.check_accounts_column(con, by) if by is not None else None


def quarters(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, settings: Settings | None = None,
             config: ScoreConfig | None = None) -> pd.DataFrame:
    """The quarters read: quarter_start, quarter (label), at_day, partial, churn_window_end, churn_window_complete."""
    settings = _pinned(con, spec, settings, config)
    ctes, params = _ctes(con, spec, settings, config=config)
    params["o_churn_months"] = 3 * CHURN_QUARTERS
    return con.execute(f"""
        WITH {ctes}
        SELECT quarter_start, quarter, at_day, partial,
               next_start + to_months($o_churn_months) AS churn_window_end,
               NOT partial AND next_start + to_months($o_churn_months) <= $o_as_of AS churn_window_complete
        FROM quarter_ends
        ORDER BY quarter_start
    """, params).df()


def quarterly_quadrants(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec,
                        settings: Settings | None = None, config: ScoreConfig | None = None) -> pd.DataFrame:
    """One row per quarter and account: its outcome, experience value (and its date and age) and quadrant then."""
    settings = _pinned(con, spec, settings, config)
    ctes, params = _ctes(con, spec, settings, config=config)
    return con.execute(f"""
        WITH {ctes}
        SELECT quarter_start, quarter, partial, at_day, account_id, outcome_value, experience_value,
               measured_at, age_days, quadrant
        FROM quadrants_at
        ORDER BY quarter_start, account_id
    """, params).df()


def quarterly_summary(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, by: str | None = None,
                      settings: Settings | None = None, config: ScoreConfig | None = None) -> pd.DataFrame:
    """Accounts, shares and ARR per quarter and quadrant (per segment with `by`), every quadrant listed.

    Shares are of the accounts (ARR) placed in that quarter and segment; 'unknown' has no share.
    Columns: quarter_start, quarter, [segment], quadrant, accounts, share, arr, arr_share, partial.
    """
    by = _by(con, by)
    settings = _pinned(con, spec, settings, config)
    ctes, params = _ctes(con, spec, settings, by, config)
    quadrant_rows = ", ".join(f"('{name}', {i})" for i, name in enumerate(QUADRANTS))
    frame = con.execute(f"""
        WITH {ctes},
        quadrant_list AS (SELECT * FROM (VALUES {quadrant_rows}) AS v(quadrant, ord)),
        grid AS (
            SELECT qe.quarter_start, qe.quarter, qe.partial, s.segment, ql.quadrant, ql.ord
            FROM quarter_ends AS qe
            CROSS JOIN (SELECT DISTINCT segment FROM quadrants_at) AS s
            CROSS JOIN quadrant_list AS ql
        ),
        counts AS (
            SELECT g.quarter_start, g.quarter, g.partial, g.segment, g.quadrant, g.ord,
                   count(m.account_id) AS accounts,
                   coalesce(sum(m.arr), 0.0) AS arr
            FROM grid AS g
            LEFT JOIN quadrants_at AS m
              ON m.quarter_start = g.quarter_start AND m.segment = g.segment AND m.quadrant = g.quadrant
            GROUP BY ALL
        )
        SELECT quarter_start, quarter, segment, quadrant, accounts,
               CASE WHEN quadrant <> '{UNKNOWN}' THEN accounts / NULLIF(sum(accounts)
                   FILTER (WHERE quadrant <> '{UNKNOWN}') OVER (PARTITION BY quarter_start, segment), 0) END AS share,
               arr,
               CASE WHEN quadrant <> '{UNKNOWN}' THEN arr / NULLIF(sum(arr)
                   FILTER (WHERE quadrant <> '{UNKNOWN}') OVER (PARTITION BY quarter_start, segment), 0) END AS arr_share,
               partial
        FROM counts
        ORDER BY quarter_start, segment = '{NONE_SEGMENT}', segment, ord
    """, params).df()
    frame["accounts"] = frame["accounts"].astype("int64")
    frame["partial"] = frame["partial"].astype(bool)
    return frame if by is not None else frame.drop(columns="segment")


def _quarter_row(known: pd.DataFrame, quarter: str) -> pd.Series:
    """A quarter of `quarters` named by its label ('FY2026 Q3'); else a MetricError listing the quarters."""
    hit = known[known["quarter"] == str(quarter).strip()]
    if hit.empty:
        raise MetricError(f"Quarter '{quarter}' is not one of the quarters read "
                          f"({', '.join(known['quarter']) or 'none'}).")
    return hit.iloc[0]


def _quarter_start(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, quarter: str,
                   settings: Settings, config: ScoreConfig | None) -> dt.datetime:
    """The start of a quarter named by its label; else a MetricError listing the quarters."""
    return pd.Timestamp(_quarter_row(quarters(con, spec, settings, config), quarter)["quarter_start"]).to_pydatetime()


def quadrant_accounts(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, quarter: str, quadrant: str,
                      by: str | None = None, segment: str | None = None,
                      settings: Settings | None = None, config: ScoreConfig | None = None) -> pd.DataFrame:
    """The accounts behind one `quarterly_summary` count: the one list shape of `cxlib.behind` (value: the experience value then)."""
    by = _by(con, by)
    settings = _pinned(con, spec, settings, config)
    ctes, params = _ctes(con, spec, settings, by, config)
    params |= {"o_quarter_start": _quarter_start(con, spec, quarter, settings, config),
               "o_quadrant": quadrant}
    segment_filter = ""
    if by is not None:
        segment_filter = "AND segment = $o_segment"
        params["o_segment"] = NONE_SEGMENT if segment is None else str(segment)
    return accounts_behind(con, f"""
        WITH {ctes}
        SELECT account_id, experience_value AS value
        FROM quadrants_at
        WHERE quarter_start = $o_quarter_start AND quadrant = $o_quadrant {segment_filter}
    """, params, value_label=f"experience ({spec.experience}) in {quarter}")


def _pair_ctes(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, from_quarter: str, to_quarter: str,
               settings: Settings | None, config: ScoreConfig | None) -> tuple[str, dict[str, Any]]:
    """CTEs ending in `pairs` (account_id, arr, from_quadrant, to_quadrant, value: the later experience value)."""
    settings = _pinned(con, spec, settings, config)
    known = quarters(con, spec, settings, config)
    ctes, params = _ctes(con, spec, settings, config=config)
    params |= {"o_from": pd.Timestamp(_quarter_row(known, from_quarter)["quarter_start"]).to_pydatetime(),
               "o_to": pd.Timestamp(_quarter_row(known, to_quarter)["quarter_start"]).to_pydatetime()}
    return f"""{ctes},
        pairs AS (
            SELECT f.account_id, f.arr, f.quadrant AS from_quadrant, t.quadrant AS to_quadrant,
                   t.experience_value AS value
            FROM quadrants_at AS f
            JOIN quadrants_at AS t ON t.account_id = f.account_id AND t.quarter_start = $o_to
            WHERE f.quarter_start = $o_from
        )""", params


def quadrant_moves(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, from_quarter: str, to_quarter: str,
                   settings: Settings | None = None, config: ScoreConfig | None = None) -> pd.DataFrame:
    """Accounts (and their ARR) per quadrant at one quarter's end × quadrant at another's, for a Sankey.

    Columns: from_quadrant, to_quadrant, accounts, arr; pairs with no account are left out.
    """
    ctes, params = _pair_ctes(con, spec, from_quarter, to_quarter, settings, config)
    order = ", ".join(f"'{name}'" for name in QUADRANTS)
    frame = con.execute(f"""
        WITH {ctes}
        SELECT from_quadrant, to_quadrant, count(*) AS accounts, coalesce(sum(arr), 0.0) AS arr
        FROM pairs
        GROUP BY from_quadrant, to_quadrant
        ORDER BY list_position([{order}], from_quadrant), list_position([{order}], to_quadrant)
    """, params).df()
    frame["accounts"] = frame["accounts"].astype("int64")
    return frame


def move_accounts(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, from_quarter: str, to_quarter: str,
                  from_quadrant: str, to_quadrant: str, settings: Settings | None = None,
                  config: ScoreConfig | None = None) -> pd.DataFrame:
    """The accounts behind one `quadrant_moves` count: the one list shape (value: the experience value at the later end)."""
    ctes, params = _pair_ctes(con, spec, from_quarter, to_quarter, settings, config)
    params |= {"o_from_quadrant": from_quadrant, "o_to_quadrant": to_quadrant}
    return accounts_behind(con, f"""
        WITH {ctes}
        SELECT account_id, value
        FROM pairs
        WHERE from_quadrant = $o_from_quadrant AND to_quadrant = $o_to_quadrant
    """, params, value_label=f"experience ({spec.experience}) in {to_quarter}")


def default_churn_quarter(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec,
                          settings: Settings | None = None, config: ScoreConfig | None = None) -> str:
    """The latest ended quarter whose next two quarters ended by the as-of date (else the latest ended one)."""
    return _default_quarter(quarters(con, spec, settings, config))


def _default_quarter(known: pd.DataFrame) -> str:
    ended = known[~known["partial"]]
    if ended.empty:
        raise MetricError("Churn after a quarter needs a quarter that has ended: the only quarter read is the "
                          f"current one ({', '.join(known['quarter'])}), which ends after the as-of date.")
    complete = ended[ended["churn_window_complete"]]
    return str((complete if not complete.empty else ended)["quarter"].iloc[-1])


def _churn_ctes(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, row: pd.Series,
                settings: Settings, config: ScoreConfig | None, by: str | None = None,
                segment: str | None = None) -> tuple[str, dict[str, Any]]:
    """CTEs ending in `customers_at_end` (account_id, quadrant, churned, churn_ts) for one ended quarter
    (`row` of `quarters`; settings pinned); only the customers of one segment of `by` when given."""
    if bool(row["partial"]):
        raise MetricError(f"Quarter '{row['quarter']}' has not ended (it is read at the as-of date): churn after it "
                          "is not known yet; choose an ended quarter.")
    if (by is None) != (segment is None):
        raise MetricError("A segment's churn needs both the column (by) and its value (segment).")
    ctes, params = _ctes(con, spec, settings, _by(con, by), config)
    params |= churn.base_params(con, settings) | {
        "o_quarter_start": pd.Timestamp(row["quarter_start"]).to_pydatetime(), "o_churn_months": 3 * CHURN_QUARTERS}
    in_segment = ""     # the default SQL is unchanged without a segment
    if by is not None:
        params["o_segment"] = str(segment).strip()
        in_segment = (f"\n            LEFT JOIN acct AS sa ON sa.account_id = s.account_id"
                      f"\n            WHERE coalesce(sa.segment, '{NONE_SEGMENT}') = $o_segment")
    return f"""{ctes},
        {churn.spells_sql()},
        chosen AS (
            SELECT quarter_start, next_start, next_start + to_months($o_churn_months) AS window_end
            FROM quarter_ends
            WHERE quarter_start = $o_quarter_start
        ),
        customers_at_end AS (
            SELECT s.account_id, coalesce(qa.quadrant, '{UNKNOWN}') AS quadrant,
                   s.spell_end IS NOT NULL AND s.spell_end < c.window_end AS churned,
                   CASE WHEN s.spell_end < c.window_end THEN s.spell_end END AS churn_ts
            FROM chosen AS c
            JOIN spells AS s ON s.spell_start < c.next_start AND (s.spell_end IS NULL OR s.spell_end >= c.next_start)
            LEFT JOIN quadrants_at AS qa ON qa.quarter_start = c.quarter_start AND qa.account_id = s.account_id{in_segment}
        )""", params


def churn_after(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, quarter: str | None = None,
                settings: Settings | None = None, config: ScoreConfig | None = None, *, by: str | None = None,
                segment: str | None = None) -> pd.DataFrame:
    """The cost of the wrong experience: churn within the next two quarters of the customers at a quarter's end
    (only those of one segment of `by` when given: its value as `dimensions.segment_sql` labels it).

    Per quadrant (every quadrant listed): accounts (customers at the quarter's end), churned (entered
    Churn within the next two quarters), churn_rate with a Wilson 95% interval (ci_low, ci_high),
    low_n (accounts below the minimum n). attrs: quarter, window_end, complete (the window ended
    by the as-of date; else the churn seen so far).
    """
    settings = _pinned(con, spec, settings, config)
    known = quarters(con, spec, settings, config)
    row = _quarter_row(known, quarter or _default_quarter(known))
    ctes, params = _churn_ctes(con, spec, row, settings, config, by, segment)
    quadrant_rows = ", ".join(f"('{name}', {i})" for i, name in enumerate(QUADRANTS))
    frame = con.execute(f"""
        WITH {ctes},
        quadrant_list AS (SELECT * FROM (VALUES {quadrant_rows}) AS v(quadrant, ord))
        SELECT ql.quadrant, count(c.account_id) AS accounts, count(c.account_id) FILTER (WHERE c.churned) AS churned
        FROM quadrant_list AS ql
        LEFT JOIN customers_at_end AS c ON c.quadrant = ql.quadrant
        GROUP BY ql.quadrant, ql.ord
        ORDER BY ql.ord
    """, params).df()
    for c in ("accounts", "churned"):
        frame[c] = frame[c].astype("int64")
    n = frame["accounts"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["churn_rate"] = np.where(n > 0, frame["churned"].to_numpy(dtype=float) / n, np.nan)
    frame["ci_low"], frame["ci_high"] = stats.wilson_interval(frame["churned"].to_numpy(), n)
    frame["low_n"] = frame["accounts"] < settings.min_n
    frame.attrs.update({"quarter": str(row["quarter"]),
                        "window_end": pd.Timestamp(row["churn_window_end"]).to_pydatetime(),
                        "complete": bool(row["churn_window_complete"])})
    return frame


def churn_after_accounts(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, quarter: str, quadrant: str,
                         churned: bool | None = None, settings: Settings | None = None,
                         config: ScoreConfig | None = None, *, by: str | None = None,
                         segment: str | None = None) -> pd.DataFrame:
    """The accounts behind a `churn_after` count: the one list shape (value: the churn date, or empty).

    churned None: the quadrant's customers at the quarter's end (`accounts`); True: those who churned.
    """
    settings = _pinned(con, spec, settings, config)
    ctes, params = _churn_ctes(con, spec, _quarter_row(quarters(con, spec, settings, config), quarter), settings,
                               config, by, segment)
    params |= {"o_quadrant": quadrant}
    only = "AND churned" if churned else ("AND NOT churned" if churned is False else "")
    return accounts_behind(con, f"""
        WITH {ctes}
        SELECT account_id, churn_ts AS value
        FROM customers_at_end
        WHERE quadrant = $o_quadrant {only}
    """, params, value_label="churned on (empty: still a customer)")


def undated_answers(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, settings: Settings | None = None,
                    config: ScoreConfig | None = None) -> int:
    """How many answers (ratings) of the measure have no date (they count now, in no quarter), for a note."""
    _check_measure(spec, config)
    spec = resolve(con, spec)
    if spec.measure not in ("csat", "nps"):
        assert config is not None    # _check_measure
        (n,) = con.execute(f"""
            SELECT count(*) FROM {canonical.quote(canonical.FACTOR_RATINGS)}
            WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score)
              AND list_contains($factors, factor) AND ts IS NULL""",
                           {"factors": _rating_factors(spec, config, effective_scales(con, config))}).fetchone()
        return int(n)
    (n,) = con.execute(f"""
        SELECT count(*) FROM {canonical.quote(canonical.SURVEYS)}
        WHERE account_id IS NOT NULL AND score IS NOT NULL AND NOT isnan(score) {spec.answer_filter_sql}
          AND upper(trim(survey_type)) = $t AND ts IS NULL""", {"t": spec.measure.upper()}).fetchone()
    return int(n)


def answers_word(spec: OutcomeSpec, count: int = 2) -> str:
    """What `count` of the measure's dated rows are called in a note: '1 CSAT answer has', '2 factor ratings have'."""
    noun = f"{spec.measure.upper()} answer" if spec.measure in ("csat", "nps") else "factor rating"
    return f"{count:,} {noun} has" if count == 1 else f"{count:,} {noun}s have"


def cli_table(summary: pd.DataFrame) -> pd.DataFrame:
    """`outcomes --by-quarter` columns: quarter, [segment], quadrant, accounts, share, arr, partial."""
    return summary[[c for c in CLI_COLUMNS if c in summary]].reset_index(drop=True)




def placement_reason(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, settings: Settings | None = None) -> str:
    """Why no account has a quadrant: accounts, those with an outcome, answers of the measure with an account."""
    q = canonical.quote
    spec = resolve(con, spec)
    accounts, with_outcome = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE outcome IS NOT NULL AND NOT isnan(outcome)) "
        f"FROM ({dimensions.ONE_ROW_PER_ACCOUNT})").fetchone()
    answers = 0
    if spec.measure in ("csat", "nps"):
        (answers,) = con.execute(
            f"SELECT count(*) FROM {q(canonical.SURVEYS)} WHERE account_id IS NOT NULL AND score IS NOT NULL "
            f"AND NOT isnan(score) {spec.answer_filter_sql} AND upper(trim(survey_type)) = $t "
            "AND (ts IS NULL OR ts <= $as_of)",
            {"t": spec.measure.upper(), "as_of": dimensions.as_of_param(con, settings)}).fetchone()
    else:   # a factor's ratings, or any factor's for the composite
        (answers,) = con.execute(
            f"SELECT count(*) FROM {q(canonical.FACTOR_RATINGS)} WHERE account_id IS NOT NULL "
            "AND score IS NOT NULL AND NOT isnan(score) AND (CAST($f AS VARCHAR) IS NULL OR factor = $f) "
            "AND (ts IS NULL OR ts <= $as_of)",
            {"f": spec.factor, "as_of": dimensions.as_of_param(con, settings)}).fetchone()
    parts = [f"{accounts:,} accounts loaded, {with_outcome:,} with an outcome"
             + (" (map the accounts' outcome column: yes/no or a score)" if not with_outcome else "")]
    if spec.measure in ("csat", "nps"):
        parts.append(f"{answers:,} {spec.measure.upper()} answers with an account"
                     + (" (map a survey table with an account column and that survey type)" if not answers else ""))
    else:
        parts.append(f"{answers:,} {'factor' if spec.factor is None else repr(spec.factor)} ratings with an account"
                     + (" (map a factor ratings table with an account column)" if not answers else "")
                     + (" (a composite counts only when an account's rated factors reach the minimum coverage "
                        "of the weights, set with the scores)" if answers and spec.measure == "composite" else ""))
    return f"no account has both an outcome and the {spec.experience} measure: " + "; ".join(parts)


__all__ = ["CHURN_QUARTERS", "CLI_COLUMNS", "STALE_DAYS", "churn_after", "churn_after_accounts", "cli_table",
           "default_churn_quarter", "move_accounts", "quadrant_accounts", "quadrant_moves", "quarterly_quadrants",
           "answers_word", "placement_reason", "quarterly_summary", "quarters", "undated_answers"]
