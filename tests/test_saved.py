"""Saved workspaces: lossless round trip, content hash, refusals of foreign or damaged files, the store."""

from __future__ import annotations

import io
import json
import sys
import types
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import cxlib
from cxlib import canonical, saved, workspace
from cxlib.errors import CxError, LoadError, WorkspaceChanged
from cxlib.settings import Settings
from cxlib.stages import Stage

RAW = 'crm "export" März'   # a raw table name with spaces, quotes and an umlaut
RAW_COLUMNS = [
    ("Account ID", "VARCHAR"),
    ('Kunde "Name"', "VARCHAR"),
    ("ARR (€)", "DECIMAL(18,4)"),
    ("Signed on", "DATE"),
    ("Last touch", "TIMESTAMP WITH TIME ZONE"),
    ("Active?", "BOOLEAN"),
    ("seats", "BIGINT"),
    ("health score", "DOUBLE"),
]
RAW_ROWS = [
    ("A-1", "Müller GmbH", "1234.5678", "2023-01-31", "2024-03-01 10:00:00+02", True, 12, 71.5),
    ("A-2", "客户 Shanghai", "0.0001", "2023-02-28", "2024-03-31 23:59:59.123456+00", False, None, None),
    ("A-3", "Café 😀 \"Zürich\"", None, None, None, None, 3, -20.0),
    ("A-4", None, "-99999999999999.9999", "1999-12-31", "1970-01-01 00:00:00+00", True, -1, 0.0),
]


@dataclass
class FakeMapping:
    """Stands in for cxlib.mapping.Mapping: settings, weights and targets in one JSON document."""

    raw_table: str
    settings: Settings = field(default_factory=Settings)
    weights: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"raw_table": self.raw_table, "settings": self.settings.to_dict(),
                           "weights": self.weights, "targets": self.targets}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FakeMapping:
        d = json.loads(text)
        return cls(d["raw_table"], Settings.from_dict(d["settings"]), d["weights"], d["targets"])


def _fake_apply(con: Any, mapping: FakeMapping) -> list:
    """Build the accounts view from the raw table, as the real mapping does."""
    account_id, name = canonical.quote("Account ID"), canonical.quote('Kunde "Name"')
    con.execute(f"CREATE OR REPLACE VIEW accounts AS SELECT {account_id} AS account_id, {name} AS name "
                f"FROM {canonical.quote(mapping.raw_table)}")
    return ["validated"]


@pytest.fixture
def fake_mapping_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("cxlib.mapping")
    module.Mapping = FakeMapping
    module.apply_mapping = _fake_apply
    monkeypatch.setitem(sys.modules, "cxlib.mapping", module)
    monkeypatch.setattr(cxlib, "mapping", module, raising=False)
    return module


def _settings() -> Settings:
    import datetime as dt
    return Settings(as_of=dt.datetime(2024, 6, 30, 12, 0), timezones={RAW: "Europe/Berlin"},
                    fiscal_year_start_month=4, min_n=12,
                    stages=[Stage("Kauf", "funnel", "#123456"), Stage("Nutzung", "funnel", "#00ff00"),
                            Stage("Kündigung", "exit", "#ff0000")])


@pytest.fixture
def ws(fake_mapping_module: types.ModuleType) -> workspace.Workspace:
    con = workspace.connect(memory_limit="512MB", threads=2)
    cols = ", ".join(f"{canonical.quote(c)} {t}" for c, t in RAW_COLUMNS)
    con.execute(f"CREATE TABLE {canonical.quote(RAW)} ({cols})")
    con.executemany(f"INSERT INTO {canonical.quote(RAW)} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", RAW_ROWS)
    # Types Parquet cannot hold exactly, and a table with no rows.
    con.execute("CREATE TABLE odd AS SELECT 170141183460469231731687303715884105727::HUGEINT AS h, "
                "TIMETZ '10:11:12+05:30' AS t, 'b'::ENUM('a', 'b') AS e, [1, NULL, 3] AS l, "
                "{'k': 'ü'} AS s")
    con.execute("CREATE TABLE empty_one (x INTEGER, y VARCHAR)")
    con.execute("CREATE TABLE _cx_helper AS SELECT 1 AS derived")   # made by the mapping: not saved
    w = workspace.Workspace(con=con, label="Müller GmbH — QBR 客户 😀")
    w.reports = [saved.SavedReport({"table": RAW, "rows_read": 4, "rows_loaded": 4, "rows_rejected": 0})]
    w.errors = [LoadError("broken.xlsx is password-protected", file="broken.xlsx", sheet="S1")]
    w.apply(FakeMapping(RAW, _settings(), {"customer_intent": 2.0}, {"customer_intent": 80.0}))
    yield w
    w.close()


