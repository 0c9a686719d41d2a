"""Story finder (issue 13) on hand-made fixtures: challenge at its same-day edge, intent keywords, timing's
percent_rank ties and unknowns, celebration's parts, the decision maker's NPS, the 90-day reference window,
the score and its tie-break, the evidence sentences, the weights and the CLI.

The as-of date is 2026-06-30 (midnight); every account signs (Decision) on 2025-07-01 unless said.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cxlib import canonical
from cxlib import stories
from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.mapping import Mapping
from cxlib.scores import Scale, ScoreConfig
from cxlib.settings import Settings
from tests.test_cli import run

AS_OF = dt.datetime(2026, 6, 30)
SETTINGS = Settings(as_of=AS_OF)
CONFIG = ScoreConfig(factors=[Factor("customer_intent", "Customer intent"),
                              Factor("customer_education", "Customer education")],
                     scales={"customer_intent": Scale.of("0-100"), "customer_education": Scale.of("0-100")})
DATA = Path(__file__).resolve().parents[1] / "data"


def d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def signed(account: str, decided: str = "2025-07-01", usage: str | None = None) -> list[tuple[str, str, str]]:
    """A customer's entries: Consideration, Decision on `decided`, and Usage on `usage` when given."""
    rows = [(account, "Consideration", "2025-06-01"), (account, "Decision", decided)]
    return rows + ([(account, "Usage", usage)] if usage else [])


def build(con: duckdb.DuckDBPyConnection, events: list, surveys: list = (), ratings: list = (),
          accounts: list = (), activities: list = ()) -> duckdb.DuckDBPyConnection:
    """Canonical tables from short rows: events (account, stage, date), surveys (account, role, date, type,
    score[, comment]), ratings (account, date, factor, score), accounts (dicts), activities (account, date,
    type, done)."""
    canonical.create_table(con, "accounts", [{"source": "acc", "source_row": i + 1, **a}
                                             for i, a in enumerate(accounts)], [("tier", "VARCHAR")])
    canonical.create_table(con, "journey_events", [(a, s, d(t), "event", "ev", i + 1)
                                                   for i, (a, s, t) in enumerate(events)])
    canonical.create_table(con, "surveys", [
        (r[0], f"p{i}", r[1], d(r[2]), r[3], float(r[4]), r[5] if len(r) > 5 else None, None, "sv", i + 1)
        for i, r in enumerate(surveys)])
    canonical.create_table(con, "factor_ratings", [(a, d(t), f, float(s), "fr", i + 1)
                                                   for i, (a, t, f, s) in enumerate(ratings)])
    canonical.create_table(con, "activities", [
        {"account_id": a, "ts": d(t), "activity_type": kind, "initiated_by": "customer", "done": done,
         "source": "act", "source_row": i + 1} for i, (a, t, kind, done) in enumerate(activities)])
    return con


def ranked(con: duckdb.DuckDBPyConnection, config: stories.StoryConfig | None = None,
           segment_column: str | None = None) -> pd.DataFrame:
    return stories.find_stories(con, SETTINGS, CONFIG, config, segment_column=segment_column).set_index("account_id")


# ---------------------------------------------------------------- who is ranked


def test_customers_in_disappointment_churn_or_never_signed_are_not_ranked(con) -> None:
    build(con, [
        *signed("OK", usage="2025-08-01"),
        *signed("DIS"), ("DIS", "Disappointment", "2026-05-01"),
        *signed("GONE"), ("GONE", "Churn", "2026-05-01"),
        ("LOST", "Consideration", "2025-06-01"), ("LOST", "Lost deal", "2025-07-01"),
        *signed("LATER", decided="2026-07-15"),                      # signs after the as-of date
    ])
    assert list(ranked(con).index) == ["OK"]
    assert stories.eligible_count(con, SETTINGS, AS_OF) == (2, 1)   # OK and DIS are customers, DIS not ranked


# ---------------------------------------------------------------- challenge overcome C


