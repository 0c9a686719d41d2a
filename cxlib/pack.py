"""Meeting packs: the same slides as a PowerPoint deck (python-pptx) and a PDF (fpdf2).

The content model knows nothing about which metrics made it: a title, a subtitle and slides, each
with an optional chart, bullets, a small table and speaker notes. Both writers share one 16:9
geometry (13.33 × 7.5 in), so a slide and its PDF page look alike, and both put the settings line
(as-of date and the like) in every footer. Charts are embedded as PNG (see `cxlib.images`).
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd
import plotly.graph_objects as go

from cxlib import images
from cxlib.errors import CxError

# ── content model ───────────────────────────────────────────────────────────────────────────


@dataclass
class PackSlide:
    """One slide: a title and any of a chart, bullets, a small table and speaker notes."""

    title: str
    figure: go.Figure | None = None
    bullets: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    notes: str = ""


@dataclass
class PackContent:
    """A whole pack: title slide text, the slides, and the settings line shown in every footer."""

    title: str
    subtitle: str
    slides: list[PackSlide]
    as_of: str
    settings_line: str


# ── shared geometry (inches) ────────────────────────────────────────────────────────────────

PAGE_W, PAGE_H = 13.333, 7.5
MARGIN = 0.5
TITLE_Y, TITLE_H = 0.3, 0.85
BODY_Y, BODY_H = 1.3, 5.5
BODY_W = PAGE_W - 2 * MARGIN
FOOTER_Y, FOOTER_H = 7.0, 0.3
GAP = 0.25
PX_PER_IN = 100          # chart pixels per inch of slide: the theme's 15 px text reads as ~11 pt
PNG_SCALE = 2            # rendered at twice that for sharp projection
MAX_TABLE_COLS = 8
TABLE_ROW_H = 0.3
INK, MUTED, ACCENT = (0x26, 0x26, 0x26), (0x6b, 0x6b, 0x6b), (0x31, 0x82, 0xbd)


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in inches."""

    x: float
    y: float
    w: float
    h: float


def layout(slide: PackSlide) -> dict[str, Box]:
    """Where the chart, bullets and table of a slide go (the same for PPTX and PDF).

    Chart on the left (full width when alone), bullets in a right-hand column, table under the
    chart; without a chart, bullets above the table.
    """
    has_fig, has_bullets = slide.figure is not None, bool(slide.bullets)
    has_table = slide.table is not None and not slide.table.empty
    x0, y0, w, h = MARGIN, BODY_Y, BODY_W, BODY_H
    boxes: dict[str, Box] = {}
    if has_fig:
        left_w = w * 0.64 if has_bullets else w
        fig_h = h * 0.62 if has_table else h
        boxes["figure"] = Box(x0, y0, left_w, fig_h)
        if has_table:
            boxes["table"] = Box(x0, y0 + fig_h + GAP, left_w, h - fig_h - GAP)
        if has_bullets:
            boxes["bullets"] = Box(x0 + left_w + GAP, y0, w - left_w - GAP, h)
    elif has_bullets and has_table:
        boxes["bullets"] = Box(x0, y0, w, h * 0.45)
        boxes["table"] = Box(x0, y0 + h * 0.45 + GAP, w, h * 0.55 - GAP)
    elif has_bullets:
        boxes["bullets"] = Box(x0, y0, w, h)
    elif has_table:
        boxes["table"] = Box(x0, y0, w, h)
    return boxes


def chart_png(slide: PackSlide) -> bytes | None:
    """The slide's chart as a PNG sized to its box (None when the slide has no chart)."""
    if slide.figure is None:
        return None
    box = layout(slide)["figure"]
    return images.figure_png(slide.figure, width=round(box.w * PX_PER_IN), height=round(box.h * PX_PER_IN),
                             scale=PNG_SCALE)


