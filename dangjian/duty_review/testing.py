"""Named records for the scope matrix and helpers for this app's tests."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.cycles.models import Year
from dangjian.cycles.services import year_ensure
from dangjian.duty_review.models import Assignment, DutyReport, ReviewPlan
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import (
    meeting_create,
    plan_create,
    plan_generate,
    plan_publish,
    report_save,
    report_transition,
)
from dangjian.duty_review.services.reports import report_sections
from dangjian.org.models import Person


def published_plan(year: Year | None = None) -> ReviewPlan:
    year = year or year_ensure(year=timezone.localdate().year, make_current=True)
    plan = plan_create(actor=None, year=year, check_scope=False)
    plan_generate(actor=None, plan=plan, check_scope=False)
    return plan_publish(actor=None, plan=plan, check_scope=False)


def assignment_of(plan: ReviewPlan, person: Person, tier: str = Tier.MEMBER) -> Assignment:
    return plan.assignments.select_related("report").get(reporter=person, tier=tier)


def fill(report: DutyReport, text: str = "认真履行职责",
         problems: str = "学习不够深入\n联系群众不够") -> None:
    sections = {s.key: f"{text}（{s.key}）" for s in report_sections(report)}
    sections["problems"] = problems
    report_save(actor=None, report=report, sections=sections, check_scope=False)


def matrix_objects(county: Any) -> dict[str, Any]:
    a, b = county.depts[0], county.depts[1]
    plan = published_plan()
    own = assignment_of(plan, county.users["member"].person)
    other = assignment_of(plan, b.people[1])
    review = assignment_of(plan, a.people[3])  # in the first unit's second branch
    fill(review.report)
    report_transition(actor=None, report=review.report, action="submit", check_scope=False)
    today = timezone.localdate()
    meetings = {
        f"dr_meeting_{suffix}": meeting_create(
            actor=None, plan=plan, upper_body=dept.branches[0], tier=Tier.MEMBER,
            held_on=today, check_scope=False)
        for suffix, dept in (("own", a), ("other", b))
    }
    return {
        "dr_plan": plan,
        "dr_assignment_own": own, "dr_assignment_other": other,
        "dr_report_own": own.report, "dr_report_other": other.report,
        "dr_report_review_own": review.report,
        "dr_lead_own": assignment_of(plan, a.people[0], Tier.LEADERSHIP),
        "dr_lead_other": assignment_of(plan, b.people[0], Tier.LEADERSHIP),
        **meetings,
    }
