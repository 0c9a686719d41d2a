"""Meeting packs: open the PPTX with python-pptx and the PDF with pypdf and check what a reader sees."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pypdf import PdfReader

from cxlib import images, pack
from cxlib.errors import CxError
from cxlib.pack import PackContent, PackSlide
from cxlib.theme import themed
from tests.conftest import need_chromium

SETTINGS = "As of 2024-06-30 · fiscal year starts April · minimum n 30 · times in Europe/Berlin"


def _funnel() -> go.Figure:
    fig = go.Figure(go.Funnel(y=["Delivery", "Usage", "Loyalty"], x=[120, 84, 51]))
    return themed(fig, "Funnel")


def _scores() -> go.Figure:
    fig = go.Figure([go.Bar(x=["Customer intent", "Customer education"], y=[62, 41], name="now"),
                     go.Scatter(x=["Customer intent", "Customer education"], y=[80, 80], name="target",
                                mode="markers")])
    return themed(fig, "Scores against desired state")


def _voice() -> pd.DataFrame:
    return pd.DataFrame({"respondent": ["Anna Müller", "李伟", "=HYPERLINK(\"x\")"],
                         "NPS": [9, -20, 1234], "CSAT": [4.5, None, 71.5]})


def _content() -> PackContent:
    return PackContent(
        title="Müller GmbH — QBR",
        subtitle="Account A-1 · Enterprise · EMEA",
        as_of="2024-06-30",
        settings_line=SETTINGS,
        slides=[
            PackSlide("Funnel", figure=_funnel(),
                      bullets=["Reached Usage 42 days after Delivery (segment median 30).",
                               "Stalled at Usage longer than the segment's p90."],
                      notes="Mention the onboarding delay."),
            PackSlide("Scores against desired state", figure=_scores(), table=_voice()),
            PackSlide("Voice of the customer — Zürich", bullets=["NPS 9 from the decision maker."], table=_voice()),
            PackSlide("Journey map", figure=_funnel()),
        ],
    )


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _texts(slide: object) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


@pytest.fixture(scope="module")
def chromium() -> None:
    need_chromium()


def test_pptx_has_title_slide_then_one_slide_each(chromium: None, tmp_path: Path) -> None:
    content = _content()
    path = tmp_path / "pack.pptx"
    pack.write_pptx(content, path)
    prs = Presentation(path)
    assert len(prs.slides) == 5
    assert [s.shapes.title.text for s in prs.slides] == [
        "Müller GmbH — QBR", "Funnel", "Scores against desired state", "Voice of the customer — Zürich",
        "Journey map"]
    assert "Account A-1 · Enterprise · EMEA\nAs of 2024-06-30" in _texts(prs.slides[0])

    pictures = [[s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE] for slide in prs.slides]
    assert [len(p) for p in pictures] == [0, 1, 1, 0, 1]
    # Each chart is a PNG rendered for its box: 64 % of 12.33 in by 5.5 in at 100 px/in, twice over.
    assert _png_size(pictures[1][0].image.blob) == (2 * 789, 2 * 550)
    assert _png_size(pictures[2][0].image.blob) == (2 * 1233, 2 * 341)
    assert _png_size(pictures[4][0].image.blob) == (2 * 1233, 2 * 550)

    for number, slide in enumerate(prs.slides, start=1):
        assert SETTINGS in _texts(slide) and f"{number} / 5" in _texts(slide)
    assert "• Reached Usage 42 days after Delivery (segment median 30).\n" \
           "• Stalled at Usage longer than the segment's p90." in _texts(prs.slides[1])
    assert prs.slides[1].notes_slide.notes_text_frame.text == "Mention the onboarding delay."


def test_pptx_table_cells(tmp_path: Path) -> None:
    content = PackContent("Müller GmbH — QBR", "", [PackSlide("Voice", table=_voice())], "2024-06-30", SETTINGS)
    buf = io.BytesIO()
    pack.write_pptx(content, buf)
    slide = Presentation(io.BytesIO(buf.getvalue())).slides[1]
    tables = [s.table for s in slide.shapes if s.has_table]
    assert len(tables) == 1
    cells = [[c.text for c in row.cells] for row in tables[0].rows]
    assert cells == [["respondent", "NPS", "CSAT"],
                     ["Anna Müller", "9", "4.5"],
                     ["李伟", "-20", ""],
                     ["=HYPERLINK(\"x\")", "1,234", "71.5"]]
    # Numbers right-aligned, text left-aligned.
    assert [tables[0].cell(2, c).text_frame.paragraphs[0].alignment for c in range(3)] == [
        PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT]


def test_long_table_is_cut_with_a_note(tmp_path: Path) -> None:
    df = pd.DataFrame({"account": [f"A-{i}" for i in range(40)], "arr": [1000.0 * i for i in range(40)]})
    content = PackContent("T", "", [PackSlide("Accounts", table=df)], "2024-06-30", SETTINGS)
    buf = io.BytesIO()
    pack.write_pptx(content, buf)
    table = next(s.table for s in Presentation(io.BytesIO(buf.getvalue())).slides[1].shapes if s.has_table)
    rows = [[c.text for c in row.cells] for row in table.rows]
    # 5.5 in of body holds 18 rows of 0.3 in: header, 16 accounts, and the note.
    assert len(rows) == 18
    assert rows[16] == ["A-15", "15,000"]
    assert rows[17][0] == "… and 24 more rows"

    pdf_buf = io.BytesIO()
    pack.write_pdf(content, pdf_buf)
    text = PdfReader(io.BytesIO(pdf_buf.getvalue())).pages[1].extract_text()
    assert "A-15" in text and "A-16" not in text and "… and 24 more rows" in text


def test_pdf_has_one_page_per_slide_with_titles(chromium: None, tmp_path: Path) -> None:
    content = _content()
    path = tmp_path / "pack.pdf"
    pack.write_pdf(content, path)
    reader = PdfReader(path)
    assert len(reader.pages) == 5
    texts = [page.extract_text() for page in reader.pages]
    titles = ["Müller GmbH — QBR", "Funnel", "Scores against desired state", "Voice of the customer — Zürich",
              "Journey map"]
    for number, (title, text) in enumerate(zip(titles, texts, strict=True), start=1):
        assert title in text, (title, text)
        assert SETTINGS in text and f"{number} / 5" in text
    assert "As of 2024-06-30" in texts[0] and "Account A-1 · Enterprise · EMEA" in texts[0]
    assert [len(page.images) for page in reader.pages] == [0, 1, 1, 0, 1]
    assert _png_size(_as_png(reader.pages[1].images[0])) == (2 * 789, 2 * 550)
    assert "Reached Usage 42 days after\nDelivery (segment median 30)." in texts[1]
    assert "Anna Müller" in texts[2] and "1,234" in texts[2] and "-20" in texts[2]
    assert reader.metadata.title == "Müller GmbH — QBR"


@pytest.mark.skipif(not any(p.is_file() for p in pack.FALLBACK_FONTS),
                    reason="no CJK fallback font installed (apt-get install fonts-droid-fallback)")
def test_pdf_draws_chinese_names_with_the_fallback_font() -> None:
    content = PackContent("客户 — QBR", "", [PackSlide("Voice", table=_voice())], "", SETTINGS)
    buf = io.BytesIO()
    pack.write_pdf(content, buf)
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    assert "客户 — QBR" in reader.pages[0].extract_text()
    assert "李伟" in reader.pages[1].extract_text()


def _as_png(image: object) -> bytes:
    buf = io.BytesIO()
    image.image.save(buf, format="PNG")
    return buf.getvalue()


def test_pdf_and_pptx_without_charts_need_no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "browser_path", lambda: None)
    content = PackContent("Summary only", "Segment Enterprise", [
        PackSlide("Meeting summary", bullets=["Engagement 68 (yellow).", "Weakest factor Customer education."]),
    ], "", SETTINGS)
    pdf, pptx = io.BytesIO(), io.BytesIO()
    pack.write_pdf(content, pdf)
    pack.write_pptx(content, pptx)
    assert len(PdfReader(io.BytesIO(pdf.getvalue())).pages) == 2
    assert "Engagement 68 (yellow)." in PdfReader(io.BytesIO(pdf.getvalue())).pages[1].extract_text()
    assert len(Presentation(io.BytesIO(pptx.getvalue())).slides) == 2
    with pytest.raises(CxError, match="PNG export needs Chromium"):
        pack.write_pdf(PackContent("x", "", [PackSlide("Funnel", figure=_funnel())], "", SETTINGS), io.BytesIO())


def test_pdf_without_fonts_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pack, "FONT_DIRS", (tmp_path,))
    with pytest.raises(CxError, match=r"install Debian's package with 'apt-get install fonts-dejavu-core'"):
        pack.write_pdf(PackContent("x", "", [], "", SETTINGS), io.BytesIO())


def test_layout_boxes() -> None:
    both = pack.layout(PackSlide("t", figure=go.Figure(), bullets=["a"], table=_voice()))
    assert set(both) == {"figure", "bullets", "table"}
    fig, bullets, table = both["figure"], both["bullets"], both["table"]
    assert (fig.x, fig.y) == (pack.MARGIN, pack.BODY_Y)
    assert bullets.x == pytest.approx(fig.x + fig.w + pack.GAP)
    assert bullets.x + bullets.w == pytest.approx(pack.PAGE_W - pack.MARGIN)
    assert table.y == pytest.approx(fig.y + fig.h + pack.GAP)
    assert table.y + table.h == pytest.approx(pack.BODY_Y + pack.BODY_H)
    assert pack.layout(PackSlide("t")) == {}
