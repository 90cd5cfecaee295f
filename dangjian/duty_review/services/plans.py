"""The year's 述职评议工作方案 (R2.3, R2.1, R2.5): tiers and reporters from the posts, editable;
publishing it opens every reporter's report and puts a task on their workbench."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.ballots import rules
from dangjian.cycles.models import Year
from dangjian.duty_review.models import (
    Assignment,
    DutyReport,
    Form,
    PlanStatus,
    ReportStatus,
    ReviewPlan,
)
from dangjian.duty_review.points import Tier
from dangjian.notify.services import task_close, task_open
from dangjian.org.models import (
    PARTY_ORG_KINDS,
    Body,
    BodyKind,
    Person,
    PoliticalStatus,
    Post,
    PostKind,
)
from dangjian.org.scope import Perm, require_body
from dangjian.trail.changes import change_record, diff, snapshot

SOURCE = "duty_review"  # the rectification engine's source for plans made here


def work_committee() -> Body:
    body = Body.objects.filter(kind=BodyKind.WORK_COMMITTEE, valid_to__isnull=True).first()
    if body is None:
        raise ValidationError("组织机构中没有县直机关工委，无法制定述职评议工作方案")
    return body


def county_committee(body: Body) -> Body:
    root = Body.objects.filter(pk=body.ancestor_ids[0]).first() if body.ancestor_ids else None
    if root is None or root.kind != BodyKind.COUNTY_COMMITTEE:
        raise ValidationError("组织机构中没有县委，无法安排向县委述职")
    return root


def reference_day(year: Year) -> dt.date:
    """The day whose posts decide who reports: today within the year, else its last day."""
    today = timezone.localdate()
    return min(max(today, year.starts), year.ends)


def _check_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    rule = dict(rule or rules.DEFAULT_RULE)
    problems = rules.validate(rule)
    if problems:
        raise ValidationError({"rule": problems})
    return rule


@transaction.atomic
def plan_create(*, actor: Any, year: Year, report_deadline: dt.date | None = None,
                title: str = "", rule: Mapping[str, Any] | None = None, notes: str = "",
                check_scope: bool = True) -> ReviewPlan:
    owner = work_committee()
    if check_scope:
        require_body(actor, Perm.DUTY_PLAN, owner)
    if ReviewPlan.objects.filter(year=year).exists():
        raise ValidationError(f"{year}的述职评议工作方案已存在")
    plan = ReviewPlan(year=year, owner_body=owner, rule=_check_rule(rule or {}),
                      title=title.strip() or f"{year.year}年度机关党组织和党员述职评议工作方案",
                      report_deadline=report_deadline or dt.date(year.year, 11, 30),
                      notes=notes.strip())
    plan.full_clean()
    plan.save()
    change_record(actor=actor, action="create", obj=plan, after=snapshot(plan))
    return plan


def _require_plan(actor: Any, plan: ReviewPlan) -> None:
    require_body(actor, Perm.DUTY_PLAN, plan.owner_body)


@transaction.atomic
def plan_update(*, actor: Any, plan: ReviewPlan, title: str, report_deadline: dt.date,
                meetings_from: dt.date | None, meetings_to: dt.date | None,
                rule: Mapping[str, Any], notes: str,
                require_approved_reports: bool | None = None) -> ReviewPlan:
    _require_plan(actor, plan)
    if meetings_from and meetings_to and meetings_to < meetings_from:
        raise ValidationError({"meetings_to": "评议会结束日期不能早于开始日期"})
    if not plan.year.starts <= report_deadline <= dt.date(plan.year.year + 1, 3, 31):
        raise ValidationError({"report_deadline": "报告截止日期应在本年度内（最迟次年3月底）"})
    before = snapshot(plan)
    old_deadline = plan.report_deadline
    plan.title, plan.report_deadline = title.strip() or plan.title, report_deadline
    plan.meetings_from, plan.meetings_to = meetings_from, meetings_to
    plan.rule, plan.notes = _check_rule(rule), notes.strip()
    if require_approved_reports is not None:
        plan.require_approved_reports = require_approved_reports
    plan.full_clean()
    plan.save()
    # Reporters still on the old plan deadline follow the new one.
    plan.assignments.filter(deadline=old_deadline).update(deadline=report_deadline)
    b, a = diff(before, snapshot(plan))
    if a:
        change_record(actor=actor, action="update", obj=plan, before=b, after=a)
    return plan


def _candidates(plan: ReviewPlan, member_branches: list[Body] | None = None
                ) -> list[tuple[str, Person, Body, Body]]:
    """(tier, reporter, reporter_body, upper_body) for everyone the posts say must report."""
    day = reference_day(plan.year)
    wc = plan.owner_body
    county = county_committee(wc)
    out: list[tuple[str, Person, Body, Body]] = []
    secretaries = set()
    posts = (Post.objects.held_on(day).filter(person__left_on__isnull=True)
             .filter(body__valid_to__isnull=True).select_related("person", "body")
             .order_by("body__path", "pk"))
    for post in posts.filter(kind=PostKind.LEADING_GROUP_SECRETARY):
        out.append((Tier.LEADERSHIP, post.person, post.body, county))
        secretaries.add(post.person_id)
    for post in posts.filter(kind=PostKind.ORG_SECRETARY):
        if post.body.kind == BodyKind.WORK_COMMITTEE:
            out.append((Tier.LEADERSHIP, post.person, post.body, county))
        elif post.body.kind in PARTY_ORG_KINDS:
            out.append((Tier.PARTY_ORG, post.person, post.body, wc))
        else:
            continue
        secretaries.add(post.person_id)
    members = (Person.objects.filter(
        left_on__isnull=True, branch__isnull=False, branch__valid_to__isnull=True,
        branch__kind__in=PARTY_ORG_KINDS,
        political_status__in=[PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY])
        .exclude(pk__in=secretaries).select_related("branch").order_by("branch__path", "pk"))
    if member_branches is not None:
        members = members.filter(branch__in=member_branches)
    for person in members:
        assert person.branch is not None
        out.append((Tier.MEMBER, person, person.branch, person.branch))
    return out


@transaction.atomic
def plan_generate(*, actor: Any, plan: ReviewPlan, member_branches: list[Body] | None = None,
                  check_scope: bool = True) -> int:
    """Add every reporter the posts call for that the plan lacks; returns how many were added.
    Members report to their branch; party-org secretaries to 工委; 工委 and 党组 secretaries
    to 县委 (R2.1). Secretaries report as secretaries, not again as members. `member_branches`
    limits the members' tier to some branches (e.g. a pilot year)."""
    if check_scope:
        _require_plan(actor, plan)
    have = set(plan.assignments.values_list("tier", "reporter_id"))
    rows = []
    for tier, person, body, upper in _candidates(plan, member_branches):
        if (tier, person.pk) in have:
            continue
        have.add((tier, person.pk))
        rows.append(Assignment(plan=plan, tier=tier, reporter=person, reporter_body=body,
                               upper_body=upper, deadline=plan.report_deadline,
                               form=Form.MEETING))
    Assignment.objects.bulk_create(rows)
    if rows:
        change_record(actor=actor, action="update", obj=plan, after={"生成述职对象": len(rows)})
    if plan.status == PlanStatus.PUBLISHED:
        _open_reports(plan)
    return len(rows)


