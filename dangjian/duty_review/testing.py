"""Named records for the scope matrix and helpers for this app's tests."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.ballots.services import box_close, box_open
from dangjian.cycles.models import Year
from dangjian.cycles.services import year_ensure
from dangjian.duty_review.models import Assignment, DutyReport, Form, Meeting, ReviewPlan
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import (
    assignment_add,
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


def close(meeting: Meeting) -> Meeting:
    """Open and close the meeting's ballot box (no ballots): its results and outputs exist."""
    assert meeting.box is not None
    box_open(actor=None, box=meeting.box, check_scope=False)
    box_close(actor=None, box=meeting.box, check_scope=False)
    meeting.refresh_from_db()
    return meeting


def matrix_objects(county: Any) -> dict[str, Any]:
    a, b = county.depts[0], county.depts[1]
    plan = published_plan()
    own = assignment_of(plan, county.users["member"].person)
    fill(own.report)  # complete, so the member can submit it
    other = assignment_of(plan, b.people[1])
    review = assignment_of(plan, a.people[3])  # in the first unit's second branch
    fill(review.report)
    report_transition(actor=None, report=review.report, action="submit", check_scope=False)
    # A written-form reporter in the first branch on no agenda yet: each chair of that branch
    # can arrange a (written) evaluation for them.
    assignment_add(actor=county.users["wc_admin"], plan=plan, tier=Tier.MEMBER,
                   reporter=a.people[1], reporter_body=a.branches[0], form=Form.WRITTEN)
    today = timezone.localdate()
    # The branches' meetings and the 县委's meeting of the 党组 secretaries, their ballots
    # closed: results, outputs, 综合考评 and rectification are all available.
    meetings = {
        f"dr_meeting_{suffix}": close(meeting_create(
            actor=None, plan=plan, upper_body=dept.branches[0], tier=Tier.MEMBER,
            held_on=today, check_scope=False))
        for suffix, dept in (("own", a), ("other", b))
    }
    meetings["dr_meeting_lead"] = close(meeting_create(
        actor=None, plan=plan, upper_body=county.root, tier=Tier.LEADERSHIP, held_on=today,
        check_scope=False))
    # Next year has no plan yet; the year after has a draft one, reporters generated.
    draft = plan_create(actor=None, year=year_ensure(year=plan.year.year + 2), check_scope=False)
    plan_generate(actor=None, plan=draft, check_scope=False)
    return {
        "dr_plan": plan, "dr_plan_draft": draft,
        "dr_year_next": year_ensure(year=plan.year.year + 1),
        "dr_assignment_own": own, "dr_assignment_other": other,
        "dr_report_own": own.report, "dr_report_other": other.report,
        "dr_report_review_own": review.report,
        "dr_lead_own": assignment_of(plan, a.people[0], Tier.LEADERSHIP),
        "dr_lead_other": assignment_of(plan, b.people[0], Tier.LEADERSHIP),
        **meetings,
    }
