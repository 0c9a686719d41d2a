"""Meeting packs for an account or a segment: the numbers of the review meeting as slides.

A pack is a title slide and five slides, always in this order: the funnel (the segment's funnel,
or an account's pace against its segment), the journey map (the segment's step-numbered Sankey
with its commonest paths, or the account's own timeline), the engagement scores against the
desired state, the voice of the customer (NPS and CSAT with their n, and a few recent comments),
and the meeting summary. A segment's pack adds, before the summary, its flagged accounts with
their evidence (`cxlib.early_warning`, the Early warning page's list and order). An account's
flags are its early-warning signals (the story's `flags`): each is in the summary and on its topic's
slide (stalled: funnel; entered Disappointment: journey; score drop: engagement; NPS, CSAT and
decision-maker signals: voice), chosen by signal name. An account's summary is
`account.meeting_summary`; a segment's is `segment_summary`, built the same way from the numbers,
without any language model.

A segment is the accounts whose segment column, as text without surrounding blanks, equals the
value given (the funnel's and the scores' own reading of a segment value).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from cxlib import canonical, dimensions, journey, surveys
from cxlib import early_warning as ew
from cxlib.account import AccountStory, account_story, flag_sentence, meeting_summary
from cxlib.early_warning import WarningConfig
from cxlib.errors import CxError, MetricError
from cxlib.figures import account as account_figures
from cxlib.figures.journey import no_data_figure, sankey_figure
from cxlib.figures.scores import factor_bar_chart
from cxlib.figures.surveys import nps_bars
from cxlib.funnel import FunnelSpec, funnel
from cxlib.pack import PackContent, PackSlide, write_pdf, write_pptx
from cxlib.scores import ScoreConfig, band, segment_scores, shown
from cxlib.settings import Settings
from cxlib.theme import LOW_N_OPACITY, stage_color, themed

FUNNEL_TITLE = "Funnel"
JOURNEY_TITLE = "Journey map"
SCORES_TITLE = "Engagement against the desired state"
VOICE_TITLE = "Voice of the customer"
SUMMARY_TITLE = "Meeting summary"
WARNING_TITLE = "Flagged accounts (early warning)"
WARNING_ROWS = 8          # flagged accounts listed with their evidence on the segment's slide
ALL_ACCOUNTS = "All accounts"
COMMENTS = 4              # recent comments quoted on the voice slide
COMMENT_CHARS = 180       # a longer comment is cut with an ellipsis
TOP_PATHS = 3
TOP_DRIVERS = 5           # strongest significant churn drivers in the segment pack's summary
SANKEY_MOVES = 6
# Which early-warning flags an account pack also shows on a topic slide (all of them are in the summary).
FUNNEL_SIGNALS = ("stalled",)
JOURNEY_SIGNALS = ("entered_disappointment",)
SCORES_SIGNALS = ("score_drop",)
VOICE_SIGNALS = ("nps_drop", "csat_drop", "decision_maker_detractor")
PACK_SUFFIXES = (".pptx", ".pdf")


# ---------------------------------------------------------------- shared pieces


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _percent(share: float) -> str:
    """A 0–1 share as a whole percentage, rounded as the app shows numbers (half away from zero); – when unknown."""
    return "–" if _missing(share) else f"{shown(100 * share)}%"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def settings_line(settings: Settings, as_of: dt.datetime | None) -> str:
    """The settings every number in the pack depends on, for every slide's footer."""
    as_of_text = _day(as_of) if as_of is not None else "no dated rows"
    origin = "set in the settings" if settings.as_of else "latest date in the data"
    zones = ", ".join(sorted(set(settings.timezones.values()))) or "UTC"
    return (f"As of {as_of_text} ({origin}) · fiscal year starts in month {settings.fiscal_year_start_month} · "
            f"minimum n {settings.min_n} · time zone {zones} · Journey Lens")


def _comment_text(comment: str) -> str:
    text = " ".join(str(comment).split())
    return text if len(text) <= COMMENT_CHARS else text[:COMMENT_CHARS - 1].rstrip() + "…"


def _quote_bullets(comments: pd.DataFrame) -> list[str]:
    """Recent comments as quotes with who answered what and when (columns ts, survey_type, score, who, comment)."""
    return [f"“{_comment_text(c)}” — {who}, {kind} {_number(score)}"
            + ("" if _missing(ts) else f", {_day(ts)}")
            for ts, kind, score, who, c in zip(comments["ts"], comments["survey_type"], comments["score"],
                                               comments["who"], comments["comment"], strict=True)]


