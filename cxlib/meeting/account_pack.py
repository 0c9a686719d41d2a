"""An account's meeting pack: its pace, timeline, scores, answers and flags as slides."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from cxlib.account import AccountStory, account_story, flag_sentence, meeting_summary
from cxlib.early_warning import WarningConfig
from cxlib.figures import account as account_figures
from cxlib.meeting.common import (COMMENTS, FUNNEL_SIGNALS, FUNNEL_TITLE, JOURNEY_SIGNALS, JOURNEY_TITLE,
                                  SCORES_SIGNALS, SCORES_TITLE, SUMMARY_TITLE, VOICE_SIGNALS, VOICE_TITLE, day_text,
                                  missing, number_text, percent, plural, quote_bullets, settings_line)
from cxlib.pack import PackContent, PackSlide
from cxlib.scores import ScoreConfig, shown
from cxlib.settings import Settings
from cxlib.stories import StoryConfig, evidence, reference_text

STORY_TITLE = "Customer story"


def _account_comments(story: AccountStory) -> pd.DataFrame:
    """The account's latest answers that carry a comment, with who gave them."""
    answers = story.surveys
    has_comment = answers["comment"].notna() & (answers["comment"].astype("string").str.strip() != "")
    recent = answers[has_comment.fillna(False).astype(bool)].head(COMMENTS)
    who = [r if not missing(r) else (role if not missing(role) else "a respondent")
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
                     "Latest answer": f"{number_text(latest['score'])} ({latest['category']})",
                     "Latest date": "" if missing(latest["ts"]) else day_text(latest["ts"])})
    csat_answers = answers[(answers["survey_type"] == "CSAT")
                           & answers["category"].isin(["satisfied", "not satisfied"])]
    n = len(csat_answers)
    if n:
        satisfied = int((csat_answers["category"] == "satisfied").sum())
        latest = csat_answers.iloc[0]
        rows.append({"Measure": "CSAT", "n": n, "Value": f"{percent(satisfied / n)} satisfied",
                     "Latest answer": f"{number_text(latest['score'])} ({latest['category']})",
                     "Latest date": "" if missing(latest["ts"]) else day_text(latest["ts"])})
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
        "Days": [shown(d) if not missing(d) else None for d in pace["days_from_previous"]],
        "Segment median": [shown(d) if not missing(d) else None for d in pace["segment_median_days"]],
        "Segment p90": [shown(d) if not missing(d) else None for d in pace["segment_p90_days"]],
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
        journey_bullets.append(f"{plural(len(timeline), 'stage visit')} since {day_text(timeline['entered'].iloc[0])}.")
        returns = int(timeline["is_return"].sum())
        journey_bullets.append(f"{plural(returns, 'return')} up the journey." if returns
                               else "No return up the journey.")
        exits = timeline[timeline["is_exit"]]
        journey_bullets.append("Exits: " + ", ".join(f"{s} on {day_text(e)}" for s, e in
                                                     zip(exits["stage"], exits["entered"], strict=True)) + "."
                               if len(exits) else "No exit stage entered.")
    journey_bullets += _flag_bullets(story, JOURNEY_SIGNALS)
    journey_slide = PackSlide(JOURNEY_TITLE,
                              figure=account_figures.timeline_figure(timeline, story.as_of, settings.stages,
                                                                     title=f"Journey of {p.name or p.account_id}"),
                              bullets=journey_bullets)

    scores_bullets = parts["engagement"] + _flag_bullets(story, SCORES_SIGNALS)
    if story.scores["coverage"] is not None:
        scores_bullets.append(f"Rated factors carry {percent(story.scores['coverage'])} of the weight.")
    scores_slide = PackSlide(SCORES_TITLE, figure=account_figures.factor_figure(story.factors),
                             bullets=scores_bullets)

    comments = _account_comments(story)
    voice_table = _account_voice_table(story)
    voice_bullets = list(parts["voice"]) + _flag_bullets(story, VOICE_SIGNALS)
    voice_bullets += quote_bullets(comments) if len(comments) else ["No comments up to the as-of date."]
    voice_slide = PackSlide(VOICE_TITLE, bullets=voice_bullets,
                            table=voice_table if len(voice_table) else None)

    summary_slide = PackSlide(SUMMARY_TITLE, bullets=list(summary))
    return [funnel_slide, journey_slide, scores_slide, voice_slide, summary_slide]


def story_slide(story: Any, activities: int, segment_column: str | None = None,
                config: StoryConfig | None = None) -> PackSlide:
    """A story slide from one row of `stories.find_stories`: the score and its parts, the three dated
    evidence sentences, the best promoter quote, days to value and reference fatigue."""
    config = config or StoryConfig()
    name = story["name"] if not missing(story["name"]) else story["account_id"]
    days = "unknown" if missing(story["days_to_value"]) else plural(int(story["days_to_value"]), "day")
    bullets = [f"Story score {float(story['score']):.1f}: challenge {float(story['challenge']):g}, timing "
               f"{round(float(story['timing']), 2):g}, celebration {round(float(story['celebration']), 2):g}.",
               *evidence(story, segment_column),
               f"Days to value (Decision to Usage): {days}.",
               reference_text(story, activities)]
    if not missing(story["quote"]):
        bullets.insert(4, f"“{story['quote']}”")
    return PackSlide(f"{STORY_TITLE}: {name}", bullets=bullets,
                     notes=f"Story finder: {config.rule()}. C = a low point overcome on a later day (1) or an "
                           "intent to replace a legacy process or a competitor (0.5); T = 1 − percent rank of "
                           "days to value in the segment; W = mean of outcome achieved, latest NPS ≥ 9, reached "
                           "Advocacy.")


def account_pack(con: duckdb.DuckDBPyConnection, account_id: str, score_config: ScoreConfig,
                 settings: Settings | None = None, segment_column: str | None = "tier",
                 warning_config: WarningConfig | None = None,
                 extra_slides: list[PackSlide] | tuple[PackSlide, ...] = ()) -> PackContent:
    """One account's meeting pack (`extra_slides`, e.g. a `story_slide`, go before the summary); the account may be known from any table (an event log or survey answers
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
        parts.append(f"renews {day_text(p.renewal_date)}")
    return PackContent(
        title=f"{p.name or p.account_id} — meeting pack",
        subtitle=" · ".join(parts),
        slides=_with_extra(_account_slides(story, summary, settings), extra_slides),
        as_of=day_text(story.as_of) if story.as_of is not None else "",
        settings_line=settings_line(settings, story.as_of),
    )


def _with_extra(slides: list[PackSlide], extra: list[PackSlide] | tuple[PackSlide, ...]) -> list[PackSlide]:
    """The account's slides with the extra ones placed before the meeting summary (the last slide)."""
    return [*slides[:-1], *extra, slides[-1]]