def test_a_fractional_csat_answer_is_no_low_point(con) -> None:  # type: ignore[no-untyped-def]
    """A 2.5 loads with its survey row but is no CSAT answer (surveys.on_scale_sql, as What customers say): it
    cannot be the challenge a later promoter answer overcomes; a whole 2 can."""
    build(con, [*signed("FRAC"), *signed("WHOLE")], surveys=[
        ("FRAC", None, "2026-02-01", "CSAT", 2.5), ("FRAC", None, "2026-02-02", "NPS", 9),
        ("WHOLE", None, "2026-02-01", "CSAT", 2), ("WHOLE", None, "2026-02-02", "NPS", 9),
        ("WHOLE", None, "2026-02-03", "CSAT", 5),
    ])
    table = ranked(con)
    assert (table.loc["FRAC", "challenge"], table.loc["WHOLE", "challenge"]) == (0.0, 1.0)


def test_recovery_on_the_same_day_as_the_low_point_is_no_challenge_overcome_one_day_later_is(con) -> None:
    build(con, [
        *signed("SAME"), ("SAME", "Disappointment", "2026-01-10 09:00"), ("SAME", "Usage", "2026-01-10 18:00"),
        *signed("NEXT"), ("NEXT", "Disappointment", "2026-01-10 23:00"), ("NEXT", "Usage", "2026-01-11 01:00"),
        *signed("NPS_SAME"), *signed("NPS_NEXT"), *signed("CSAT_NEXT"), *signed("CSAT_MID"),
    ], surveys=[
        ("NPS_SAME", None, "2026-02-01 08:00", "NPS", 3), ("NPS_SAME", None, "2026-02-01 17:00", "NPS", 9),
        ("NPS_NEXT", None, "2026-02-01", "NPS", 6), ("NPS_NEXT", None, "2026-02-02", "NPS", 10),
        ("CSAT_NEXT", None, "2026-02-01", "CSAT", 2), ("CSAT_NEXT", None, "2026-02-02", "NPS", 9),
        ("CSAT_MID", None, "2026-02-01", "CSAT", 3), ("CSAT_MID", None, "2026-02-02", "NPS", 9),
        ("CSAT_MID", None, "2026-02-03", "CSAT", 5),
    ])
    table = ranked(con)
    assert table.loc["SAME", "challenge"] == 0.0
    assert table.loc["NEXT", "challenge"] == 1.0
    assert table.loc["NPS_SAME", "challenge"] == 0.0
    assert table.loc["NPS_NEXT", "challenge"] == 1.0
    assert table.loc["CSAT_NEXT", "challenge"] == 1.0      # CSAT 2 of 1–5 is below the middle (3): bad
    assert table.loc["CSAT_MID", "challenge"] == 0.0       # 3 is the middle: no low point
    sentence = stories.challenge_sentence(table.loc["NEXT"])
    assert sentence == "Entered Disappointment on 2026-01-10; back in Usage on 2026-01-11, 1 day later."
    assert stories.challenge_sentence(table.loc["NPS_NEXT"]) == \
        "NPS answer 6 on 2026-02-01; NPS answer 10 on 2026-02-02, 1 day later."


def test_the_evidence_is_the_latest_low_point_overcome_with_its_first_recovery(con) -> None:
    build(con, [*signed("A"), ("A", "Disappointment", "2025-03-02"), ("A", "Disappointment", "2025-10-01"),
                ("A", "Usage", "2025-12-09"), ("A", "Loyalty", "2026-02-01")])
    # Decision on 2025-07-01 is after the first Disappointment entry; both lows are followed by Usage.
    row = ranked(con).loc["A"]
    assert stories.challenge_sentence(row) == \
        "Entered Disappointment on 2025-10-01; back in Usage on 2025-12-09, 69 days later."