def _number(value: Any) -> str:
    """An answer as written: whole numbers without decimals (9), others as given (4.5); blank as –."""
    if _missing(value):
        return "–"
    return f"{float(value):g}"


def funnel_figure(table: pd.DataFrame, settings: Settings, title: str = "Funnel") -> go.Figure:
    """A funnel of accounts per step in the stages' fixed colours; steps below the minimum n are faint."""
    if table is None or table.empty or int(table["accounts"].max()) == 0:
        return no_data_figure(title, "No data: no account entered the first funnel step")
    faint = table["low_n"].fillna(False).astype(bool) if "low_n" in table else pd.Series(False, index=table.index)
    fig = go.Figure(go.Funnel(
        y=list(table["stage"]), x=[int(a) for a in table["accounts"]],
        texttemplate="%{value:,} (%{percentInitial:.0%})", textposition="outside", cliponaxis=False,
        marker=dict(color=[stage_color(s, settings.stages) for s in table["stage"]],
                    opacity=[LOW_N_OPACITY if f else 1.0 for f in faint]),
        connector=dict(fillcolor="rgba(189,189,189,0.25)"),
        hovertemplate="%{y}: %{x:,} accounts (%{percentInitial:.0%} of the first step)<extra></extra>",
    ))
    fig.update_yaxes(automargin=True)
    fig.update_layout(margin=dict(r=140))   # room for the first step's label beside the widest bar
    if faint.any():
        fig.add_annotation(text=f"Faint steps: fewer than {settings.min_n} accounts — read with care",
                           x=0, y=0, xref="paper", yref="paper", yanchor="top", yshift=-20, showarrow=False)
    return themed(fig, title)


# ---------------------------------------------------------------- account pack


def _account_comments(story: AccountStory) -> pd.DataFrame:
    """The account's latest answers that carry a comment, with who gave them."""
    answers = story.surveys
    has_comment = answers["comment"].notna() & (answers["comment"].astype("string").str.strip() != "")
    recent = answers[has_comment.fillna(False).astype(bool)].head(COMMENTS)
    who = [r if not _missing(r) else (role if not _missing(role) else "a respondent")
           for r, role in zip(recent["respondent"], recent["respondent_role"], strict=True)]
    return pd.DataFrame({"ts": recent["ts"].to_numpy(), "survey_type": recent["survey_type"].to_numpy(),
                         "score": recent["score"].to_numpy(), "who": who, "comment": recent["comment"].to_numpy()})


def _account_voice_table(story: AccountStory) -> pd.DataFrame:
    """NPS and CSAT of one account's answers up to the as-of date: n, the reading and the latest answer."""
    rows = []
    answers = story.surveys
    nps_answers = answers[(answers["survey_type"] == "NPS")
                          & answers["category"].isin(["promoter", "passive", "detractor"])]
    n = len(nps_answers)
    if n:
        counts = nps_answers["category"].value_counts()
        value = 100 * (counts.get("promoter", 0) - counts.get("detractor", 0)) / n
        latest = nps_answers.iloc[0]
        rows.append({"Measure": "NPS", "n": n,
                     "Value": f"{shown(value)} ({counts.get('promoter', 0)} promoters, "
                              f"{counts.get('detractor', 0)} detractors)",
                     "Latest answer": f"{_number(latest['score'])} ({latest['category']})",
                     "Latest date": "" if _missing(latest["ts"]) else _day(latest["ts"])})
    csat_answers = answers[(answers["survey_type"] == "CSAT")
                           & answers["category"].isin(["satisfied", "not satisfied"])]
    n = len(csat_answers)
    if n:
        satisfied = int((csat_answers["category"] == "satisfied").sum())
        latest = csat_answers.iloc[0]
        rows.append({"Measure": "CSAT", "n": n, "Value": f"{_percent(satisfied / n)} satisfied",
                     "Latest answer": f"{_number(latest['score'])} ({latest['category']})",
                     "Latest date": "" if _missing(latest["ts"]) else _day(latest["ts"])})
    return pd.DataFrame(rows, columns=["Measure", "n", "Value", "Latest answer", "Latest date"])


def _summary_parts(summary: list[str]) -> dict[str, list[str]]:
    """The account summary split by topic, using its documented order: [position,] pace, engagement,
    voice, renewal, outcome, then one sentence per flag (taken from the story's flags, not from here)."""
    i = next(k for k, s in enumerate(summary) if s.startswith(("Engagement ", "No engagement ratings")))
    return {"position": summary[:i], "engagement": [summary[i]], "voice": [summary[i + 1]],
            "renewal": summary[i + 2:i + 4]}


