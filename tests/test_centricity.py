"""Customer-centricity (issue 13) on hand-made fixtures at the definitions' edges.

As-of 2026-06-30 (midnight). Care: the last 365 days inclusive. The 13 weeks: as-of − 91 days < t
≤ as-of, block k = (as-of − 7(k+1), as-of − 7k]. Reactive: 0–14 days after a ticket or detractor.
Attested: a proactive activity in [answer − 90 days, answer). Acted: ask ≤ t ≤ ask + 90 days.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from cxlib import canonical
from cxlib import centricity as ct
from cxlib.settings import Settings

AS_OF = dt.datetime(2026, 6, 30)
SETTINGS = Settings(as_of=AS_OF)


def ago(days: int) -> dt.datetime:
    return AS_OF - dt.timedelta(days=days)


def build(con: duckdb.DuckDBPyConnection, customers: list[tuple[str, str]], surveys: list = (),
          activities: list = (), events: list = ()) -> duckdb.DuckDBPyConnection:
    """Customers (id, tier) signed 2025-01-01; surveys (account, ts, type, score, comment); activities as dicts."""
    canonical.create_table(con, "accounts", [(a, f"Name {a}", None, None, None, None, None, None, "acc", i + 1, tier)
                                             for i, (a, tier) in enumerate(customers)], [("tier", "VARCHAR")])
    canonical.create_table(con, "journey_events",
                           [(a, "Decision", dt.datetime(2025, 1, 1), "event", "ev", i + 1)
                            for i, (a, _) in enumerate(customers)] + list(events))
    canonical.create_table(con, "surveys", [(a, "r", None, ts, kind, float(score), comment, None, "sv", i + 1)
                                            for i, (a, ts, kind, score, comment) in enumerate(surveys)])
    canonical.create_table(con, "factor_ratings", [])
    rows = []
    for i, row in enumerate(activities):
        base = {"initiated_by": "provider", "done": True, "activity_type": "call", "source": "act", "source_row": i + 1}
        rows.append(base | row)
    canonical.create_table(con, "activities", rows)
    return con


def act(account: str, ts: dt.datetime, **kw: object) -> dict:
    return {"account_id": account, "ts": ts, "activity_date": ts} | kw


def result(con: duckdb.DuckDBPyConnection, by: str | None = None, themes: ct.ThemeConfig | None = None):
    return ct.centricity(con, SETTINGS, themes, by=by)


def accounts(res) -> dict:
    return res.accounts.set_index("account_id").to_dict("index")


# ---------------------------------------------------------------- act daily and reactive / proactive


def test_reactive_exactly_14_days_after_a_ticket_proactive_at_15(con) -> None:
    build(con, [("R", "A")], activities=[
        act("R", ago(29), activity_type="ticket", initiated_by="customer", done=False),   # 06-01, still open
        act("R", ago(15)),     # 06-15: exactly 14 days after the ticket → reactive
        act("R", ago(14)),     # 06-16: 15 days after → proactive
    ])
    row = accounts(result(con))["R"]
    assert (row["provider_n"], row["proactive_n"]) == (2, 1)
    assert ct.group_row(result(con))["proactive_share"] == 0.5


def test_a_detractor_answer_makes_the_next_14_days_reactive(con) -> None:
    build(con, [("D", "A")], surveys=[("D", ago(20), "NPS", 6, None), ("D", ago(60), "NPS", 7, None)],
          activities=[act("D", ago(20)), act("D", ago(6)), act("D", ago(5)), act("D", ago(50))])
    # ago(20) same instant as the detractor (0 days) and ago(6) (14 days) reactive; ago(5) and ago(50) proactive
    row = accounts(result(con))["D"]
    assert (row["provider_n"], row["proactive_n"]) == (4, 2)


def test_thirteen_seven_day_blocks_end_at_the_as_of_date(con) -> None:
    build(con, [("W", "A"), ("Z", "A"), ("Q", "A")], activities=[
        act("W", AS_OF),          # block 0
        act("W", ago(6)),         # block 0 (06-24, the block's first day)
        act("W", ago(7)),         # exactly 7 days: block 1
        act("W", ago(90)),        # block 12 (the 13th, first day)
        act("W", ago(91)),        # 91 days: outside the 13 weeks
        act("W", ago(1), activity_type="task", done=False),          # open task: not an activity done
        act("W", ago(2), initiated_by="customer"),                   # customer-initiated: not ours
        act("Z", ago(91)), act("Z", AS_OF + dt.timedelta(days=1)),   # outside / in the future
        act("Q", ago(1)),
    ])
    res = result(con)
    rows = accounts(res)
    assert rows["W"]["weeks"] == 3 and rows["W"]["act_daily"] == pytest.approx(3 / 13)
    assert rows["Z"]["weeks"] == 0 and rows["Q"]["weeks"] == 1
    assert ct.group_row(res)["act_daily_median"] == pytest.approx(1 / 13)     # 0, 1/13, 3/13
    dist = res.distribution.set_index("weeks")["accounts"]
    assert (dist[0], dist[1], dist[3], dist.sum(), len(dist)) == (1, 1, 1, 3, 14)


# ---------------------------------------------------------------- care


def test_care_exactly_365_days_in_366_out_and_held_qbrs_only(con) -> None:
    build(con, [("S365", "A"), ("S366", "A"), ("Q365", "A"), ("QPLAN", "A")],
          surveys=[("S365", ago(365), "CSAT", 4, None), ("S366", ago(366), "NPS", 9, None)],
          activities=[act("Q365", ago(365), activity_type="qbr"),
                      act("QPLAN", ago(10), activity_type="qbr", done=False)])
    res = result(con)
    rows = accounts(res)
    assert [rows[a]["care"] for a in ("S365", "S366", "Q365", "QPLAN")] == [True, False, True, False]
    assert ct.group_row(res)["care"] == 0.5


def test_lost_deals_and_churned_accounts_are_not_customers(con) -> None:
    build(con, [("C", "A")], events=[("L", "Closed Lost", ago(100), "event", "ev", 10),
                                     ("X", "Decision", ago(300), "event", "ev", 11),
                                     ("X", "Churn", ago(20), "event", "ev", 12),
                                     ("P", "Decision", ago(300), "event", "ev", 13),
                                     ("P", "Disappointment", ago(20), "event", "ev", 14)])
    assert sorted(result(con).accounts["account_id"]) == ["C", "P"]     # Disappointment still a customer


# ---------------------------------------------------------------- attested


def test_attested_90_days_before_an_answer_in_91_out(con) -> None:
    build(con, [("IN", "A"), ("OUT", "A"), ("SAME", "A")],
          surveys=[("IN", ago(10), "NPS", 10, None), ("OUT", ago(10), "NPS", 9, None),
                   ("SAME", ago(10), "NPS", 3, None)],
          activities=[act("IN", ago(100)), act("OUT", ago(101)), act("SAME", ago(10))])
    row = ct.group_row(result(con))
    # with: IN (1 promoter of 1); without: OUT (promoter; its activity 91 days before), SAME (same instant
    # is not before the answer)
    assert (row["with_n"], row["with_promoters"], row["without_n"], row["without_promoters"]) == (1, 1, 2, 1)
    assert row["attested_with"] == 1.0 and row["attested_without"] == 0.5


def test_attested_intervals_and_p_value_match_statsmodels(con) -> None:
    ids = [f"A{i}" for i in range(7)]
    scores = [10, 9, 5, 9, 3, 7, 8]      # A0–A2 with a proactive activity (2 of 3 promoters); A3–A6 without (1 of 4)
    build(con, [(a, "A") for a in ids],
          surveys=[(a, ago(5), "NPS", s, None) for a, s in zip(ids, scores)],
          activities=[act(a, ago(30)) for a in ids[:3]])
    row = ct.group_row(result(con))
    assert (row["with_n"], row["with_promoters"], row["without_n"], row["without_promoters"]) == (3, 2, 4, 1)
    low, high = proportion_confint(2, 3, method="wilson")
    assert (row["attested_with_low"], row["attested_with_high"]) == pytest.approx((low, high))
    low, high = proportion_confint(1, 4, method="wilson")
    assert (row["attested_without_low"], row["attested_without_high"]) == pytest.approx((low, high))
    _, p = proportions_ztest([2, 1], [3, 4])
    assert row["attested_p_value"] == pytest.approx(p)
    assert row["attested_p_value"] == pytest.approx(0.2703, abs=1e-4)     # z = (5/12)·√7 = 1.1024


# ---------------------------------------------------------------- want vs do


THEMES = ct.ThemeConfig({"training": ["training", "formação", "培训"], "reporting": ["report"],
                         "integration": ["integration"]})


def test_theme_matching_is_case_and_accent_insensitive_on_whole_words(con) -> None:
    build(con, [("PT", "A"), ("EN", "A"), ("PL", "A"), ("ZH", "A"), ("RE", "A")], surveys=[
        ("PT", ago(10), "NPS", 8, "Precisamos de mais FORMACAO"),     # accent and case differ: matches
        ("EN", ago(10), "NPS", 8, "Training, please!"),               # punctuation is a word edge
        ("PL", ago(10), "NPS", 8, "more trainings and retraining"),   # whole words only: no match
        ("ZH", ago(10), "NPS", 8, "需要培训课程"),                       # Chinese: anywhere
        ("RE", ago(10), "NPS", 8, "Reports are slow"),                # 'report' ≠ 'reports'
    ])
    themes = result(con, themes=THEMES).themes.set_index("theme")
    assert themes.loc["training", "asking"] == 4 - 1 + 0 and themes.loc["reporting", "asking"] == 0
    assert themes.loc["training", "w"] == pytest.approx(3 / 5)


def test_want_do_coverage_acted_within_90_days(con) -> None:
    build(con, [("T1", "A"), ("T2", "B"), ("R1", "A"), ("N", "B")], surveys=[
        ("T1", ago(200), "NPS", 8, "need training"), ("T2", ago(200), "NPS", 8, "training!"),
        ("R1", ago(100), "NPS", 8, "a better report"),
    ], activities=[
        act("T1", ago(110), subject="Admin training"),                 # exactly 90 days after asking: acted
        act("T2", ago(109), theme="Training"),                         # 91 days after: too late
        act("R1", ago(120), subject="report review"),                  # before asking: not acted
        act("N", ago(5), subject="Integration workshop"),              # done, nobody asked
    ])
    res = result(con, themes=THEMES)
    themes = res.themes.set_index("theme")
    assert (themes.loc["training", "asking"], themes.loc["training", "acted"]) == (2, 1)
    assert themes.loc["training", "a"] == 0.5 and themes.loc["reporting", "a"] == 0.0
    # w: training 2/4, reporting 1/4; a ≥ 0.5 for training only → 0.5 / 0.75
    assert ct.group_row(res)["want_do_coverage"] == pytest.approx(2 / 3)
    assert list(themes.index[themes["wanted_not_done"]]) == ["reporting"]
    assert list(themes.index[themes["done_not_wanted"]]) == ["integration"]
    by_tier = result(con, by="tier", themes=THEMES)
    cov = by_tier.groups.set_index("segment")["want_do_coverage"]
    assert cov["A"] == pytest.approx(0.5) and cov["B"] == 0.0       # A: T1 acted (w .5), R1 not (w .5); B: T2 not


def test_theme_list_reads_back_and_names_a_bad_line() -> None:
    config = ct.ThemeConfig.from_text("training: training, formação\nreporting: report")
    assert ct.ThemeConfig.from_dict(config.to_dict()).themes == {"training": ["training", "formação"],
                                                                 "reporting": ["report"]}
    assert set(ct.ThemeConfig.from_dict(None).themes) == set(ct.DEFAULT_THEMES)
    with pytest.raises(Exception, match="line 2"):
        ct.ThemeConfig.from_text("training: training\nno colon here")


# ---------------------------------------------------------------- empty states and reasons


def test_no_activities_says_so_and_care_still_counts(con) -> None:
    build(con, [("A", "A"), ("B", "A")], surveys=[("A", ago(3), "NPS", 9, "fine")])
    res = result(con)
    row = ct.group_row(res)
    assert res.activities == 0 and row["care"] == 0.5
    reasons = res.reasons[row["segment"]]
    assert "no activities loaded" in reasons["proactive_share"]
    assert "no activities loaded" in reasons["act_daily_median"]
    assert "0 answers with, 1 answer without" in reasons["attested_with"]
    assert "0 account–theme requests in survey comments, but no activities loaded" in reasons["want_do_coverage"]
    assert math.isnan(row["proactive_share"])


def test_cli_table_columns(con) -> None:
    build(con, [("A", "A"), ("B", "B")])
    assert list(ct.cli_table(result(con)).columns) == ct.CLI_COLUMNS[1:]
    table = ct.cli_table(result(con, by="tier"))
    assert list(table.columns) == ct.CLI_COLUMNS and list(table["segment"]) == ["A", "B"]


def test_keyword_needles_are_words_between_spaces() -> None:
    from cxlib.centricity.themes import keyword_needle

    assert keyword_needle("Response-Time") == " response time "      # punctuation is a word edge
    assert keyword_needle("Formação") == " formacao "
    assert keyword_needle("培训") == "培训"                             # Chinese: anywhere
    assert keyword_needle("képzés") == " kepzes "


def test_words_is_the_text_the_needles_look_in_and_the_sample_subjects_match_their_theme() -> None:
    from cxlib.centricity.themes import DEFAULT_THEMES, keyword_needle, words
    from cxlib.sample_activities import THEME_SUBJECTS, THEMES

    assert words("  Slow RESPONSE-time, Formação!") == "slow response time formacao"
    # the sample's themed subjects (its want-vs-do story) are found by the shipped keywords of their theme
    for theme in THEMES:
        needles = [keyword_needle(k) for k in DEFAULT_THEMES[theme]]
        for subject in THEME_SUBJECTS[theme]:
            assert any(n in f" {words(subject)} " for n in needles), (theme, subject)