def test_a_red_composite_then_a_green_one_is_a_challenge_overcome(con) -> None:
    # Composites are the Scores page's monthly trend, each dated by the latest rating behind it.
    build(con, [*signed("R", usage="2025-08-01"), *signed("SAME_MONTH", usage="2025-08-01"),
                *signed("STALE", usage="2025-08-01")], surveys=[("STALE", None, "2026-02-10", "NPS", 4)], ratings=[
        ("R", "2026-02-01", "customer_intent", 30), ("R", "2026-02-01", "customer_education", 30),
        ("R", "2026-03-01", "customer_intent", 90), ("R", "2026-03-01", "customer_education", 90),
        # red on 02-01 but green by 02-20: February ends green, so no red composite is on record
        ("SAME_MONTH", "2026-02-01", "customer_intent", 30), ("SAME_MONTH", "2026-02-01", "customer_education", 30),
        ("SAME_MONTH", "2026-02-20", "customer_intent", 90), ("SAME_MONTH", "2026-02-20", "customer_education", 90),
        # green since 01-05 and never rated again: still green after the NPS 4 of 02-10, but no new recovery
        ("STALE", "2026-01-05", "customer_intent", 90), ("STALE", "2026-01-05", "customer_education", 90)])
    table = ranked(con)
    assert table.loc["R", "challenge"] == 1.0
    assert stories.challenge_sentence(table.loc["R"]) == \
        "Composite red (30) on 2026-02-01; composite green (90) on 2026-03-01, 28 days later."
    assert table.loc["SAME_MONTH", "challenge"] == 0.0
    assert table.loc["STALE", "challenge"] == 0.0


@pytest.mark.parametrize(("intent", "challenge"), [
    ("We replaced our legacy spreadsheets", 0.5),
    ("Switched from a competitor after a bad renewal", 0.5),
    ("Remplacer l'ancien système de tickets", 0.5),
    ("Sostituire il vecchio sistema", 0.5),
    ("Migramos de um concorrente", 0.5),
    ("Lecseréltük a régi rendszert", 0.5),
    ("替换旧系统", 0.5),
    ("Better reporting for the board", 0.0),
    (None, 0.0),
])
def test_an_intent_keyword_gives_half_a_challenge(con, intent: str | None, challenge: float) -> None:
    build(con, [*signed("I", usage="2025-08-01")], accounts=[{"account_id": "I", "name": "Ink", "intent": intent}])
    row = ranked(con).loc["I"]
    assert row["challenge"] == challenge
    if challenge:
        assert stories.challenge_sentence(row).startswith("Bought to replace a legacy process or leave a competitor")


def test_a_low_point_overcome_outranks_the_intent(con) -> None:
    build(con, [*signed("B"), ("B", "Disappointment", "2026-01-10"), ("B", "Usage", "2026-01-20")],
          accounts=[{"account_id": "B", "intent": "replace legacy tools"}])
    assert ranked(con).loc["B", "challenge"] == 1.0


# ---------------------------------------------------------------- timing T


def test_timing_percent_rank_ties_share_the_lower_rank_unknown_is_zero_and_segments_rank_apart(con) -> None:
    build(con, [
        *signed("T10a", usage="2025-07-11"), *signed("T10b", usage="2025-07-11"),   # 10 days, tied
        *signed("T20", usage="2025-07-21"), *signed("T30", usage="2025-07-31"),
        *signed("TNONE"),                                                            # no Usage yet
        ("TBEFORE", "Usage", "2025-06-15"), *signed("TBEFORE"),                     # Usage only before Decision
        *signed("SOLO", usage="2025-12-01"),                                         # alone in its tier
    ], accounts=[{"account_id": a, "tier": "Gold" if a != "SOLO" else "Solo"}
                 for a in ("T10a", "T10b", "T20", "T30", "TNONE", "TBEFORE", "SOLO")])
    table = ranked(con, segment_column="tier")
    # percent_rank over 10, 10, 20, 30: 0, 0, 2/3, 1 → T = 1, 1, 1/3, 0
    assert table.loc["T10a", "timing"] == table.loc["T10b", "timing"] == 1.0
    assert table.loc["T20", "timing"] == pytest.approx(1 / 3)
    assert table.loc["T30", "timing"] == 0.0
    assert table.loc["TNONE", "timing"] == table.loc["TBEFORE", "timing"] == 0.0
    assert pd.isna(table.loc["TNONE", "days_to_value"]) and pd.isna(table.loc["TBEFORE", "days_to_value"])
    assert table.loc["SOLO", "timing"] == 1.0 and table.loc["SOLO", "days_to_value"] == 153
    assert list(table.loc[["T10a", "T20"], "days_to_value"]) == [10, 20]
    assert stories.timing_sentence(table.loc["T20"], "tier") == (
        "Decision on 2025-07-01; in Usage on 2025-07-21, 20 days later (timing 0.333 among 4 accounts with a "
        "known time in tier Gold).")
    assert stories.timing_sentence(table.loc["TNONE"]) == \
        "Decision on 2025-07-01; no Usage entry since, so no time to value (timing 0)."
    # Without a segment column all seven rank together: 10, 10, 20, 30, 153 → SOLO last.
    overall = ranked(con)
    assert overall.loc["SOLO", "timing"] == 0.0 and overall.loc["T20", "timing"] == 0.5


