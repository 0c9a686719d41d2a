"""Early warning (issue 12) on hand-made fixtures: every signal at its edges, first_signal_date, evidence,
ordering with renewals, the counts and the accounts behind them, history, respondent roles, settings.

The as-of date is 2026-06-30 (midnight). Windows: the last N days = as-of − N days ≤ t ≤ as-of.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from cxlib import canonical
from cxlib import early_warning as ew
from cxlib.early_warning.history import month_ends
from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.mapping import Mapping
from cxlib.mapping.respondent_roles import effective_role, suggest_respondent_role
from cxlib.scores import Scale, ScoreConfig, Thresholds
from cxlib.settings import Settings

AS_OF = dt.datetime(2026, 6, 30)
SETTINGS = Settings(as_of=AS_OF)
CONFIG = ScoreConfig(factors=[Factor("customer_intent", "Customer intent"),
                              Factor("customer_education", "Customer education")],
                     scales={"customer_intent": Scale.of("0-100"), "customer_education": Scale.of("0-100")})


def d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def signed(account: str, decided: str = "2025-07-01") -> list[tuple[str, str, str]]:
    """A customer's entries: Awareness and Consideration before a Decision on `decided`."""
    day = d(decided)
    return [(account, "Awareness", str((day - dt.timedelta(days=20)).date())),
            (account, "Consideration", str((day - dt.timedelta(days=10)).date())), (account, "Decision", decided)]


def build(con: duckdb.DuckDBPyConnection, events: list, surveys: list = (), ratings: list = (),
          accounts: list = ()) -> duckdb.DuckDBPyConnection:
    """Canonical tables from short rows: events (account, stage, date), surveys (account, respondent, role,
    date, type, score), ratings (account, date, factor, score), accounts (id, name, arr, renewal, tier)."""
    canonical.create_table(con, "accounts", [
        (a, n, None, arr, None, None if r is None else d(r), None, None, "acc", i + 1, tier)
        for i, (a, n, arr, r, tier) in enumerate(accounts)], [("tier", "VARCHAR")])
    canonical.create_table(con, "journey_events", [(a, s, d(t), "event", "ev", i + 1)
                                                   for i, (a, s, t) in enumerate(events)])
    canonical.create_table(con, "surveys", [(a, who, role, d(t), kind, float(score), None, None, "sv", i + 1)
                                            for i, (a, who, role, t, kind, score) in enumerate(surveys)])
    canonical.create_table(con, "factor_ratings", [(a, d(t), f, float(s), "fr", i + 1)
                                                   for i, (a, t, f, s) in enumerate(ratings)])
    return con


def flagged(con: duckdb.DuckDBPyConnection, config: ew.WarningConfig | None = None,
            settings: Settings = SETTINGS, score_config: ScoreConfig = CONFIG) -> pd.DataFrame:
    run = ew.prepare(con, config or ew.WarningConfig(), score_config, settings)
    return ew.warnings_table(con, run).set_index("account_id")


def signals(table: pd.DataFrame, account: str) -> set[str]:
    return set(table.loc[account, "signals"].split(";")) if account in table.index else set()


# ---------------------------------------------------------------- entered_disappointment


def test_entered_disappointment_exactly_90_days_in_91_out(con) -> None:
    build(con, [
        *signed("D90"), ("D90", "Disappointment", "2026-04-01"),      # 04-01 → 06-30: exactly 90 days
        *signed("D91"), ("D91", "Disappointment", "2026-03-31"),      # 91 days
        *signed("DL"), ("DL", "Disappointment", "2026-05-01"), ("DL", "Usage", "2026-05-20"),   # left it
        *signed("DR"), ("DR", "Disappointment", "2026-03-01"), ("DR", "Disappointment", "2026-04-15"),  # one visit
        ("NC", "Awareness", "2026-05-01"), ("NC", "Disappointment", "2026-06-01"),  # never signed: no customer
    ])
    table = flagged(con)
    assert signals(table, "D90") == {"entered_disappointment"}
    assert table.loc["D90", "first_signal_date"] == dt.date(2026, 4, 1)
    assert table.loc["D90", "evidence"] == ("entered_disappointment: entered Disappointment on 2026-04-01 (90 days "
                                            "before the as-of date) and has not left it")
    for account in ("D91", "DL", "DR", "NC"):
        assert "entered_disappointment" not in signals(table, account), account