def _cell_text(value: Any) -> str:
    """A table value as short text: thousands separators, at most two decimals, blanks for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def table_cells(df: pd.DataFrame, max_rows: int) -> tuple[list[str], list[list[str]], int, list[bool]]:
    """Header, body rows (as text), how many rows were left out to fit `max_rows`, and which columns are numbers."""
    shown = df.iloc[:max(max_rows, 1), :MAX_TABLE_COLS]
    header = [str(c) for c in shown.columns]
    rows = [[_cell_text(v) for v in row] for row in shown.astype(object).itertuples(index=False, name=None)]
    numeric = [pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
               for c in shown.columns]
    return header, rows, len(df) - len(shown), numeric


def _table_rows_fitting(box: Box, n_rows: int) -> int:
    """Body rows that fit the box under the header row (one row kept for the "more rows" note)."""
    fit = int(box.h / TABLE_ROW_H) - 1
    return n_rows if n_rows <= fit else max(fit - 1, 1)


def _more_rows(n: int) -> str:
    return f"… and {n:,} more row{'s' if n != 1 else ''}"


def _write_bytes(data: bytes, path_or_buffer: str | os.PathLike[str] | IO[bytes]) -> None:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        Path(path_or_buffer).write_bytes(data)
    else:
        path_or_buffer.write(data)


def _bullet_size(bullets: list[str], box: Box, sizes: tuple[int, ...] = (18, 16, 14, 12, 11, 10)) -> int:
    """The largest font size at which the bullets should fit the box (average glyph ≈ 0.5 em)."""
    for size in sizes:
        chars_per_line = max(int(box.w / (size / 72 * 0.5)), 1)
        lines = sum(math.ceil(max(len(b) + 2, 1) / chars_per_line) for b in bullets)
        if lines * size * 1.3 / 72 + len(bullets) * size * 0.4 / 72 <= box.h:
            return size
    return sizes[-1]


# ── PowerPoint ──────────────────────────────────────────────────────────────────────────────


def write_pptx(content: PackContent, path_or_buffer: str | os.PathLike[str] | IO[bytes]) -> None:
    """A 16:9 deck: a title slide, then one slide per PackSlide with chart, bullets and table."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(PAGE_W), Inches(PAGE_H)

    def place(shape: Any, box: Box) -> None:
        shape.left, shape.top, shape.width, shape.height = (Inches(box.x), Inches(box.y),
                                                            Inches(box.w), Inches(box.h))

    def style(text_frame: Any, size: int, *, bold: bool = False, color: tuple[int, int, int] = INK,
              align: Any = PP_ALIGN.LEFT) -> None:
        for paragraph in text_frame.paragraphs:
            paragraph.alignment = align
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(size), bold
                run.font.color.rgb = RGBColor(*color)

    def footer(slide: Any, number: int, total: int) -> None:
        box = slide.shapes.add_textbox(Inches(MARGIN), Inches(FOOTER_Y), Inches(BODY_W * 0.85), Inches(FOOTER_H))
        box.text_frame.text = content.settings_line
        style(box.text_frame, 10, color=MUTED)
        page = slide.shapes.add_textbox(Inches(MARGIN + BODY_W * 0.85), Inches(FOOTER_Y),
                                        Inches(BODY_W * 0.15), Inches(FOOTER_H))
        page.text_frame.text = f"{number} / {total}"
        style(page.text_frame, 10, color=MUTED, align=PP_ALIGN.RIGHT)

    total = len(content.slides) + 1
    first = prs.slides.add_slide(prs.slide_layouts[0])       # "Title Slide"
    first.shapes.title.text = content.title
    place(first.shapes.title, Box(MARGIN, 2.2, BODY_W, 1.4))
    style(first.shapes.title.text_frame, 36, bold=True)
    subtitle = first.placeholders[1]
    subtitle.text_frame.text = content.subtitle
    if content.as_of:
        subtitle.text_frame.add_paragraph().text = f"As of {content.as_of}"
    place(subtitle, Box(MARGIN, 3.7, BODY_W, 1.4))
    style(subtitle.text_frame, 20, color=MUTED)
    footer(first, 1, total)

    for number, item in enumerate(content.slides, start=2):
        slide = prs.slides.add_slide(prs.slide_layouts[5])   # "Title Only"
        slide.shapes.title.text = item.title
        place(slide.shapes.title, Box(MARGIN, TITLE_Y, BODY_W, TITLE_H))
        slide.shapes.title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        style(slide.shapes.title.text_frame, 28 if len(item.title) <= 60 else 22, bold=True)
        boxes = layout(item)
        png = chart_png(item)
        if png is not None:
            box = boxes["figure"]
            slide.shapes.add_picture(io.BytesIO(png), Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
        if "bullets" in boxes:
            box = boxes["bullets"]
            shape = slide.shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
            tf = shape.text_frame
            tf.word_wrap = True
            tf.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
            size = _bullet_size(item.bullets, box)
            for i, bullet in enumerate(item.bullets):
                paragraph = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
                paragraph.text = f"• {bullet}"
                paragraph.space_after = Pt(size * 0.4)
            style(tf, size)
        if "table" in boxes:
            _pptx_table(slide, item.table, boxes["table"])
        if item.notes:
            slide.notes_slide.notes_text_frame.text = item.notes
        footer(slide, number, total)

    buf = io.BytesIO()
    prs.save(buf)
    _write_bytes(buf.getvalue(), path_or_buffer)


def _pptx_table(slide: Any, df: pd.DataFrame, box: Box) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    header, rows, left_out, numeric = table_cells(df, _table_rows_fitting(box, len(df)))
    n_rows = len(rows) + 1 + (1 if left_out else 0)
    shape = slide.shapes.add_table(n_rows, len(header), Inches(box.x), Inches(box.y), Inches(box.w),
                                   Inches(TABLE_ROW_H * n_rows))
    table = shape.table
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.RIGHT if numeric[c] else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(11), r == 0
    if left_out:
        last = table.cell(n_rows - 1, 0)
        if len(header) > 1:
            last.merge(table.cell(n_rows - 1, len(header) - 1))
        last.text = _more_rows(left_out)
        for paragraph in last.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size, run.font.italic = Pt(10), True


# ── PDF ─────────────────────────────────────────────────────────────────────────────────────

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_HINT = ("PDF export needs the DejaVu fonts: install Debian's package with "
             "'apt-get install fonts-dejavu-core'.")
# Optional fonts for scripts DejaVu lacks (Chinese names): used when installed.
FALLBACK_FONTS = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),      # fonts-droid-fallback
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),                    # fonts-wqy-zenhei
)


