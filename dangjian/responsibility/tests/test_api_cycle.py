"""One 两个责任 list through its whole year through the API alone: the window, the draft from
the policy, an own measure, the responsible persons, handing in, sent back, handed in again,
accepted, duty records with evidence and a correction, supervision, the annual evaluation and
commendation, the 纪实 report with its checkpoint, the background verification."""

import base64
import io

import pytest
from docx import Document

from dangjian.cycles.services import year_ensure
from dangjian.jobs.execution import execute
from dangjian.jobs.models import Job, JobState
from dangjian.responsibility.models import DutyRecord, ListStatus
from dangjian.testing import TINY_PNG
from dangjian.trail.models import Checkpoint

API = "/api/responsibility"
JSON = "application/json"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])


@pytest.mark.req("X.3", "R3.1", "R3.2", "R3.3", "R3.4", "R3.6")
@pytest.mark.today("2026-06-01")
def test_a_list_through_its_whole_year_through_the_api(county, login):
    year_ensure(year=2026, make_current=True)
    dept = county.depts[0]
    body, responsible = dept.committee, dept.people[1]

    wc = login(county.user("wc_admin"))
    response = post(wc, f"{API}/window", {"year": 2026, "opens": "2026-01-01",
                                          "closes": "2026-06-30"})
    assert response.status_code == 200, response.content
    assert response.json()["closes_at"].startswith("2026-06-30T23:59:59")

    owner = login(county.user("lg_secretary"))
    drafted = post(owner, f"{API}/orgs/{body.pk}/start", {"year": 2026}).json()
    assert drafted["status"] == "draft" and len(drafted["items"]) == 5
    assert drafted["can_submit"] and not drafted["can_review"]
    list_id = drafted["id"]

    own = post(owner, f"{API}/lists/{list_id}/items", {
        "content": "党建品牌创建", "targets": "形成1个品牌", "measures": "每季度推进",
        "deadline": "2026-12-31", "responsible": responsible.pk})
    assert own.status_code == 201 and own.json()["is_own"]

    # Handing in with items that name nobody responsible: refused, the service's message.
    refused = post(owner, f"{API}/lists/{list_id}/submit")
    assert refused.status_code == 422
    assert "未明确责任人" in refused.json()["detail"][0]["message"]
    for item in drafted["items"]:
        updated = owner.put(f"{API}/items/{item['id']}", {
            "content": item["content"], "targets": item["targets"],
            "measures": item["measures"], "deadline": item["deadline"],
            "responsible": responsible.pk}, content_type=JSON)
        assert updated.status_code == 200 and updated.json()["responsible_id"] == responsible.pk
    submitted = post(owner, f"{API}/lists/{list_id}/submit").json()
    assert submitted["status"] == "submitted" and submitted["submitted_late"] is False

    wc = login(county.user("wc_admin"))
    blank = post(wc, f"{API}/lists/{list_id}/return", {"opinion": " "})
    assert blank.status_code == 422
    assert blank.json()["detail"] == [{"field": "opinion", "message": "退回时请填写修改意见"}]
    returned = post(wc, f"{API}/lists/{list_id}/return", {"opinion": "措施需量化"}).json()
    assert returned["status"] == "returned" and returned["review_opinion"] == "措施需量化"

    owner = login(county.user("lg_secretary"))
    assert post(owner, f"{API}/lists/{list_id}/submit").json()["status"] == "submitted"
    wc = login(county.user("wc_admin"))
    accepted = post(wc, f"{API}/lists/{list_id}/accept", {"opinion": "同意"}).json()
    assert accepted["status"] == "accepted"
    assert [r["status_to"] for r in accepted["reviews"]] == [
        "submitted", "returned", "submitted", "accepted"]

    # The responsible person records every item done, with a photo on the first record.
    person = login(county.user("org_secretary"))
    mine = person.get(f"{API}/mine", {"year": 2026}).json()
    assert mine["total"] == 6
    record_ids = []
    for n, item in enumerate(mine["items"]):
        files = [{"name": "会议照片.png", "data": base64.b64encode(TINY_PNG).decode()}] \
            if n == 0 else []
        made = post(person, f"{API}/items/{item['id']}/records", {
            "summary": f"完成第{item['order']}项", "occurred_on": "2026-05-20",
            "progress": 100, "files": files})
        assert made.status_code == 201, made.content
        record_ids.append(made.json()["id"])
    first = person.get(f"{API}/records/{record_ids[0]}").json()
    assert first["matches"] is True and first["entry"]["seq"] == first["chain_seq"]
    assert first["attachments"][0]["name"] == "会议照片.png"
    # A correction is a new record; the old one stays, and says it was corrected.
    fix = post(person, f"{API}/items/{first['item_id']}/records", {
        "summary": "更正：完成第1项（补充参会人数）", "occurred_on": "2026-05-20",
        "progress": 100, "corrects": first["id"]})
    assert fix.status_code == 201 and fix.json()["corrects_id"] == first["id"]
    again = person.get(f"{API}/records/{first['id']}").json()
    assert [c["id"] for c in again["corrections"]] == [fix.json()["id"]]
    assert DutyRecord.objects.filter(body=body).count() == 7

    # 县纪委: supervision, the annual evaluation and praise, their documents.
    jiwei = login(county.user("discipline"))
    assert post(jiwei, f"{API}/orgs/{body.pk}/notes", {
        "year": 2026, "content": "检查台账，纪实规范", "noted_on": "2026-05-25"}).status_code == 201
    evaluation = post(jiwei, f"{API}/orgs/{body.pk}/evaluation", {
        "year": 2026, "grade": "good", "opinion": "履责到位，台账规范"})
    assert evaluation.status_code == 200 and evaluation.json()["grade_label"] == "好"
    praise = post(jiwei, f"{API}/orgs/{body.pk}/commendations",
                  {"year": 2026, "reason": "纪实规范，成效突出"})
    assert praise.status_code == 201
    opinion = jiwei.get(f"{API}/evaluations/{evaluation.json()['id']}/opinion.docx")
    assert "考评等次为“好”" in docx_text(opinion.content)
    notice = jiwei.get(f"{API}/commendations/{praise.json()['id']}/notice.docx")
    assert "纪实规范，成效突出" in docx_text(notice.content)

    # The year's 纪实 report, with a checkpoint of the chain printed on it.
    report = jiwei.get(f"{API}/orgs/{body.pk}/report.docx",
                       {"year": 2026, "start": "2026-01-01", "end": "2026-05-31"})
    assert report.status_code == 200
    checkpoint = Checkpoint.objects.get(chain=f"duty:{body.pk}")
    assert checkpoint.seq == 7 and checkpoint.code in docx_text(report.content)
    matched = post(jiwei, f"{API}/chains/check", {"code": checkpoint.code}).json()
    assert matched["ok"] is True

    # The complete verification: the page's background job, run as the worker runs it.
    job = post(jiwei, f"{API}/chains/verify", {"files": True})
    assert job.status_code == 202 and job.json()["kind"] == "trail.verify"
    execute(job.json()["id"])
    done = Job.objects.get(pk=job.json()["id"])
    assert done.state == JobState.DONE and done.result["ok"] is True

    overview = wc.get(f"{API}/overview", {"year": 2026, "kind": "primary"}).json()
    row = next(r for r in overview["items"] if r["body_id"] == body.pk)
    assert (row["status"], row["completion"], row["grade"], row["late"]) == (
        ListStatus.ACCEPTED, 100, "好", False)
