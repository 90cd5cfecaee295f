"""Meetings through the API: arranging them, 点评/询问, results, 综合考评, the documents (the
same contents as the pages'), and the rectification plans."""

import io

import pytest
import time_machine
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.ballots.services import ballot_submit, box_close, box_open, codes_issue
from dangjian.documents.testing import zip_members
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE
from dangjian.duty_review.models import CountyEvaluation, Meeting, Remark
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import meeting_create, plan_create
from dangjian.duty_review.testing import assignment_of, fill
from dangjian.org.models import Role
from dangjian.rectification.models import Plan
from dangjian.testing import build_small_county
from dangjian.trail.models import TrailEntry

API = "/api/duty-review"
JSON = "application/json"


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def _errors(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def _vote(meeting, grades=("good", "good", "fairly_good")):
    assert meeting.box is not None
    box_open(actor=None, box=meeting.box, check_scope=False)
    candidates = list(meeting.box.candidates.all())
    for code, grade in zip(codes_issue(actor=None, box=meeting.box, count=len(grades),
                                       check_scope=False), grades, strict=True):
        ballot_submit(box_id=meeting.box.pk, code=code,
                      grades={str(c.pk): grade for c in candidates})
    box_close(actor=None, box=meeting.box, check_scope=False)


def _differing(a, b):
    """The members of two .docx/.xlsx files whose contents differ."""
    ma, mb = zip_members(a.content), zip_members(b.content)
    return sorted(n for n in ma.keys() | mb.keys() if ma.get(n) != mb.get(n))


def _lead_meeting(county, plan):
    return meeting_create(actor=None, plan=plan, upper_body=county.root, tier=Tier.LEADERSHIP,
                          held_on=plan.year.ends, check_scope=False)


@pytest.mark.req("X.3", "R2.5")
def test_chair_arranges_a_meeting_and_its_ballot_box(county, plan, login):
    client = login(county.user(Role.ORG_SECRETARY))
    branch = county.depts[0].branches[0]
    data = {"upper_body": branch.pk, "tier": "member", "form": "meeting",
            "held_on": f"{plan.year.year}-12-18", "place": "三楼会议室"}
    r = _post(client, f"{API}/plans/{plan.pk}/meetings", data)
    assert r.status_code == 201, r.content
    meeting = r.json()
    assert meeting["box_id"] and meeting["box_status"] == "draft" and meeting["is_chair"]
    member = county.user(Role.MEMBER).person
    assert [x["reporter_id"] for x in meeting["agenda"]] == [member.pk]
    assert meeting["title"] == f"{plan.year.year}年度{branch.name}党员述职评议会"
    # Nobody is left to arrange; the service says so.
    r = _post(client, f"{API}/plans/{plan.pk}/meetings", data)
    assert r.status_code == 422
    assert _errors(r)["__all__"] == f"{branch.name}没有待安排会议述职的述职人"
    # Another department's branch is not the secretary's to chair: 404, nothing made.
    before = (Meeting.objects.count(), TrailEntry.objects.count())
    for body in (county.depts[1].branches[0].pk, 2**40):
        r = _post(client, f"{API}/plans/{plan.pk}/meetings", {**data, "upper_body": body})
        assert r.status_code == 404
        assert r.json()["detail"] == "所选主持组织不存在或不在您的权限范围内"
    for bad, field in [({"tier": "all"}, "tier"), ({"held_on": "明天"}, "held_on"),
                       ({"held_on": None}, "held_on"), ({"place": "长" * 101}, "place")]:
        r = _post(client, f"{API}/plans/{plan.pk}/meetings", {**data, **bad})
        assert r.status_code == 422 and field in _errors(r), bad
    assert (Meeting.objects.count(), TrailEntry.objects.count()) == before
    # Readers without the meeting duty cannot arrange one.
    r = _post(login(county.user(Role.ORGANIZATION_DEPT)), f"{API}/plans/{plan.pk}/meetings", data)
    assert r.status_code == 403


@pytest.mark.req("X.3", "R2.5")
def test_meetings_wait_for_the_published_plan_and_can_pick_reporters(county, plan, login):
    client = login(county.user(Role.COUNTY_COMMITTEE))
    leads = [assignment_of(plan, d.people[0], Tier.LEADERSHIP) for d in county.depts]
    data = {"upper_body": county.root.pk, "tier": "leadership",
            "held_on": f"{plan.year.year}-12-28", "assignments": [leads[0].pk]}
    r = _post(client, f"{API}/plans/{plan.pk}/meetings", {**data, "assignments": [2**40]})
    assert r.status_code == 422 and "assignments" in _errors(r)
    r = _post(client, f"{API}/plans/{plan.pk}/meetings", {**data, "assignments": [2**70]})
    assert r.status_code == 422 and "assignments.0" in _errors(r)
    r = _post(client, f"{API}/plans/{plan.pk}/meetings", data)
    assert r.status_code == 201
    assert [x["assignment_id"] for x in r.json()["agenda"]] == [leads[0].pk]
    listed = client.get(f"{API}/meetings").json()
    assert [m["id"] for m in listed["items"]] == [r.json()["id"]]
    assert listed["items"][0]["agenda_count"] == 1


@pytest.mark.req("X.3", "R2.5")
def test_no_meeting_before_the_plan_is_published(county, login):
    from dangjian.cycles.services import year_ensure

    plan = plan_create(actor=None, year=year_ensure(year=2030), check_scope=False)
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    r = _post(client, f"{API}/plans/{plan.pk}/meetings", {
        "upper_body": county.root.pk, "tier": "leadership", "held_on": "2030-12-01"})
    assert r.status_code == 422
    assert _errors(r)["__all__"] == "工作方案印发后才能安排述职评议会"


@pytest.mark.req("X.3", "R2.6")
def test_remarks_are_recorded_by_the_chair_against_reporters_on_the_agenda(county, plan, login):
    meeting = _lead_meeting(county, plan)
    lead = assignment_of(plan, county.depts[0].people[0], Tier.LEADERSHIP)
    client = login(county.user(Role.COUNTY_COMMITTEE))
    url = f"{API}/meetings/{meeting.pk}/remarks"
    base = {"assignment": lead.pk, "kind": "question", "finding": "question",
            "speaker": "县委书记",
            "text": "如何抓好支部？"}
    r = _post(client, url, base)
    assert r.status_code == 422 and _errors(r)["answer"] == "请记录述职人对现场询问的回答"
    r = _post(client, url, {**base, "answer": "推进标准化"})
    assert r.status_code == 201 and r.json()["kind_label"] == "现场询问"
    r = _post(client, url, {**base, "kind": "comment", "speaker": " "})
    assert r.status_code == 422 and _errors(r)["speaker"] == "请填写点评（询问）人"
    # Someone not on this agenda, or nobody at all.
    member = assignment_of(plan, county.user(Role.MEMBER).person)
    r = _post(client, url, {**base, "assignment": member.pk, "answer": "x"})
    assert r.status_code == 422 and _errors(r)["__all__"] == "该述职人不在本次评议会议程中"
    r = _post(client, url, {**base, "assignment": 2**40, "answer": "x"})
    assert r.status_code == 404
    listed = client.get(url).json()
    assert listed["total"] == 1 and listed["items"][0]["answer"] == "推进标准化"
    detail = client.get(f"{API}/meetings/{meeting.pk}").json()
    row = next(x for x in detail["agenda"] if x["assignment_id"] == lead.pk)
    assert [x["text"] for x in row["remarks"]] == ["如何抓好支部？"]
    # Not the chair: readers may read, not record; out of scope is 404.
    before = (Remark.objects.count(), TrailEntry.objects.count())
    org_dept = login(county.user(Role.ORGANIZATION_DEPT))
    assert org_dept.get(url).status_code == 200
    r = _post(org_dept, url, {**base, "answer": "x"})
    assert r.status_code == 403
    lg = login(county.user(Role.LEADING_GROUP_SECRETARY))
    assert lg.get(f"{API}/meetings/{meeting.pk}").status_code == 404
    assert _post(lg, url, {**base, "answer": "x"}).status_code == 404
    assert (Remark.objects.count(), TrailEntry.objects.count()) == before


@pytest.mark.req("X.3", "R2.7", "R2.1")
def test_results_evaluation_and_the_documents(county, plan, login, client):
    meeting = _lead_meeting(county, plan)
    lead = assignment_of(plan, county.depts[0].people[0], Tier.LEADERSHIP)
    chair = login(county.user(Role.COUNTY_COMMITTEE))
    _post(chair, f"{API}/meetings/{meeting.pk}/remarks", {
        "assignment": lead.pk, "kind": "comment", "finding": "problem", "speaker": "县委书记",
        "text": "抓党建不够有力"})
    base = f"{API}/meetings/{meeting.pk}"
    # Before the close: no tallies, no documents, no evaluation.
    results = chair.get(f"{base}/results").json()
    assert results["closed"] is False and all(r["counts"] is None for r in results["rows"])
    for url in (f"{base}/tally.xlsx", f"{base}/notice.docx"):
        r = chair.get(url)
        assert r.status_code == 422 and _errors(r)["__all__"] == "测评结束后才能导出结果"
    r = chair.get(f"{API}/assignments/{lead.pk}/letter.docx")
    assert r.status_code == 422
    assert _errors(r)["__all__"] == "述职评议测评结束后才能生成意见反馈函"
    evaluate = f"{API}/assignments/{lead.pk}/evaluate"
    r = _post(chair, evaluate, {"grade": "good", "opinion": "成效明显"})
    assert r.status_code == 422 and _errors(r)["__all__"] == "测评结束后才能进行综合考评"
    _vote(meeting)
    results = chair.get(f"{base}/results").json()
    row = next(r for r in results["rows"] if r["assignment_id"] == lead.pk)
    assert row["counts"] == {"good": 2, "fairly_good": 1, "average": 0, "poor": 0}
    assert row["total"] == 3 and row["overall"] == "good" and row["overall_label"] == "好"
    assert results["audit"]["consistent"] is True and results["can_evaluate"] is True
    # 综合考评: 县委 only, a real grade and an opinion.
    before = CountyEvaluation.objects.count()
    assert _post(login(county.user(Role.WORK_COMMITTEE_ADMIN)), evaluate,
                 {"grade": "good", "opinion": "x"}).status_code == 403
    chair = login(county.user(Role.COUNTY_COMMITTEE))
    r = _post(chair, evaluate, {"grade": "excellent", "opinion": "x"})
    assert r.status_code == 422 and "grade" in _errors(r)
    r = _post(chair, evaluate, {"grade": "good", "opinion": " "})
    assert r.status_code == 422 and _errors(r)["opinion"] == "请填写考评意见"
    assert CountyEvaluation.objects.count() == before
    r = _post(chair, evaluate, {"grade": "good", "opinion": "成效明显"})
    assert r.status_code == 200 and r.json()["grade_label"] == "好"
    member_lead = assignment_of(plan, county.user(Role.MEMBER).person)
    r = _post(chair, f"{API}/assignments/{member_lead.pk}/evaluate",
              {"grade": "good", "opinion": "x"})
    assert r.status_code == 422
    assert _errors(r)["__all__"] == "综合考评只适用于向县委述职的工委和党组书记"
    # The documents: the very bytes the pages give, and what they say.
    frozen = timezone.now()  # both downloads at the same moment: the same dates inside
    for api_url, page_url, kind in [
        (f"{base}/tally.xlsx", f"/duty-review/meetings/{meeting.pk}/tally.xlsx", XLSX_TYPE),
        (f"{base}/notice.docx", f"/duty-review/meetings/{meeting.pk}/notice.docx", DOCX_TYPE),
        (f"{API}/assignments/{lead.pk}/letter.docx",
         f"/duty-review/assignments/{lead.pk}/letter.docx", DOCX_TYPE),
    ]:
        with time_machine.travel(frozen, tick=False):
            from_api, from_page = chair.get(api_url), chair.get(page_url)
        assert from_api.status_code == 200
        assert zip_members(from_api.content) == zip_members(from_page.content), (
            api_url, _differing(from_api, from_page))
        assert from_api["Content-Type"] == from_page["Content-Type"] == kind
        assert from_api["Content-Disposition"] == from_page["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(chair.get(f"{base}/tally.xlsx").content))["测评结果"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[lead.reporter.name][3] == 2 and rows[lead.reporter.name][-1] == "好"
    notice = Document(io.BytesIO(chair.get(f"{base}/notice.docx").content))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "收回测评票3张" in text and "评议结果" in text
    letter = Document(io.BytesIO(chair.get(f"{API}/assignments/{lead.pk}/letter.docx").content))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "抓党建不够有力" in text and "综合考评等次：好" in text
    # The reporter reads their own letter; another department's 党组书记 cannot.
    own = login(county.user(Role.LEADING_GROUP_SECRETARY))
    assert own.get(f"{API}/assignments/{lead.pk}/letter.docx").status_code == 200
    other = assignment_of(plan, county.depts[1].people[0], Tier.LEADERSHIP)
    assert own.get(f"{API}/assignments/{other.pk}/letter.docx").status_code == 404


@pytest.mark.req("X.3", "R2.8")
def test_rectification_plans_after_the_meeting(county, plan, login):
    branch = county.depts[0].branches[0]
    member = assignment_of(plan, county.user(Role.MEMBER).person)
    fill(member.report, problems="学习不够深入\n联系群众不够")
    meeting = meeting_create(actor=None, plan=plan, upper_body=branch, tier=Tier.MEMBER,
                             held_on=plan.year.ends, check_scope=False)
    client = login(county.user(Role.ORG_SECRETARY))
    _post(client, f"{API}/meetings/{meeting.pk}/remarks", {
        "assignment": member.pk, "kind": "comment", "finding": "problem", "speaker": "支部书记",
        "text": "发挥作用不明显"})
    url = f"{API}/meetings/{meeting.pk}/rectify"
    r = _post(client, url)
    assert r.status_code == 422 and _errors(r)["__all__"] == "测评结束后才能生成整改方案"
    _vote(meeting, ("good",))
    r = _post(client, url, {"deadline": f"{plan.year.year + 1}-06-30"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["meeting"]["rectification_at"] and len(out["plans"]) == 1
    assert out["plans"][0]["items"] == 3 and out["plans"][0]["owner_person_name"] == (
        member.reporter.name)
    rect = Plan.objects.get(pk=out["plans"][0]["id"])
    assert sorted(i.origin for i in rect.items.all()) == [
        "述职报告所列问题", "述职报告所列问题", "述职评议会点评"]
    # Again: the same plans, nothing added.
    again = _post(client, url).json()
    assert [p["id"] for p in again["plans"]] == [rect.pk] and again["plans"][0]["items"] == 3
    results = client.get(f"{API}/meetings/{meeting.pk}/results").json()
    assert results["rows"][0]["rectification_plan_id"] == rect.pk
    # Not the chair (another branch's meeting), or not in scope: refused, nothing made.
    other = meeting_create(actor=None, plan=plan, upper_body=county.depts[1].branches[0],
                           tier=Tier.MEMBER, held_on=plan.year.ends, check_scope=False)
    _vote(other, ("good",))
    before = (Plan.objects.count(), TrailEntry.objects.count())
    assert _post(client, f"{API}/meetings/{other.pk}/rectify").status_code == 404
    assert _post(login(county.user(Role.ORGANIZATION_DEPT)),
                 f"{API}/meetings/{other.pk}/rectify").status_code == 403
    r = _post(login(county.user(Role.WORK_COMMITTEE_ADMIN)),
              f"{API}/meetings/{other.pk}/rectify", {"deadline": "2026-02-30"})
    assert r.status_code == 422 and "deadline" in _errors(r)
    assert (Plan.objects.count(), TrailEntry.objects.count()) == before


@pytest.mark.req("X.3", "R2.5", "R0.4")
def test_meeting_reads_are_scoped(county, plan, login):
    own = meeting_create(actor=None, plan=plan, upper_body=county.depts[0].branches[0],
                         tier=Tier.MEMBER, held_on=plan.year.ends, check_scope=False)
    other = meeting_create(actor=None, plan=plan, upper_body=county.depts[1].branches[0],
                           tier=Tier.MEMBER, held_on=plan.year.ends, check_scope=False)
    client = login(county.user(Role.ORG_SECRETARY))
    assert [m["id"] for m in client.get(f"{API}/meetings").json()["items"]] == [own.pk]
    for suffix in ("", "/remarks", "/results", "/tally.xlsx", "/notice.docx"):
        assert client.get(f"{API}/meetings/{other.pk}{suffix}").status_code == 404, suffix
        assert client.get(f"{API}/meetings/99999999999999999999{suffix}").status_code == 404
    wc = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    assert {m["id"] for m in wc.get(f"{API}/meetings").json()["items"]} == {own.pk, other.pk}
    assert login(county.user(Role.MEMBER)).get(f"{API}/meetings").status_code == 403
    # A 工委 administrator of another county sees none of them.
    elsewhere = build_small_county("邻县")
    outsider = login(elsewhere.admin)
    assert outsider.get(f"{API}/meetings/{own.pk}").status_code == 404
