"""A typed step list ("signup, ACTIVATED → Paid"): split, resolved to stages, and the stage list the run needs.

One rule for the command line's `--stages` and the Funnel page's typed list (README, "Command
line"). Each typed name is, in this order: a stage of the stage list (case-insensitive); a
stage value of the data (case-insensitive), meaning the stage the stage map sends it to; a
synonym of a stage ("Onboarding" → Delivery). When a name is a stage value no stage is mapped
to, or two different names would fall on one stage, the names given become stages of their own
for that run, as in product-analytics funnels: they join the stage list (after the funnel
stages, before the exits) and the data's values that spell them, case-insensitively, map to them.
The mapping that does so is returned for the caller to apply before the views are built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from cxlib.errors import MetricError
from cxlib.funnel.spec import Exclusion
from cxlib.mapping import Mapping, stage_values
from cxlib.settings import Settings
from cxlib.stages import Stage, normalize_label, suggest_stage

# Colours for a run's own stages: cool hues the default funnel (blues, greens) and exits (warm) do not use.
OWN_STAGE_COLORS = ("#8c6bb1", "#88419d", "#9ebcda", "#8c96c6", "#6e016b", "#66c2a4", "#2ca25f", "#006d2c")


@dataclass
class StepChoice:
    """Typed steps resolved: the stage of each step, the mapping the run needs, the new stages, notes.

    `mapping` is the one given when every step is a stage of its stage list; else a copy whose
    stage list gains `own` and whose stage map sends the data's matching values to them.
    """

    steps: list[str]
    mapping: Mapping | None
    own: list[str] = field(default_factory=list)
    reason: str = ""                     # why `own` is needed ("Signup is not in the stage list")
    notes: list[str] = field(default_factory=list)


def split_steps(text: str) -> list[str]:
    """The names in a typed step list: separated by commas or arrows (→, ->, >), blanks dropped."""
    return [s.strip() for s in re.split(r",|→|->|>", str(text)) if s.strip()]


def _data_values(con: duckdb.DuckDBPyConnection, mapping: Mapping | None) -> pd.DataFrame:
    """Every stage value of the data, most frequent first, with the stage it is mapped to (or None)."""
    if mapping is None:
        return pd.DataFrame({"value": pd.Series([], dtype="str"), "mapped_stage": pd.Series([], dtype="object")})
    return stage_values(con, mapping)


def parse_steps(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, text: str) -> StepChoice:
    """Resolve a typed step list against the stage list and the data (see the module docstring).

    Raises MetricError naming a step that is neither a stage, nor a stage value of the data, nor a
    synonym of a stage.
    """
    typed = split_steps(text)
    if not typed:
        raise MetricError("Type at least one funnel step (stage names separated by commas).")
    settings = mapping.settings if mapping is not None else Settings()
    names = {normalize_label(s.name): s.name for s in settings.stages}
    values = _data_values(con, mapping)
    data: dict[str, tuple[str, str | None]] = {}     # folded value → (most frequent spelling, its stage)
    for value, stage in zip(values["value"], values["mapped_stage"], strict=True):
        data.setdefault(normalize_label(value), (str(value), None if pd.isna(stage) else str(stage)))
    # Each distinct name: (how it resolved, the stage, the data's spelling when it is a data value).
    resolved: dict[str, tuple[str, str | None, str | None]] = {}
    for name in typed:
        key = normalize_label(name)
        if key in resolved:
            continue
        if key in names:
            resolved[key] = ("stage", names[key], None)
        elif key in data:
            spelling, stage = data[key]
            resolved[key] = ("value", stage, spelling)
        elif (stage := suggest_stage(name, settings.stages)) is not None:
            resolved[key] = ("synonym", stage, None)
        else:
            raise MetricError(_unknown(name, settings, list(values["value"])), column=name)
    from_data = [stage for how, stage, _ in resolved.values() if how == "value"]
    merged = [stage for stage in from_data if stage is not None
              and sum(other == stage for _, other, _ in resolved.values()) > 1]
    if None not in from_data and not merged:
        return StepChoice(steps=[str(resolved[normalize_label(n)][1]) for n in typed], mapping=mapping)
    own = list(dict.fromkeys(str(spelling) for how, _, spelling in resolved.values() if how == "value"))
    steps = [str(spelling) if how == "value" else str(stage)
             for how, stage, spelling in (resolved[normalize_label(n)] for n in typed)]
    run_mapping = _with_own_stages(mapping, settings, own, list(values["value"]))
    reason = _own_reason(resolved)
    return StepChoice(steps=steps, mapping=run_mapping, own=own, reason=reason, notes=[_own_note(own, reason)])


def _unknown(name: str, settings: Settings, values: list[str]) -> str:
    """The refusal of a typed step, listing the stages and the data's most frequent stage values."""
    shown = ", ".join(s.name for s in settings.stages)
    found = ", ".join(values[:12]) + (", …" if len(values) > 12 else "")
    return (f"'{name}' is neither a stage ({shown}) nor a stage value in the data"
            + (f" ({found})." if values else "."))


