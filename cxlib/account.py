"""One account's story for a review meeting: profile, timeline, pace, scores, voice, outcome, flags, summary.

Definitions (the README quotes them; tests pin them on a hand-made fixture):

- As-of date: `dimensions.as_of_date` (the setting, else the data's latest timestamp: the date the
  app's settings caption shows). Journey entries and survey answers after it are not known yet.
- Timeline and survey answers: the account's own rows up to the as-of date (`account_rows`).
- Pace: the funnel module's own per-step times (its counting sequence, default steps and mode)
  for this account, beside its segment's median and p90 from the same funnel broken down by the
  segment column. The segment is the account's value there (blank → "(none)").
- Flags: the account's early-warning signals at the as-of date, read from `cxlib.early_warning`
  (its definitions, thresholds kept with the mapping, and evidence sentences): the same flags the
  Early warning page and the `warnings` command list. The story computes no flag of its own.
- Numbers in sentences are shown as the app shows them: scores and days rounded half away from
  zero to whole numbers, bands from the rounded value, ARR with thousands separators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions, surveys
from cxlib import early_warning as ew
from cxlib.account_rows import SURVEY_COLUMNS, TIMELINE_COLUMNS, account_surveys, account_timeline
from cxlib.cells import missing
from cxlib.early_warning import Flag, WarningConfig   # one Flag for the story and the early warning
from cxlib.errors import MetricError
from cxlib.funnel import FunnelSpec, account_steps, funnel
from cxlib.outcomes import UNKNOWN, OutcomeSpec, outcome_quadrants, resolve
from cxlib.scores import ScoreConfig, account_scores, factor_bands, score_history, score_trend, shown
from cxlib.settings import Settings

TREND_PERIOD = "quarter"
SEARCH_LIMIT_MAX = 1000
PACE_COLUMNS = ["step", "stage", "previous_stage", "days_from_previous", "segment_median_days",
                "segment_p90_days", "segment_n"]
_MEASURE_LABELS = {"csat": "latest CSAT", "nps": "latest NPS answer", "composite": "engagement"}


@dataclass
class AccountProfile:
    """Who the account is: name, segment values, ARR, dates, churn reason, outcome and current stage."""

    account_id: str
    name: str | None
    segments: dict[str, Any]
    arr: float | None
    start_date: dt.datetime | None
    renewal_date: dt.datetime | None
    days_to_renewal: int | None      # calendar days from the as-of date (negative: already passed)
    churn_reason: str | None
    outcome: float | None
    current_stage: str | None
    stage_entered: dt.datetime | None
    days_in_stage: float | None


@dataclass
class AccountStory:
    """Everything the Account page, the meeting summary and the meeting pack show about one account."""

    profile: AccountProfile
    as_of: dt.datetime | None
    segment_column: str | None       # None: compared with all accounts
    segment: str | None              # the account's value in it, as the funnel labels it
    timeline: pd.DataFrame           # TIMELINE_COLUMNS
    funnel_steps: list[str]
    reached_step: int                # furthest funnel step reached (0: none)
    pace: pd.DataFrame               # PACE_COLUMNS, one row per step reached after the first
    next_stage: str | None           # the funnel step after the current stage, if any
    next_p90_days: float | None      # the segment's p90 days to reach it
    scores: dict[str, Any]           # composite, coverage, band, weakest_factor, gap
    factors: pd.DataFrame            # account_id, factor, name, score, target, gap, band
    trend: dict[str, Any]            # previous_period, previous_composite, period, composite, change, direction
    history: pd.DataFrame            # account_id, period, composite, coverage, band
    surveys: pd.DataFrame            # SURVEY_COLUMNS, latest first
    quadrant: dict[str, Any]         # outcome_value, experience_value, quadrant
    outcome_spec: OutcomeSpec
    score_config: ScoreConfig
    flags: list[Flag] = field(default_factory=list)   # early-warning signals, as the Early warning page lists them
    notes: list[str] = field(default_factory=list)

    def has_flag(self, kind: str) -> bool:
        """Whether the early-warning signal `kind` (e.g. 'stalled') holds for the account at the as-of date."""
        return any(f.kind == kind for f in self.flags)


# ---------------------------------------------------------------- search


def find_accounts(con: duckdb.DuckDBPyConnection, query: str, limit: int = 20) -> pd.DataFrame:
    """Accounts whose id or name contains `query` (case-insensitive): exact id first, then prefixes, by name.

    An empty query lists the first accounts by name, so a search box can start with suggestions.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= SEARCH_LIMIT_MAX:
        raise MetricError(f"The search limit must be a whole number from 1 to {SEARCH_LIMIT_MAX} (got {limit!r}).")
    q = canonical.quote
    extra = "".join(f", {q(c)}" for c in dimensions.segment_columns(con))
    return con.execute(f"""
        WITH {dimensions.ACCOUNTS_CTE},
        needle AS (SELECT lower(trim(CAST($query AS VARCHAR))) AS text),
        matched AS (
            SELECT a.*,
                   CASE WHEN lower(a.account_id) = n.text THEN 0
                        WHEN starts_with(lower(a.account_id), n.text)
                          OR starts_with(lower(coalesce(a.name, '')), n.text) THEN 1
                        ELSE 2 END AS rank
            FROM acct AS a, needle AS n
            WHERE n.text = '' OR contains(lower(a.account_id), n.text)
               OR contains(lower(coalesce(a.name, '')), n.text)
        )
        SELECT account_id, name{extra}
        FROM matched
        ORDER BY rank, lower(coalesce(name, '')), account_id
        LIMIT $limit
    """, {"query": query or "", "limit": limit}).df()


