"""The prepared sample (data/sample_workspace.zip): current, byte-stable, and the numbers the loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlib import sample, sample_prepared
from cxlib.funnel import funnel
from cxlib.saved import open_workspace
from cxlib.workspace import SAMPLE_LABEL, open_sample

STALE = ("data/sample_workspace.zip differs from what the sample generator and the loader produce now "
         "(a change to cxlib/sample.py, the loader or the mapping): run `make sample` and commit data/.")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The prepared sample built from scratch: today's generator, written to files, loaded and mapped."""
    out = tmp_path_factory.mktemp("sample")
    sample.write(sample.generate(), out)
    return sample_prepared.build(out)


def test_the_prepared_sample_is_shipped() -> None:
    assert sample_prepared.ARCHIVE.is_file(), f"{sample_prepared.ARCHIVE} is missing: run `make sample`"


def test_shipped_prepared_sample_matches_generator_and_loader(regenerated: bytes) -> None:
    shipped = sample_prepared.read()
    assert shipped is not None, "data/sample_workspace.zip is missing: run `make sample`"
    assert sample_prepared.content_digest(shipped) == sample_prepared.content_digest(regenerated), STALE


def test_prepared_sample_is_byte_stable(regenerated: bytes) -> None:
    """Two builds from the same files (data/ and the regenerated copy) are the same bytes."""
    assert sample_prepared.build(Path(sample_prepared.ARCHIVE).parent) == regenerated


def test_prepared_sample_opens_as_the_sample_with_the_same_funnel() -> None:
    shipped = sample_prepared.read()
    assert shipped is not None
    ws = open_workspace(shipped)
    fresh = open_sample()
    try:
        assert ws.label == SAMPLE_LABEL and ws.is_sample
        ours = funnel(ws.con, settings=ws.settings).table
        theirs = funnel(fresh.con, settings=fresh.settings).table
        assert ours["accounts"].tolist() == theirs["accounts"].tolist()
        assert ours["accounts"].iloc[0] > 0
    finally:
        ws.close()
        fresh.close()


def test_one_changed_event_changes_the_digest(tmp_path: Path) -> None:
    """The staleness check can fail: the same files with one event's stage changed give another digest."""
    data = Path(sample_prepared.ARCHIVE).parent
    for csv in data.rglob("*.csv"):
        target = tmp_path / csv.relative_to(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(csv.read_bytes())
    events = tmp_path / "journey_events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    stage = header.index("Stage")
    row[stage] = "Churn" if row[stage] != "Churn" else "Awareness"
    lines[1] = ",".join(row) + "\n"
    events.write_text("".join(lines), encoding="utf-8")
    shipped = sample_prepared.read()
    assert shipped is not None
    assert sample_prepared.content_digest(sample_prepared.build(tmp_path)) != sample_prepared.content_digest(shipped)