def _flag_bullets(story: AccountStory, kinds: tuple[str, ...]) -> list[str]:
    """The summary sentences of the account's early-warning flags of these kinds (by signal, never by text)."""
    return [flag_sentence(f) for f in story.flags if f.kind in kinds]


def _account_slides(story: AccountStory, summary: list[str], settings: Settings) -> list[PackSlide]:
    p = story.profile
    segment_text = f"{story.segment_column} {story.segment}" if story.segment_column else "all accounts"
    pace = story.pace
    pace_table = pd.DataFrame({
        "Reached": pace["stage"].to_numpy(),
        "Days": [shown(d) if not _missing(d) else None for d in pace["days_from_previous"]],
        "Segment median": [shown(d) if not _missing(d) else None for d in pace["segment_median_days"]],
        "Segment p90": [shown(d) if not _missing(d) else None for d in pace["segment_p90_days"]],
        "Segment n": pace["segment_n"].to_numpy(),
    })
    parts = _summary_parts(summary)
    funnel_bullets = parts["position"] + _flag_bullets(story, FUNNEL_SIGNALS)
    funnel_slide = PackSlide(
        f"{FUNNEL_TITLE}: pace against {segment_text}",
        figure=account_figures.pace_figure(pace, story.segment if story.segment_column else None,
                                           title="Days to reach each step"),
        bullets=funnel_bullets, table=pace_table if len(pace_table) else None,
        notes="Days from the previous funnel step, counted as on the Funnel page; the segment's median and p90 "
              "are over the accounts of the segment that reached that step.")

    timeline = story.timeline
    journey_bullets: list[str] = []
    if len(timeline):
        journey_bullets.append(f"{_plural(len(timeline), 'stage visit')} since {_day(timeline['entered'].iloc[0])}.")
        returns = int(timeline["is_return"].sum())
        journey_bullets.append(f"{_plural(returns, 'return')} up the journey." if returns
                               else "No return up the journey.")
        exits = timeline[timeline["is_exit"]]
        journey_bullets.append("Exits: " + ", ".join(f"{s} on {_day(e)}" for s, e in
                                                     zip(exits["stage"], exits["entered"], strict=True)) + "."
                               if len(exits) else "No exit stage entered.")
    journey_bullets += _flag_bullets(story, JOURNEY_SIGNALS)
    journey_slide = PackSlide(JOURNEY_TITLE,
                              figure=account_figures.timeline_figure(timeline, story.as_of, settings.stages,
                                                                     title=f"Journey of {p.name or p.account_id}"),
                              bullets=journey_bullets)

    scores_bullets = parts["engagement"] + _flag_bullets(story, SCORES_SIGNALS)
    if story.scores["coverage"] is not None:
        scores_bullets.append(f"Rated factors carry {_percent(story.scores['coverage'])} of the weight.")
    scores_slide = PackSlide(SCORES_TITLE, figure=account_figures.factor_figure(story.factors),
                             bullets=scores_bullets)

    comments = _account_comments(story)
    voice_table = _account_voice_table(story)
    voice_bullets = list(parts["voice"]) + _flag_bullets(story, VOICE_SIGNALS)
    voice_bullets += _quote_bullets(comments) if len(comments) else ["No comments up to the as-of date."]
    voice_slide = PackSlide(VOICE_TITLE, bullets=voice_bullets,
                            table=voice_table if len(voice_table) else None)

    summary_slide = PackSlide(SUMMARY_TITLE, bullets=list(summary))
    return [funnel_slide, journey_slide, scores_slide, voice_slide, summary_slide]


def account_pack(con: duckdb.DuckDBPyConnection, account_id: str, score_config: ScoreConfig,
                 settings: Settings | None = None, segment_column: str | None = "tier",
                 warning_config: WarningConfig | None = None) -> PackContent:
    """One account's meeting pack; the account may be known from any table (an event log or survey answers
    alone will do); MetricError "No account 'X' in the accounts table" when no table knows it.

    Its flags are the account's early-warning signals under `warning_config` (the mapping's thresholds),
    as the Account page and the Early warning page show them.
    """
    settings = settings or Settings()
    story = account_story(con, account_id, score_config, settings, segment_column, warning_config=warning_config)
    p = story.profile
    summary = meeting_summary(story)
    parts = [f"Account {p.account_id}"]
    if story.segment_column:
        parts.append(f"{story.segment_column} {story.segment}")
    if p.arr is not None:
        parts.append(f"ARR {p.arr:,.0f}")
    if p.renewal_date is not None:
        parts.append(f"renews {_day(p.renewal_date)}")
    return PackContent(
        title=f"{p.name or p.account_id} — meeting pack",
        subtitle=" · ".join(parts),
        slides=_account_slides(story, summary, settings),
        as_of=_day(story.as_of) if story.as_of is not None else "",
        settings_line=settings_line(settings, story.as_of),
    )


