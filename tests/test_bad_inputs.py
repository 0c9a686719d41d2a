"""The bad-input corpus (tests/data/bad): every file loads with reconciled counts or fails with its message.

Each file's expectation lives in ``tests/data/bad/expected.json`` (written with the files by
``python -m tests.data.bad.make_corpus``). ``load_files`` may only ever return reports or LoadErrors:
any other exception escapes and fails the case. Cases marked ``xfail`` are messages the loader does not
give yet; ``strict=True`` makes them fail loudly once it does, so the mark is removed with the fix.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cxlib import mapping as mp
from cxlib.canonical import quote
from cxlib.errors import LoadError
from cxlib.loading import SOURCE_ROW, LoadReport, load_files, rejected_rows
from tests.data.bad import make_corpus

CORPUS = Path(make_corpus.__file__).resolve().parent
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parents[1]


def _params(cases: dict[str, dict[str, Any]]) -> list[Any]:
    """pytest params over corpus files; an xfail case may only fail on an assertion, never by raising."""
    out = []
    for name, expect in sorted(cases.items()):
        marks = ([pytest.mark.xfail(strict=True, raises=AssertionError, reason=expect["xfail"])]
                 if "xfail" in expect else [])
        out.append(pytest.param(name, expect, id=name, marks=marks))
    return out


def _upload_name(name: str, expect: dict[str, Any]) -> str:
    return expect.get("upload_name", name)


def _load(con, name: str, expect: dict[str, Any]) -> tuple[list[LoadReport], list[LoadError]]:
    """The file as the browser uploads it: (name, bytes). Anything but a LoadError propagates."""
    return load_files(con, [(_upload_name(name, expect), (CORPUS / name).read_bytes())])


def _plain(value: Any) -> Any:
    """A cell as the expectation writes it: dates as ISO text, everything else as is."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


# ---------------------------------------------------------------------------------------------------
# the corpus itself


def test_corpus_is_exactly_what_the_script_makes():
    cases = make_corpus.cases()
    assert len(cases) >= 60
    assert EXPECTED == json.loads(json.dumps(make_corpus.expected()))
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file()} - {"make_corpus.py", "__init__.py", "expected.json"}
    assert on_disk == {c.file for c in cases}
    for case in cases:
        assert (CORPUS / case.file).read_bytes() == case.make(), f"{case.file} is stale: rerun make_corpus"
    assert sum((CORPUS / c.file).stat().st_size for c in cases) < 3_000_000


# ---------------------------------------------------------------------------------------------------
# every file: a LoadError naming it with its message, or reconciled reports with the expected details


@pytest.mark.parametrize(("name", "expect"), _params(EXPECTED))
def test_each_file_loads_or_fails_with_its_message(con, name: str, expect: dict[str, Any]):
    reports, errors = _load(con, name, expect)
    display = PurePosixPath(_upload_name(name, expect)).name
    if "error" in expect:
        assert reports == [] and len(errors) == 1, [r.table for r in reports]
        message = str(errors[0])
        assert f"'{display}'" in message and expect["error"] in message, message
        assert errors[0].file == display
        assert "Traceback" not in message and "Error:" not in message
        return
    assert errors == [], [str(e) for e in errors]
    assert len(reports) == expect.get("tables", 1)
    for report in reports:
        assert report.rows_read == report.rows_loaded + report.rows_rejected
        assert con.execute(f"SELECT count(*) FROM {quote(report.table)}").fetchone()[0] == report.rows_loaded
        assert len(rejected_rows(con, report)) == report.rows_rejected
    report = reports[0]
    assert [report.rows_read, report.rows_loaded, report.rows_rejected] == expect["rows"]
    warnings = [w for r in reports for w in r.warnings]
    if "warning" in expect:
        assert any(expect["warning"] in w for w in warnings), warnings
    if "no_warning" in expect:
        assert not any(expect["no_warning"] in w for w in warnings), warnings
    if "question" in expect:
        assert any(expect["question"] in q.message for q in report.questions), report.questions
    if "reject" in expect:
        reasons = list(rejected_rows(con, report)["reason"])
        assert any(expect["reject"] in r for r in reasons), reasons
    if "reject_rows" in expect:
        assert list(rejected_rows(con, report)["source_row"]) == expect["reject_rows"]
    if "skipped" in expect:
        assert report.skipped_lines == expect["skipped"], report.skipped_note
    if "skipped_note" in expect:
        assert expect["skipped_note"] in (report.skipped_note or ""), report.skipped_note
    if "columns" in expect:
        assert [c.name for c in report.columns] == expect["columns"]
    if "columns_start" in expect:
        assert [c.name for c in report.columns][: len(expect["columns_start"])] == expect["columns_start"]
    if "ncols" in expect:
        assert len(report.columns) == expect["ncols"]
    if "types" in expect:
        assert {c.name: c.type for c in report.columns if c.name in expect["types"]} == expect["types"]
    for column, values in expect.get("values", {}).items():
        got = [_plain(v) for (v,) in con.execute(
            f"SELECT {quote(column)} FROM {quote(report.table)} ORDER BY {quote(SOURCE_ROW)}").fetchall()]
        assert got == pytest.approx(values) if all(isinstance(v, float) for v in values) else got == values
    if "table" in expect:
        assert report.table == expect["table"]
    if "source" in expect:
        assert report.source == expect["source"]


