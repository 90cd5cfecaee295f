"""Work handed to someone reaches them (R0.10): a notification after commit, with its text and
link, and a line on their workbench that leads to the page where it is done and goes away when
it is done. Reviewers' queues come from the data; each person sees only their own work."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.assessment.testing import assessed_year
from dangjian.duty_review.services import report_transition
from dangjian.duty_review.testing import assignment_of, fill, published_plan
from dangjian.notify.board import workbench_items
from dangjian.notify.models import Notification
from dangjian.notify.registry import declared_events
from dangjian.notify.services import notify
from dangjian.org.models import Role
from dangjian.rectification.models import ItemStatus
from dangjian.rectification.services import item_submit, item_verify


def _titles(user):
    return [i.title for i in workbench_items(user=user)]


def _submitted(county, capture):
    member = county.user("member")
    report = assignment_of(published_plan(), member.person).report
    fill(report)
    with capture(execute=True):
        report = report_transition(actor=member, report=report, action="submit")
    return member, report


@pytest.mark.req("R0.10", "R2.4")
def test_send_back_reaches_the_member_after_commit_and_his_task_changes(
        county, login, django_capture_on_commit_callbacks):
    member, report = _submitted(county, django_capture_on_commit_callbacks)
    assert not any("述职报告" in t for t in _titles(member))  # handed in: off his workbench
    with django_capture_on_commit_callbacks(execute=False) as pending:
        report_transition(actor=county.user("org_secretary"), report=report, action="return",
                          opinion="请补充联系群众的具体事例")
        assert not Notification.objects.filter(recipient=member).exists()  # not before commit
    for callback in pending:
        callback()
    note = Notification.objects.get(recipient=member)
    assert "退回" in note.title and "请补充联系群众的具体事例" in note.body
    assert note.url == reverse("duty_review:report_detail", args=[report.pk])
    item = next(i for i in workbench_items(user=member) if "述职报告" in i.title)
    assert item.state == "已退回" and item.title.startswith("按退回意见修改并重新报送")
    assert item.url == note.url
    html = login(member).get("/").content.decode()
    assert "已退回" in html and f'href="{note.url}"' in html
    html = login(member).get(reverse("core:notifications")).content.decode()
    assert "请补充联系群众的具体事例" in html


@pytest.mark.req("R0.10", "R2.4")
def test_a_reviewers_queue_appears_with_its_link_and_leaves_when_handled(
        county, login, django_capture_on_commit_callbacks):
    secretary, lg_secretary = county.user("org_secretary"), county.user("lg_secretary")
    assert not any(i.key == "duty_review:queue" for i in workbench_items(user=secretary))
    _, report = _submitted(county, django_capture_on_commit_callbacks)
    queue = next(i for i in workbench_items(user=secretary) if i.key == "duty_review:queue")
    assert queue.count == 1 and queue.url == reverse("duty_review:review_queue")
    assert Notification.objects.get(recipient=secretary).body.endswith("请审核。")
    page = login(secretary).get(queue.url).content.decode()
    assert reverse("duty_review:report_detail", args=[report.pk]) in page
    # The 党组 hears of it when its own stage comes, not before.
    assert not Notification.objects.filter(recipient=lg_secretary).exists()
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(actor=secretary, report=report, action="approve", opinion="同意")
    assert not any(i.key == "duty_review:queue" for i in workbench_items(user=secretary))
    assert [i.count for i in workbench_items(user=lg_secretary)
            if i.key == "duty_review:queue"] == [1]
    assert Notification.objects.get(recipient=lg_secretary).title.startswith("待审核")
    assert "通过审核" in Notification.objects.get(recipient=county.user("member")).title
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(actor=lg_secretary, report=report, action="approve", opinion="同意")
    assert not any(i.key == "duty_review:queue" for i in workbench_items(user=lg_secretary))


@pytest.mark.req("R0.10", "R1.4")
def test_feedback_notification_says_what_to_do_and_verification_queue_is_the_work_committees(
        county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        year = assessed_year(county)
    secretary = county.user("lg_secretary")
    note = Notification.objects.get(recipient=secretary, key__startswith="assessment:feedback")
    assert note.body and "签收" in note.body and "整改" in note.body
    feedback = year["feedback_own"]
    items = list(feedback.plan.items.all())
    with django_capture_on_commit_callbacks(execute=True):
        item_submit(actor=secretary, item=items[0], note="已完成集中学习")
    admin, county_committee = county.user("wc_admin"), county.user(Role.COUNTY_COMMITTEE)
    verify = [i for i in workbench_items(user=admin) if i.key.startswith("rectification:verify")]
    assert [(i.count, i.url) for i in verify] == [
        (1, reverse("rectification:plan_detail", args=[feedback.plan.pk]))]
    # 县委 could reach the item (its grant covers the county) but it is not put to 县委.
    assert not any(i.key.startswith("rectification:verify")
                   for i in workbench_items(user=county_committee))
    assert Notification.objects.filter(recipient=admin, title__startswith="待验收").exists()
    assert not Notification.objects.filter(recipient=county_committee).exists()
    with django_capture_on_commit_callbacks(execute=True):
        item_verify(actor=admin, item=items[0], accept=False, note="学习记录不全")
    items[0].refresh_from_db()
    assert items[0].status == ItemStatus.IN_PROGRESS
    assert not any(i.key.startswith("rectification:verify") for i in workbench_items(user=admin))
    rejected = Notification.objects.get(recipient=secretary, title__contains="验收未通过")
    assert "学习记录不全" in rejected.body


@pytest.mark.req("R0.10")
def test_the_discipline_member_sees_only_his_own_work(
        county, login, django_capture_on_commit_callbacks):
    _, report = _submitted(county, django_capture_on_commit_callbacks)  # others' work waits
    with django_capture_on_commit_callbacks(execute=True):
        assessed_year(county)  # and for signing, and for rectification
    discipline_member = county.user(Role.DISCIPLINE_MEMBER)
    own = assignment_of(report.assignment.plan, discipline_member.person).report
    items = workbench_items(user=discipline_member)
    # His own report, and his 机关纪检's list to draw up: nothing of anyone else's.
    assert {i.url for i in items} == {
        reverse("duty_review:report_detail", args=[own.pk]),
        reverse("responsibility:org_detail", args=[county.depts[0].discipline.pk])}
    client = login(discipline_member)
    for item in items:
        assert client.get(item.url).status_code == 200
    assert not Notification.objects.filter(recipient=discipline_member).exists()


@pytest.mark.req("R0.10")
def test_no_notification_without_text_link_or_declared_event(county):
    user = county.user("member")
    for kwargs in ({"body": ""}, {"body": "  "}, {"url": ""}, {"event": "no.such_event"}):
        args = {"event": "duty_review.report_returned", "recipient": user, "key": "k",
                "title": "标题", "body": "内容", "url": "/"} | kwargs
        with pytest.raises(ValueError):
            notify(**args)
    assert not Notification.objects.exists()
    labels = declared_events()
    assert {"duty_review.report_returned", "assessment.feedback_sent",
            "responsibility.list_returned", "rectification.item_submitted"} <= set(labels)
    assert all(label for _, label in labels.values())