def test_an_account_with_two_signals_has_both_sentences_in_signal_order(con) -> None:
    build(con, [*signed("TWO"), ("TWO", "Disappointment", "2026-04-01"), *signed("ONE"),
                ("ONE", "Disappointment", "2026-04-01")], surveys=[
        ("TWO", "Ann", None, "2026-05-01", "NPS", 7), ("TWO", "Ann", None, "2026-06-01", "NPS", 6),
    ])
    table = flagged(con)
    assert table.loc["TWO", "signals"] == "entered_disappointment;nps_drop"
    assert table.loc["TWO", "evidence"] == (
        "entered_disappointment: entered Disappointment on 2026-04-01 (90 days before the as-of date) and has "
        "not left it; nps_drop: latest NPS answer 6 on 2026-06-01 (detractor) after 7 on 2026-05-01 (passive)")
    assert table.loc["ONE", "evidence"] == ("entered_disappointment: entered Disappointment on 2026-04-01 (90 days "
                                            "before the as-of date) and has not left it")


# ---------------------------------------------------------------- score_drop


def test_score_drop_exactly_10_points_in_9_9_out(con) -> None:
    build(con, [*signed("S10", "2026-01-02"), *signed("S99", "2026-01-02")], ratings=[
        ("S10", "2026-03-15", "customer_intent", 80), ("S10", "2026-03-15", "customer_education", 80),
        ("S10", "2026-05-10", "customer_intent", 70), ("S10", "2026-05-10", "customer_education", 70),
        ("S99", "2026-03-15", "customer_intent", 80), ("S99", "2026-03-15", "customer_education", 80),
        ("S99", "2026-05-10", "customer_intent", 70.2), ("S99", "2026-05-10", "customer_education", 70),
    ])
    table = flagged(con)
    assert signals(table, "S10") == {"score_drop"}
    # Until its first rating of the quarter (05-10) the composite is Q1's 80: the fall starts that day.
    assert table.loc["S10", "first_signal_date"] == dt.date(2026, 5, 10)
    assert table.loc["S10", "evidence"] == ("score_drop: engagement composite fell 10.0 points, from 80.0 (period from "
                                            "2026-01-01) to 70.0 (period from 2026-04-01)")
    assert "S99" not in table.index        # (70.2 + 70) / 2 = 70.1: a 9.9-point fall


def test_score_drop_needs_the_minimum_coverage_in_both_periods(con) -> None:
    build(con, [*signed("SC", "2026-01-02")], ratings=[
        ("SC", "2026-03-15", "customer_intent", 90),                   # Q1: half the weight rated
        ("SC", "2026-05-10", "customer_intent", 70), ("SC", "2026-05-10", "customer_education", 70),
    ])
    assert signals(flagged(con), "SC") == {"score_drop"}                # coverage 0.5 ≥ 0.5: a 20-point fall
    strict = replace(CONFIG, thresholds=Thresholds(50, 75, 0.6))
    assert "SC" not in flagged(con, score_config=strict).index


def test_score_drop_since_is_the_day_the_fall_reached_the_threshold(con) -> None:
    build(con, [*signed("SR", "2026-01-02")], ratings=[
        ("SR", "2026-03-15", "customer_intent", 80), ("SR", "2026-03-15", "customer_education", 80),   # Q1: 80
        ("SR", "2026-05-01", "customer_intent", 75),       # (75 + 80) / 2 = 77.5: a 2.5-point fall, no drop yet
        ("SR", "2026-05-20", "customer_education", 65),    # (75 + 65) / 2 = 70: a 10-point fall from today on
    ])
    table = flagged(con)
    assert signals(table, "SR") == {"score_drop"}
    assert table.loc["SR", "first_signal_date"] == dt.date(2026, 5, 20)      # not the first rating (05-01)