# ---------------------------------------------------------------- segment story and pack


@dataclass
class SegmentStory:
    """Everything a segment's meeting pack shows: size, funnel, paths, scores, voice, comments."""

    column: str
    value: str
    as_of: dt.datetime | None
    accounts: int
    arr: float | None               # sum over the accounts with ARR (None: none has ARR)
    arr_accounts: int
    funnel: pd.DataFrame            # the funnel table's rows of this segment (funnel.TABLE_COLUMNS)
    sankey: journey.SankeyData
    paths: pd.DataFrame             # path, stages, accounts, share (journey.top_paths)
    scores: dict[str, Any]          # accounts, n, composite, coverage, band, weakest_factor, gap
    factors: pd.DataFrame           # factor, name, score, target, gap, band
    nps: pd.DataFrame               # segment (this value, then ALL_ACCOUNTS), n, …, nps, moe95, low_n
    csat: pd.DataFrame              # segment (this value, then ALL_ACCOUNTS), n, satisfied, csat, …
    comments: pd.DataFrame          # ts, survey_type, score, who, comment (latest first)
    score_config: ScoreConfig
    settings: Settings
    notes: list[str] = field(default_factory=list)
    flagged: pd.DataFrame | None = None   # early_warning.warnings_table of the segment (None: no as-of date)


def _segment_size(con: duckdb.DuckDBPyConnection, column: str, value: str) -> tuple[int, float | None, int]:
    """Accounts of the segment, their ARR and how many have ARR; MetricError naming an empty segment."""
    accounts, arr, arr_accounts = con.execute(f"""
        WITH {dimensions.ACCOUNTS_CTE},
        members AS (
            SELECT * FROM acct WHERE trim(CAST({canonical.quote(column)} AS VARCHAR)) = trim($value)
        )
        SELECT count(*), sum(arr), count(arr) FROM members
    """, {"value": value}).fetchone()
    if not accounts:
        raise MetricError(f"No accounts with {column} = '{value}' in the accounts table", column=column)
    return int(accounts), None if arr is None else float(arr), int(arr_accounts)


def _segment_comments(con: duckdb.DuckDBPyConnection, column: str, value: str,
                      as_of: dt.datetime | None) -> pd.DataFrame:
    """The segment's latest survey comments up to the as-of date, with the account that gave them."""
    return con.execute(f"""
        WITH {dimensions.ACCOUNTS_CTE},
        members AS (
            SELECT account_id, coalesce(name, account_id) AS who
            FROM acct WHERE trim(CAST({canonical.quote(column)} AS VARCHAR)) = trim($value)
        )
        SELECT s.ts, upper(trim(s.survey_type)) AS survey_type, s.score, m.who, trim(s.comment) AS comment
        FROM {canonical.quote(canonical.SURVEYS)} AS s
        JOIN members AS m USING (account_id)
        WHERE nullif(trim(s.comment), '') IS NOT NULL
          AND (CAST($as_of AS TIMESTAMP) IS NULL OR s.ts IS NULL OR s.ts <= $as_of)
        ORDER BY s.ts DESC NULLS LAST, s.source_row DESC NULLS LAST
        LIMIT $limit
    """, {"value": value, "as_of": as_of, "limit": COMMENTS}).df()


def _with_all(by_segment: pd.DataFrame, overall: pd.DataFrame, value: str) -> pd.DataFrame:
    """This segment's row followed by the all-accounts row, for a two-bar comparison."""
    mine = by_segment[by_segment["segment"] == value]
    return pd.concat([mine, overall.assign(segment=ALL_ACCOUNTS)[mine.columns]], ignore_index=True)


