"""CSV/TSV/TXT files → a grid. DuckDB's ``sniff_csv`` finds the delimiter, tried from each of the first
records so that title rows above the header do not decide it (records, not lines: a line break
inside quotes stays in its record). The whole file is then read as VARCHAR by ``read_csv`` with
``store_rejects``: a row with the wrong number of fields or an unbalanced quote becomes a rejected row
with its line number and text. A record's line is the 1-based physical line it starts on, found from
the newline and quote positions of the bytes (numpy) and matched to DuckDB's record order; if the two
ever disagree the report says the line numbers are approximate.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas

from cxlib.canonical import quote
from cxlib.loading.context import _CHUNK, MAX_COLUMNS, _Ctx, _drop_all, _plural, _too_wide
from cxlib.loading.detection import _refuse_json
from cxlib.loading.encoding import _to_utf8
from cxlib.loading.grid import _Grid, _Item, _nonempty
from cxlib.loading.names import _table_base
from cxlib.loading.report import LoadReport
from cxlib.loading.table import _finish

_SNIFF_BYTES = 1 << 20                  # the start of a file the sniffer reads
_SNIFF_SKIPS = 12                       # records tried as the first row (title rows above a header)


def _load_text(ctx: _Ctx, src: Path, head: bytes) -> LoadReport:
    """CSV/TSV/TXT → one table: encoding, sniffing, DuckDB read, layout, types."""
    ctx.progress("Checking the encoding…", 0.05)
    utf8, notes = _to_utf8(ctx, src, head)
    _refuse_json(ctx, utf8)
    ctx.progress("Sniffing…", 0.15)
    dialect = _sniff(ctx, utf8)
    ctx.progress("Reading rows…", 0.25)
    grid = _read_csv_grid(ctx, utf8, dialect)
    grid.warnings[:0] = notes
    try:
        return _finish(ctx, grid, sheet=None, base=_table_base(ctx.display, None), progress_from=0.45)
    finally:
        _drop_all(ctx.con, grid.temp_tables)


@dataclass
class _Dialect:
    """How a text file is split: delimiter, quote, escape and the number of columns."""

    delimiter: str
    quote: str
    escape: str
    ncols: int


def _sniff(ctx: _Ctx, path: Path) -> _Dialect:
    """DuckDB's sniffer over the first MB, from record 1 and then from below each possible title record.

    The first reading whose column count (≥ 2) stays the same when one more record is skipped, and whose
    first record has exactly that many fields, at least half of them filled (a header does; a title row
    or stray punctuation does not), wins. Failing that, the widest reading whose first record is a
    complete header; failing that, the reading from record 1; failing that, one column. Records, not
    lines: a header cell with a quoted line break is one header, not a title line and a broken row.
    """
    with open(path, "rb") as fh:
        chunk = fh.read(_SNIFF_BYTES)
    if len(chunk) == _SNIFF_BYTES and b"\n" in chunk:
        chunk = chunk[: chunk.rindex(b"\n") + 1]
    first = chunk.split(b"\n", 1)[0]
    widest = max(first.count(d) for d in (b",", b";", b"\t", b"|")) + 1
    if widest > MAX_COLUMNS:
        raise _too_wide(ctx, widest)
    starts = _record_starts(chunk)
    nrecords = len(starts)
    bounds = [*starts, len(chunk)]

    def reading_from(k: int, delimiter: str | None = None) -> _Dialect | None:
        """sniff_csv over the chunk from record k on (a file of its own, so no skip option is relied on)."""
        part = ctx.tmpdir / f"sniff_{k}.csv"
        if not part.exists():
            part.write_bytes(chunk[bounds[k]:])
        return _sniff_at(ctx, part, delimiter)

    readings: list[tuple[int, _Dialect, int]] = []   # record, dialect, filled cells of that record (-1: not full)
    for k in range(min(_SNIFF_SKIPS, nrecords)):
        result = reading_from(k)
        if result is None:
            continue
        filled = _first_row(ctx, chunk[bounds[k]:bounds[k + 1]], result)
        readings.append((k, result, filled))
        if result.ncols < 2 or 2 * filled < result.ncols or k + 1 >= nrecords:
            continue
        again = reading_from(k + 1, result.delimiter)
        if again is not None and again.ncols == result.ncols:
            return result
    # Nothing confirmed by a second record: a reading whose first record is a complete header, else record 1's.
    complete = [(k, r) for k, r, f in readings if r.ncols >= 2 and f == r.ncols]
    if complete:
        return max(complete, key=lambda kr: (kr[1].ncols, -kr[0]))[1]
    first_reading = next((r for k, r, f in readings if k == 0 and f >= 0), None)
    if first_reading is not None:
        return first_reading
    # A single column: pick the candidate delimiter the first lines use least, so cells stay whole.
    delim = min((",", ";", "\t", "|"), key=lambda d: chunk.count(d.encode()))
    return _Dialect(delim, '"', '"', 1)


def _record_starts(chunk: bytes) -> list[int]:
    """Byte offsets where the records of the start of a file begin (a blank line is a record too).

    A line break inside double quotes does not end a record; a quote never closed takes the rest.
    """
    starts: list[int] = []
    offset, open_quote = 0, False
    for line in chunk.split(b"\n"):
        if not open_quote and offset < len(chunk):
            starts.append(offset)
        open_quote ^= bool(line.count(b'"') & 1)
        offset += len(line) + 1
    return starts or [0]


def _first_row(ctx: _Ctx, record: bytes, dialect: _Dialect) -> int:
    """Filled cells of one record read with a dialect, or -1 when it does not have exactly that many fields."""
    probe = ctx.tmpdir / "probe.csv"
    # The record's own line ending: a CRLF file keeps CRLF, so a quoted CRLF does not look like a mix.
    probe.write_bytes(record.rstrip(b"\r\n") + (b"\r\n" if b"\r\n" in record else b"\n"))
    columns = {f"c{i}": "VARCHAR" for i in range(dialect.ncols)}
    try:
        rows = ctx.con.execute(
            "SELECT * FROM read_csv(?, auto_detect=false, header=false, delim=?, quote=?, escape=?, comment='', "
            "columns=?, ignore_errors=true)",
            [str(probe), dialect.delimiter, dialect.quote, dialect.escape, columns]).fetchall()
    except duckdb.Error:
        return -1
    return _nonempty(rows[0]) if rows else -1


def _sniff_at(ctx: _Ctx, head: Path, delimiter: str | None) -> _Dialect | None:
    """One sniff_csv reading (delimiter, quote, escape, columns) of a file, or None."""
    extra, params = ("", [str(head)]) if delimiter is None else (", delim=?", [str(head), delimiter])
    try:
        rows = ctx.con.execute("SELECT Delimiter, Quote, Escape, len(Columns) FROM sniff_csv(?, "
                               f"ignore_errors=true, comment='', header=false{extra})", params).fetchall()
    except duckdb.Error:
        return None
    if not rows:
        return None
    delim, quote_char, escape, ncols = rows[0][0], rows[0][1], rows[0][2], int(rows[0][3])
    quote_char = quote_char if quote_char not in ("", "(empty)", "\x00") else '"'
    if quote_char != '"' and not _quotes_a_field(head, delim, quote_char):
        quote_char = '"'   # a stray apostrophe is text, not a quote (sniff_csv guesses ' from one "'" line)
    escape = escape if escape not in ("", "(empty)", "\x00") else quote_char
    return _Dialect(delim, quote_char, escape, ncols)


def _quotes_a_field(head: Path, delim: str, quote_char: str) -> bool:
    """Whether some field of the file's start is wrapped in `quote_char` on one line ('a, b' between delimiters)."""
    d, q = re.escape(delim), re.escape(quote_char)
    text = head.read_bytes()[:_SNIFF_BYTES].decode("utf-8", errors="replace")
    return re.search(rf"(?:^|{d}){q}[^{q}\n]+{q}(?:{d}|\r?$)", text, flags=re.MULTILINE) is not None