# ---------------------------------------------------------------- the story's parts


# The as-of instant of a story (naive UTC), or None when nothing is dated: the one rule, by its old name.
story_as_of = dimensions.as_of_param


def _profile_row(con: duckdb.DuckDBPyConnection, account_id: str, segment_column: str | None,
                 as_of: dt.datetime | None) -> dict[str, Any]:
    """The account's accounts row (its first source row, as the funnel and surveys take it); only its id when
    another table knows it; MetricError when none does."""
    segment = dimensions.segment_sql(canonical.quote(segment_column)) if segment_column else "CAST(NULL AS VARCHAR)"
    frame = con.execute(f"""
        WITH {dimensions.ACCOUNTS_CTE}
        SELECT *,
               {segment} AS "__segment",
               date_diff('day', CAST($as_of AS TIMESTAMP), renewal_date) AS "__days_to_renewal"
        FROM acct
        WHERE account_id = $account_id
    """, {"account_id": account_id, "as_of": as_of}).df()
    if frame.empty:
        if not dimensions.account_known(con, account_id):
            raise MetricError(f"No account '{account_id}' in the accounts table")
        # Known only from events, snapshots, answers or ratings: no accounts row to read (README, meeting packs).
        return {"account_id": account_id}
    return frame.iloc[0].to_dict()


@dataclass
class StoryContext:
    """What every account's story shares: the as-of date, the segment funnel, the CSAT scale, the flags.

    The Account page keeps one per session and settings. Each account's own parts (its funnel steps,
    scores, trend, history, quadrant) are read for that account alone, with the same definitions
    filtered to it: a first visit does not score every account. `key` names the inputs.
    """

    key: str
    as_of: dt.datetime | None
    settings: Settings                    # the settings with the as-of date pinned
    segment_column: str | None
    notes: list[str]
    funnel_steps: list[str]
    segment_funnel: pd.DataFrame | None   # funnel table by segment (or overall)
    outcome_spec: OutcomeSpec
    csat_scale: surveys.Scale | None
    warning_rows: pd.DataFrame | None = None   # early_warning.signal_rows: every flagged customer's signals

    def __repr__(self) -> str:
        return f"StoryContext({self.key})"


