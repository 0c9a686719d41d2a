"""NPS, CSAT and CES on small literal survey tables with hand-computed expectations."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from scipy import stats as sst

from cxlib import canonical, surveys
from cxlib.errors import MetricError
from cxlib.settings import Settings

D = dt.datetime
NPS_COLS = ["n", "promoters", "passives", "detractors", "nps", "moe95", "low_n", "rejected"]


def answer(account: str | None, score: float | None, day: D, kind: str = "NPS", *, role: str | None = None,
           stage: str | None = None, row: int = 0) -> dict:
    """One survey row of the canonical surveys view."""
    return {"account_id": account, "respondent": f"{account}-{row}", "respondent_role": role, "ts": day,
            "survey_type": kind, "score": score, "stage": stage, "source": "surveys.csv", "source_row": row}


def frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    """A literal expected frame with the metric's dtypes (counts int64, flags bool)."""
    df = pd.DataFrame(rows, columns=columns)
    for c in df.columns:
        if c in ("n", "promoters", "passives", "detractors", "rejected", "satisfied"):
            df[c] = df[c].astype("int64")
        if c in ("nps", "moe95", "csat", "ci_low", "ci_high", "mean", "sd"):
            df[c] = df[c].astype(float)
    return df


def check(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert_frame_equal(result.reset_index(drop=True), expected, check_exact=False, rtol=1e-4, atol=1e-4)


# The known answer: 9,9,10,7,8,6,3,10,9,5 → 5 promoters, 2 passives, 3 detractors, NPS 20,
# moe95 = 1.96 × 100 × √((0.8 − 0.04)/10) = 54.03. A blank is no response; 11, −1 and 7.5 are
# rejected and counted; a CSAT row of 11 belongs to another survey and is not looked at.
KNOWN = [9, 9, 10, 7, 8, 6, 3, 10, 9, 5]


@pytest.fixture
def known(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    rows = [answer(f"A{i}", s, D(2024, 1, i + 1), row=i) for i, s in enumerate(KNOWN)]
    rows += [answer("B", None, D(2024, 2, 1), row=20), answer("B", 11, D(2024, 2, 2), row=21),
             answer("B", -1, D(2024, 2, 3), row=22), answer("B", 7.5, D(2024, 2, 4), row=23),
             answer("B", 11, D(2024, 2, 5), kind="CSAT", row=24)]
    canonical.create_table(con, canonical.SURVEYS, rows)
    return con


def test_nps_known_fixture(known: duckdb.DuckDBPyConnection) -> None:
    expected = frame([[10, 5, 2, 3, 20.0, 54.0335, True, 3]], NPS_COLS)
    check(surveys.nps(known), expected)
    assert surveys.nps(known)["nps"].iloc[0] == 20.0  # exact, not 20.000000000000004


def test_nps_low_n_follows_settings(known: duckdb.DuckDBPyConnection) -> None:
    assert not surveys.nps(known, settings=Settings(min_n=10))["low_n"].iloc[0]
    assert surveys.nps(known, settings=Settings(min_n=11))["low_n"].iloc[0]


def test_nps_survey_type_is_case_insensitive(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.SURVEYS, [answer("A", 10, D(2024, 1, 1), kind=" nps ")])
    check(surveys.nps(con), frame([[1, 1, 0, 0, 100.0, 0.0, True, 0]], NPS_COLS))


def test_nps_nothing_answered_is_one_empty_row(con: duckdb.DuckDBPyConnection) -> None:
    result = surveys.nps(con)
    assert result[["n", "promoters", "rejected"]].iloc[0].tolist() == [0, 0, 0]
    assert math.isnan(result["nps"].iloc[0]) and math.isnan(result["moe95"].iloc[0])
    assert surveys.nps(con, by="respondent_role").empty


@pytest.fixture
def big_account(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """BIG answers five times (all 10); S2's latest answer is 5 though an older one is 10;
    S4 answers twice at the same instant (row 11, a 9, is the later row); one answer has no account."""
    rows = [answer("BIG", 10, D(2024, 1, d), row=d) for d in range(1, 6)]
    rows += [answer("S1", 3, D(2024, 1, 2), row=6), answer("S2", 5, D(2024, 1, 3), row=7),
             answer("S2", 10, D(2024, 1, 1), row=8), answer("S3", 8, D(2024, 1, 4), row=9),
             answer("S4", 2, D(2024, 1, 5), row=10), answer("S4", 9, D(2024, 1, 5), row=11),
             answer(None, 10, D(2024, 1, 6), row=12)]
    canonical.create_table(con, canonical.SURVEYS, rows)
    return con


def test_nps_response_level_counts_every_answer(big_account: duckdb.DuckDBPyConnection) -> None:
    # 12 answers: promoters 10×5, 10 (S2 old), 9, 10 (no account) = 8; passive 8; detractors 3, 5, 2
    # NPS = 100 × 5/12 = 41.667; moe95 = 196 × √((11/12 − (5/12)²)/12) = 48.773
    expected = frame([[12, 8, 1, 3, 41.6667, 48.7726, True, 0]], NPS_COLS)
    check(surveys.nps(big_account), expected)


def test_nps_account_level_counts_each_accounts_latest_answer(big_account: duckdb.DuckDBPyConnection) -> None:
    # BIG 10 (P), S1 3 (D), S2 5 (D), S3 8 (passive), S4 9 (P, later row) → n 5, NPS 0,
    # moe95 = 196 × √(0.8/5) = 78.4; the answer without an account is left out
    expected = frame([[5, 2, 1, 2, 0.0, 78.4, True, 0]], NPS_COLS)
    check(surveys.nps(big_account, level="account"), expected)


def test_nps_unknown_level_is_refused(big_account: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(MetricError, match="Unknown level 'contact'"):
        surveys.nps(big_account, level="contact")  # type: ignore[arg-type]


def test_nps_by_respondent_role(con: duckdb.DuckDBPyConnection) -> None:
    rows = [answer("A", 10, D(2024, 1, 1), role="Decision maker", row=1),
            answer("A", 9, D(2024, 1, 2), role="Decision maker", row=2),
            answer("A", 4, D(2024, 1, 3), role="User", row=3),
            answer("B", 8, D(2024, 1, 4), role="User", row=4),
            answer("B", 12, D(2024, 1, 5), role="User", row=5),
            answer("C", 6, D(2024, 1, 6), role=None, row=6)]
    canonical.create_table(con, canonical.SURVEYS, rows)
    expected = frame([
        ["Decision maker", 2, 2, 0, 0, 100.0, 0.0, True, 0],
        ["User", 2, 0, 1, 1, -50.0, 196 * math.sqrt((0.5 - 0.25) / 2), True, 1],
        ["(none)", 1, 0, 0, 1, -100.0, 0.0, True, 0],
    ], ["segment", *NPS_COLS])
    check(surveys.nps(con, by="respondent_role"), expected)


def test_nps_by_stage_uses_row_stage_else_stage_at_answer_time(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, [
        ("A", "Delivery", D(2024, 1, 1), "event", "ev.csv", 1),
        ("A", "Usage", D(2024, 3, 1), "event", "ev.csv", 2),
        # B enters Decision and Delivery at the same instant: the later stage holds
        ("B", "Delivery", D(2024, 1, 1), "event", "ev.csv", 3),
        ("B", "Decision", D(2024, 1, 1), "event", "ev.csv", 4),
    ])
    canonical.create_table(con, canonical.SURVEYS, [
        answer("A", 9, D(2024, 2, 1), row=1),                    # in Delivery since Jan 1
        answer("A", 3, D(2024, 3, 1), row=2),                    # entered Usage that very instant
        answer("A", 10, D(2024, 2, 15), stage="Loyalty", row=3),  # the row names its stage
        answer("B", 7, D(2024, 1, 1), row=4),                    # the tie → Delivery
        answer("A", 10, D(2023, 12, 1), row=5),                  # before any journey entry
        answer("C", 2, D(2024, 5, 1), row=6),                    # no journey at all
        answer("A", 8, D(2024, 3, 5), stage="Support ticket", row=7),  # a touchpoint, not a stage
    ])
    expected = frame([
        ["Delivery", 2, 1, 1, 0, 50.0, 196 * math.sqrt((0.5 - 0.25) / 2), True, 0],
        ["Usage", 2, 0, 1, 1, -50.0, 196 * math.sqrt((0.5 - 0.25) / 2), True, 0],
        ["Loyalty", 1, 1, 0, 0, 100.0, 0.0, True, 0],
        ["(none)", 2, 1, 0, 1, 0.0, 196 * math.sqrt(1 / 2), True, 0],
    ], ["segment", *NPS_COLS])
    check(surveys.nps(con, by="stage"), expected)
    by_touchpoint = surveys.nps(con, by="touchpoint")
    assert by_touchpoint[["segment", "n"]].values.tolist() == [["Loyalty", 1], ["Support ticket", 1],
                                                               ["(none)", 5]]


@pytest.fixture
def tiered(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    canonical.create_table(con, canonical.ACCOUNTS, [
        ("A", "Alpha", "Usage", 1000.0, None, None, None, None, "acc.csv", 1, "Gold"),
        ("B", "Beta", "Usage", 500.0, None, None, None, None, "acc.csv", 2, "Silver"),
        ("C", "Gamma", "Usage", 500.0, None, None, None, None, "acc.csv", 3, None),
        ("A", "Alpha again", "Usage", 1.0, None, None, None, None, "acc.csv", 4, "Silver"),  # duplicate id
    ], extra_columns=[("tier", "VARCHAR")])
    canonical.create_table(con, canonical.SURVEYS, [
        answer("A", 10, D(2024, 1, 1), row=1), answer("A", 9, D(2024, 1, 2), row=2),
        answer("B", 2, D(2024, 1, 3), row=3), answer("C", 8, D(2024, 1, 4), row=4),
        answer("Z", 9, D(2024, 1, 5), row=5),  # an account not in the accounts table
    ])
    return con


def test_nps_by_account_column(tiered: duckdb.DuckDBPyConnection) -> None:
    # A's first row (Gold) stands for it; C has no tier and Z is unknown: both (none)
    expected = frame([
        ["Gold", 2, 2, 0, 0, 100.0, 0.0, True, 0],
        ["Silver", 1, 0, 0, 1, -100.0, 0.0, True, 0],
        ["(none)", 2, 1, 1, 0, 50.0, 196 * math.sqrt((0.5 - 0.25) / 2), True, 0],
    ], ["segment", *NPS_COLS])
    check(surveys.nps(tiered, by="tier"), expected)


def test_nps_by_unknown_column_names_it(tiered: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(MetricError, match=r"Column 'regoin' is not in the accounts table.*tier"):
        surveys.nps(tiered, by="regoin")


def test_nps_by_fiscal_quarter(con: duckdb.DuckDBPyConnection) -> None:
    # fiscal year from February: quarters start Nov 1, Feb 1, May 1, Aug 1
    canonical.create_table(con, canonical.SURVEYS, [
        answer("A", 10, D(2024, 1, 31, 23, 59), row=1), answer("A", 0, D(2024, 2, 1), row=2),
        answer("A", 9, D(2024, 4, 30), row=3), answer("A", 7, D(2024, 5, 1), row=4),
        answer("A", 9, None, row=5),  # no date: cannot be placed in a period
    ])
    expected = frame([
        [D(2023, 11, 1), 1, 1, 0, 0, 100.0, 0.0, True, 0],
        [D(2024, 2, 1), 2, 1, 0, 1, 0.0, 196 * math.sqrt(1 / 2), True, 0],
        [D(2024, 5, 1), 1, 0, 1, 0, 0.0, 0.0, True, 0],
    ], ["segment", *NPS_COLS])
    result = surveys.nps(con, by="quarter", settings=Settings(fiscal_year_start_month=2))
    check(result.astype({"segment": "datetime64[us]"}), expected.astype({"segment": "datetime64[us]"}))
    by_month = surveys.nps(con, by="month")
    assert by_month["segment"].dt.month.tolist() == [1, 2, 4, 5]


def test_nps_period_beside_segment(tiered: duckdb.DuckDBPyConnection) -> None:
    result = surveys.nps(tiered, by="tier", period="month", level="account")
    assert list(result.columns[:2]) == ["period_start", "segment"]
    assert result[["segment", "n", "nps"]].values.tolist() == [["Gold", 1, 100.0], ["Silver", 1, -100.0],
                                                              ["(none)", 2, 50.0]]


def test_cli_nps_table_columns(tiered: duckdb.DuckDBPyConnection) -> None:
    assert list(surveys.cli_nps_table(surveys.nps(tiered)).columns) == \
        ["n", "promoters", "passives", "detractors", "nps", "moe95"]
    assert list(surveys.cli_nps_table(surveys.nps(tiered, by="tier")).columns) == \
        ["segment", "n", "promoters", "passives", "detractors", "nps", "moe95"]


# ---- CSAT -----------------------------------------------------------------------------------

CSAT_COLS = ["n", "satisfied", "csat", "ci_low", "ci_high", "scale", "low_n", "rejected"]


def csat_rows(scores: list[float | None], account: str = "A") -> list[dict]:
    return [answer(account, s, D(2024, 1, 1), kind="CSAT", row=i) for i, s in enumerate(scores)]


def test_csat_one_to_five_eight_of_ten(con: duckdb.DuckDBPyConnection) -> None:
    # 4s and 5s are satisfied: 8 of 10 → Wilson [0.4902, 0.9433]; blank no response; 0 and 4.5 rejected
    canonical.create_table(con, canonical.SURVEYS, csat_rows([5, 4, 4, 5, 3, 5, 4, 2, 4, 5, None, 0, 4.5]))
    expected = frame([[10, 8, 0.8, 0.4902, 0.9433, "1-5", True, 2]], CSAT_COLS)
    check(surveys.csat(con), expected)


def test_csat_one_to_seven(con: duckdb.DuckDBPyConnection) -> None:
    # detected 1–7 (a 7 occurs): 6 and 7 satisfied, 3 of 5; Wilson: centre (0.6 + z²/10)/(1 + z²/5)
    # = 0.5566, half-width 0.3258 → [0.2307, 0.8824]
    canonical.create_table(con, canonical.SURVEYS, csat_rows([7, 6, 5, 7, 1]))
    check(surveys.csat(con), frame([[5, 3, 0.6, 0.2307, 0.8824, "1-7", True, 0]], CSAT_COLS))
    # the same answers read on a 1–10 scale: only 9–10 would be satisfied
    check(surveys.csat(con, scale="1–10"), frame([[5, 0, 0.0, 0.0, 0.4345, "1-10", True, 0]], CSAT_COLS))


def test_csat_zendesk_good_bad(con: duckdb.DuckDBPyConnection) -> None:
    # good = 1, bad = 0, offered-but-unanswered = blank: 3 of 4 → Wilson [0.3006, 0.9544]
    canonical.create_table(con, canonical.SURVEYS, csat_rows([1, 1, 0, 1, None, None]))
    check(surveys.csat(con), frame([[4, 3, 0.75, 0.3006, 0.9544, "0-1", True, 0]], CSAT_COLS))


def test_csat_by_segment_uses_one_detected_scale(tiered: duckdb.DuckDBPyConnection) -> None:
    tiered.execute("DROP TABLE surveys")  # create_table cannot replace a table yet (only a view)
    canonical.create_table(tiered, canonical.SURVEYS, csat_rows([5, 4, 1], "A") + csat_rows([2, 3], "B"))
    result = surveys.csat(tiered, by="tier")
    assert result[["segment", "n", "satisfied", "scale"]].values.tolist() == [
        ["Gold", 3, 2, "1-5"], ["Silver", 2, 0, "1-5"]]


def test_csat_scale_errors_name_the_problem(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.SURVEYS, csat_rows([5, 40]))
    with pytest.raises(MetricError, match="CSAT answers go up to 40"):
        surveys.csat(con)
    with pytest.raises(MetricError, match="Unknown scale '1-4'"):
        surveys.csat(con, scale="1-4")


def test_detect_scale() -> None:
    con = duckdb.connect()
    canonical.create_empty_views(con)
    assert surveys.detect_scale(con, "CSAT").name == "1-5"  # nothing answered: the default
    for scores, name in [([0, 1, 1], "0-1"), ([1, 3, 5], "1-5"), ([2, 6], "1-7"), ([1, 10], "1-10"),
                         ([0, 10], "0-10")]:
        con = duckdb.connect()
        canonical.create_table(con, canonical.SURVEYS, csat_rows(scores))
        assert surveys.detect_scale(con, "CSAT").name == name, scores


# ---- CES ------------------------------------------------------------------------------------

def test_ces_mean_with_t_interval_equal_to_scipy(con: duckdb.DuckDBPyConnection) -> None:
    values = [6, 7, 5, 7, 4, 6]
    canonical.create_table(con, canonical.SURVEYS,
                           [answer("A", v, D(2024, 1, 1), kind="CES", row=i) for i, v in enumerate(values)]
                           + [answer("A", 9, D(2024, 1, 1), kind="CES", row=9)])  # 9 on 1–7: rejected
    result = surveys.ces(con, scale="1-7")
    arr = np.array(values, dtype=float)
    low, high = sst.t.interval(0.95, len(arr) - 1, loc=arr.mean(), scale=sst.sem(arr))
    # by hand: mean 5.8333, sd 1.1690, t(0.975, 5) = 2.5706 → 5.8333 ± 1.2268
    expected = frame([[6, 5.8333, 1.1690, 4.6065, 7.0602, "1-7", False, True, 1]],
                     ["n", "mean", "sd", "ci_low", "ci_high", "scale", "lower_is_better", "low_n", "rejected"])
    check(result, expected)
    assert (result["ci_low"].iloc[0], result["ci_high"].iloc[0]) == pytest.approx((low, high), rel=1e-12)


def test_ces_direction_is_echoed_and_detected_scale(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.SURVEYS,
                           [answer("A", v, D(2024, 1, 1), kind="CES", role="User", row=i)
                            for i, v in enumerate([1, 2, 2])]
                           + [answer("B", 5, D(2024, 1, 2), kind="CES", role="Admin", row=5)])
    result = surveys.ces(con, by="respondent_role", lower_is_better=True)
    assert result[["segment", "n", "scale", "lower_is_better"]].values.tolist() == [
        ["Admin", 1, "1-5", True], ["User", 3, "1-5", True]]
    assert math.isnan(result["ci_low"].iloc[0])  # one answer: no interval
    assert result["mean"].iloc[1] == pytest.approx(5 / 3)


def test_ces_refuses_a_good_bad_scale(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.SURVEYS, [answer("A", 1, D(2024, 1, 1), kind="CES")])
    with pytest.raises(MetricError, match="effort score needs"):
        surveys.ces(con)


# ---- figures --------------------------------------------------------------------------------

def test_nps_bars_carry_moe_n_and_faint_low_n(tiered: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import surveys as fig_surveys
    from cxlib.theme import LOW_N_OPACITY

    df = surveys.nps(tiered, by="tier", settings=Settings(min_n=2))
    fig = fig_surveys.nps_bars(df, "NPS by tier")
    bar = fig.data[0]
    assert list(bar.x) == ["Gold<br>n=2", "Silver<br>n=1", "(none)<br>n=2"]
    assert list(bar.y) == [100.0, -100.0, 50.0]
    assert bar.error_y.array == pytest.approx([0.0, 0.0, 196 * math.sqrt(0.125)])
    assert list(bar.marker.opacity) == [1.0, LOW_N_OPACITY, 1.0]
    assert fig.layout.title.text == "NPS by tier"
    assert fig.layout.template.layout.font.family.startswith("Inter")


def test_nps_bars_by_stage_use_stage_colours_and_note_rejects(con: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import surveys as fig_surveys
    from cxlib.stages import stage_colors

    canonical.create_table(con, canonical.SURVEYS, [answer("A", 9, D(2024, 1, 1), stage="Usage", row=1),
                                                    answer("A", 12, D(2024, 1, 2), stage="Usage", row=2)])
    fig = fig_surveys.nps_bars(surveys.nps(con, by="stage"))
    assert list(fig.data[0].marker.color) == [stage_colors()["Usage"]]
    assert any("1 answer(s) off the 0–10 scale were rejected" in a.text for a in fig.layout.annotations)


def test_survey_figures_say_no_data(con: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import surveys as fig_surveys

    for fig in (fig_surveys.nps_bars(surveys.nps(con)), fig_surveys.csat_bars(surveys.csat(con, by="respondent_role")),
                fig_surveys.ces_bars(surveys.ces(con)), fig_surveys.trend_lines(surveys.nps(con, by="month"), "nps")):
        assert [a.text for a in fig.layout.annotations] == ["No data"]
        assert len(fig.data) == 0


def test_csat_and_ces_bars(con: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import surveys as fig_surveys

    canonical.create_table(con, canonical.SURVEYS, csat_rows([5, 4, 4, 5, 3, 5, 4, 2, 4, 5])
                           + [answer("A", v, D(2024, 1, 1), kind="CES", row=20 + i) for i, v in enumerate([2, 3])])
    fig = fig_surveys.csat_bars(surveys.csat(con))
    assert fig.data[0].y[0] == 0.8
    assert fig.data[0].error_y.arrayminus[0] == pytest.approx(0.8 - 0.4902, abs=1e-4)
    assert fig.data[0].error_y.array[0] == pytest.approx(0.9433 - 0.8, abs=1e-4)
    assert fig.layout.yaxis.title.text == "Satisfied (top two boxes, 1-5)"
    ces_fig = fig_surveys.ces_bars(surveys.ces(con, lower_is_better=True))
    assert ces_fig.layout.yaxis.title.text == "Mean effort (1-5, lower is better)"


def test_trend_lines_by_period_and_segment(tiered: duckdb.DuckDBPyConnection) -> None:
    from cxlib.figures import surveys as fig_surveys

    one = fig_surveys.trend_lines(surveys.nps(tiered, by="month"), "nps")
    assert len(one.data) == 1 and list(one.data[0].y) == [40.0]  # 10, 9, 9 vs 2 of five answers
    per_tier = fig_surveys.trend_lines(surveys.nps(tiered, by="tier", period="month"), "nps", "NPS trend")
    assert [t.name for t in per_tier.data] == ["Gold", "Silver", "(none)"]
    assert per_tier.layout.title.text == "NPS trend"


@given(scores=st.lists(st.one_of(st.none(), st.integers(-2, 12), st.sampled_from([4.5, 9.5])), max_size=40))
def test_nps_matches_a_plain_count(scores: list[float | None]) -> None:
    con = duckdb.connect()
    canonical.create_table(con, canonical.SURVEYS,
                           [answer("A", s, D(2024, 1, 1), row=i) for i, s in enumerate(scores)])
    row = surveys.nps(con).iloc[0]
    valid = [s for s in scores if s is not None and 0 <= s <= 10 and s == int(s)]
    promoters, detractors = sum(s >= 9 for s in valid), sum(s <= 6 for s in valid)
    assert (row["n"], row["promoters"], row["detractors"]) == (len(valid), promoters, detractors)
    assert row["passives"] == len(valid) - promoters - detractors
    assert row["rejected"] == sum(s is not None for s in scores) - len(valid)
    if valid:
        assert row["nps"] == pytest.approx(100 * (promoters - detractors) / len(valid))
        assert -100 <= row["nps"] <= 100 and row["moe95"] >= 0


def test_answers_after_the_as_of_date_do_not_count_yet(known: duckdb.DuckDBPyConnection) -> None:
    # as of 5 Jan: the first five answers (9, 9, 10, 7, 8) and the rejected ones are all later
    result = surveys.nps(known, settings=Settings(as_of=D(2024, 1, 5)))
    check(result, frame([[5, 3, 2, 0, 60.0, 196 * math.sqrt((0.6 - 0.36) / 5), True, 0]], NPS_COLS))
