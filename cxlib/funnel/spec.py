"""What a funnel is asked for (`FunnelSpec`), what it returns (`FunnelResult`), and the checked plan every query shares.

The plan validates the spec once (mode, weight, source, window, date range, steps, breakdown)
and resolves what the README leaves to defaults: the steps (the funnel stages, starting at the
first one with data), the exit stages and the as-of date (`dimensions.as_of_date`). For event
funnels it makes sure the journeys' layout (`cxlib.layout`) is current and keeps its stage codes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Literal

import duckdb
import pandas as pd

from cxlib import canonical, dimensions, layout
from cxlib.canonical import quote
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.stages import exit_stages, funnel_stages, stage_order

Mode = Literal["ordered", "strict", "any"]
Weight = Literal["accounts", "arr"]
Source = Literal["events", "snapshot"]
Period = Literal["week", "month", "quarter"]

MAX_STEPS = 20

CLI_COLUMNS = ["segment", "step", "stage", "accounts", "conversion_from_previous",
               "conversion_from_first", "dropped", "dropped_exited", "dropped_in_progress",
               "median_days_from_previous", "p90_days_from_previous"]
TABLE_COLUMNS = CLI_COLUMNS + ["km_median_days_from_previous", "converted_n", "censored_n", "n", "low_n"]


@dataclass(frozen=True)
class Exclusion:
    """An exclusion rule: an entry of `stage` strictly between the entries of steps `a` and `b`
    (1-based, a < b) of the account's counting sequence removes the account from the funnel."""

    stage: str
    a: int
    b: int


@dataclass
class FunnelSpec:
    """What funnel to compute: steps, mode, window, step-1 date range, breakdown, weight, source.

    `by` is an accounts column, unless `by_event_tables` names the event files that carry it as
    their own column — (source, schema, raw table, raw column) each; see `breakdown.breakdown_column`.
    """

    steps: list[str] | None = None
    mode: Mode = "ordered"
    window_days: float | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    by: str | None = None
    weight: Weight = "accounts"
    source: Source = "events"
    by_event_tables: tuple[tuple[str, str, str, str], ...] = ()
    exclude: tuple[Exclusion, ...] = ()
    optional: tuple[int, ...] = ()


@dataclass
class FunnelResult:
    """One funnel: a row per (segment,) step, the notes to show beside it, and what it was cut at."""

    table: pd.DataFrame
    notes: list[str]
    steps: list[str]
    no_step1_accounts: int
    as_of: dt.datetime
    exited_unknown: int = 0
    weight: Weight = "accounts"
    by: str | None = None
    excluded: int = 0
    optional: tuple[int, ...] = ()


@dataclass
class Plan:
    """The resolved inputs every funnel query shares (steps after defaults, exits, as-of).

    With optional steps, `steps` are the required steps only (the counting sequence's t_1..t_n,
    which every mode computes) and `shown_steps` all of them in the order given; `optional` are the
    optional steps' 1-based positions in `shown_steps`, and the exclusions' steps are renumbered to
    the required sequence (`exclude`)."""

    spec: FunnelSpec
    settings: Settings
    steps: list[str]
    exits: list[str]
    as_of: dt.datetime
    notes: list[str] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)   # the layout's stage codes (events source)
    summary: bool = False   # the layout's per-account summary holds exactly the entries known at the as-of
    shown_steps: list[str] = field(default_factory=list)
    optional: tuple[int, ...] = ()
    exclude: tuple[Exclusion, ...] = ()
    # Whether `journeys` carries account ids (joined back from the layout's key dictionary): a
    # query that reads none (the per-step table without breakdown, weight or post-filters) skips the join.
    ids: bool = True

    def required_index(self, shown: int) -> int:
        """The position in the required sequence of shown step `shown` (1-based; a required step)."""
        return shown - sum(1 for k in self.optional if k < shown)

    @property
    def n(self) -> int:
        return len(self.steps)

    @property
    def stage_keys(self) -> list[str]:
        """Distinct stages among the steps, in first-listed order."""
        return list(dict.fromkeys(self.steps))

    def key(self, step: int) -> int:
        """1-based index into stage_keys of 1-based step `step`."""
        return self.stage_keys.index(self.steps[step - 1]) + 1

    @property
    def repeats(self) -> bool:
        return len(self.stage_keys) < len(self.steps)

    @property
    def by_event_column(self) -> bool:
        """Whether the breakdown is a column of the event files (the value on the step-1 entry)."""
        return self.spec.by is not None and bool(self.spec.by_event_tables)


def accounts_text(n: int) -> str:
    """'1 account' / '3 accounts'."""
    return f"{n:,} account" + ("" if n == 1 else "s")


