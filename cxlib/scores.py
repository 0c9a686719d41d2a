"""Engagement against the desired state (DOMAIN.md §2): factor scales, composite, bands, gaps, trend, risk.

Formulas (also in the README):
- Normalisation: each raw rating x on its factor's scale becomes (x − zero)/(hundred − zero) × 100,
  clipped to 0–100 (1–5: 1 → 0, 3 → 50, 5 → 100; a metric whose `zero` is above its `hundred`
  is "lower is better").
- Latest rating per account and factor counts (by timestamp, then the later source row); ratings
  after the as-of date are not yet known; with a maximum age per factor, dated ratings older than
  as-of − max age are ignored. Undated ratings are always kept (their age is unknown) but lose to
  any dated rating.
- Composite = Σ wᵢ·scoreᵢ / Σ wᵢ over the factors that have a score (weights renormalised);
  coverage = Σ wᵢ over factors with a score / Σ wᵢ over all factors.
- Gap per factor = target − score (positive: below the desired state). Overall gap = Σ wᵢ·gapᵢ /
  Σ wᵢ over the factors with a score, i.e. the renormalised weighted target minus the composite.
- Weakest factor = the factor with the largest gap among those with a score and a weight above 0;
  ties go to the earlier factor in the configured order.
- Band: the value as shown (rounded half away from zero to a whole number) is red below
  `red_below` (50), green above `green_above` (75), yellow in between, both ends included; below
  the minimum coverage (0.5) or without a value the band is grey ("insufficient data").
- Segment composite = mean of the segment's account composites (ARR-weighted on request) over
  accounts whose coverage reaches the minimum; a segment factor score = mean over the accounts
  that have that factor; segment gap = mean of those accounts' overall gaps.
- Trend: the composite as it stood at the end of each period (latest ratings up to then), latest
  period vs the one before; |change| ≤ dead band (5) is "same". Periods are `dimensions`' months
  and fiscal quarters, up to the as-of date (`dimensions.as_of_date`).
- Segments: one row per account (`dimensions`: the first row kept), blanks under "(none)".
- ARR at risk: ARR of accounts that are red or currently in Disappointment and renew within N days
  (default 90) after the as-of date, both ends included; churned and lost accounts are excluded.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib.dimensions import NONE_SEGMENT
from cxlib.errors import MetricError
from cxlib.factors import Factor, default_factors, factor_key
from cxlib.settings import Settings
from cxlib.stages import exit_stages, stage_order

SCALE_KINDS: tuple[str, ...] = ("1-5", "0-10", "0-100", "percent", "yes/no", "metric")
# The values meaning 0 and 100 on each fixed scale; 'percent' is a fraction 0–1.
_SCALE_RANGES: dict[str, tuple[float, float]] = {
    "1-5": (1.0, 5.0), "0-10": (0.0, 10.0), "0-100": (0.0, 100.0),
    "percent": (0.0, 1.0), "yes/no": (0.0, 1.0),
}
BANDS: tuple[str, ...] = ("red", "yellow", "green", "grey")
DEFAULT_TARGET = 80.0
DEFAULT_RISK_STAGES: tuple[str, ...] = ("Disappointment",)
# Output columns a factor key must not shadow.
_RESERVED = {"account_id", "segment", "accounts", "n", "composite", "coverage", "band",
             "weakest_factor", "gap", "low_n", "period", "arr", "name"}

CLI_FACTOR_KEYS: tuple[str, ...] = tuple(f.key for f in default_factors())
CLI_COLUMNS: tuple[str, ...] = CLI_FACTOR_KEYS + ("composite", "coverage", "band", "weakest_factor", "gap")


@dataclass(frozen=True)
class Scale:
    """A factor's scale: its kind and the raw values that mean 0 and 100 (metric: direction too)."""

    kind: str
    zero: float
    hundred: float

    @classmethod
    def of(cls, kind: str, zero: float | None = None, hundred: float | None = None) -> Scale:
        """A scale of a named kind; fixed kinds take their usual range, a metric needs both ends."""
        if kind not in SCALE_KINDS:
            raise MetricError(f"Unknown scale '{kind}': use one of {', '.join(SCALE_KINDS)}.")
        if kind == "metric":
            if zero is None or hundred is None:
                raise MetricError("A metric scale needs the values that mean 0 and 100.")
        else:
            lo, hi = _SCALE_RANGES[kind]
            zero = lo if zero is None else zero
            hundred = hi if hundred is None else hundred
        if not (math.isfinite(float(zero)) and math.isfinite(float(hundred))) or float(zero) == float(hundred):
            raise MetricError(f"Scale '{kind}': the values meaning 0 and 100 must differ "
                              f"(got {zero} and {hundred}).")
        return cls(kind, float(zero), float(hundred))

    @classmethod
    def metric(cls, zero: float, hundred: float) -> Scale:
        """A numeric metric: `zero` maps to 0 and `hundred` to 100; zero > hundred means lower is better."""
        return cls.of("metric", zero, hundred)

    @property
    def direction(self) -> str:
        """'higher is better' or 'lower is better', implied by the order of the two ends."""
        return "higher is better" if self.hundred > self.zero else "lower is better"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "zero": self.zero, "hundred": self.hundred}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scale:
        return cls.of(str(d["kind"]), d.get("zero"), d.get("hundred"))


