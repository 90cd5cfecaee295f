"""R1.2–R1.3 through the API: teams, 平时掌握, a department's records, 民主测评, scores,
judgements and the explanation of a grade. Only the department's team records, scores and
judges; an assessment out of the user's sight is a 404 and nothing changes."""

from __future__ import annotations

import pytest

from dangjian.assessment.models import (
    Assessment,
    Hearing,
    Interview,
    Judgement,
    Observation,
    SiteVisit,
    Team,
)
from dangjian.assessment.testing import assessed_year, staff_user
from dangjian.assessment.tests.apiclient import call, fields, traced
from dangjian.scoring.models import Score
from dangjian.scoring.selectors import leaves

pytestmark = [pytest.mark.req("X.3"), pytest.mark.today("2026-06-01")]


@pytest.fixture
def year(county):
    return assessed_year(county)


@pytest.mark.req("R1.3")
def test_lists_results_and_detail(county, client, year):
    own, other = year["assessment_own"], year["assessment_other"]
    client.force_login(county.user("county"))
    listed = call(client, "get", "assessment_list").json()
    assert listed["total"] == 2 and {a["id"] for a in listed["items"]} == {own.pk, other.pk}
    found = call(client, "get", "assessment_list", {"q": own.unit.name[1:3]}).json()
    assert [a["id"] for a in found["items"]] == [own.pk]
    results = call(client, "get", "assessment_results").json()["items"]
    by_id = {r["assessment_id"]: r for r in results}
    assert by_id[own.pk]["dept"]["final"] == "good"
    assert by_id[other.pk]["dept"]["final_label"] == "一般"
    assert by_id[own.pk]["dept"]["total"] is not None and by_id[own.pk]["leaders"]
    page = call(client, "get", "assessment_results", {"limit": 1, "offset": 1}).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    detail = call(client, "get", "assessment_detail", pk=own.pk).json()
    assert detail["unit_name"] == own.unit.name and detail["interview_count"] == 1
    assert detail["can_conduct"] is False and detail["can_interviews"] is False
    assert [h["reporter"] for h in detail["hearings"]] == ["党组书记"]
    assert detail["result"]["dept"]["final"] == "good"
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": 10**20}, {"team": "一"}):
        assert call(client, "get", "assessment_list", bad).status_code == 422
    # The department's own 党组书记 and its members read no assessment list.
    client.force_login(county.user("lg_secretary"))
    assert call(client, "get", "assessment_list").status_code == 403
    assert call(client, "get", "assessment_detail", pk=own.pk).status_code == 404


@pytest.mark.req("R1.2")
def test_team_records_and_others_are_refused(county, client, year):
    own, other = year["assessment_own"], year["assessment_other"]
    client.force_login(county.user("wc_admin"))
    before = traced()
    r = call(client, "post", "assessment_hearing_add",
             {"date": "2026-05-20", "reporter": "党组书记", "summary": "上半年汇报"}, pk=own.pk)
    assert r.status_code == 201 and r.json()["held_on"] == "2026-05-20"
    assert Hearing.objects.filter(assessment=own).count() == 2 and traced() == before + 1
    r = call(client, "post", "assessment_site_visit_add",
             {"checked": "党建阵地", "findings": "资料齐全"}, pk=own.pk)
    assert r.status_code == 201 and r.json()["visited_on"] == "2026-06-01"
    visit = call(client, "get", "assessment_site_visit", pk=r.json()["id"]).json()
    assert visit["can_edit"] is True and visit["attachments"] == []
    r = call(client, "post", "assessment_interviews",
             {"interviewee": "机关党委书记", "notes": "意见（保密）"}, pk=own.pk)
    assert r.status_code == 201
    notes = call(client, "get", "assessment_interviews", pk=own.pk).json()
    assert notes["total"] == 2 and "意见（保密）" in [i["notes"] for i in notes["items"]]
    # Bad input: the service's own messages, field by field; nothing written.
    before = traced()
    assert fields(call(client, "post", "assessment_hearing_add",
                       {"date": "2001-01-01", "reporter": "x", "summary": "y"}, pk=own.pk)) \
        == {"date": "日期应在2026年度考核期间且不晚于今天"}
    assert fields(call(client, "post", "assessment_hearing_add",
                       {"reporter": "  ", "summary": ""}, pk=own.pk)) \
        == {"reporter": "请填写汇报人", "summary": "请填写汇报要点"}
    assert set(fields(call(client, "post", "assessment_hearing_add",
                           {"date": "明天", "summary": "y"}, pk=own.pk))) == {"date", "reporter"}
    assert traced() == before and Hearing.objects.filter(assessment=own).count() == 2
    # Not on the other department's team: seen, not conducted (403 with the reason).
    r = call(client, "post", "assessment_hearing_add", {"reporter": "x", "summary": "y"},
             pk=other.pk)
    assert r.status_code == 403 and "考核组成员" in r.json()["detail"]
    assert call(client, "post", "assessment_poll_create", pk=other.pk).status_code == 403
    assert Hearing.objects.filter(assessment=other).count() == 1 and traced() == before
    # 组织部 reads the assessment but not the interview notes; a member sees nothing.
    client.force_login(county.user("org_dept"))
    r = call(client, "get", "assessment_interviews", pk=own.pk)
    assert r.status_code == 403 and r.json()["detail"] == "个别谈话记录仅限考核组和工委领导查阅"
    assert call(client, "post", "assessment_interviews", {"interviewee": "x", "notes": "y"},
                pk=own.pk).status_code == 403
    client.force_login(county.user("member"))
    r = call(client, "post", "assessment_hearing_add", {"reporter": "x", "summary": "y"},
             pk=own.pk)
    assert r.status_code == 404 and r.json()["detail"] == "记录不存在或不在您的权限范围内"
    r = call(client, "post", "assessment_site_visit_add", {"checked": "x", "findings": "y"},
             pk=own.pk)
    assert r.status_code == 404 and SiteVisit.objects.filter(assessment=own).count() == 2
    assert call(client, "get", "assessment_site_visit",
                pk=year["site_visit_own"].pk).status_code == 404
    assert Interview.objects.filter(assessment=own).count() == 2


