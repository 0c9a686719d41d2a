"""What one upload session costs the server: load and mapping, then every page's first visit.

    python -m tests.profile_session [--rounds 2] [--threads N] [--top 0]

No browser: each round is a new AppTest session (the app's own script runs, in this process) that
loads the files `make load` uploads (`tests.load.SAMPLE_UPLOAD`: the sample's accounts, journey
events, surveys and ratings) as an upload (`Workspace.load` → suggested mapping → `apply`, so
nothing comes from the server's shared sample results) and visits every page once, in the
navigation's order. Each round runs two such sessions: one with JOURNEY_LENS_PROFILE set (each
script run records its process CPU and a profiler's split, `app_pages/_profile.py`) and one with
JOURNEY_LENS_RUN_LOG only (process CPU, no profiler, which slows Python-heavy work about twofold).
The first round warms the imports; the last round's numbers are printed: what every further
session of `make load` asks of the server, minus Streamlit's websocket work.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from app_pages._profile import PROFILE_ENV, RUN_LOG_ENV

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("funnel", "journey", "account", "early_warning", "stories", "centricity", "scores", "outcomes", "segments",
         "drivers", "data", "sql", "workspace")


def _session(record: Path, env: str) -> tuple[float, list[dict]]:
    """One upload session recorded through `env` (the profiler's or the plain run log's variable):
    (load + mapping CPU seconds, one record per page's first visit)."""
    from streamlit.testing.v1 import AppTest

    from cxlib.workspace import Workspace
    from tests.load import SAMPLE_UPLOAD

    for name in (PROFILE_ENV, RUN_LOG_ENV):
        os.environ.pop(name, None)
    os.environ[env] = str(record)
    started = time.process_time()
    ws = Workspace()
    ws.load(SAMPLE_UPLOAD)
    ws.apply(ws.suggest_mapping())
    load_s = time.process_time() - started
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["workspace"] = ws
    at.switch_page("app_pages/workspace.py")
    at.run()
    visits = []
    for page in PAGES:
        seen = len(record.read_text().splitlines()) if record.exists() else 0
        at.switch_page(f"app_pages/{page}.py").run()
        if at.exception:
            raise SystemExit(f"{page}: {[e.value for e in at.exception][:2]}")
        runs = [json.loads(line) for line in record.read_text().splitlines()[seen:]]
        visits.append({"page": page, **{k: sum(r.get(k, 0.0) for r in runs) for k in ("cpu_s", "queries", "figures",
                                                                                      "serialisation", "other")},
                       "top": [t for r in runs for t in r.get("top", [])]})
    ws.close()
    return load_s, visits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="sessions, one after another (the last is shown)")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads per session (default: all cores)")
    parser.add_argument("--top", type=int, default=0, help="also show each page's N slowest own functions")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp())
    if args.threads:
        os.environ["JOURNEY_LENS_THREADS"] = str(args.threads)
    os.chdir(ROOT)
    for _ in range(max(1, args.rounds)):
        load_s, visits = _session(folder / "profiled.jsonl", PROFILE_ENV)
        plain_load_s, plain = _session(folder / "plain.jsonl", RUN_LOG_ENV)
    print(f"One upload session (make load's four sample CSV files), server CPU in ms, round {args.rounds} of {args.rounds}")
    print("\n".join(session_table(load_s, visits, plain_load_s, plain, args.top)))
    return 0


def session_table(load_s: float, visits: list[dict], plain_load_s: float, plain: list[dict],
                  top: int = 0) -> list[str]:
    """The printed table: each step's CPU ms with the profiler, without it, and the profiler's split."""
    lines = ["| step | CPU ms | CPU ms, no profiler | queries / figures / serialisation / other (script thread, ms) |",
             "|---|---:|---:|---|",
             f"| upload: load + suggested mapping + apply | {load_s * 1000:,.0f} | {plain_load_s * 1000:,.0f} | |"]
    for v, w in zip(visits, plain, strict=True):
        split = " / ".join(f"{v[k] * 1000:,.0f}" for k in ("queries", "figures", "serialisation", "other"))
        lines.append(f"| {v['page']} | {v['cpu_s'] * 1000:,.0f} | {w['cpu_s'] * 1000:,.0f} | {split} |")
        for name, cum in sorted(v["top"], key=lambda t: -t[1])[:top]:
            lines.append(f"|  · {name} | {cum * 1000:,.0f} | | |")
    total = load_s + sum(v["cpu_s"] for v in visits)
    plain_total = plain_load_s + sum(w["cpu_s"] for w in plain)
    lines.append(f"| **whole session** | **{total * 1000:,.0f}** | **{plain_total * 1000:,.0f}** | |")
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