def _segment_factors(row: pd.Series, config: ScoreConfig) -> pd.DataFrame:
    """The segment's factor scores in long form (factor, name, score, target, gap, band) for the factor chart."""
    scores = [None if _missing(row.get(f.key)) else float(row[f.key]) for f in config.factors]
    targets = [config.target(f.key) for f in config.factors]
    return pd.DataFrame({
        "factor": [f.key for f in config.factors],
        "name": [f.name for f in config.factors],
        "score": pd.array(scores, dtype="Float64").astype("float64"),
        "target": targets,
        "gap": [None if s is None else t - s for s, t in zip(scores, targets, strict=True)],
        "band": [band(s, None, config.thresholds) for s in scores],
    }).astype({"gap": "float64"})


def _segment_flagged(con: duckdb.DuckDBPyConnection, column: str, value: str, score_config: ScoreConfig,
                     settings: Settings, warning_config: WarningConfig | None, notes: list[str]) -> pd.DataFrame | None:
    """The segment's flagged accounts with their evidence, or None (with a note) when they cannot be computed."""
    try:
        run = ew.prepare(con, warning_config, score_config, settings)
        return ew.warnings_table(con, run, (column, value))
    except MetricError as exc:
        notes.append(f"No early warning: {exc}")
        return None


def segment_story(con: duckdb.DuckDBPyConnection, column: str, value: str, score_config: ScoreConfig,
                  settings: Settings | None = None, warning_config: WarningConfig | None = None) -> SegmentStory:
    """The segment's numbers for its meeting pack; MetricError naming an unknown column or an empty segment."""
    settings = settings or Settings()
    value = str(value).strip()
    column = dimensions.check_accounts_column(con, column)
    accounts, arr, arr_accounts = _segment_size(con, column, value)
    as_of = dimensions.as_of_param(con, settings)
    notes: list[str] = []
    try:
        result = funnel(con, FunnelSpec(by=column), settings)
        rows = result.table[result.table["segment"] == value].reset_index(drop=True)
    except MetricError as exc:
        notes.append(f"No funnel: {exc}")
        rows = pd.DataFrame(columns=["segment", "step", "stage", "accounts"])
    segment = (column, value)
    sankey = journey.sankey_data(con, SANKEY_MOVES, settings, segment=segment)
    paths = journey.top_paths(con, TOP_PATHS, settings, segment=segment)
    by_segment = segment_scores(con, score_config, column, settings=settings)
    mine = by_segment[by_segment["segment"] == value]
    if len(mine):
        row = mine.iloc[0]
        scores = {k: None if _missing(row[k]) else row[k]
                  for k in ("accounts", "n", "composite", "coverage", "band", "weakest_factor", "gap")}
        factors = _segment_factors(row, score_config)
    else:
        scores = dict.fromkeys(("accounts", "n", "composite", "coverage", "band", "weakest_factor", "gap"))
        factors = _segment_factors(pd.Series(dtype=object), score_config)
    nps = _with_all(surveys.nps(con, by=column, settings=settings), surveys.nps(con, settings=settings), value)
    try:
        csat = _with_all(surveys.csat(con, by=column, settings=settings), surveys.csat(con, settings=settings),
                         value)
    except MetricError as exc:
        notes.append(f"No CSAT: {exc}")
        csat = pd.DataFrame(columns=["segment", "n", "satisfied", "csat", "low_n"])
    return SegmentStory(column=column, value=value, as_of=as_of, accounts=accounts, arr=arr,
                        arr_accounts=arr_accounts, funnel=rows, sankey=sankey, paths=paths, scores=scores,
                        factors=factors, nps=nps, csat=csat,
                        comments=_segment_comments(con, column, value, as_of),
                        score_config=score_config, settings=settings, notes=notes,
                        flagged=_segment_flagged(con, column, value, score_config, settings, warning_config, notes))


def _size_sentence(story: SegmentStory) -> str:
    who = f"{story.column} = {story.value}: {_plural(story.accounts, 'account')}"
    if story.arr is None:
        return f"{who}, no ARR recorded."
    if story.arr_accounts == story.accounts:
        return f"{who}, ARR {story.arr:,.0f}."
    return f"{who}, ARR {story.arr:,.0f} ({story.arr_accounts:,} of them with ARR recorded)."


def _reach_sentence(story: SegmentStory) -> str:
    table = story.funnel
    if table.empty:
        return "No journey entries, so no funnel."
    first, last = table.iloc[0], table.iloc[-1]
    if int(first["accounts"]) == 0:
        return f"No account of the segment entered {first['stage']} yet."
    return (f"{_plural(int(first['accounts']), 'account')} entered {first['stage']}; {int(last['accounts']):,} "
            f"({_percent(int(last['accounts']) / int(first['accounts']))}) reached {last['stage']}.")


