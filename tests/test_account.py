"""Account drill-down: search, timeline, pace against the segment, flags at their edges, meeting summary.

The account's flags are its early-warning signals (`cxlib.early_warning`, README "Early warning"):
the story computes none of its own. Their definitions' own edges are pinned in test_early_warning.py;
here they are checked on this company, by hand, through the story.

The fixture company (as of 2026-06-30, default nine stages):

    A1 Acme Corp      Gold    Aw 01-01, Aw 01-05, Co 01-11, Dl+De 02-10 (same instant), Us 03-12,
                              Disappointment 05-01, Us 05-21                  (ratings 75 → 69)
    A2 Beta Ltd       Gold    Aw 01-01, Co 01-21, De 02-20, Dl 03-02, Us 03-12, Lo 04-11
    A3 Acme Ventures  Gold    Aw 01-01, Co 01-31, De 03-02, Dl 03-22, Us 04-01, Lo 06-10
    B1 Zeta Labs      Silver  Aw 01-01, Co 01-15, Disappointment 06-01
    C1 Ab1 Gamma      (none)  no journey entries; accounts stage Decision

Gold's days per step (hand-computed, quantile_cont): Consideration [10, 20, 30] → median 20,
p90 28; Decision [30, 30, 30] → 30, 30; Delivery [0, 10, 20] → 10, 18; Usage [30, 10, 10] →
10, 26; Loyalty [30, 70] → 50, 66.

Customers (early warning: from Decision on): A1, A2, A3, and C1 (accounts stage Decision, no entries).
B1 never reached Decision, so it is never flagged. The stalled signal's p90 is over all accounts by
default: Usage → Loyalty [30 (A2), 70 (A3)] → 30 + 0.9 × 40 = 66 days, 2 converted.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cxlib import canonical, workspace
from cxlib import early_warning as ew
from cxlib.account import Flag, account_story, account_timeline, find_accounts, meeting_summary, story_context
from cxlib.early_warning import WarningConfig
from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.scores import Scale, ScoreConfig
from cxlib.settings import Settings

AS_OF = dt.datetime(2026, 6, 30)
SETTINGS = Settings(as_of=AS_OF)
CONFIG = ScoreConfig(factors=[Factor("customer_intent", "Customer intent"),
                              Factor("customer_education", "Customer education")],
                     scales={"customer_intent": Scale.of("0-100"), "customer_education": Scale.of("0-100")})
NAT = pd.NaT


def d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def company(con):
    canonical.create_table(con, "accounts", [
        # account_id, name, stage, arr, start_date, renewal_date, churn_reason, outcome, source, source_row, tier
        ("A1", "Acme Corp", "Usage", 120000.0, d("2026-02-10"), d("2026-08-10"), None, 1.0, "acc", 1, "Gold"),
        ("A2", "Beta Ltd", "Loyalty", 50000.0, None, d("2026-03-01"), None, 0.0, "acc", 2, "Gold"),
        ("A3", "Acme Ventures", "Loyalty", 80000.0, None, None, None, None, "acc", 3, "Gold"),
        ("B1", "Zeta Labs", "Consideration", None, None, None, None, None, "acc", 4, "Silver"),
        ("C1", "Ab1 Gamma", "Decision", 9000.0, None, None, None, None, "acc", 5, None),
    ], [("tier", "VARCHAR")])
    events = [
        ("A1", "Awareness", "2026-01-01"), ("A1", "Awareness", "2026-01-05"), ("A1", "Consideration", "2026-01-11"),
        ("A1", "Delivery", "2026-02-10"), ("A1", "Decision", "2026-02-10"),   # a tie: stage order decides
        ("A1", "Usage", "2026-03-12"), ("A1", "Disappointment", "2026-05-01"), ("A1", "Usage", "2026-05-21"),
        ("A2", "Awareness", "2026-01-01"), ("A2", "Consideration", "2026-01-21"), ("A2", "Decision", "2026-02-20"),
        ("A2", "Delivery", "2026-03-02"), ("A2", "Usage", "2026-03-12"), ("A2", "Loyalty", "2026-04-11"),
        ("A3", "Awareness", "2026-01-01"), ("A3", "Consideration", "2026-01-31"), ("A3", "Decision", "2026-03-02"),
        ("A3", "Delivery", "2026-03-22"), ("A3", "Usage", "2026-04-01"), ("A3", "Loyalty", "2026-06-10"),
        ("B1", "Awareness", "2026-01-01"), ("B1", "Consideration", "2026-01-15"), ("B1", "Disappointment", "2026-06-01"),
    ]
    canonical.create_table(con, "journey_events", [(a, s, d(t), "event", "ev", i + 1)
                                                   for i, (a, s, t) in enumerate(events)])
    surveys = [
        # account_id, respondent, role, ts, type, score, comment, touchpoint
        ("A1", "Ann", "Decision maker", d("2026-03-01"), "NPS", 6.0, "Slow onboarding", "Relationship survey"),
        ("A1", "Bo", "User", d("2026-02-01"), "CSAT", 2.0, None, "Support ticket"),
        ("A1", "Bo", "User", d("2026-04-02"), "CSAT", 4.0, None, "Support ticket"),
        ("A1", "Cy", "User", d("2026-05-05"), "CES", 3.0, None, "Support ticket"),
        ("A1", "Ann", "Decision maker", d("2026-06-14"), "NPS", 9.0, "Great support", "Relationship survey"),
        ("A1", "Ann", "Decision maker", d("2026-07-05"), "NPS", 10.0, "After the as-of date", None),
        ("A2", "Di", "User", d("2026-05-01"), "CSAT", 5.0, None, None),
    ]
    canonical.create_table(con, "surveys", [(*row[:7], row[7], "sv", i + 1) for i, row in enumerate(surveys)])
    ratings = [
        ("A1", d("2026-02-15"), "customer_intent", 80.0), ("A1", d("2026-02-15"), "customer_education", 70.0),
        ("A1", d("2026-05-15"), "customer_intent", 80.0), ("A1", d("2026-05-15"), "customer_education", 58.0),
        ("A2", d("2026-05-10"), "customer_intent", 80.0), ("A2", d("2026-05-10"), "customer_education", 71.0),
    ]
    canonical.create_table(con, "factor_ratings", [(*r, "fr", i + 1) for i, r in enumerate(ratings)])
    return con


# ---------------------------------------------------------------- search


def test_find_accounts_exact_id_first_then_prefix_then_contains(company) -> None:
    result = find_accounts(company, "b1")
    # B1 is the exact id; "Ab1 Gamma" only contains the text, though its name sorts first.
    expected = pd.DataFrame({"account_id": ["B1", "C1"], "name": ["Zeta Labs", "Ab1 Gamma"],
                             "tier": ["Silver", None]})
    assert_frame_equal(result, expected)


def test_find_accounts_by_name_case_insensitive_and_limited(company) -> None:
    assert list(find_accounts(company, "ACME")["account_id"]) == ["A1", "A3"]
    assert list(find_accounts(company, " corp ")["account_id"]) == ["A1"]
    assert list(find_accounts(company, "")["account_id"]) == ["C1", "A1", "A3", "A2", "B1"]
    assert list(find_accounts(company, "", limit=2)["account_id"]) == ["C1", "A1"]
    assert find_accounts(company, "nothing like it").empty


def test_find_accounts_treats_wildcards_as_text(company) -> None:
    assert find_accounts(company, "%").empty
    assert find_accounts(company, "_").empty


def test_find_accounts_rejects_a_bad_limit(company) -> None:
    with pytest.raises(MetricError, match="search limit"):
        find_accounts(company, "a", limit=0)


# ---------------------------------------------------------------- timeline


def test_timeline_collapses_repeats_orders_ties_and_marks_exits_and_returns(company) -> None:
    result = account_timeline(company, "A1", SETTINGS, AS_OF)
    expected = pd.DataFrame({
        "stage": ["Awareness", "Consideration", "Decision", "Delivery", "Usage", "Disappointment", "Usage"],
        "entered": pd.to_datetime(["2026-01-01", "2026-01-11", "2026-02-10", "2026-02-10", "2026-03-12",
                                   "2026-05-01", "2026-05-21"]).astype("datetime64[us]"),
        "left": pd.to_datetime(["2026-01-11", "2026-02-10", "2026-02-10", "2026-03-12", "2026-05-01",
                                "2026-05-21", None]).astype("datetime64[us]"),
        "days_in_stage": [10.0, 30.0, 0.0, 30.0, 50.0, 20.0, 40.0],
        "is_exit": [False, False, False, False, False, True, False],
        "is_return": [False, False, False, False, False, False, True],
    })
    assert_frame_equal(result, expected, check_dtype=False)
    assert str(result["entered"].dtype).startswith("datetime64")


def test_timeline_puts_other_stage_names_after_configured_ones_at_the_same_instant(con) -> None:
    at = d("2026-03-01")
    canonical.create_table(con, "journey_events", [
        ("X", "Zulu call", at, "event", "ev", 1), ("X", "Kick-off", at, "event", "ev", 2),
        ("X", "Usage", at, "event", "ev", 3), ("X", "Delivery", d("2026-02-01"), "event", "ev", 4),
        ("X", "Delivery", d("2026-03-05"), "event", "ev", 5),
    ])
    result = account_timeline(con, "X", SETTINGS, AS_OF)
    assert list(result["stage"]) == ["Delivery", "Usage", "Kick-off", "Zulu call", "Delivery"]
    assert list(result["days_in_stage"]) == [28.0, 0.0, 0.0, 4.0, 117.0]
    # Zulu call → Delivery leaves a stage outside the configured list: not a return
    assert list(result["is_return"]) == [False, False, False, False, False]
    assert list(result["is_exit"]) == [False] * 5


def test_timeline_ignores_entries_after_the_as_of_date(company) -> None:
    result = account_timeline(company, "B1", SETTINGS, dt.datetime(2026, 5, 31))
    assert list(result["stage"]) == ["Awareness", "Consideration"]
    assert list(result["days_in_stage"]) == [14.0, 136.0]   # 01-15 → 05-31


# ---------------------------------------------------------------- the story


def test_profile(company) -> None:
    p = account_story(company, "A1", CONFIG, SETTINGS).profile
    assert (p.name, p.segments, p.arr, p.renewal_date, p.days_to_renewal, p.churn_reason, p.outcome) == (
        "Acme Corp", {"tier": "Gold"}, 120000.0, d("2026-08-10"), 41, None, 1.0)
    assert (p.current_stage, p.stage_entered, p.days_in_stage) == ("Usage", d("2026-05-21"), 40.0)


def test_unknown_account_is_a_clear_error(company) -> None:
    with pytest.raises(MetricError) as err:
        account_story(company, "Z9", CONFIG, SETTINGS)
    assert str(err.value) == "No account 'Z9' in the accounts table"


def test_pace_against_the_segment_median_and_p90(company) -> None:
    story = account_story(company, "A1", CONFIG, SETTINGS)
    expected = pd.DataFrame({
        "step": [2, 3, 4, 5],
        "stage": ["Consideration", "Decision", "Delivery", "Usage"],
        "previous_stage": ["Awareness", "Consideration", "Decision", "Delivery"],
        "days_from_previous": [10.0, 30.0, 0.0, 30.0],
        "segment_median_days": [20.0, 30.0, 10.0, 10.0],
        "segment_p90_days": [28.0, 30.0, 18.0, 26.0],
        "segment_n": [3, 3, 3, 3],
    })
    assert_frame_equal(story.pace, expected)
    assert (story.segment, story.reached_step, story.next_stage, story.next_p90_days) == ("Gold", 5, "Loyalty", 66.0)
    assert story.funnel_steps == ["Awareness", "Consideration", "Decision", "Delivery", "Usage", "Loyalty", "Advocacy"]


def test_pace_against_all_accounts_and_a_missing_segment_column(company) -> None:
    everyone = account_story(company, "A1", CONFIG, SETTINGS, segment_column=None)
    # Consideration over A1, A2, A3, B1: [10, 14, 20, 30] → median 17, p90 20 + 0.7 × 10 = 27
    first = everyone.pace.iloc[0]
    assert (first["segment_median_days"], first["segment_p90_days"], first["segment_n"]) == (17.0, pytest.approx(27.0), 4)
    missing = account_story(company, "A1", CONFIG, SETTINGS, segment_column="region")
    assert missing.segment_column is None
    assert missing.notes == ["The accounts table has no column 'region': pace is compared with all accounts."]
    assert_frame_equal(missing.pace, everyone.pace)


def test_scores_trend_surveys_and_quadrant(company) -> None:
    story = account_story(company, "A1", CONFIG, SETTINGS)
    assert story.scores == {"composite": 69.0, "coverage": 1.0, "band": "yellow",
                            "weakest_factor": "customer_education", "gap": 11.0}
    assert (story.trend["previous_composite"], story.trend["composite"], story.trend["change"],
            story.trend["direction"]) == (75.0, 69.0, -6.0, "down")
    assert story.factors[["factor", "score", "target", "band"]].values.tolist() == [
        ["customer_intent", 80.0, 80.0, "green"], ["customer_education", 58.0, 80.0, "yellow"]]
    expected = pd.DataFrame({
        "ts": pd.to_datetime(["2026-06-14", "2026-05-05", "2026-04-02", "2026-03-01", "2026-02-01"]),
        "survey_type": ["NPS", "CES", "CSAT", "NPS", "CSAT"],
        "score": [9.0, 3.0, 4.0, 6.0, 2.0],
        "category": ["promoter", None, "satisfied", "detractor", "not satisfied"],
        "respondent": ["Ann", "Cy", "Bo", "Ann", "Bo"],
        "respondent_role": ["Decision maker", "User", "User", "Decision maker", "User"],
        "touchpoint": ["Relationship survey", "Support ticket", "Support ticket", "Relationship survey",
                       "Support ticket"],
        "comment": ["Great support", None, None, "Slow onboarding", None],
    })
    assert_frame_equal(story.surveys, expected, check_dtype=False)
    assert story.quadrant == {"outcome_value": 1.0, "experience_value": 4.0, "quadrant": "successful"}


def test_a_context_serves_many_accounts_but_only_its_own_settings(company) -> None:
    context = story_context(company, CONFIG, SETTINGS)
    assert context.as_of == AS_OF
    for account_id in ("A1", "B1"):
        assert meeting_summary(account_story(company, account_id, CONFIG, SETTINGS, context=context)) \
            == meeting_summary(account_story(company, account_id, CONFIG, SETTINGS))
    with pytest.raises(MetricError, match="computed for other settings"):
        account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 7, 1)), context=context)


# ---------------------------------------------------------------- flags at their edges


STALLED_66 = Flag("stalled", "Stalled in a funnel step",
                  "in Usage since 2026-05-21 (66 days), longer than the p90 of 66.0 days to reach Loyalty "
                  "(2 accounts converted)")


def test_stalled_only_beyond_the_p90(company) -> None:
    # A1 entered Usage on 05-21; the p90 to reach Loyalty is 66 days (07-26): exactly 66 is not beyond it.
    at_p90 = account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 7, 26)))
    assert at_p90.profile.days_in_stage == 66.0
    assert at_p90.flags == []
    an_hour_later = account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 7, 26, 1)))
    assert an_hour_later.flags == [STALLED_66]


def test_no_stall_without_a_next_step_p90(company) -> None:
    # A3 sits in Loyalty; nobody reached Advocacy, so there is no p90 to exceed (only silence since 06-10).
    story = account_story(company, "A3", CONFIG, Settings(as_of=dt.datetime(2030, 1, 1)))
    assert (story.next_stage, story.next_p90_days) == ("Advocacy", None)
    assert [f.kind for f in story.flags] == ["silent"]


def test_entered_disappointment_from_the_day_it_is_entered_until_it_is_left(company) -> None:
    # A1 (a customer since Decision on 02-10) was in Disappointment from 05-01 to 05-21. A minute before,
    # it was stalled in Usage: 50 days since 03-12, beyond the p90 of A2's 30 days (A3 not in Loyalty yet).
    before = account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 4, 30, 23, 59)))
    assert [f.kind for f in before.flags] == ["stalled"]
    on_the_day = account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 5, 1)))
    assert on_the_day.flags == [Flag("entered_disappointment", "Entered Disappointment",
                                     "entered Disappointment on 2026-05-01 (0 days before the as-of date) "
                                     "and has not left it")]
    assert not account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 5, 21))).flags


def test_a_prospect_in_disappointment_is_not_flagged(company) -> None:
    # B1 entered Disappointment on 06-01 but never reached Decision: not a customer, so no signal.
    assert account_story(company, "B1", CONFIG, SETTINGS).flags == []


def test_score_drop_from_exactly_the_threshold(company) -> None:
    # A1's unrounded composite went (80 + 70) / 2 = 75 in Q1 → (80 + 58) / 2 = 69 in Q2: a 6-point fall.
    assert account_story(company, "A1", CONFIG, SETTINGS).flags == []        # default: 10 points
    at_six = account_story(company, "A1", CONFIG, SETTINGS, warning_config=WarningConfig(score_drop_points=6.0))
    assert at_six.flags == [Flag("score_drop", "Engagement score dropped",
                                 "engagement composite fell 6.0 points, from 75.0 (period from 2026-01-01) to "
                                 "69.0 (period from 2026-04-01)")]
    assert not account_story(company, "A1", CONFIG, SETTINGS,
                             warning_config=WarningConfig(score_drop_points=6.1)).flags


def test_the_story_flags_are_the_early_warning_rows(company) -> None:
    # In 2030 everyone is silent and A1 is still in Usage: the story's flags and evidence are the list's.
    settings = Settings(as_of=dt.datetime(2030, 1, 1))
    run = ew.prepare(company, WarningConfig(), CONFIG, settings)
    table = ew.warnings_table(company, run)
    assert list(table["account_id"]) == ["A1", "A3", "A2", "C1"]   # 2 signals first, then ARR 80k, 50k, 9k
    for row in table.itertuples(index=False):
        story = account_story(company, row.account_id, CONFIG, settings)
        assert ";".join(f.kind for f in story.flags) == row.signals
        assert "; ".join(f"{f.kind}: {f.detail}" for f in story.flags) == row.evidence
    assert account_story(company, "A1", CONFIG, settings).flags[1] == Flag(
        "silent", "Silent", "no survey answer, rating, journey entry or activity since 2026-07-05 (1276 days, more than 120)")


# ---------------------------------------------------------------- meeting summary


def test_meeting_summary_of_a1(company) -> None:
    assert meeting_summary(account_story(company, "A1", CONFIG, SETTINGS)) == [
        "In Usage since 2026-05-21 (40 days), step 5 of 7 of the funnel.",
        "Reached Usage 30 days after Delivery (segment median 10).",
        "Engagement 69 (yellow, down 6 on the previous quarter), weakest factor Customer education "
        "(58 vs target 80).",
        "NPS answers: 2 (latest 9 on 2026-06-14, promoter); CSAT answers: 2 (latest 4 on 2026-04-02, satisfied).",
        "Renews on 2026-08-10 (41 days after the as-of date); ARR 120,000.",
        "Desired outcome: successful (required outcome reached, latest CSAT 4).",
    ]


def test_meeting_summary_of_a_prospect_in_disappointment(company) -> None:
    # B1 is no customer, so no flag: the position sentence says where it stands.
    assert meeting_summary(account_story(company, "B1", CONFIG, SETTINGS)) == [
        "In Disappointment since 2026-06-01 (29 days).",
        "Reached Consideration 14 days after Awareness (segment median 14).",
        "No engagement ratings yet.",
        "No NPS or CSAT answers yet.",
        "No renewal date recorded; no ARR recorded.",
        "Desired outcome: unknown (no outcome recorded, no CSAT answer).",
    ]


def test_meeting_summary_of_a_customer_who_entered_disappointment(company) -> None:
    # The flag's evidence says where A1 stands on 05-10, so the position sentence gives way to it.
    sentences = meeting_summary(account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 5, 10))))
    assert sentences[0] == "Reached Usage 30 days after Delivery (segment median 10)."
    assert sentences[-1] == ("Flag: Entered Disappointment — entered Disappointment on 2026-05-01 (9 days before "
                             "the as-of date) and has not left it.")
    assert len(sentences) == 6


def test_meeting_summary_without_journey_entries(company) -> None:
    assert meeting_summary(account_story(company, "C1", CONFIG, SETTINGS)) == [
        "Current stage Decision (from the accounts table; no dated journey entries).",
        "Not in the funnel yet (no Awareness entry).",
        "No engagement ratings yet.",
        "No NPS or CSAT answers yet.",
        "No renewal date recorded; ARR 9,000.",
        "Desired outcome: unknown (no outcome recorded, no CSAT answer).",
        "Flag: Silent — no dated survey answer, rating, journey entry or activity at all.",
    ]


def test_meeting_summary_bands_the_shown_value_and_past_renewals(company) -> None:
    # A2: (80 + 71) / 2 = 75.5, shown as 76, which is above 75: green. Renewal passed 121 days ago.
    sentences = meeting_summary(account_story(company, "A2", CONFIG, SETTINGS))
    assert sentences[2] == "Engagement 76 (green), weakest factor Customer education (71 vs target 80)."
    assert sentences[4] == "Renewal date 2026-03-01 was 121 days before the as-of date; ARR 50,000."
    assert sentences[5] == "Desired outcome: good experience without the outcome (required outcome not reached, " \
                           "latest CSAT 5)."


def test_meeting_summary_when_stalled(company) -> None:
    # 05-21 → 08-09 is 80 days: the stall flag replaces the position sentence. By then the NPS answer
    # of 07-05 is known, and the quarter just begun compares 69 with 69: steady.
    assert meeting_summary(account_story(company, "A1", CONFIG, Settings(as_of=dt.datetime(2026, 8, 9)))) == [
        "Reached Usage 30 days after Delivery (segment median 10).",
        "Engagement 69 (yellow, steady on the previous quarter), weakest factor Customer education "
        "(58 vs target 80).",
        "NPS answers: 3 (latest 10 on 2026-07-05, promoter); CSAT answers: 2 (latest 4 on 2026-04-02, satisfied).",
        "Renews on 2026-08-10 (1 day after the as-of date); ARR 120,000.",
        "Desired outcome: successful (required outcome reached, latest CSAT 4).",
        "Flag: Stalled in a funnel step — in Usage since 2026-05-21 (80 days), longer than the p90 of 66.0 days "
        "to reach Loyalty (2 accounts converted).",
    ]


# ---------------------------------------------------------------- figures


def test_timeline_figure_bars_colours_and_returns(company) -> None:
    from cxlib.figures.account import timeline_figure
    from cxlib.stages import EXIT_COLOR, stage_colors

    story = account_story(company, "A1", CONFIG, SETTINGS)
    fig = timeline_figure(story.timeline, story.as_of)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars) == ["Awareness", "Consideration", "Decision", "Delivery", "Usage", "Disappointment"]
    assert bars["Usage"].marker.color == stage_colors()["Usage"]
    assert bars["Disappointment"].marker.color == EXIT_COLOR
    # Usage: 50 days, then the current visit of 40 days to the as-of date, hatched
    assert [x / 86_400_000 for x in bars["Usage"].x] == [50.0, 40.0]
    assert list(bars["Usage"].marker.pattern.shape) == ["", "/"]
    (returns,) = [t for t in fig.data if t.name == "Return"]
    assert list(returns.y) == ["Usage"]


def test_pace_figure_plots_account_median_and_p90(company) -> None:
    from cxlib.figures.account import pace_figure

    story = account_story(company, "A1", CONFIG, SETTINGS)
    account, median, p90 = pace_figure(story.pace, story.segment).data
    assert list(account.x) == ["Consideration", "Decision", "Delivery", "Usage"]
    assert list(account.y) == [10.0, 30.0, 0.0, 30.0]
    assert (median.name, list(median.y)) == ("Gold median", [20.0, 30.0, 10.0, 10.0])
    assert list(p90.y) == [28.0, 30.0, 18.0, 26.0]


def test_empty_figures_say_so(company) -> None:
    from cxlib.figures.account import pace_figure, quadrant_figure, timeline_figure

    story = account_story(company, "C1", CONFIG, SETTINGS)
    assert timeline_figure(story.timeline, story.as_of).layout.annotations[0].text \
        == "No dated journey entries for this account"
    assert pace_figure(story.pace).layout.annotations[0].text == "No funnel step reached after the first"
    texts = [a.text for a in quadrant_figure(story.quadrant, story.outcome_spec).layout.annotations]
    assert "Not placed: a measure is missing" in texts


# ---------------------------------------------------------------- any journey: five to eight sentences


STAGE_NAMES = ["Awareness", "Consideration", "Decision", "Delivery", "Usage", "Loyalty", "Advocacy",
               "Disappointment", "Churn"]


@settings(max_examples=25)
@given(journey=st.lists(st.tuples(st.sampled_from(STAGE_NAMES), st.integers(0, 120)), max_size=8),
       ratings=st.lists(st.tuples(st.integers(0, 170), st.integers(0, 100)), max_size=4),
       as_of_day=st.integers(0, 200))
def test_any_story_gives_five_to_eight_plain_sentences(journey, ratings, as_of_day) -> None:
    start = dt.datetime(2026, 1, 1)
    connection = workspace.connect(memory_limit="256MB", threads=1)
    try:
        canonical.create_table(connection, "accounts", [("H", "Hypo", None, 1000.0, None, start, None, None, "a", 1,
                                                          "Gold")], [("tier", "VARCHAR")])
        canonical.create_table(connection, "journey_events", [
            ("H", stage, start + dt.timedelta(days=day), "event", "ev", i) for i, (stage, day) in enumerate(journey)])
        canonical.create_table(connection, "factor_ratings", [
            ("H", start + dt.timedelta(days=day), "customer_intent", float(score), "fr", i)
            for i, (day, score) in enumerate(ratings)])
        story = account_story(connection, "H", CONFIG, Settings(as_of=start + dt.timedelta(days=as_of_day)))
        sentences = meeting_summary(story)
        assert 5 <= len(sentences) <= 8, sentences
        assert all(s.endswith(".") and "nan" not in s and "None" not in s for s in sentences), sentences
        assert meeting_summary(story) == sentences
    finally:
        connection.close()


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def test_one_accounts_parts_equal_its_rows_of_the_all_account_results(company) -> None:
    # The story reads each part for its account alone (filtered in SQL); the rows must be the all-account ones.
    from cxlib.outcomes import OutcomeSpec, outcome_quadrants
    from cxlib.scores import account_scores, factor_bands, score_history, score_trend

    parts = {
        "scores": lambda **one: account_scores(company, CONFIG, SETTINGS, **one),
        "factor bands": lambda **one: factor_bands(company, CONFIG, SETTINGS, **one),
        "trend": lambda **one: score_trend(company, CONFIG, "quarter", SETTINGS, **one),
        "history": lambda **one: score_history(company, CONFIG, "quarter", settings=SETTINGS, **one),
        "quadrants": lambda **one: outcome_quadrants(company, OutcomeSpec(), CONFIG, SETTINGS, **one),
    }
    for name, part in parts.items():
        everyone = part()
        assert set(everyone["account_id"]) >= {"A1"}, name
        for account_id in ("A1", "B1", "nobody"):
            mine = part(account_id=account_id).reset_index(drop=True)
            expected = everyone[everyone["account_id"] == account_id].reset_index(drop=True)
            # compared as values: an all-empty column of one row comes back untyped (None), not as text NaN
            assert _records(mine) == _records(expected), f"{name} of {account_id}"
            assert list(mine.columns) == list(everyone.columns), name
    with pytest.raises(ValueError, match="per-account history"):
        score_history(company, CONFIG, "quarter", by="tier", settings=SETTINGS, account_id="A1")


def test_an_accounts_answers_off_the_scale_read_off_scale(con) -> None:
    # The categories use the NPS and CSAT rules every other number uses: whole answers on the scale only.
    from cxlib import surveys
    from cxlib.account_rows import account_surveys

    answers = [("A1", f"r{i}", None, d(f"2026-05-{i + 1:02d}"), kind, score, None, None, "sv", i + 1)
               for i, (kind, score) in enumerate([("NPS", 9.0), ("NPS", 7.5), ("NPS", 11.0), ("NPS", 6.0),
                                                  ("CSAT", 4.0), ("CSAT", 4.5), ("CSAT", 6.0), ("CSAT", 3.0),
                                                  ("CES", 2.5), ("NPS", None)])]
    canonical.create_table(con, "surveys", answers)
    got = account_surveys(con, "A1", AS_OF, surveys.SCALES["1-5"])
    assert list(zip(got["survey_type"], got["score"].fillna(-1), got["category"].fillna("–"))) == [
        ("NPS", -1, "–"), ("CES", 2.5, "–"), ("CSAT", 3.0, "not satisfied"), ("CSAT", 6.0, "off scale"),
        ("CSAT", 4.5, "off scale"), ("CSAT", 4.0, "satisfied"), ("NPS", 6.0, "detractor"),
        ("NPS", 11.0, "off scale"), ("NPS", 7.5, "off scale"), ("NPS", 9.0, "promoter")]
