"""The bad-input corpus: small files real users upload, each with what loading it must produce.

``python -m tests.data.bad.make_corpus`` (re)writes every file next to this script and
``expected.json``; the output is byte-for-byte deterministic. ``tests/test_bad_inputs.py`` loads each
file and checks the expectation. An expectation is either ``error`` (a LoadError whose message names
the file and contains the fragment) or ``rows`` = [read, loaded, rejected] of the first table, with
optional checks: ``tables`` (how many), fragments of a ``warning`` (and one that must not appear,
``no_warning``), ``question``, ``reject`` reason and ``skipped_note``; ``reject_rows`` (source lines of
the rejects), ``skipped`` lines, ``columns`` / ``columns_start`` names, ``ncols``, ``types``, exact cell
``values`` per column (dates as ISO text), ``table`` and ``source`` names. A ``mapping`` block checks
one validation reason after suggest_mapping + apply_mapping (kind suggested, rows in, source rows
excluded). ``upload_name`` is the name the browser sends when it differs from the file on disk;
``xfail`` marks a case whose message the loader does not give yet (the reason says what it should say).
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import json
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected.json"
FIXED_TIME = dt.datetime(2026, 1, 1)


@dataclass(frozen=True)
class Case:
    """One corpus file: its name on disk, how its bytes are made, and what loading it must give."""

    file: str
    make: Callable[[], bytes]
    expect: dict[str, Any]


def lines(*rows: str, end: str = "\n") -> bytes:
    """UTF-8 text from lines, each ended with `end`."""
    return "".join(r + end for r in rows).encode("utf-8")


ACCOUNTS = ("Account ID,Account Name,Tier,ARR", "A-1,Acme,Gold,1200", "A-2,Globex,Silver,900",
            "A-3,Initech,Gold,1500")


# ---- builders for binary containers ------------------------------------------------------------------


def xlsx(sheets: dict[str, list[list[Any]]], *, hidden: set[str] = frozenset(),
         merge: dict[str, str] | None = None) -> bytes:
    """A workbook written by xlsxwriter with a fixed creation time (deterministic bytes)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False})
    wb.set_properties({"created": FIXED_TIME})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                elif value is not None:
                    ws.write(r, c, value)
        if merge and name in merge:
            ws.merge_range(merge[name], rows[0][0], wb.add_format())
        if name in hidden:
            ws.hide()
    wb.close()
    return buf.getvalue()


def charts_only_xlsx() -> bytes:
    """A workbook whose only visible sheet is a chart sheet; the data sheet it points at is empty."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": FIXED_TIME})
    data = wb.add_worksheet("Data")
    chart_sheet = wb.add_chartsheet("Revenue chart")
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Data!$A$1:$A$3", "name": "Revenue"})
    chart_sheet.set_chart(chart)
    chart_sheet.activate()
    data.hide()
    wb.close()
    return buf.getvalue()


def fixed_zip(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, payload in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), payload, compress_type=method)
    return buf.getvalue()


def zip_bomb_declared() -> bytes:
    """An XLSX-looking ZIP (a few hundred bytes) whose central directory declares a 4 GB sheet."""
    raw = bytearray(fixed_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                               "xl/worksheets/sheet1.xml": b"<worksheet/>"}))
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        pos = 0
        while (pos := raw.find(sig, pos)) >= 0:
            name_at = pos + (46 if sig == b"PK\x01\x02" else 30)
            if raw[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", raw, pos + size_at, 0xFFFF_FF00)
            pos += 4
    return bytes(raw)


def zip_bomb_ratio() -> bytes:
    """A real deflate bomb part: 24 MB of the same byte compress to ~24 kB (a 1000x ratio)."""
    body = b"<worksheet>" + b"0" * (24 << 20) + b"</worksheet>"
    return fixed_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": body})


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE/CFB container (version 3, 512-byte sectors) with the given top-level streams.

    Every stream is padded to 4096 bytes so it lives in regular sectors (no mini stream); the
    directory is a right-leaning red-black tree of black nodes, which readers accept.
    """
    sector, end_chain, free, fat_mark = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    body, chains, fat = b"", [], [fat_mark, end_chain]   # sector 0: FAT, sector 1: directory
    at = 2
    for payload in streams.values():
        padded = payload + bytes(-len(payload) % sector)
        padded += bytes(max(0, 4096 - len(padded)))
        count = len(padded) // sector
        chains.append((at, len(payload)))
        fat += list(range(at + 1, at + count)) + [end_chain]
        at += count
        body += padded
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", free, right, child) + bytes(16 + 4 + 16)
                + struct.pack("<IIxxxx", start, size))

    names = list(streams)
    directory = entry("Root Entry", 5, free, 1 if names else free, end_chain, 0)
    for k, (name, (start, size)) in enumerate(zip(names, chains)):
        directory += entry(name, 2, k + 2 if k + 1 < len(names) else free, free, start, size)
    directory = directory.ljust(sector, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_chain, 0, end_chain, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + body


def encrypted_workbook() -> bytes:
    """What Excel writes for a password-protected XLSX: an OLE container with Agile encryption streams."""
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
        'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
        'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
        'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>').encode("ascii")
    package = struct.pack("<Q", 6000) + bytes(range(256)) * 24
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