def _tables(con: Any) -> dict[str, tuple[list[tuple[str, str]], Any]]:
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    out = {}
    for name in names:
        cols = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                           "ORDER BY column_index", [name]).fetchall()
        query = f"SELECT * FROM {canonical.quote(name)} ORDER BY ALL"
        # pandas has no TIME WITH TIME ZONE: that table is compared as Python values.
        out[name] = (cols, con.execute(query).df() if name != "odd" else con.execute(query).fetchall())
    return out


def test_round_trip_is_lossless(ws: workspace.Workspace) -> None:
    buf = io.BytesIO()
    digest = saved.save_workspace(ws, buf)
    back = saved.open_workspace(buf.getvalue())
    try:
        before, after = _tables(ws.con), _tables(back.con)
        assert "_cx_helper" not in after
        del before["_cx_helper"]
        assert sorted(after) == sorted(before) == [RAW, "empty_one", "odd"]
        for name in before:
            assert after[name][0] == before[name][0], name
            if isinstance(before[name][1], pd.DataFrame):
                assert_frame_equal(after[name][1], before[name][1])
            else:
                assert after[name][1] == before[name][1]
        raw = after[RAW][1]
        assert raw["Kunde \"Name\""].tolist()[:3] == ["Müller GmbH", "客户 Shanghai", "Café 😀 \"Zürich\""]
        assert str(raw["ARR (€)"].iloc[0]) == "1234.5678"
        odd = back.con.execute("SELECT h::VARCHAR, t::VARCHAR FROM odd").fetchone()
        assert odd == ("170141183460469231731687303715884105727", "10:11:12+05:30")
        assert back.label == "Müller GmbH — QBR 客户 😀"
        assert back.settings.to_dict() == ws.settings.to_dict() == _settings().to_dict()
        assert back.mapping.to_json() == ws.mapping.to_json()
        assert back.mapping.weights == {"customer_intent": 2.0}
        assert back.validation == ["validated"]          # the mapping was re-applied, views rebuilt
        assert back.con.execute("SELECT name FROM accounts ORDER BY account_id").fetchall()[0] == ("Müller GmbH",)
        assert [r.to_dict() for r in back.reports] == [r.to_dict() for r in ws.reports]
        assert back.reports[0].table == RAW
        assert [(e.message, e.file, e.sheet) for e in back.errors] == [
            ("broken.xlsx is password-protected", "broken.xlsx", "S1")]
        assert saved.workspace_hash(back) == saved.workspace_hash(ws) == digest
    finally:
        back.close()


