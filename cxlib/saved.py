"""Saved workspaces: one zip of Parquet + JSON that reopens the same tables, mapping and settings.

A saved file holds every loaded raw table (Parquet written by DuckDB), the load reports, the
mapping JSON (which carries the stage list, weights, targets, thresholds and settings), the label
and a manifest with a content hash. Opening checks the hash, so a share link made for one set of
numbers never silently shows another. The optional server-side store keeps such files in one
configured folder; it is off unless an administrator sets a folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import duckdb
import pandas as pd

from cxlib import canonical, layout
from cxlib import workspace as workspace_mod
from cxlib.errors import CxError, LoadError, WorkspaceChanged
from cxlib.workspace import Workspace

FORMAT_ID = "journey-lens-workspace"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
META = "workspace.json"
MAPPING = "mapping.json"
TABLE_MEMBER = re.compile(r"^tables/t(\d{4,6})\.parquet$")
DEFAULT_MAX_BYTES = 4 * 1024**3          # uncompressed content a workspace file may unpack to
MAX_MEMBERS = 10_000
ENV_DIR = "JOURNEY_LENS_WORKSPACE_DIR"
SECRETS_KEY = "workspace_dir"

# Types Parquet cannot hold exactly (HUGEINT becomes DOUBLE, TIMETZ loses its offset): written as text.
_AS_TEXT = ("HUGEINT", "UHUGEINT", "TIME WITH TIME ZONE")
_CHUNK = 1024 * 1024


@dataclass
class SavedReport:
    """A load report restored from a saved file when the loader offers no `from_dict`.

    Attribute access reads the stored dict, so code that reads `report.table` keeps working.
    """

    data: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)


@dataclass(frozen=True)
class _TableFile:
    name: str
    member: str
    path: Path
    rows: int
    columns: tuple[tuple[str, str], ...]


# ── saving ───────────────────────────────────────────────────────────────────────────────────


def _report_tables(ws: Workspace) -> set[str]:
    """Tables the load reports name (each raw table and its rejects table)."""
    names = set()
    for report in ws.reports:
        for attr in ("table", "rejects_table"):
            value = getattr(report, attr, None)
            if isinstance(value, str) and value:
                names.add(value)
    return names


def _saved_tables(ws: Workspace) -> list[str]:
    """The base tables to save: every loaded table, never what the mapping derives from them.

    With a mapping, the canonical names and its helper tables (names starting with "_") are
    rebuilt on open by re-applying it; without one, every base table is data and is kept, except
    the journeys' layout (`cxlib.layout`), which the first funnel rebuilds.
    """
    rows = ws.con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = current_schema() AND NOT temporary "
        "ORDER BY table_name"
    ).fetchall()
    loaded = _report_tables(ws)
    if ws.mapping is None:
        return [r[0] for r in rows if r[0] not in layout.INTERNAL_TABLES]
    return [r[0] for r in rows
            if r[0] in loaded or (r[0] not in canonical.VIEWS and not r[0].startswith("_"))]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> tuple[tuple[str, str], ...]:
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = ? "
        "ORDER BY column_index", [table]
    ).fetchall()
    return tuple((str(c), str(t)) for c, t in rows)


def _export_tables(con: duckdb.DuckDBPyConnection, tables: list[str], folder: Path) -> list[_TableFile]:
    """Write each table to Parquet in `folder` (our own file names, never the table's)."""
    out = []
    for i, table in enumerate(tables, start=1):
        cols = _columns(con, table)
        select = ", ".join(
            f"CAST({canonical.quote(c)} AS VARCHAR) AS {canonical.quote(c)}" if t in _AS_TEXT
            else canonical.quote(c)
            for c, t in cols
        )
        path = folder / f"t{i:04d}.parquet"
        rows = con.execute(f"COPY (SELECT {select} FROM {canonical.quote(table)}) TO ? (FORMAT parquet)",
                           [str(path)]).fetchone()
        out.append(_TableFile(table, f"tables/t{i:04d}.parquet", path, int(rows[0]) if rows else 0, cols))
    return out


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            yield chunk


def _content_hash(tables: list[tuple[str, Iterator[bytes]]], mapping_json: str | None) -> str:
    """sha256 over each table's name and Parquet bytes (in name order), then the mapping JSON."""
    h = hashlib.sha256()
    for name, chunks in sorted(tables, key=lambda t: t[0]):
        h.update(b"table\0" + name.encode("utf-8") + b"\0")
        for chunk in chunks:
            h.update(chunk)
    h.update(b"mapping\0" + (mapping_json or "").encode("utf-8"))
    return h.hexdigest()


def _mapping_json(ws: Workspace) -> str | None:
    return ws.mapping.to_json() if ws.mapping is not None else None


def _report_dict(report: Any) -> Any:
    return report.to_dict() if hasattr(report, "to_dict") else report


def _error_dict(err: CxError) -> dict[str, Any]:
    return {"message": err.message, "file": err.file, "sheet": err.sheet, "column": err.column, "row": err.row}


def workspace_hash(ws: Workspace) -> str:
    """The content hash of a live workspace: what a share link records, equal to its saved file's."""
    with tempfile.TemporaryDirectory(prefix="journey-lens-hash-") as tmp:
        files = _export_tables(ws.con, _saved_tables(ws), Path(tmp))
        return _content_hash([(t.name, _file_chunks(t.path)) for t in files], _mapping_json(ws))


def save_workspace(ws: Workspace, path_or_buffer: str | os.PathLike[str] | IO[bytes], *,
                   name: str | None = None) -> str:
    """Write the workspace as one zip (Parquet tables + JSON) and return its content hash."""
    mapping_json = _mapping_json(ws)
    with tempfile.TemporaryDirectory(prefix="journey-lens-save-") as tmp:
        files = _export_tables(ws.con, _saved_tables(ws), Path(tmp))
        digest = _content_hash([(t.name, _file_chunks(t.path)) for t in files], mapping_json)
        manifest = {
            "format": FORMAT_ID,
            "version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "name": name if name is not None else ws.label,
            "content_hash": digest,
            "tables": [{"name": t.name, "file": t.member, "rows": t.rows,
                        "columns": [list(c) for c in t.columns]} for t in files],
            "has_mapping": mapping_json is not None,
        }
        meta = {
            "label": ws.label,
            "is_sample": ws.is_sample,
            "reports": [_report_dict(r) for r in ws.reports],
            "errors": [_error_dict(e) for e in ws.errors],
        }
        with zipfile.ZipFile(path_or_buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            zf.writestr(META, json.dumps(meta, ensure_ascii=False, default=str))
            if mapping_json is not None:
                zf.writestr(MAPPING, mapping_json)
            for t in files:
                # Parquet is already compressed: store it as is.
                zf.write(t.path, t.member, compress_type=zipfile.ZIP_STORED)
    return digest


# ── opening ──────────────────────────────────────────────────────────────────────────────────


def _not_ours(detail: str) -> CxError:
    return CxError(f"This is not a Journey Lens workspace file ({detail}).")


def _open_zip(source: str | os.PathLike[str] | bytes | IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except FileNotFoundError:
        raise CxError(f"Workspace file {source} does not exist.") from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_ours("not a zip file") from None


def _check_members(zf: zipfile.ZipFile, max_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """Refuse unexpected names (zip-slip) and too much content (zip bombs) before reading anything."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _not_ours(f"{len(infos)} entries")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name not in (MANIFEST, META, MAPPING) and not TABLE_MEMBER.match(name):
            raise _not_ours(f"unexpected entry {name!r}")
        if name in members:
            raise _not_ours(f"entry {name!r} appears twice")
        members[name] = info
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise CxError(f"This workspace file unpacks to {total / 1024**2:,.0f} MB, more than the "
                      f"{max_bytes / 1024**2:,.0f} MB allowed.")
    if MANIFEST not in members:
        raise _not_ours("no manifest")
    return members


def _read_json(zf: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(zf.read(name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile):
        raise _not_ours(f"{name} is unreadable") from None


def _parse_manifest(manifest: Any, members: Mapping[str, zipfile.ZipInfo]) -> list[dict[str, Any]]:
    """Check the manifest's format, version and table list; return the table entries."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_ID:
        raise _not_ours("its manifest is not a Journey Lens manifest")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise CxError(f"This workspace file has format version {version}; this Journey Lens reads "
                      f"version {FORMAT_VERSION}. Open it with the Journey Lens that saved it.")
    tables = manifest.get("tables")
    if not isinstance(tables, list):
        raise _not_ours("its manifest has no table list")
    seen: set[str] = set()
    for t in tables:
        ok = (isinstance(t, dict) and isinstance(t.get("name"), str) and t.get("file") in members
              and TABLE_MEMBER.match(str(t.get("file"))) and isinstance(t.get("rows"), int)
              and isinstance(t.get("columns"), list) and t["name"] not in seen
              and all(isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c)
                      for c in t["columns"]))
        if not ok:
            raise _not_ours("its manifest's table list is damaged")
        seen.add(t["name"])
    if not isinstance(manifest.get("content_hash"), str):
        raise _not_ours("its manifest has no content hash")
    return tables


def _sql_type(type_text: str, table: str, column: str) -> str:
    """A column type from the manifest, parsed by DuckDB so only a real type reaches the SQL."""
    try:
        return str(duckdb.sqltype(type_text))
    except (duckdb.Error, ValueError, TypeError):
        raise _not_ours(f"column {column!r} of table {table!r} has an unknown type") from None


def _extract(zf: zipfile.ZipFile, member: str, target: Path) -> Iterator[bytes]:
    """Copy one member to `target`, yielding its bytes as they pass (for hashing)."""
    with zf.open(member) as src, target.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
            yield chunk


def _restore_table(con: duckdb.DuckDBPyConnection, entry: dict[str, Any], path: Path) -> None:
    name = entry["name"]
    cols = [(c, _sql_type(t, name, c)) for c, t in entry["columns"]]
    select = ", ".join(f"CAST({canonical.quote(c)} AS {t}) AS {canonical.quote(c)}" for c, t in cols)
    con.execute(f"DROP VIEW IF EXISTS {canonical.quote(name)}")   # an empty canonical view of that name
    con.execute(f"CREATE TABLE {canonical.quote(name)} AS SELECT {select} FROM read_parquet(?)", [str(path)])
    rows = con.execute(f"SELECT count(*) FROM {canonical.quote(name)}").fetchone()[0]
    if rows != entry["rows"]:
        raise CxError(f"Table {name!r} in this workspace file has {rows} rows; its manifest says {entry['rows']}.")


def _restore_report(d: Any) -> Any:
    """A load report from its dict: the loader's own class when it can be rebuilt, else a SavedReport."""
    if not isinstance(d, dict):
        return d
    try:
        from cxlib import loading
    except ImportError:
        return SavedReport(dict(d))
    from_dict = getattr(loading.LoadReport, "from_dict", None)
    try:
        if from_dict is not None:
            return from_dict(d)
        return loading.LoadReport(**{
            **d,
            "columns": [loading.ColumnReport(**c) for c in d.get("columns") or []],
            "questions": [loading.Question(**q) for q in d.get("questions") or []],
        })
    except (TypeError, AttributeError, KeyError, ValueError):
        return SavedReport(dict(d))


def _restore_mapping(ws: Workspace, mapping_json: str) -> None:
    try:
        from cxlib.mapping import Mapping as CxMapping
    except ImportError:
        raise CxError("This workspace has a mapping, but this Journey Lens cannot read mappings.") from None
    ws.apply(CxMapping.from_json(mapping_json))


def open_workspace(source: str | os.PathLike[str] | bytes | IO[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES,
                   memory_limit: str | None = None, threads: int | None = None) -> Workspace:
    """Restore a saved workspace into a fresh session database, refusing files that are not intact."""
    with _open_zip(source) as zf:
        members = _check_members(zf, max_bytes)
        manifest = _read_json(zf, MANIFEST)
        tables = _parse_manifest(manifest, members)
        meta = _read_json(zf, META) if META in members else {}
        if not isinstance(meta, dict):
            raise _not_ours(f"{META} is damaged")
        try:
            mapping_json = zf.read(MAPPING).decode("utf-8") if MAPPING in members else None
        except UnicodeDecodeError:
            raise _not_ours(f"{MAPPING} is not UTF-8") from None
        with tempfile.TemporaryDirectory(prefix="journey-lens-open-") as tmp:
            paths = [Path(tmp) / f"t{i:04d}.parquet" for i in range(len(tables))]
            try:
                digest = _content_hash(
                    [(t["name"], _extract(zf, t["file"], p)) for t, p in zip(tables, paths, strict=True)],
                    mapping_json)
            except (zipfile.BadZipFile, EOFError):
                raise CxError("This workspace file is damaged (a table could not be read).") from None
            if digest != manifest["content_hash"]:
                raise CxError("This workspace file was changed or damaged after it was saved: "
                              "its content does not match its content hash.")
            con = workspace_mod.connect(memory_limit, threads)
            try:
                for entry, path in zip(tables, paths, strict=True):
                    _restore_table(con, entry, path)
                canonical.create_empty_views(con)
                ws = Workspace(
                    con=con,
                    label=str(meta.get("label", manifest.get("name", "Saved workspace"))),
                    is_sample=bool(meta.get("is_sample", False)),
                    reports=[_restore_report(d) for d in meta.get("reports") or []],
                    errors=[LoadError(str(e.get("message", "")), file=e.get("file"), sheet=e.get("sheet"),
                                      column=e.get("column"), row=e.get("row"))
                            for e in meta.get("errors") or [] if isinstance(e, dict)],
                )
                if mapping_json is not None:
                    _restore_mapping(ws, mapping_json)
            except CxError:
                con.close()
                raise
            except duckdb.Error as exc:
                con.close()
                raise CxError(f"This workspace file could not be restored: {str(exc).splitlines()[0]}") from None
    return ws


def read_manifest(source: str | os.PathLike[str] | bytes | IO[bytes]) -> dict[str, Any]:
    """The manifest of a saved workspace (name, time, hash, tables) without loading any table."""
    with _open_zip(source) as zf:
        members = _check_members(zf, DEFAULT_MAX_BYTES)
        manifest = _read_json(zf, MANIFEST)
        _parse_manifest(manifest, members)
        return manifest


# ── the server-side store (only when configured) ─────────────────────────────────────────────

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_FILE = re.compile(r"^(?P<id>[a-z0-9][a-z0-9_-]{0,79})_v(?P<version>[1-9]\d{0,5})\.zip$")
_TMP_PREFIX = ".saving-"


@dataclass(frozen=True)
class SavedRef:
    """Where a save went: the workspace id, its version and the content hash a link should carry."""

    workspace_id: str
    version: int
    content_hash: str


def workspace_id_for(name: str) -> str:
    """A file-safe id from a workspace name ("Müller QBR" → "muller-qbr"); never a path."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    if not slug:  # names in other scripts: a stable id from the name itself
        slug = "workspace-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return slug


class WorkspaceStore:
    """Saved workspaces in one server folder: everyone using this server sees them."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _versions(self, workspace_id: str) -> dict[int, Path]:
        found = {}
        for p in self.folder.iterdir():
            m = _FILE.match(p.name)
            if m and m["id"] == workspace_id:
                found[int(m["version"])] = p
        return found

    def list(self) -> pd.DataFrame:
        """Every saved workspace version: id, name, version, saved time, content hash, size."""
        rows = []
        for p in sorted(self.folder.iterdir()):
            m = _FILE.match(p.name)
            if not m:
                continue
            try:
                manifest = read_manifest(p)
            except CxError:
                continue  # a file that is not ours (or damaged) is not offered
            rows.append({
                "workspace_id": m["id"],
                "name": str(manifest.get("name", m["id"])),
                "version": int(m["version"]),
                "saved_at": pd.Timestamp(manifest.get("created_at")),
                "content_hash": manifest["content_hash"],
                "size": p.stat().st_size,
            })
        frame = pd.DataFrame(rows, columns=["workspace_id", "name", "version", "saved_at", "content_hash", "size"])
        frame = frame.astype({"version": "int64", "size": "int64"})
        return frame.sort_values(["workspace_id", "version"], ignore_index=True)

    def _write_temp(self, ws: Workspace, name: str) -> tuple[Path, str]:
        """Save into a temporary file beside the final one (same file system, so rename is atomic)."""
        fd, tmp_name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".part", dir=self.folder)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as f:
                digest = save_workspace(ws, f, name=name)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp, digest

    def save(self, ws: Workspace, name: str, *, overwrite: bool = False) -> SavedRef:
        """Save as a new version (name_v2, …); replace the latest version only with overwrite=True."""
        workspace_id = workspace_id_for(name)
        tmp, digest = self._write_temp(ws, name)
        try:
            versions = self._versions(workspace_id)
            if overwrite and versions:
                version = max(versions)
                os.replace(tmp, versions[version])
                return SavedRef(workspace_id, version, digest)
            version = max(versions, default=0) + 1
            while True:
                target = self.folder / f"{workspace_id}_v{version}.zip"
                try:
                    os.link(tmp, target)   # fails if another session took this version meanwhile
                except FileExistsError:
                    version += 1
                    continue
                except OSError:  # no hard links on this file system
                    if target.exists():
                        version += 1
                        continue
                    os.replace(tmp, target)
                break
            return SavedRef(workspace_id, version, digest)
        finally:
            tmp.unlink(missing_ok=True)

    def path(self, workspace_id: str, version: int | None = None) -> Path:
        """The file of a saved version (latest when None); CxError when there is none."""
        if not isinstance(workspace_id, str) or not _ID.match(workspace_id):
            raise CxError(f"workspace {workspace_id!s:.80} is not available")
        versions = self._versions(workspace_id)
        if version is None and versions:
            return versions[max(versions)]
        if version in versions:
            return versions[version]
        raise CxError(f"workspace {workspace_id} is not available"
                      + (f" (no version {version})" if version is not None and versions else ""))

    def open(self, workspace_id: str, version: int | None = None, expected_hash: str | None = None,
             **kwargs: Any) -> Workspace:
        """Open a saved workspace; with `expected_hash`, only data identical to the link's.

        Without a version, the newest version whose hash matches is opened, so a link keeps
        working after someone saves a newer version beside it. WorkspaceChanged when no version
        (or not the one asked for) holds that data any more.
        """
        path = self.path(workspace_id, version)
        if expected_hash is not None:
            candidates = [path] if version is not None else [
                p for _, p in sorted(self._versions(workspace_id).items(), reverse=True)]
            path = next((p for p in candidates if read_manifest(p)["content_hash"] == expected_hash), None)
            if path is None:
                raise WorkspaceChanged(f"the data of workspace {workspace_id} changed since this link was made")
        return open_workspace(path, **kwargs)


def store_from_config(env: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> WorkspaceStore | None:
    """The server-side store when a folder is configured (env JOURNEY_LENS_WORKSPACE_DIR or secrets), else None."""
    folder = (env.get(ENV_DIR) or "").strip()
    if not folder and secrets is not None:
        try:
            folder = str(secrets.get(SECRETS_KEY) or "").strip()
        except (KeyError, AttributeError, FileNotFoundError):
            folder = ""
    return WorkspaceStore(Path(folder).expanduser()) if folder else None