def test_score_drop_since_restarts_when_the_fall_dips_below_the_threshold(con) -> None:
    build(con, [*signed("SB", "2026-01-02")], ratings=[
        ("SB", "2026-03-15", "customer_intent", 80), ("SB", "2026-03-15", "customer_education", 80),   # Q1: 80
        ("SB", "2026-04-10", "customer_intent", 60),        # (60 + 80) / 2 = 70: a 10-point fall
        ("SB", "2026-05-05", "customer_intent", 62),        # (62 + 80) / 2 = 71: 9 points, the run breaks
        ("SB", "2026-06-01", "customer_education", 76),     # (62 + 76) / 2 = 69: 11 points again
    ])
    table = flagged(con)
    assert signals(table, "SB") == {"score_drop"}
    assert table.loc["SB", "first_signal_date"] == dt.date(2026, 6, 1)       # the return, not 04-10


def test_score_drop_since_is_the_first_rating_when_it_held_from_there(con) -> None:
    build(con, [*signed("SF", "2026-01-02")], ratings=[
        ("SF", "2026-03-15", "customer_intent", 80), ("SF", "2026-03-15", "customer_education", 80),   # Q1: 80
        ("SF", "2026-04-03", "customer_intent", 60),        # (60 + 80) / 2 = 70: 10 points from the first rating
        ("SF", "2026-05-12", "customer_education", 70),     # (60 + 70) / 2 = 65: 15 points, still held
    ])
    table = flagged(con)
    assert signals(table, "SF") == {"score_drop"}
    assert table.loc["SF", "first_signal_date"] == dt.date(2026, 4, 3)


def test_score_drop_since_breaks_while_coverage_is_below_the_minimum(con) -> None:
    build(con, [*signed("SV", "2026-01-02")], ratings=[
        ("SV", "2026-03-15", "customer_intent", 80), ("SV", "2026-03-15", "customer_education", 80),   # Q1: 80
        ("SV", "2026-04-05", "customer_intent", 60),        # (60 + 80) / 2 = 70, coverage 1: 10 points
        ("SV", "2026-06-10", "customer_education", 60),     # 60, coverage 1: 20 points
    ])
    # Education's 03-15 rating is valid for 30 days (Q1's snapshot on 03-31 still has it): from 04-14
    # (one microsecond after 03-15 + 30 days) until 06-10 only intent is rated, coverage 0.5.
    max_age = replace(CONFIG, max_age_days={"customer_education": 30})
    assert flagged(con, score_config=max_age).loc["SV", "first_signal_date"] == dt.date(2026, 4, 5)   # 0.5 ≥ 0.5
    strict = replace(max_age, thresholds=Thresholds(50, 75, 0.6))
    table = flagged(con, score_config=strict)
    assert signals(table, "SV") == {"score_drop"}
    assert table.loc["SV", "first_signal_date"] == dt.date(2026, 6, 10)   # coverage 0.5 < 0.6 broke the run


# ---------------------------------------------------------------- nps_drop


def test_nps_drop_from_passive_to_detractor_not_detractor_to_detractor(con) -> None:
    build(con, [*signed("NT"), *signed("NS")], surveys=[
        ("NT", "Ann", None, "2026-05-01", "NPS", 7), ("NT", "Ann", None, "2026-06-01", "NPS", 6),
        ("NS", "Bo", None, "2026-05-01", "NPS", 6), ("NS", "Bo", None, "2026-06-01", "NPS", 6),
    ])
    table = flagged(con)
    assert signals(table, "NT") == {"nps_drop"}
    assert table.loc["NT", "first_signal_date"] == dt.date(2026, 6, 1)
    assert table.loc["NT", "evidence"] == ("nps_drop: latest NPS answer 6 on 2026-06-01 (detractor) after 7 on "
                                           "2026-05-01 (passive)")
    assert "NS" not in table.index


def test_nps_drop_over_windows_needs_3_answers_in_each(con) -> None:
    before = [("2025-08-01", 10), ("2025-09-01", 10), ("2025-10-01", 10)]     # NPS 100 (3 answers)
    build(con, [*signed("N3", "2025-07-01"), *signed("N2", "2025-07-01")], surveys=[
        *[("N3", "Ann", None, t, "NPS", s) for t, s in before],
        ("N3", "Ann", None, "2026-02-01", "NPS", 6), ("N3", "Ann", None, "2026-03-01", "NPS", 9),
        ("N3", "Ann", None, "2026-04-01", "NPS", 9),                              # NPS 33 (3 answers): −67
        *[("N2", "Bo", None, t, "NPS", s) for t, s in before],
        ("N2", "Bo", None, "2026-03-01", "NPS", 6), ("N2", "Bo", None, "2026-04-01", "NPS", 9),  # 2 answers only
    ])
    table = flagged(con)
    assert signals(table, "N3") == {"nps_drop"}
    # On 03-01 the last 180 days held Oct, Feb, Mar but the 180 before only Aug, Sep (2); from 03-30 Oct is in
    # the earlier window and the last one holds 2; from 04-01 both hold 3: the fall holds since 04-01.
    assert table.loc["N3", "first_signal_date"] == dt.date(2026, 4, 1)
    assert table.loc["N3", "evidence"] == ("nps_drop: NPS 33 over the last 180 days (3 answers) against 100 the "
                                           "180 days before (3 answers)")
    assert "N2" not in table.index