def parquet(table_fn: Callable[[], Any]) -> bytes:
    """A Parquet file of a pyarrow table (no statistics, fixed writer options)."""
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table_fn(), buf, compression="none", write_statistics=False)
    return buf.getvalue()


def nested_table() -> Any:
    import pyarrow as pa

    return pa.table({
        "account_id": pa.array(["A-1", "A-2", "A-3"]),
        "contacts": pa.array([["ann", "bob"], [], None], type=pa.list_(pa.string())),
        "address": pa.array([{"city": "Lyon", "zip": "69001"}, {"city": "Köln", "zip": None}, None]),
        "arr": pa.array([1200.5, None, 900.0]),
    })


def empty_table() -> Any:
    import pyarrow as pa

    return pa.table({"account_id": pa.array([], type=pa.string()), "arr": pa.array([], type=pa.float64())})


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def wide() -> bytes:
    """30,000 columns: a header and two rows of one-character values."""
    n = 30_000
    header = ",".join(f"c{i}" for i in range(n))
    return lines(header, ",".join("x" * n), ",".join("y" * n))


def long_field() -> bytes:
    """One field of 1 MiB of text between two ordinary rows."""
    return lines("id,note", "1,short", "2," + "lorem ipsum " * 87_382, "3,short")


def mixed_encodings() -> bytes:
    """A UTF-8 file someone appended Windows-1252 rows to: both spellings of é in one file."""
    return (lines("id,name", "1,Café Crème", "2,Zoë") + "3,Müller\n4,Hôtel\n".encode("cp1252"))


# ---- the corpus --------------------------------------------------------------------------------------

GOOD = lines(*ACCOUNTS)