# ---------------------------------------------------------------------------------------------------
# names from the browser: the table name is sanitised and nothing is written outside the temp dir

_UNSAFE_NAMES = {name: expect for name, expect in EXPECTED.items() if "upload_name" in expect or
                 not name.isascii()}


@pytest.mark.parametrize(("name", "expect"), _params(_UNSAFE_NAMES))
def test_upload_names_give_safe_table_names_and_write_nothing_outside(con, tmp_path, monkeypatch, name, expect):
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(deep)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    reports, errors = _load(con, name, expect)
    assert errors == []
    (report,) = reports
    assert report.table.replace("_", "").isalnum() and report.table.isascii()
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["a", "a/b", "a/b/c", "a/b/c/d",
                                                                                 "scratch"]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%..%' "
                       "OR table_name LIKE '%/%' OR table_name LIKE '%\\%'").fetchone()[0] == 0


# ---------------------------------------------------------------------------------------------------
# mapping level: values nobody mapped, NPS out of range, duplicate ids are excluded with their reason

_MAPPING_CASES = {name: expect for name, expect in EXPECTED.items() if "mapping" in expect}


@pytest.mark.parametrize(("name", "expect"), _params(_MAPPING_CASES))
def test_mapping_level_cases_are_excluded_with_their_reason(con, name, expect):
    want = expect["mapping"]
    reports, errors = _load(con, name, expect)
    assert errors == []
    suggested = mp.suggest_mapping(con, reports)
    assert [t.kind for t in suggested.tables] == [want["kind"]]
    validation = {v.view: v for v in mp.apply_mapping(con, suggested)}
    report = validation[want["view"]]
    excluded = len(want["excluded_rows"])
    assert (report.rows_in, report.rows_used, report.rows_excluded) == (want["rows_in"], want["rows_in"] - excluded,
                                                                          excluded)
    pd.testing.assert_frame_equal(report.reasons, pd.DataFrame({"reason": pd.Series([want["reason"]], dtype="str"),
                                                                "rows": pd.Series([excluded], dtype="int64")}))
    rows = mp.excluded_rows(con, want["view"])
    assert list(rows["source_row"]) == want["excluded_rows"]
    assert set(rows["source"]) == {name} and set(rows["reason"]) == {want["reason"]}


def test_duplicate_account_ids_keep_the_first_row_of_conflicting_attributes(con):
    reports, _ = _load(con, "duplicate_account_ids.csv", {})
    mp.apply_mapping(con, mp.suggest_mapping(con, reports))
    kept = con.execute("SELECT account_id, name, arr, source_row FROM accounts ORDER BY account_id").fetchall()
    assert kept == [("A-1", "Acme", 1200.0, 2), ("A-2", "Globex", 900.0, 3), ("A-3", "Initech", 1500.0, 5)]