def _context_key(score_config: ScoreConfig, settings: Settings, segment_column: str | None,
                 outcome_spec: OutcomeSpec, warning_config: WarningConfig | None = None) -> str:
    return repr((score_config.to_dict(), settings.to_dict(), segment_column, outcome_spec.to_dict(),
                 (warning_config or WarningConfig()).to_dict()))


def _warning_rows(con: duckdb.DuckDBPyConnection, config: WarningConfig, score_config: ScoreConfig,
                  settings: Settings, notes: list[str], run: ew.Run | None = None) -> pd.DataFrame | None:
    """Every flagged customer's early-warning rows (one source with the Early warning page), or None with a note
    saying why there are no flags (e.g. nothing is dated, so there is no as-of date to measure to).

    `run`: the Early warning page's own evaluation (the same config), so the signals are evaluated once."""
    try:
        return ew.signal_rows(con, run if run is not None else ew.prepare(con, config, score_config, settings))
    except MetricError as exc:
        notes.append(f"No early-warning flags: {exc}")
        return None


def story_context(con: duckdb.DuckDBPyConnection, score_config: ScoreConfig, settings: Settings | None = None,
                  segment_column: str | None = "tier", outcome_spec: OutcomeSpec | None = None,
                  warning_config: WarningConfig | None = None, warning_run: ew.Run | None = None) -> StoryContext:
    """The parts every story shares: the segment funnel (pace's yardstick), the CSAT scale and the flags.

    One as-of date is pinned into the settings, so every part of a story is measured to the same day
    the settings caption shows. `warning_run` (from `ew.prepare` with `warning_config` at that as-of
    date) shares the Early warning page's evaluated signals.
    """
    settings = settings or Settings()
    outcome_spec = resolve(con, outcome_spec or OutcomeSpec())   # CSAT's scale and default line from the data
    warning_config = warning_config or WarningConfig()
    key = _context_key(score_config, settings, segment_column, outcome_spec, warning_config)
    notes: list[str] = []
    if segment_column is not None:
        try:
            segment_column = dimensions.check_accounts_column(con, segment_column)
        except MetricError:
            pass
        if segment_column not in dimensions.segment_columns(con):
            notes.append(f"The accounts table has no column '{segment_column}': pace is compared with all accounts.")
            segment_column = None
    as_of = dimensions.as_of_param(con, settings)
    pinned = replace(settings, as_of=as_of) if as_of is not None else settings
    try:
        by_segment = funnel(con, FunnelSpec(by=segment_column), pinned)
        steps, segment_funnel = list(by_segment.steps), by_segment.table
    except MetricError as exc:
        notes.append(f"No funnel pace: {exc}")
        steps, segment_funnel = [], None
    csat_scale = surveys.detected_csat_scale(con)
    return StoryContext(
        key=key, as_of=as_of, settings=pinned, segment_column=segment_column, notes=notes,
        funnel_steps=steps, segment_funnel=segment_funnel, outcome_spec=outcome_spec, csat_scale=csat_scale,
        warning_rows=_warning_rows(con, warning_config, score_config, pinned, notes, warning_run))


@dataclass
class _Pace:
    reached: int
    table: pd.DataFrame
    segment_rows: pd.DataFrame | None


