"""What one upload session costs the server: load and mapping, then every page's first visit.

    python -m tests.profile_session [--rounds 2] [--threads N] [--top 0]

No browser: each round is a new AppTest session (the app's own script runs, in this process) that
loads the files `make load` uploads (`tests.load.SAMPLE_UPLOAD`: the sample's accounts, journey
events, surveys and ratings) as an upload (`Workspace.load` → suggested mapping → `apply`, so
nothing comes from the server's shared sample results) and visits every page once, in the
navigation's order. With JOURNEY_LENS_PROFILE set, each script run records its process CPU
(`app_pages/_profile.py`). The first round warms the imports; the last round's numbers are printed:
what every further session of `make load` asks of the server, minus Streamlit's websocket work.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("funnel", "journey", "account", "early_warning", "stories", "centricity", "scores", "outcomes", "segments",
         "drivers", "data", "sql", "workspace")


def _session(record: Path) -> tuple[float, list[dict]]:
    """One upload session: (load + mapping CPU seconds, one profile record per page's first visit)."""
    from streamlit.testing.v1 import AppTest

    from cxlib.workspace import Workspace
    from tests.load import SAMPLE_UPLOAD

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
        visits.append({"page": page, **{k: sum(r[k] for r in runs) for k in ("cpu_s", "queries", "figures",
                                                                               "serialisation", "other")},
                       "top": [t for r in runs for t in r["top"]]})
    ws.close()
    return load_s, visits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="sessions, one after another (the last is shown)")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads per session (default: all cores)")
    parser.add_argument("--top", type=int, default=0, help="also show each page's N slowest own functions")
    args = parser.parse_args(argv)
    record = Path(tempfile.mkdtemp()) / "runs.jsonl"
    os.environ["JOURNEY_LENS_PROFILE"] = str(record)
    if args.threads:
        os.environ["JOURNEY_LENS_THREADS"] = str(args.threads)
    os.chdir(ROOT)
    for _ in range(max(1, args.rounds)):
        load_s, visits = _session(record)
    print(f"One upload session (make load's four sample CSV files), server CPU in ms, round {args.rounds} of {args.rounds}")
    print("| step | CPU ms | queries / figures / serialisation / other (script thread, ms) |")
    print("|---|---:|---|")
    print(f"| upload: load + suggested mapping + apply | {load_s * 1000:,.0f} | |")
    for v in visits:
        split = " / ".join(f"{v[k] * 1000:,.0f}" for k in ("queries", "figures", "serialisation", "other"))
        print(f"| {v['page']} | {v['cpu_s'] * 1000:,.0f} | {split} |")
        for name, cum in sorted(v["top"], key=lambda t: -t[1])[:args.top]:
            print(f"|  · {name} | {cum * 1000:,.0f} | |")
    total = load_s + sum(v["cpu_s"] for v in visits)
    print(f"| **whole session** | **{total * 1000:,.0f}** | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
