"""`make load`'s reading of the server's run log: per page, wall seconds or process CPU seconds."""

from __future__ import annotations

import json
from pathlib import Path

from tests.load import run_log_summary


def test_run_log_summary_by_page_after_the_skipped_lines(tmp_path: Path) -> None:
    log = tmp_path / "runs.jsonl"
    records = [{"page": "Funnel", "wall_s": 9.0, "thread_cpu_s": 1.0, "cpu_s": 2.0},      # the warm-up's
               {"page": "Funnel", "wall_s": 0.5, "thread_cpu_s": 0.1, "cpu_s": 0.25},
               {"page": "Data", "wall_s": 1.5, "thread_cpu_s": 0.4, "cpu_s": 0.75},
               {"page": "Funnel", "wall_s": 0.25, "thread_cpu_s": 0.1, "cpu_s": 0.125}]
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert run_log_summary(log, 1) == {"Funnel": [0.5, 0.25], "Data": [1.5]}
    assert run_log_summary(log, 1, "cpu_s") == {"Funnel": [0.25, 0.125], "Data": [0.75]}
    assert run_log_summary(tmp_path / "missing.jsonl", 0) == {}