def cases() -> list[Case]:
    """Every corpus file with its expectation, in a stable order."""
    c: list[Case] = []

    def add(file: str, make: Callable[[], bytes], **expect: Any) -> None:
        c.append(Case(file, make, expect))

    rows3 = [3, 3, 0]
    # --- empty and nearly empty
    add("empty.csv", lambda: b"", error="is empty (0 bytes)")
    add("only_whitespace_lines.csv", lambda: b"  \n\t\n\r\n   \n", error="is empty: it has no text, only blank lines")
    add("header_only.csv", lambda: lines("Account ID,Account Name,Tier"), rows=[0, 0, 0],
        warning="has a header but no data rows", columns=["Account ID", "Account Name", "Tier"])
    add("header_only_bom.csv", lambda: codecs.BOM_UTF8 + lines("Account ID,Stage"), rows=[0, 0, 0],
        warning="has a header but no data rows", columns=["Account ID", "Stage"])
    add("header_then_blank_lines.csv", lambda: lines("id,name", "", "", ""), rows=[0, 0, 0],
        warning="has a header but no data rows", columns=["id", "name"], no_warning="approximate")
    # --- encodings
    add("bom_utf8.csv", lambda: codecs.BOM_UTF8 + GOOD, rows=rows3,
        columns=["Account ID", "Account Name", "Tier", "ARR"])
    add("bom_utf16le.csv", lambda: codecs.BOM_UTF16_LE + "\n".join(ACCOUNTS).encode("utf-16-le"), rows=rows3,
        warning="read as UTF-16 (little-endian)", columns=["Account ID", "Account Name", "Tier", "ARR"])
    add("bom_utf16be.csv", lambda: codecs.BOM_UTF16_BE + "\n".join(ACCOUNTS).encode("utf-16-be"), rows=rows3,
        warning="read as UTF-16 (big-endian)")
    add("utf16le_no_bom.csv", lambda: "\r\n".join(ACCOUNTS).encode("utf-16-le"), rows=rows3,
        warning="read as UTF-16 (little-endian)")
    add("utf16be_no_bom.csv", lambda: "\n".join(ACCOUNTS).encode("utf-16-be"), rows=rows3,
        warning="read as UTF-16 (big-endian)")
    add("windows1252.csv", lambda: "id,name\n1,Café\n2,Straße €5\n".encode("cp1252"), rows=[2, 2, 0],
        warning="read as Windows-1252", values={"name": ["Café", "Straße €5"]})
    add("gb18030.csv", lambda: "编号,客户名称,城市\n1,北京科技有限公司,北京\n2,上海贸易有限公司,上海\n".encode("gb18030"),
        rows=[2, 2, 0], warning="read as gb18030", values={"客户名称": ["北京科技有限公司", "上海贸易有限公司"]})
    add("mixed_encodings.csv", mixed_encodings, rows=[4, 4, 0],
        warning="lines 4-5 are not UTF-8, read as Windows-1252",
        values={"name": ["Café Crème", "Zoë", "Müller", "Hôtel"]})
    # --- dialects and line endings
    add("line_endings_crlf.csv", lambda: lines(*ACCOUNTS, end="\r\n"), rows=rows3,
        values={"Tier": ["Gold", "Silver", "Gold"]})
    add("line_endings_lf.csv", lambda: lines(*ACCOUNTS), rows=rows3, values={"Tier": ["Gold", "Silver", "Gold"]})
    add("line_endings_cr.csv", lambda: lines(*ACCOUNTS, end="\r"), rows=rows3,
        values={"Tier": ["Gold", "Silver", "Gold"]})
    add("line_endings_mixed.csv", lambda: (ACCOUNTS[0] + "\r\n" + ACCOUNTS[1] + "\n" + ACCOUNTS[2] + "\r\n"
                                           + ACCOUNTS[3] + "\n").encode(), rows=rows3,
        values={"Tier": ["Gold", "Silver", "Gold"]})
    add("no_final_newline.csv", lambda: "\n".join(ACCOUNTS).encode(), rows=rows3)
    add("tab_trailing_tabs.tsv", lambda: lines("id\tname\tstage\t\t", "1\tAcme\tLead\t\t", "2\tGlobex\tWon\t\t"),
        rows=[2, 2, 0], values={"stage": ["Lead", "Won"]}, columns_start=["id", "name", "stage"])
    add("pipe_delimited.txt", lambda: lines("id|name|arr", "1|Acme|10", "2|Globex|20"), rows=[2, 2, 0],
        types={"arr": "BIGINT"})
    add("excel_sep_line.csv", lambda: lines("sep=;", "id;name;arr", "1;Acme;10,5", "2;Globex;20,25"),
        rows=[2, 2, 0], columns=["id", "name", "arr"], skipped=1, values={"arr": [10.5, 20.25]})
    add("hubspot_semicolon_decimal_comma.csv", lambda: lines(
        "Record ID;Company name;Annual Revenue;Create Date", '101;"Acme; Inc.";1.234.567,89;25.03.2024 14:05',
        "102;Globex;987,5;01.04.2024 09:00", "103;Initech;12.000,00;30.04.2024 17:30"),
        rows=rows3, types={"Annual Revenue": "DOUBLE", "Create Date": "TIMESTAMP"},
        values={"Annual Revenue": [1234567.89, 987.5, 12000.0], "Company name": ["Acme; Inc.", "Globex", "Initech"]})
    add("trailing_commas.csv", lambda: lines("id,name,", "1,Acme,", "2,Globex,"), rows=[2, 2, 0],
        columns_start=["id", "name"], values={"name": ["Acme", "Globex"]})
    # --- ragged rows and quoting
    add("ragged_short_rows.csv", lambda: lines(*ACCOUNTS[:2], "A-9,Short", *ACCOUNTS[2:]), rows=[4, 3, 1],
        reject="too few fields", reject_rows=[3])
    add("ragged_long_rows.csv", lambda: lines(*ACCOUNTS[:2], "A-9,Long,Gold,1,EXTRA,MORE", *ACCOUNTS[2:]),
        rows=[4, 3, 1], reject="too many fields", reject_rows=[3])
    add("quoted_newlines.csv", lambda: lines("id,comment,score", '1,"line one\nline two",9',
                                             '2,"a ""quoted"" word, and a comma",7', "3,plain,8"),
        rows=rows3, values={"comment": ["line one\nline two", 'a "quoted" word, and a comma', "plain"]})
    # A line break typed in a cell (Alt+Enter in Excel: LF inside the quotes, CRLF between rows).
    add("header_quoted_line_break.csv", lambda: b'"Account\nID",Stage\r\nA1,Usage\r\nA2,Decision\r\n',
        rows=[2, 2, 0], skipped=0, columns=["Account ID", "Stage"],
        values={"Stage": ["Usage", "Decision"], "_source_row": [3, 4]})
    add("header_quoted_line_break_semicolon.csv", lambda: lines(
        'Account ID;"Amount\n(EUR, net)"', "A1;9,5", "A2;4,25", end="\r\n"),
        rows=[2, 2, 0], skipped=0, columns=["Account ID", "Amount (EUR, net)"],
        types={"Amount (EUR, net)": "DOUBLE"}, values={"Amount (EUR, net)": [9.5, 4.25], "_source_row": [3, 4]})
    add("data_quoted_line_break_crlf.csv", lambda: lines(
        "Account ID;Note;Amount", 'A1;"first call,\nthen demo";9,5', "A2;none;4,25", end="\r\n"),
        rows=[2, 2, 0], skipped=0, values={"Note": ["first call,\nthen demo", "none"], "Amount": [9.5, 4.25],
                                           "_source_row": [2, 4]})
    add("title_quoted_line_break.csv", lambda: lines(
        '"Pipeline report\nas of 31/03/2024"', "Account ID,Stage", "A1,Usage", "A2,Decision", end="\r\n"),
        rows=[2, 2, 0], skipped=2, skipped_note="2 lines above the header (title rows)",
        columns=["Account ID", "Stage"], values={"Stage": ["Usage", "Decision"], "_source_row": [4, 5]})
    add("unbalanced_quote.csv", lambda: lines("id,name,arr", "1,Acme,10", '2,"Globex,20', "3,Initech,30",
                                              "4,Umbrella,40"),
        rows=[2, 1, 1], reject="unbalanced quote: a quote opened on line 3 is never closed",
        reject_rows=[3])
    add("only_an_open_quote.csv", lambda: b'"abc\n', error="could not be read as a table")
    add("null_byte_in_field.csv", lambda: lines("id,name", "1,Acme", "2,Glo\x00bex", "3,Initech"),
        rows=rows3, warning="removed 1 NUL byte (line 3)", values={"name": ["Acme", "Globex", "Initech"]})
    add("very_long_field_1mb.csv", long_field, rows=rows3)
    add("wide_30000_columns.csv", wide, error="has 30,000 columns; at most 2,000 columns can be loaded")
    add("wide_2001_columns.csv", lambda: lines(",".join(f"c{i}" for i in range(2001)), ",".join("1" * 2001)),
        error="has 2,001 columns; at most 2,000 columns can be loaded")
    # --- header problems
    add("duplicate_header_names.csv", lambda: lines("id,Name,name,NAME", "1,a,b,c"), rows=[1, 1, 0],
        columns=["id", "Name", "name_2", "NAME_3"])
    add("blank_header_names.csv", lambda: lines("id,,name,stage, ", "1,x,Acme,Lead,y"), rows=[1, 1, 0],
        columns=["id", "column_2", "name", "stage", "column_5"])
    add("all_empty_columns.csv", lambda: lines("id,empty_a,name,empty_b", "1,,Acme,", "2,,Globex,"),
        rows=[2, 2, 0], types={"empty_a": "VARCHAR", "empty_b": "VARCHAR"}, values={"empty_a": [None, None]})
    add("no_header_numbers_only.csv", lambda: lines("1,10.5", "2,20.5", "3,30.5"), rows=rows3,
        columns=["column_1", "column_2"])
    add("single_column.csv", lambda: lines("account_id", "A-1", "A-2"), rows=[2, 2, 0])
    # --- titles, footers, exports of real tools
    add("salesforce_grand_totals.csv", lambda: lines(
        '"Opportunities by Stage"', '"As of 31/03/2024"', "", '"Account Name","Stage","Amount"',
        '"Acme","Prospecting","1,200.00"', '"Globex","Closed Won","900.00"', "",
        '"Grand Totals (2 records)","","2,100.00"', "", '"Confidential Information - Do Not Distribute"',
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."'),
        rows=[2, 2, 0], skipped=8, skipped_note="Grand Totals (2 records)", values={"Amount": [1200.0, 900.0]})
    add("qualtrics_two_extra_header_rows.csv", lambda: lines(
        "StartDate,ResponseId,Q1,Q2", '"Start Date","Response ID","How likely are you to recommend us?","Why?"',
        '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}",'
        '"{""ImportId"":""QID2_TEXT""}"',
        "2024-03-01 10:00:00,R_1,9,Great", "2024-03-02 11:30:00,R_2,3,Slow"),
        rows=[2, 2, 0], skipped_note="Qualtrics question text", types={"Q1": "BIGINT"})
    add("surveymonkey_second_header_row.csv", lambda: lines(
        "Respondent ID,Collector ID,End Date,Custom Data 1,How likely is it that you would recommend us?,"
        "What is your company name?,Which products do you use?,",
        ",,,,Response,Open-Ended Response,Widgets,Gadgets",
        "114412345678,432109876,09/13/2026 01:44:10 PM,,10,Acme Corp,Widgets,",
        "114412345679,432109876,09/01/2026 03:02:00 PM,,6,Globex Ltd,Widgets,Gadgets", end="\r\n"),
        rows=[2, 2, 0], skipped=1, skipped_note="line 2 (SurveyMonkey's second header row)",
        columns=["Respondent ID", "Collector ID", "End Date", "Custom Data 1",
                 "How likely is it that you would recommend us?", "What is your company name?",
                 "Which products do you use? - Widgets", "Which products do you use? - Gadgets"],
        types={"How likely is it that you would recommend us?": "BIGINT", "End Date": "TIMESTAMP"},
        values={"How likely is it that you would recommend us?": [10, 6],
                "End Date": ["2026-09-13T13:44:10", "2026-09-01T15:02:00"], "_source_row": [3, 4]})
    add("response_word_in_the_first_data_row.csv", lambda: lines("Company,Score", "Response,9", "Acme,7"),
        rows=[2, 2, 0], skipped=0, values={"Company": ["Response", "Acme"], "Score": [9, 7]})
    add("salesforce_field_history_us_datetimes.csv", lambda: lines(
        '"Opportunity Field History"', '"Acme Software Inc."', "",
        '"Opportunity Name","Account Name","Field / Event","Old Value","New Value","Edited By","Edit Date"',
        '"Initech - 200 seats","Initech","Stage","Qualification","Proposal/Price Quote","Jane Doe",'
        '"3/14/2025, 10:22 AM"',
        '"Initech - 200 seats","Initech","Amount","USD 40,000","USD 47,000","Jane Doe","3/15/2025, 9:05 PM"', "",
        '"Grand Totals (2 records)"', "", '"Confidential Information - Do Not Distribute"',
        '"Copyright © 2000-2025 salesforce.com, inc. All rights reserved."'),
        rows=[2, 2, 0], skipped=8, skipped_note="Grand Totals (2 records)", types={"Edit Date": "TIMESTAMP"},
        values={"Edit Date": ["2025-03-14T10:22:00", "2025-03-15T21:05:00"]})
    add("us_datetimes_days_all_12_or_less.csv", lambda: lines(
        '"Edit Date","New Value"', '"2/3/2025, 9:00 AM","Qualification"', '"3/4/2025, 4:15 PM","Closed Won"'),
        rows=[2, 2, 0], question="answer DMY or MDY", types={"Edit Date": "VARCHAR"})
    add("delighted_utc_offsets.csv", lambda: lines(
        "Response ID,Score,Created At,Company", "987654321,9,2026-09-01 23:30:00 -0700,Acme Corp",
        "987654322,10,2026-09-02 08:15:00 +0200,Globex Ltd", "987654323,5,2026-09-03T12:00:00Z,Initech"),
        rows=rows3, types={"Created At": "TIMESTAMP WITH TIME ZONE", "Score": "BIGINT"})
    add("generated_by_footer.csv", lambda: lines(*ACCOUNTS, "", "Generated by CRM Export on 2024-03-31"),
        rows=rows3, skipped_note="Generated by CRM Export")
    add("blank_lines_between_rows.csv", lambda: lines(ACCOUNTS[0], ACCOUNTS[1], "", ACCOUNTS[2], "", "",
                                                      ACCOUNTS[3]), rows=rows3, skipped=3)
    # --- values: numbers, dates, formulas
    add("currency_and_decimal_commas.csv", lambda: lines(
        "id;price;total", "1;€ 1.234,50;12,5 %", "2;€ 99,00;7,25 %", "3;€ 1.000.000,00;100 %"), rows=rows3,
        types={"price": "DOUBLE", "total": "DOUBLE"}, values={"price": [1234.5, 99.0, 1000000.0],
                                                             "total": [0.125, 0.0725, 1.0]})
    add("currency_signs_mixed.csv", lambda: lines('id,arr', '1,"$1,200.00"', '2,£950', '3,USD 80', '4,(12.50)'),
        rows=[4, 4, 0], types={"arr": "DOUBLE"}, values={"arr": [1200.0, 950.0, 80.0, -12.5]})
    add("currency_codes_thousands.csv", lambda: lines(
        '"Account Name","Amount"', '"Initech","USD 47,000"', '"Globex","USD 12,500"', '"Hooli","47,000.00 USD"'),
        rows=rows3, types={"Amount": "DOUBLE"}, values={"Amount": [47000.0, 12500.0, 47000.0]})
    add("currency_codes_mixed.csv", lambda: lines("id;Amount", "1;EUR 1.234,50", "2;USD 99,00", "3;€5"),
        rows=rows3, types={"Amount": "DOUBLE"}, warning="column 'Amount' mixes currencies (EUR, USD)",
        values={"Amount": [1234.5, 99.0, 5.0]})
    add("dates_three_formats.csv", lambda: lines("id,signed", "1,2024-03-25", "2,25/03/2024", "3,26.03.2024",
                                                 "4,3 Apr 2024"),
        rows=[4, 4, 0], types={"signed": "DATE"},
        values={"signed": ["2024-03-25", "2024-03-25", "2024-03-26", "2024-04-03"]})
    add("dates_1899_and_2199.csv", lambda: lines("id,contract_start", "1,1899-12-30", "2,2199-12-31",
                                                 "3,2024-06-01"),
        rows=rows3, types={"contract_start": "DATE"},
        values={"contract_start": ["1899-12-30", "2199-12-31", "2024-06-01"]})
    add("ambiguous_dates_question.csv", lambda: lines("id,renewal", "1,01/02/2024", "2,03/04/2024"),
        rows=[2, 2, 0], question="answer DMY or MDY", types={"renewal": "VARCHAR"})
    add("ambiguous_numbers_question.csv", lambda: lines("id,amount", "1,1.234", "2,5.678"), rows=[2, 2, 0],
        question="answer decimal_point or thousands_dot")
    add("one_bad_number_rejects_its_row.csv", lambda: lines("id,arr", *[f"{i},{i * 100}" for i in range(1, 21)],
                                                            "21,twelve"),
        rows=[21, 20, 1], reject="column 'arr': 'twelve' is not a number", reject_rows=[22])
    add("many_bad_numbers_stay_text.csv", lambda: lines("id,arr", "1,10", "2,n/a", "3,lots", "4,20", "5,few"),
        rows=[5, 5, 0], warning="column 'arr' kept as text", types={"arr": "VARCHAR"})
    add("leading_zero_and_long_ids.csv", lambda: lines("zip,card", "01234,1234567890123456789", "00501,2"),
        rows=[2, 2, 0], types={"zip": "VARCHAR", "card": "VARCHAR"}, values={"zip": ["01234", "00501"]})
    add("placeholders_are_null.csv", lambda: lines("id,arr", "1,10", "2,N/A", "3,-", "4,30"), rows=[4, 4, 0],
        types={"arr": "BIGINT"}, values={"arr": [10, None, None, 30]})
    formulas = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "@foo", "-2+3", "=HYPERLINK(\"http://x\",\"y\")"]
    add("formula_cells.csv", lambda: lines("id,note", *[f'{i},"{v.replace(chr(34), chr(34) * 2)}"'
                                                        for i, v in enumerate(formulas, 1)]),
        rows=[5, 5, 0], types={"note": "VARCHAR"}, values={"note": formulas})
    add("formula_cells.xlsx", lambda: xlsx({"Notes": [["id", "note"], *[[i, v] for i, v in enumerate(formulas, 1)]]}),
        rows=[5, 5, 0], types={"note": "VARCHAR"}, values={"note": formulas})
    # --- Excel containers
    add("zip_bomb_declared_sizes.xlsx", zip_bomb_declared, error="refused as a possible zip bomb")
    add("zip_bomb_ratio.xlsx", zip_bomb_ratio, error="refused as a possible zip bomb")
    add("password_protected.xlsx", encrypted_workbook, error="is password-protected (encrypted)")
    add("password_protected_named.xls", encrypted_workbook, error="is password-protected (encrypted)")
    add("charts_only.xlsx", charts_only_xlsx, error="only hold charts")
    add("truncated.xlsx", lambda: xlsx({"Data": [["id"], [1], [2]]})[:700], error="is not a valid Excel workbook")
    add("zip_not_a_workbook.xlsx", lambda: fixed_zip({"word/document.xml": b"<w:document/>"}),
        error="is a ZIP archive but not an Excel workbook")
    add("merged_header.xlsx", lambda: xlsx({"Pipeline": [["Customer", None, "Stage"], ["A-1", "Acme", "Lead"]]},
                                           merge={"Pipeline": "A1:B1"}), error="has merged header cells (A1:B1)")
    add("hidden_sheet.xlsx", lambda: xlsx({"Visible": [["id", "arr"], [1, 10.5]],
                                           "Secret": [["id", "note"], [1, "x"]]}, hidden={"Secret"}),
        tables=2, rows=[1, 1, 0], warning="sheet 'Secret' is hidden in the workbook")
    add("xlsx_named_csv.csv", lambda: xlsx({"Data": [["id", "arr"], [1, 10], [2, 20]]}), rows=[2, 2, 0],
        types={"arr": "BIGINT"})
    add("html_table_saved_as.xls", lambda: lines(
        "<html><head><meta charset='utf-8'></head><body><table>",
        "<tr><th>Account ID</th><th>Stage</th></tr>", "<tr><td>A-1</td><td>Lead</td></tr>", "</table></body></html>"),
        error="is an HTML page, not a spreadsheet")
    add("xml_spreadsheet_2003.xls", lambda: lines(
        '<?xml version="1.0"?>', '<?mso-application progid="Excel.Sheet"?>',
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', '<Worksheet ss:Name="Sheet1"><Table>',
        '<Row><Cell><Data ss:Type="String">id</Data></Cell></Row>', "</Table></Worksheet></Workbook>"),
        error="is an Excel 2003 XML spreadsheet")
    # --- other kinds in disguise
    add("png_renamed.csv", lambda: PNG, error="is a PNG image, not a table")
    add("jpeg_renamed.csv", lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), error="is a JPEG image")
    add("pdf_renamed.csv", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", error="is a PDF document")
    add("gzip_renamed.csv", lambda: gzip.compress(GOOD, mtime=0), error="is a gzip archive")
    add("zip_of_csv_renamed.csv", lambda: fixed_zip({"accounts.csv": GOOD}),
        error="is a ZIP archive but not an Excel workbook")
    add("elf_binary_renamed.csv", lambda: b"\x7fELF\x02\x01\x01" + bytes(120), error="is a program (ELF binary)")
    add("random_binary.csv", lambda: bytes(range(256)) * 4, error="is a binary file, not text")
    add("json_renamed.csv", lambda: json.dumps([{"account_id": "A-1", "arr": 10}, {"account_id": "A-2", "arr": 20}],
                                               indent=2).encode(),
        error="is JSON, not a table")
    add("text_named.parquet", lambda: GOOD, error="is not a valid Parquet file")
    add("nested_types.parquet", lambda: parquet(nested_table), rows=rows3,
        columns=["account_id", "contacts", "address", "arr"])
    add("empty_rows.parquet", lambda: parquet(empty_table), rows=[0, 0, 0], warning="has a schema but no rows")
    add("parquet_renamed.csv", lambda: parquet(nested_table), rows=rows3)
    # --- file names from the browser
    add("emoji_📈_accounts_😀.csv", lambda: GOOD, rows=rows3, table="emoji_accounts")
    add("path_traversal.csv", lambda: GOOD, upload_name="../../../../tmp/evil/../escape.csv", rows=rows3,
        table="escape", source="escape.csv")
    add("path_traversal_windows.csv", lambda: GOOD, upload_name="..\\..\\Windows\\evil.csv", rows=rows3,
        table="evil", source="evil.csv")
    # --- mapping level: validation reasons and reconciled counts
    add("stage_values_nobody_mapped.csv", lambda: lines(
        "Account ID,Stage,Entered At", "A-1,Awareness,2024-01-05", "A-1,Zombie Stage,2024-02-01",
        "A-2,Awareness,2024-01-10", "A-2,Purgatory,2024-03-01", "A-3,Zombie Stage,2024-03-05"),
        rows=[5, 5, 0], mapping={"kind": "journey_events", "view": "journey_events",
                                 "reason": "stage not mapped", "rows_in": 5, "excluded_rows": [3, 5, 6]})
    add("nps_11_and_minus_1.csv", lambda: lines(
        "Account ID,Survey Date,Survey Type,Score", "A-1,2024-03-01,NPS,9", "A-2,2024-03-02,NPS,11",
        "A-3,2024-03-03,NPS,-1", "A-4,2024-03-04,NPS,0", "A-5,2024-03-05,NPS,10"),
        rows=[5, 5, 0], mapping={"kind": "surveys", "view": "surveys", "reason": "score out of range",
                                 "rows_in": 5, "excluded_rows": [3, 4]})
    add("duplicate_account_ids.csv", lambda: lines(
        "Account ID,Account Name,Tier,ARR", "A-1,Acme,Gold,1200", "A-2,Globex,Silver,900",
        "A-1,Acme Corp,Bronze,50", "A-3,Initech,Gold,1500", "A-1,ACME,Gold,1200"),
        rows=[5, 5, 0], mapping={"kind": "accounts", "view": "accounts", "reason": "duplicate account id",
                                 "rows_in": 5, "excluded_rows": [4, 6]})
    return c


def expected() -> dict[str, dict[str, Any]]:
    """file name → expectation, as written to expected.json."""
    return {case.file: case.expect for case in cases()}


def main() -> None:
    """Write every corpus file and expected.json next to this script; remove files no case makes."""
    made = {"make_corpus.py", "__init__.py", "expected.json"}
    for case in cases():
        (HERE / case.file).write_bytes(case.make())
        made.add(case.file)
    EXPECTED.write_text(json.dumps(expected(), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                        encoding="utf-8")
    for stray in HERE.iterdir():
        if stray.is_file() and stray.name not in made:
            stray.unlink()
    total = sum((HERE / name).stat().st_size for name in made)
    print(f"{len(made) - 3} files, {total / 1e6:.2f} MB in {HERE}")


if __name__ == "__main__":
    main()
