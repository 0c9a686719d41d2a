"""Exports never let a spreadsheet run a formula, and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from pandas.testing import assert_frame_equal

from cxlib.exports import neutralise, to_csv_bytes, to_xlsx_bytes

HOSTILE = pd.DataFrame({
    "account": ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "\0x", "Müller", "-20"],
    "nps": [-20, 10, 0, -100, 5, 1, 2, 3, 4],
})


def test_neutralise_prefixes_formula_text_only() -> None:
    assert [neutralise(v) for v in HOSTILE["account"]] == [
        "'=HYPERLINK(\"http://x\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "'\0x", "Müller", "-20"]
    assert neutralise(-20) == -20
    assert neutralise(None) is None


def test_csv_neutralised_and_numbers_numeric() -> None:
    data = to_csv_bytes(HOSTILE)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, quoting=csv.QUOTE_NONNUMERIC)
    assert back["account"].tolist()[:4] == ["'=HYPERLINK(\"http://x\")", "'+1+2", "'-2+3", "'@SUM(A1)"]
    assert back["nps"].tolist() == [-20, 10, 0, -100, 5, 1, 2, 3, 4]


def test_xlsx_strings_typed_and_numbers_numeric() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(HOSTILE)))
    sheet = wb["Data"]
    cells = [(c.value, c.data_type) for c in sheet["A"][1:5]]
    assert cells == [("'=HYPERLINK(\"http://x\")", "s"), ("'+1+2", "s"), ("'-2+3", "s"), ("'@SUM(A1)", "s")]
    assert [(c.value, c.data_type) for c in sheet["B"][1:3]] == [(-20, "n"), (10, "n")]
    assert sheet["A10"].value == "-20" and sheet["A10"].data_type == "s"


def test_xlsx_several_sheets() -> None:
    df = pd.DataFrame({"a": [1]})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Funnel": df, "Bad/name?": df})))
    assert wb.sheetnames == ["Funnel", "Bad_name_"]
    assert_frame_equal(pd.DataFrame({"a": [wb["Funnel"]["A2"].value]}), df)
