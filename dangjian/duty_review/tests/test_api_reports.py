"""Reports through the API: the reporter writes and submits, each stage's reviewers approve or
send back, with the workflow's own checks and messages."""

import pytest

from dangjian.duty_review.models import ReportStatus, ReportStep, ReportVersion
from dangjian.duty_review.services.reports import report_sections
from dangjian.duty_review.testing import assignment_of
from dangjian.notify.models import Task
from dangjian.org.models import Role
from dangjian.trail.models import TrailEntry

API = "/api/duty-review"
JSON = "application/json"


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def _errors(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def _text(report, **extra):
    sections = {s.key: f"内容{s.key}" for s in report_sections(report)}
    sections.update(extra)
    return sections


def _unchanged(report):
    return (report.status, ReportVersion.objects.filter(report=report).count(),
            ReportStep.objects.filter(report=report).count(), TrailEntry.objects.count())


@pytest.mark.req("X.3", "R2.2", "R2.4")
def test_reporter_writes_saves_and_submits(county, plan, login):
    member = county.user(Role.MEMBER)
    report = assignment_of(plan, member.person).report
    client = login(member)
    mine = client.get(f"{API}/reports/mine").json()
    assert [r["id"] for r in mine["items"]] == [report.pk]
    url = f"{API}/reports/{report.pk}"
    detail = client.get(url).json()
    assert detail["can_edit"] is True and detail["can_review"] is False
    assert detail["sections"][0]["title"].startswith("一、个人学习宣传贯彻")
    assert detail["sections"][-1]["key"] == "problems" and detail["versions"] == []
    # Unknown sections, over-long text and incomplete submissions are refused as on the page.
    before = _unchanged(report)
    r = _post(client, f"{url}/save", {"sections": {"p9": "x"}})
    assert r.status_code == 422 and _errors(r)["__all__"] == "表单内容无效，请刷新页面后重新填写"
    r = _post(client, f"{url}/save", {"sections": {"p1": "长" * 20001}})
    assert r.status_code == 422 and _errors(r)["__all__"] == "每部分不超过20000字"
    r = _post(client, f"{url}/save", {"sections": ["p1"]})
    assert r.status_code == 422 and "sections" in _errors(r)
    r = _post(client, f"{url}/submit")
    assert r.status_code == 422 and _errors(r)["__all__"].startswith("以下部分尚未填写")
    assert _unchanged(report) == before
    r = _post(client, f"{url}/save", {"sections": _text(report, p3="")})
    assert r.status_code == 200 and r.json()["versions"][0]["number"] == 1
    assert r.json()["sections"][2]["text"] == ""
    r = _post(client, f"{url}/save", {"sections": _text(report), "submit": True})
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["status"] == ReportStatus.PRELIM and done["can_edit"] is False
    assert [v["number"] for v in done["versions"]] == [2, 1]
    assert done["steps"][0]["action"] == "submit" and done["steps"][0]["version"] == 2
    assert not Task.objects.filter(key=f"duty_review:report:{report.pk}", done_at__isnull=True
                                   ).exists()
    r = _post(client, f"{url}/save", {"sections": _text(report, p1="改")})
    assert r.status_code == 422 and "不能修改" in _errors(r)["__all__"]
    r = _post(client, f"{url}/submit")
    assert r.status_code == 422
    assert _errors(r)["__all__"] == "述职报告当前为“待基层党组织集体初审”，不能进行此操作"


@pytest.mark.req("X.3", "R2.4")
def test_review_chain_and_send_back(county, plan, login):
    member = county.user(Role.MEMBER)
    report = assignment_of(plan, member.person).report
    client = login(member)
    url = f"{API}/reports/{report.pk}"
    assert _post(client, f"{url}/save", {"sections": _text(report), "submit": True}
                 ).status_code == 200
    # The reporter cannot review their own report, nor a reader with no review duty.
    r = _post(client, f"{url}/approve")
    assert r.status_code == 403
    r = _post(login(county.user(Role.ORGANIZATION_DEPT)), f"{url}/approve")
    assert r.status_code == 403 and r.json()["detail"] == "当前环节不由您办理"
    secretary = login(county.user(Role.ORG_SECRETARY))
    queue = secretary.get(f"{API}/reports/queue").json()["items"]
    row = next(x for x in queue if x["id"] == report.pk)
    assert row["stage_label"] == "基层党组织集体初审"
    assert row["stage_body_id"] == county.depts[0].branches[0].pk
    assert secretary.get(url).json()["can_review"] is True
    r = _post(secretary, f"{url}/return", {"opinion": " "})
    assert r.status_code == 422 and _errors(r)["opinion"] == "退回时请填写修改意见"
    r = _post(secretary, f"{url}/return", {"opinion": "请补充具体事例"})
    assert r.status_code == 200 and r.json()["status"] == ReportStatus.RETURNED
    assert Task.objects.filter(assignee=member, key=f"duty_review:report:{report.pk}",
                               done_at__isnull=True).exists()
    client = login(member)
    assert client.get(url).json()["can_edit"] is True
    assert _post(client, f"{url}/submit").json()["status"] == ReportStatus.PRELIM
    for role, opinion, status in [
        (Role.ORG_SECRETARY, "", ReportStatus.LEADING_GROUP),
        (Role.LEADING_GROUP_SECRETARY, "同意报送", ReportStatus.WORK_COMMITTEE),
    ]:
        r = _post(login(county.user(role)), f"{url}/approve", {"opinion": opinion})
        assert r.status_code == 200 and r.json()["status"] == status, (role, r.content)
        # The branch's stage is over: its secretary can no longer act on the report.
        secretary = login(county.user(Role.ORG_SECRETARY))
        assert report.pk not in [x["id"] for x in
                                 secretary.get(f"{API}/reports/queue").json()["items"]]
        assert _post(secretary, f"{url}/approve").status_code == 403
    wc = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    r = _post(wc, f"{url}/approve", {})
    assert r.status_code == 422 and _errors(r)["opinion"] == "请填写工委审定意见"
    r = _post(wc, f"{url}/approve", {"opinion": "同意，按此述职"})
    assert r.status_code == 200
    final = r.json()
    assert final["status"] == ReportStatus.APPROVED
    assert final["approval_opinion"] == "同意，按此述职"
    assert [s["action"] for s in final["steps"]] == [
        "submit", "return", "submit", "approve", "approve", "approve"]
    assert [s["body_name"] for s in final["steps"]][3:] == [
        county.depts[0].branches[0].name, county.depts[0].leading_group.name,
        county.work_committee.name]
    assert final["steps"][1]["opinion"] == "请补充具体事例"
    r = _post(wc, f"{url}/approve", {"opinion": "再次"})
    assert r.status_code == 403


@pytest.mark.req("X.3", "R2.4", "R0.4")
def test_reports_out_of_scope_are_404_and_unchanged(county, plan, login):
    other = assignment_of(plan, county.depts[1].people[1]).report
    for role in (Role.ORG_SECRETARY, Role.LEADING_GROUP_SECRETARY, Role.MEMBER):
        client = login(county.user(role))
        before = _unchanged(other)
        url = f"{API}/reports/{other.pk}"
        assert client.get(url).status_code == 404
        for action in ("save", "submit", "approve", "return"):
            data = {"sections": {"p1": "x"}} if action == "save" else {"opinion": "x"}
            r = _post(client, f"{url}/{action}", data)
            assert r.status_code == 404, (role, action)
            assert r.json()["detail"] == "记录不存在或不在您的权限范围内"
        other.refresh_from_db()
        assert _unchanged(other) == before
    # In scope but not theirs: a reviewer cannot write someone's report.
    wc = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    r = _post(wc, f"{API}/reports/{other.pk}/save", {"sections": {"p1": "x"}})
    assert r.status_code == 403 and r.json()["detail"] == "只有述职人本人可以撰写述职报告"
    r = _post(wc, f"{API}/reports/{other.pk}/submit")
    assert r.status_code == 403 and r.json()["detail"] == "当前环节不由您办理"
    assert wc.get(f"{API}/reports/99999999999999999999").status_code == 404
    r = _post(wc, f"{API}/reports/{other.pk}/approve", {"opinion": 5})
    assert r.status_code == 422 and _errors(r)["opinion"] == "应为文本"
    # Only reviewers have a queue.
    assert login(county.user(Role.MEMBER)).get(f"{API}/reports/queue").status_code == 403
