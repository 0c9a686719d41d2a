"""The prepared sample: the sample company already loaded and mapped, shipped as data/sample_workspace.zip.

A fresh server opens this archive (a saved workspace, see cxlib.saved) instead of loading and
mapping data/ at start. `make sample` writes it after the CSV files. It is byte-stable: the same
files and code give the same bytes (fixed zip entry times, a fixed creation time in the manifest),
so a stale archive shows up as a diff, and `content_digest` names what must match.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from cxlib.saved import MANIFEST, META, save_workspace
from cxlib.workspace import DATA_DIR, open_sample

ARCHIVE_NAME = "sample_workspace.zip"
ARCHIVE = DATA_DIR / ARCHIVE_NAME
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)              # zip entry times (the format cannot go before 1980)
_FIXED_CREATED = "2026-01-01T00:00:00+00:00"     # the manifest's created_at


def build(data_dir: Path = DATA_DIR) -> bytes:
    """The sample company in `data_dir` loaded and mapped as the app does it, saved byte-stably."""
    ws = open_sample(data_dir=data_dir)
    try:
        buffer = io.BytesIO()
        save_workspace(ws, buffer)
    finally:
        ws.close()
    return _stable(buffer.getvalue())


def _stable(archive: bytes) -> bytes:
    """The same archive with fixed entry times and creation time (the content hash is unchanged)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == MANIFEST:
                manifest = json.loads(data.decode("utf-8"))
                manifest["created_at"] = _FIXED_CREATED
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def write(data_dir: Path = DATA_DIR) -> Path:
    """Build the prepared sample from `data_dir` and write it there as sample_workspace.zip."""
    path = Path(data_dir) / ARCHIVE_NAME
    path.write_bytes(build(data_dir))
    return path


def read(path: Path = ARCHIVE) -> bytes | None:
    """The shipped prepared sample's bytes, or None when it is missing (then the app builds one)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def content_digest(archive: bytes) -> str:
    """What the sample is: the tables' and mapping's content hash plus the label and load reports."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        meta = zf.read(META) if META in zf.namelist() else b""
    return hashlib.sha256(manifest["content_hash"].encode("ascii") + b"\0" + meta).hexdigest()
