import datetime as dt
import io
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from dangjian.documents.official import (
    Heading,
    OfficialDocument,
    Para,
    Table,
    cn_date,
    render_docx,
)
from dangjian.documents.xlsx import workbook_bytes


def _sample():
    return OfficialDocument(
        issuer="中共示范县直属机关工作委员会", number="示直工〔2026〕12号",
        title="关于2026年度机关党建工作考核情况的报告", addressee="县委：",
        body=[Heading("一、基本情况"), Para("全县共考核单位42个。\n其中评为“好”的15个。"),
              Heading("（一）主要做法", 2),
              Table(["等次", "单位数"], [["好", "15"], ["较好", "20"]], caption="表1 等次分布")],
        signature="中共示范县直属机关工作委员会", date=dt.date(2026, 11, 28),
        attachments=["考核结果汇总表"], copy_to="县委组织部", printed_by="县直机关工委办公室",
        printed_on=dt.date(2026, 11, 28),
    )


@pytest.mark.req("X.2")
def test_docx_follows_gbt9704_page_and_fonts():
    doc = Document(io.BytesIO(render_docx(_sample())))
    section = doc.sections[0]
    def mm(value):
        return round(value.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "中共示范县直属机关工作委员会"
    assert "示直工〔2026〕12号" in texts
    title = next(p for p in doc.paragraphs if p.text.startswith("关于2026年度"))
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith("全县共考核"))
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    heading = next(p for p in doc.paragraphs if p.text == "一、基本情况")
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert cn_date(dt.date(2026, 11, 28)) in texts
    assert "抄送：县委组织部。" in texts
    assert doc.tables[0].cell(1, 0).text == "好"
    issuer_run = doc.paragraphs[0].runs[0]
    assert str(issuer_run.font.color.rgb) == "E60012"
    footer = zipfile.ZipFile(io.BytesIO(render_docx(_sample()))).read("word/footer1.xml").decode()
    assert "PAGE" in footer and "—" in footer


@pytest.mark.req("X.2")
def test_fonts_are_configurable(settings):
    settings.DOCUMENT_FONTS = {"body": "仿宋"}
    doc = Document(io.BytesIO(render_docx(_sample())))
    body = next(p for p in doc.paragraphs if p.text.startswith("全县共考核"))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


@pytest.mark.req("X.2")
def test_xlsx_table():
    data = workbook_bytes([("汇总", ["单位", "得分"], [["县教育局", 95.5], ["县财政局", 88]])])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "汇总" and ws["A1"].value == "单位" and ws["A1"].font.bold
    assert ws["B2"].value == 95.5 and ws.freeze_panes == "A2"
