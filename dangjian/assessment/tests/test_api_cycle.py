"""One whole 考核 through the API alone: the year's system built and published, a team formed,
the department's records, 民主测评 created, every subject scored and judged, the feedback
sent and acknowledged, the special report issued (R1 end to end, X.3)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from dangjian.assessment.models import FeedbackStatus, ReportStatus, SpecialReport
from dangjian.assessment.testing import staff_user
from dangjian.assessment.tests.apiclient import call, traced
from dangjian.cycles.services import year_ensure
from dangjian.rectification.models import Item


@pytest.mark.req("X.3", "R1.1", "R1.2", "R1.3", "R1.4", "R1.5")
@pytest.mark.today("2026-11-20")
def test_one_assessment_from_scheme_to_grade_and_report(county, client):
    year_ensure(year=2026, make_current=True)
    admin, staff = county.user("wc_admin"), staff_user(county, "t_wc_staff")
    dept = county.depts[0]
    start = traced()

    def ok(response, status=200):
        assert response.status_code == status, response.content.decode()
        return response.json()

    client.force_login(admin)
    scheme = ok(call(client, "post", "assessment_scheme", {}), 201)
    ok(call(client, "put", "assessment_scheme_weight", {"county_weight": 15}, pk=scheme["id"]))
    assert ok(call(client, "post", "assessment_scheme_publish", pk=scheme["id"]))["published"]
    team = ok(call(client, "post", "assessment_teams", {
        "name": "第一考核组", "leader": admin.pk, "members": [admin.pk, staff.pk],
        "units": [dept.unit.pk]}), 201)
    [unit] = team["units"]
    pk = unit["assessment_id"]
    assessment = ok(call(client, "get", "assessment_detail", pk=pk))
    assert assessment["can_conduct"] and assessment["leaders"]
    ok(call(client, "post", "assessment_hearing_add",
            {"date": "2026-11-18", "reporter": "党组书记", "summary": "全年党建工作汇报"}, pk=pk),
       201)
    ok(call(client, "post", "assessment_interviews",
            {"interviewee": "机关党委书记", "notes": "对班子的意见"}, pk=pk), 201)
    ok(call(client, "post", "assessment_site_visit_add",
            {"checked": "党员活动室", "findings": "制度上墙"}, pk=pk), 201)
    ok(call(client, "post", "assessment_observations",
            {"unit": dept.unit.pk, "content": "按时报送信息"}), 201)
    assert ok(call(client, "post", "assessment_poll_create", pk=pk), 201)["box_id"]

    subjects = [("leading_group", 0)] + [(leader["kind"], leader["person_id"])
                                         for leader in assessment["leaders"]]
    for kind, person in subjects:
        sheet = ok(call(client, "get", "assessment_scores", kind=kind, person=person, pk=pk))
        entries = [{"indicator": row["indicator_id"],
                    "value": str(round(float(row["max_points"]) * 0.95, 2)),
                    "reason": "对照材料评分"} for row in sheet["rows"] if row["is_leaf"]]
        assert ok(call(client, "put", "assessment_scores", {"entries": entries}, kind=kind,
                       person=person, pk=pk))["saved"] == len(entries)
    [result] = ok(call(client, "get", "assessment_results"))["items"]
    assert result["dept"]["suggested"] == "good" and result["dept"]["final"] is None
    for kind, person in subjects:
        ok(call(client, "post", "assessment_judge", {
            "kind": kind, "person": person or None, "grade": "good",
            "reasons": "得分高，测评好，平时表现突出"}, pk=pk))
    explained = ok(call(client, "get", "assessment_explain", kind="leading_group", person=0,
                        pk=pk))
    assert explained["suggested"] == "good" and explained["judgement"]["grade"] == "good"

    ok(call(client, "put", "assessment_feedback", {
        "body": "现将考核情况反馈如下。", "problems": "理论学习不够深入\n党务干部配备不足",
        "number": "示直工〔2026〕1号"}, pk=pk))
    sent = ok(call(client, "post", "assessment_feedback_send", pk=pk))
    assert sent["feedback"]["status"] == FeedbackStatus.SENT
    assert Item.objects.filter(plan_id=sent["feedback"]["plan_id"]).count() == 2

    client.force_login(county.user("lg_secretary"))
    letter = call(client, "get", "assessment_feedback_docx", pk=pk)
    assert letter.status_code == 200
    assert "理论学习不够深入" in "\n".join(p.text for p in Document(
        io.BytesIO(letter.content)).paragraphs)
    acked = ok(call(client, "post", "assessment_feedback_ack", pk=pk))
    assert acked["feedback"]["status"] == FeedbackStatus.ACKNOWLEDGED

    client.force_login(admin)
    report = ok(call(client, "get", "assessment_report"))
    assert dept.unit.name in report["highlights"]
    ok(call(client, "patch", "assessment_report", {"number": "示直工〔2026〕9号"}))
    assert ok(call(client, "post", "assessment_report_issue"))["status"] == ReportStatus.ISSUED

    client.force_login(county.user("county"))
    [final] = ok(call(client, "get", "assessment_results"))["items"]
    assert final["dept"]["final_label"] == "好"
    assert all(leader["final"] == "good" for leader in final["leaders"])
    assert final["feedback_status"] == FeedbackStatus.ACKNOWLEDGED
    issued = call(client, "get", "assessment_report_docx")
    assert issued.content == bytes(SpecialReport.objects.get().issued_docx)
    text = "\n".join(p.text for p in Document(io.BytesIO(issued.content)).paragraphs)
    assert "示直工〔2026〕9号" in text and dept.unit.name in text
    sheet = load_workbook(io.BytesIO(call(client, "get", "assessment_results_xlsx").content))
    values = [c.value for row in sheet.active.iter_rows() for c in row]
    assert dept.unit.name in values and "好" in values
    assert traced() > start + 10  # every step left its trace