def have(n: int) -> str:
    return "has" if n == 1 else "have"


def _has_rows(con: duckdb.DuckDBPyConnection, view: str) -> bool:
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(view)})").fetchone()[0]


def _stage_present(codes: dict[str, int], stage: str) -> bool:
    """Whether any journey event has this stage (the layout has a code for every stage value)."""
    return stage in codes


def _check_spec(spec: FunnelSpec) -> None:
    """Refuse a mode, weight, source, window or date range the README does not define."""
    if spec.mode not in ("ordered", "strict", "any"):
        raise MetricError(f"Unknown funnel mode {spec.mode!r}: use ordered, strict or any.")
    if spec.weight not in ("accounts", "arr"):
        raise MetricError(f"Unknown weight {spec.weight!r}: use accounts or arr.")
    if spec.source not in ("events", "snapshot"):
        raise MetricError(f"Unknown funnel source {spec.source!r}: use events or snapshot.")
    if spec.window_days is not None and (not math.isfinite(spec.window_days) or spec.window_days < 0):
        raise MetricError(f"The conversion window must be a number of days >= 0, got {spec.window_days!r}.")
    if spec.date_from and spec.date_to and spec.date_from > spec.date_to:
        raise MetricError(f"The date range is empty: from {spec.date_from} is after to {spec.date_to}.")
    _check_extras(spec)
    if spec.by_event_tables and spec.source == "snapshot":
        raise MetricError(f"A breakdown by '{spec.by}', a column of the event file, needs journey events: a "
                          "stage snapshot has no step-1 entry to read it from. Use an accounts column.")


def _check_extras(spec: FunnelSpec) -> None:
    """Refuse exclusions and optional steps where the README leaves them undefined (mode, source)."""
    if spec.exclude:
        if spec.mode == "any":
            raise MetricError("Exclusions need an order of steps: with mode any there is no 'between steps "
                              "a and b'. Use mode ordered or strict, or drop --exclude.")
        if spec.source == "snapshot":
            raise MetricError("Exclusions need dated journey events; a stage snapshot has no entries to look "
                              "between. Drop --exclude or count from events.")
    if spec.optional:
        if spec.mode != "ordered":
            raise MetricError(f"Optional steps need mode ordered (mode {spec.mode} has no sequence a step can be "
                              "skipped in without breaking it). Use mode ordered, or drop --optional.")
        if spec.source == "snapshot":
            raise MetricError("Optional steps need dated journey events; a stage snapshot has no entry dates.")


def _check_optional(optional: tuple[int, ...], steps: list[str]) -> tuple[int, ...]:
    """The optional steps, checked: neither step 1 nor the last, within the funnel, a stage listed once."""
    n = len(steps)
    out = tuple(sorted(set(int(k) for k in optional)))
    for k in out:
        if not 1 <= k <= n:
            raise MetricError(f"Optional step {k} is not a step of this {n}-step funnel (steps are 1 to {n}).")
        if k in (1, n):
            which = "first" if k == 1 else "last"
            allowed = ("no step can be (a funnel needs 3 steps for an optional one)" if n < 3 else
                       "only step 2 can be" if n == 3 else f"steps 2 to {n - 1} can be")
            raise MetricError(f"Step {k} ({steps[k - 1]}) is the {which} step and cannot be optional: {allowed}.")
        if steps.count(steps[k - 1]) > 1:
            raise MetricError(f"Optional step {k} ({steps[k - 1]}) is listed more than once in the steps: an "
                              "optional step's stage must appear once, else its entry is also a required step's.")
    return out


def _check_exclusions(codes: dict[str, int], spec: FunnelSpec, settings: Settings, steps: list[str],
                      optional: tuple[int, ...]) -> tuple[Exclusion, ...]:
    """The exclusions, checked and renumbered to the required sequence (the optional steps left out)."""
    n = len(steps)
    known = set(stage_order(settings.stages))
    out = []
    for rule in spec.exclude:
        a, b = int(rule.a), int(rule.b)
        if not (1 <= a < b <= n):
            raise MetricError(f"Exclusion '{rule.stage}:{rule.a}-{rule.b}': steps must satisfy 1 <= a < b <= {n} "
                              f"in this {n}-step funnel.")
        if rule.stage not in known and not _stage_present(codes, rule.stage):
            raise MetricError(f"Unknown stage {rule.stage!r} in exclusion '{rule.stage}:{a}-{b}': it is neither a "
                              f"configured stage ({', '.join(known)}) nor present in the data.")
        if rule.stage in steps[a - 1:b]:
            raise MetricError(f"Exclusion '{rule.stage}:{a}-{b}': {rule.stage} is itself a step between steps {a} "
                              f"and {b}; an exclusion must be a stage that is not one of those steps.")
        for k in (a, b):
            if k in optional:
                raise MetricError(f"Exclusion '{rule.stage}:{a}-{b}': step {k} is optional, so it has no entry "
                                  "every account has; bound an exclusion by required steps.")
        shift = {k: k - sum(1 for o in optional if o < k) for k in (a, b)}
        out.append(Exclusion(rule.stage, shift[a], shift[b]))
    return tuple(dict.fromkeys(out))


