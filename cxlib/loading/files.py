"""The entry points: ``load_file`` (one uploaded file, from a path or from bytes, to its tables and
reports, or a ``LoadError`` naming the file, with any table it made dropped), ``load_files`` (several;
a bad file is reported as its ``LoadError`` and does not stop the others), ``rejected_rows`` (the
rejects of one load, for view and download) and ``drop_table``.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas

from cxlib.canonical import quote
from cxlib.errors import LoadError
from cxlib.loading.context import ProgressFn, _Ctx, _drop_all, _Progress
from cxlib.loading.detection import _check_size, _check_zip, _detect_kind
from cxlib.loading.excel import _load_excel
from cxlib.loading.parquet import _load_parquet
from cxlib.loading.report import LoadReport
from cxlib.loading.text import _load_text


def load_file(con: duckdb.DuckDBPyConnection, path: str | Path | None = None, *, data: bytes | None = None,
              name: str | None = None, hints: dict[str, str] | None = None,
              progress: ProgressFn | None = None, max_bytes: int | None = None) -> list[LoadReport]:
    """Load one uploaded file into raw DuckDB tables and report every row; raises LoadError naming the file."""
    if path is None and data is None:
        raise LoadError("No file given to load.")
    display = re.split(r"[\\/]", str(name if name else (path if path is not None else "")))[-1] or "upload"
    report = _Progress(progress)
    created: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="cxlib-load-") as tmp:
            tmpdir = Path(tmp)
            report("Reading file…", 0.0)
            if data is not None:
                size = len(data)
                _check_size(display, size, max_bytes)
                src = tmpdir / "upload.bin"
                src.write_bytes(data)
            else:
                src = Path(path)  # type: ignore[arg-type]
                if not src.is_file():
                    raise LoadError(f"'{display}' was not found or is not a file.", file=display)
                size = src.stat().st_size
                _check_size(display, size, max_bytes)
            if size == 0:
                raise LoadError(f"'{display}' is empty (0 bytes): there is nothing to load.", file=display)
            with open(src, "rb") as fh:
                head = fh.read(65536)
            kind = _detect_kind(display, head)
            ctx = _Ctx(con=con, display=display, hints=dict(hints or {}), progress=report, tmpdir=tmpdir,
                       created=created)
            if kind == "xlsx":
                _check_zip(display, src)
                return _load_excel(ctx, src, "xlsx")
            if kind == "xls":
                return _load_excel(ctx, src, "xls")
            if kind == "parquet":
                return [_load_parquet(ctx, src)]
            return [_load_text(ctx, src, head)]
    except LoadError:
        _drop_all(con, created)
        raise
    except (duckdb.Error, OSError, UnicodeError, zipfile.BadZipFile, MemoryError) as exc:
        _drop_all(con, created)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "Out of Memory" in str(exc) or isinstance(exc, MemoryError):
            raise LoadError(f"'{display}' is too large to load within this session's memory limit "
                            f"({first}).", file=display) from exc
        raise LoadError(f"'{display}' could not be read: {first}", file=display) from exc


def load_files(con: duckdb.DuckDBPyConnection, files: Sequence[Path | str | tuple[str, bytes]], *,
               hints: dict[str, str] | None = None, progress: ProgressFn | None = None,
               max_bytes: int | None = None) -> tuple[list[LoadReport], list[LoadError]]:
    """Load several files; one bad file is reported as its LoadError and does not stop the others."""
    reports: list[LoadReport] = []
    errors: list[LoadError] = []
    total = max(len(files), 1)
    for i, item in enumerate(files):
        def scaled(message: str, fraction: float, _i: int = i) -> None:
            """Progress of one file scaled into the whole batch."""
            if progress is not None:
                progress(message if total == 1 else f"File {_i + 1} of {total}: {message}",
                         (_i + min(max(fraction, 0.0), 1.0)) / total)
        try:
            if isinstance(item, tuple):
                reports += load_file(con, data=item[1], name=item[0], hints=hints, progress=scaled,
                                     max_bytes=max_bytes)
            else:
                reports += load_file(con, item, hints=hints, progress=scaled, max_bytes=max_bytes)
        except LoadError as exc:
            errors.append(exc)
    return reports, errors


def rejected_rows(con: duckdb.DuckDBPyConnection, report: LoadReport) -> pandas.DataFrame:
    """The rejected rows of one load (source_row, reason, raw text), in file order, for view and download."""
    if not report.rejects_table:
        return pandas.DataFrame({"source_row": pandas.Series([], dtype="int64"),
                                 "reason": pandas.Series([], dtype="object"),
                                 "raw": pandas.Series([], dtype="object")})
    return con.execute(f"SELECT source_row, reason, raw FROM {quote(report.rejects_table)} "
                       "ORDER BY source_row").df()


def drop_table(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    """Remove a loaded table and its rejects table from the session database."""
    _drop_all(con, [t for t in (report.table, report.rejects_table) if t])
