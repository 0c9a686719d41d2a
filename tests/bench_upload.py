"""`make bench-upload`: the real app in a real browser — a fresh server's first page, a 1 M-row upload.

    python -m tests.bench_upload [--rows 1000000] [--rounds 3] [--first-page-rounds 3] [--root DIR]

Starts `streamlit run app.py` on 127.0.0.1 and drives /usr/bin/chromium (headless, Playwright):
- first page: a freshly started server per round (health check answered), a new browser session
  opens the app; seconds from navigation to the page's navigation shown (the app's first script
  run has started), to the Funnel page's first Plotly chart drawn (the sample company's funnel) and
  to its script run finished;
- upload: a generated event CSV of `--rows` rows (tests/bench/data.py's journeys) chosen in the Data
  page's uploader, in a new session per round on one warm server; seconds from the file chosen to
  the load report showing its row count, and to the first funnel chart drawn after clicking Funnel
  (and, before the upload, the seconds a new session on the warm server takes to its first chart).
Prints the medians with the per-round spread and appends the run to bench-results/bench.json.
`--root` runs another checkout's app (e.g. the main branch, for a before/after of the first page).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

import tests.load as load
from tests.bench.data import generate
from tests.bench.report import append_json, clean, machine

RESULTS = load.ROOT / "bench-results" / "bench.json"
TARGETS = {"upload: file chosen → load report": 3.0, "upload: file chosen → first funnel chart": 5.0,
           "fresh server: first funnel chart": 2.0}
CHART = '[data-testid="stPlotlyChart"] .main-svg'
METRIC = '[data-testid="stMetric"]'
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def write_csv(rows: int, folder: Path) -> tuple[Path, int]:
    """A journey-events CSV (account_id, stage, ts) with about `rows` rows; its path and exact row count."""
    con = duckdb.connect(config={"threads": 2})
    try:
        generate(con, rows)
        path = folder / "events_1m.csv" if rows == 1_000_000 else folder / f"events_{rows}.csv"
        con.execute("COPY (SELECT account_id, stage, strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts "
                    "FROM journey_events) TO ? (HEADER, DELIMITER ',')", [str(path)])
        n = con.execute("SELECT count(*) FROM journey_events").fetchone()[0]
        return path, int(n)
    finally:
        con.close()


def _browser(p: Any) -> Any:
    return p.chromium.launch(executable_path=load.CHROMIUM, headless=True, args=load.CHROMIUM_ARGS)


def first_page_round(timeout_s: float) -> dict[str, float]:
    """A fresh server, one new session: seconds to the first chart drawn and to the run finished."""
    from playwright.sync_api import sync_playwright

    with load.running_server(env={"JOURNEY_LENS_THREADS": "2"}) as (url, _proc), sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(timeout_s * 1000)
            t0 = time.perf_counter()
            page.goto(url)
            out: dict[str, float] = {}
            page.wait_for_selector('[data-testid="stSidebarNav"]', state="visible")
            out["fresh server: navigation shown"] = time.perf_counter() - t0
            page.wait_for_selector(CHART, state="visible")
            out["fresh server: first funnel chart"] = time.perf_counter() - t0
            page.wait_for_function(IDLE_JS, polling=100)
            out["fresh server: first page finished"] = time.perf_counter() - t0
            return out
        finally:
            browser.close()


def upload_round(url: str, csv: Path, rows: int, timeout_s: float) -> dict[str, float]:
    """One new session: choose the file on the Data page; time the load report, then the funnel chart."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(timeout_s * 1000)
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(CHART, state="visible")            # the sample's funnel
            out = {"warm server, new session: first funnel chart": time.perf_counter() - t0}
            page.locator('[data-testid="stSidebarNav"] a[href$="/data"]').first.click()
            page.wait_for_selector('input[type=file][multiple]', state="attached")
            page.wait_for_function(IDLE_JS, polling=100)
            t0 = time.perf_counter()
            page.locator('input[type=file][multiple]').first.set_input_files(str(csv))
            rows_read = page.locator(METRIC, has=page.locator('[data-testid="stMetricLabel"]', has_text="Rows read"))
            rows_read.locator('[data-testid="stMetricValue"]', has_text=f"{rows:,}").first.wait_for(state="visible")
            out["upload: file chosen → load report"] = time.perf_counter() - t0
            page.wait_for_function(IDLE_JS, polling=100)
            page.locator('[data-testid="stSidebarNav"] a').first.click()       # Funnel, the first page
            page.wait_for_selector(CHART, state="visible")
            out["upload: file chosen → first funnel chart"] = time.perf_counter() - t0
            if "Traceback" in (page.locator("body").text_content() or ""):
                raise RuntimeError("a traceback on the Funnel page after the upload")
            return out
        finally:
            browser.close()


