import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.cycles.services import year_ensure
from dangjian.notify.models import Task
from dangjian.org.models import Role
from dangjian.rectification.models import ItemStatus, Progress
from dangjian.rectification.selectors import overdue_items, plan_list, previous_year_items
from dangjian.rectification.services import (
    item_add,
    item_plan,
    item_progress,
    item_submit,
    item_verify,
    plan_carry_forward,
    plan_create,
)
from dangjian.trail.models import TrailEntry


@pytest.fixture
def setup(county):
    year = year_ensure(year=timezone.localdate().year, make_current=True)
    dept = county.depts[0]
    member = county.user(Role.MEMBER)
    plan = plan_create(actor=None, year=year, source="duty_review", source_ref="meeting:1",
                       title="述职整改方案", owner_body=dept.branches[0],
                       owner_person=member.person, verifier_body=dept.branches[0],
                       check_scope=False)
    return county, year, plan, member


def test_plan_create_is_idempotent_per_source(setup):
    _county, year, plan, member = setup
    again = plan_create(actor=None, year=year, source="duty_review", source_ref="meeting:1",
                        title="x", owner_body=plan.owner_body, owner_person=member.person,
                        verifier_body=plan.verifier_body, check_scope=False)
    assert again == plan


def test_full_cycle_owner_progress_verifier_closes(setup):
    county, year, plan, member = setup
    secretary = county.user(Role.ORG_SECRETARY)
    item = item_add(actor=secretary, plan=plan, problem="点评：学习笔记不全", origin="点评",
                    deadline=year.ends)
    # The owner (the member themselves) plans and reports.
    item_plan(actor=member, item=item, measures="每周补记学习笔记", deadline=year.ends, owner=None)
    item_progress(actor=member, item=item, note="已补记三周")
    item_submit(actor=member, item=item, note="已全部补齐")
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED
    # The member cannot verify their own item.
    with pytest.raises(PermissionDenied):
        item_verify(actor=member, item=item, accept=True, note="自己验收")
    item_verify(actor=secretary, item=item, accept=False, note="笔记质量不高，继续整改")
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS and item.verification.startswith("笔记质量")
    item_submit(actor=member, item=item, note="已重新整理")
    item_verify(actor=secretary, item=item, accept=True, note="同意销号")
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED and item.closed_at is not None
    steps = list(Progress.objects.filter(item=item).values_list("status_to", flat=True))
    assert steps == ["in_progress", "submitted", "in_progress", "submitted", "closed"]
    assert TrailEntry.objects.filter(subject_type="rectification.item",
                                     subject_id=str(item.pk)).count() == 7


def test_illegal_transition_and_empty_note_change_nothing(setup):
    county, year, plan, member = setup
    item = item_add(actor=None, plan=plan, problem="问题", deadline=year.ends, check_scope=False)
    secretary = county.user(Role.ORG_SECRETARY)
    with pytest.raises(ValidationError):
        item_verify(actor=secretary, item=item, accept=True, note="未提交就销号")
    with pytest.raises(ValidationError):
        item_progress(actor=member, item=item, note="   ")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and not Progress.objects.exists()


def test_outsider_cannot_touch_another_departments_plan(setup):
    county, year, plan, _member = setup
    other_secretary_like = county.user(Role.LEADING_GROUP_SECRETARY)  # dept 0: in scope
    outsider = county.user(Role.DISCIPLINE_MEMBER)  # no rectification rights
    item = item_add(actor=other_secretary_like, plan=plan, problem="问题", deadline=year.ends)
    with pytest.raises(PermissionDenied):
        item_progress(actor=outsider, item=item, note="越权")
    with pytest.raises(PermissionDenied):
        item_add(actor=outsider, plan=plan, problem="越权", deadline=year.ends)


def test_overdue_flags_and_workbench_task(setup, django_capture_on_commit_callbacks):
    county, year, plan, member = setup
    with django_capture_on_commit_callbacks(execute=True):
        item = item_add(actor=None, plan=plan, problem="逾期问题", deadline=year.starts,
                        check_scope=False)
    task = Task.objects.get(assignee=member, key=f"rectification:item:{item.pk}")
    assert task.due_at.date() == year.starts
    today = year.starts + dt.timedelta(days=1)
    assert list(overdue_items(user=county.user(Role.WORK_COMMITTEE_ADMIN), today=today)) == [item]
    assert not overdue_items(user=county.user(Role.WORK_COMMITTEE_ADMIN),
                             today=year.starts).exists()


def test_carry_forward_and_previous_year_section(setup):
    county, year, plan, member = setup
    done = item_add(actor=None, plan=plan, problem="已整改的问题", deadline=year.ends,
                    check_scope=False)
    open_item = item_add(actor=None, plan=plan, problem="未完成的问题", deadline=year.ends,
                         check_scope=False)
    secretary = county.user(Role.ORG_SECRETARY)
    item_submit(actor=member, item=done, note="完成")
    item_verify(actor=secretary, item=done, accept=True, note="销号")
    next_year = year_ensure(year=year.year + 1)
    new = plan_carry_forward(actor=None, plan=plan, to_year=next_year)
    assert [i.problem for i in new.items.all()] == ["未完成的问题"]
    assert new.carried_from == plan
    section = previous_year_items(year=next_year, source="duty_review",
                                  owner_body=plan.owner_body, owner_person=member.person)
    assert [(s.problem, s.status_label) for s in section] == [
        ("已整改的问题", "已销号"), ("未完成的问题", "未开始")]
    _ = open_item


def test_lists_are_scoped(setup):
    from dangjian.accounts.services import role_grant, user_create

    county, _year, plan, member = setup
    assert plan in plan_list(user=member)
    assert plan in plan_list(user=county.user(Role.LEADING_GROUP_SECRETARY))
    outsider = user_create(actor=None, username="other_sec", password="Other-sec-2026",
                           full_name="他局书记", check_scope=False)
    role_grant(actor=None, user=outsider, role=Role.ORG_SECRETARY,
               body=county.depts[1].branches[0], check_scope=False)
    assert plan not in plan_list(user=outsider)


def test_pages_walk_the_cycle(setup, login):
    county, year, plan, member = setup
    secretary = county.user(Role.ORG_SECRETARY)
    client = login(secretary)
    url = reverse("rectification:plan_detail", args=[plan.pk])
    client.post(reverse("rectification:item_add", args=[plan.pk]),
                {"problem": "询问：主题党日记录不全", "deadline": str(year.ends)})
    item = plan.items.get()
    client = login(member)
    client.post(reverse("rectification:item_transition", args=[item.pk]),
                {"action": "submit", "note": "已补齐记录"})
    client = login(secretary)
    page = client.get(url).content.decode()
    assert "待验收" in page and "验收销号" in page
    client.post(reverse("rectification:item_transition", args=[item.pk]),
                {"action": "accept", "note": "同意"})
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    # Bad input: a date that is not a date.
    response = client.post(reverse("rectification:item_add", args=[plan.pk]),
                           {"problem": "x", "deadline": "明天"}, follow=True)
    assert "请填写有效的日期" in response.content.decode()
    assert plan.items.count() == 1