# ---------------------------------------------------------------- celebration W


def test_celebration_parts_and_missing_parts_count_zero(con) -> None:
    build(con, [
        *signed("ALL", usage="2025-08-01"), ("ALL", "Advocacy", "2026-03-01"), ("ALL", "Loyalty", "2026-04-01"),
        *signed("NONE", usage="2025-08-01"),
        *signed("OUT", usage="2025-08-01"),
    ], surveys=[("ALL", None, "2026-05-01", "NPS", 9), ("OUT", None, "2026-05-01", "NPS", 8)],
        accounts=[{"account_id": "ALL", "outcome": 1.0}, {"account_id": "OUT", "outcome": 0.5},
                  {"account_id": "NONE"}])
    table = ranked(con)
    assert table.loc["ALL", "celebration"] == 1.0
    assert table.loc["NONE", "celebration"] == 0.0
    assert table.loc["OUT", "celebration"] == pytest.approx(1 / 3)    # outcome 0.5 ≥ 0.5; NPS 8 is no promoter
    assert stories.celebration_sentence(table.loc["ALL"]) == \
        "Latest NPS answer 9 on 2026-05-01; outcome achieved; reached Advocacy on 2026-03-01."
    assert stories.celebration_sentence(table.loc["NONE"]) == \
        "No NPS answer; outcome not recorded; not in Advocacy yet."


def test_the_decision_makers_latest_nps_is_preferred_when_roles_exist(con) -> None:
    build(con, [*signed("DM", usage="2025-08-01"), *signed("USR", usage="2025-08-01")], surveys=[
        ("DM", "Decision maker", "2026-01-01", "NPS", 6), ("DM", "User", "2026-05-01", "NPS", 10),
        ("USR", "User", "2026-01-01", "NPS", 3), ("USR", "User", "2026-05-01", "NPS", 9)])
    table = ranked(con)
    assert (table.loc["DM", "nps_score"], bool(table.loc["DM", "nps_promoter"])) == (6.0, False)
    assert (table.loc["USR", "nps_score"], bool(table.loc["USR", "nps_promoter"])) == (9.0, True)
    assert stories.celebration_sentence(table.loc["DM"]).startswith(
        "Latest NPS answer 6 (Decision maker) on 2026-01-01")


def test_the_quote_is_the_longest_comment_of_a_9_or_10_answer(con) -> None:
    build(con, [*signed("Q", usage="2025-08-01")], surveys=[
        ("Q", None, "2026-01-01", "NPS", 10, "Great."), ("Q", None, "2026-02-01", "NPS", 9, "They fixed it fast."),
        ("Q", None, "2026-03-01", "NPS", 8, "A much longer comment from a passive answer."),
        ("Q", None, "2026-03-02", "CSAT", 5, "A much longer comment from a CSAT answer, not NPS.")])
    assert ranked(con).loc["Q", "quote"] == "They fixed it fast."


# ---------------------------------------------------------------- recent reference