def _drop_sentence(story: SegmentStory) -> str:
    table = story.funnel
    later = table[table["step"] >= 2] if len(table) else table
    if later.empty or int(later["dropped"].max()) == 0:
        return "No account dropped out between funnel steps."
    k = int(later["dropped"].idxmax())          # the earliest step among equal drops
    row, previous = table.loc[k], table.loc[k - 1]
    return (f"Largest drop: {previous['stage']} → {row['stage']}, {int(row['dropped']):,} of "
            f"{int(previous['accounts']):,} did not continue ({int(row['dropped_exited']):,} exited, "
            f"{int(row['dropped_in_progress']):,} still in progress).")


def _slowest_sentence(story: SegmentStory) -> str:
    table = story.funnel
    timed = table[table["median_days_from_previous"].notna()] if len(table) else table
    if timed.empty:
        return "No account has moved between two funnel steps yet."
    k = int(timed["median_days_from_previous"].astype("float64").idxmax())
    row, previous = table.loc[k], table.loc[k - 1]
    return (f"Slowest step: {previous['stage']} → {row['stage']}, median "
            f"{_plural(shown(row['median_days_from_previous']), 'day')} (p90 {shown(row['p90_days_from_previous'])}) "
            f"over {_plural(int(row['converted_n']), 'account')}.")


def _segment_engagement_sentence(story: SegmentStory) -> str:
    s = story.scores
    if s["composite"] is None:
        return "No account of the segment has enough engagement ratings yet."
    label = "insufficient data" if s["band"] == "grey" else s["band"]
    text = (f"Engagement {shown(s['composite'])} ({label}) over {int(s['n']):,} of {int(s['accounts']):,} "
            f"accounts rated enough")
    weakest = story.factors[story.factors["factor"] == s["weakest_factor"]]
    if len(weakest):
        w = weakest.iloc[0]
        text += f", weakest factor {w['name']} ({shown(w['score'])} vs target {shown(w['target'])})"
    return text + "."


def _low_n(row: pd.Series, settings: Settings) -> str:
    return f", fewer than the minimum n of {settings.min_n}: read with care" if bool(row["low_n"]) else ""


def _nps_sentence(story: SegmentStory) -> str:
    if len(story.nps) < 2 or int(story.nps.iloc[0]["n"]) == 0:
        return "No NPS answers from the segment yet."
    mine, overall = story.nps.iloc[0], story.nps.iloc[-1]
    everyone = "" if int(overall["n"]) == 0 else f"; all accounts {shown(overall['nps'])}"
    return (f"NPS {shown(mine['nps'])} ± {shown(mine['moe95'])} (n = {int(mine['n']):,} answers{everyone})"
            f"{_low_n(mine, story.settings)}.")


def _csat_sentence(story: SegmentStory) -> str:
    if len(story.csat) < 2 or int(story.csat.iloc[0]["n"]) == 0:
        return "No CSAT answers from the segment yet."
    mine, overall = story.csat.iloc[0], story.csat.iloc[-1]
    return (f"CSAT {_percent(mine['csat'])} satisfied (n = {int(mine['n']):,}; all accounts "
            f"{_percent(overall['csat'])}){_low_n(mine, story.settings)}.")


def _path_sentence(story: SegmentStory) -> str:
    if story.paths.empty:
        return "No journey paths in the segment yet."
    top = story.paths.iloc[0]
    return f"Most common path: {top['path']} ({_percent(top['share'])} of the segment's accounts with journey entries)."


def segment_summary(story: SegmentStory) -> list[str]:
    """Eight plain sentences from a segment's numbers, for the meeting (no language model).

    Order: size and ARR, funnel reach, largest drop, slowest step, engagement, NPS, CSAT, the
    commonest path.
    """
    return [_size_sentence(story), _reach_sentence(story), _drop_sentence(story), _slowest_sentence(story),
            _segment_engagement_sentence(story), _nps_sentence(story), _csat_sentence(story),
            _path_sentence(story)]


