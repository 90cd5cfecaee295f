"""The plan and its reporters through the API: the page's services and checks, 4xx never 500."""

import pytest

from dangjian.cycles.services import year_ensure
from dangjian.duty_review.models import Assignment, DutyReport, PlanStatus, ReviewPlan
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import report_transition
from dangjian.duty_review.testing import assignment_of, fill
from dangjian.notify.models import Task
from dangjian.org.models import Role
from dangjian.testing import build_small_county
from dangjian.trail.models import TrailEntry

API = "/api/duty-review"
JSON = "application/json"
NOT_FOUND = "记录不存在或不在您的权限范围内"


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def _patch(client, url, data):
    return client.patch(url, data, content_type=JSON)


def _errors(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def _state():
    return (ReviewPlan.objects.count(), Assignment.objects.count(), TrailEntry.objects.count())


@pytest.mark.req("X.3", "R2.3", "R2.1")
def test_work_committee_makes_generates_and_publishes_the_plan(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    current = client.get(f"{API}/plans/current").json()
    assert current["plan"] is None and current["can_plan"] is True
    r = _post(client, f"{API}/plans", {"report_deadline": f"{current['year']}-11-20"})
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["status"] == "draft" and plan["report_deadline"].endswith("-11-20")
    assert plan["rule_kind"] == "threshold" and "好" in plan["rule_text"]
    # One plan per year, with the service's message.
    again = _post(client, f"{API}/plans", {})
    assert again.status_code == 422
    assert "的述职评议工作方案已存在" in _errors(again)["__all__"]
    # Publishing before any reporter exists is refused.
    r = _post(client, f"{API}/plans/{plan['id']}/publish")
    assert r.status_code == 422 and "请先生成或添加述职对象" in _errors(r)["__all__"]
    r = _post(client, f"{API}/plans/{plan['id']}/generate")
    assert r.status_code == 200 and r.json()["created"] == Assignment.objects.count() > 0
    assert _post(client, f"{API}/plans/{plan['id']}/generate").json()["created"] == 0
    r = _post(client, f"{API}/plans/{plan['id']}/publish")
    assert r.status_code == 200 and r.json()["status"] == PlanStatus.PUBLISHED
    assert DutyReport.objects.count() == Assignment.objects.count()
    member = county.user(Role.MEMBER)
    assert Task.objects.filter(assignee=member, key__startswith="duty_review:report:").exists()
    assert client.get(f"{API}/plans/current").json()["plan"]["id"] == plan["id"]
    listed = client.get(f"{API}/plans").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == plan["id"]
    r = _post(client, f"{API}/plans/{plan['id']}/publish")
    assert r.status_code == 422 and _errors(r)["__all__"] == "工作方案已印发"


@pytest.mark.req("X.3", "R2.3")
@pytest.mark.parametrize("role", [Role.LEADING_GROUP_SECRETARY, Role.ORG_SECRETARY,
                                  Role.COUNTY_COMMITTEE, Role.MEMBER])
def test_only_the_work_committee_writes_the_plan(county, plan, login, role):
    client = login(county.user(role))
    before = _state()
    assert _post(client, f"{API}/plans", {"year_id": year_ensure(year=2090).pk}
                 ).status_code == 403
    for url in (f"{API}/plans/{plan.pk}/generate", f"{API}/plans/{plan.pk}/publish"):
        assert _post(client, url).status_code == 403
    assert _patch(client, f"{API}/plans/{plan.pk}", {"notes": "改"}).status_code == 403
    a = assignment_of(plan, county.user(Role.MEMBER).person)
    r = _post(client, f"{API}/plans/{plan.pk}/assignments",
              {"tier": "party_org", "reporter": a.reporter_id, "reporter_body": a.reporter_body_id})
    assert r.status_code == 403
    for url in (f"{API}/assignments/{a.pk}/remove",):
        assert _post(client, url, {"reason": "调离"}).status_code in (403, 404)
    assert _patch(client, f"{API}/assignments/{a.pk}", {"form": "written"}
                  ).status_code in (403, 404)
    assert _state() == before
    plan.refresh_from_db()
    a.refresh_from_db()
    assert plan.notes == "" and a.active and a.form == "meeting"


@pytest.mark.req("X.3", "R2.3")
def test_plan_edit_changes_only_what_is_sent_and_names_bad_fields(county, plan, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    url = f"{API}/plans/{plan.pk}"
    y = plan.year.year
    r = _patch(client, url, {"rule": "plurality", "meetings_from": f"{y}-12-10",
                             "meetings_to": f"{y}-12-20"})
    assert r.status_code == 200, r.content
    assert r.json()["rule"] == {"kind": "plurality"} and r.json()["title"] == plan.title
    plan.refresh_from_db()
    assert plan.rule == {"kind": "plurality"} and str(plan.meetings_to) == f"{y}-12-20"
    traced = TrailEntry.objects.count()
    for data, field, message in [
        ({"meetings_to": f"{y}-12-01"}, "meetings_to", "评议会结束日期不能早于开始日期"),
        ({"report_deadline": f"{y - 3}-01-01"}, "report_deadline", "报告截止日期应在本年度内"),
        ({"report_deadline": f"{y}-13-01"}, "report_deadline", "日期格式应为 YYYY-MM-DD"),
        ({"rule": "lottery"}, "rule", "不是有效的选项"),
        ({"colour": "red"}, "colour", "不支持此字段"),
        ({"title": "长" * 201}, "title", "不能超过200个字符"),
        ({"rule": "😀\u202e"}, "rule", "不是有效的选项"),
        ({"report_deadline": 20261201}, "report_deadline", "日期格式应为 YYYY-MM-DD"),
    ]:
        r = _patch(client, url, data)
        assert r.status_code == 422, data
        assert _errors(r)[field].startswith(message), (data, r.json())
    assert TrailEntry.objects.count() == traced
    # Clearing a date is sending null.
    r = _patch(client, url, {"meetings_from": None, "meetings_to": None})
    assert r.json()["meetings_from"] is None


@pytest.mark.req("X.3", "R2.3")
@pytest.mark.today("2026-06-15")
def test_plan_detail_shows_progress_late_reports_and_meetings(county, plan, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    a = assignment_of(plan, county.user(Role.MEMBER).person)
    r = _patch(client, f"{API}/assignments/{a.pk}", {"deadline": f"{plan.year.starts}"})
    assert r.status_code == 200 and r.json()["deadline"] == str(plan.year.starts)
    detail = client.get(f"{API}/plans/{plan.pk}").json()
    assert detail["title"] == plan.title and detail["can_plan"] is True
    members = next(s for s in detail["summary"] if s["tier"] == Tier.MEMBER)
    assert members["counts"] == {"draft": members["total"]} and members["total"] > 0
    assert [x["report_id"] for x in detail["late"]] == [a.report.pk]
    assert detail["meetings"] == []


@pytest.mark.req("X.3", "R2.3", "R0.4")
def test_reads_are_scoped_and_missing_or_out_of_scope_is_404(county, plan, login):
    client = login(county.user(Role.ORG_SECRETARY))
    page = client.get(f"{API}/plans/{plan.pk}/assignments").json()
    a = county.depts[0]
    # The branch's member and its secretary (who reports to 工委 as secretary).
    assert {(x["reporter_id"], x["tier"]) for x in page["items"]} == {
        (a.people[2].pk, Tier.MEMBER), (a.people[1].pk, Tier.PARTY_ORG)}
    other = assignment_of(plan, county.depts[1].people[1])
    r = client.get(f"{API}/assignments/{other.pk}")
    assert r.status_code == 404 and r.json()["detail"] == NOT_FOUND
    for url in (f"{API}/plans/999999", f"{API}/plans/99999999999999999999",
                f"{API}/assignments/99999999999999999999"):
        assert client.get(url).status_code == 404, url
    member = login(county.user(Role.MEMBER))
    assert member.get(f"{API}/plans/{plan.pk}").status_code == 403
    assert member.get(f"{API}/plans/{plan.pk}/assignments").status_code == 403
    own = assignment_of(plan, county.user(Role.MEMBER).person)
    assert member.get(f"{API}/assignments/{own.pk}").json()["report_id"] == own.report.pk


@pytest.mark.req("X.3", "R2.3")
def test_assignment_filter_is_shared_by_page_and_api(county, plan, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    name = county.depts[1].people[4].name
    api = client.get(f"{API}/plans/{plan.pk}/assignments", {"tier": "member", "q": name}).json()
    assert [x["reporter_name"] for x in api["items"]] == [name]
    page = client.get(f"/duty-review/plans/{plan.pk}/", {"tier": "member", "q": name})
    assert [a.reporter.name for a in page.context["page"]] == [name]
    leaders = client.get(f"{API}/plans/{plan.pk}/assignments?tier=leadership").json()
    assert {x["tier"] for x in leaders["items"]} == {"leadership"} and leaders["total"] == 2
    # An empty select box is "any"; a bad value is a 422 (the page just ignores it).
    assert client.get(f"{API}/plans/{plan.pk}/assignments?tier=").json()["total"] > 2
    r = client.get(f"{API}/plans/{plan.pk}/assignments?tier=boss")
    assert r.status_code == 422 and "tier" in _errors(r)
    page = client.get(f"/duty-review/plans/{plan.pk}/?tier=boss")
    assert page.status_code == 200 and "筛选条件“述职层级”的值无效，已忽略" in page.content.decode()
    r = client.get(f"{API}/plans/{plan.pk}/assignments?limit=0")
    assert r.status_code == 422 and "limit" in _errors(r)
    r = client.get(f"{API}/plans/{plan.pk}/assignments?offset=99999999999999999999")
    assert r.status_code == 422


@pytest.mark.req("X.3", "R2.3")
def test_add_edit_and_remove_a_reporter(county, plan, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    person = county.depts[0].people[0]
    body = county.depts[0].branches[0]
    data = {"tier": "party_org", "reporter": person.pk, "reporter_body": body.pk}
    r = _post(client, f"{API}/plans/{plan.pk}/assignments", data)
    assert r.status_code == 201, r.content
    added = r.json()
    assert added["upper_body_id"] == county.work_committee.pk and added["report_id"]
    r = _post(client, f"{API}/plans/{plan.pk}/assignments", data)
    assert r.status_code == 422 and "已在该层级的述职对象中" in _errors(r)["__all__"]
    # People and bodies outside the caller's scope are as unknown as missing ones.
    elsewhere = build_small_county("邻县")
    before = _state()
    for extra, label in [({"reporter": elsewhere.depts[0].people[0].pk}, "述职人"),
                         ({"reporter": 2**40}, "述职人"),
                         ({"reporter_body": elsewhere.depts[0].branches[0].pk}, "述职人所在组织")]:
        r = _post(client, f"{API}/plans/{plan.pk}/assignments",
                  {**data, "tier": "member", **extra})
        assert r.status_code == 404, extra
        assert r.json()["detail"] == f"所选{label}不存在或不在您的权限范围内"
    r = _post(client, f"{API}/plans/{plan.pk}/assignments", {**data, "tier": "boss"})
    assert r.status_code == 422 and "tier" in _errors(r)
    assert _state() == before
    url = f"{API}/assignments/{added['id']}"
    r = _patch(client, url, {"form": "written"})
    assert r.json()["form"] == "written" and r.json()["deadline"] == added["deadline"]
    r = _patch(client, url, {"deadline": f"{plan.year.year - 1}-12-31"})
    assert r.status_code == 422 and _errors(r)["deadline"] == "截止日期不能早于本年度"
    r = _post(client, f"{url}/remove", {"reason": "  "})
    assert r.status_code == 422 and _errors(r)["reason"] == "请填写移出原因"
    r = _post(client, f"{url}/remove", {})
    assert r.status_code == 422 and _errors(r)["reason"] == "此项为必填项"
    r = _post(client, f"{url}/remove", {"reason": "已调离"})
    assert r.status_code == 200 and r.json()["active"] is False
    entry = TrailEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.note == "已调离"


@pytest.mark.req("X.3", "R2.3")
def test_a_submitted_reporter_cannot_be_removed(county, plan, login):
    a = assignment_of(plan, county.user(Role.MEMBER).person)
    fill(a.report)
    report_transition(actor=None, report=a.report, action="submit", check_scope=False)
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    r = _post(client, f"{API}/assignments/{a.pk}/remove", {"reason": "调离"})
    assert r.status_code == 422 and _errors(r)["__all__"] == "该述职人的报告已报送，不能移出"
    a.refresh_from_db()
    assert a.active is True
    # Out of scope for a 党组书记: the other department's reporter, 404 and unchanged.
    other = assignment_of(plan, county.depts[1].people[1])
    lg = login(county.user(Role.LEADING_GROUP_SECRETARY))
    r = _patch(lg, f"{API}/assignments/{other.pk}", {"form": "written"})
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.form == "meeting"