def test_a_reference_exactly_90_days_ago_counts_91_does_not(con) -> None:
    build(con, [e for a in ("R90", "R91", "OPEN", "MEET") for e in signed(a, usage="2025-08-01")], activities=[
        ("R90", "2026-04-01", "reference", True),      # 04-01 → 06-30: exactly 90 days
        ("R91", "2026-03-31", "reference", True),
        ("OPEN", "2026-06-01", "reference", False),    # planned, not done
        ("MEET", "2026-06-01", "meeting", True)])
    table = ranked(con)
    assert bool(table.loc["R90", "recent_reference"]) is True
    assert [bool(table.loc[a, "recent_reference"]) for a in ("R91", "OPEN", "MEET")] == [False, False, False]
    assert stories.reference_text(table.loc["R90"], 4) == \
        "Used as a reference on 2026-04-01 (within 90 days): ask sparingly."
    assert stories.reference_text(table.loc["R91"], 4) == "No reference given in the last 90 days."
    summary = stories.story_summary(con, SETTINGS, CONFIG)
    assert (summary["ranked"], summary["references"]) == (4, 1)
    # The page counts the rows it already has: the same summary without running the chain again.
    assert stories.summary_of(con, stories.find_stories(con, SETTINGS, CONFIG)) == summary
    behind = stories.story_accounts(con, "references", SETTINGS, CONFIG)
    assert list(behind["account_id"]) == ["R90"] and list(behind["value"]) == ["2026-04-01"]
    with pytest.raises(MetricError, match="Unknown story count 'nope'"):
        stories.story_accounts(con, "nope", SETTINGS, CONFIG)


def test_without_activities_recent_reference_is_false_and_says_so(con) -> None:
    build(con, [*signed("A", usage="2025-08-01")])
    table = ranked(con)
    assert stories.activities_count(con) == 0
    assert bool(table.loc["A", "recent_reference"]) is False
    assert stories.reference_text(table.loc["A"], 0) == "No activities loaded: reference use unknown."


# ---------------------------------------------------------------- score, order, weights, table


def test_score_by_hand_and_ties_ordered_by_account_id(con) -> None:
    build(con, [
        *signed("B2", usage="2025-07-11"), *signed("A2", usage="2025-07-11"),         # tied: 10 days each
        *signed("C3", usage="2025-07-31"),
        ("C3", "Disappointment", "2026-01-10"), ("C3", "Usage", "2026-01-12"),
    ], accounts=[{"account_id": "C3", "outcome": 1.0}])
    table = stories.find_stories(con, SETTINGS, CONFIG)
    # A2, B2: C 0, T 1 (tied first), W 0 → 30. C3: C 1, T 0 (30 days, last), W 1/3 (outcome) → 35 + 11.67.
    assert list(table["account_id"]) == ["C3", "A2", "B2"]
    assert list(table["score"].round(4)) == [46.6667, 30.0, 30.0]
    weighted = stories.find_stories(con, SETTINGS, CONFIG, stories.StoryConfig(1.0, 0.0, 0.0))
    assert list(weighted["score"]) == [100.0, 0.0, 0.0] and list(weighted["account_id"]) == ["C3", "A2", "B2"]
    halves = stories.find_stories(con, SETTINGS, CONFIG, stories.StoryConfig(0.5, 0.5, 0.0))   # ÷ 1.0
    assert list(halves["score"]) == [50.0, 50.0, 50.0]


def test_cli_table_columns_top_and_evidence(con) -> None:
    build(con, [*signed("A", usage="2025-07-11"), ("A", "Disappointment", "2026-01-10"), ("A", "Usage", "2026-01-12"),
                *signed("B", usage="2025-07-21")], surveys=[("A", None, "2026-05-01", "NPS", 10, "Saved our quarter.")],
          accounts=[{"account_id": "A", "name": "Acme"}, {"account_id": "B", "name": "Bolt"}])
    out = stories.cli_table(stories.find_stories(con, SETTINGS, CONFIG), top=1)
    assert list(out.columns) == stories.CLI_COLUMNS == [
        "account_id", "name", "score", "challenge", "timing", "celebration", "days_to_value", "evidence", "quote",
        "recent_reference"]
    row = out.iloc[0]
    assert len(out) == 1 and row["account_id"] == "A" and row["name"] == "Acme"
    # C 1, T 1 (10 days vs 20), W 1/3 (NPS 10) → 35 + 30 + 11.67 = 76.7
    assert (row["score"], row["challenge"], row["timing"], row["celebration"], row["days_to_value"]) == \
        (76.7, 1.0, 1.0, 0.333, 10)
    assert row["evidence"] == (
        "Entered Disappointment on 2026-01-10; back in Usage on 2026-01-12, 2 days later. "
        "Decision on 2025-07-01; in Usage on 2025-07-11, 10 days later (timing 1 among 2 accounts with a known "
        "time overall). Latest NPS answer 10 on 2026-05-01; outcome not recorded; not in Advocacy yet.")
    assert row["quote"] == "Saved our quarter." and not row["recent_reference"]


