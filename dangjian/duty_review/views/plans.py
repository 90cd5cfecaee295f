"""The plan pages: the year's 工作方案, its reporters, progress and late reports (R2.1, R2.3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.ballots import rules
from dangjian.core.http import AuthedRequest
from dangjian.core.years import selected_year
from dangjian.duty_review import selectors
from dangjian.duty_review.models import Assignment, Form, ReportStatus, ReviewPlan
from dangjian.duty_review.points import Tier
from dangjian.duty_review.schemas import RULE_CHOICES, AssignmentFilter
from dangjian.duty_review.services import (
    assignment_add,
    assignment_remove,
    assignment_update,
    plan_create,
    plan_generate,
    plan_publish,
    plan_update,
)
from dangjian.duty_review.services.plans import work_committee
from dangjian.duty_review.views.common import errors, parse_date
from dangjian.org.models import Body, Person
from dangjian.org.scope import Perm, has_perm, require_body, require_perm, scope_filter


def plan_current(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.DUTY_VIEW)
    year = selected_year(request)
    plan = selectors.plan_for_year(year)
    if plan is not None:
        return redirect("duty_review:plan_detail", pk=plan.pk)
    return render(request, "duty_review/plan_none.html", {
        "year": year, "can_plan": has_perm(request.user, Perm.DUTY_PLAN)})


@require_POST
def plan_create_view(request: AuthedRequest) -> HttpResponse:
    require_body(request.user, Perm.DUTY_PLAN, work_committee())
    year = selected_year(request)
    try:
        plan = plan_create(actor=request.user, year=year, report_deadline=parse_date(
            request.POST.get("report_deadline", ""), "report_deadline", "报告截止日期",
            required=False))
    except ValidationError as exc:
        errors(request, exc)
        return redirect("duty_review:plan_current")
    messages.success(request, "已建立工作方案，请生成述职对象")
    return redirect("duty_review:plan_detail", pk=plan.pk)


def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.DUTY_VIEW)
    plan = get_object_or_404(ReviewPlan.objects.select_related("year", "owner_body"), pk=pk)
    filters = AssignmentFilter.from_query(request.GET)  # the same filters as the API's list
    for label in filters.ignored:
        messages.warning(request, f"筛选条件“{label}”的值无效，已忽略")
    tier = filters.tier or ""
    qs = selectors.assignment_list(user=request.user, plan=plan, tier=tier,
                                   query=filters.q.strip())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    counts = selectors.status_counts(user=request.user, plan=plan)
    summary = [{"tier": t, "counts": [counts.get(t, {}).get(s, 0) for s in ReportStatus],
                "total": sum(counts.get(t, {}).values())} for t in Tier]
    return render(request, "duty_review/plan_detail.html", {
        "plan": plan, "page": page, "tier": tier, "tiers": Tier.choices, "forms": Form.choices,
        "statuses": ReportStatus.choices, "summary": summary, "today": today,
        "late": selectors.late_reports(user=request.user, plan=plan, today=today)[:200],
        "meetings": selectors.meeting_list(user=request.user, plan=plan),
        "can_plan": has_perm(request.user, Perm.DUTY_PLAN),
        "can_meet": has_perm(request.user, Perm.DUTY_MEETING),
        "rule_text": rules.describe(plan.rule), "rule_kind": plan.rule.get("kind", "threshold"),
        "bodies": scope_filter(request.user, Perm.DUTY_MEETING, Body.objects.filter(
            valid_to__isnull=True)).order_by("path").values("pk", "name")[:500]
        if has_perm(request.user, Perm.DUTY_MEETING) else [],
    })


def _plan_for_write(request: AuthedRequest, pk: int) -> ReviewPlan:
    plan = get_object_or_404(ReviewPlan.objects.select_related("owner_body", "year"), pk=pk)
    require_body(request.user, Perm.DUTY_PLAN, plan.owner_body)
    return plan


@require_POST
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan_for_write(request, pk)
    p = request.POST
    try:
        plan_update(
            actor=request.user, plan=plan, title=p.get("title", ""),
            report_deadline=parse_date(p.get("report_deadline", ""), "report_deadline",
                                       "报告截止日期") or plan.report_deadline,
            meetings_from=parse_date(p.get("meetings_from", ""), "meetings_from", "开始日期",
                                     required=False),
            meetings_to=parse_date(p.get("meetings_to", ""), "meetings_to", "结束日期",
                                   required=False),
            rule=RULE_CHOICES.get(p.get("rule", ""), {"kind": "?"}), notes=p.get("notes", ""),
            require_approved_reports=p.get("require_approved_reports") == "1")
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已保存工作方案")
    return redirect("duty_review:plan_detail", pk=plan.pk)


@require_POST
def plan_generate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan_for_write(request, pk)
    n = plan_generate(actor=request.user, plan=plan)
    messages.success(request, f"已根据职务任职生成{n}名述职对象")
    return redirect("duty_review:plan_detail", pk=plan.pk)


@require_POST
def plan_publish_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan_for_write(request, pk)
    try:
        plan_publish(actor=request.user, plan=plan)
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "工作方案已印发，述职任务已推送到各述职人的工作台")
    return redirect("duty_review:plan_detail", pk=plan.pk)


@require_POST
def assignment_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan_for_write(request, pk)
    p = request.POST
    person = scope_filter(request.user, Perm.ORG_VIEW, Person.objects.filter(
        pk=p.get("reporter", "") if p.get("reporter", "").isdigit() else -1)).first()
    body = scope_filter(request.user, Perm.ORG_VIEW, Body.objects.filter(
        pk=p.get("reporter_body", "") if p.get("reporter_body", "").isdigit() else -1)).first()
    try:  # the picker posts ids; each is looked up again through the scope gate above
        if person is None:
            raise ValidationError("请搜索并选择述职人")
        if body is None:
            raise ValidationError("请选择述职人所在组织")
        assignment_add(actor=request.user, plan=plan, tier=p.get("tier", ""), reporter=person,
                       reporter_body=body, form=p.get("form", Form.MEETING))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, f"已添加述职对象{person.name}")
    return redirect("duty_review:plan_detail", pk=plan.pk)


def _assignment_for_write(request: AuthedRequest, pk: int) -> Assignment:
    a = get_object_or_404(Assignment.objects.select_related("plan__owner_body", "plan__year"),
                          pk=pk)
    require_body(request.user, Perm.DUTY_PLAN, a.plan.owner_body)
    return a


@require_POST
def assignment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    a = _assignment_for_write(request, pk)
    try:
        assignment_update(actor=request.user, assignment=a, form=request.POST.get("form", ""),
                          deadline=parse_date(request.POST.get("deadline", ""), "deadline",
                                              "截止日期") or a.deadline)
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, f"已修改{a.reporter.name}的述职安排")
    return redirect("duty_review:plan_detail", pk=a.plan_id)


@require_POST
def assignment_remove_view(request: AuthedRequest, pk: int) -> HttpResponse:
    a = _assignment_for_write(request, pk)
    try:
        assignment_remove(actor=request.user, assignment=a, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, f"已将{a.reporter.name}移出述职对象")
    return redirect("duty_review:plan_detail", pk=a.plan_id)
