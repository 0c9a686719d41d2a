"""`make profile-pages`: what each page costs the server, cold and warm, on the sample and on an upload.

    python -m tests.profile_pages [--rows 100000] [--page-timeout 240]

Starts the real `streamlit run app.py` with JOURNEY_LENS_PROFILE set, so every script run appends
its process CPU seconds and a profiler's split (the script thread's wall clock: DuckDB queries, figure
building, Streamlit serialisation, the rest) to a file (app_pages/_profile.py). Headless Chromium then
drives three sessions one after another, each visiting every page twice through the navigation:
- "first": the first session on the fresh server (it also pays what is prepared once per server);
- "next": a second session on the sample (what every later visitor pays);
- "upload": a third session that uploads a generated journey-events CSV of `--rows` events.
A visit's cost is the sum of the script runs it caused (a page may rerun itself once). A profiler
slows Python-heavy work (figures, pandas) more than DuckDB's, so a second server without it
(JOURNEY_LENS_RUN_LOG: process CPU per script run, nothing else) runs a "first" and a "next" session
again: its "next session cold" column is the server time a later visitor's first visit costs. Prints
one table: server CPU ms per page and visit, and the split (ms) of the "next" session's cold visit.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import tests.load as load
from tests.bench_upload import write_csv

PARTS = ("queries", "figures", "serialisation", "other")


def _runs(path: Path) -> list[dict[str, Any]]:
    """Every script run recorded so far, in order."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _settled(page: Any, timeout_ms: float, previous: str | None) -> None:
    page.wait_for_function(load.SETTLED_JS, arg=previous, polling=100, timeout=timeout_ms)


def _visit(page: Any, href: str, timeout_ms: float, record: Path) -> list[dict[str, Any]]:
    """Open one page through the navigation; the script runs it caused."""
    before = len(_runs(record))
    previous = page.evaluate(load.MARK_JS)
    link = page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first
    label = link.inner_text().split("\n")[-1].strip()
    link.click()
    _settled(page, timeout_ms, None if label == previous else previous)
    time.sleep(0.3)   # the run's record is written as its script thread ends
    return _runs(record)[before:]


def _session(browser: Any, url: str, timeout_ms: float, record: Path, upload: Path | None
             ) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """One browser session: (upload), every page cold, then every page warm."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    seen: dict[tuple[str, str], list[dict[str, Any]]] = {}
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        before = len(_runs(record))
        page.goto(url)
        page.wait_for_selector('[data-testid="stApp"]')
        page.evaluate(load.MARK_JS)
        _settled(page, timeout_ms, None)
        time.sleep(0.3)
        first = _runs(record)[before:]
        links = page.locator('[data-testid="stSidebarNav"] a')
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        if upload is not None:
            data = next(h for h in hrefs if h.rstrip("/").endswith("/data"))
            _visit(page, data, timeout_ms, record)
            before = len(_runs(record))
            page.evaluate(load.MARK_JS)
            page.locator("input[type=file][multiple]").first.set_input_files(str(upload))
            page.get_by_text(f"Your upload: {upload.name}").first.wait_for(timeout=timeout_ms)
            _settled(page, timeout_ms, None)
            time.sleep(0.3)
            seen[("upload + load + mapping", "cold")] = _runs(record)[before:]
            first = []
        for visit in ("cold", "warm"):
            for i, href in enumerate(hrefs):
                runs = _visit(page, href, timeout_ms, record)
                if visit == "cold" and i == 0 and first:
                    runs = first + runs    # the landing page's first run is its cold visit
                name = runs[-1]["page"] if runs else href.rsplit("/", 1)[-1]
                seen[(name, visit)] = runs
    finally:
        context.close()
    return seen


def _ms(runs: list[dict[str, Any]], key: str = "cpu_s") -> float:
    return 1000 * sum(r[key] for r in runs)


def table(results: dict[str, dict[tuple[str, str], list[dict[str, Any]]]]) -> list[str]:
    """The printed table: CPU ms per page for each session and visit, and the split of the next cold visit."""
    pages = list(dict.fromkeys(name for seen in results.values() for name, _ in seen))
    head = ("| page | first session cold | next session cold | next session cold, no profiler | warm | upload cold "
            "| upload warm | next cold: queries / figures / serialisation / other |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name in pages:
        cells = []
        for session, visit in (("first", "cold"), ("next", "cold"), ("plain", "cold"), ("next", "warm"),
                               ("upload", "cold"), ("upload", "warm")):
            runs = results.get(session, {}).get((name, visit))
            cells.append(f"{_ms(runs):,.0f}" if runs else "–")
        split_runs = results.get("next", {}).get((name, "cold"), [])
        split = " / ".join(f"{_ms(split_runs, p):,.0f}" for p in PARTS) if split_runs else "–"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {split} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="events in the uploaded CSV")
    parser.add_argument("--page-timeout", type=float, default=240, help="seconds one page may take")
    parser.add_argument("--top", action="store_true", help="also list each page's slowest own functions")
    args = parser.parse_args(argv)
    if not Path(load.CHROMIUM).exists():
        print(f"Chromium not found at {load.CHROMIUM}: run 'make browser' (apt-get install chromium).")
        return 2
    from playwright.sync_api import sync_playwright

    timeout_ms = args.page_timeout * 1000
    with tempfile.TemporaryDirectory(prefix="journey-lens-profile-") as tmp:
        record = Path(tmp) / "runs.jsonl"
        upload, rows = write_csv(args.rows, Path(tmp))
        results: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = {}
        with load.running_server(env={"JOURNEY_LENS_PROFILE": str(record)},
                                 log_path=Path(tmp) / "server.log") as (url, _proc), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=load.CHROMIUM, headless=True, args=load.CHROMIUM_ARGS)
            try:
                results["first"] = _session(browser, url, timeout_ms, record, None)
                results["next"] = _session(browser, url, timeout_ms, record, None)
                results["upload"] = _session(browser, url, timeout_ms, record, upload)
            finally:
                browser.close()
        # The same visits without the profiler: what a later visitor's first visit really costs.
        plain = Path(tmp) / "plain.jsonl"
        with load.running_server(env={"JOURNEY_LENS_RUN_LOG": str(plain)},
                                 log_path=Path(tmp) / "server-plain.log") as (url, _proc), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=load.CHROMIUM, headless=True, args=load.CHROMIUM_ARGS)
            try:
                _session(browser, url, timeout_ms, plain, None)
                results["plain"] = _session(browser, url, timeout_ms, plain, None)
            finally:
                browser.close()
    print(f"Journey Lens page cost: server CPU ms per visit (process CPU of the script runs it caused); "
          f"upload = {rows:,} journey events; split = the script thread's profile, ms")
    print("\n".join(table(results)))
    if args.top:
        for (name, visit), runs in results["next"].items():
            if visit == "cold" and runs:
                print(f"\n{name} (next session, cold): " + "; ".join(
                    f"{fn} {1000 * cum:,.0f}" for fn, cum in runs[-1]["top"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
