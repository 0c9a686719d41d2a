"""The acceptance runner's in-process commands print exactly what `python -m cxlib` prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance import generators as gen
from tests.acceptance.runner import cxlib

pytestmark = pytest.mark.acceptance


@pytest.mark.parametrize("args", [
    ("load", "{file}", "--format", "json"),
    ("nps", "{file}", "--by", "Company"),
    ("nps", "{file}", "--by", "No such column"),  # refused: exit 2 and the same one-line error
    ("nps", "--no-such-option"),                   # argparse's usage error
], ids=["load", "nps-by", "refused", "usage"])
def test_in_process_equals_the_real_command(tmp_path: Path, args: tuple[str, ...]) -> None:
    path = gen.write_delighted(tmp_path)
    argv = [a.format(file=path) for a in args]
    real, here = cxlib(*argv, subprocess_=True), cxlib(*argv, subprocess_=False)
    assert (here.code, here.out, here.err) == (real.code, real.out, real.err)
    assert real.code == (0 if args[-1] in ("json", "Company") else 2)
