"""The year's plan: tiers from the posts, editable, published onto the workbench (R2.1, R2.3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.cycles.services import year_ensure
from dangjian.duty_review.models import Assignment, DutyReport, Form, PlanStatus
from dangjian.duty_review.points import TIER_POINTS, Tier, sections_for
from dangjian.duty_review.services import (
    assignment_add,
    assignment_remove,
    assignment_update,
    plan_create,
    plan_generate,
    plan_publish,
    plan_update,
)
from dangjian.notify.models import Task


@pytest.mark.req("R2.1", "R2.3")
def test_generate_puts_each_reporter_in_their_tier(county):
    a, b = county.depts
    year = year_ensure(year=2026, make_current=True)
    plan = plan_create(actor=county.user("wc_admin"), year=year)
    added = plan_generate(actor=county.user("wc_admin"), plan=plan)
    rows = {(x.tier, x.reporter_id): x for x in plan.assignments.all()}
    assert added == len(rows) == 12  # 9 members, 1 branch secretary, 2 党组书记
    lead = rows[(Tier.LEADERSHIP, a.people[0].pk)]
    assert lead.reporter_body == a.leading_group and lead.upper_body == county.root
    sec = rows[(Tier.PARTY_ORG, a.people[1].pk)]
    assert sec.reporter_body == a.branches[0] and sec.upper_body == county.work_committee
    member = rows[(Tier.MEMBER, a.people[2].pk)]
    assert member.reporter_body == member.upper_body == a.branches[0]
    # Secretaries report as secretaries, not again as members.
    assert (Tier.MEMBER, a.people[1].pk) not in rows
    assert rows[(Tier.LEADERSHIP, b.people[0].pk)].upper_body == county.root
    # Generating again adds nobody.
    assert plan_generate(actor=county.user("wc_admin"), plan=plan) == 0


@pytest.mark.req("R2.3")
def test_only_the_work_committee_issues_the_plan(county):
    year = year_ensure(year=2026, make_current=True)
    with pytest.raises(PermissionDenied):
        plan_create(actor=county.user("lg_secretary"), year=year)
    plan = plan_create(actor=county.user("wc_admin"), year=year)
    with pytest.raises(ValidationError, match="已存在"):
        plan_create(actor=county.user("wc_admin"), year=year)
    with pytest.raises(PermissionDenied):
        plan_generate(actor=county.user("county"), plan=plan)


@pytest.mark.req("R2.3", "R2.5")
def test_publish_opens_reports_and_tasks(county):
    year = year_ensure(year=2026, make_current=True)
    admin = county.user("wc_admin")
    plan = plan_create(actor=admin, year=year, report_deadline=dt.date(2026, 12, 10))
    with pytest.raises(ValidationError, match="请先生成"):
        plan_publish(actor=admin, plan=plan)
    plan_generate(actor=admin, plan=plan)
    member = county.user("member")
    a = plan.assignments.get(reporter=member.person)
    assignment_update(actor=admin, assignment=a, form=Form.WRITTEN, deadline=dt.date(2026, 12, 1))
    a.refresh_from_db()
    assert a.form == Form.WRITTEN
    plan_publish(actor=admin, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert DutyReport.objects.filter(assignment__plan=plan).count() == 12
    task = Task.objects.get(assignee=member)
    assert task.module == "述职评议" and task.url.endswith(f"/reports/{a.report.pk}/")
    assert task.due_at.date() == dt.date(2026, 12, 1)
    # Reporters without an account get a report but no task.
    assert Task.objects.filter(module="述职评议").count() == 4  # the four with accounts
    with pytest.raises(ValidationError, match="已印发"):
        plan_publish(actor=admin, plan=plan)


@pytest.mark.req("R2.3")
def test_plan_edit_add_and_remove(county, plan):
    admin = county.user("wc_admin")
    a = county.depts[0]
    with pytest.raises(ValidationError):
        plan_update(actor=admin, plan=plan, title="x", report_deadline=dt.date(2020, 1, 1),
                    meetings_from=None, meetings_to=None, rule={}, notes="")
    with pytest.raises(ValidationError):
        plan_update(actor=admin, plan=plan, title="x", report_deadline=plan.report_deadline,
                    meetings_from=None, meetings_to=None, rule={"kind": "nope"}, notes="")
    plan_update(actor=admin, plan=plan, title="方案", report_deadline=plan.year.ends,
                meetings_from=plan.year.ends, meetings_to=plan.year.ends,
                rule={"kind": "plurality"}, notes="按时报送")
    plan.refresh_from_db()
    assert plan.rule == {"kind": "plurality"}
    assert set(plan.assignments.values_list("deadline", flat=True)) == {plan.year.ends}
    extra = assignment_add(actor=admin, plan=plan, tier=Tier.PARTY_ORG, reporter=a.people[4],
                           reporter_body=a.discipline)
    assert extra.upper_body == county.work_committee and extra.report.pk  # published: opened
    with pytest.raises(ValidationError, match="已在"):
        assignment_add(actor=admin, plan=plan, tier=Tier.PARTY_ORG, reporter=a.people[4],
                       reporter_body=a.discipline)
    with pytest.raises(ValidationError, match="原因"):
        assignment_remove(actor=admin, assignment=extra, reason=" ")
    assignment_remove(actor=admin, assignment=extra, reason="调离")
    assert not Assignment.objects.get(pk=extra.pk).active


@pytest.mark.req("R2.2")
def test_sections_follow_the_tier_points():
    assert [len(TIER_POINTS[t]) for t in Tier] == [5, 5, 4]
    member = sections_for(Tier.MEMBER, with_rectification=False)
    assert [s.key for s in member] == ["p1", "p2", "p3", "p4", "p5", "problems"]
    assert member[1].title.startswith("二、主动参加“三会一课”")
    lead = sections_for(Tier.LEADERSHIP, with_rectification=True)
    assert [s.key for s in lead] == ["rectification", "p1", "p2", "p3", "p4", "problems"]
    assert lead[0].title == "一、上年度整改情况专题汇报"