def _own_reason(resolved: dict[str, tuple[str, str | None, str | None]]) -> str:
    """Why the run needs stages of its own ("Signup, Paid are not in the stage list")."""
    unmapped = [str(spelling) for how, stage, spelling in resolved.values() if how == "value" and stage is None]
    if unmapped:
        return f"{', '.join(unmapped)} {'is' if len(unmapped) == 1 else 'are'} not in the stage list"
    return "Two steps are mapped to one stage"


def _own_note(own: list[str], reason: str) -> str:
    """The note a run with stages of its own prints, naming them."""
    one = len(own) == 1
    named = ("it" if one else "they") if reason.startswith(", ".join(own) + " ") else ", ".join(own)
    return (f"{reason}: for this run {named} {'is a stage' if one else 'are stages'} of "
            f"{'its' if one else 'their'} own, matched case-insensitively to the data's stage values.")


def _with_own_stages(mapping: Mapping | None, settings: Settings, own: list[str], values: list[str]) -> Mapping:
    """A copy of the mapping whose stage list gains `own` (after the funnel stages) and whose stage map
    sends every data value that folds to one of them there."""
    stages = list(settings.stages)
    insert_at = max((i + 1 for i, s in enumerate(stages) if s.kind == "funnel"), default=0)
    new = [Stage(name, "funnel", OWN_STAGE_COLORS[i % len(OWN_STAGE_COLORS)]) for i, name in enumerate(own)]
    run_settings = replace(settings, stages=stages[:insert_at] + new + stages[insert_at:])
    if mapping is None:
        return Mapping(tables=[], stage_map={}, settings=run_settings)
    folded = {normalize_label(name): name for name in own}
    stage_map = dict(mapping.stage_map)
    for value in [*stage_map, *values]:
        if normalize_label(value) in folded:
            stage_map[value] = folded[normalize_label(value)]
    # replace(): every other part saved with the mapping (scores, warnings, stories, themes) comes through.
    return replace(mapping, stage_map=stage_map, settings=run_settings)


def parse_exclusion(text: str, settings: Settings | None = None) -> Exclusion:
    """'Disappointment:2-3' → Exclusion(stage, 2, 3): the stage (a stage name or a synonym, any case) and
    the steps it must not lie between. MetricError naming the text when it is not of that form."""
    stage, sep, span = str(text).rpartition(":")
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", span)
    if not sep or not stage.strip() or match is None:
        raise MetricError(f"Exclusion {text!r} is not STAGE:A-B (a stage, then the two steps it must not lie "
                          'between, e.g. "Disappointment:2-3").')
    stages = (settings or Settings()).stages
    name = stage.strip()
    resolved = {normalize_label(s.name): s.name for s in stages}.get(normalize_label(name)) \
        or suggest_stage(name, stages) or name
    return Exclusion(resolved, int(match.group(1)), int(match.group(2)))


def parse_optional(values: list[str] | str | None) -> tuple[int, ...]:
    """'3', '3,4' or ['3', '4'] → (3, 4): the optional steps' numbers. MetricError on anything else."""
    items = [values] if isinstance(values, str) else list(values or [])
    out: list[int] = []
    for item in items:
        for part in str(item).split(","):
            if not part.strip():
                continue
            if not part.strip().isdigit():
                raise MetricError(f"Optional step {part.strip()!r} is not a step number (e.g. --optional 3 or "
                                  '--optional "3,4").')
            out.append(int(part))
    return tuple(dict.fromkeys(out))