def _picked_steps(codes: dict[str, int], spec: FunnelSpec, settings: Settings) -> list[str]:
    """The steps given, checked: 1 to MAX_STEPS, each a configured stage or present in the data."""
    steps = [str(s) for s in spec.steps or []]
    if not steps:
        raise MetricError("Pick at least one funnel step.")
    if len(steps) > MAX_STEPS:
        raise MetricError(f"A funnel has at most {MAX_STEPS} steps; {len(steps)} were picked.")
    known = set(stage_order(settings.stages))
    for stage in dict.fromkeys(steps):
        if stage not in known and (spec.source == "snapshot" or not _stage_present(codes, stage)):
            raise MetricError(f"Unknown stage {stage!r} in the funnel steps: it is neither a "
                              f"configured stage ({', '.join(known)}) nor present in the data.")
    return steps


def _default_steps(codes: dict[str, int], spec: FunnelSpec, settings: Settings,
                   notes: list[str]) -> list[str]:
    """The funnel stages in journey order; for events, starting at the first stage with data (said in a note)."""
    steps = funnel_stages(settings.stages)
    if not steps:
        raise MetricError("The stage list has no funnel stages; mark some stages as funnel stages.")
    if spec.source == "events":
        first = next((i for i, s in enumerate(steps) if _stage_present(codes, s)), None)
        if first is None:
            raise MetricError("No journey event has a funnel stage (" + ", ".join(steps)
                              + "); check the stage mapping.")
        if first > 0:
            notes.append(f"No account has an entry of {', '.join(steps[:first])}; "
                         f"the funnel starts at {steps[first]}.")
            steps = steps[first:]
    return steps


def events_only(plan: Plan, what: str) -> None:
    """Refuse a snapshot funnel for what needs entry dates (cohorts, times to convert)."""
    if plan.spec.source == "snapshot":
        raise MetricError(f"{what} need dated journey events; a stage snapshot has no entry dates.")


def make_plan(con: duckdb.DuckDBPyConnection, spec: FunnelSpec, settings: Settings | None) -> Plan:
    """Validate the spec, resolve default steps (starting at the first with data) and the as-of."""
    settings = settings or Settings()
    _check_spec(spec)
    view = canonical.STAGE_SNAPSHOTS if spec.source == "snapshot" else canonical.JOURNEY_EVENTS
    if not _has_rows(con, view):
        what = "stage snapshot" if spec.source == "snapshot" else "journey events"
        raise MetricError(f"No {what} are loaded, so there is no funnel yet: load a file with an "
                          "account, a stage and a date column and map it.")
    if spec.by is not None and not spec.by_event_tables:
        spec = replace(spec, by=dimensions.check_accounts_column(con, spec.by))
    notes: list[str] = []
    codes: dict[str, int] = {}
    if spec.source == "events":
        layout.ensure_layout(con)
        codes = layout.stage_codes(con)
    if spec.steps is not None:
        steps = _picked_steps(codes, spec, settings)
    else:
        steps = _default_steps(codes, spec, settings, notes)
    if spec.source == "snapshot":
        order = stage_order(settings.stages)
        funnel = set(funnel_stages(settings.stages))
        ranks = [order.get(s) for s in steps]
        if any(s not in funnel for s in steps) or ranks != sorted(set(ranks)):
            raise MetricError("A snapshot funnel needs distinct funnel stages in journey order "
                              f"({', '.join(funnel_stages(settings.stages))}); got {', '.join(steps)}.")
    optional = _check_optional(spec.optional, steps) if spec.optional else ()
    exclude = _check_exclusions(codes, spec, settings, steps, optional) if spec.exclude else ()
    required = [s for k, s in enumerate(steps, start=1) if k not in optional]
    as_of = dimensions.as_of_date(con, settings)
    summary = spec.source == "events" and layout.summary_covers(con, as_of)
    return Plan(spec=spec, settings=settings, steps=required, exits=exit_stages(settings.stages), as_of=as_of,
                notes=notes, codes=codes, summary=summary, shown_steps=steps, optional=optional, exclude=exclude)