@pytest.mark.req("R1.2", "R1.3")
def test_poll_scores_judgement_and_explanation(county, client, year):
    own, other = year["assessment_own"], year["assessment_other"]
    client.force_login(county.user("wc_admin"))
    r = call(client, "post", "assessment_poll_create", pk=own.pk)
    assert r.status_code == 201 and r.json()["box_id"]
    assert fields(call(client, "post", "assessment_poll_create", pk=own.pk)) == {
        "__all__": "该单位的民主测评已创建"}
    sheet = call(client, "get", "assessment_scores", kind="leading_group", person=0, pk=own.pk)
    assert sheet.status_code == 200
    rows = [row for row in sheet.json()["rows"] if row["is_leaf"]]
    assert all(row["value"] is not None for row in rows)  # scored by the fixture
    first = rows[0]
    r = call(client, "put", "assessment_scores", {"entries": [
        {"indicator": first["indicator_id"], "value": 0.5, "reason": "材料不全"},
        {"indicator": rows[1]["indicator_id"], "value": None}]},
        kind="leading_group", person=0, pk=own.pk)
    assert r.status_code == 200 and r.json() == {"saved": 1}
    score = Score.objects.get(indicator_id=first["indicator_id"], assessor=county.user(
        "wc_admin"), subject_key=f"body:{own.unit_id}")
    assert score.value == 0.5 and score.reason == "材料不全"
    # All or nothing: one bad entry and nothing is saved.
    bad = call(client, "put", "assessment_scores", {"entries": [
        {"indicator": first["indicator_id"], "value": 1, "reason": "改"},
        {"indicator": first["indicator_id"], "value": 9999, "reason": "超出"}]},
        kind="leading_group", person=0, pk=own.pk)
    assert bad.status_code == 422
    score.refresh_from_db()
    assert score.value == 0.5
    foreign = leaves(own.scheme.set_secretary)[0]
    assert fields(call(client, "put", "assessment_scores", {"entries": [
        {"indicator": foreign.pk, "value": 1}]}, kind="leading_group", person=0, pk=own.pk)) \
        == {"entries.0.indicator": "不是该考核对象的末级指标"}
    assert call(client, "get", "assessment_scores", kind="boss", person=0,
                pk=own.pk).status_code == 404
    assert call(client, "get", "assessment_scores", kind="secretary", person=999999,
                pk=own.pk).status_code == 404
    assert call(client, "put", "assessment_scores", {"entries": []}, kind="leading_group",
                person=0, pk=other.pk).status_code == 403
    leader = own.leaders.first()
    r = call(client, "get", "assessment_scores", kind=leader.kind, person=leader.person_id,
             pk=own.pk)
    assert r.status_code == 200 and r.json()["label"] == leader.person.name
    # The judgement: typed grade, reasons required, changes traced.
    assert set(fields(call(client, "post", "assessment_judge", {
        "kind": "leading_group", "grade": "excellent", "reasons": "x"}, pk=own.pk))) == {"grade"}
    assert fields(call(client, "post", "assessment_judge", {
        "kind": "leading_group", "grade": "fairly_good", "reasons": " "}, pk=own.pk)) == {
        "reasons": "请填写评价理由，没有理由的等次不能确定"}
    before = traced()
    r = call(client, "post", "assessment_judge", {
        "kind": "leading_group", "grade": "fairly_good", "reasons": "个别指标失分"}, pk=own.pk)
    assert r.status_code == 200 and r.json()["grade_label"] == "较好"
    assert Judgement.objects.get(assessment=own, kind="leading_group").grade == "fairly_good"
    assert traced() == before + 1
    r = call(client, "post", "assessment_judge", {
        "kind": "leading_group", "grade": "poor", "reasons": "x"}, pk=other.pk)
    assert r.status_code == 403
    assert Judgement.objects.get(assessment=other, kind="leading_group").grade == "average"
    r = call(client, "post", "assessment_judge", {
        "kind": "secretary", "person": 999999, "grade": "good", "reasons": "x"}, pk=own.pk)
    assert r.status_code == 404 and r.json()["detail"].startswith("所选考核对象")
    ex = call(client, "get", "assessment_explain", kind="leading_group", person=0, pk=own.pk)
    assert ex.status_code == 200
    body = ex.json()
    assert body["label"] == own.unit.name and body["judgement"]["grade"] == "fairly_good"
    assert first["code"] in body["movers"]
    assert any("材料不全" in reason for row in body["rows"] for reason in row["reasons"])


