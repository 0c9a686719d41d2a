"""`make load`: 20 concurrent browser sessions on the real server; errors, page times, memory.

Starts `streamlit run app.py` on 127.0.0.1 (a free port), drives N Playwright contexts in one
headless Chromium concurrently (async API), each uploading the sample CSVs through the Data page
and visiting every page. Prints errors (must be 0), p50/p95 page times, the machine's CPU split into
the server and the rest (/proc/stat), the server's own script-run times per page
(JOURNEY_LENS_RUN_LOG), the server's peak RSS and peak RSS per session, and RSS once every context
has closed and the session TTL has passed (with no visitor), then after one more visitor. Bounded:
a hard stop after --max-minutes; it always stops the server.

    python -m tests.load [--sessions 20] [--ttl 10] [--max-minutes 10] [--browsers-idle] [--root DIR]

With one session it also prints Chromium's CPU per step (every Chromium process's CPU from /proc).

`--root tests/control_app` runs the control instead of the app: the same navigation and uploader,
nothing computed, so the same run's numbers show what the harness itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    """A TCP port nobody listens on right now (127.0.0.1)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(extra_args: Sequence[str] = (), env: dict[str, str] | None = None,
                   log_path: Path | None = None, start_timeout_s: float = 90) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the real app with extra `streamlit run` options; yield (url, process); always stop it."""
    port = free_port()
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    log_path = log_path or Path(os.devnull)
    with open(log_path, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # As in production: no reloading (a reload mid-run races imports and resets the registry).
             "--server.fileWatcherType", "none", "--server.runOnSave", "false", *extra_args],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=full_env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log = log_path.read_text() if log_path.name != os.devnull else ""
                raise RuntimeError(f"streamlit did not start:\n{log}")
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# ---- The load run ---------------------------------------------------------------------------------

UPLOAD_STEP = "upload + load + mapping"
SAMPLE_UPLOAD = [ROOT / "data" / name for name in
                 ("accounts.csv", "journey_events.csv", "surveys.csv", "factor_ratings.csv")]

# Resolves (with the milliseconds from the action's mark to the end of its script run) once the
# page shows a title other than `previous` (null: any title) or an exception, no script is running
# and nothing has changed for 700 ms. Waiting for the new title makes a click whose rerun starts
# late under load count as unfinished rather than done.
SETTLED_JS = """(previous) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  const title = h1 ? h1.textContent.trim() : null;
  const busy = !app || app.getAttribute('data-test-script-state') !== 'notRunning'
    || !!document.querySelector('[data-testid="stStatusWidget"]')
    || !document.querySelector('[data-testid="stSidebarNav"]')
    || (!document.querySelector('[data-testid="stException"]')
        && (!title || (previous !== null && title === previous)));
  if (busy) { window.__jlQuietSince = 0; return false; }
  window.__jlQuietSince = window.__jlQuietSince || Date.now();
  return Date.now() - window.__jlQuietSince > 700
    ? Math.max(window.__jlQuietSince - (window.__jlStart || window.__jlQuietSince), 1) : false;
}"""
MARK_JS = """() => {
  window.__jlQuietSince = 0; window.__jlStart = Date.now();
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  return h1 ? h1.textContent.trim() : null;
}"""


def rss_mb(pid: int) -> float | None:
    """The process's resident memory (VmRSS) in MB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_s() -> float:
    """CPU seconds used so far by every running Chromium process on the machine (its tabs' renderers too).

    Meaningful per step only while one session runs: a tab's renderer lives as long as its tab."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, IndexError, ValueError):
            continue
        if "chrom" in name or "headless" in name:
            values = fields.split()
            total += (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_cpu_s() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine so far, every core and process (/proc/stat).

    Counting the load generator's own processes misses most of Chromium (its zygote's renderers, and
    every renderer that exited with its tab), so the machine's count tells what the browsers took."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]                      # idle + iowait
    busy = sum(fields[:8]) - idle                     # user nice system (idle iowait) irq softirq steal
    return busy / tick, idle / tick


def run_log_summary(path: Path, skip_lines: int, key: str = "wall_s") -> dict[str, list[float]]:
    """The server's own script runs' `key` (wall seconds; `cpu_s`: process CPU seconds during the run) by page,
    from JOURNEY_LENS_RUN_LOG, after `skip_lines`."""
    if not path.exists():
        return {}
    by_page: dict[str, list[float]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[skip_lines:]:
        record = json.loads(line)
        by_page.setdefault(record["page"], []).append(record[key])
    return by_page


class RssSampler(threading.Thread):
    """Samples a process's RSS every `every_s` seconds; keeps the peak and the latest value."""

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak = 0.0
        self.latest = 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            value = rss_mb(self.pid)
            if value is not None:
                self.latest = value
                self.peak = max(self.peak, value)
            self._stop_event.wait(self.every_s)

    def reset_peak(self) -> None:
        self.peak = self.latest

    def stop(self) -> None:
        self._stop_event.set()


