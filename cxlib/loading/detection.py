"""What an upload is, decided by its bytes first and its extension only where the bytes say nothing:
PNG/JPEG/GIF/PDF/gzip/programs and other binaries, HTML pages, Excel 2003 XML and JSON documents are
refused saying what they are; a ZIP container is an XLSX workbook (its directory is checked for zip
bombs before it is opened), an OLE container is an XLS workbook unless it holds an
``EncryptedPackage`` (a password-protected workbook), ``PAR1`` is Parquet; everything else is text.
A file over the upload limit is refused with the limit in MB.
"""

from __future__ import annotations

import codecs
import json
import zipfile
from pathlib import Path

from cxlib.errors import LoadError
from cxlib.loading.context import _CHUNK, _Ctx

MAX_UNCOMPRESSED_BYTES = 1 << 30        # an XLSX whose parts unpack to more than 1 GiB is refused
MAX_COMPRESSION_RATIO = 200             # … and so is a part that unpacks >200× (and >10 MB)
EXCEL_EXTENSIONS = {".xlsx", ".xlsm", ".xls"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"%PDF", "a PDF document"), (b"BM", None),  # BM only with NULs below
    (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF binary)"), (b"MZ", None), (b"RIFF", "a media file (RIFF)"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"\x00\x00\x01\x00", "an icon image"),
    (b"OggS", "an audio file (Ogg)"), (b"ID3", "an audio file (MP3)"), (b"SQLite format 3", "an SQLite database"),
]
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _check_size(display: str, size: int, max_bytes: int | None) -> None:
    """Refuse a file over the configured upload limit, saying the limit in MB."""
    if max_bytes is not None and size > max_bytes:
        raise LoadError(f"'{display}' is {size / 1e6:.1f} MB, over the upload limit of "
                        f"{_fmt_mb(max_bytes)} MB.", file=display)


def _fmt_mb(n: int) -> str:
    """A byte limit in MB as people say it (MiB-sized limits print whole)."""
    mb = n / 1e6 if n % (1 << 20) else n / (1 << 20)
    return f"{mb:g}" if mb >= 1 else f"{mb:.2g}"


def _detect_kind(display: str, head: bytes) -> str:
    """xlsx / xls / parquet / text from the magic bytes (the extension only where bytes say nothing)."""
    suffix = Path(display).suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    bom_text = head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for magic, what in _MAGIC:
        if head.startswith(magic) and what and not bom_text:
            raise LoadError(f"'{display}' is {what}, not a table. Upload a CSV, TSV, Excel (XLSX/XLS) "
                            "or Parquet file.", file=display)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<body")):
        raise LoadError(f"'{display}' is an HTML page, not a spreadsheet: open it in Excel, save it as XLSX or CSV "
                        "and upload that.", file=display)
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        raise LoadError(f"'{display}' is an Excel 2003 XML spreadsheet: open it in Excel, save it as XLSX or CSV "
                        "and upload that.", file=display)
    if suffix in EXCEL_EXTENSIONS:
        raise LoadError(f"'{display}' is not a valid Excel workbook: the file is damaged or is not "
                        "really an Excel file.", file=display)
    if suffix in PARQUET_EXTENSIONS:
        raise LoadError(f"'{display}' is not a valid Parquet file (no PAR1 header).", file=display)
    control = sum(head.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    if not bom_text and control > 0.05 * len(head) and _utf16_guess(head) is None:
        raise LoadError(f"'{display}' is a binary file, not text: upload a CSV, TSV, Excel (XLSX/XLS) "
                        "or Parquet file.", file=display)
    return "text"


def _utf16_guess(head: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII text has a NUL in every other byte (odd bytes → LE, even → BE)."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    even_nul, odd_nul = even.count(0) / half, odd.count(0) / half
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _check_zip(display: str, path: Path) -> None:
    """Refuse a damaged XLSX or a zip bomb by reading only the zip directory."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(f"'{display}' is not a valid Excel workbook: the file is damaged or is not "
                        f"really an Excel file ({exc}).", file=display) from exc
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise LoadError(f"'{display}' is a ZIP archive but not an Excel workbook (no xl/workbook.xml).",
                        file=display)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise LoadError(f"'{display}' would unpack to {total / 1e6:,.0f} MB (over "
                        f"{MAX_UNCOMPRESSED_BYTES / 1e6:,.0f} MB): refused as a possible zip bomb.",
                        file=display)
    for info in infos:
        if info.file_size > (10 << 20) and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise LoadError(f"'{display}' has a part ({info.filename}) that unpacks "
                            f"{info.file_size / max(info.compress_size, 1):,.0f}× to "
                            f"{info.file_size / 1e6:,.0f} MB: refused as a possible zip bomb.", file=display)


def _ole_encrypted(path: Path) -> bool:
    """An OLE container holding an EncryptedPackage stream is a password-protected XLSX."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            if marker in chunk:
                return True
    return False


def _refuse_json(ctx: _Ctx, path: Path) -> None:
    """A JSON document (or JSON lines) renamed .csv is refused rather than read as a one-column table."""
    with open(path, "rb") as fh:
        start = fh.read(65536)
    text = start.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if not text.startswith(("{", "[")):
        return
    size = path.stat().st_size
    try:
        if size <= 20_000_000:
            json.loads(path.read_text(encoding="utf-8"))
        else:
            for line in text.splitlines()[:5]:
                json.loads(line)
    except ValueError:
        return
    raise LoadError(f"'{ctx.display}' is JSON, not a table: export it as CSV or Excel and upload again.",
                    file=ctx.display)