@dataclass(frozen=True)
class Thresholds:
    """The band rule: red below `red_below`, green above `green_above` (as shown), grey below coverage."""

    red_below: float = 50.0
    green_above: float = 75.0
    min_coverage: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return {"red_below": self.red_below, "green_above": self.green_above, "min_coverage": self.min_coverage}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Thresholds:
        return cls(float(d.get("red_below", 50.0)), float(d.get("green_above", 75.0)),
                   float(d.get("min_coverage", 0.5)))


@dataclass
class ScoreConfig:
    """Factors, scales, weights, targets, bands and horizons of the engagement score (mapping JSON "scores")."""

    factors: list[Factor] = field(default_factory=default_factors)
    scales: dict[str, Scale] = field(default_factory=dict)      # missing: detected from the data
    weights: dict[str, float] = field(default_factory=dict)     # missing: 1 (equal weights)
    targets: dict[str, float] = field(default_factory=dict)     # missing: 80
    thresholds: Thresholds = field(default_factory=Thresholds)
    max_age_days: dict[str, int] = field(default_factory=dict)  # missing: no age limit
    dead_band: float = 5.0
    risk_horizon_days: int = 90

    @property
    def min_coverage(self) -> float:
        return self.thresholds.min_coverage

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.factors]

    def weight(self, key: str) -> float:
        return float(self.weights.get(key, 1.0))

    def target(self, key: str) -> float:
        return float(self.targets.get(key, DEFAULT_TARGET))

    def rename(self, key: str, name: str) -> ScoreConfig:
        """A copy with factor `key` shown under a new display name (the key stays: it is the contract)."""
        self._require(key)
        return replace(self, factors=[Factor(f.key, name) if f.key == key else f for f in self.factors])

    def drop(self, key: str) -> ScoreConfig:
        """A copy without factor `key` (its weight, target, scale and age limit go with it)."""
        self._require(key)
        return replace(self, factors=[f for f in self.factors if f.key != key],
                       scales={k: v for k, v in self.scales.items() if k != key},
                       weights={k: v for k, v in self.weights.items() if k != key},
                       targets={k: v for k, v in self.targets.items() if k != key},
                       max_age_days={k: v for k, v in self.max_age_days.items() if k != key})

    def add(self, factor: Factor, *, scale: Scale | None = None, weight: float | None = None,
            target: float | None = None) -> ScoreConfig:
        """A copy with one more factor at the end of the order."""
        if factor.key in self.keys:
            raise MetricError(f"Factor '{factor.key}' is already in the list.")
        new = replace(self, factors=[*self.factors, factor], scales=dict(self.scales),
                      weights=dict(self.weights), targets=dict(self.targets))
        if scale is not None:
            new.scales[factor.key] = scale
        if weight is not None:
            new.weights[factor.key] = float(weight)
        if target is not None:
            new.targets[factor.key] = float(target)
        new.validate()
        return new

    def _require(self, key: str) -> None:
        if key not in self.keys:
            raise MetricError(f"Unknown factor '{key}'.")

    def validate(self) -> None:
        """Raise MetricError naming the first thing that makes the configuration unusable."""
        if not self.factors:
            raise MetricError("No engagement factors are configured.")
        seen: set[str] = set()
        for f in self.factors:
            if not f.key or f.key in seen:
                raise MetricError(f"Factor key '{f.key}' is empty or used twice.")
            if f.key in _RESERVED or f.key.endswith("_band") or f.key.startswith("gap_"):
                raise MetricError(f"Factor key '{f.key}' clashes with a result column; choose another.")
            seen.add(f.key)
        for key, w in self.weights.items():
            if not math.isfinite(float(w)) or float(w) < 0:
                raise MetricError(f"Weight of '{key}' must be a number ≥ 0 (got {w}).")
        if sum(self.weight(k) for k in self.keys) <= 0:
            raise MetricError("The factor weights add up to 0: give at least one factor a weight.")
        for key, t in self.targets.items():
            if not 0 <= float(t) <= 100:
                raise MetricError(f"Target of '{key}' must be between 0 and 100 (got {t}).")
        for key, days in self.max_age_days.items():
            if days is not None and int(days) <= 0:
                raise MetricError(f"Maximum age of '{key}' must be a positive number of days (got {days}).")
        th = self.thresholds
        if th.red_below > th.green_above:
            raise MetricError(f"Band thresholds: red below {th.red_below} must not exceed green above "
                              f"{th.green_above}.")
        if not 0 <= th.min_coverage <= 1:
            raise MetricError(f"Minimum coverage must be between 0 and 1 (got {th.min_coverage}).")
        if self.dead_band < 0 or self.risk_horizon_days < 0:
            raise MetricError("Trend dead band and ARR-at-risk horizon must not be negative.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "factors": [{"key": f.key, "name": f.name} for f in self.factors],
            "scales": {k: s.to_dict() for k, s in self.scales.items()},
            "weights": dict(self.weights),
            "targets": dict(self.targets),
            "thresholds": self.thresholds.to_dict(),
            "max_age_days": dict(self.max_age_days),
            "dead_band": self.dead_band,
            "risk_horizon_days": self.risk_horizon_days,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> ScoreConfig:
        d = d or {}
        thresholds = Thresholds.from_dict(d.get("thresholds") or {})
        if "min_coverage" in d:
            thresholds = replace(thresholds, min_coverage=float(d["min_coverage"]))
        config = cls(
            factors=[Factor(str(f["key"]), str(f.get("name") or f["key"])) for f in d["factors"]]
            if d.get("factors") else default_factors(),
            scales={k: Scale.from_dict(s) for k, s in (d.get("scales") or {}).items()},
            weights={k: float(v) for k, v in (d.get("weights") or {}).items()},
            targets={k: float(v) for k, v in (d.get("targets") or {}).items()},
            thresholds=thresholds,
            max_age_days={k: int(v) for k, v in (d.get("max_age_days") or {}).items() if v is not None},
            dead_band=float(d.get("dead_band", 5.0)),
            risk_horizon_days=int(d.get("risk_horizon_days", 90)),
        )
        config.validate()
        return config


# ---------------------------------------------------------------- bands


def shown(value: float) -> int:
    """The whole number a score is shown as: rounded half away from zero (49.5 → 50, 75.5 → 76)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def band(value: float | None, coverage: float | None, thresholds: Thresholds | None = None) -> str:
    """Band of a 0–100 value as shown; grey without a value or below the minimum coverage (None: full)."""
    th = thresholds or Thresholds()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "grey"
    if coverage is not None and not (isinstance(coverage, float) and math.isnan(coverage)) \
            and coverage < th.min_coverage:
        return "grey"
    s = shown(value)
    if s < th.red_below:
        return "red"
    if s > th.green_above:
        return "green"
    return "yellow"


def band_sql(value: str, coverage: str = "1.0") -> str:
    """The same rule as `band` as a SQL expression; DuckDB's round() is half away from zero too.

    Expects the named parameters of `_band_params` ($red_below, $green_above, $min_coverage).
    """
    return (f"CASE WHEN ({value}) IS NULL OR isnan({value}) OR ({coverage}) < $min_coverage THEN 'grey' "
            f"WHEN round({value}) < $red_below THEN 'red' "
            f"WHEN round({value}) > $green_above THEN 'green' ELSE 'yellow' END")


def _band_params(th: Thresholds) -> dict[str, Any]:
    return {"red_below": float(th.red_below), "green_above": float(th.green_above),
            "min_coverage": float(th.min_coverage)}


# ---------------------------------------------------------------- scales


def detect_scales(con: duckdb.DuckDBPyConnection) -> dict[str, Scale]:
    """Each rated factor's scale guessed from its values (first rule that fits wins).

    All values 0/1 → yes/no; whole numbers within 1–5 → 1-5; within 0–10 → 0-10; within 0–1 with
    fractions → percent; within 0–100 → 0-100; anything else → a metric over the observed range.
    """
    rows = con.execute(f"""
        WITH vals AS (
            SELECT factor, score
            FROM {canonical.quote(canonical.FACTOR_RATINGS)}
            WHERE factor IS NOT NULL AND score IS NOT NULL AND NOT isnan(score)
        )
        SELECT factor,
               min(score) AS lo,
               max(score) AS hi,
               bool_and(score IN (0, 1)) AS binary,
               bool_and(score = floor(score)) AS whole
        FROM vals
        GROUP BY factor
        ORDER BY factor
    """).fetchall()
    scales: dict[str, Scale] = {}
    for factor, lo, hi, binary, whole in rows:
        if binary:
            scales[factor] = Scale.of("yes/no")
        elif whole and lo >= 1 and hi <= 5:
            scales[factor] = Scale.of("1-5")
        elif whole and lo >= 0 and hi <= 10:
            scales[factor] = Scale.of("0-10")
        elif lo >= 0 and hi <= 1:
            scales[factor] = Scale.of("percent")
        elif lo >= 0 and hi <= 100:
            scales[factor] = Scale.of("0-100")
        else:
            scales[factor] = Scale.metric(lo if lo != hi else 0.0, hi)
    return scales


def effective_scales(con: duckdb.DuckDBPyConnection, config: ScoreConfig) -> dict[str, Scale]:
    """The scale used for each configured factor: the configured one, else the detected one."""
    detected = detect_scales(con)
    return {k: s for k in config.keys if (s := config.scales.get(k) or detected.get(k)) is not None}


# ---------------------------------------------------------------- the shared query


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


def _snapshots_now() -> str:
    """One snapshot: the as-of date ($as_of; NULL when the data has no dates)."""
    return "SELECT CAST(NULL AS TIMESTAMP) AS period, CAST($as_of AS TIMESTAMP) AS at"


def _snapshots_periods() -> str:
    """One snapshot per period (month or fiscal quarter) from the first dated rating to the as-of date.

    A period's snapshot is taken at its last instant, or at the as-of date for the current one.
    Expects $as_of, $step_months and `dimensions.period_params` ($period_unit, $fy_shift).
    """
    ratings = canonical.quote(canonical.FACTOR_RATINGS)
    return f"""
        WITH bounds AS (
            SELECT {dimensions.period_sql("min(ts)")} AS first_period,
                   {dimensions.period_sql("CAST($as_of AS TIMESTAMP)")} AS last_period
            FROM {ratings}
            WHERE ts IS NOT NULL AND ts <= $as_of
        ),
        periods AS (
            SELECT unnest(generate_series(first_period, last_period, to_months($step_months))) AS period
            FROM bounds
            WHERE first_period IS NOT NULL
        )
        SELECT period,
               LEAST(period + to_months($step_months) - INTERVAL 1 MICROSECOND, CAST($as_of AS TIMESTAMP)) AS at
        FROM periods"""


def _per_account_sql(config: ScoreConfig, scales: dict[str, Scale], snapshots: str,
                     include_unrated: bool) -> tuple[str, dict[str, Any]]:
    """CTEs up to `per_account` (period, account_id, factor columns, composite, coverage, band, …).

    Also leaves `params` (the factor table) and `scored` (long form: one row per account, period
    and factor with score, gap and band) for callers that need them.
    """
    q = canonical.quote
    values, params = _factor_values(config, scales)
    params.update(_band_params(config.thresholds))
    unrated = f"UNION SELECT account_id FROM {q(canonical.ACCOUNTS)} WHERE account_id IS NOT NULL" \
        if include_unrated else ""
    wide = ",\n".join(
        f"max(score) FILTER (WHERE factor = $f{i}_key) AS {q(f.key)}" for i, f in enumerate(config.factors))
    sql = f"""
        params AS ({values}),
        snapshots AS ({snapshots}),
        rated AS (
            -- multiplying before dividing keeps whole ratings exact (55 → 55.0, not 55.00000000000001)
            SELECT s.period, r.account_id, r.factor, r.ts, r.source_row,
                   LEAST(GREATEST((r.score - p.zero) * 100 / (p.hundred - p.zero), 0), 100) AS score
            FROM {q(canonical.FACTOR_RATINGS)} AS r
            JOIN params AS p ON p.factor = r.factor
            CROSS JOIN snapshots AS s
            WHERE r.account_id IS NOT NULL AND r.score IS NOT NULL AND NOT isnan(r.score)
              AND p.zero IS NOT NULL
              AND (s.at IS NULL OR r.ts IS NULL OR r.ts <= s.at)
              AND (s.period IS NULL OR r.ts IS NOT NULL)   -- undated ratings count now, in no period
              AND (s.at IS NULL OR r.ts IS NULL OR p.max_age_days IS NULL
                   OR r.ts >= s.at - to_days(p.max_age_days))
        ),
        latest AS (
            SELECT period, account_id, factor, score
            FROM rated
            QUALIFY row_number() OVER (
                PARTITION BY period, account_id, factor
                ORDER BY ts DESC NULLS LAST, source_row DESC NULLS LAST, score DESC) = 1
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


def _prepare(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
             settings: Settings | None) -> tuple[dict[str, Scale], dict[str, Any]]:
    config.validate()
    return effective_scales(con, config), {"as_of": dimensions.as_of_param(con, settings)}


def account_scores_sql(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                       settings: Settings | None = None) -> tuple[str, dict[str, Any]]:
    """The account-score query and its parameters, for other metrics to use as a sub-query."""
    scales, params = _prepare(con, config, settings)
    ctes, p = _per_account_sql(config, scales, _snapshots_now(), include_unrated=True)
    params.update(p)
    cols = ", ".join(canonical.quote(k) for k in config.keys)
    sql = f"""
        WITH {ctes}
        SELECT account_id, {cols}, composite, coverage, band, weakest_factor, gap
        FROM per_account
        ORDER BY account_id"""
    return sql, params


def account_scores(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                   settings: Settings | None = None) -> pd.DataFrame:
    """One row per account: each factor's 0–100 score, composite, coverage, band, weakest factor, gap."""
    sql, params = account_scores_sql(con, config, settings)
    return con.execute(sql, params).df()


def factor_bands(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                 settings: Settings | None = None) -> pd.DataFrame:
    """Long form, one row per account and factor: score, target, gap and the factor's own band."""
    scales, params = _prepare(con, config, settings)
    ctes, p = _per_account_sql(config, scales, _snapshots_now(), include_unrated=True)
    params.update(p)
    return con.execute(f"""
        WITH {ctes}
        SELECT account_id, factor, factor_name AS name, score, target, gap, band
        FROM scored
        ORDER BY account_id, ord
    """, params).df()


def factor_summary(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                   settings: Settings | None = None) -> pd.DataFrame:
    """One row per factor over all accounts: mean score, accounts rated, weight, target, gap and band."""
    scales, params = _prepare(con, config, settings)
    ctes, p = _per_account_sql(config, scales, _snapshots_now(), include_unrated=True)
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


# ---------------------------------------------------------------- segments


def _weight_flag(weight: str) -> bool:
    if weight not in ("accounts", "arr"):
        raise MetricError(f"Weight must be 'accounts' or 'arr' (got '{weight}').")
    return weight == "arr"


def segment_accounts_cte(by: str | None) -> str:
    """CTE `acct`: one row per account (`dimensions`: the first row kept) with ARR, stage, renewal, segment.

    `by` must be a checked accounts column (`dimensions.check_accounts_column`).
    """
    segment = dimensions.segment_sql(canonical.quote(by)) if by else f"'{NONE_SEGMENT}'"
    return f"""
        acct AS (
            SELECT account_id, name, stage, arr, renewal_date, {segment} AS segment
            FROM ({dimensions.ONE_ROW_PER_ACCOUNT})
        )"""


def segment_scores(con: duckdb.DuckDBPyConnection, config: ScoreConfig, by: str,
                   weight: str = "accounts", settings: Settings | None = None) -> pd.DataFrame:
    """One row per segment value: composite, factor scores, gaps, coverage, band, weakest factor, low n.

    `n` counts the accounts whose coverage reaches the minimum (the ones the composite averages);
    `accounts` counts every account in the segment. Accounts without a value are "(none)".
    """
    by = dimensions.check_accounts_column(con, by)
    arr_weighted = _weight_flag(weight)
    settings = settings or Settings()
    scales, params = _prepare(con, config, settings)
    ctes, p = _per_account_sql(config, scales, _snapshots_now(), include_unrated=True)
    params.update(p)
    params.update({"arr_weighted": arr_weighted, "min_n": settings.min_n})
    q = canonical.quote
    wide = ",\n".join(f"max(score) FILTER (WHERE factor = $f{i}_key) AS {q(f.key)}"
                      for i, f in enumerate(config.factors))
    gaps = ",\n".join(f"max(gap) FILTER (WHERE factor = $f{i}_key) AS {q('gap_' + f.key)}"
                      for i, f in enumerate(config.factors))
    factor_cols = ", ".join(q(k) for k in config.keys)
    gap_cols = ", ".join(q("gap_" + k) for k in config.keys)
    return con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(by)},
        members AS (
            SELECT pa.*, coalesce(a.segment, '{NONE_SEGMENT}') AS segment,
                   CASE WHEN $arr_weighted THEN coalesce(a.arr, 0) ELSE 1 END AS w,
                   pa.composite IS NOT NULL AND pa.coverage >= $min_coverage AS counted
            FROM per_account AS pa
            LEFT JOIN acct AS a USING (account_id)
        ),
        segment_totals AS (
            SELECT segment,
                   count(*) AS accounts,
                   count(*) FILTER (WHERE counted) AS n,
                   sum(w * composite) FILTER (WHERE counted)
                       / NULLIF(sum(w) FILTER (WHERE counted), 0) AS composite,
                   sum(w * gap) FILTER (WHERE counted) / NULLIF(sum(w) FILTER (WHERE counted), 0) AS gap,
                   avg(coverage) AS coverage
            FROM members
            GROUP BY segment
        ),
        segment_factor AS (
            SELECT m.segment, s.factor, s.ord, s.weight, s.target,
                   sum(m.w * s.score) / NULLIF(sum(m.w) FILTER (WHERE s.score IS NOT NULL), 0) AS score
            FROM scored AS s
            JOIN members AS m USING (account_id)
            GROUP BY m.segment, s.factor, s.ord, s.weight, s.target
        ),
        segment_factor_gap AS (
            SELECT *, target - score AS gap FROM segment_factor
        ),
        segment_wide AS (
            SELECT segment,
                   {wide},
                   {gaps},
                   first(factor ORDER BY gap DESC, ord)
                       FILTER (WHERE score IS NOT NULL AND weight > 0) AS weakest_factor
            FROM segment_factor_gap
            GROUP BY segment
        )
        SELECT t.segment, t.accounts, t.n, t.composite, {factor_cols}, t.coverage,
               {band_sql("t.composite")} AS band, w.weakest_factor, t.gap, {gap_cols},
               t.n < $min_n AS low_n
        FROM segment_totals AS t
        JOIN segment_wide AS w USING (segment)
        ORDER BY t.segment = '{NONE_SEGMENT}', t.segment
    """, params).df()


# ---------------------------------------------------------------- trend and history


def _period_params(period: str, settings: Settings) -> dict[str, Any]:
    """`dimensions`' period parameters for a trend by month or fiscal quarter, and its length."""
    if period not in ("quarter", "month"):
        raise MetricError(f"Period must be 'quarter' or 'month' (got '{period}').")
    return dimensions.period_params(period, settings) | {"step_months": dimensions.period_months(period)}


def _history_ctes(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str,
                  settings: Settings | None) -> tuple[str, dict[str, Any]]:
    settings = settings or Settings()
    scales, params = _prepare(con, config, settings)
    params.update(_period_params(period, settings))
    ctes, p = _per_account_sql(config, scales, _snapshots_periods(), include_unrated=False)
    params.update(p)
    return ctes, params


def score_trend(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str = "quarter",
                settings: Settings | None = None) -> pd.DataFrame:
    """Per account: composite at the end of the latest period vs the previous one, change and direction.

    Direction is up / down / same (|change| ≤ the dead band); it is left empty unless both
    composites exist with enough coverage, so a thinly rated quarter never reads as a trend.
    """
    ctes, params = _history_ctes(con, config, period, settings)
    params["dead_band"] = float(config.dead_band)
    return _with_undated_note(con, con.execute(f"""
        WITH {ctes},
        last_two AS (
            SELECT max(period) AS period, max(period) - to_months($step_months) AS previous_period
            FROM snapshots
        ),
        paired AS (
            SELECT cur.account_id,
                   t.previous_period, prev.composite AS previous_composite, prev.coverage AS previous_coverage,
                   t.period, cur.composite, cur.coverage
            FROM last_two AS t
            JOIN per_account AS cur ON cur.period = t.period
            LEFT JOIN per_account AS prev ON prev.period = t.previous_period AND prev.account_id = cur.account_id
            WHERE cur.composite IS NOT NULL OR prev.composite IS NOT NULL
        ),
        changes AS (
            SELECT *,
                   composite - previous_composite AS change,
                   composite IS NOT NULL AND previous_composite IS NOT NULL
                       AND coverage >= $min_coverage AND previous_coverage >= $min_coverage AS comparable
            FROM paired
        )
        SELECT account_id, previous_period, previous_composite, period, composite, change,
               CASE WHEN NOT comparable THEN NULL
                    WHEN abs(change) <= $dead_band + 1e-9 THEN 'same'  -- float noise never makes a move
                    WHEN change > 0 THEN 'up' ELSE 'down' END AS direction
        FROM changes
        ORDER BY account_id
    """, params).df())


def score_history(con: duckdb.DuckDBPyConnection, config: ScoreConfig, period: str = "quarter",
                  by: str | None = None, weight: str = "accounts",
                  settings: Settings | None = None) -> pd.DataFrame:
    """Composite per period per account (by=None) or per segment (mean of counted accounts), for charts."""
    settings = settings or Settings()
    if by is not None:
        by = dimensions.check_accounts_column(con, by)
    arr_weighted = _weight_flag(weight)
    ctes, params = _history_ctes(con, config, period, settings)
    if by is None:
        return _with_undated_note(con, con.execute(f"""
            WITH {ctes}
            SELECT account_id, period, composite, coverage, band
            FROM per_account
            WHERE composite IS NOT NULL
            ORDER BY account_id, period
        """, params).df())
    params.update({"arr_weighted": arr_weighted, "min_n": settings.min_n})
    return _with_undated_note(con, con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(by)},
        members AS (
            SELECT pa.period, pa.composite, coalesce(a.segment, '{NONE_SEGMENT}') AS segment,
                   CASE WHEN $arr_weighted THEN coalesce(a.arr, 0) ELSE 1 END AS w
            FROM per_account AS pa
            LEFT JOIN acct AS a USING (account_id)
            WHERE pa.composite IS NOT NULL AND pa.coverage >= $min_coverage
        ),
        segment_periods AS (
            SELECT segment, period, count(*) AS n, sum(w * composite) / NULLIF(sum(w), 0) AS composite
            FROM members
            GROUP BY segment, period
        )
        SELECT segment, period, n, composite, {band_sql("composite")} AS band, n < $min_n AS low_n
        FROM segment_periods
        ORDER BY segment = '{NONE_SEGMENT}', segment, period
    """, params).df())


def _with_undated_note(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> pd.DataFrame:
    """Trends say how many ratings have no date (they count in today's scores, in no period)."""
    (undated,) = con.execute(f"SELECT count(*) FROM {canonical.quote(canonical.FACTOR_RATINGS)} "
                             "WHERE ts IS NULL AND score IS NOT NULL").fetchone()
    df.attrs["notes"] = [f"{undated} undated rows, not in trends"] if undated else []
    return df


# ---------------------------------------------------------------- revenue view


def band_summary(con: duckdb.DuckDBPyConnection, config: ScoreConfig,
                 settings: Settings | None = None) -> pd.DataFrame:
    """Accounts and ARR per band (every band listed, zeros included), with shares of the totals."""
    scales, params = _prepare(con, config, settings)
    ctes, p = _per_account_sql(config, scales, _snapshots_now(), include_unrated=True)
    params.update(p)
    band_rows = ", ".join(f"('{b}', {i})" for i, b in enumerate(BANDS))
    return con.execute(f"""
        WITH {ctes},
        {segment_accounts_cte(None)},
        band_list AS (SELECT * FROM (VALUES {band_rows}) AS b(band, ord)),
        per_band AS (
            SELECT pa.band, count(*) AS accounts, coalesce(sum(a.arr), 0) AS arr
            FROM per_account AS pa
            LEFT JOIN acct AS a USING (account_id)
            GROUP BY pa.band
        ),
        filled AS (
            SELECT b.band, b.ord, coalesce(p.accounts, 0) AS accounts, coalesce(p.arr, 0.0) AS arr
            FROM band_list AS b
            LEFT JOIN per_band AS p USING (band)
        )
        SELECT band, accounts,
               accounts / NULLIF(sum(accounts) OVER (), 0) AS share,
               arr,
               arr / NULLIF(sum(arr) OVER (), 0) AS arr_share
        FROM filled
        ORDER BY ord
    """, params).df()


def _stage_values(settings: Settings) -> tuple[str, dict[str, Any]]:
    """The configured stage order as a VALUES list of parameters (ties between same-time events)."""
    order = stage_order(settings.stages)
    params = {f"s{i}_name": name for i, name in enumerate(order)}
    params.update({f"s{i}_ord": pos for i, (name, pos) in enumerate(order.items())})
    rows = ", ".join(f"($s{i}_name, $s{i}_ord)" for i in range(len(order)))
    return (f"SELECT CAST(c0 AS VARCHAR) AS stage, CAST(c1 AS INTEGER) AS ord "
            f"FROM (VALUES {rows}) AS v(c0, c1)"), params


def current_stage_sql(settings: Settings) -> tuple[str, dict[str, Any]]:
    """CTEs `stage_order_list` and `current_stage(account_id, stage)`: latest event up to as-of, else accounts.stage."""
    q = canonical.quote
    values, params = _stage_values(settings)
    sql = f"""
        stage_order_list AS ({values}),
        latest_event AS (
            SELECT e.account_id, e.stage
            FROM {q(canonical.JOURNEY_EVENTS)} AS e
            LEFT JOIN stage_order_list AS o ON o.stage = e.stage
            WHERE e.account_id IS NOT NULL AND e.stage IS NOT NULL
              AND ($as_of IS NULL OR e.ts IS NULL OR e.ts <= $as_of)
            QUALIFY row_number() OVER (
                PARTITION BY e.account_id
                ORDER BY e.ts DESC NULLS LAST, o.ord DESC NULLS LAST, e.source_row DESC NULLS LAST) = 1
        ),
        current_stage AS (
            SELECT coalesce(le.account_id, a.account_id) AS account_id, coalesce(le.stage, a.stage) AS stage
            FROM latest_event AS le
            FULL JOIN (SELECT account_id, stage FROM ({dimensions.ONE_ROW_PER_ACCOUNT})) AS a
              ON a.account_id = le.account_id
        )"""
    return sql, params


def arr_at_risk(con: duckdb.DuckDBPyConnection, config: ScoreConfig, days: int | None = None,
                settings: Settings | None = None,
                risk_stages: tuple[str, ...] = DEFAULT_RISK_STAGES) -> tuple[float, pd.DataFrame]:
    """ARR of red or Disappointment accounts renewing within `days` (default: the config's 90) of as-of.

    Returns the total and the accounts behind it (soonest renewal first). Churned and lost
    accounts are left out: their ARR is no longer at risk, it is gone.
    """
    settings = settings or Settings()
    days = config.risk_horizon_days if days is None else int(days)
    if days < 0:
        raise MetricError(f"The ARR-at-risk horizon must not be negative (got {days} days).")
    scales, params = _prepare(con, config, settings)
    if params["as_of"] is None:
        raise MetricError("ARR at risk needs an as-of date: set one in the settings "
                          "(the data has no dates to take it from).")
    ctes, p = _per_account_sql(config, scales, _snapshots_now(), include_unrated=True)
    params.update(p)
    stage_ctes, p = current_stage_sql(settings)
    params.update(p)
    gone = [s for s in exit_stages(settings.stages) if s not in risk_stages]
    params.update({"days": days, "risk_stages": list(risk_stages), "gone_stages": gone})
    frame = con.execute(f"""
        WITH {ctes},
        {stage_ctes},
        {segment_accounts_cte(None)},
        candidates AS (
            SELECT a.account_id, a.name, a.arr, a.renewal_date,
                   date_diff('day', CAST($as_of AS TIMESTAMP), a.renewal_date) AS days_to_renewal,
                   cs.stage, pa.composite, coalesce(pa.band, 'grey') AS band,
                   coalesce(pa.band, 'grey') = 'red' AS is_red,
                   coalesce(list_contains($risk_stages, cs.stage), false) AS in_risk_stage,
                   coalesce(list_contains($gone_stages, cs.stage), false) AS gone
            FROM acct AS a
            LEFT JOIN per_account AS pa USING (account_id)
            LEFT JOIN current_stage AS cs USING (account_id)
            WHERE a.renewal_date >= $as_of
              AND a.renewal_date <= CAST($as_of AS TIMESTAMP) + to_days(CAST($days AS INTEGER))
        )
        SELECT account_id, name, arr, renewal_date, days_to_renewal, stage, composite, band,
               CASE WHEN is_red AND in_risk_stage THEN 'red and ' || stage
                    WHEN is_red THEN 'red' ELSE stage END AS reason
        FROM candidates
        WHERE (is_red OR in_risk_stage) AND NOT gone
        ORDER BY renewal_date, account_id
    """, params).df()
    total = float(frame["arr"].fillna(0).sum()) if len(frame) else 0.0
    return total, frame


# ---------------------------------------------------------------- CLI contract


def cli_scores_table(df: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The `scores` command's columns, in contract order: account_id (or segment with --by), the eight
    fixed factor keys (empty when a factor is not configured), composite, coverage, band, weakest
    factor and gap. Scores are rounded to 2 decimals, coverage to 4.
    """
    first = "segment" if by else "account_id"
    out = pd.DataFrame({first: df[first] if first in df else pd.Series(dtype="str")})
    for key in CLI_FACTOR_KEYS:
        out[key] = pd.to_numeric(df[key], errors="coerce").round(2) if key in df else float("nan")
    out["composite"] = pd.to_numeric(df["composite"], errors="coerce").round(2)
    out["coverage"] = pd.to_numeric(df["coverage"], errors="coerce").round(4)
    out["band"] = df["band"]
    out["weakest_factor"] = df["weakest_factor"]
    out["gap"] = pd.to_numeric(df["gap"], errors="coerce").round(2)
    return out.reset_index(drop=True)


def parse_factor_json(text: str, config: ScoreConfig) -> dict[str, float]:
    """Parse `--weights`/`--targets`: a JSON object keyed by factor key or display name → {key: value}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetricError(f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    if not isinstance(data, dict):
        raise MetricError("Expected a JSON object keyed by factor, e.g. {\"customer_intent\": 2}.")
    out: dict[str, float] = {}
    for label, value in data.items():
        key = factor_key(label, config.factors)
        if key is None:
            known = ", ".join(config.keys)
            raise MetricError(f"Unknown factor '{label}'; known factors: {known}.", column=str(label))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MetricError(f"Factor '{label}' needs a number (got {json.dumps(value)}).", column=str(label))
        out[key] = float(value)
    return out
