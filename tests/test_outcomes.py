"""Desired outcome: required outcome × appropriate experience, per account and per segment."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib import canonical
from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.figures.scores import quadrant_scatter
from cxlib.outcomes import OutcomeSpec, outcome_quadrants, quadrant_summary, resolve
from cxlib.scores import Scale, ScoreConfig, Thresholds
from cxlib.settings import Settings

NAN = float("nan")
OK, OUT, EXP, NONE, UNK = ("successful", "outcome without the right experience",
                           "good experience without the outcome", "neither", "unknown")
CONFIG = ScoreConfig(factors=[Factor("x", "X"), Factor("y", "Y")],
                     scales={"x": Scale.of("0-100"), "y": Scale.of("0-100")})


def _accounts(con, rows) -> None:
    """rows: (account_id, tier, arr, outcome)."""
    canonical.create_table(con, "accounts", [(a, a.upper(), "Usage", arr, None, None, None, outcome)
                                             for a, _, arr, outcome in rows], [("tier", "VARCHAR")])
    for a, tier, _, _ in rows:
        con.execute("UPDATE accounts SET tier = ? WHERE account_id = ?", [tier, a])


def _surveys(con, rows) -> None:
    """rows: (account_id, ts, survey_type, score)."""
    canonical.create_table(con, "surveys", [(a, "r", "user", ts, kind, score) for a, ts, kind, score in rows])


@pytest.fixture
def csat(con):
    _accounts(con, [("a1", "SMB", 100.0, 1.0), ("a2", "SMB", 200.0, 0.0), ("a3", "ENT", 300.0, 0.5),
                    ("a4", "ENT", 400.0, 0.0), ("a5", "ENT", 500.0, None), ("a6", None, 600.0, 1.0)])
    _surveys(con, [
        ("a1", "2023-01-01", "CSAT", 1.0), ("a1", "2024-01-01", "CSAT", 5.0),   # latest: 5
        ("a2", "2024-01-01", "csat", 4.0),                                      # type case-folded; 4 is enough
        ("a3", "2024-01-01", "CSAT", 3.0), ("a3", "2024-02-01", "NPS", 10.0),   # NPS is not CSAT
        ("a4", "2024-01-01", "CSAT", 2.0),
        ("a5", "2024-01-01", "CSAT", 5.0),                                      # no outcome → unknown
        ("a7", "2024-01-01", "CSAT", 5.0),                                      # not in accounts → unknown
    ])
    return con


def test_quadrants_from_latest_csat(csat) -> None:
    result = outcome_quadrants(csat, OutcomeSpec(), CONFIG)
    expected = pd.DataFrame({
        "account_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7"],
        "outcome_value": [1.0, 0.0, 0.5, 0.0, NAN, 1.0, NAN],
        "experience_value": [5.0, 4.0, 3.0, 2.0, 5.0, NAN, 5.0],
        "quadrant": [OK, EXP, OUT, NONE, UNK, UNK, UNK],   # a3: outcome 0.5 meets the 0.5 threshold
    })
    assert_frame_equal(result, expected)


def test_outcome_score_and_custom_thresholds(csat) -> None:
    spec = OutcomeSpec(outcome_threshold=0.75, experience="csat", experience_threshold=5)
    result = outcome_quadrants(csat, spec, CONFIG).set_index("account_id")["quadrant"].to_dict()
    assert result == {"a1": OK, "a2": NONE, "a3": NONE, "a4": NONE, "a5": UNK, "a6": UNK, "a7": UNK}


def test_answers_after_as_of_are_not_known_yet(csat) -> None:
    spec = OutcomeSpec()
    result = outcome_quadrants(csat, spec, CONFIG, Settings(as_of=dt.datetime(2023, 6, 30)))
    # only a1's 2023 answer (1) existed then
    assert result.set_index("account_id")["quadrant"].to_dict() == {
        "a1": OUT, "a2": UNK, "a3": UNK, "a4": UNK, "a5": UNK, "a6": UNK}


def test_nps_experience_ignores_answers_outside_0_to_10(con) -> None:
    _accounts(con, [("a1", "SMB", 10.0, 1.0), ("a2", "SMB", 10.0, 1.0), ("a3", "SMB", 10.0, 0.0)])
    _surveys(con, [("a1", "2024-01-01", "NPS", 7.0), ("a1", "2024-02-01", "NPS", 11.0),
                   ("a2", "2024-01-01", "NPS", 6.0), ("a3", "2024-01-01", "NPS", 9.0)])
    result = outcome_quadrants(con, OutcomeSpec(experience="nps"), CONFIG)
    assert_frame_equal(result, pd.DataFrame({
        "account_id": ["a1", "a2", "a3"], "outcome_value": [1.0, 1.0, 0.0], "experience_value": [7.0, 6.0, 9.0],
        "quadrant": [OK, OUT, EXP]}))


def test_factor_and_composite_experience(con) -> None:
    _accounts(con, [("a1", "SMB", 10.0, 1.0), ("a2", "SMB", 10.0, 1.0), ("a3", "SMB", 10.0, 0.0)])
    canonical.create_table(con, "factor_ratings", [
        ("a1", "2024-01-01", "x", 80.0), ("a1", "2024-01-01", "y", 60.0),   # composite 70
        ("a2", "2024-01-01", "x", 90.0),                                    # composite 90, coverage 0.5
        ("a3", "2024-01-01", "y", 90.0),                                    # x missing
    ])
    by_x = outcome_quadrants(con, OutcomeSpec(experience="factor:x", experience_threshold=80), CONFIG)
    assert_frame_equal(by_x, pd.DataFrame({
        "account_id": ["a1", "a2", "a3"], "outcome_value": [1.0, 1.0, 0.0], "experience_value": [80.0, 90.0, NAN],
        "quadrant": [OK, OK, UNK]}))
    by_composite = outcome_quadrants(con, OutcomeSpec(experience="composite"), CONFIG)
    assert by_composite["experience_value"].tolist()[:2] == [70.0, 90.0]
    assert by_composite["quadrant"].tolist() == [OUT, OK, EXP]
    # a composite below the minimum coverage is insufficient data, not an experience
    strict = ScoreConfig(factors=CONFIG.factors, scales=CONFIG.scales,
                         thresholds=Thresholds(50, 75, 0.75))
    assert outcome_quadrants(con, OutcomeSpec(experience="composite"), strict)["quadrant"].tolist() == [
        OUT, UNK, UNK]


def test_quadrant_summary_counts_and_arr_shares(csat) -> None:
    result = quadrant_summary(csat, OutcomeSpec(), CONFIG)
    # placed: a1 (100), a2 (200), a3 (300), a4 (400) → shares of 4 accounts and 1000 ARR
    assert_frame_equal(result, pd.DataFrame({
        "quadrant": [OK, OUT, EXP, NONE, UNK], "accounts": [1, 1, 1, 1, 3],
        "share": [0.25, 0.25, 0.25, 0.25, NAN], "arr": [100.0, 300.0, 200.0, 400.0, 1100.0],
        "arr_share": [0.1, 0.3, 0.2, 0.4, NAN]}))


def test_quadrant_summary_by_segment(csat) -> None:
    result = quadrant_summary(csat, OutcomeSpec(), CONFIG, by="tier")
    expected = pd.DataFrame({
        "segment": ["ENT"] * 5 + ["SMB"] * 5 + ["(none)"] * 5,
        "quadrant": [OK, OUT, EXP, NONE, UNK] * 3,
        "accounts": [0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 2],
        "share": [0.0, 0.5, 0.0, 0.5, NAN, 0.5, 0.0, 0.5, 0.0, NAN] + [NAN] * 5,
        "arr": [0.0, 300.0, 0.0, 400.0, 500.0, 100.0, 0.0, 200.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 600.0],
        "arr_share": [0.0, 300 / 700, 0.0, 400 / 700, NAN, 1 / 3, 0.0, 2 / 3, 0.0, NAN] + [NAN] * 5,
    })
    assert_frame_equal(result, expected)
    with pytest.raises(MetricError, match="Column 'size' is not in the accounts table"):
        quadrant_summary(csat, OutcomeSpec(), CONFIG, by="size")


def test_spec_defaults_validation_and_round_trip() -> None:
    assert [OutcomeSpec(experience=e).threshold for e in ("csat", "nps", "composite", "factor:x")] == [
        4.0, 7.0, 75.0, 75.0]
    assert OutcomeSpec(experience="nps", experience_threshold=9).threshold == 9.0
    spec = OutcomeSpec(0.7, "factor:y", 60.0)
    assert OutcomeSpec.from_dict(spec.to_dict()) == spec
    with pytest.raises(MetricError, match="Unknown experience measure 'ces'"):
        OutcomeSpec(experience="ces").validate(CONFIG)
    with pytest.raises(MetricError, match="Experience factor 'z' is not one of the configured factors"):
        OutcomeSpec(experience="factor:z").validate(CONFIG)


def test_quadrant_scatter(csat) -> None:
    spec = OutcomeSpec()
    fig = quadrant_scatter(outcome_quadrants(csat, spec, CONFIG), spec)
    assert {t.name: list(t.text) for t in fig.data} == {
        "Successful": ["a1"], "Outcome without the right experience": ["a3"],
        "Good experience without the outcome": ["a2"], "Neither": ["a4"]}
    assert sorted((s.type, s.x0 if s.x0 == s.x1 else s.y0) for s in fig.layout.shapes) == [
        ("line", 0.5), ("line", 4.0)]
    notes = [a.text for a in fig.layout.annotations]
    assert "3 account(s) missing a measure are not placed" in notes and "Successful" in notes
    empty = quadrant_scatter(pd.DataFrame({"account_id": ["a"], "outcome_value": [NAN],
                                           "experience_value": [NAN], "quadrant": [UNK]}), spec)
    assert [a.text for a in empty.layout.annotations] == ["No data"]


def test_every_quadrant_count_equals_the_length_of_its_accounts(csat) -> None:
    from cxlib.outcomes import quadrant_accounts

    for by in (None, "tier"):
        summary = quadrant_summary(csat, OutcomeSpec(), CONFIG, by=by)
        for r in summary.to_dict("records"):
            listed = quadrant_accounts(csat, OutcomeSpec(), CONFIG, r["quadrant"], by=by, segment=r.get("segment"))
            assert len(listed) == r["accounts"], (by, r)
    unknown = quadrant_accounts(csat, OutcomeSpec(), CONFIG, UNK)
    assert_frame_equal(unknown, pd.DataFrame({"account_id": ["a5", "a6", "a7"], "value": [5.0, NAN, 5.0]}))


# ---------------------------------------------------------------- CSAT's scale decides its default line


def _quadrants(con, spec: OutcomeSpec = OutcomeSpec()) -> dict[str, str]:
    got = outcome_quadrants(con, spec, CONFIG, Settings(as_of=dt.datetime(2024, 6, 30)))
    return dict(zip(got["account_id"], got["quadrant"], strict=True))


def test_zendesk_good_bad_csat_is_appropriate_at_good(con) -> None:
    # Zendesk's Good/Bad loads as 1/0: the default line is the scale's satisfied box (1), not 1–5's 4.
    _accounts(con, [("a1", "SMB", 1.0, 1.0), ("a2", "SMB", 1.0, 1.0), ("a3", "SMB", 1.0, 0.0)])
    _surveys(con, [("a1", "2024-01-01", "CSAT", 1.0), ("a2", "2024-01-01", "CSAT", 0.0),
                   ("a3", "2024-01-01", "CSAT", 1.0)])
    assert _quadrants(con) == {"a1": OK, "a2": OUT, "a3": EXP}
    assert resolve(con, OutcomeSpec()).threshold == 1.0 and OutcomeSpec().threshold == 4.0
    # a line typed by the user is kept: at 2 nobody's 0/1 answer is appropriate
    assert _quadrants(con, OutcomeSpec(experience_threshold=2.0)) == {"a1": OUT, "a2": OUT, "a3": NONE}


def test_a_seven_point_csat_is_appropriate_from_six(con) -> None:
    _accounts(con, [("a1", "SMB", 1.0, 1.0), ("a2", "SMB", 1.0, 1.0), ("a3", "SMB", 1.0, 1.0)])
    _surveys(con, [("a1", "2024-01-01", "CSAT", 6.0), ("a2", "2024-01-01", "CSAT", 5.0),
                   ("a3", "2024-01-01", "CSAT", 7.0)])
    assert resolve(con, OutcomeSpec()).csat_scale == "1-7"
    assert _quadrants(con) == {"a1": OK, "a2": OUT, "a3": OK}


def test_only_whole_csat_answers_on_the_scale_count(con) -> None:
    # As in every CSAT number: a 4.5 is no answer, so a2's latest answer is its 5 and a3 has none.
    _accounts(con, [("a1", "SMB", 1.0, 1.0), ("a2", "SMB", 1.0, 1.0), ("a3", "SMB", 1.0, 1.0)])
    _surveys(con, [("a1", "2024-01-01", "CSAT", 4.0), ("a2", "2024-01-01", "CSAT", 5.0),
                   ("a2", "2024-03-01", "CSAT", 4.5), ("a3", "2024-01-01", "CSAT", 3.5)])
    got = outcome_quadrants(con, OutcomeSpec(), CONFIG, Settings(as_of=dt.datetime(2024, 6, 30)))
    assert got[["account_id", "experience_value", "quadrant"]].fillna(-1).values.tolist() == [
        ["a1", 4.0, OK], ["a2", 5.0, OK], ["a3", -1, UNK]]
