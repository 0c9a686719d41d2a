"""Sessions on one real server: never each other's data, closed tabs released, the upload limit enforced.

Two browser contexts are two Streamlit sessions. Each uploads its own small company at the same
time; every page of the navigation is then checked in both for the other company's marker (names,
ids, tier values, table and file names all contain "alpha-only" or "beta-only"), and the numbers
that must differ (rows read, accounts at funnel step 1, SQL rows) are read back from each. The
server has a workspace store configured, so the listing every user sees is checked as well.

Session release is observed through JOURNEY_LENS_SESSION_STATS: when set (tests and `make load`
only) the app writes cxlib.sessions' counts to that JSON file after each script run's sweep.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from tests.browser.conftest import metric_value
from tests.load import MARK_JS, SETTLED_JS, running_server

def settle(page, previous: str | None = None, timeout_ms: int = 120_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until the last action's script run has finished (and the title changed from `previous`)."""
    page.wait_for_function(SETTLED_JS, arg=previous, polling=100, timeout=timeout_ms)


def nav_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The address of every page in the sidebar navigation, in order."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def go(page, href: str) -> None:  # type: ignore[no-untyped-def]
    """Open a page through the navigation (a new address would start a new session)."""
    previous = page.evaluate(MARK_JS)
    link = page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first
    label = link.inner_text().split("\n")[-1].strip()
    link.click()
    # Each page's title is its navigation label; on the page it is on, a click only reruns it.
    settle(page, None if label == previous else previous)


def page_text(page) -> str:  # type: ignore[no-untyped-def]
    """All text in the page (collapsed expanders and the sidebar included) and every input's value."""
    values = page.eval_on_selector_all("input, textarea", "els => els.map(e => e.value).join('\\n')")
    return (page.locator("body").text_content() or "") + "\n" + values


def assert_no_error(page, where: str) -> None:  # type: ignore[no-untyped-def]
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception shown on {where}"
    assert "Traceback" not in page_text(page), f"traceback shown on {where}"