@dataclass
class SessionResult:
    """What one browser session saw: page times by page, and every error."""

    index: int
    times: dict[str, float] = field(default_factory=dict)
    browser_cpu: dict[str, float] = field(default_factory=dict)   # Chromium's CPU seconds per step
    errors: list[str] = field(default_factory=list)
    finished: bool = False


async def _settle(page, timeout_ms: float, previous: str | None = None) -> float:  # type: ignore[no-untyped-def]
    """Seconds the last marked action took, once its page has rendered (see SETTLED_JS)."""
    handle = await page.wait_for_function(SETTLED_JS, arg=previous, polling=100, timeout=timeout_ms)
    return float(await handle.json_value()) / 1000


async def _click_page(page, href: str, timeout_ms: float) -> float:  # type: ignore[no-untyped-def]
    """Open a page through the navigation (keeps the session); seconds until it has rendered."""
    previous = await page.evaluate(MARK_JS)
    link = page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first
    label = (await link.inner_text()).split("\n")[-1].strip()
    await link.click()
    # Each page's title is its navigation label; on the page it is on, a click only reruns it.
    return await _settle(page, timeout_ms, None if label == previous else previous)


async def _check(page, where: str, result: SessionResult) -> None:  # type: ignore[no-untyped-def]
    exceptions = page.locator('[data-testid="stException"]')
    text = await page.locator("body").text_content() or ""
    if await exceptions.count():
        first = " ".join((await exceptions.first.inner_text()).split())[:200]
        result.errors.append(f"session {result.index}: {await exceptions.count()} exception(s) on {where}: {first}")
    if "Traceback" in text:
        result.errors.append(f"session {result.index}: a traceback on {where}")