def _funnel_lines(table: pd.DataFrame) -> list[str]:
    """One line per funnel step for the speaker notes: accounts, conversions, drop-off split, median days."""
    if table.empty:
        return []       # no funnel (a churn file without journey events): its reason is on the slide
    return [f"{stage}: {int(a):,} accounts, {_percent(cp)} from the previous step, {_percent(cf)} from the first; "
            f"{int(ex):,} exited, {int(ip):,} still in progress"
            + ("" if _missing(d) else f"; median {shown(d)} days from the previous step")
            for stage, a, cp, cf, ex, ip, d in zip(
                table["stage"], table["accounts"], table["conversion_from_previous"],
                table["conversion_from_first"], table["dropped_exited"], table["dropped_in_progress"],
                table["median_days_from_previous"], strict=True)]


def _segment_voice_table(story: SegmentStory) -> pd.DataFrame:
    """NPS and CSAT of the segment beside all accounts, each with its n."""
    rows = []
    if len(story.nps) == 2:
        mine, overall = story.nps.iloc[0], story.nps.iloc[1]
        rows.append({"Measure": "NPS", "Segment": "" if int(mine["n"]) == 0 else f"{shown(mine['nps'])} ± "
                     f"{shown(mine['moe95'])}", "n": int(mine["n"]),
                     ALL_ACCOUNTS: "" if int(overall["n"]) == 0 else str(shown(overall["nps"])),
                     "n (all)": int(overall["n"])})
    if len(story.csat) == 2:
        mine, overall = story.csat.iloc[0], story.csat.iloc[1]
        rows.append({"Measure": "CSAT satisfied", "Segment": "" if int(mine["n"]) == 0 else _percent(mine["csat"]),
                     "n": int(mine["n"]),
                     ALL_ACCOUNTS: "" if int(overall["n"]) == 0 else _percent(overall["csat"]),
                     "n (all)": int(overall["n"])})
    return pd.DataFrame(rows, columns=["Measure", "Segment", "n", ALL_ACCOUNTS, "n (all)"])


def top_churn_drivers(con: duckdb.DuckDBPyConnection, score_config: ScoreConfig, settings: Settings,
                      mapping: Any = None, limit: int = TOP_DRIVERS) -> pd.DataFrame | None:
    """The strongest significant churn drivers over all accounts as a small pack table (None when there are none)."""
    from cxlib import drivers

    try:
        table = drivers.drivers(con, drivers.Outcome("churned"), settings, mapping=mapping, score_config=score_config)
    except CxError:
        return None
    top = drivers.top_drivers(table, limit)
    if top.empty:
        return None
    return pd.DataFrame({
        "Churn driver": [f"{d} = {v}" if k != drivers.PER_SD else f"{d}, per SD"
                                           for d, v, k in zip(top["driver"], top["value"], top["kind"], strict=True)],
        "n": top["n"].astype(int),
        "Churned": [_percent(r) for r in top["rate"]],
        "Rest": ["" if _missing(r) else _percent(r) for r in top["rest_rate"]],
        "Odds ratio (95%)": [f"{o:.2f} ({lo:.2f}–{hi:.2f})"
                             for o, lo, hi in zip(top["odds_ratio"], top["ci_low"], top["ci_high"], strict=True)],
    })


def _segment_slides(story: SegmentStory, summary: list[str], drivers_table: pd.DataFrame | None = None,
                    ) -> list[PackSlide]:
    settings = story.settings
    who = f"{story.column} = {story.value}"
    funnel_slide = PackSlide(
        f"{FUNNEL_TITLE}: {who}", figure=funnel_figure(story.funnel, settings, title=f"Funnel of {who}"),
        bullets=summary[1:4] + [n for n in story.notes if n.startswith("No funnel")],
        notes="Accounts reaching each funnel step (ordered mode, no window), as on the Funnel page.\n"
              + "\n".join(_funnel_lines(story.funnel)))
    path_bullets = [f"{p} — {_plural(int(a), 'account')} ({_percent(s)})"
                    for p, a, s in zip(story.paths["path"], story.paths["accounts"], story.paths["share"],
                                       strict=True)]
    journey_slide = PackSlide(JOURNEY_TITLE,
                              figure=sankey_figure(story.sankey, title=f"Journey map of {who} (first moves)"),
                              bullets=(["Most common paths:"] + path_bullets) if path_bullets else [])
    scores_bullets = [summary[4]]
    if story.scores["coverage"] is not None:
        scores_bullets.append(f"On average, rated factors carry {_percent(story.scores['coverage'])} of the weight.")
    scores_slide = PackSlide(SCORES_TITLE, figure=factor_bar_chart(story.factors, title=f"Factors of {who}"),
                             bullets=scores_bullets)
    comments = story.comments
    voice_table = _segment_voice_table(story)
    voice_slide = PackSlide(
        VOICE_TITLE, figure=nps_bars(story.nps, title=f"NPS of {who} against all accounts"),
        table=voice_table if len(voice_table) else None,
        bullets=summary[5:7] + (_quote_bullets(comments) if len(comments) else ["No comments up to the as-of date."]))
    return [funnel_slide, journey_slide, scores_slide, voice_slide, _warning_slide(story),
            PackSlide(SUMMARY_TITLE, bullets=list(summary), table=drivers_table,
                      notes="" if drivers_table is None else
                      "Top churn drivers: each value against all other accounts (odds ratio, Woolf 95% interval), "
                      "significant after Benjamini-Hochberg, as on the Drivers page.")]