@pytest.mark.req("R1.2")
def test_teams_and_observations(county, client, year):
    staff = staff_user(county, "t_wc_staff")
    client.force_login(county.user("wc_admin"))
    teams = call(client, "get", "assessment_teams").json()
    assert teams["total"] == 2 and teams["items"][0]["units"][0]["unit_name"]
    unit = county.depts[1].unit
    Assessment.objects.filter(unit=unit).update(team=None)
    r = call(client, "post", "assessment_teams",
             {"name": "第三考核组", "leader": staff.pk, "units": [unit.pk]})
    assert r.status_code == 201, r.content.decode()
    team = Team.objects.get(pk=r.json()["id"])
    assert team.leader == staff and list(team.members.all()) == [staff]
    assert Assessment.objects.get(unit=unit, scheme=team.scheme).team == team
    before = Team.objects.count()
    member = county.user("member")
    r = call(client, "post", "assessment_teams", {"name": "x", "members": [member.pk]})
    assert r.status_code == 404 and r.json()["detail"].startswith("所选考核组成员")
    assert fields(call(client, "post", "assessment_teams", {"name": "x"})) == {
        "members": "请选择考核组成员"}
    assert fields(call(client, "post", "assessment_teams",
                       {"name": " ", "members": [staff.pk]})) == {"name": "请填写考核组名称"}
    assert call(client, "post", "assessment_teams", {"name": "x", "members": [staff.pk],
                                                     "units": [county.root.pk]}
                ).status_code == 404
    assert Team.objects.count() == before
    # Observations: logged and listed with the page's filter.
    r = call(client, "post", "assessment_observations",
             {"unit": unit.pk, "content": "学习笔记抽查合格"})
    assert r.status_code == 201 and r.json()["observed_on"] == "2026-06-01"
    listed = call(client, "get", "assessment_observations", {"q": "抽查"}).json()
    assert [o["content"] for o in listed["items"]] == ["学习笔记抽查合格"]
    assert call(client, "get", "assessment_observations",
                {"unit": unit.pk}).json()["total"] == 2
    assert fields(call(client, "post", "assessment_observations",
                       {"unit": unit.pk, "content": ""})) == {"content": "请填写情况"}
    assert call(client, "post", "assessment_observations",
                {"unit": county.depts[0].branches[0].pk, "content": "x"}).status_code == 404
    # 组织部 builds the system but does not organise the assessment.
    client.force_login(county.user("org_dept"))
    before = Observation.objects.count()
    assert call(client, "get", "assessment_teams").status_code == 403
    assert call(client, "post", "assessment_teams",
                {"name": "x", "members": [staff.pk]}).status_code == 403
    assert call(client, "post", "assessment_observations",
                {"unit": unit.pk, "content": "x"}).status_code == 403
    assert Observation.objects.count() == before and Team.objects.count() == 3


@pytest.mark.req("R1.3")
def test_lists_take_the_same_queries_for_more_departments(county, client, year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.assessment.services import assessment_ensure, team_create
    from dangjian.org.models import PostKind
    from dangjian.org.services import post_assign
    from dangjian.testing import START, _dept

    lists = ("assessment_list", "assessment_results", "assessment_teams",
             "assessment_observations")

    def queries() -> dict[str, int]:
        out = {}
        for name in lists:
            with CaptureQueriesContext(connection) as ctx:
                assert call(client, "get", name).status_code == 200
            out[name] = len(ctx)
        return out

    admin = county.user("wc_admin")
    client.force_login(admin)
    before = queries()
    for name in ("县民政局", "县交通局"):
        dept = _dept(county.root, name)
        for person, kind in ((dept.people[0], PostKind.LEADING_GROUP_SECRETARY),
                             (dept.people[1], PostKind.LEADING_GROUP_MEMBER)):
            post_assign(actor=None, person=person, body=dept.leading_group, kind=kind,
                        start=START, check_scope=False)
        scheme = year["assess_scheme"]
        assessment_ensure(actor=admin, scheme=scheme, unit=dept.unit)
        team_create(actor=admin, scheme=scheme, name=f"{name}考核组", leader=admin,
                    members=[admin], units=[dept.unit])
    assert call(client, "get", "assessment_list").json()["total"] == 4
    assert queries() == before