def _pace(con: duckdb.DuckDBPyConnection, ctx: StoryContext, account_id: str, segment: str | None) -> _Pace:
    """The account's days per funnel step (its own counting sequence, `funnel.account_steps`) against its
    segment's median and p90 (`funnel` by the segment column)."""
    if ctx.segment_funnel is None:
        return _Pace(0, pd.DataFrame(columns=PACE_COLUMNS), None)
    table, steps = ctx.segment_funnel, ctx.funnel_steps
    seg_rows = table[table["segment"] == segment] if ctx.segment_column else table
    _, own = account_steps(con, account_id.strip(), FunnelSpec(), ctx.settings)
    reached = int(own["step"].max()) if len(own) else 0
    seg = seg_rows.set_index("step")
    mine = own[own["step"] >= 2].set_index("step")
    pace = pd.DataFrame({
        "step": mine.index.astype("int64"),
        "stage": mine["stage"].to_numpy(),
        "previous_stage": [steps[s - 2] for s in mine.index],
        "days_from_previous": mine["days_from_previous"].to_numpy(dtype="float64"),
        "segment_median_days": seg["median_days_from_previous"].reindex(mine.index).to_numpy(dtype="float64"),
        "segment_p90_days": seg["p90_days_from_previous"].reindex(mine.index).to_numpy(dtype="float64"),
        "segment_n": seg["converted_n"].reindex(mine.index).fillna(0).to_numpy(dtype="int64"),
    })
    return _Pace(reached, pace.reset_index(drop=True), seg_rows)