def summarise(samples: list[dict[str, float]]) -> list[dict[str, Any]]:
    """Median and min–max per measurement, with its target when it has one."""
    out = []
    for name in dict.fromkeys(k for s in samples for k in s):
        values = [s[name] for s in samples if name in s]
        med = statistics.median(values)
        rec: dict[str, Any] = {"measurement": name, "median_s": med, "min_s": min(values), "max_s": max(values),
                               "runs": len(values)}
        if name in TARGETS:
            rec["target"] = f"{'met' if med <= TARGETS[name] else 'MISSED'} ≤ {TARGETS[name]:g} s"
        out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_upload", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="events in the uploaded CSV")
    parser.add_argument("--rounds", type=int, default=3, help="upload rounds (new session each)")
    parser.add_argument("--first-page-rounds", type=int, default=3, help="fresh servers for the first page")
    parser.add_argument("--skip-upload", action="store_true", help="only the fresh server's first page")
    parser.add_argument("--timeout", type=float, default=180, help="seconds one step may take")
    parser.add_argument("--root", type=Path, default=None, help="run the app of another checkout")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not Path(load.CHROMIUM).exists():
        print(f"Chromium not found at {load.CHROMIUM}: run 'make browser' (apt-get install chromium).")
        return 2
    if args.root is not None:
        load.ROOT = args.root.resolve()     # running_server starts ROOT/app.py from ROOT
    samples: list[dict[str, float]] = []
    for i in range(args.first_page_rounds):
        samples.append(first_page_round(args.timeout))
        print(f"  first page, round {i + 1}: " + ", ".join(f"{k} {v:.2f}s" for k, v in samples[-1].items()),
              flush=True)
    csv_mb = None
    if not args.skip_upload and args.rounds > 0:
        with tempfile.TemporaryDirectory(prefix="journey-lens-upload-") as tmp:
            csv, rows = write_csv(args.rows, Path(tmp))
            csv_mb = csv.stat().st_size / 1024**2
            print(f"  {csv.name}: {rows:,} rows, {csv_mb:.0f} MB", flush=True)
            with load.running_server(env={"JOURNEY_LENS_THREADS": "2"}) as (url, _proc):
                for i in range(args.rounds):
                    samples.append(upload_round(url, csv, rows, args.timeout))
                    print(f"  upload, round {i + 1}: " + ", ".join(f"{k} {v:.2f}s" for k, v in samples[-1].items()),
                          flush=True)
    records = summarise(samples)
    print(f"\n| {'measurement':<42} | median s | min–max s   | runs | target")
    print(f"|{'-' * 44}|----------|-------------|------|-------")
    for r in records:
        print(f"| {r['measurement']:<42} | {r['median_s']:8.2f} | {r['min_s']:5.2f}–{r['max_s']:<5.2f} | "
              f"{r['runs']:>4} | {r.get('target', '')}")
    append_json(args.json, clean({"bench": "make bench-upload", "machine": machine(), "root": str(load.ROOT),
                                  "rows": args.rows, "csv_mb": csv_mb, "measurements": records}))
    print(f"\nappended to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