def test_nps_drop_of_exactly_30_points_with_an_answer_exactly_180_days_back(con) -> None:
    before = [("2025-08-01", 10), ("2025-09-01", 10), ("2025-10-01", 10)]     # NPS 100 (3 answers)
    # 2026-01-01 is as-of − 180 days: in the last 180 days. Then 7 promoters, a passive, a promoter last.
    recent = [("2026-01-01", 6), *[(f"2026-0{m}-0{d}", 10) for m, d in ((2, 1), (2, 2), (3, 1), (3, 2), (4, 1),
                                                                         (4, 2), (5, 1))],
              ("2026-05-02", 8), ("2026-06-01", 10)]                       # 8 P, 1 D, 1 passive: NPS 70
    short = [("2026-02-01", 10), ("2026-03-01", 10), ("2026-04-01", 10), ("2026-04-02", 10), ("2026-05-01", 10),
             ("2026-05-02", 8), ("2026-06-01", 8)]                          # 5 P, 2 passives: NPS 71.4
    build(con, [*signed("E30", "2025-07-01"), *signed("E29", "2025-07-01")], surveys=[
        *[("E30", "Ann", None, t, "NPS", s) for t, s in before + recent],
        *[("E29", "Bo", None, t, "NPS", s) for t, s in before + short],
    ])
    table = flagged(con)
    assert signals(table, "E30") == {"nps_drop"}                  # exactly 30 points below: flagged
    assert table.loc["E30", "evidence"] == ("nps_drop: NPS 70 over the last 180 days (10 answers) against 100 the "
                                            "180 days before (3 answers)")
    assert "E29" not in table.index                               # 28.6 points below: not flagged


# ---------------------------------------------------------------- csat_drop


def test_csat_below_70_percent_with_5_answers_not_4(con) -> None:
    build(con, [*signed("C5"), *signed("C4"), *signed("C7")], surveys=[
        *[("C5", "Ann", None, t, "CSAT", s) for t, s in
          [("2026-04-01", 5), ("2026-05-01", 5), ("2026-05-15", 5), ("2026-06-01", 2), ("2026-06-15", 2)]],
        ("C4", "Bo", None, "2026-03-31", "CSAT", 1),                   # 91 days before: outside the window
        *[("C4", "Bo", None, t, "CSAT", s) for t, s in
          [("2026-04-01", 5), ("2026-05-01", 5), ("2026-06-01", 2), ("2026-06-15", 2)]],
        *[("C7", "Cy", None, f"2026-06-{10 + i:02d}", "CSAT", 5 if i < 7 else 1) for i in range(10)],  # exactly 70 %
    ])
    table = flagged(con)
    assert signals(table, "C5") == {"csat_drop"}
    assert table.loc["C5", "evidence"] == "csat_drop: CSAT 60% over the last 90 days (5 answers), below 70%"
    assert table.loc["C5", "first_signal_date"] == dt.date(2026, 6, 15)     # the 5th answer of the window
    assert "C4" not in table.index and "C7" not in table.index


def test_csat_fall_of_20_points_with_5_answers_in_each_window(con) -> None:
    build(con, [*signed("CF")], surveys=[
        *[("CF", "Ann", None, t, "CSAT", 5) for t in ("2026-01-10", "2026-01-20", "2026-02-01", "2026-02-10",
                                                       "2026-02-20")],
        *[("CF", "Ann", None, t, "CSAT", s) for t, s in
          [("2026-04-10", 5), ("2026-04-20", 5), ("2026-05-01", 5), ("2026-05-10", 5), ("2026-05-20", 2)]],
    ])
    table = flagged(con)
    assert signals(table, "CF") == {"csat_drop"}
    assert table.loc["CF", "evidence"] == ("csat_drop: CSAT 80% over the last 90 days (5 answers), against 100% "
                                           "the 90 days before (5 answers)")
    # On 05-20 the last 90 days still held 02-20 (6 answers, 83 %) and the 90 before only 4; just after
    # 02-20 + 90 days (05-21) both windows hold 5.
    assert table.loc["CF", "first_signal_date"] == dt.date(2026, 5, 21)