def _task(report: DutyReport) -> None:
    a = report.assignment
    account = getattr(a.reporter, "account", None)
    if account is None:  # a reporter without an account gets no task
        return
    due = timezone.make_aware(dt.datetime.combine(a.deadline, dt.time(23, 59)))
    returned = report.status == ReportStatus.RETURNED
    verb = "按退回意见修改并重新报送" if returned else "撰写并报送"
    task_open(assignee=account, key=f"duty_review:report:{report.pk}", module="述职评议",
              title=f"{verb}{a.plan.year.year}年度述职报告（{a.get_tier_display()}）",
              url=f"/duty-review/reports/{report.pk}/", due_at=due, year=a.plan.year,
              state="已退回" if returned else "")


def _open_reports(plan: ReviewPlan) -> int:
    missing = plan.assignments.filter(active=True, report__isnull=True)
    DutyReport.objects.bulk_create([DutyReport(assignment=a) for a in missing])
    reports = list(DutyReport.objects.filter(assignment__plan=plan, assignment__active=True)
                   .select_related("assignment__reporter__account", "assignment__plan__year"))
    for report in reports:
        if report.status != "approved":
            _task(report)
    return len(reports)


@transaction.atomic
def plan_publish(*, actor: Any, plan: ReviewPlan, check_scope: bool = True) -> ReviewPlan:
    if check_scope:
        _require_plan(actor, plan)
    plan = ReviewPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.PUBLISHED:
        raise ValidationError("工作方案已印发")
    if not plan.assignments.filter(active=True).exists():
        raise ValidationError("请先生成或添加述职对象，再印发工作方案")
    plan.status, plan.published_at = PlanStatus.PUBLISHED, timezone.now()
    plan.save(update_fields=["status", "published_at"])
    n = _open_reports(plan)
    change_record(actor=actor, action="update", obj=plan,
                  before={"状态": PlanStatus.DRAFT.label},
                  after={"状态": PlanStatus.PUBLISHED.label, "述职报告": n})
    return plan