def _line_structure(path: Path, quote_char: str, escape: str) -> dict[str, Any]:
    """Physical lines of a UTF-8 file: which start a record (outside quotes), which are blank, offsets.

    DuckDB numbers a rejected record by its position among records and blank lines; this gives the
    physical line of each such position, so every row can point at its line in a text editor.
    """
    q = ord(quote_char) if len(quote_char.encode()) == 1 else None
    e = ord(escape) if escape and escape != quote_char and len(escape.encode()) == 1 else None
    starts_all, inside_all, blank_all = [], [], []
    parity = 0
    offset = 0
    carry = b""
    with open(path, "rb") as fh:
        while True:
            block = fh.read(_CHUNK)
            data = carry + block
            if not data:
                break
            if block:
                cut = data.rfind(b"\n")
                if cut < 0:
                    carry = data
                    continue
                data, carry = data[: cut + 1], data[cut + 1:]
            else:
                carry = b""
            a = np.frombuffer(data, dtype=np.uint8)
            nl = np.flatnonzero(a == 10)
            starts = np.concatenate(([0], nl + 1))
            ends = np.concatenate((nl, [len(a)]))
            keep = starts < len(a)
            starts, ends = starts[keep], ends[keep]
            if q is not None:
                qpos = np.flatnonzero(a == q)
                if e is not None and len(qpos):
                    prev = np.where(qpos > 0, a[np.maximum(qpos - 1, 0)], 0)
                    qpos = qpos[prev != e]
                before = np.searchsorted(qpos, starts)
                inside = ((before + parity) & 1).astype(bool)
                parity = (parity + len(qpos)) & 1
            else:
                inside = np.zeros(len(starts), dtype=bool)
            length = ends - starts
            first = a[np.minimum(starts, len(a) - 1)]
            blank = (length == 0) | ((length == 1) & (first == 13))
            starts_all.append(starts + offset)
            inside_all.append(inside)
            blank_all.append(blank & ~inside)
            offset += len(data)
            if not block:
                break
    starts = np.concatenate(starts_all) if starts_all else np.zeros(0, dtype=np.int64)
    inside = np.concatenate(inside_all) if inside_all else np.zeros(0, dtype=bool)
    blank = np.concatenate(blank_all) if blank_all else np.zeros(0, dtype=bool)
    seq_idx = np.flatnonzero(~inside)
    return {"total_lines": int(len(starts)), "seq_lines": seq_idx.astype(np.int64) + 1,
            "seq_offsets": starts[seq_idx].astype(np.int64), "seq_blank": blank[seq_idx],
            "size": offset, "unterminated": bool(parity)}


