"""The feedback letter and the special report drafted from the results, and their irreversible
steps guarded (R1.4, R1.5): nothing issued while a unit is not judged, and each asks first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.assessment.models import Feedback, Judgement, ReportStatus, SpecialReport
from dangjian.assessment.testing import assessed_year


@pytest.mark.req("R1.4")
def test_the_feedback_letter_starts_from_the_grade_reasons_and_points_lost(county, login):
    year = assessed_year(county, send_other=False)
    other = year["assessment_other"]
    client = login(county.user("wc_admin"))
    url = reverse("assessment:feedback", kwargs={"pk": other.pk})
    Feedback.objects.filter(assessment=other).delete()  # not written yet
    page = client.get(url).content.decode()
    assert "考核等次为“一般”" in page and "综合得分、民主测评和平时掌握情况" in page
    assert "失" in page.split('name="problems"')[1].split("</textarea>")[0]
    assert "90日内整改到位" in page
    client.post(url, {"body": "现将情况反馈如下。", "problems": "学习不深", "number": "1号"})
    fb = Feedback.objects.get(assessment=other)
    # Saved text is shown as saved; 重新起草 fills the form again without saving.
    page = client.get(url).content.decode()
    assert "现将情况反馈如下。" in page and "按考核结果重新起草" in page
    page = client.get(url, {"redraft": "1"}).content.decode()
    assert "考核等次为“一般”" in page and "尚未保存" in page
    assert Feedback.objects.get(pk=fb.pk).body == "现将情况反馈如下。"
    # Sending asks first, saying what follows.
    send = page.split('id="feedback-send"')[1].split(">")[0]
    assert "不能再修改" in send and "1条问题将转为整改事项" in send and "党组书记签收" in send


@pytest.mark.req("R1.5")
def test_the_report_is_not_issued_while_a_unit_is_not_judged(county, login):
    year = assessed_year(county)
    other = year["assessment_other"]
    client = login(county.user("wc_admin"))
    page = client.get(reverse("assessment:report")).content.decode()
    report = SpecialReport.objects.get()
    client.post(reverse("assessment:report"), {
        "number": "示直工〔2026〕9号", "title": report.title, "overview": "总体良好。",
        "highlights": "", "problems": "", "suggestions": ""})
    judgement = Judgement.objects.get(assessment=other, person__isnull=True)
    grade, reasons, actor = judgement.grade, judgement.reasons, judgement.decided_by
    judgement.delete()
    page = client.get(reverse("assessment:report")).content.decode()
    assert "尚有1个单位未研判" in page and other.unit.name in page
    issue = page.split('id="report-issue"')[1].split(">")[0]
    assert "disabled" in issue and "不能再修改" in issue and "示直工〔2026〕9号" in issue
    response = client.post(reverse("assessment:report_issue"), follow=True)
    assert f"尚有1个单位未研判（{other.unit.name}）" in response.content.decode()
    assert SpecialReport.objects.get().status == ReportStatus.DRAFT
    # 重新起草 from the results: the distribution, not yet saved.
    page = client.get(reverse("assessment:report"), {"redraft": "1"}).content.decode()
    assert "“好”1个" in page and "尚未保存" in page
    assert SpecialReport.objects.get().overview == "总体良好。"
    Judgement.objects.create(assessment=other, kind="leading_group", person=None, grade=grade,
                             reasons=reasons, decided_by=actor)
    client.post(reverse("assessment:report_issue"))
    assert SpecialReport.objects.get().status == ReportStatus.ISSUED
