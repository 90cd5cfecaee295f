from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from dangjian.assessment.models import (
    Feedback,
    FeedbackStatus,
    Judgement,
    ReportStatus,
    Scheme,
    SpecialReport,
)
from dangjian.assessment.testing import assessed_year
from dangjian.cycles.services import year_ensure
from dangjian.notify.models import Task
from dangjian.rectification.models import Item
from dangjian.scoring.models import Indicator, Score
from dangjian.scoring.selectors import leaves


@pytest.fixture
def year(county):
    return assessed_year(county)


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.req("R1.1")
def test_build_edit_and_publish_in_the_browser_pages(county, login):
    client = login(county.user("wc_admin"))
    year_ensure(year=2025, make_current=True)
    r = client.post(reverse("assessment:scheme_create"), follow=True)
    assert "已建立本年度考核指标体系" in "".join(_messages(r))
    scheme = Scheme.objects.get()
    s = scheme.set_secretary
    r = client.post(reverse("assessment:indicator_add", args=[s.pk]),
                    {"code": "5", "title": "带头抓党风廉政建设", "max_points": "10",
                     "methods": ["个别谈话", "伪造方式"]}, follow=True)
    new = Indicator.objects.get(set=s, code="5")
    assert new.evidence_methods == ["个别谈话"]
    r = client.get(reverse("assessment:scheme"))
    assert "带头抓党风廉政建设" in r.content.decode() and "草稿" in r.content.decode()
    r = client.post(reverse("assessment:thresholds_save", args=[s.pk]),
                    {"good": "80", "fairly_good": "90", "average": "60"}, follow=True)
    assert "依次降低" in "".join(_messages(r))
    r = client.post(reverse("assessment:scheme_publish", args=[scheme.pk]), follow=True)
    assert "指标体系已发布" in "".join(_messages(r))
    r = client.post(reverse("assessment:indicator_edit", args=[new.pk]),
                    {"code": "5", "title": "改", "max_points": "1"}, follow=True)
    assert "已发布，不能再修改" in "".join(_messages(r))
    new.refresh_from_db()
    assert new.title == "带头抓党风廉政建设"


@pytest.mark.req("R1.2", "R1.3")
def test_pages_render_for_the_team(county, login, year):
    client = login(county.user("wc_admin"))
    own = year["assessment_own"]
    for url in [reverse("assessment:home"), reverse("assessment:dept", args=[own.pk]),
                reverse("assessment:interviews", args=[own.pk]),
                reverse("assessment:score", args=[own.pk, "leading_group", 0]),
                reverse("assessment:explain", args=[own.pk, "leading_group", 0]),
                reverse("assessment:site_visit", args=[year["site_visit_own"].pk]),
                reverse("assessment:teams"), reverse("assessment:observations"),
                reverse("assessment:scheme_replay", args=[year["assess_scheme"].pk])]:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("assessment:interviews", args=[own.pk])).content.decode()
    assert "对班子成员的意见" in page


@pytest.mark.req("R1.3")
def test_bad_score_changes_nothing(county, login, year):
    client = login(county.user("wc_admin"))
    own = year["assessment_own"]
    first = leaves(own.scheme.set_leading_group)[0]
    before = list(Score.objects.values_list("pk", "value", "reason"))
    r = client.post(reverse("assessment:score", args=[own.pk, "leading_group", 0]),
                    {f"v{first.pk}": "99", f"r{first.pk}": "超过满分"})
    assert r.status_code == 200 and "得分应在0至5.00分之间" in r.content.decode()
    assert 'value="99"' in r.content.decode()  # the input is kept for correction
    r = client.post(reverse("assessment:score", args=[own.pk, "leading_group", 0]),
                    {f"v{first.pk}": "4", f"r{first.pk}": ""})
    assert "请填写“1.1”的评分理由" in r.content.decode()
    assert list(Score.objects.values_list("pk", "value", "reason")) == before


@pytest.mark.req("R1.3")
def test_grade_without_reasons_is_refused(county, login, year):
    client = login(county.user("wc_admin"))
    own = year["assessment_own"]
    r = client.post(reverse("assessment:judge", args=[own.pk]),
                    {"kind": "leading_group", "person": "0", "grade": "poor", "reasons": ""},
                    follow=True)
    assert "请填写评价理由" in "".join(_messages(r))
    assert Judgement.objects.get(assessment=own, kind="leading_group").grade == "good"


@pytest.mark.req("R1.4")
def test_feedback_sent_acknowledged_and_rectified(county, login, year):
    own = year["assessment_own"]
    fb = year["feedback_own"]
    assert fb.status == FeedbackStatus.SENT
    secretary = county.user("lg_secretary")
    task = Task.objects.get(assignee=secretary, key=f"assessment:feedback:{fb.pk}")
    assert task.url == reverse("assessment:feedback", args=[own.pk]) and task.done_at is None
    items = Item.objects.filter(plan=fb.plan)
    assert [i.problem for i in items] == ["理论学习不够深入", "党务干部配备不足"]
    client = login(secretary)
    docx = client.get(reverse("assessment:feedback_docx", args=[own.pk]))
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"中共{own.unit.name}党组：" in text and "理论学习不够深入" in text
    assert "考核等次为“好”" in text
    r = client.post(reverse("assessment:feedback_ack", args=[own.pk]), follow=True)
    assert "已签收" in "".join(_messages(r))
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.ACKNOWLEDGED and fb.acknowledged_by == secretary
    task.refresh_from_db()
    assert task.done_at is not None
    assert Feedback.objects.get(pk=fb.pk).plan.owner_body == own.unit


@pytest.mark.req("R1.5")
def test_special_report_docx_edit_issue_and_export(county, login, year):
    client = login(county.user("wc_admin"))
    assert client.get(reverse("assessment:report")).status_code == 200
    report = SpecialReport.objects.get()
    assert "“好”1个" in report.overview and "“一般”1个" in report.overview
    client.post(reverse("assessment:report"), {
        "number": "示直工〔2026〕9号", "title": report.title, "overview": "总体良好。",
        "highlights": "县教育局经验", "problems": "个别单位学习不深", "suggestions": "一是加强。"})
    r = client.get(reverse("assessment:report_docx"))
    doc = Document(io.BytesIO(r.content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    texts = [p.text for p in doc.paragraphs]
    assert "示直工〔2026〕9号" in texts and "中共示范县委员会：" in texts and "总体良好。" in texts
    title = next(p for p in doc.paragraphs if p.text == report.title)
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    dist = doc.tables[0]
    assert [c.text for c in dist.rows[1].cells][:2] == ["好", "1"]
    assert doc.inline_shapes, "the grade distribution chart is in the report"
    client.post(reverse("assessment:report_issue"))
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED and report.issued_docx
    r = client.post(reverse("assessment:report"), {"title": "改标题"}, follow=True)
    assert "已印发，不能再修改" in "".join(_messages(r))
    county_client = login(county.user("county"))
    issued = county_client.get(reverse("assessment:report_docx"))
    assert issued.status_code == 200 and bytes(issued.content) == bytes(report.issued_docx)
    xlsx = county_client.get(reverse("assessment:results_xlsx"))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws["A1"].value == "单位" and "权重10.00%" in ws["I1"].value
    assert ws["A2"].value == county.depts[0].unit.name and ws["G2"].value == "好"
    assert ws["I2"].value == 10.0  # 好 = 100 points × 10%