@dataclass(frozen=True)
class Company:
    """One session's upload: every name, id, tier and file name carries the marker."""

    marker: str          # e.g. "Alpha-Only"
    accounts: int
    events_per_account: tuple[int, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        word = self.marker.split("-")[0]
        return re.compile(rf"{word}[-_ ]only", re.IGNORECASE)

    @property
    def stem(self) -> str:
        return self.marker.lower().replace("-", "_")

    @property
    def rows_read(self) -> int:
        return self.accounts + sum(self.events_per_account)

    def write(self, folder: Path) -> list[Path]:
        """An accounts export and a journey-events export for this company."""
        stages = ["Awareness", "Consideration", "Decision"]
        ids = [f"{self.marker.upper()}-{i:03d}" for i in range(1, self.accounts + 1)]
        accounts = folder / f"{self.stem}_accounts.csv"
        accounts.write_text("Account ID,Account Name,Tier,ARR\n" + "".join(
            f"{aid},{self.marker}-Co {i},{self.marker}-{'Gold' if i % 2 else 'Silver'},{1000 * i}\n"
            for i, aid in enumerate(ids, start=1)), encoding="utf-8")
        events = folder / f"{self.stem}_events.csv"
        events.write_text("Account ID,Stage,Entered At\n" + "".join(
            f"{aid},{stages[k]},2025-0{k + 1}-{i + 1:02d}\n"
            for i, (aid, n) in enumerate(zip(ids, self.events_per_account, strict=True)) for k in range(n)),
            encoding="utf-8")
        return [accounts, events]


ALPHA = Company("Alpha-Only", accounts=3, events_per_account=(2, 1, 1))
BETA = Company("Beta-Only", accounts=5, events_per_account=(3, 2, 1, 1, 1))


def _upload(page, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    page.locator('input[type=file][multiple]').first.set_input_files([str(f) for f in files])


def _sql(page, query: str, tmp_path: Path, name: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Run a query on the SQL page; return the result caption and the downloaded CSV."""
    box = page.get_by_label("Query")
    box.fill(query)
    box.press("Control+Enter")
    settle(page)
    page.get_by_role("button", name="Run").click()
    settle(page)
    caption = page.get_by_text(re.compile(r"^[\d,]+ rows in ")).first.inner_text()
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download full result")).click()
    target = tmp_path / name
    info.value.save_as(target)
    return caption, target.read_text(encoding="utf-8")


def test_two_sessions_never_see_each_other(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Server-side workspaces configured, so the Workspace page's shared listing is covered too."""
    env = {"JOURNEY_LENS_WORKSPACE_DIR": str(tmp_path / "store"), "JOURNEY_LENS_THREADS": "1"}
    (tmp_path / "store").mkdir()
    with running_server(env=env, log_path=tmp_path / "server.log") as (app_url, _proc):
        _two_sessions(browser, app_url, tmp_path)


def _two_sessions(browser, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in (ALPHA, BETA)]
    try:
        pages = [c.new_page() for c in contexts]
        for page in pages:
            page.set_default_timeout(60_000)
            page.goto(app_url)
        for page in pages:
            settle(page)
        links = nav_links(pages[0])
        data_link = next(h for h in links if h.rstrip("/").endswith("/data"))
        for page in pages:
            go(page, data_link)

        # Both uploads start before either is waited for: the server loads them side by side.
        for page, company in zip(pages, (ALPHA, BETA), strict=True):
            _upload(page, company.write(tmp_path))
        for page, company in zip(pages, (ALPHA, BETA), strict=True):
            page.get_by_text(f"Your upload: {company.stem}_accounts.csv").first.wait_for(timeout=120_000)
            settle(page)
            assert metric_value(page, "Rows read") == str(company.rows_read)

        pairs = list(zip(pages, (ALPHA, BETA), (BETA, ALPHA), strict=True))
        funnel_step1 = {}
        for href in links:
            for page, own, other in pairs:
                go(page, href)
                where = f"{href} in the {own.marker} session"
                assert_no_error(page, where)
                text = page_text(page)
                assert not other.pattern.search(text), f"{other.marker} data visible on {where}"
                assert f"Your upload: {own.stem}_accounts.csv" in text, f"own data missing on {where}"
                if href.rstrip("/").endswith("/segments"):
                    assert f"{own.marker}-Gold" in text
                if href.rstrip("/").endswith("/workspace"):   # the listing every user of the server sees
                    assert "Nothing is saved on this server yet." in text
                if page.locator('[data-testid="stMetricLabel"]', has_text="Accounts at step 1").count():
                    funnel_step1[own.marker] = metric_value(page, "Accounts at step 1")
        # Same page, same moment, different data: each session computed (and cached) its own number.
        assert funnel_step1 == {"Alpha-Only": "3", "Beta-Only": "5"}

        sql_link = next(h for h in links if h.rstrip("/").endswith("/sql"))
        for page, own, other in pairs:
            go(page, sql_link)
            caption, csv = _sql(page, "SELECT * FROM accounts ORDER BY account_id", tmp_path,
                                f"{own.stem}_result.csv")
            assert caption.startswith(f"{own.accounts} rows in ")
            assert len(csv.strip().splitlines()) == own.accounts + 1
            assert own.pattern.search(csv) and not other.pattern.search(csv)
            text = page_text(page)
            assert f"{own.stem}_accounts" in text            # the table browser lists its own tables
            assert not other.pattern.search(text)
            assert_no_error(page, f"SQL in the {own.marker} session")
    finally:
        for context in contexts:
            context.close()


def _stats(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _new_session(browser, url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    settle(page)
    return context, page


def test_closed_session_is_released_and_an_open_idle_one_is_kept(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """TTL 2 s and idle limit 3 s: a closed tab is released by the background sweep without another visitor
    (our resources, and Streamlit's stored session); an open idle tab is not."""
    stats = tmp_path / "sessions.json"
    env = {"JOURNEY_LENS_SESSION_STATS": str(stats), "JOURNEY_LENS_SESSION_IDLE_S": "3",
           "JOURNEY_LENS_THREADS": "1"}
    with running_server(["--server.disconnectedSessionTTL", "2"], env=env,
                        log_path=tmp_path / "server.log") as (url, _proc):
        closing, page_a = _new_session(browser, url)
        (session_a,) = _stats(stats)["session_ids"]
        links = nav_links(page_a)
        go(page_a, next(h for h in links if h.rstrip("/").endswith("/sql")))
        _sql(page_a, "SELECT count(*) AS n FROM accounts", tmp_path, "a_count.csv")   # builds the sandbox
        go(page_a, links[0])     # the next run registers the SQL sandbox the last one built
        assert _stats(stats)["open_resources"] == 2   # workspace + SQL sandbox

        staying, page_c = _new_session(browser, url)
        go(page_c, next(h for h in links if h.rstrip("/").endswith("/data")))
        _upload(page_c, ALPHA.write(tmp_path))
        page_c.get_by_text(f"Your upload: {ALPHA.stem}_accounts.csv").first.wait_for(timeout=120_000)
        settle(page_c)
        (session_c,) = set(_stats(stats)["session_ids"]) - {session_a}

        closing.close()
        time.sleep(2 + 3 + 2 + 2)    # TTL, the idle limit, the background sweep's 2 s, a margin; C sits idle

        # No visitor needed: the server's background sweep released A and wrote the counts, and Streamlit's
        # storage dropped A's expired session then, not at the next tab's disconnect.
        swept = _stats(stats)
        assert session_a not in swept["session_ids"] and swept["released_sessions"] == 1
        assert swept["expired_stored_sessions"] == 1

        probe, page_b = _new_session(browser, url)   # its script run sweeps too
        after = _stats(stats)
        assert session_a not in after["session_ids"]
        assert session_c in after["session_ids"]      # idle past the limit, but its tab is open
        assert after["live_sessions"] == 2
        assert after["released_sessions"] == 1

        # The idle session still has its own data and a working database.
        go(page_c, links[0])
        go(page_c, next(h for h in links if h.rstrip("/").endswith("/data")))
        assert metric_value(page_c, "Rows read") == str(ALPHA.rows_read)
        assert "idle too long" not in page_text(page_c)
        assert_no_error(page_c, "the idle session's Data page")

        staying.close()
        probe.close()


def test_a_file_over_the_upload_limit_gets_a_message_naming_the_limit(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    limit_mb = 1
    big = tmp_path / "big_accounts.csv"
    row = "ACC-{:07d},Some Company Name That Is Long Enough,Gold,12345\n"
    with big.open("w", encoding="utf-8") as out:
        out.write("Account ID,Account Name,Tier,ARR\n")
        i = 0
        while out.tell() < 2 * 1024 * 1024:
            out.write(row.format(i))
            i += 1
    with running_server(["--server.maxUploadSize", str(limit_mb)], env={"JOURNEY_LENS_THREADS": "1"},
                        log_path=tmp_path / "server.log") as (url, _proc):
        context, page = _new_session(browser, url)
        try:
            go(page, next(h for h in nav_links(page) if h.rstrip("/").endswith("/data")))
            assert f"up to {limit_mb} MB per file" in page_text(page)
            _upload(page, [big])
            page.get_by_text(re.compile(rf"File must be {limit_mb}(\.0)?\s?MB or smaller")).first.wait_for()
            settle(page)
            text = page_text(page)
            assert "Your upload:" not in text          # nothing was loaded
            assert_no_error(page, "the Data page after an oversized file")
        finally:
            context.close()
