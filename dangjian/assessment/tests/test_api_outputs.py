"""R1.4–R1.5 through the API: feedback drafted, sent and acknowledged; the letters, the report
and the results as the same documents the pages give; every letter in one .zip as a job."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from dangjian.assessment.jobs import FEEDBACK_ZIP
from dangjian.assessment.models import Feedback, FeedbackStatus, ReportStatus, SpecialReport
from dangjian.assessment.testing import assessed_year
from dangjian.assessment.tests.apiclient import call, fields, traced
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE
from dangjian.jobs.models import Job, JobState
from dangjian.jobs.testing import run_jobs
from dangjian.rectification.models import Item

pytestmark = [pytest.mark.req("X.3"), pytest.mark.today("2026-06-01")]


@pytest.fixture
def year(county):
    return assessed_year(county, send_other=False)


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.mark.req("R1.4")
def test_feedback_draft_send_and_acknowledge(county, client, year):
    own, other = year["assessment_own"], year["assessment_other"]
    client.force_login(county.user("wc_admin"))
    page = call(client, "get", "assessment_feedback", pk=other.pk).json()
    assert page["feedback"]["status"] == "draft" and page["can_manage"] is True
    assert fields(call(client, "put", "assessment_feedback", {"body": " "}, pk=other.pk)) == {
        "body": "请填写反馈意见"}
    r = call(client, "put", "assessment_feedback", {
        "body": "现将考核情况反馈如下。", "problems": "组织生活不规范\n台账不全",
        "number": "示直工〔2026〕2号"}, pk=other.pk)
    assert r.status_code == 200
    assert r.json()["feedback"]["problems"] == ["组织生活不规范", "台账不全"]
    items_before = Item.objects.count()
    r = call(client, "post", "assessment_feedback_send", pk=other.pk)
    assert r.status_code == 200 and r.json()["feedback"]["status_label"] == "已反馈"
    assert Item.objects.count() == items_before + 2 and r.json()["feedback"]["plan_id"]
    # Sent: it cannot be changed or sent again.
    assert fields(call(client, "put", "assessment_feedback", {"body": "改"}, pk=other.pk)) == {
        "__all__": "反馈意见已发出，不能再修改"}
    assert "不能改为" in fields(call(client, "post", "assessment_feedback_send",
                                    pk=other.pk))["__all__"]
    # Only the department's 党组 acknowledges; 工委 may not do it for them.
    r = call(client, "post", "assessment_feedback_ack", pk=own.pk)
    assert r.status_code == 403 and r.json()["detail"] == "只有该单位党组可以签收反馈意见"
    client.force_login(county.user("lg_secretary"))
    page = call(client, "get", "assessment_feedback", pk=own.pk).json()
    assert page["can_receive"] is True and page["can_manage"] is False
    before = traced()
    assert call(client, "put", "assessment_feedback", {"body": "改"}, pk=own.pk
                ).status_code == 403
    assert call(client, "post", "assessment_feedback_send", pk=own.pk).status_code == 403
    assert traced() == before
    r = call(client, "post", "assessment_feedback_ack", pk=own.pk)
    assert r.status_code == 200 and r.json()["feedback"]["status"] == "acknowledged"
    assert Feedback.objects.get(assessment=own).status == FeedbackStatus.ACKNOWLEDGED
    # Another department's letter: not theirs to see or sign.
    assert call(client, "get", "assessment_feedback", pk=other.pk).status_code == 404
    assert call(client, "post", "assessment_feedback_ack", pk=other.pk).status_code == 404
    assert Feedback.objects.get(assessment=other).status == FeedbackStatus.SENT


@pytest.mark.req("R1.4")
def test_a_draft_letter_is_not_the_departments_to_read(county, client, year):
    other = year["assessment_other"]
    Feedback.objects.filter(assessment=other).delete()
    client.force_login(county.user("wc_admin"))
    assert fields(call(client, "post", "assessment_feedback_send", pk=other.pk)) == {
        "__all__": "请先拟写反馈意见"}
    assert call(client, "get", "assessment_feedback_docx", pk=other.pk).status_code == 404
    assert call(client, "get", "assessment_feedback", pk=other.pk).json()["feedback"] is None


@pytest.mark.req("R1.4")
def test_feedback_docx_is_the_pages_letter(county, client, year):
    own = year["assessment_own"]
    client.force_login(county.user("lg_secretary"))
    api = call(client, "get", "assessment_feedback_docx", pk=own.pk)
    page = client.get(reverse("assessment:feedback_docx", args=[own.pk]))
    assert api.status_code == 200 and api["Content-Type"] == DOCX_TYPE
    assert api["Content-Disposition"] == page["Content-Disposition"]
    assert "反馈意见.docx" in unquote(api["Content-Disposition"])
    text = _text(api.content)
    assert text == _text(page.content)
    assert "理论学习不够深入" in text and "示直工〔2026〕1号" in text


@pytest.mark.req("R1.4")
def test_feedback_zip_is_the_pages_job(county, client, year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(county.user("county"))
    r = call(client, "post", "assessment_feedback_zip")
    assert r.status_code == 202
    job = Job.objects.get()
    assert r.json() == {"id": job.pk, "kind": FEEDBACK_ZIP, "label": job.label,
                        "state": "queued", "state_label": "排队中",
                        "url": job.get_absolute_url()}
    assert job.owner == county.user("county") and job.params == {
        "scheme": year["assess_scheme"].pk}
    assert call(client, "post", "assessment_feedback_zip").json()["id"] == job.pk
    client.post(reverse("assessment:feedback_zip"))  # the page's button: the same job
    assert Job.objects.count() == 1
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE
    with job.output.open("rb") as f:
        names = zipfile.ZipFile(io.BytesIO(f.read())).namelist()
    assert len(names) == 2
    client.force_login(county.user("member"))
    assert call(client, "post", "assessment_feedback_zip").status_code == 403
    assert Job.objects.count() == 1


@pytest.mark.req("R1.5")
def test_report_drafted_edited_issued_and_downloaded(county, client, year):
    client.force_login(county.user("wc_admin"))
    r = call(client, "get", "assessment_report")
    assert r.status_code == 200
    report = r.json()
    assert report["status"] == "draft" and "“好”1个" in report["overview"]
    assert {d["grade_label"]: d["count"] for d in report["distribution"]}["一般"] == 1
    assert fields(call(client, "post", "assessment_report_issue")) == {
        "number": "印发前请填写文号"}
    assert fields(call(client, "patch", "assessment_report", {"title": ""})) == {
        "title": "请填写标题"}
    r = call(client, "patch", "assessment_report",
             {"number": "示直工〔2026〕9号", "overview": "总体良好。"})
    assert r.status_code == 200 and r.json()["title"] == report["title"]
    draft = call(client, "get", "assessment_report_docx")
    assert draft.status_code == 200 and "总体良好。" in _text(draft.content)
    r = call(client, "post", "assessment_report_issue")
    assert r.status_code == 200 and r.json()["status_label"] == "已印发"
    issued = SpecialReport.objects.get()
    assert issued.status == ReportStatus.ISSUED
    api = call(client, "get", "assessment_report_docx")
    assert api.content == bytes(issued.issued_docx)
    assert api.content == client.get(reverse("assessment:report_docx")).content
    assert "已印发，不能再修改" in fields(call(client, "patch", "assessment_report",
                                           {"title": "改"}))["__all__"]
    # 县委 reads the issued report (only the issued one), and no draft at all.
    client.force_login(county.user("county"))
    assert call(client, "get", "assessment_report").status_code == 403
    assert call(client, "get", "assessment_report_docx").content == bytes(issued.issued_docx)
    assert call(client, "patch", "assessment_report", {"title": "改"}).status_code == 403
    assert SpecialReport.objects.get().title == issued.title


@pytest.mark.req("R1.5")
def test_county_reads_no_report_before_it_is_issued(county, client, year):
    client.force_login(county.user("county"))
    assert call(client, "get", "assessment_report_docx").status_code == 404
    assert call(client, "post", "assessment_report_issue").status_code == 403
    assert not SpecialReport.objects.exists()


@pytest.mark.req("R1.5")
def test_results_xlsx_is_the_pages_export_with_the_same_filter(county, client, year):
    own = year["assessment_own"]
    client.force_login(county.user("county"))
    api = call(client, "get", "assessment_results_xlsx")
    assert api.status_code == 200 and api["Content-Type"] == XLSX_TYPE
    page = client.get(reverse("assessment:results_xlsx"))
    assert api["Content-Disposition"] == page["Content-Disposition"]

    def cells(content: bytes) -> list[tuple[object, ...]]:
        sheet = load_workbook(io.BytesIO(content)).active
        return [tuple(c.value for c in row) for row in sheet.iter_rows()]

    rows = cells(api.content)
    assert rows == cells(page.content)
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    assert own.unit.name in text and year["assessment_other"].unit.name in text
    q = own.unit.name[1:3]
    filtered = cells(call(client, "get", "assessment_results_xlsx", {"q": q}).content)
    assert filtered == cells(client.get(reverse("assessment:results_xlsx"), {"q": q}).content)
    text = " ".join(str(v) for row in filtered for v in row if v is not None)
    assert own.unit.name in text and year["assessment_other"].unit.name not in text
    home = client.get(reverse("assessment:home"), {"q": q}).content.decode()
    assert own.unit.name in home and year["assessment_other"].unit.name not in home
    assert f"{reverse('assessment:results_xlsx')}?q=" in home
    client.force_login(county.user("member"))
    assert call(client, "get", "assessment_results_xlsx").status_code == 403


def test_openapi_documents_every_assessment_operation(db, client):
    doc = client.get("/api/openapi.json").json()
    ops = {(path, method): op for path, item in doc["paths"].items()
           if path.startswith("/api/assessment/") for method, op in item.items()}
    assert len(ops) == 37
    for (path, method), op in ops.items():
        text = op["summary"] + op["description"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (method, path)
        assert {"403", "404", "422"} <= set(op["responses"]), (method, path)
        if "requestBody" in op:
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
            assert "examples" in schema or any(
                "examples" in p for p in schema["properties"].values()), (method, path)
    for path in ("/api/assessment/report.docx", "/api/assessment/results.xlsx",
                 "/api/assessment/assessments/{pk}/feedback.docx"):
        [content] = ops[(path, "get")]["responses"]["200"]["content"].values()
        assert content["schema"] == {"type": "string", "format": "binary"}


def test_junk_input_is_422_never_500(county, client, year):
    own = year["assessment_own"]
    client.force_login(county.user("wc_admin"))
    for data in ({"body": "a\x00b"}, {"body": "x" * 20001}, {"body": 12}, {"body": None},
                 {"body": "x", "number": "号" * 61}, [], "字符串"):
        r = call(client, "put", "assessment_feedback", data, pk=year["assessment_other"].pk)
        assert r.status_code == 422, (data, r.content)
    for data in ({"kind": "leading_group", "grade": "good", "reasons": "\x00"},
                 {"kind": "leading_group", "grade": "good", "reasons": "x", "person": 2**70},
                 {"kind": "党组", "grade": "good", "reasons": "x"}):
        assert call(client, "post", "assessment_judge", data, pk=own.pk).status_code == 422
    assert call(client, "get", "assessment_list", {"q": "\x00"}).status_code == 422
    assert call(client, "get", "assessment_observations", {"unit": "-1"}).status_code == 422
    r = client.post(f"/api/assessment/assessments/{own.pk}/hearings", "{not json",
                    content_type="application/json")
    assert r.status_code in (400, 422)
    kept = Feedback.objects.get(assessment=year["assessment_other"])
    assert kept.body == "现将考核情况反馈如下。"