@transaction.atomic
def assignment_add(*, actor: Any, plan: ReviewPlan, tier: str, reporter: Person,
                   reporter_body: Body, form: str = Form.MEETING) -> Assignment:
    _require_plan(actor, plan)
    if tier not in Tier.values:
        raise ValidationError({"tier": "请选择述职层级"})
    if plan.assignments.filter(tier=tier, reporter=reporter).exists():
        raise ValidationError(f"{reporter.name}已在该层级的述职对象中")
    uppers: dict[str, Body] = {Tier.MEMBER: reporter_body, Tier.PARTY_ORG: plan.owner_body}
    upper = uppers.get(tier) or county_committee(plan.owner_body)
    a = Assignment(plan=plan, tier=tier, reporter=reporter, reporter_body=reporter_body,
                   upper_body=upper, form=form, deadline=plan.report_deadline)
    a.full_clean()
    a.save()
    change_record(actor=actor, action="create", obj=a, after=snapshot(a))
    if plan.status == PlanStatus.PUBLISHED:
        _open_reports(plan)
    return a


@transaction.atomic
def assignment_update(*, actor: Any, assignment: Assignment, form: str,
                      deadline: dt.date, check_scope: bool = True) -> Assignment:
    if check_scope:
        _require_plan(actor, assignment.plan)
    if form not in Form.values:
        raise ValidationError({"form": "请选择述职形式"})
    if deadline < assignment.plan.year.starts:
        raise ValidationError({"deadline": "截止日期不能早于本年度"})
    before = snapshot(assignment)
    assignment.form, assignment.deadline = form, deadline
    assignment.full_clean()
    assignment.save(update_fields=["form", "deadline"])
    b, a = diff(before, snapshot(assignment))
    if a:
        change_record(actor=actor, action="update", obj=assignment, before=b, after=a)
        report = DutyReport.objects.filter(assignment=assignment).first()
        if report is not None and report.status != "approved":
            _task(report)
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """Soft removal (e.g. transferred out), traced; refused once the report is on its way."""
    _require_plan(actor, assignment.plan)
    if not reason.strip():
        raise ValidationError({"reason": "请填写移出原因"})
    report = DutyReport.objects.filter(assignment=assignment).first()
    if report is not None and report.status not in {"draft"}:
        raise ValidationError("该述职人的报告已报送，不能移出")
    assignment.active = False
    assignment.save(update_fields=["active"])
    change_record(actor=actor, action="end", obj=assignment, after={"有效": False}, note=reason)
    if report is not None:
        task_close(key=f"duty_review:report:{report.pk}")
    return assignment
