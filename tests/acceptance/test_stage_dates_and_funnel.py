"""Generic wide stage dates, the data's own stage names in `funnel --stages`, `--by` a column of the event file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.runner import (Run, assert_rows, assert_shape, load_command, load_reports, report_for,
                                     run_all)

pytestmark = pytest.mark.acceptance

OWN_STEPS = list(gen.WIDE_STAGES)                       # Signup, Activated, Paid: not in the stage list
STEPS = ["Awareness", "Consideration", "Decision"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("stage_dates")
    out = {style: gen.write_wide_stage_dates(folder, style) for style in gen.WIDE_STYLES}
    out["events_own"] = gen.write_events_own_stages(folder)
    out["events_region"] = gen.write_events_with_region(folder)
    out["accounts_region"] = gen.write_accounts_with_region(folder)
    return out


@pytest.fixture(scope="module")
def runs(files: dict[str, Path]) -> dict[str, Run]:
    """Every command of this module, as a user types it, run once."""
    wide = [files[style] for style in gen.WIDE_STYLES]
    by_region = ("--stages", ",".join(STEPS), "--by", "Region", "--format", "json")
    return run_all({
        "load": load_command(wide),
        **{style: ("funnel", files[style], "--stages", "Signup,Activated,Paid", "--format", "json")
           for style in gen.WIDE_STYLES},
        "events_own": ("funnel", files["events_own"], "--stages", "signup,ACTIVATED,Paid", "--format", "json"),
        "by_region": ("funnel", files["events_region"], *by_region),
        "by_region_accounts": ("funnel", files["events_region"], "--accounts", files["accounts_region"], *by_region),
        "pack": ("pack", files["events_region"], "--account", "GAMMA",
                 "--out", files["events_region"].with_name("gamma.pptx")),
    })


@pytest.fixture(scope="module")
def reports(runs: dict[str, Run], files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return load_reports(runs["load"], [files[style] for style in gen.WIDE_STYLES])


def own_entries() -> list[tuple[str, str, Any]]:
    return [(acc, stage, ts) for acc, (_, dates) in gen.WIDE_JOURNEYS.items() for stage, ts in dates.items()]


def assert_own_funnel(rows: list[dict[str, Any]]) -> None:
    want = ex.ordered_funnel(own_entries(), OWN_STEPS)
    assert [str(r["stage"]).casefold() for r in rows] == [s.casefold() for s in OWN_STEPS]
    assert [r["accounts"] for r in rows] == want["accounts"]
    assert [r["median_days_from_previous"] for r in rows[1:]] == [pytest.approx(d) for d in want["median_days"][1:]]


# ---------------------------------------------------------------- "<stage> date", "date <stage>", "<stage>_at"

@pytest.mark.parametrize("style", gen.WIDE_STYLES)
def test_load_names_a_stage_date_shape(files: dict[str, Path], reports: dict[str, Any], style: str) -> None:
    row = report_for(reports, files[style])
    assert_shape(row)
    assert row["shape"], f"{files[style].name}: empty shape"
    assert_rows(row, len(gen.WIDE_JOURNEYS))


@pytest.mark.parametrize("style", gen.WIDE_STYLES)
def test_wide_stage_dates_funnel_with_the_datas_own_stage_names(runs: dict[str, Run], style: str) -> None:
    """Each non-empty date cell is an entry; the stages given become the stage list for the run."""
    assert_own_funnel(runs[style].json())


def test_event_log_funnel_with_its_own_stage_values_case_insensitive(runs: dict[str, Run]) -> None:
    assert_own_funnel(runs["events_own"].json())


# ---------------------------------------------------------------- --by a column of the event file itself


def region_funnel() -> dict[str, list[int]]:
    """Accounts per step by the Region written on each account's step-1 entry."""
    entries = [(a, s, t) for a, s, t, _ in gen.EVENTS_WITH_REGION]
    sequences = ex.ordered_funnel(entries, STEPS)["sequences"]
    region_at = {(a, t): r for a, s, t, r in gen.EVENTS_WITH_REGION if s == STEPS[0]}
    out: dict[str, list[int]] = {}
    for account, seq in sequences.items():
        if seq:
            counts = out.setdefault(region_at[(account, seq[0])], [0] * len(STEPS))
            for k in range(len(seq)):
                counts[k] += 1
    return out


def funnel_by_segment(rows: list[dict[str, Any]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for r in sorted(rows, key=lambda r: (str(r["segment"]), r["step"])):
        out.setdefault(str(r["segment"]), []).append(r["accounts"])
    return {segment: counts for segment, counts in out.items() if counts[0] > 0}


def test_funnel_by_a_column_of_the_event_file(runs: dict[str, Run]) -> None:
    assert funnel_by_segment(runs["by_region"].json()) == region_funnel()


def test_funnel_by_prefers_the_event_files_own_column_with_a_note(runs: dict[str, Run]) -> None:
    run = runs["by_region_accounts"]
    assert funnel_by_segment(run.json()) == region_funnel()
    assert any("Region" in note for note in run.notes()), run.err


# ---------------------------------------------------------------- pack for an account known only from events

def test_pack_for_an_account_known_only_from_events(runs: dict[str, Run]) -> None:
    from pptx import Presentation

    run = runs["pack"]
    assert run.code == 0, run.err
    out = Path(run.argv[-1])
    assert out.stat().st_size > 0
    first = Presentation(str(out)).slides[0]
    assert "GAMMA" in " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