def _first_row(frame: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    """The first row of a per-account result as plain values (None for missing), or all None."""
    if frame.empty:
        return {c: None for c in columns}
    row = frame.iloc[0]
    return {c: (None if missing(row[c]) else row[c]) for c in columns}


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _value(row: dict[str, Any], key: str) -> Any:
    value = row.get(key)
    return None if missing(value) else value


def account_story(con: duckdb.DuckDBPyConnection, account_id: str, score_config: ScoreConfig,
                  settings: Settings | None = None, segment_column: str | None = "tier",
                  outcome_spec: OutcomeSpec | None = None, context: StoryContext | None = None,
                  warning_config: WarningConfig | None = None) -> AccountStory:
    """One account's story; MetricError "No account 'X' in the accounts table" for an unknown id.

    `segment_column` picks whose typical pace the account is compared with (None: all accounts;
    a column the accounts table lacks falls back to all accounts, with a note saying so).
    `context` (from `story_context` with the same arguments) saves recomputing the parts stories share.
    """
    settings = settings or Settings()
    outcome_spec = resolve(con, outcome_spec or OutcomeSpec())   # CSAT's scale and default line from the data
    if context is None:
        context = story_context(con, score_config, settings, segment_column, outcome_spec, warning_config)
    elif context.key != _context_key(score_config, settings, segment_column, outcome_spec, warning_config):
        raise MetricError("The story context was computed for other settings; compute it again.")
    ctx, account_id = context, str(account_id)
    as_of = ctx.as_of
    row = _profile_row(con, account_id, ctx.segment_column, as_of)
    timeline = account_timeline(con, account_id, ctx.settings, as_of)
    current = timeline.iloc[-1] if len(timeline) else None
    days_to_renewal = _value(row, "__days_to_renewal")
    profile = AccountProfile(
        account_id=account_id,
        name=_value(row, "name"),
        segments={c: _value(row, c) for c in dimensions.segment_columns(con)},
        arr=None if _value(row, "arr") is None else float(row["arr"]),
        start_date=_value(row, "start_date"),
        renewal_date=_value(row, "renewal_date"),
        days_to_renewal=None if days_to_renewal is None else int(days_to_renewal),
        churn_reason=_value(row, "churn_reason"),
        outcome=None if _value(row, "outcome") is None else float(row["outcome"]),
        current_stage=current["stage"] if current is not None else _value(row, "stage"),
        stage_entered=current["entered"] if current is not None else None,
        days_in_stage=None if current is None or missing(current["days_in_stage"])
        else float(current["days_in_stage"]),
    )
    segment = _value(row, "__segment")
    pace = _pace(con, ctx, account_id, segment)
    steps = ctx.funnel_steps
    next_stage, next_p90 = None, None
    if profile.current_stage in steps:
        k = steps.index(profile.current_stage) + 1
        if k < len(steps) and pace.segment_rows is not None:
            next_stage = steps[k]
            p90 = pace.segment_rows.loc[pace.segment_rows["step"] == k + 1, "p90_days_from_previous"]
            next_p90 = None if p90.empty or missing(p90.iloc[0]) else float(p90.iloc[0])
    pinned = ctx.settings
    scores = _first_row(account_scores(con, score_config, pinned, account_id=account_id),
                        ["composite", "coverage", "band", "weakest_factor", "gap"])
    trend = _first_row(score_trend(con, score_config, TREND_PERIOD, pinned, account_id=account_id),
                       ["previous_period", "previous_composite", "period", "composite", "change", "direction"])
    quadrant = _first_row(outcome_quadrants(con, outcome_spec, score_config, pinned, account_id=account_id),
                          ["outcome_value", "experience_value", "quadrant"])
    quadrant["quadrant"] = quadrant["quadrant"] or UNKNOWN
    story = AccountStory(
        profile=profile, as_of=as_of, segment_column=ctx.segment_column, segment=segment,
        timeline=timeline, funnel_steps=list(steps), reached_step=pace.reached, pace=pace.table,
        next_stage=next_stage, next_p90_days=next_p90, scores=scores,
        factors=factor_bands(con, score_config, pinned, account_id=account_id).reset_index(drop=True),
        trend=trend, history=score_history(con, score_config, TREND_PERIOD, settings=pinned,
                                           account_id=account_id).reset_index(drop=True),
        surveys=account_surveys(con, account_id, as_of, ctx.csat_scale), quadrant=quadrant,
        outcome_spec=outcome_spec, score_config=score_config, notes=list(ctx.notes))
    if ctx.warning_rows is not None:
        story.flags = ew.flags_of(ctx.warning_rows, account_id)
    return story


# ---------------------------------------------------------------- the meeting summary


def _num(value: float) -> str:
    """An answer or outcome as written: whole numbers without decimals, others as given (4.5)."""
    return f"{value:g}" if not float(value).is_integer() else str(int(value))


def _days(n: float) -> str:
    d = shown(n)
    return f"{d} day" if abs(d) == 1 else f"{d} days"


def _position_sentence(story: AccountStory) -> str:
    p = story.profile
    if p.current_stage is None:
        return "No stage recorded yet."
    if p.stage_entered is None:
        return f"Current stage {p.current_stage} (from the accounts table; no dated journey entries)."
    since = f"In {p.current_stage} since {_day(p.stage_entered)}"
    if p.days_in_stage is not None:
        since += f" ({_days(p.days_in_stage)})"
    if p.current_stage in story.funnel_steps:
        k = story.funnel_steps.index(p.current_stage) + 1
        return f"{since}, step {k} of {len(story.funnel_steps)} of the funnel."
    if p.churn_reason:
        return f"{since}; churn reason: {p.churn_reason}."
    return f"{since}."


def _pace_sentence(story: AccountStory) -> str:
    if not story.funnel_steps:
        return "No journey entries, so no funnel pace."
    if story.reached_step == 0:
        return f"Not in the funnel yet (no {story.funnel_steps[0]} entry)."
    if story.pace.empty:
        return f"Entered {story.funnel_steps[0]}; no later funnel step reached yet."
    last = story.pace.iloc[-1]
    median = last["segment_median_days"]
    typical = "no segment median yet" if missing(median) else f"segment median {shown(median)}"
    return (f"Reached {last['stage']} {_days(last['days_from_previous'])} after {last['previous_stage']} "
            f"({typical}).")


def _engagement_sentence(story: AccountStory) -> str:
    s, t = story.scores, story.trend
    if s["composite"] is None:
        return "No engagement ratings yet."
    band = "insufficient data" if s["band"] == "grey" else s["band"]
    moves = {"up": f", up {shown(abs(t['change'] or 0))} on the previous {TREND_PERIOD}",
             "down": f", down {shown(abs(t['change'] or 0))} on the previous {TREND_PERIOD}",
             "same": f", steady on the previous {TREND_PERIOD}"}
    text = f"Engagement {shown(s['composite'])} ({band}{moves.get(t['direction'], '')})"
    weakest = story.factors[story.factors["factor"] == s["weakest_factor"]]
    if len(weakest):
        w = weakest.iloc[0]
        text += f", weakest factor {w['name']} ({shown(w['score'])} vs target {shown(w['target'])})"
    return text + "."


def _voice_sentence(story: AccountStory) -> str:
    parts = []
    for kind in ("NPS", "CSAT"):
        answers = story.surveys[(story.surveys["survey_type"] == kind)
                                & story.surveys["category"].notna() & (story.surveys["category"] != "off scale")]
        if answers.empty:
            continue
        latest = answers.iloc[0]
        when = "undated" if missing(latest["ts"]) else f"on {_day(latest['ts'])}"
        parts.append(f"{kind} answers: {len(answers)} (latest {_num(latest['score'])} {when}, {latest['category']})")
    if not parts:
        return "No NPS or CSAT answers yet."
    return "; ".join(parts) + "."


def _renewal_sentence(story: AccountStory) -> str:
    p = story.profile
    arr = "no ARR recorded" if p.arr is None else f"ARR {p.arr:,.0f}"
    if p.renewal_date is None:
        return f"No renewal date recorded; {arr}."
    date = _day(p.renewal_date)
    if p.days_to_renewal is None:
        return f"Renews on {date}; {arr}."
    if p.days_to_renewal >= 0:
        return f"Renews on {date} ({_days(p.days_to_renewal)} after the as-of date); {arr}."
    return f"Renewal date {date} was {_days(-p.days_to_renewal)} before the as-of date; {arr}."


def experience_label(spec: OutcomeSpec, config: ScoreConfig) -> str:
    """How the experience measure is named in sentences and charts ('latest CSAT', a factor's name)."""
    return _MEASURE_LABELS.get(spec.measure) or next(
        (f.name for f in config.factors if f.key == spec.factor), spec.factor or spec.experience)


def _outcome_sentence(story: AccountStory) -> str:
    q, spec = story.quadrant, story.outcome_spec
    label = experience_label(spec, story.score_config)
    outcome = ("no outcome recorded" if q["outcome_value"] is None else
               "required outcome reached" if q["outcome_value"] >= spec.outcome_threshold
               else "required outcome not reached")
    if q["experience_value"] is None:
        experience = {"csat": "no CSAT answer", "nps": "no NPS answer"}.get(spec.measure, f"no {label} score")
    elif spec.measure in ("csat", "nps"):
        experience = f"{label} {_num(q['experience_value'])}"
    else:
        experience = f"{label} {shown(q['experience_value'])}"
    return f"Desired outcome: {q['quadrant']} ({outcome}, {experience})."


STANDING_SIGNALS = ("stalled", "entered_disappointment")   # their evidence says where the account stands


def flag_sentence(flag: Flag) -> str:
    """One early-warning flag as a summary sentence: its label and the Early warning page's evidence."""
    return f"Flag: {flag.title} — {flag.detail}."


def meeting_summary(story: AccountStory) -> list[str]:
    """Plain sentences from the story's numbers, for the meeting (no language model): five or six, then
    one per early-warning flag.

    Order: where the account stands (left out when a stalled or entered-Disappointment flag's evidence
    says it), pace, engagement, voice, renewal and ARR, desired outcome, then one sentence per flag
    in the Early warning page's signal order (`flag_sentence`).
    """
    standing_flagged = any(story.has_flag(kind) for kind in STANDING_SIGNALS)
    sentences = [] if standing_flagged else [_position_sentence(story)]
    sentences += [_pace_sentence(story), _engagement_sentence(story), _voice_sentence(story),
                  _renewal_sentence(story), _outcome_sentence(story)]
    sentences += [flag_sentence(f) for f in story.flags]
    return sentences


__all__ = ["SURVEY_COLUMNS", "TIMELINE_COLUMNS", "AccountProfile", "AccountStory", "Flag", "StoryContext",
           "account_story", "account_surveys", "account_timeline", "experience_label", "find_accounts",
           "flag_sentence", "meeting_summary", "story_as_of", "story_context"]