def test_nps_11_and_minus_1_are_excluded_never_clipped(con):
    reports, _ = _load(con, "nps_11_and_minus_1.csv", {})
    mp.apply_mapping(con, mp.suggest_mapping(con, reports))
    assert con.execute("SELECT account_id, score FROM surveys ORDER BY account_id").fetchall() == [
        ("A-1", 9.0), ("A-4", 0.0), ("A-5", 10.0)]


# ---------------------------------------------------------------------------------------------------
# the Data page: the nastiest files uploaded together each get their own message, no traceback

NASTY = ["png_renamed.csv", "zip_bomb_declared_sizes.xlsx", "password_protected.xlsx", "ragged_short_rows.csv",
         "emoji_📈_accounts_😀.csv"]


def _all_text(at: AppTest) -> list[str]:
    """Every piece of text the page shows in the element kinds that carry messages."""
    out: list[str] = []
    for kind in ("error", "warning", "info", "success", "markdown", "caption", "exception", "text", "code"):
        out += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    out += [str(e.message) for e in at.exception]
    return out


def test_data_page_shows_each_nasty_upload_its_own_message(monkeypatch):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/data.py").run()
    files = [(name, (CORPUS / name).read_bytes(), "application/octet-stream") for name in NASTY]
    at.file_uploader(key="uploads").set_value(files).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    for name in ("png_renamed.csv", "zip_bomb_declared_sizes.xlsx", "password_protected.xlsx"):
        assert sum(e.startswith(f"'{name}' ") and EXPECTED[name]["error"] in e for e in errors) == 1, (name, errors)
    ws = at.session_state["workspace"]
    assert sorted((r.table, r.rows_read, r.rows_loaded, r.rows_rejected) for r in ws.reports) == [
        ("emoji_accounts", 3, 3, 0), ("ragged_short_rows", 4, 3, 1)]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Tables"], metrics["Rows read"], metrics["Rows loaded"], metrics["Rows rejected"]) == (
        "2", "7", "6", "1")
    assert "**1 rejected row(s)**" in [m.value for m in at.markdown]
    assert not any("Traceback" in t or 'File "/' in t for t in _all_text(at))


# ---------------------------------------------------------------------------------------------------
# 200 MB (make test-slow): generated at test time, never committed


@pytest.mark.slow
def test_a_200_mb_upload_with_bad_rows_reconciles(tmp_path):
    import duckdb

    from cxlib import workspace
    path = tmp_path / "big.csv"
    gen = duckdb.connect()
    gen.execute(f"""COPY (SELECT 'ACC-' || lpad(i::VARCHAR, 8, '0') AS "Account ID",
        CASE WHEN i % 500000 = 7 THEN 'x' ELSE format('{{:,.2f}}', (i % 9973) * 1.5) END AS "ARR",
        strftime(DATE '2020-01-01' + (i % 2000)::INT, '%d/%m/%Y') AS "Signed",
        'Note ' || i || ' with, a comma and "quotes" and text to make the row longer' AS "Note"
        FROM range(2200000) t(i)) TO '{path}' (HEADER, DELIMITER ',')""")
    gen.close()
    with open(path, "ab") as fh:   # a ragged row and an unterminated quote at the very end
        fh.write(b"ACC-X,1,01/01/2020\nACC-Y,2,02/01/2020,\"never closed\n")
    assert path.stat().st_size > 200e6
    con = workspace.connect(memory_limit="1GB", threads=2)
    con.execute(f"SET temp_directory = '{tmp_path / 'spill'}'")
    reports, errors = load_files(con, [path])
    assert errors == []
    (report,) = reports
    rows = 2_200_000 + 2
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (rows, rows - 5 - 2, 5 + 2)
    rejects = rejected_rows(con, report)
    assert list(rejects["source_row"][-2:]) == [rows, rows + 1]
    con.close()
    os.remove(path)
