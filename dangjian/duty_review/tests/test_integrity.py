"""A meeting's date lies in the plan's year and can be corrected until its ballots open; the
agenda names reporters whose report is not approved (refused if the plan says so); only remarks
marked as problems become rectification items, confirmed first, and no plan is empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.ballots.services import box_close, box_open
from dangjian.duty_review.models import DutyReport, Meeting, ReportStatus
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import meeting_create, meeting_rectification, remark_add
from dangjian.duty_review.services.meetings import rectification_candidates
from dangjian.duty_review.testing import assignment_of, fill
from dangjian.rectification.models import Item, Plan
from dangjian.trail.models import TrailEntry


def _add(client, plan, county, day):
    return client.post(reverse("duty_review:meeting_create", args=[plan.pk]), {
        "upper_body": county.root.pk, "tier": Tier.LEADERSHIP, "form": "meeting",
        "held_on": day}, follow=True)


@pytest.mark.req("R2.5")
def test_a_meeting_outside_the_plans_year_is_refused_and_editable_until_it_opens(
        county, plan, client):
    client.force_login(county.user("county"))
    before = (Meeting.objects.count(), TrailEntry.objects.count())
    page = _add(client, plan, county, "2020-01-01").content.decode()
    assert f"评议会日期应在{plan.year.year}年度内" in page
    assert (Meeting.objects.count(), TrailEntry.objects.count()) == before
    page = _add(client, plan, county, f"{plan.year.ends:%Y-%m-%d}").content.decode()
    meeting = Meeting.objects.get()
    assert "名述职人的报告尚未审定" in page
    edit = reverse("duty_review:meeting_edit", args=[meeting.pk])
    form = {"title": "县委述职评议会", "held_on": "2020-01-01", "place": "三楼会议室",
            "members": "县委书记", "raters": "县委委员"}
    page = client.post(edit, form, follow=True).content.decode()
    assert "年度内" in page and Meeting.objects.get().held_on == plan.year.ends
    day = plan.year.ends - dt.timedelta(days=3)
    client.post(edit, {**form, "held_on": f"{day:%Y-%m-%d}"})
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.title, meeting.place) == (day, "县委述职评议会", "三楼会议室")
    box_open(actor=None, box=meeting.box, check_scope=False)
    page = client.post(edit, {**form, "held_on": f"{plan.year.ends:%Y-%m-%d}"},
                       follow=True).content.decode()
    assert "测评已开始，评议会信息不能再修改" in page
    assert Meeting.objects.get().held_on == day


@pytest.mark.req("R2.4", "R2.5")
def test_the_plan_may_refuse_reporters_whose_report_is_not_approved(county, plan):
    plan.require_approved_reports = True
    plan.save(update_fields=["require_approved_reports"])
    with pytest.raises(ValidationError, match="以下2名述职人的报告尚未审定"):
        meeting_create(actor=county.user("county"), plan=plan, upper_body=county.root,
                       tier=Tier.LEADERSHIP, held_on=plan.year.ends)
    assert Meeting.objects.count() == 0
    DutyReport.objects.filter(assignment__plan=plan, assignment__tier=Tier.LEADERSHIP).update(
        status=ReportStatus.APPROVED)  # as if both went through the workflow
    meeting_create(actor=county.user("county"), plan=plan, upper_body=county.root,
                   tier=Tier.LEADERSHIP, held_on=plan.year.ends)
    assert Meeting.objects.count() == 1


@pytest.mark.req("R2.6", "R2.8")
def test_only_problems_become_items_after_confirmation_and_no_plan_is_empty(
        county, plan, client):
    a = county.depts[0]
    lead_a = assignment_of(plan, a.people[0], Tier.LEADERSHIP)
    fill(lead_a.report, problems="")
    meeting = meeting_create(actor=None, plan=plan, upper_body=county.root,
                             tier=Tier.LEADERSHIP, held_on=plan.year.ends, check_scope=False)
    for kind, finding, text, answer in (
            ("comment", "praise", "党建工作成效明显", ""),
            ("question", "question", "去年整改事项完成情况如何？", "已全部完成"),
            ("comment", "problem", "支部活动形式单一", "")):
        remark_add(actor=None, meeting=meeting, assignment=lead_a, kind=kind, finding=finding,
                   speaker="县委书记", text=text, answer=answer, check_scope=False)
    before = Item.objects.count()
    with pytest.raises(ValidationError, match="性质"):
        remark_add(actor=None, meeting=meeting, assignment=lead_a, kind="comment",
                   speaker="县委书记", text="未分类", check_scope=False)
    box_open(actor=None, box=meeting.box, check_scope=False)
    box_close(actor=None, box=meeting.box, check_scope=False)
    found = dict(rectification_candidates(meeting))
    assert [c.problem for c in found[lead_a]] == ["支部活动形式单一"]
    client.force_login(county.user("county"))
    url = reverse("duty_review:meeting_rectify", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "支部活动形式单一" in page and "党建工作成效明显" not in page
    assert "去年整改事项完成情况如何" not in page
    # Nothing ticked: refused, nothing made.
    page = client.post(url, {}, follow=True).content.decode()
    assert "没有选中任何整改事项" in page
    assert Plan.objects.count() == 0 and Item.objects.count() == before
    client.post(url, {"pick": [c.key for c in found[lead_a]]})
    rect = Plan.objects.get()
    assert rect.owner_person == a.people[0]
    assert [i.problem for i in rect.items.all()] == ["支部活动形式单一"]
    assert not meeting_rectification(actor=None, meeting=meeting, check_scope=False)[1:]
    assert Plan.objects.count() == 1  # the other reporter had nothing: no empty plan