def _warning_slide(story: SegmentStory) -> PackSlide:
    """The segment's flagged accounts: a table of the first ones in the list's order, their evidence as bullets."""
    flagged = story.flagged
    if flagged is None:
        return PackSlide(WARNING_TITLE, bullets=[n for n in story.notes if n.startswith("No early warning")])
    if flagged.empty:
        return PackSlide(WARNING_TITLE, bullets=["No account of the segment is flagged at the as-of date."])
    top = flagged.head(WARNING_ROWS)
    arr = flagged["arr"].sum(min_count=1)
    count = (f"{_plural(len(flagged), 'account')} flagged"
             + ("" if _missing(arr) else f", ARR {arr:,.0f}")
             + (f"; the first {WARNING_ROWS} in the list's order (renewals soon first)" if len(flagged) > WARNING_ROWS
                else ""))
    table = pd.DataFrame({
        "Account": [n if isinstance(n, str) and n else a for a, n in zip(top["account_id"], top["name"])],
        "ARR": ["" if _missing(v) else f"{v:,.0f}" for v in top["arr"]],
        "Renewal": [_day(v) if not _missing(v) else "" for v in top["renewal_date"]],
        "Signals": [s.replace(";", ", ") for s in top["signals"]],
        "Since": [_day(v) for v in top["first_signal_date"]],
    })
    return PackSlide(WARNING_TITLE, table=table,
                     bullets=[count + "."] + [f"{a}: {e}" for a, e in zip(top["account_id"], top["evidence"])],
                     notes="Early warning (issue 12 definitions, thresholds kept with the mapping): every flagged "
                           "customer of the segment with its evidence.\n"
                           + "\n".join(f"{a}: {e}" for a, e in zip(flagged["account_id"], flagged["evidence"])))


def segment_pack(con: duckdb.DuckDBPyConnection, column: str, value: str, score_config: ScoreConfig,
                 settings: Settings | None = None, warning_config: WarningConfig | None = None,
                 mapping: Any = None) -> PackContent:
    """A segment's meeting pack; MetricError "No accounts with tier = 'Gold' …" for an empty segment.

    The summary slide carries the top churn drivers over all accounts when any is significant
    (`mapping` lets the drivers leave a churn flag's own text column out).
    """
    settings = settings or Settings()
    story = segment_story(con, column, value, score_config, settings, warning_config)
    summary = segment_summary(story)
    drivers_table = top_churn_drivers(con, score_config, settings, mapping)
    parts = [f"Segment meeting pack · {_plural(story.accounts, 'account')}"]
    if story.arr is not None:
        parts.append(f"ARR {story.arr:,.0f}")
    return PackContent(
        title=f"{story.column} = {story.value} — meeting pack",
        subtitle=" · ".join(parts),
        slides=_segment_slides(story, summary, drivers_table),
        as_of=_day(story.as_of) if story.as_of is not None else "",
        settings_line=settings_line(settings, story.as_of),
    )


# ---------------------------------------------------------------- writing


def write_pack(content: PackContent, out: Path) -> None:
    """Write the pack as PowerPoint (.pptx) or PDF (.pdf), chosen by the file's suffix."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".pptx":
        write_pptx(content, out)
    elif suffix == ".pdf":
        write_pdf(content, out)
    else:
        raise CxError(f"A meeting pack is written as .pptx or .pdf, not '{out.suffix or out.name}' ({out}).",
                      file=str(out))


__all__ = ["ALL_ACCOUNTS", "FUNNEL_TITLE", "JOURNEY_TITLE", "SCORES_TITLE", "SUMMARY_TITLE", "SegmentStory",
           "VOICE_TITLE", "WARNING_TITLE", "account_pack", "funnel_figure", "segment_pack", "segment_story",
           "segment_summary", "settings_line", "top_churn_drivers", "write_pack"]
