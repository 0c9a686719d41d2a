"""Text files as clean UTF-8 for DuckDB: a BOM decides (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM is
seen from its NUL bytes; otherwise strict UTF-8, else charset-normalizer picks between Windows-1252
and the common CJK code pages (bytes Windows-1252 leaves undefined are read as Latin-1); a UTF-8 file
with a few Windows-1252 lines is decoded line by line. A file DuckDB cannot read as it is (another
encoding, a BOM, lone CRs or CRLF mixed with LF, NUL bytes) is rewritten to a temporary UTF-8 file
first, with a note saying what was done.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxlib.errors import LoadError
from cxlib.loading.context import _CHUNK, _Ctx, _plural
from cxlib.loading.detection import _utf16_guess


def _latin1_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as Latin-1."""
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("cxlib_latin1", _latin1_fallback)


def _lines(fh: Any) -> Any:
    """Blocks of whole lines (each ending in a newline, except perhaps the last) from a binary file."""
    carry = b""
    while block := fh.read(_CHUNK):
        data = carry + block
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            continue
        carry = data[cut + 1:]
        yield data[: cut + 1]
    if carry:
        yield carry


@dataclass
class _ByteScan:
    """What one pass over the raw bytes found: UTF-8 validity (per line when not), NULs, line endings."""

    utf8: bool = True
    bad_lines: list[int] = field(default_factory=list)   # lines that are not UTF-8 (first 1000)
    bad_count: int = 0
    nonascii_utf8_lines: int = 0
    nuls: int = 0
    nul_lines: list[int] = field(default_factory=list)
    crlf: int = 0
    lf: int = 0
    cr: int = 0
    printable: bool = False


def _scan_bytes(src: Path, offset: int) -> _ByteScan:
    """One streamed pass over an 8-bit text file (UTF-8 or a legacy code page)."""
    scan = _ByteScan()
    line_no = 0
    with open(src, "rb") as fh:
        fh.seek(offset)
        for block in _lines(fh):
            scan.crlf += block.count(b"\r\n")
            scan.lf += block.count(b"\n")
            scan.cr += block.count(b"\r")
            if not scan.printable and block.strip(b" \t\r\n\x00\x0b\x0c"):
                scan.printable = True
            nuls = block.count(b"\x00")
            try:
                block.decode("utf-8")
                block_ok = True
            except UnicodeDecodeError:
                block_ok = False
                scan.utf8 = False
            if block_ok and not nuls and block.isascii():
                line_no += block.count(b"\n")
                continue
            for line in block.split(b"\n")[: block.count(b"\n") + (0 if block.endswith(b"\n") else 1)]:
                line_no += 1
                if nuls and b"\x00" in line:
                    scan.nuls += line.count(b"\x00")
                    if len(scan.nul_lines) < 1000:
                        scan.nul_lines.append(line_no)
                if line.isascii():
                    continue
                try:
                    line.decode("utf-8")
                    scan.nonascii_utf8_lines += 1
                except UnicodeDecodeError:
                    scan.bad_count += 1
                    if len(scan.bad_lines) < 1000:
                        scan.bad_lines.append(line_no)
    return scan


def _ranges(lines: Sequence[int], total: int) -> str:
    """'4-5, 9' for line numbers (at most five ranges, then 'and N more lines')."""
    spans: list[list[int]] = []
    for n in lines:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    shown = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in spans[:5])
    listed = sum(b - a + 1 for a, b in spans[:5])
    return shown + (f" and {total - listed} more" if total > listed else "")