_REJECT_REASON = {
    "TOO MANY COLUMNS": "too many fields",
    "MISSING COLUMNS": "too few fields",
    "UNQUOTED VALUE": "unbalanced quote",
    "LINE SIZE OVER MAXIMUM": "line too long",
    "INVALID UNICODE": "invalid characters",
}


def _read_csv_grid(ctx: _Ctx, path: Path, dialect: _Dialect) -> _Grid:
    """Read every record as VARCHAR with DuckDB; rejects with their lines; blank lines kept for the layout."""
    con = ctx.con
    n = max(dialect.ncols, 1)
    grid, lines_t = ctx.tmp_name("grid"), ctx.tmp_name("lines")
    rej, scan = ctx.tmp_name("rej"), ctx.tmp_name("scan")
    temp = [grid, lines_t, rej, scan]
    columns = {f"c{i}": "VARCHAR" for i in range(n)}
    try:
        con.execute(
            f"CREATE TEMP TABLE {quote(grid)} AS SELECT * FROM read_csv(?, auto_detect=false, header=false, "
            "skip=0, delim=?, quote=?, escape=?, comment='', columns=?, store_rejects=true, "
            "rejects_table=?, rejects_scan=?, max_line_size=?)",
            [str(path), dialect.delimiter, dialect.quote, dialect.escape, columns, rej, scan, 8 << 20])
        rejects = con.execute(
            f"SELECT line, min(error_type), min(error_message), "
            # DuckDB reports one error per missing or extra field: the fewest found / the most found count.
            f"CASE WHEN min(error_type) = 'MISSING COLUMNS' "
            f"THEN min(try_cast(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) "
            f"ELSE max(try_cast(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) END "
            f"FROM {quote(rej)} GROUP BY line ORDER BY line"
        ).fetchall()
        nrows = con.execute(f"SELECT count(*) FROM {quote(grid)}").fetchall()[0][0]
    except duckdb.Error:
        _drop_all(con, temp)
        raise
    finally:
        _drop_all(con, [rej, scan])
    structure = _line_structure(path, dialect.quote, dialect.escape)
    seq_lines: np.ndarray = structure["seq_lines"]
    seq_blank: np.ndarray = structure["seq_blank"]
    total = structure["total_lines"]
    nseq = len(seq_lines)
    spans = np.diff(np.append(seq_lines, total + 1)) if nseq else np.zeros(0, dtype=np.int64)
    warnings: list[str] = []
    reject_seq = np.array([r[0] for r in rejects if 1 <= r[0] <= nseq], dtype=np.int64)
    if n == 1:
        seq_blank = np.zeros_like(seq_blank)   # with one column a blank line is a record (an empty cell)
    accepted = ~seq_blank.copy()
    accepted[reject_seq - 1] = False
    acc_idx = np.flatnonzero(accepted)
    if len(acc_idx) != nrows or len(reject_seq) != len(rejects):
        warnings.append("line numbers are approximate: the file's quoting could not be matched line by line")
        if len(acc_idx) >= nrows:
            acc_idx = acc_idx[:nrows]
        else:
            extra = np.arange(nrows - len(acc_idx)) + (acc_idx[-1] + 1 if len(acc_idx) else 0)
            acc_idx = np.concatenate((acc_idx, extra))
    line_of = np.append(seq_lines, np.arange(total + 1, total + 1 + max(0, int(acc_idx.max(initial=-1)) + 1 - nseq)))
    span_of = np.append(spans, np.ones(len(line_of) - nseq, dtype=np.int64))
    concat = f"concat({', '.join(f'c{i}' for i in range(n))})"
    filled = con.execute(f"SELECT trim({concat}) <> '' AS f FROM {quote(grid)}").df()["f"].to_numpy(dtype=bool)
    lines_df = pandas.DataFrame({"_line": line_of[acc_idx].astype("int64"),
                                 "_span": span_of[acc_idx].astype("int64"), "_filled": filled,
                                 "_ok": np.ones(len(acc_idx), dtype=bool)})
    con.register("__cxlib_lines_df", lines_df)
    try:
        con.execute(f"CREATE TEMP TABLE {quote(lines_t)} AS SELECT * FROM __cxlib_lines_df")
    finally:
        con.unregister("__cxlib_lines_df")
    items: list[_Item] = []
    offsets = structure["seq_offsets"]
    with open(path, "rb") as fh:
        for seq, etype, message, found in rejects:
            if not 1 <= seq <= nseq:
                continue
            i = seq - 1
            fh.seek(int(offsets[i]))
            end = int(offsets[i + 1]) if i + 1 < nseq else structure["size"]
            raw = fh.read(min(end - int(offsets[i]), 4000)).decode("utf-8", errors="replace").rstrip("\r\n")
            reason = _REJECT_REASON.get(etype, (message or etype or "unreadable").splitlines()[0])
            if etype in ("MISSING COLUMNS", "TOO MANY COLUMNS") and found:
                reason = f"{reason}: {found} instead of {n}"
            if etype == "UNQUOTED VALUE" and structure["unterminated"] and i == np.flatnonzero(~seq_blank)[-1]:
                reason = (f"unbalanced quote: a quote opened on line {int(seq_lines[i])} is never closed, "
                          f"so the rest of the file ({_plural(int(spans[i]), 'line')}) could not be read")
            sparse = etype == "MISSING COLUMNS" and found is not None and found <= n // 2
            items.append(_Item(int(seq_lines[i]), int(spans[i]), raw, reason, blank=not raw.strip(),
                               sparse=sparse))
    for i in np.flatnonzero(seq_blank):
        items.append(_Item(int(seq_lines[i]), int(spans[i]), "", "blank line", blank=True))
    items.sort(key=lambda it: it.line)
    return _Grid(table=grid, lines_table=lines_t, ncols=n, total_lines=total, items=items, delimiter=dialect.delimiter,
                 nrows=int(nrows), warnings=warnings, temp_tables=[grid, lines_t])
