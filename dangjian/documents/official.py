"""Official documents (.docx) in the national format, GB/T 9704-2012 《党政机关公文格式》.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body in 3号 (16 pt) 仿宋 at 22 lines
a page; title in 2号 (22 pt) 小标宋; headings 一、 in 黑体, （一） in 楷体; the issuer's mark in red
with a red rule under the 文号; page numbers "— 1 —" in 4号 (14 pt) 宋体; the 版记 (抄送, 印发)
between rules at the end.

Fonts are names, not files: Word on the reader's machine draws them. The defaults are the fonts
every Chinese Windows and WPS installation has; offices with the 方正 fonts set
DOCUMENT_FONTS in the environment-driven settings (see `fonts()`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

RED = RGBColor(0xE6, 0x00, 0x12)
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
NOTE_PT = 14  # 4号
LINE_PT = 28.95  # 225 mm text block / 22 lines

DEFAULT_FONTS = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "number": "宋体",
}


def fonts() -> dict[str, str]:
    return {**DEFAULT_FONTS, **getattr(settings, "DOCUMENT_FONTS", {})}


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: 一、 (黑体)  2: （一） (楷体)  3: 1. (仿宋加粗)


@dataclass
class Para:
    text: str
    indent: bool = True


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""
    widths: list[float] | None = None  # column widths in mm (the text block is 156 mm wide)
    size: float = NOTE_PT  # the cells' font size in pt (10.5: 五号, for long tables)
    first_left: bool = False  # the first column (names) left-aligned


@dataclass
class Image:
    png: bytes
    width_mm: float = 150
    caption: str = ""


Block = Heading | Para | Table | Image


@dataclass
class OfficialDocument:
    title: str
    body: list[Block]
    issuer: str = ""  # 发文机关标志, e.g. "中共××县直属机关工作委员会文件"
    number: str = ""  # 发文字号, e.g. "×直工〔2026〕12号"
    addressee: str = ""  # 主送机关, e.g. "县委："
    signature: str = ""  # 发文机关署名
    date: dt.date | None = None  # 成文日期
    attachments: list[str] = field(default_factory=list)  # 附件说明
    copy_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关
    printed_on: dt.date | None = None
    secrecy: str = ""  # 密级 (e.g. "内部") shown at the top left


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run: Run, name: str, size: float, bold: bool = False, color: RGBColor | None = None
          ) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc: DocxDocument, text: str = "", *, font: str, size: float = BODY_PT,
          align: WD_ALIGN_PARAGRAPH | None = None, indent_chars: float = 0, bold: bool = False,
          color: RGBColor | None = None) -> DocxParagraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), font, size, bold, color)
    return p


def _rule(p: DocxParagraph, color: str = "E60012", size: int = 12) -> None:
    """A horizontal rule under a paragraph (the red 版头分隔线, or the black 版记 lines)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"),
                       ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_number_footer(doc: DocxDocument) -> None:
    f = fonts()
    for section in doc.sections:
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run("— "), f["number"], NOTE_PT)
        run = p.add_run()
        _font(run, f["number"], NOTE_PT)
        for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._element.append(el)
        _font(p.add_run(" —"), f["number"], NOTE_PT)


def render_docx(document: OfficialDocument) -> bytes:
    f = fonts()
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    normal = doc.styles["Normal"]
    normal.font.name = f["body"]
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), f["body"])

    if document.secrecy:
        _para(doc, document.secrecy, font=f["heading1"])
    if document.issuer:
        _para(doc, document.issuer, font=f["title"], size=30, align=WD_ALIGN_PARAGRAPH.CENTER,
              color=RED)
        _para(doc, font=f["body"])
    if document.issuer or document.number:
        p = _para(doc, document.number, font=f["body"], align=WD_ALIGN_PARAGRAPH.CENTER)
        _rule(p)
        _para(doc, font=f["body"])
    _para(doc, document.title, font=f["title"], size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, font=f["body"])
    if document.addressee:
        _para(doc, document.addressee, font=f["body"])
    for block in document.body:
        _block(doc, block, f)
    if document.attachments:
        _para(doc, font=f["body"])
        for i, name in enumerate(document.attachments, 1):
            prefix = "附件：" if i == 1 else "　　　"
            label = f"{i}.{name}" if len(document.attachments) > 1 else name
            _para(doc, f"{prefix}{label}", font=f["body"], indent_chars=2)
    if document.signature or document.date:
        _para(doc, font=f["body"])
        _para(doc, font=f["body"])
        if document.signature:
            _para(doc, document.signature, font=f["body"], align=WD_ALIGN_PARAGRAPH.RIGHT)
        if document.date:
            p = _para(doc, cn_date(document.date), font=f["body"], align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(BODY_PT * 4)  # 成文日期右空四字
    if document.copy_to or document.printed_by:
        _para(doc, font=f["body"])
        top = _para(doc, font=f["body"], size=NOTE_PT)
        _rule(top, color="000000", size=8)
        if document.copy_to:
            p = _para(doc, f"抄送：{document.copy_to}。", font=f["body"], size=NOTE_PT,
                      indent_chars=1)
            _rule(p, color="000000", size=4)
        if document.printed_by:
            on = cn_date(document.printed_on) + "印发" if document.printed_on else ""
            p = _para(doc, f"{document.printed_by}　　　　{on}", font=f["body"], size=NOTE_PT,
                      indent_chars=1)
            _rule(p, color="000000", size=8)
    _page_number_footer(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _block(doc: DocxDocument, block: Block, f: dict[str, str]) -> None:
    if isinstance(block, Heading):
        font = {1: f["heading1"], 2: f["heading2"]}.get(block.level, f["body"])
        _para(doc, block.text, font=font, indent_chars=2, bold=block.level >= 3)
    elif isinstance(block, Para):
        for line in block.text.splitlines() or [""]:
            _para(doc, line, font=f["body"], indent_chars=2 if block.indent else 0)
    elif isinstance(block, Table):
        if block.caption:
            _para(doc, block.caption, font=f["heading1"], size=NOTE_PT,
                  align=WD_ALIGN_PARAGRAPH.CENTER)
        table = doc.add_table(rows=1, cols=len(block.headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
            _cell(cell, text, f["heading1"], block.size)
        repeat = OxmlElement("w:tblHeader")  # the header row again on each page the table runs to
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for row in block.rows:
            cells = table.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
                _cell(cell, str(text), f["body"], block.size, left=block.first_left and i == 0)
        if block.widths:
            table.autofit = False
            for column, width in zip(table.columns, block.widths, strict=True):
                column.width = Mm(width)
                for cell in column.cells:
                    cell.width = Mm(width)
    elif isinstance(block, Image):
        p = _para(doc, font=f["body"], align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.add_run().add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
        if block.caption:
            _para(doc, block.caption, font=f["body"], size=NOTE_PT,
                  align=WD_ALIGN_PARAGRAPH.CENTER)


def _cell(cell: object, text: str, font: str, size: float = NOTE_PT, left: bool = False) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    if size != NOTE_PT:  # a compact table: single-spaced rows, not the body text's 28.95 pt
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)
    _font(p.add_run(text), font, size)
