"""SQL snapshots: the SQL each metric sends to DuckDB, for representative specs, kept in tests/snapshots/.

Like PostHog's query snapshot tests: every case calls a public cxlib function on the sample workspace
through a connection that records each statement, and compares the normalised text (lines trimmed,
blank lines dropped, parameter values listed under their statement) with `tests/snapshots/<case>.sql`.
A refactor or a speed change therefore shows up in review as a readable SQL diff. After an
intentional change run `make snapshots` (pytest's `--snapshot-update`) and commit the rewritten
files; a missing or different snapshot fails with a unified diff, and under CI=true nothing is written.
Case names are stable: they name the spec, never the function's internals.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cxlib import (behind, centricity, churn, dimensions, drivers, early_warning, journey, outcome_history, outcomes,
                   scores, segments, stories, surveys)
from cxlib import funnel as fn
from cxlib.mapping import Mapping, apply_mapping
from cxlib.workspace import Workspace

SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots"
MAX_ROWS_SHOWN = 40  # executemany rows listed per statement; the rest are counted


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------

@dataclass
class Statement:
    """One call into DuckDB: the SQL text and its parameters (a dict, a list, or rows for executemany)."""

    sql: str
    params: Any = None
    many: bool = False


class RecordingConnection:
    """A DuckDB connection that logs every statement it is given, then runs it on the real one."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[Statement] | None = None) -> None:
        self._con = con
        self.log: list[Statement] = [] if log is None else log

    def execute(self, sql: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        self.log.append(Statement(sql, parameters))
        return self._con.execute(sql) if parameters is None else self._con.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        self.log.append(Statement(sql, list(parameters or []), many=True))
        return self._con.executemany(sql, parameters or [])

    def sql(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self.log.append(Statement(query, kwargs.get("params")))
        return self._con.sql(query, *args, **kwargs)

    query = sql

    def cursor(self) -> RecordingConnection:
        """A cursor onto the same database, logging into the same list."""
        return RecordingConnection(self._con.cursor(), self.log)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

def _value(v: Any) -> str:
    """A parameter value as a SQL-looking literal, stable across runs."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return f"TIMESTAMP '{v.isoformat(sep=' ')}'"
    if isinstance(v, dt.date):
        return f"DATE '{v.isoformat()}'"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_value(k)}: {_value(x)}" for k, x in v.items()) + "}"
    return repr(v)


def _params_lines(st: Statement) -> list[str]:
    if st.many:
        # Rows go into a table, which has no order; cxlib collects some with SELECT DISTINCT, whose
        # order varies between runs on several threads. Sorted, they only change when the data does.
        rows = sorted(_value(list(row)) for row in st.params)
        shown = [f"--   {row}" for row in rows[:MAX_ROWS_SHOWN]]
        more = [f"--   … {len(rows) - MAX_ROWS_SHOWN} more rows"] if len(rows) > MAX_ROWS_SHOWN else []
        return [f"-- rows ({len(rows)}):", *shown, *more]
    if not st.params:
        return []
    if isinstance(st.params, dict):
        return ["-- params:", *(f"--   ${k} = {_value(st.params[k])}" for k in sorted(st.params))]
    return ["-- params:", *(f"--   ${i} = {_value(v)}" for i, v in enumerate(st.params, start=1))]


def normalise(sql: str) -> list[str]:
    """Lines trimmed and blank lines dropped: indentation moves in a refactor are not SQL changes."""
    return [line.strip() for line in sql.strip().splitlines() if line.strip()]


def render(case: Case, log: list[Statement]) -> str:
    """The snapshot file: a header naming the call, then every statement in the order it was sent."""
    out = [f"-- {case.call}",
           f"-- snapshot {case.name}: {len(log)} statement{'s' if len(log) != 1 else ''} on the sample "
           "workspace, in the order sent to DuckDB",
           "-- regenerate after an intentional change: make snapshots"]
    for i, st in enumerate(log, start=1):
        out += ["", f"-- [{i}/{len(log)}]{' executemany' if st.many else ''}", *normalise(st.sql) + [";"],
                *_params_lines(st)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Cases: stable names, public functions only
# --------------------------------------------------------------------------------------------

Run = Callable[[RecordingConnection, Workspace], object]


@dataclass(frozen=True)
class Case:
    """One snapshot: its stable file name, the call as a reader would write it, and the call."""

    name: str
    call: str
    run: Run


STEPS = ["Awareness", "Consideration", "Decision", "Delivery"]
D = dt.date


def _funnel(name: str, spec_text: str, **spec: Any) -> Case:
    return Case(name, f"cxlib.funnel.funnel(con, FunnelSpec({spec_text}), settings)",
                lambda con, ws: fn.funnel(con, fn.FunnelSpec(**spec), ws.settings))


def _apply_sample_mapping(con: RecordingConnection, ws: Workspace) -> object:
    """Rebuild the canonical views from the sample's own mapping (so the views stay as they were)."""
    assert ws.mapping is not None
    return apply_mapping(con, Mapping.from_json(ws.mapping.to_json()))


CASES: list[Case] = [
    # cxlib/funnel
    _funnel("funnel_ordered_default", ""),
    _funnel("funnel_ordered_window_14d", f"steps={STEPS}, mode='ordered', window_days=14",
            steps=STEPS, mode="ordered", window_days=14),
    _funnel("funnel_strict", f"steps={STEPS}, mode='strict'", steps=STEPS, mode="strict"),
    _funnel("funnel_strict_window_30d", f"steps={STEPS}, mode='strict', window_days=30",
            steps=STEPS, mode="strict", window_days=30),
    _funnel("funnel_any", f"steps={STEPS}, mode='any'", steps=STEPS, mode="any"),
    _funnel("funnel_any_window_14d", f"steps={STEPS}, mode='any', window_days=14",
            steps=STEPS, mode="any", window_days=14),
    _funnel("funnel_ordered_by_tier", f"steps={STEPS}, by='tier'", steps=STEPS, by="tier"),
    _funnel("funnel_ordered_by_tier_arr_weight", f"steps={STEPS}, by='tier', weight='arr'",
            steps=STEPS, by="tier", weight="arr"),
    _funnel("funnel_ordered_repeated_stage", "steps=['Usage', 'Loyalty', 'Usage']",
            steps=["Usage", "Loyalty", "Usage"]),
    _funnel("funnel_ordered_date_range", f"steps={STEPS}, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)",
            steps=STEPS, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31)),
    _funnel("funnel_snapshot", f"steps={STEPS}, source='snapshot'", steps=STEPS, source="snapshot"),
    _funnel("funnel_ordered_exclude_window_14d",
            f"steps={STEPS}, window_days=14, exclude=(Exclusion('Disappointment', 2, 4), Exclusion('Churn', 1, 2))",
            steps=STEPS, window_days=14,
            exclude=(fn.Exclusion("Disappointment", 2, 4), fn.Exclusion("Churn", 1, 2))),
    _funnel("funnel_ordered_optional_step_3", f"steps={STEPS}, optional=(3,)", steps=STEPS, optional=(3,)),
    Case("funnel_cohorts_month_90d",
         f"cxlib.funnel.cohorts(con, FunnelSpec(steps={STEPS}), period='month', horizon_days=90, settings)",
         lambda con, ws: fn.cohorts(con, fn.FunnelSpec(steps=STEPS), period="month", horizon_days=90,
                                    settings=ws.settings)),
    Case("funnel_dropoff_accounts_step_2",
         f"cxlib.funnel.dropoff_accounts(con, FunnelSpec(steps={STEPS}), step=2, settings)",
         lambda con, ws: fn.dropoff_accounts(con, fn.FunnelSpec(steps=STEPS), step=2, settings=ws.settings)),
    Case("funnel_time_to_convert_1_to_3",
         f"cxlib.funnel.time_to_convert(con, FunnelSpec(steps={STEPS}), from_step=1, to_step=3, settings)",
         lambda con, ws: fn.time_to_convert(con, fn.FunnelSpec(steps=STEPS), from_step=1, to_step=3,
                                            settings=ws.settings)),
    # cxlib/journey.py
    Case("journey_transitions", "cxlib.journey.transitions(con, settings)",
         lambda con, ws: journey.transitions(con, ws.settings)),
    Case("journey_transitions_tier_enterprise",
         "cxlib.journey.transitions(con, settings, segment=('tier', 'Enterprise'))",
         lambda con, ws: journey.transitions(con, ws.settings, segment=("tier", "Enterprise"))),
    Case("journey_map_summary", "cxlib.journey.map_summary(con, settings)",
         lambda con, ws: journey.map_summary(con, ws.settings)),
    Case("journey_sankey_6_moves", "cxlib.journey.sankey_data(con, max_moves=6, settings)",
         lambda con, ws: journey.sankey_data(con, max_moves=6, settings=ws.settings)),
    Case("journey_top_paths_10", "cxlib.journey.top_paths(con, limit=10, settings)",
         lambda con, ws: journey.top_paths(con, limit=10, settings=ws.settings)),
    Case("journey_emotion_curve", "cxlib.journey.emotion_curve(con, settings)",
         lambda con, ws: journey.emotion_curve(con, ws.settings)),
    Case("journey_emotion_curve_tier_smb", "cxlib.journey.emotion_curve(con, settings, segment=('tier', 'SMB'))",
         lambda con, ws: journey.emotion_curve(con, ws.settings, segment=("tier", "SMB"))),
    # cxlib/scores
    Case("scores_account_composite", "cxlib.scores.account_scores(con, ws.score_config, settings)",
         lambda con, ws: scores.account_scores(con, ws.score_config, ws.settings)),
    Case("scores_factor_summary", "cxlib.scores.factor_summary(con, ws.score_config, settings)",
         lambda con, ws: scores.factor_summary(con, ws.score_config, ws.settings)),
    Case("scores_factor_bands", "cxlib.scores.factor_bands(con, ws.score_config, settings)",
         lambda con, ws: scores.factor_bands(con, ws.score_config, ws.settings)),
    Case("scores_band_summary", "cxlib.scores.band_summary(con, ws.score_config, settings)",
         lambda con, ws: scores.band_summary(con, ws.score_config, ws.settings)),
    Case("scores_segment_tier", "cxlib.scores.segment_scores(con, ws.score_config, 'tier', settings=settings)",
         lambda con, ws: scores.segment_scores(con, ws.score_config, "tier", settings=ws.settings)),
    Case("scores_segment_tier_arr_weight",
         "cxlib.scores.segment_scores(con, ws.score_config, 'tier', weight='arr', settings=settings)",
         lambda con, ws: scores.segment_scores(con, ws.score_config, "tier", weight="arr", settings=ws.settings)),
    Case("scores_trend_quarter", "cxlib.scores.score_trend(con, ws.score_config, period='quarter', settings)",
         lambda con, ws: scores.score_trend(con, ws.score_config, period="quarter", settings=ws.settings)),
    Case("scores_history_month_by_tier",
         "cxlib.scores.score_history(con, ws.score_config, period='month', by='tier', settings=settings)",
         lambda con, ws: scores.score_history(con, ws.score_config, period="month", by="tier",
                                              settings=ws.settings)),
    Case("scores_arr_at_risk_90d", "cxlib.scores.arr_at_risk(con, ws.score_config, days=90, settings=settings)",
         lambda con, ws: scores.arr_at_risk(con, ws.score_config, days=90, settings=ws.settings)),
    # cxlib/surveys.py
    Case("surveys_nps_response", "cxlib.surveys.nps(con, settings=settings)",
         lambda con, ws: surveys.nps(con, settings=ws.settings)),
    Case("surveys_nps_account_by_tier", "cxlib.surveys.nps(con, by='tier', level='account', settings=settings)",
         lambda con, ws: surveys.nps(con, by="tier", level="account", settings=ws.settings)),
    Case("surveys_nps_by_quarter", "cxlib.surveys.nps(con, settings=settings, period='quarter')",
         lambda con, ws: surveys.nps(con, settings=ws.settings, period="quarter")),
    Case("surveys_csat", "cxlib.surveys.csat(con, settings=settings)",
         lambda con, ws: surveys.csat(con, settings=ws.settings)),
    Case("surveys_csat_by_region_scale_1_5", "cxlib.surveys.csat(con, by='region', scale='1-5', settings=settings)",
         lambda con, ws: surveys.csat(con, by="region", scale="1-5", settings=ws.settings)),
    Case("surveys_ces", "cxlib.surveys.ces(con, settings=settings)",
         lambda con, ws: surveys.ces(con, settings=ws.settings)),
    Case("surveys_ces_lower_is_better", "cxlib.surveys.ces(con, lower_is_better=True, settings=settings)",
         lambda con, ws: surveys.ces(con, lower_is_better=True, settings=ws.settings)),
    # cxlib/churn.py
    Case("churn_rates_quarter", "cxlib.churn.churn_rates(con, period='quarter', settings=settings)",
         lambda con, ws: churn.churn_rates(con, period="quarter", settings=ws.settings)),
    Case("churn_rates_month_by_tier", "cxlib.churn.churn_rates(con, period='month', by='tier', settings=settings)",
         lambda con, ws: churn.churn_rates(con, period="month", by="tier", settings=ws.settings)),
    Case("churn_window_2026", "cxlib.churn.churn_window(con, datetime(2026, 1, 1), by='tier', settings=settings)",
         lambda con, ws: churn.churn_window(con, dt.datetime(2026, 1, 1), by="tier", settings=ws.settings)),
    Case("churn_by_reason_quarter", "cxlib.churn.churn_by_reason(con, period='quarter', settings=settings)",
         lambda con, ws: churn.churn_by_reason(con, period="quarter", settings=ws.settings)),
    # cxlib/segments.py
    # The sample's accounts carry no current stage (it comes from events), so the rate is the outcome.
    Case("segments_compare_outcome_rate_by_tier",
         "cxlib.segments.compare(con, 'tier', rate='outcome=1', settings=settings)",
         lambda con, ws: segments.compare(con, "tier", rate="outcome=1", settings=ws.settings)),
    Case("segments_compare_mean_arr_by_region", "cxlib.segments.compare(con, 'region', mean='arr', settings=settings)",
         lambda con, ws: segments.compare(con, "region", mean="arr", settings=ws.settings)),
    Case("segments_overview_tier", "cxlib.segments.segment_overview(con, 'tier', settings)",
         lambda con, ws: segments.segment_overview(con, "tier", ws.settings)),
    # cxlib/outcomes.py
    Case("outcomes_quadrants_csat", "cxlib.outcomes.outcome_quadrants(con, OutcomeSpec(), ws.score_config, settings)",
         lambda con, ws: outcomes.outcome_quadrants(con, outcomes.OutcomeSpec(), ws.score_config, ws.settings)),
    Case("outcomes_quadrants_composite_60",
         "cxlib.outcomes.outcome_quadrants(con, OutcomeSpec(experience='composite', experience_threshold=60), "
         "ws.score_config, settings)",
         lambda con, ws: outcomes.outcome_quadrants(
             con, outcomes.OutcomeSpec(experience="composite", experience_threshold=60), ws.score_config,
             ws.settings)),
    Case("outcomes_summary_nps_by_tier",
         "cxlib.outcomes.quadrant_summary(con, OutcomeSpec(experience='nps'), ws.score_config, by='tier', settings)",
         lambda con, ws: outcomes.quadrant_summary(con, outcomes.OutcomeSpec(experience="nps"), ws.score_config,
                                                   by="tier", settings=ws.settings)),
    # cxlib/outcome_history.py
    Case("outcome_history_quarters_csat_by_tier",
         "cxlib.outcome_history.quarterly_summary(con, OutcomeSpec(), by='tier', settings)",
         lambda con, ws: outcome_history.quarterly_summary(con, outcomes.OutcomeSpec(), by="tier",
                                                           settings=ws.settings)),
    Case("outcome_history_quarters_composite",
         "cxlib.outcome_history.quarterly_summary(con, OutcomeSpec(experience='composite'), settings=settings, "
         "config=ws.score_config)",
         lambda con, ws: outcome_history.quarterly_summary(con, outcomes.OutcomeSpec(experience="composite"),
                                                           settings=ws.settings, config=ws.score_config)),
    Case("outcome_history_quarters_factor_customer_intent",
         "cxlib.outcome_history.quarterly_summary(con, OutcomeSpec(experience='factor:customer_intent'), "
         "settings=settings, config=ws.score_config)",
         lambda con, ws: outcome_history.quarterly_summary(
             con, outcomes.OutcomeSpec(experience="factor:customer_intent"), settings=ws.settings,
             config=ws.score_config)),
    Case("outcome_history_churn_after_fy2025_q4",
         "cxlib.outcome_history.churn_after(con, OutcomeSpec(), 'FY2025 Q4', settings)",
         lambda con, ws: outcome_history.churn_after(con, outcomes.OutcomeSpec(), "FY2025 Q4", ws.settings)),
    Case("outcome_history_churn_after_fy2025_q4_enterprise",
         "cxlib.outcome_history.churn_after(con, OutcomeSpec(), 'FY2025 Q4', settings, by='tier', "
         "segment='Enterprise')",
         lambda con, ws: outcome_history.churn_after(con, outcomes.OutcomeSpec(), "FY2025 Q4", ws.settings,
                                                     by="tier", segment="Enterprise")),
    Case("drivers_outcome_accounts_churned",
         "cxlib.drivers.outcome_accounts(con, Outcome('churned'), 'outcome', settings)",
         lambda con, ws: drivers.outcome_accounts(con, drivers.Outcome("churned"), "outcome", ws.settings)),
    # cxlib/drivers
    Case("drivers_churned", "cxlib.drivers.drivers(con, Outcome('churned'), settings, mapping=ws.mapping, "
         "score_config=ws.score_config)",
         lambda con, ws: drivers.drivers(con, drivers.Outcome("churned"), ws.settings, mapping=ws.mapping,
                                         score_config=ws.score_config)),
    Case("drivers_converted_delivery", "cxlib.drivers.drivers(con, Outcome('converted', 'Delivery'), settings, "
         "mapping=ws.mapping, score_config=ws.score_config)",
         lambda con, ws: drivers.drivers(con, drivers.Outcome("converted", "Delivery"), ws.settings,
                                         mapping=ws.mapping, score_config=ws.score_config)),
    # cxlib/behind: the list behind a number, around the metric's own CTEs
    Case("behind_funnel_step_3_dropped_exited",
         f"cxlib.behind.funnel_accounts(con, FunnelSpec(steps={STEPS}), step=3, which='dropped_exited', settings)",
         lambda con, ws: behind.funnel_accounts(con, fn.FunnelSpec(steps=STEPS), 3, "dropped_exited", ws.settings)),
    Case("behind_funnel_by_tier_step_2_smb",
         f"cxlib.behind.funnel_accounts(con, FunnelSpec(steps={STEPS}, by='tier'), step=2, settings, segment='SMB')",
         lambda con, ws: behind.funnel_accounts(con, fn.FunnelSpec(steps=STEPS, by="tier"), 2, "reached",
                                                ws.settings, "SMB")),
    Case("behind_scores_band_red", "cxlib.behind.band_accounts(con, ws.score_config, 'red', settings)",
         lambda con, ws: behind.band_accounts(con, ws.score_config, "red", ws.settings)),
    Case("behind_outcomes_quadrant_neither_tier_smb",
         "cxlib.behind.quadrant_accounts(con, OutcomeSpec(), ws.score_config, 'neither', 'tier', 'SMB', settings)",
         lambda con, ws: behind.quadrant_accounts(con, outcomes.OutcomeSpec(), ws.score_config, "neither", "tier",
                                                  "SMB", ws.settings)),
    Case("behind_nps_account_detractors", "cxlib.behind.nps_accounts(con, 'detractors', settings=settings)",
         lambda con, ws: behind.nps_accounts(con, "detractors", settings=ws.settings)),
    Case("behind_segments_compare_outcome_tier_smb",
         "cxlib.behind.compare_accounts(con, 'tier', 'SMB', rate='outcome=1')",
         lambda con, ws: behind.compare_accounts(con, "tier", "SMB", rate="outcome=1")),
    Case("behind_churn_quarter_2026_q2_churned",
         "cxlib.behind.churn_accounts(con, datetime(2026, 4, 1), 'churned', 'quarter', settings=settings)",
         lambda con, ws: behind.churn_accounts(con, dt.datetime(2026, 4, 1), "churned", "quarter",
                                               settings=ws.settings)),
    Case("behind_journey_move_consideration_decision",
         "cxlib.behind.journey_accounts(con, settings, move=('Consideration', 'Decision'))",
         lambda con, ws: behind.journey_accounts(con, ws.settings, move=("Consideration", "Decision"))),
    # cxlib/mapping (views.py, view_sql.py) and cxlib/dimensions.py
    Case("mapping_apply_sample", "cxlib.mapping.apply_mapping(con, sample.mapping)  # the sample workspace's mapping",
         _apply_sample_mapping),
    Case("dimensions_as_of_latest", "cxlib.dimensions.as_of_date(con, settings)  # no as-of set: latest timestamp",
         lambda con, ws: dimensions.as_of_date(con, ws.settings)),
    # cxlib/stories (issue 13): the ranked stories with their parts and evidence values, timing per tier
    Case("stories_ranked_by_tier",
         "cxlib.stories.find_stories(con, settings, ws.score_config, StoryConfig(), ws.warning_config, 'tier')",
         lambda con, ws: stories.find_stories(con, ws.settings, ws.score_config, stories.StoryConfig(),
                                              ws.warning_config, "tier")),
    # cxlib/early_warning (issue 12): the funnel's p90s, then the signals and their counts per signal
    Case("early_warning_signal_summary",
         "cxlib.early_warning.signal_summary(con, prepare(con, WarningConfig(), ws.score_config, settings))",
         lambda con, ws: early_warning.signal_summary(
             con, early_warning.prepare(con, early_warning.WarningConfig(), ws.score_config, ws.settings))),
    # cxlib/centricity (issue 13): care, act daily, attested, want vs do per tier
    Case("centricity_by_tier", "cxlib.centricity.centricity(con, settings, ThemeConfig(), by='tier')",
         lambda con, ws: centricity.centricity(con, ws.settings, centricity.ThemeConfig(), by="tier")),
]


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------

def _updating(config: pytest.Config) -> bool:
    """Whether this run may write snapshots: only with --snapshot-update, and never under CI."""
    if not config.getoption("--snapshot-update"):
        return False
    if os.environ.get("CI") == "true":
        pytest.fail("Refusing to write SQL snapshots under CI=true: run `make snapshots` locally and commit them.",
                    pytrace=False)
    return True


def test_case_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_sql_snapshot(case: Case, sample: Workspace, request: pytest.FixtureRequest) -> None:
    """The SQL `case` sends matches tests/snapshots/<case>.sql (else a unified diff; `make snapshots`)."""
    recorder = RecordingConnection(sample.con)
    case.run(recorder, sample)
    assert recorder.log, f"{case.name} sent no SQL: is the call still going through the connection it is given?"
    actual = render(case, recorder.log)
    path = SNAPSHOT_DIR / f"{case.name}.sql"
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    if actual == expected:
        return
    if _updating(request.config):
        SNAPSHOT_DIR.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    diff = "".join(difflib.unified_diff(
        (expected or "").splitlines(keepends=True), actual.splitlines(keepends=True),
        fromfile=f"tests/snapshots/{path.name}" + ("" if expected is not None else " (missing)"),
        tofile=f"SQL sent now by {case.call.split('(')[0]}"))
    what = "is missing" if expected is None else "differs from the SQL sent now"
    pytest.fail(f"SQL snapshot {path.name} {what}. If the change is intended, run `make snapshots` and "
                f"commit the result.\n{diff}", pytrace=False)


def test_no_stale_snapshots(request: pytest.FixtureRequest) -> None:
    """Every file in tests/snapshots/ belongs to a case (a renamed or dropped case leaves none behind)."""
    known = {f"{c.name}.sql" for c in CASES}
    stale = sorted(p for p in SNAPSHOT_DIR.glob("*.sql") if p.name not in known)
    if stale and _updating(request.config):
        for p in stale:
            p.unlink()
        return
    assert not stale, (f"Snapshots without a case: {', '.join(p.name for p in stale)}; "
                       "`make snapshots` removes them.")