def test_weights_are_validated_and_kept_with_the_mapping() -> None:
    with pytest.raises(MetricError, match="At least one story weight"):
        stories.StoryConfig(0, 0, 0).validate()
    with pytest.raises(MetricError, match="Weight of timing"):
        stories.StoryConfig().with_edits(timing_weight=1.5)
    config = stories.StoryConfig().with_edits(challenge_weight=0.5)
    assert config.rule() == "score = 100 × (0.5·C + 0.3·T + 0.35·W) ÷ 1.15"
    mapping = Mapping([], {}, stories={**config.to_dict()})
    again = Mapping.from_json(mapping.to_json())
    assert stories.StoryConfig.from_dict(again.stories) == config
    assert stories.StoryConfig.from_dict(Mapping.from_dict({"version": 1, "tables": []}).stories) == \
        stories.StoryConfig()


def test_nothing_dated_is_a_clear_error(con) -> None:
    build(con, [])
    with pytest.raises(MetricError, match="No dated rows"):
        stories.find_stories(con, Settings(), CONFIG)


# ---------------------------------------------------------------- CLI on the sample company


def test_cli_stories_on_the_sample_company() -> None:
    sample = [str(p) for p in sorted(DATA.glob("*.csv"))]
    code, out, err = run("stories", *sample)
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 10 and list(rows[0]) == stories.CLI_COLUMNS
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert all(len(r["evidence"].split(". ")) >= 3 for r in rows)
    if "recent_reference is false for every account" in err:
        assert not any(r["recent_reference"] for r in rows)
    code, out, err = run("stories", *sample, "--top", "3", "--segment-col", "Tier", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == ",".join(stories.CLI_COLUMNS) and "in tier " in out
    assert len(pd.read_csv(__import__("io").StringIO(out))) == 3


def test_cli_stories_help_and_bad_arguments() -> None:
    code, out, _ = run("stories", "--help")
    assert code == 0
    for column in stories.CLI_COLUMNS:
        assert column in out
    assert "--top" in out and "--segment-col" in out
    code, _, err = run("stories", str(DATA / "accounts.csv"), "--top", "0")
    assert code == 2 and err.count("\n") == 1 and "--top" in err


# ---------------------------------------------------------------- the story slide in the account's pack


def test_add_to_meeting_pack_puts_the_story_slide_before_the_summary(sample) -> None:
    from cxlib import meeting

    table = stories.find_stories(sample.con, sample.settings, sample.score_config,
                                 warning_config=sample.warning_config, segment_column="tier")
    top = table.iloc[0]
    slide = meeting.story_slide(top, stories.activities_count(sample.con), "tier")
    pack = meeting.account_pack(sample.con, top["account_id"], sample.score_config, sample.settings, "tier",
                                extra_slides=[slide])
    titles = [s.title for s in pack.slides]
    assert titles[-2:] == [f"{meeting.STORY_TITLE}: {top['name']}", meeting.SUMMARY_TITLE]
    assert len(titles) == 6
    story = pack.slides[-2]
    assert story.bullets[0] == (f"Story score {top['score']:.1f}: challenge {top['challenge']:g}, timing "
                                f"{round(top['timing'], 2):g}, celebration {round(top['celebration'], 2):g}.")
    assert story.bullets[1:4] == stories.evidence(top, "tier")
    assert story.bullets[-1] == stories.reference_text(top, stories.activities_count(sample.con))
    assert "0.35·C" in story.notes


def test_summary_of_the_ranked_rows_equals_story_summary_on_the_sample(sample) -> None:  # type: ignore[no-untyped-def]
    args = (sample.settings, sample.score_config, sample.story_config, sample.warning_config)
    summary = stories.story_summary(sample.con, *args)
    assert stories.summary_of(sample.con, stories.find_stories(sample.con, *args)) == summary
    assert summary["ranked"] > 0 and summary["overcome"] > 0 and summary["with_days"] > 0