# ---------------------------------------------------------------- stalled


def _pace_company(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """P1–P4 went Delivery → Usage in 10, 20, 20, 20 days (p90 by quantile_cont: 20, a tie); ST20 and ST21
    sit in Delivery since 20 and 21 days before the as-of date. P1, P2 and ST20 are Gold, P3, P4 Silver."""
    events = []
    for account, days in (("P1", 10), ("P2", 20), ("P3", 20), ("P4", 20)):
        events += [*signed(account, "2025-01-03"), (account, "Delivery", "2025-01-04"),
                   (account, "Usage", str((d("2025-01-04") + dt.timedelta(days=days)).date()))]
    events += [*signed("ST20", "2026-06-09"), ("ST20", "Delivery", "2026-06-10"),
               *signed("ST21", "2026-06-08"), ("ST21", "Delivery", "2026-06-09")]
    tiers = {"P1": "Gold", "P2": "Gold", "P3": "Silver", "P4": "Silver", "ST20": "Gold", "ST21": "Silver"}
    return build(con, events, accounts=[(a, a, None, None, t) for a, t in tiers.items()])


def test_stalled_strictly_beyond_the_p90_with_ties(con) -> None:
    _pace_company(con)
    table = flagged(con)
    assert "stalled" not in signals(table, "ST20")                    # exactly 20 days: not longer
    assert signals(table, "ST21") == {"stalled"}
    assert table.loc["ST21", "first_signal_date"] == dt.date(2026, 6, 29)   # 06-09 + 20 days
    assert table.loc["ST21", "evidence"] == ("stalled: in Delivery since 2026-06-09 (21 days), longer than the p90 "
                                             "of 20.0 days to reach Usage (4 accounts converted)")
    an_hour_later = flagged(con, settings=Settings(as_of=dt.datetime(2026, 6, 30, 1)))
    assert "stalled" in signals(an_hour_later, "ST20")


def test_stalled_uses_the_segment_p90_only_from_the_minimum_n(con) -> None:
    _pace_company(con)
    by_tier = ew.WarningConfig(stalled_by="tier")
    # Gold's p90 from 10 and 20 days is 19: ST20's 20 days are longer, once Gold's 2 converters are enough.
    gold = flagged(con, by_tier, Settings(as_of=AS_OF, min_n=2))
    assert "stalled" in signals(gold, "ST20")
    assert "p90 of 19.0 days to reach Usage (2 accounts converted)" in gold.loc["ST20", "evidence"]
    overall = flagged(con, by_tier, Settings(as_of=AS_OF, min_n=3))     # below the minimum n: overall p90 20
    assert "stalled" not in signals(overall, "ST20")


# ---------------------------------------------------------------- silent


def test_silent_after_more_than_120_days(con) -> None:
    build(con, [*signed("SL120", "2026-01-01"), *signed("SL121", "2026-01-01"), *signed("SR", "2026-01-01")],
          surveys=[("SL120", "Ann", None, "2026-03-02", "CES", 5),    # 120 days before: still in
                   ("SL121", "Bo", None, "2026-03-01", "CES", 5)],    # 121 days
          ratings=[("SR", "2026-06-01", "customer_intent", 80)])
    table = flagged(con)
    assert "SL120" not in table.index and "SR" not in table.index
    assert signals(table, "SL121") == {"silent"}
    assert table.loc["SL121", "first_signal_date"] == dt.date(2026, 6, 29)  # 03-01 + 120 days, just after
    assert table.loc["SL121", "evidence"] == ("silent: no survey answer, rating, journey entry or activity since 2026-03-01 "
                                              "(121 days, more than 120)")


def test_silent_counts_an_activity_that_happened_not_an_open_task(con) -> None:
    build(con, [*signed("CALLED", "2026-01-01"), *signed("TASKED", "2026-01-01")],
          surveys=[("CALLED", "Ann", None, "2026-02-01", "CES", 5), ("TASKED", "Bo", None, "2026-03-01", "CES", 5)])
    canonical.create_table(con, "activities", [
        {"account_id": "CALLED", "ts": d("2026-03-02"), "activity_type": "call", "initiated_by": "provider",
         "done": True, "source": "act", "source_row": 2},                        # 120 days before: contact
        {"account_id": "TASKED", "ts": d("2026-06-20"), "activity_type": "task", "initiated_by": "provider",
         "done": False, "source": "act", "source_row": 3}])                      # an open task: no contact
    table = flagged(con)          # with activities loaded, neither has held a QBR: missed_qbr holds for both
    assert signals(table, "CALLED") == {"missed_qbr"}
    assert signals(table, "TASKED") == {"silent", "missed_qbr"}
    assert ("silent: no survey answer, rating, journey entry or activity since 2026-03-01 (121 days, more than 120)"
            in table.loc["TASKED", "evidence"])


# ---------------------------------------------------------------- decision_maker_detractor


def test_decision_maker_or_executive_detractor_against_the_others_mean(con) -> None:
    build(con, [*signed("DM"), *signed("EX"), *signed("DB")], surveys=[
        ("DM", "Ann", "Utilisateur", "2026-01-10", "NPS", 8), ("DM", "Ann", "Utilisateur", "2026-03-01", "NPS", 6),
        ("DM", "Bo", "User", "2026-02-01", "NPS", 8), ("DM", "Cy", "Decision maker", "2026-05-01", "NPS", 5),
        ("EX", "Di", "Usuário", "2026-02-01", "NPS", 9), ("EX", "Ed", "CEO", "2026-05-01", "NPS", 4),
        ("DB", "Gu", "User", "2026-02-01", "NPS", 7), ("DB", "Fa", "User", "2026-02-02", "NPS", 6),
        ("DB", "Ho", "Décideur", "2026-05-01", "NPS", 5),
    ])
    table = flagged(con)
    # Others' latest answers: Ann 6, Bo 8 → mean 7.0 (≥ 7: in).
    assert signals(table, "DM") == {"decision_maker_detractor"}
    assert table.loc["DM", "first_signal_date"] == dt.date(2026, 5, 1)
    assert table.loc["DM", "evidence"] == ("decision_maker_detractor: Decision maker answered NPS 5 on 2026-05-01 "
                                           "(detractor) while the latest answers of 2 other respondents average 7.0")
    assert "decision_maker_detractor" in signals(table, "EX")        # an executive (CEO) counts too
    assert "DB" not in table.index   # others 7 and 6: mean 6.5 (and 6 → 5 is no turn to detractor)
    # A role mapped away is no longer a decision maker.
    assert "decision_maker_detractor" not in signals(flagged(con, ew.WarningConfig(role_map={"CEO": None})), "EX")


# ---------------------------------------------------------------- order, first signal, empty case


def test_order_renewals_within_180_days_first_then_signals_arr_id(con) -> None:
    build(con, [*[e for a in ("R1", "R2", "R3", "R5", "R6", "R7") for e in signed(a, "2025-01-01")],
                *signed("R4", "2025-01-01"), ("R4", "Disappointment", "2026-05-01")],
          surveys=[("R4", "Ann", None, "2026-04-01", "NPS", 7), ("R4", "Ann", None, "2026-05-02", "NPS", 3)],
          accounts=[("R1", "One", 10.0, "2026-12-27", None),        # as-of + 180 days: in
                    ("R2", "Two", 5.0, "2026-07-15", None),
                    ("R3", "Three", 1000.0, "2026-12-28", None),    # 181 days: out
                    ("R4", "Four", 1.0, None, None), ("R5", "Five", 500.0, None, None),
                    ("R6", "Six", None, None, None), ("R7", "Seven", 500.0, None, None)])
    run = ew.prepare(con, ew.WarningConfig(), CONFIG, SETTINGS)
    table = ew.warnings_table(con, run)
    assert list(table["account_id"]) == ["R2", "R1", "R4", "R3", "R5", "R7", "R6"]
    assert list(table["renews_soon"]) == [True, True, False, False, False, False, False]
    r4 = table.set_index("account_id").loc["R4"]
    assert r4["signals"] == "entered_disappointment;nps_drop"
    assert r4["first_signal_date"] == dt.date(2026, 5, 1)          # the earlier of 05-01 and 05-02
    assert list(ew.cli_table(table).columns) == ["account_id", "name", "arr", "renewal_date", "signals",
                                                 "first_signal_date", "evidence"]
    assert ew.cli_table(table)["renewal_date"].iloc[0] == "2026-07-15"


def test_renewal_on_the_as_of_day_is_soon_when_the_as_of_has_a_time_of_day(con) -> None:
    build(con, [e for a in ("T0", "T180", "T181", "TB") for e in signed(a, "2025-01-01")],
          accounts=[("T0", "Today", 1.0, "2026-06-30", None),          # the as-of day itself, 15:00 later
                    ("T180", "Edge", 1.0, "2026-12-27", None),        # 180 calendar days after the as-of day
                    ("T181", "Late", 9.0, "2026-12-28", None),        # 181: out
                    ("TB", "Before", 9.0, "2026-06-29", None)])       # the day before: out
    settings = Settings(as_of=dt.datetime(2026, 6, 30, 15, 0))
    run = ew.prepare(con, ew.WarningConfig(), CONFIG, settings)
    table = ew.warnings_table(con, run)
    assert list(table["account_id"]) == ["T0", "T180", "T181", "TB"]
    assert list(table["renews_soon"]) == [True, True, False, False]


def test_counts_and_arr_per_signal_equal_their_lists(con) -> None:
    test_order_renewals_within_180_days_first_then_signals_arr_id(con)
    run = ew.prepare(con, ew.WarningConfig(), CONFIG, SETTINGS)
    summary = ew.signal_summary(con, run).set_index("signal")
    assert summary.loc["silent", "accounts"] == 6 and summary.loc["silent", "arr"] == 2015.0
    assert summary.loc["entered_disappointment", "accounts"] == 1 and summary.loc["csat_drop", "accounts"] == 0
    assert summary.loc["any signal", "accounts"] == 7 and summary.loc["any signal", "arr"] == 2016.0
    for signal, row in summary.iterrows():
        behind = ew.signal_accounts(con, run, signal)
        assert len(behind) == row["accounts"], signal
        assert behind["arr"].sum() == row["arr"], signal
    assert ew.customers_count(con, run) == len(ew.customer_accounts(con, run)) == 7
    # the one list shape of cxlib.behind: id, name, segment columns, ARR, value (the evidence), then since
    silent = ew.signal_accounts(con, run, "silent")
    assert list(silent.columns[:2]) == ["account_id", "name"] and list(silent.columns[-3:]) == ["arr", "value", "since"]
    assert list(ew.customer_accounts(con, run)["value"]).count("flagged") == 7
    with pytest.raises(MetricError, match="Unknown signal"):
        ew.signal_accounts(con, run, "grumpy")


def test_nothing_flagged_is_an_empty_table_with_the_columns(con) -> None:
    build(con, [*signed("OK", "2026-06-01")])
    table = ew.warnings_table(con, ew.prepare(con, settings=SETTINGS))
    assert table.empty and list(table.columns) == ew.TABLE_COLUMNS


def test_history_evaluates_each_month_end(con) -> None:
    build(con, [*signed("H", "2026-01-01")], surveys=[("H", "Ann", None, "2026-02-15", "CES", 5)])
    assert month_ends(AS_OF, 3) == [("2026-04", dt.datetime(2026, 4, 30, 23, 59, 59, 999999), False),
                                    ("2026-05", dt.datetime(2026, 5, 31, 23, 59, 59, 999999), False),
                                    ("2026-06", AS_OF, True)]
    history = ew.flagged_by_month(con, ew.WarningConfig(), CONFIG, SETTINGS, months=3)
    # Last heard of on 02-15: silent after 06-15, so flagged at the end of June only.
    assert list(history["flagged"]) == [0, 0, 1] and list(history["customers"]) == [1, 1, 1]
    assert list(history["partial"]) == [False, False, True]
    assert len(ew.month_accounts(con, AS_OF, ew.WarningConfig(), CONFIG, SETTINGS)) == 1


# ---------------------------------------------------------------- roles and settings


@pytest.mark.parametrize("value, role", [
    ("Decision maker", "decision maker"), ("Décideur", "decision maker"), ("decisore", "decision maker"),
    ("Tomador de decisão", "decision maker"), ("döntéshozó", "decision maker"), ("决策者", "decision maker"),
    ("CEO", "executive"), ("Directeur général", "executive"), ("Dirigente", "executive"), ("Diretor", "executive"),
    ("Vezérigazgató", "executive"), ("高管", "executive"),
    ("User", "user"), ("Utilisateur", "user"), ("utente finale", "user"), ("Usuário", "user"),
    ("Felhasználó", "user"), ("用户", "user"), ("Endnutzer", None), ("", None)])
def test_respondent_roles_in_six_languages(value: str, role: str | None) -> None:
    assert suggest_respondent_role(value) == role


def test_the_role_map_overrides_the_suggestion() -> None:
    assert effective_role("Sponsor", {}) == "decision maker"
    assert effective_role("Sponsor", {"Sponsor": "user"}) == "user"
    assert effective_role("Sponsor", {"Sponsor": None}) is None


def test_settings_are_kept_with_the_mapping_and_checked() -> None:
    config = ew.WarningConfig().with_edits(silent_days=60, csat_below=0.8, role_map={"Boss": "executive"})
    mapping = Mapping(tables=[], stage_map={}, warnings=config.to_dict())
    again = Mapping.from_json(mapping.to_json())
    assert ew.WarningConfig.from_dict(again.warnings) == config
    assert Mapping.from_dict({"version": 1}).warnings == {}          # an older mapping file loads
    with pytest.raises(MetricError, match="Silent for more than"):
        ew.WarningConfig().with_edits(silent_days=0)
    with pytest.raises(MetricError, match="'Boss' is mapped to 'boss'"):
        ew.WarningConfig().with_edits(role_map={"Boss": "boss"})


def test_each_months_count_equals_its_list(con) -> None:
    test_order_renewals_within_180_days_first_then_signals_arr_id(con)
    history = ew.flagged_by_month(con, ew.WarningConfig(), CONFIG, SETTINGS, months=3)
    # Six were silent all along (signed 2025-01-01, nothing since). At April's end R4 had answered on 04-01
    # (not silent) and was not yet in Disappointment (05-01): 6, then 7.
    assert list(history["flagged"]) == [6, 7, 7]
    for at, n in zip(history["at"], history["flagged"]):
        assert len(ew.month_accounts(con, at.to_pydatetime(), ew.WarningConfig(), CONFIG, SETTINGS)) == n


def test_a_customer_known_only_from_the_accounts_table(con) -> None:
    build(con, [("X", "Awareness", "2026-06-30")])    # X, a lead, dates the data
    canonical.create_table(con, "accounts", [
        ("U1", "Quiet Co", "Usage", 10.0, None, None, None, None, "acc", 1),
        ("U2", "Gone Co", "Usage", 20.0, None, None, None, None, "acc", 2, True),      # flagged churned
        ("U3", "Lead Co", "Consideration", 30.0, None, None, None, None, "acc", 3)])
    table = flagged(con)
    assert list(table.index) == ["U1"]
    assert table.loc["U1", "evidence"] == "silent: no dated survey answer, rating, journey entry or activity at all"
    assert table.loc["U1", "first_signal_date"] is None


def test_the_list_and_summary_work_after_an_unfinished_result_on_the_connection(con) -> None:
    """DuckDB 2 refuses to register a frame while a fetchone() left a result open; the list reads the
    evaluated rows as parameters instead, so any earlier query (an as-of read) cannot break it."""
    build(con, [*signed("D90"), ("D90", "Disappointment", "2026-04-01")])
    run = ew.prepare(con, ew.WarningConfig(), CONFIG, SETTINGS)
    assert len(ew.signal_rows(con, run)) == 1                     # evaluated once, kept in the run
    con.execute("SELECT 1 UNION ALL SELECT 2").fetchone()          # a result left unfinished
    assert list(ew.warnings_table(con, run)["account_id"]) == ["D90"]
    con.execute("SELECT 1 UNION ALL SELECT 2").fetchone()
    assert ew.signal_summary(con, run).set_index("signal").loc["any signal", "accounts"] == 1
