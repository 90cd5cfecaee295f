"""/api/me, /api/workbench, /api/changes."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.notify.services import task_close, task_open
from dangjian.org.models import Role
from dangjian.org.services import person_update


@pytest.mark.req("X.3", "R0.4")
def test_me_lists_roles_with_their_scope_and_the_person(county, login):
    user = county.user(Role.ORG_SECRETARY)
    data = login(user).get("/api/me").json()
    branch = county.depts[0].branches[0]
    assert data["username"] == user.username
    assert data["person_id"] == user.person.pk
    assert data["roles"] == [{"role": "org_secretary", "role_label": "党组织书记",
                              "body_id": branch.pk, "body_name": branch.name,
                              "recursive": True}]
    assert "org.edit" in data["perms"] and "org.structure" not in data["perms"]
    admin = login(county.user(Role.WORK_COMMITTEE_ADMIN)).get("/api/me").json()
    assert admin["person_id"] is None
    assert admin["roles"][0]["body_id"] == county.root.pk
    assert "org.structure" in admin["perms"]


@pytest.mark.req("X.3", "R0.10")
def test_workbench_lists_only_my_open_tasks_with_urgency(county, login):
    user, other = county.user(Role.ORG_SECRETARY), county.user(Role.MEMBER)
    now = timezone.now()
    task_open(assignee=user, key="a", module="assessment", title="提交年度考核材料",
              due_at=now - dt.timedelta(days=1))
    task_open(assignee=user, key="b", module="duty_review", title="提交述职报告",
              due_at=now + dt.timedelta(days=2))
    task_open(assignee=user, key="c", module="duty_review", title="已完成的事项")
    task_close(key="c", assignee=user)
    task_open(assignee=other, key="d", module="x", title="别人的事项")
    tasks = login(user).get("/api/workbench").json()
    assert [(t["title"], t["urgency"]) for t in tasks] == [
        ("提交年度考核材料", "overdue"), ("提交述职报告", "soon")]
    assert [t["title"] for t in login(other).get("/api/workbench").json()] == ["别人的事项"]


@pytest.mark.req("X.3", "R0.7", "R0.4")
def test_changes_are_scoped_and_need_trace_permission(county, login):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    other = county.depts[1].people[0]
    person_update(actor=admin, person=other, phone="13800000000")
    page = login(admin).get("/api/changes?subject_type=org.person&limit=1").json()
    assert page["total"] == 13  # 12 created + 1 update, newest first
    latest = page["items"][0]
    assert latest["action"] == "update" and latest["action_label"] == "修改"
    assert latest["subject_id"] == str(other.pk) and latest["after"] == {"联系电话": "13800000000"}
    secretary = login(county.user(Role.ORG_SECRETARY))
    page = secretary.get(f"/api/changes?subject_type=org.person&subject_id={other.pk}").json()
    assert page["total"] == 0
    assert secretary.get("/api/changes").json()["total"] > 0
    for role in (Role.CIVILIZATION_OFFICE, Role.MEMBER, Role.DISCIPLINE_MEMBER):
        assert login(county.user(role)).get("/api/changes").status_code == 403