def test_round_trip_through_a_file_path(ws: workspace.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ws.zip"
    digest = saved.save_workspace(ws, path)
    manifest = saved.read_manifest(path)
    assert manifest["content_hash"] == digest
    assert [(t["name"], t["rows"]) for t in manifest["tables"]] == [(RAW, 4), ("empty_one", 0), ("odd", 1)]
    back = saved.open_workspace(path)
    assert saved.workspace_hash(back) == digest
    back.close()


def test_hash_changes_with_data_and_mapping(ws: workspace.Workspace) -> None:
    first = saved.workspace_hash(ws)
    ws.con.execute(f"UPDATE {canonical.quote(RAW)} SET seats = 13 WHERE {canonical.quote('Account ID')} = 'A-1'")
    second = saved.workspace_hash(ws)
    ws.mapping.settings.min_n = 5
    third = saved.workspace_hash(ws)
    assert len({first, second, third}) == 3


def test_workspace_without_mapping_keeps_canonical_tables(con: Any) -> None:
    canonical.create_table(con, canonical.ACCOUNTS, [("A-1", "Müller", "Usage", 1000.0)], [("tier", "VARCHAR")])
    ws = workspace.Workspace(con=con, label="fixture")
    back = saved.open_workspace(_save(ws))
    assert back.mapping is None
    assert_frame_equal(back.con.execute("SELECT * FROM accounts").df(), con.execute("SELECT * FROM accounts").df())
    assert back.con.execute("SELECT count(*) FROM surveys").fetchone() == (0,)   # empty views still there
    back.close()


def _save(ws: workspace.Workspace) -> bytes:
    buf = io.BytesIO()
    saved.save_workspace(ws, buf)
    return buf.getvalue()


def _rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """A copy of a zip with some members replaced (None removes one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    dst.writestr(info.filename, change.pop(info.filename))
                else:
                    change.pop(info.filename)
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in change.items():
            dst.writestr(name, content)
    return out.getvalue()


def _manifest(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return json.loads(zf.read("manifest.json"))


def test_refuses_a_file_that_is_not_a_zip() -> None:
    with pytest.raises(CxError, match=r"not a Journey Lens workspace file \(not a zip file\)"):
        saved.open_workspace(b"account_id,name\nA-1,Muller\n")


def test_refuses_a_zip_that_is_not_ours() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("report.docx", b"hello")
    with pytest.raises(CxError, match="unexpected entry 'report.docx'"):
        saved.open_workspace(buf.getvalue())
    with pytest.raises(CxError, match="no manifest"):
        saved.open_workspace(_rezip(buf.getvalue(), {"report.docx": None}))


def test_refuses_zip_slip_names(ws: workspace.Workspace) -> None:
    data = _rezip(_save(ws), {"../../etc/cron.d/evil": b"* * * * * root true"})
    with pytest.raises(CxError, match=r"unexpected entry '\.\./\.\./etc/cron\.d/evil'"):
        saved.open_workspace(data)
    data = _rezip(_save(ws), {"tables/../../x.parquet": b""})
    with pytest.raises(CxError, match="unexpected entry"):
        saved.open_workspace(data)


def test_refuses_a_zip_bomb_before_unpacking() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr("tables/t0001.parquet", b"\0" * (3 * 1024 * 1024))
    assert len(buf.getvalue()) < 20_000   # 3 MB of zeros squeeze into a few kB
    with pytest.raises(CxError, match="unpacks to 3 MB, more than the 1 MB allowed"):
        saved.open_workspace(buf.getvalue(), max_bytes=1024 * 1024)


def test_refuses_another_format_version(ws: workspace.Workspace) -> None:
    data = _save(ws)
    manifest = _manifest(data) | {"version": 99}
    with pytest.raises(CxError, match="has format version 99; this Journey Lens reads version 1"):
        saved.open_workspace(_rezip(data, {"manifest.json": json.dumps(manifest).encode()}))
    manifest = _manifest(data) | {"format": "something-else"}
    with pytest.raises(CxError, match="not a Journey Lens manifest"):
        saved.open_workspace(_rezip(data, {"manifest.json": json.dumps(manifest).encode()}))


def test_refuses_changed_content(ws: workspace.Workspace) -> None:
    data = _save(ws)
    manifest = _manifest(data)
    other = next(t["file"] for t in manifest["tables"] if t["name"] == "empty_one")
    raw = next(t["file"] for t in manifest["tables"] if t["name"] == RAW)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        swapped = zf.read(other)
    with pytest.raises(CxError, match="does not match its content hash"):
        saved.open_workspace(_rezip(data, {raw: swapped}))
    with pytest.raises(CxError, match="does not match its content hash"):
        saved.open_workspace(_rezip(data, {"mapping.json": b'{"raw_table": "x"}'}))


def test_refuses_a_type_that_is_not_a_type(ws: workspace.Workspace) -> None:
    # The hash covers the data, not the manifest: a crafted type must not reach the SQL.
    data = _save(ws)
    manifest = _manifest(data)
    manifest["tables"][0]["columns"][0][1] = "INTEGER) AS x FROM range(1); DROP TABLE odd; SELECT (1"
    with pytest.raises(CxError, match="has an unknown type"):
        saved.open_workspace(_rezip(data, {"manifest.json": json.dumps(manifest).encode()}))


def test_refuses_a_wrong_row_count(ws: workspace.Workspace) -> None:
    data = _save(ws)
    manifest = _manifest(data)
    entry = next(t for t in manifest["tables"] if t["name"] == RAW)
    entry["rows"] = 5
    with pytest.raises(CxError, match=r"Table 'crm \"export\" März' in this workspace file has 4 rows; its manifest says 5"):
        saved.open_workspace(_rezip(data, {"manifest.json": json.dumps(manifest).encode()}))


# ── the server-side store ────────────────────────────────────────────────────────────────────


def test_store_is_off_unless_configured(tmp_path: Path) -> None:
    assert saved.store_from_config({}, None) is None
    assert saved.store_from_config({"JOURNEY_LENS_WORKSPACE_DIR": "  "}, {}) is None
    store = saved.store_from_config({}, {"workspace_dir": str(tmp_path / "from-secrets")})
    assert store is not None and store.folder == tmp_path / "from-secrets" and store.folder.is_dir()
    store = saved.store_from_config({"JOURNEY_LENS_WORKSPACE_DIR": str(tmp_path / "env")},
                                    {"workspace_dir": str(tmp_path / "from-secrets")})
    assert store.folder == tmp_path / "env"


def test_workspace_ids_are_safe_names() -> None:
    assert saved.workspace_id_for("Müller GmbH — QBR") == "muller-gmbh-qbr"
    assert saved.workspace_id_for("../../etc/passwd") == "etc-passwd"
    chinese = saved.workspace_id_for("客户")
    assert chinese.startswith("workspace-") and len(chinese) == len("workspace-") + 10
    assert saved.workspace_id_for("客户") == chinese


def test_store_saves_new_versions_never_overwriting_silently(ws: workspace.Workspace, tmp_path: Path) -> None:
    store = saved.WorkspaceStore(tmp_path)
    first = store.save(ws, "Müller QBR")
    second = store.save(ws, "Müller QBR")
    assert (first.workspace_id, first.version, second.version) == ("muller-qbr", 1, 2)
    assert first.content_hash == second.content_hash == saved.workspace_hash(ws)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["muller-qbr_v1.zip", "muller-qbr_v2.zip"]
    listing = store.list()
    assert list(listing.columns) == ["workspace_id", "name", "version", "saved_at", "content_hash", "size"]
    assert_frame_equal(listing[["workspace_id", "name", "version", "content_hash"]], pd.DataFrame({
        "workspace_id": ["muller-qbr", "muller-qbr"], "name": ["Müller QBR", "Müller QBR"],
        "version": [1, 2], "content_hash": [first.content_hash] * 2}))
    assert (listing["size"] > 1000).all() and listing["saved_at"].dt.tz is not None

    ws.con.execute("DELETE FROM odd")
    replaced = store.save(ws, "Müller QBR", overwrite=True)
    assert (replaced.version, len(store.list())) == (2, 2)
    assert replaced.content_hash != first.content_hash
    assert saved.read_manifest(tmp_path / "muller-qbr_v2.zip")["content_hash"] == replaced.content_hash


def test_a_failed_write_never_replaces_a_good_file(ws: workspace.Workspace, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = saved.WorkspaceStore(tmp_path)
    store.save(ws, "QBR")
    good = (tmp_path / "qbr_v1.zip").read_bytes()

    def half_written(ws: Any, f: Any, name: str | None = None) -> str:
        f.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(saved, "save_workspace", half_written)
    with pytest.raises(OSError, match="disk full"):
        store.save(ws, "QBR", overwrite=True)
    with pytest.raises(OSError, match="disk full"):
        store.save(ws, "QBR")
    assert (tmp_path / "qbr_v1.zip").read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qbr_v1.zip"]   # no temporary file left behind


def test_store_open_checks_ids_and_hashes(ws: workspace.Workspace, tmp_path: Path) -> None:
    store = saved.WorkspaceStore(tmp_path)
    v1 = store.save(ws, "QBR")
    for bad in ("nope", "../qbr", "qbr/../../etc", "", "QBR", "qbr_v1.zip"):
        with pytest.raises(CxError, match="is not available"):
            store.open(bad)
    with pytest.raises(CxError, match="workspace qbr is not available"):
        store.open("qbr", version=7)

    ws.con.execute("DELETE FROM odd")
    v2 = store.save(ws, "QBR")
    # A link made on version 1 still opens version 1's data after version 2 was saved beside it.
    back = store.open("qbr", expected_hash=v1.content_hash)
    assert back.con.execute("SELECT count(*) FROM odd").fetchone() == (1,)
    back.close()
    back = store.open("qbr")
    assert back.con.execute("SELECT count(*) FROM odd").fetchone() == (0,)
    back.close()
    with pytest.raises(WorkspaceChanged, match="the data of workspace qbr changed since this link was made"):
        store.open("qbr", version=2, expected_hash=v1.content_hash)
    with pytest.raises(WorkspaceChanged, match="the data of workspace qbr changed since this link was made"):
        store.open("qbr", expected_hash="0" * 64)
    assert v2.version == 2


ACCOUNTS_CSV = ("Account ID,Account Name,Tier,ARR,Renewal Date\n"
                "A-1,Müller GmbH,Enterprise,120000.50,2025-03-31\n"
                "A-2,客户 Shanghai,SMB,,2025-01-15\n"
                "A-3,Café 😀,Mid-market,9800,\n").encode("utf-8")
EVENTS_CSV = ("Account ID,Stage,Date\nA-1,Onboarding,2024-01-05\nA-1,Live,2024-02-10\n"
              "A-2,Closed Won,2024-03-01\nA-3,Churned,2024-04-01\n").encode("utf-8")


def test_real_loader_and_mapping_round_trip() -> None:
    """Uploads loaded and mapped by the real loader and mapping survive save → open."""
    pytest.importorskip("cxlib.loading")
    pytest.importorskip("cxlib.mapping")
    import datetime as dt

    ws = workspace.Workspace(con=workspace.connect(memory_limit="512MB", threads=2), label="Upload")
    ws.load([("accounts.csv", ACCOUNTS_CSV), ("events.csv", EVENTS_CSV)])
    mapping = ws.suggest_mapping()
    mapping.settings.as_of = dt.datetime(2024, 6, 30)
    mapping.settings.fiscal_year_start_month = 4
    ws.apply(mapping)
    data = _save(ws)
    back = saved.open_workspace(data, memory_limit="512MB", threads=2)
    try:
        # Only the loaded tables are saved; the mapping's helper tables are rebuilt by re-applying it.
        assert sorted(t["name"] for t in saved.read_manifest(data)["tables"]) == sorted(r.table for r in ws.reports)
        assert back.reports == ws.reports
        assert back.settings.to_dict() == ws.settings.to_dict()
        assert (back.settings.fiscal_year_start_month, back.settings.as_of) == (4, dt.datetime(2024, 6, 30))
        assert back.mapping.to_json() == ws.mapping.to_json()
        for view in canonical.VIEWS:
            q = f"SELECT * FROM {canonical.quote(view)} ORDER BY ALL"
            assert_frame_equal(back.con.execute(q).df(), ws.con.execute(q).df())
        assert back.con.execute("SELECT name FROM accounts ORDER BY account_id").fetchall() == [
            ("Müller GmbH",), ("客户 Shanghai",), ("Café 😀",)]
        assert saved.workspace_hash(back) == saved.workspace_hash(ws)
    finally:
        back.close()
        ws.close()


def test_a_version_taken_meanwhile_is_never_overwritten(ws: workspace.Workspace, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Another session saved version 1 after this one looked: this save must become version 2.
    store = saved.WorkspaceStore(tmp_path)
    store.save(ws, "QBR")
    good = (tmp_path / "qbr_v1.zip").read_bytes()
    monkeypatch.setattr(store, "_versions", lambda workspace_id: {})
    ws.con.execute("DELETE FROM odd")
    ref = store.save(ws, "QBR")
    assert ref.version == 2
    assert (tmp_path / "qbr_v1.zip").read_bytes() == good