def _to_utf8(ctx: _Ctx, src: Path, head: bytes) -> tuple[Path, list[str]]:
    """The file as clean UTF-8 DuckDB reads (the original when it already is), and notes on what changed.

    Clean means: no BOM, one kind of line ending (a lone CR or a mix of CRLF and LF confuses the reader),
    no NUL bytes. A file that is mostly UTF-8 with a few lines in Windows-1252 is decoded line by line.
    """
    notes: list[str] = []
    strip, encoding = 0, None
    if head.startswith(codecs.BOM_UTF8):
        strip = 3
    elif head.startswith(codecs.BOM_UTF16_LE):
        encoding, strip = "utf-16-le", 2
    elif head.startswith(codecs.BOM_UTF16_BE):
        encoding, strip = "utf-16-be", 2
    else:
        encoding = _utf16_guess(head)
    out = ctx.tmpdir / "utf8.csv"
    if encoding is not None:
        notes.append("read as UTF-16 (little-endian)" if encoding == "utf-16-le" else "read as UTF-16 (big-endian)")
        nuls = _rewrite(ctx, src, strip, out, lambda block: block, whole=encoding)
    else:
        scan = _scan_bytes(src, strip)
        if not scan.printable:
            raise LoadError(f"'{ctx.display}' is empty: it has no text, only blank lines.", file=ctx.display)
        mixed_endings = scan.cr > scan.crlf or (scan.crlf and scan.lf > scan.crlf)
        if scan.utf8 and not scan.nuls and not mixed_endings and strip == 0:
            return src, notes
        if scan.utf8:
            nuls = _rewrite(ctx, src, strip, out, lambda block: block.decode("utf-8"))
        elif scan.nonascii_utf8_lines:
            # Mostly UTF-8: only the lines that are not UTF-8 are read as Windows-1252.
            def decode(block: bytes) -> str:
                """A block as UTF-8, line by line falling back to Windows-1252 where it is not."""
                try:
                    return block.decode("utf-8")
                except UnicodeDecodeError:
                    return "".join(_line_text(line) for line in block.splitlines(keepends=True))
            nuls = _rewrite(ctx, src, strip, out, decode)
            notes.append(f"lines {_ranges(scan.bad_lines, scan.bad_count)} are not UTF-8, read as Windows-1252")
        else:
            legacy = _guess_8bit(src)
            nuls = _rewrite(ctx, src, strip, out, lambda block: block, whole=legacy)
            notes.append("read as Windows-1252 (Latin-1), not UTF-8" if legacy == "cp1252"
                         else f"read as {legacy}, not UTF-8")
        if scan.nuls:
            where = _ranges(scan.nul_lines, len(scan.nul_lines))
            notes.append(f"removed {_plural(scan.nuls, 'NUL byte')} (line {where})")
            nuls = 0
    if nuls:
        notes.append(f"removed {_plural(nuls, 'NUL character')}")
    return out, notes


def _line_text(line: bytes) -> str:
    """One line as UTF-8, or as Windows-1252 when it is not UTF-8."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="cxlib_latin1")


def _rewrite(ctx: _Ctx, src: Path, offset: int, out: Path, decode: Callable[[bytes], str],
             whole: str | None = None) -> int:
    """Write the file as UTF-8 with LF line endings and no NULs; returns how many NULs were dropped."""
    nuls = 0
    pending_cr = False
    decoder = None
    if whole is not None:
        errors = "cxlib_latin1" if whole == "cp1252" else "strict"
        decoder = codecs.getincrementaldecoder(whole)(errors=errors)
    try:
        with open(src, "rb") as fin, open(out, "w", encoding="utf-8", newline="") as fout:
            fin.seek(offset)
            blocks = iter(lambda: fin.read(_CHUNK), b"") if decoder is not None else _lines(fin)
            for block in blocks:
                text = decoder.decode(block) if decoder is not None else decode(block)
                if pending_cr:
                    text = "\r" + text
                pending_cr = text.endswith("\r")
                if pending_cr:
                    text = text[:-1]
                if "\x00" in text:
                    nuls += text.count("\x00")
                    text = text.replace("\x00", "")
                fout.write(text.replace("\r\n", "\n").replace("\r", "\n"))
            tail = decoder.decode(b"", final=True) if decoder is not None else ""
            fout.write(("\n" if pending_cr else "") + tail.replace("\r\n", "\n").replace("\r", "\n"))
    except UnicodeDecodeError as exc:
        raise LoadError(f"'{ctx.display}' is not valid {str(whole).upper()} text (byte {exc.start} cannot be "
                        "decoded); save it as UTF-8 CSV and upload again.", file=ctx.display) from exc
    if whole is not None:
        with open(out, "rb") as fh:
            if not fh.read(_CHUNK).strip(b" \t\r\n"):
                raise LoadError(f"'{ctx.display}' is empty: it has no text, only blank lines.", file=ctx.display)
    return nuls


def _guess_8bit(src: Path) -> str:
    """Windows-1252 unless charset-normalizer is sure of a CJK code page that decodes the whole file."""
    import charset_normalizer

    with open(src, "rb") as fh:
        sample = fh.read(256 * 1024)
    best = charset_normalizer.from_bytes(
        sample, cp_isolation=["cp1252", "gb18030", "big5", "shift_jis", "euc_kr"]).best()
    if best is not None and best.encoding != "cp1252":
        decoder = codecs.getincrementaldecoder(best.encoding)(errors="strict")
        try:
            with open(src, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return "cp1252"
