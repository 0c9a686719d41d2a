"""A segment's meeting pack: its story (funnel, journey, scores, voice, desired outcome over time, flagged accounts,
drivers) as slides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical, dimensions, journey, surveys
from cxlib import early_warning as ew
from cxlib.early_warning import WarningConfig
from cxlib.errors import CxError, MetricError
from cxlib.figures.journey import sankey_figure
from cxlib.figures.scores import factor_bar_chart
from cxlib.figures.surveys import nps_bars
from cxlib.funnel import FunnelSpec, funnel
from cxlib.meeting.common import (ALL_ACCOUNTS, COMMENTS, FUNNEL_TITLE, JOURNEY_TITLE, SANKEY_MOVES, SCORES_TITLE,
                                  SUMMARY_TITLE, TOP_DRIVERS, TOP_PATHS, VOICE_TITLE, WARNING_ROWS, WARNING_TITLE,
                                  day_text, funnel_figure, missing, percent, plural, quote_bullets, settings_line)
from cxlib.meeting.outcome_slide import SegmentOutcome, outcome_slide, segment_outcome
from cxlib.pack import PackContent, PackSlide
from cxlib.scores import ScoreConfig, band, segment_scores, shown
from cxlib.settings import Settings


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
    outcome: SegmentOutcome | None = None  # desired outcome over time of the segment (outcome_history)


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
    scores = [None if missing(row.get(f.key)) else float(row[f.key]) for f in config.factors]
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
        scores = {k: None if missing(row[k]) else row[k]
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
                        flagged=_segment_flagged(con, column, value, score_config, settings, warning_config, notes),
                        outcome=segment_outcome(con, column, value, score_config, settings))


def _size_sentence(story: SegmentStory) -> str:
    who = f"{story.column} = {story.value}: {plural(story.accounts, 'account')}"
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
    return (f"{plural(int(first['accounts']), 'account')} entered {first['stage']}; {int(last['accounts']):,} "
            f"({percent(int(last['accounts']) / int(first['accounts']))}) reached {last['stage']}.")


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
            f"{plural(shown(row['median_days_from_previous']), 'day')} (p90 {shown(row['p90_days_from_previous'])}) "
            f"over {plural(int(row['converted_n']), 'account')}.")


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
    return (f"CSAT {percent(mine['csat'])} satisfied (n = {int(mine['n']):,}; all accounts "
            f"{percent(overall['csat'])}){_low_n(mine, story.settings)}.")


def _path_sentence(story: SegmentStory) -> str:
    if story.paths.empty:
        return "No journey paths in the segment yet."
    top = story.paths.iloc[0]
    return f"Most common path: {top['path']} ({percent(top['share'])} of the segment's accounts with journey entries)."


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
    return [f"{stage}: {int(a):,} accounts, {percent(cp)} from the previous step, {percent(cf)} from the first; "
            f"{int(ex):,} exited, {int(ip):,} still in progress"
            + ("" if missing(d) else f"; median {shown(d)} days from the previous step")
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
        rows.append({"Measure": "CSAT satisfied", "Segment": "" if int(mine["n"]) == 0 else percent(mine["csat"]),
                     "n": int(mine["n"]),
                     ALL_ACCOUNTS: "" if int(overall["n"]) == 0 else percent(overall["csat"]),
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
        "Churned": [percent(r) for r in top["rate"]],
        "Rest": ["" if missing(r) else percent(r) for r in top["rest_rate"]],
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
    path_bullets = [f"{p} — {plural(int(a), 'account')} ({percent(s)})"
                    for p, a, s in zip(story.paths["path"], story.paths["accounts"], story.paths["share"],
                                       strict=True)]
    journey_slide = PackSlide(JOURNEY_TITLE,
                              figure=sankey_figure(story.sankey, title=f"Journey map of {who} (first moves)"),
                              bullets=(["Most common paths:"] + path_bullets) if path_bullets else [])
    scores_bullets = [summary[4]]
    if story.scores["coverage"] is not None:
        scores_bullets.append(f"On average, rated factors carry {percent(story.scores['coverage'])} of the weight.")
    scores_slide = PackSlide(SCORES_TITLE, figure=factor_bar_chart(story.factors, title=f"Factors of {who}"),
                             bullets=scores_bullets)
    comments = story.comments
    voice_table = _segment_voice_table(story)
    voice_slide = PackSlide(
        VOICE_TITLE, figure=nps_bars(story.nps, title=f"NPS of {who} against all accounts"),
        table=voice_table if len(voice_table) else None,
        bullets=summary[5:7] + (quote_bullets(comments) if len(comments) else ["No comments up to the as-of date."]))
    outcome = [] if story.outcome is None else [outcome_slide(story.outcome, who)]
    return [funnel_slide, journey_slide, scores_slide, voice_slide, *outcome, _warning_slide(story),
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
    count = (f"{plural(len(flagged), 'account')} flagged"
             + ("" if missing(arr) else f", ARR {arr:,.0f}")
             + (f"; the first {WARNING_ROWS} in the list's order (renewals soon first)" if len(flagged) > WARNING_ROWS
                else ""))
    table = pd.DataFrame({
        "Account": [n if isinstance(n, str) and n else a for a, n in zip(top["account_id"], top["name"])],
        "ARR": ["" if missing(v) else f"{v:,.0f}" for v in top["arr"]],
        "Renewal": [day_text(v) if not missing(v) else "" for v in top["renewal_date"]],
        "Signals": [s.replace(";", ", ") for s in top["signals"]],
        "Since": [day_text(v) for v in top["first_signal_date"]],
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
    parts = [f"Segment meeting pack · {plural(story.accounts, 'account')}"]
    if story.arr is not None:
        parts.append(f"ARR {story.arr:,.0f}")
    return PackContent(
        title=f"{story.column} = {story.value} — meeting pack",
        subtitle=" · ".join(parts),
        slides=_segment_slides(story, summary, drivers_table),
        as_of=day_text(story.as_of) if story.as_of is not None else "",
        settings_line=settings_line(settings, story.as_of),
    )
