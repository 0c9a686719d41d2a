"""Uploaded files → raw DuckDB tables (one per CSV/TXT file, Excel sheet or Parquet file) + a LoadReport each.

A file goes through these modules in order: ``detection`` (what the bytes are; refused kinds, zip
bombs, encrypted workbooks, JSON), then ``encoding`` and ``text`` (clean UTF-8, the dialect, DuckDB's
read into a VARCHAR grid with line numbers and parse rejects), ``excel`` or ``parquet``; then
``layout`` (header, title rows, Qualtrics rows, footer), type inference (``values``: the SQL reading
a cell as a number, date or yes/no; ``inference``: the SQL passes that count what fits; ``decisions``:
what each column becomes) and ``table`` (the typed table with ``_source_row``, the rejects table and
the report, whose types live in ``report``). ``files`` holds the entry points; ``context``, ``names``
and ``grid`` what the steps share. What users can expect is in the README ("Data you can bring"):
``rows_read == rows_loaded + rows_rejected`` always holds. Memory: the VARCHAR grid and the typed
table live in DuckDB (which spills to disk past its ``memory_limit``); Python holds only per-line
integers and the rejected lines, so a 200 MB CSV loads within a 1 GB limit.
"""

from __future__ import annotations

from cxlib.errors import LoadError
from cxlib.loading.context import MAX_COLUMNS, ProgressFn
from cxlib.loading.detection import (EXCEL_EXTENSIONS, MAX_COMPRESSION_RATIO, MAX_UNCOMPRESSED_BYTES,
                                     PARQUET_EXTENSIONS)
from cxlib.loading.files import drop_table, load_file, load_files, rejected_rows
from cxlib.loading.names import SOURCE_ROW
from cxlib.loading.report import ColumnReport, LoadReport, Question
from cxlib.loading.values import FALSE_WORDS, NULL_TOKENS, TRUE_WORDS

__all__ = ["ColumnReport", "Question", "LoadReport", "LoadError", "load_file", "load_files",
           "rejected_rows", "drop_table", "SOURCE_ROW", "ProgressFn", "MAX_COLUMNS", "MAX_UNCOMPRESSED_BYTES",
           "MAX_COMPRESSION_RATIO", "EXCEL_EXTENSIONS", "PARQUET_EXTENSIONS", "NULL_TOKENS", "TRUE_WORDS",
           "FALSE_WORDS"]