async def _one_session(browser, url: str, result: SessionResult, timeout_ms: float,  # type: ignore[no-untyped-def]
                       start_delay_s: float) -> None:
    """Open the app, upload the sample exports on the Data page, visit every page; time each step."""
    index = result.index
    await asyncio.sleep(start_delay_s)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        page.set_default_timeout(timeout_ms)
        mark = browser_cpu_s()

        def browser_step(name: str) -> None:
            nonlocal mark
            now = browser_cpu_s()
            result.browser_cpu[name], mark = now - mark, now

        await page.goto(url)
        await page.wait_for_selector('[data-testid="stApp"]')
        await page.evaluate(MARK_JS)
        result.times["first page (sample)"] = await _settle(page, timeout_ms)
        browser_step("first page (sample)")
        links = page.locator('[data-testid="stSidebarNav"] a')
        hrefs = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
        names = [(await links.nth(i).inner_text()).split("\n")[-1].strip() for i in range(len(hrefs))]
        data_href = next(h for h in hrefs if h.rstrip("/").endswith("/data"))
        await _click_page(page, data_href, timeout_ms)
        mark = browser_cpu_s()
        await page.evaluate(MARK_JS)
        await page.locator('input[type=file][multiple]').first.set_input_files(
            [str(p) for p in SAMPLE_UPLOAD])
        await page.get_by_text("Your upload: accounts.csv").first.wait_for(timeout=timeout_ms)
        result.times[UPLOAD_STEP] = await _settle(page, timeout_ms)
        browser_step(UPLOAD_STEP)
        await _check(page, "the Data page after the upload", result)
        for href, name in zip(hrefs, names, strict=True):
            result.times[name] = await _click_page(page, href, timeout_ms)
            browser_step(name)
            await _check(page, name, result)
        result.finished = True
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported, never hidden
        result.errors.append(f"session {index}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def _drive(url: str, results: list[SessionResult], timeout_ms: float, stagger_s: float,
                 budget_s: float, executable: str = CHROMIUM) -> bool:
    """Run every session concurrently in the browser at `executable`; at the time budget cancel the rest.
    True if all ended in time."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            tasks = [asyncio.create_task(_one_session(browser, url, r, timeout_ms, r.index * stagger_s))
                     for r in results]
            _done, pending = await asyncio.wait(tasks, timeout=budget_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            return not pending
        finally:
            await browser.close()


async def _visit_once(url: str, timeout_ms: float, every_page: bool = False) -> None:
    """One short session on the sample: its script run sweeps; `every_page` warms up a fresh server."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context()
            page = await context.new_page()
            page.set_default_timeout(timeout_ms)
            await page.goto(url)
            await page.wait_for_selector('[data-testid="stApp"]')
            await page.evaluate(MARK_JS)
            await _settle(page, timeout_ms)
            links = page.locator('[data-testid="stSidebarNav"] a')
            hrefs = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
            for href in hrefs if every_page else []:
                await _click_page(page, href, timeout_ms)
            await context.close()
        finally:
            await browser.close()


def _visit(url: str, timeout_ms: float, every_page: bool = False) -> list[str]:
    """Run one short visit; its failure is reported as an error, never stops the run."""
    try:
        asyncio.run(_visit_once(url, timeout_ms, every_page))
    except Exception as exc:  # noqa: BLE001 - counted and printed with the sessions' errors
        return [f"{'warm-up' if every_page else 'sweep'} visit: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200]}"]
    return []


