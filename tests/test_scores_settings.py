"""Score settings as the Scores page edits them: ScoreConfig.with_edits, in_force, reset; scale sources."""

from __future__ import annotations

import pytest

from cxlib.errors import MetricError
from cxlib.factors import Factor
from cxlib.scores import Scale, ScoreConfig, Thresholds, scale_sources

DEFAULTS = {"thresholds": Thresholds(), "dead_band": 5.0, "risk_horizon_days": 90}


def saved() -> ScoreConfig:
    """Three factors with a set scale and age limit, and non-default everything else."""
    return ScoreConfig(factors=[Factor("x", "X"), Factor("y", "Y"), Factor("z", "Z")],
                       scales={"x": Scale.of("1-5")}, weights={"x": 2.0}, targets={"y": 90.0},
                       thresholds=Thresholds(40, 70, 0.6), max_age_days={"z": 180},
                       dead_band=3.0, risk_horizon_days=60)


def test_with_edits_takes_the_table_and_inputs() -> None:
    base = saved()
    edited = base.with_edits([("x", "Intent", 1, 85), ("y", "  ", 0.5, 90.0), ("z", None, 0, 70)],
                             thresholds=Thresholds(45, 80, 0.4), risk_horizon_days=30.0, dead_band=2)
    assert edited == ScoreConfig(
        factors=[Factor("x", "Intent"), Factor("y", "y"), Factor("z", "z")],   # blank names show the key
        scales={"x": Scale.of("1-5")}, weights={"x": 1.0, "y": 0.5, "z": 0.0},
        targets={"x": 85.0, "y": 90.0, "z": 70.0}, thresholds=Thresholds(45, 80, 0.4),
        max_age_days={"z": 180}, dead_band=2.0, risk_horizon_days=30)
    assert base == saved()   # a copy: the saved settings are untouched


@pytest.mark.parametrize(("rows", "inputs", "message"), [
    ([("x", "X", 0, 80), ("y", "Y", 0, 80), ("z", "Z", 0, 80)], {}, "add up to 0"),
    ([("x", "X", None, 80), ("y", "Y", 1, 80), ("z", "Z", 1, 80)], {}, "Weight of 'x' must be a number"),
    ([("x", "X", 1, float("nan")), ("y", "Y", 1, 80), ("z", "Z", 1, 80)], {}, "Target of 'x' must be a number"),
    ([("x", "X", 1, 120), ("y", "Y", 1, 80), ("z", "Z", 1, 80)], {}, "Target of 'x' must be between 0 and 100"),
    ([("x", "X", 1, 80), ("y", "Y", "two", 80), ("z", "Z", 1, 80)], {}, "Weight of 'y' must be a number"),
    ([("x", "X", 1, 80)], {"thresholds": Thresholds(80, 60, 0.5)}, "must not exceed"),
    ([("x", "X", 1, 80)], {"risk_horizon_days": None}, "horizon must be a number"),
    ([("x", "X", 1, 80)], {"dead_band": -1}, "must not be negative"),
])
def test_with_edits_rejects_what_cannot_score(rows, inputs, message) -> None:
    with pytest.raises(MetricError, match=message):
        saved().with_edits(rows, **(DEFAULTS | inputs))


def test_in_force_fills_in_defaults() -> None:
    plain = ScoreConfig()
    spelled_out = ScoreConfig(weights={k: 1.0 for k in plain.keys}, targets={k: 80.0 for k in plain.keys})
    assert plain != spelled_out and plain.in_force() == spelled_out.in_force()
    assert ScoreConfig.from_dict({}).in_force() == plain.in_force()
    assert plain.rename("relationships", "Partnership").in_force() != plain.in_force()
    assert ScoreConfig(weights={"relationships": 2.0}).in_force() != plain.in_force()
    assert ScoreConfig(dead_band=4.0).in_force() != plain.in_force()
    assert ScoreConfig(scales={"relationships": Scale.of("0-10")}).in_force() != plain.in_force()


def test_an_unchanged_table_is_not_an_edit() -> None:
    base = saved()
    rows = [(f.key, f.name, base.weight(f.key), base.target(f.key)) for f in base.factors]
    same = base.with_edits(rows, thresholds=base.thresholds, risk_horizon_days=base.risk_horizon_days,
                           dead_band=base.dead_band)
    assert same != base   # every weight and target now spelled out …
    assert same.in_force() == base.in_force()   # … but the scores are the same


def test_reset_keeps_factors_scales_and_age_limits() -> None:
    base = saved().rename("x", "Intent")
    reset = base.reset()
    assert reset == ScoreConfig(factors=[Factor("x", "Intent"), Factor("y", "Y"), Factor("z", "Z")],
                                scales={"x": Scale.of("1-5")}, max_age_days={"z": 180})
    assert (reset.weight("x"), reset.target("y"), reset.thresholds, reset.dead_band, reset.risk_horizon_days) == (
        1.0, 80.0, Thresholds(50, 75, 0.5), 5.0, 90)
    assert base.weights == {"x": 2.0}   # a copy


def test_scale_sources_prefer_the_set_scale() -> None:
    config = ScoreConfig(factors=[Factor("x", "X"), Factor("y", "Y"), Factor("z", "Z")],
                         scales={"x": Scale.of("0-10")})
    detected = {"x": Scale.of("1-5"), "y": Scale.of("0-100"), "other": Scale.of("1-5")}
    assert scale_sources(config, detected) == {"x": (Scale.of("0-10"), "set"), "y": (Scale.of("0-100"), "detected")}
