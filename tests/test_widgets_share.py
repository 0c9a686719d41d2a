"""The shared export and share-link widgets: chart downloads, table downloads, query-string values."""

from __future__ import annotations

import datetime as dt
import struct

import pytest
from streamlit.testing.v1 import AppTest

from cxlib import images
from app_pages import _share, _tables

TIMEOUT = 60


def chart_script() -> None:
    import plotly.graph_objects as go

    from app_pages._charts import show_chart

    fig = go.Figure(go.Bar(x=["Delivery", "Usage"], y=[120, 84]))
    show_chart(fig, "Funnel: Gold/EMEA", key="funnel_chart")


def table_script() -> None:
    import pandas as pd
    import streamlit as st

    from app_pages._tables import download_table, show_table

    rows = st.session_state.get("rows", 3)
    df = pd.DataFrame({"account": [f"=A{i}" for i in range(rows)], "nps": [-20 + i for i in range(rows)]})
    if st.session_state.get("named"):
        download_table(df, "drop-off list", key="dropoffs")
    else:
        show_table(df, "drop-off list", key="dropoffs")


def _labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button] + [d.label for d in at.get("download_button")]


def test_chart_png_is_drawn_on_click_then_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    if not images.chromium_available():
        pytest.skip("PNG export needs Chromium at /usr/bin/chromium: 'apt-get install chromium'")
    at = AppTest.from_function(chart_script, default_timeout=TIMEOUT)
    at.run()
    assert _labels(at) == ["PNG", "HTML"]
    assert "funnel_chart" not in at.session_state["_jl_png"]
    at.button(key="funnel_chart_png").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _labels(at) == ["Download PNG", "HTML"]
    png = at.session_state["_jl_png"]["funnel_chart"][1]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1200, 675)
    at.run()   # a rerun offers the drawn PNG again without drawing it anew
    assert _labels(at) == ["Download PNG", "HTML"]


def test_chart_png_without_chromium_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "browser_path", lambda: None)
    at = AppTest.from_function(chart_script, default_timeout=TIMEOUT)
    at.run()
    assert at.button(key="funnel_chart_png").help == "PNG export needs Chromium: apt-get install chromium"
    at.button(key="funnel_chart_png").click().run()
    assert [i.value for i in at.info] == [
        "PNG export needs Chromium: apt-get install chromium — then reload this page. "
        "The HTML download works without it."]
    assert _labels(at) == ["PNG", "HTML"]


def test_small_tables_are_html_long_ones_a_grid_both_with_csv_and_xlsx() -> None:
    at = AppTest.from_function(table_script, default_timeout=TIMEOUT)
    at.run()
    assert len(at.table) == 1 and not at.dataframe
    assert [d.label for d in at.get("download_button")] == ["CSV", "XLSX"]
    at.session_state["rows"] = _tables.SMALL_TABLE_ROWS + 1
    at.run()
    assert len(at.dataframe) == 1 and not at.table
    assert [d.label for d in at.get("download_button")] == ["CSV", "XLSX"]


def test_a_table_download_row_away_from_its_table_names_it() -> None:
    at = AppTest.from_function(table_script, default_timeout=TIMEOUT)
    at.session_state["named"] = True
    at.run()
    assert not at.table and not at.dataframe
    buttons = at.get("download_button")
    assert [(d.label, d.key) for d in buttons] == [("drop-off list (CSV)", "dropoffs_csv"),
                                                   ("drop-off list (XLSX)", "dropoffs_xlsx")]


def test_file_stems_keep_names_readable_and_safe() -> None:
    assert _tables.file_stem("Funnel: Gold/EMEA") == "Funnel_Gold_EMEA"
    assert _tables.file_stem("../../etc/passwd") == "etc_passwd"
    assert _tables.file_stem("Zürich NPS") == "Zürich_NPS"
    assert _tables.file_stem("///") == "journey_lens"


@pytest.mark.parametrize(("value", "default", "kind"), [
    ("ordered", "ordered", None),
    (None, None, None),
    ("tier", None, None),
    (30.5, None, float),
    (90, 90, None),
    (True, False, None),
    (dt.date(2026, 3, 31), dt.date(2026, 1, 1), None),
    (["Awareness", "Usage"], ["Awareness"], None),
    ([], ["Awareness"], None),
])
def test_query_values_round_trip(value: object, default: object, kind: type | None) -> None:
    encoded = _share._encode_param(value)
    texts = encoded if isinstance(encoded, list) else [encoded]
    assert _share._decode_param(texts, kind, default) == value


@pytest.mark.parametrize(("texts", "default"), [(["maybe"], False), (["ninety"], 90), (["2026-13-01"], dt.date.today())])
def test_query_values_that_do_not_fit_are_refused(texts: list[str], default: object) -> None:
    with pytest.raises(ValueError):
        _share._decode_param(texts, None, default)


def pack_script() -> None:
    import streamlit as st

    from cxlib.pack import PackContent, PackSlide
    from app_pages._pack import meeting_pack_buttons

    account = st.session_state.get("account", "A1")
    meeting_pack_buttons(
        lambda: PackContent(f"{account} — meeting pack", "Account", [
            PackSlide("Meeting summary", bullets=[f"{account} reached Usage 42 days after Delivery."])],
            "2026-06-30", "As of 2026-06-30"),
        f"meeting pack {account}", key="account_pack", stamp=(1, account))


def test_meeting_pack_is_made_on_click_and_never_offered_for_another_account(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from pptx import Presentation
    from pypdf import PdfReader

    monkeypatch.setattr(images, "browser_path", lambda: "/usr/bin/chromium")  # no chart: nothing is drawn
    at = AppTest.from_function(pack_script, default_timeout=TIMEOUT)
    at.run()
    assert _labels(at) == ["Meeting pack (PPTX and PDF)"]
    at.button(key="account_pack_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _labels(at) == ["Download pack (PPTX)", "Download pack (PDF)"]
    _, pptx, pdf = at.session_state["_jl_pack_account_pack"]
    assert [s.shapes.title.text for s in Presentation(io.BytesIO(pptx)).slides] == [
        "A1 — meeting pack", "Meeting summary"]
    assert "A1 reached Usage 42 days after Delivery." in PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    at.session_state["account"] = "B2"
    at.run()
    assert _labels(at) == ["Meeting pack (PPTX and PDF)"]


def test_meeting_pack_without_chromium_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "browser_path", lambda: None)
    at = AppTest.from_function(pack_script, default_timeout=TIMEOUT)
    at.run()
    at.button(key="account_pack_make").click().run()
    assert [i.value for i in at.info] == [
        "PNG export needs Chromium: apt-get install chromium: the pack's charts are images."]
    assert _labels(at) == ["Meeting pack (PPTX and PDF)"]


def test_html_table_cells_read_as_people_write_them() -> None:
    import pandas as pd

    import numpy as np

    assert [_tables.cell_text(v) for v in (167700.0, -20.0, 0.77061, float("nan"), 1234, np.int64(-5), True, "=A1",
                                      None)] == ["167,700", "-20", "0.77", "", "1,234", "-5", True, "=A1", ""]
    assert _tables.cell_text(pd.Timestamp("2026-03-31")) == "2026-03-31"
    assert _tables.cell_text(pd.Timestamp("2026-03-31 14:05:09")) == "2026-03-31 14:05"