def _pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _settle_memory(sampler: RssSampler, seconds: float) -> float:
    """The lowest RSS over a few seconds (the allocator hands memory back in steps)."""
    lows = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        lows.append(sampler.latest)
        time.sleep(0.2)
    return min(lows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--ttl", type=float, default=10, help="server.disconnectedSessionTTL for the run (s)")
    parser.add_argument("--threads", type=int, default=1, help="JOURNEY_LENS_THREADS per session")
    parser.add_argument("--memory-limit", default=os.environ.get("JOURNEY_LENS_MEMORY_LIMIT", "1GB"))
    parser.add_argument("--stagger", type=float, default=0.5, help="seconds between session starts")
    parser.add_argument("--page-timeout", type=float, default=240, help="seconds one step may take")
    parser.add_argument("--max-minutes", type=float, default=10, help="hard stop for the whole run")
    parser.add_argument("--browsers-idle", action="store_true",
                        help="run Chromium under the SCHED_IDLE policy (chrt --idle 0), so the browsers, which stand in "
                             "for the team's own computers, take only the CPU the server leaves (default: equal share)")
    parser.add_argument("--root", type=Path, default=None,
                        help="run the app.py of another checkout; tests/control_app is the control (nothing computed)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: run 'make browser' (apt-get install chromium).")
        return 2
    global ROOT
    if args.root is not None:
        ROOT = args.root.resolve()      # running_server starts ROOT/app.py from ROOT

    started = time.monotonic()
    deadline = started + args.max_minutes * 60
    timeout_ms = args.page_timeout * 1000
    with tempfile.TemporaryDirectory(prefix="journey-lens-load-") as tmp:
        executable = CHROMIUM
        if args.browsers_idle:
            # The browsers stand in for the team's own computers: under Linux's SCHED_IDLE policy they take
            # only the CPU the server leaves (`nice` does not hold: Chromium sets its own nice levels).
            wrapper = Path(tmp) / "chromium-idle"
            wrapper.write_text(f'#!/bin/sh\nexec chrt --idle 0 {CHROMIUM} "$@"\n', encoding="utf-8")
            wrapper.chmod(0o755)
            executable = str(wrapper)
        stats_path = Path(tmp) / "sessions.json"
        run_log = Path(tmp) / "runs.jsonl"
        env = {"JOURNEY_LENS_RUN_LOG": str(run_log), "JOURNEY_LENS_THREADS": str(args.threads), "JOURNEY_LENS_MEMORY_LIMIT": args.memory_limit,
               "JOURNEY_LENS_SESSION_STATS": str(stats_path),
               "JOURNEY_LENS_SESSION_IDLE_S": str(args.ttl)}
        with running_server(["--server.disconnectedSessionTTL", str(int(args.ttl))], env=env,
                            log_path=Path(tmp) / "server.log") as (url, proc):
            sampler = RssSampler(proc.pid)
            sampler.latest = sampler.peak = rss_mb(proc.pid) or 0.0
            sampler.start()
            try:
                at_start = _settle_memory(sampler, 1)
                # Prepares the shared sample and imports every page's modules: one-off server costs.
                visit_errors = _visit(url, timeout_ms, every_page=True)
                time.sleep(args.ttl * 2 + 3)
                visit_errors += _visit(url, timeout_ms)     # sweeps the warm-up session
                baseline = _settle_memory(sampler, 3)
                sampler.reset_peak()

                budget = max(deadline - time.monotonic() - args.ttl * 2 - 60, 30)
                run_start = time.monotonic()
                cpu_before = cpu_s(proc.pid)
                machine_before = machine_cpu_s()
                runs_before = len(run_log.read_text().splitlines()) if run_log.exists() else 0
                results = [SessionResult(i) for i in range(args.sessions)]
                stopped_early = not asyncio.run(_drive(url, results, timeout_ms, args.stagger, budget, executable))
                run_s = time.monotonic() - run_start
                server_cpu = cpu_s(proc.pid) - cpu_before
                machine_after = machine_cpu_s()
                machine_busy = machine_after[0] - machine_before[0]
                machine_idle = machine_after[1] - machine_before[1]
                server_runs = run_log_summary(run_log, runs_before)
                runs_cpu = sum(sum(v) for v in run_log_summary(run_log, runs_before, "cpu_s").values())
                peak = sampler.peak
                at_end_of_run = sampler.latest

                # Every context is closed: wait past the TTL and the idle limit, with no visitor. The
                # server's own sweep releases the sessions and lets Streamlit drop the expired ones.
                time.sleep(args.ttl * 2 + 3)
                after = _settle_memory(sampler, 5)
                # A later visitor, visiting every page (what the server holds once it serves again).
                visit_errors += _visit(url, timeout_ms, every_page=True)
                time.sleep(3)
                after_next = _settle_memory(sampler, 5)
                registry = json.loads(stats_path.read_text()) if stats_path.exists() else {}
                if os.environ.get("JOURNEY_LENS_LOAD_DEBUG"):
                    print(registry, [ln for ln in (Path(tmp) / "server.log").read_text().splitlines() if "use_container_width" not in ln and "width" not in ln and ln.strip()][-30:])
            finally:
                sampler.stop()

    errors = visit_errors + [e for r in results for e in r.errors]
    finished = sum(r.finished for r in results)
    times = [t for r in results for t in r.times.values()]
    by_page: dict[str, list[float]] = {}
    for r in results:
        for name, t in r.times.items():
            by_page.setdefault(name, []).append(t)
    print(f"Journey Lens load: {args.sessions} concurrent sessions in one headless Chromium, "
          f"{os.cpu_count()} cores, threads per session {args.threads}, memory_limit {args.memory_limit}, "
          f"browsers {'under SCHED_IDLE' if args.browsers_idle else 'at the same priority as the server'}, "
          f"disconnectedSessionTTL {args.ttl:g} s, app {ROOT / 'app.py'}")
    if stopped_early:
        print(f"STOPPED at the time limit ({args.max_minutes:g} min) before the sessions finished")
    print(f"sessions finished: {finished}/{args.sessions} in {run_s:.0f} s "
          f"(server CPU {server_cpu:.0f} s, {server_cpu / max(args.sessions, 1):.1f} s per session; "
          f"load average {os.getloadavg()[0]:.1f})")
    if args.sessions == 1:      # with several sessions a run's process CPU also counts the others' work
        print(f"the server's CPU in script runs {runs_cpu:.2f} s, outside them {server_cpu - runs_cpu:.2f} s "
              "(Streamlit's websocket and file handling, the upload's transfer)")
    if args.sessions == 1 and results[0].browser_cpu:
        print("Chromium's CPU seconds per step (every Chromium process on the machine, this session's tab included): "
              + ", ".join(f"{name} {value:.2f}" for name, value in results[0].browser_cpu.items()))
    print(f"the machine's CPU over the run (/proc/stat): {machine_busy + machine_idle:.0f} core-seconds, "
          f"{machine_idle:.0f} s idle; the server used {server_cpu:.0f} s, everything else (the load generator: "
          f"Playwright and Chromium's {args.sessions} tabs) {machine_busy - server_cpu:.0f} s")
    print(f"errors: {len(errors)}")
    for line in errors[:20]:
        print(f"  {line}")
    if times:
        print(f"page times (s), all steps: n={len(times)} p50={_pct(times, .5):.1f} "
              f"p95={_pct(times, .95):.1f} max={max(times):.1f}")
        visits = [t for name, values in by_page.items() if name != UPLOAD_STEP for t in values]
        if visits:    # issue 14's page targets are over page visits; the upload has a target of its own
            print(f"page times (s), page visits (every step but the upload): n={len(visits)} "
                  f"p50={_pct(visits, .5):.1f} p95={_pct(visits, .95):.1f} max={max(visits):.1f}")
        width = max(len(n) for n in by_page)
        for name, values in by_page.items():
            print(f"  {name:<{width}}  n={len(values):>3}  p50={_pct(values, .5):5.1f}  "
                  f"p95={_pct(values, .95):5.1f}  mean={statistics.fmean(values):5.1f}")
    runs = [t for values in server_runs.values() for t in values]
    if runs:
        print(f"the server's own script runs (wall s, from the start to the end of each run; the browser's "
              f"drawing not included): n={len(runs)} p50={_pct(runs, .5):.2f} p95={_pct(runs, .95):.2f} "
              f"max={max(runs):.1f}")
        width = max(len(n) for n in server_runs)
        for name, values in sorted(server_runs.items(), key=lambda kv: -_pct(kv[1], .5)):
            print(f"  {name:<{width}}  n={len(values):>3}  p50={_pct(values, .5):5.2f}  p95={_pct(values, .95):5.2f}")
    per_session = (peak - baseline) / max(args.sessions, 1)
    print(f"server RSS (MB): at start {at_start:.0f}, baseline with the sample prepared {baseline:.0f}, "
          f"peak {peak:.0f}, peak per session {per_session:.0f}, at the end of the run {at_end_of_run:.0f}")
    print(f"server RSS after every session closed and the TTL passed, no visitor: {after:.0f} MB "
          f"({after - baseline:+.0f} MB against the baseline, {after - peak:+.0f} MB against the peak)")
    print(f"server RSS after one more visitor: {after_next:.0f} MB ({after_next - baseline:+.0f} MB against the baseline)")
    if registry:
        print(f"session registry: {registry.get('released_sessions')} released, "
              f"{registry.get('live_sessions')} still tracked (the last visit's own session); "
              f"{registry.get('expired_stored_sessions')} dropped from Streamlit's storage by the sweep")
    print(f"total time {time.monotonic() - started:.0f} s")
    return 1 if errors or finished < args.sessions else 0


if __name__ == "__main__":
    sys.exit(main())
