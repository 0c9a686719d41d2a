"""Run `python -m cxlib …` as a user types it, from the repository folder.

By default a command runs in this process through the same entry point `python -m cxlib` calls
(`cxlib.cli.main`), with stdout and stderr captured: each command then costs its work, not a new
interpreter's imports (about 1 s each, 80 commands). `ACCEPTANCE_SUBPROCESS=1` runs every command
in its own `python -m cxlib` process instead; tests/acceptance/test_entry_point.py checks that both
give the same output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import chdir, redirect_stderr, redirect_stdout
from io import StringIO
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

REPO_ROOT = Path(__file__).resolve().parents[2]
SUBPROCESS = os.environ.get("ACCEPTANCE_SUBPROCESS") == "1"
# Subprocess commands of one module run this many at a time (the machine has 2 shared cores);
# in-process commands run one at a time (stdout and stderr are the process's own).
JOBS = max(1, int(os.environ.get("ACCEPTANCE_JOBS", "2"))) if SUBPROCESS else 1
_IN_PROCESS = threading.Lock()
K = TypeVar("K")


@dataclass(frozen=True)
class Run:
    """One finished command: its arguments, exit code, stdout and stderr."""

    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    def json(self) -> Any:
        """The printed JSON; fails with the command and its stderr when it did not succeed."""
        assert self.code == 0, f"`{' '.join(self.argv)}` exited {self.code}: {self.err.strip()}"
        return json.loads(self.out)

    def notes(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("note:")]

    def refused(self) -> str:
        """stderr of a command that must exit 2 with nothing on stdout; fails otherwise."""
        assert (self.code, self.out) == (2, ""), \
            f"`{' '.join(self.argv)}` exited {self.code} (expected 2), stdout {self.out[:300]!r}, stderr {self.err!r}"
        return self.err


def cxlib(*args: object, subprocess_: bool | None = None) -> Run:
    """`python -m cxlib ARGS…` with cwd at the repository root: in this process, or in a subprocess
    with the test's interpreter (`subprocess_`, default ACCEPTANCE_SUBPROCESS)."""
    argv = ("python", "-m", "cxlib", *(str(a) for a in args))
    if not (SUBPROCESS if subprocess_ is None else subprocess_):
        return _in_process(argv)
    proc = subprocess.run([sys.executable, *argv[1:]], cwd=REPO_ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr)


def _in_process(argv: tuple[str, ...]) -> Run:
    """What `python -m cxlib` does (cxlib/__main__.py), with the output captured."""
    from cxlib.cli import main

    out, err = StringIO(), StringIO()
    with _IN_PROCESS, chdir(REPO_ROOT), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv[3:]))
        except SystemExit as exc:  # argparse: --help and usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return Run(argv, code, out.getvalue(), err.getvalue())


def run_all(commands: Mapping[K, Sequence[object]]) -> dict[K, Run]:
    """Run several commands, JOBS at a time, so a module's runs share the machine's two cores."""
    with ThreadPoolExecutor(JOBS) as pool:
        futures = {key: pool.submit(cxlib, *args) for key, args in commands.items()}
        return {key: future.result() for key, future in futures.items()}


def load_command(paths: Sequence[Path]) -> tuple[object, ...]:
    """`load --format json` over all files at once (one run for a module's load checks)."""
    return ("load", *paths, "--format", "json")


def load_reports(run: Run, paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """The load report of `load_command(paths)`, keyed by source file name.

    When loading the files together failed, each is loaded alone so one refused file does not hide
    the others; a file that fails alone maps to {"error": stderr}.
    """
    if run.code == 0:
        return {row["source"]: row for row in json.loads(run.out)}
    reports: dict[str, dict[str, Any]] = {}
    for path, alone in run_all({p: ("load", p, "--format", "json") for p in paths}).items():
        if alone.code == 0:
            reports.update({row["source"]: row for row in json.loads(alone.out)})
        else:
            reports[path.name] = {"error": f"exit {alone.code}: {alone.err.strip()}"}
    return reports


def report_for(reports: dict[str, dict[str, Any]], path: Path) -> dict[str, Any]:
    """The load-report row of one file (its only table), failing clearly when it did not load."""
    rows = [r for source, r in reports.items() if source == path.name or source.startswith(f"{path.name} [")]
    assert rows, f"{path.name}: not in the load report ({sorted(reports)})"
    assert "error" not in rows[0], f"{path.name}: {rows[0]['error']}"
    return rows[0]


def assert_shape(row: dict[str, Any], *words: str) -> None:
    """The load report names the recognised tool and shape in its `shape` column."""
    assert "shape" in row, f"{row['source']}: the load report has no `shape` column (keys: {sorted(row)})"
    shape = str(row["shape"] or "")
    for word in words:
        assert word.casefold() in shape.casefold(), f"{row['source']}: shape {shape!r} does not name {word!r}"


def assert_rows(row: dict[str, Any], loaded: int) -> None:
    """Every data row loaded, none rejected, and read = loaded + rejected."""
    got = (row["rows_read"], row["rows_loaded"], row["rows_rejected"])
    assert got == (loaded, loaded, 0), f"{row['source']}: read/loaded/rejected {got}, expected {loaded} data rows"


def roles(row: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["suggested_role"] for c in row["columns"]}


def by_segment(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r["segment"]): r for r in rows}