def _font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise CxError(FONT_HINT)


def write_pdf(content: PackContent, path_or_buffer: str | os.PathLike[str] | IO[bytes]) -> None:
    """The same pack as a PDF: one 16:9 page per slide, titles as real text, charts as PNG."""
    from fpdf import FPDF

    class _Pack(FPDF):
        def footer(self) -> None:
            self.set_font("DejaVu", "", 10)
            self.set_text_color(*MUTED)
            self.set_xy(MARGIN, FOOTER_Y)
            self.cell(BODY_W * 0.85, FOOTER_H, content.settings_line)
            self.cell(BODY_W * 0.15, FOOTER_H, f"{self.page_no()} / {{nb}}", align="R")

    pdf = _Pack(orientation="L", unit="in", format=(PAGE_H, PAGE_W))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(content.title)
    pdf.set_creator("Journey Lens")
    pdf.add_font("DejaVu", "", _font_file("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font_file("DejaVuSans-Bold.ttf"))
    fallbacks = []
    for i, path in enumerate(p for p in FALLBACK_FONTS if p.is_file()):
        pdf.add_font(f"fallback{i}", "", path)
        fallbacks.append(f"fallback{i}")
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)

    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 36)
    pdf.set_xy(MARGIN, 2.2)
    pdf.multi_cell(BODY_W, 0.65, content.title, align="L")
    pdf.set_font("DejaVu", "", 20)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(MARGIN, 3.7)
    lines = [content.subtitle] + ([f"As of {content.as_of}"] if content.as_of else [])
    pdf.multi_cell(BODY_W, 0.4, "\n".join(lines), align="L")

    for item in content.slides:
        pdf.add_page()
        pdf.set_text_color(*INK)
        size = 28 if len(item.title) <= 60 else 22
        pdf.set_font("DejaVu", "B", size)
        pdf.set_xy(MARGIN, TITLE_Y)
        pdf.multi_cell(BODY_W, size * 1.2 / 72, item.title, align="L")
        boxes = layout(item)
        png = chart_png(item)
        if png is not None:
            box = boxes["figure"]
            pdf.image(io.BytesIO(png), x=box.x, y=box.y, w=box.w, h=box.h)
        if "bullets" in boxes:
            _pdf_bullets(pdf, item.bullets, boxes["bullets"])
        if "table" in boxes:
            _pdf_table(pdf, item.table, boxes["table"])

    _write_bytes(bytes(pdf.output()), path_or_buffer)


def _pdf_bullets(pdf: Any, bullets: list[str], box: Box) -> None:
    """Bullets at the largest size that fits the box, measured with the real font."""
    text = [f"• {b}" for b in bullets]
    for size in (18, 16, 14, 12, 11, 10, 9, 8):
        pdf.set_font("DejaVu", "", size)
        line_h, gap = size * 1.3 / 72, size * 0.4 / 72
        height = sum(len(pdf.multi_cell(box.w, line_h, t, dry_run=True, output="LINES")) * line_h + gap
                     for t in text)
        if height <= box.h:
            break
    pdf.set_text_color(*INK)
    y = box.y
    for t in text:
        pdf.set_xy(box.x, y)
        lines = pdf.multi_cell(box.w, line_h, t, dry_run=True, output="LINES")
        room = int((box.y + box.h - y) / line_h)
        if room <= 0:
            break
        pdf.multi_cell(box.w, line_h, "\n".join(lines[:room]), align="L")
        y += len(lines[:room]) * line_h + gap


def _fit(pdf: Any, text: str, width: float) -> str:
    """Text cut with an ellipsis to fit a table cell."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _pdf_table(pdf: Any, df: pd.DataFrame, box: Box) -> None:
    header, rows, left_out, numeric = table_cells(df, _table_rows_fitting(box, len(df)))
    col_w = box.w / len(header)
    pad = 0.06
    pdf.set_draw_color(0xBD, 0xBD, 0xBD)
    pdf.set_line_width(0.01)
    y = box.y
    for r, values in enumerate([header, *rows]):
        pdf.set_font("DejaVu", "B" if r == 0 else "", 10)
        if r == 0:
            pdf.set_fill_color(0xE8, 0xF1, 0xF8)
        pdf.set_text_color(*INK)
        for c, value in enumerate(values):
            pdf.set_xy(box.x + c * col_w, y)
            text = _fit(pdf, value, col_w - 2 * pad)
            pdf.cell(col_w, TABLE_ROW_H, f"{text} " if numeric[c] else f" {text}", border=1, fill=r == 0,
                     align="R" if numeric[c] else "L")
        y += TABLE_ROW_H
    if left_out:
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(box.x, y)
        pdf.cell(box.w, TABLE_ROW_H, _more_rows(left_out))
