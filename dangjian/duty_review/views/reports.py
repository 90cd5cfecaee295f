"""The reporter's pages (phone-friendly) and the reviewers' queue (R2.2, R2.4, R2.9)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.batch import report_outcome, selected_ids
from dangjian.core.http import AuthedRequest
from dangjian.duty_review import selectors
from dangjian.duty_review.models import DutyReport, ReportStatus
from dangjian.duty_review.services import report_review_batch, report_save, report_transition
from dangjian.duty_review.services.reports import (
    carried_items,
    is_reporter,
    latest_version,
    report_sections,
    reviewer_here,
)
from dangjian.duty_review.views.common import errors, get_visible_or_deny
from dangjian.duty_review.workflow import (
    ACTION_LABELS,
    APPROVE,
    EDITABLE,
    RETURN,
    REVIEW_STAGES,
    STAGE_LABELS,
    SUBMIT,
    stage_body,
)
from dangjian.org.scope import Perm, require_perm

SELECT = ("assignment__plan__year", "assignment__plan__owner_body", "assignment__reporter",
          "assignment__reporter_body__parent", "assignment__upper_body")


def _report(request: AuthedRequest, pk: int) -> DutyReport:
    report: DutyReport = get_visible_or_deny(request.user, DutyReport, pk, select=SELECT)
    return report


def my_reports(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.SELF_VIEW)
    return render(request, "duty_review/my_reports.html", {
        "reports": selectors.my_reports(user=request.user), "today": timezone.localdate()})


def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    carried = carried_items(report)
    sections = report_sections(report, carried)
    last = latest_version(report)
    text = last.sections if last else {}
    versions = list(report.versions.select_related("author").order_by("-number"))
    titles = {s.key: s.title for s in sections}
    body = (stage_body(report.assignment, report.status)
            if report.status in REVIEW_STAGES else None)
    return render(request, "duty_review/report_detail.html", {
        "report": report, "a": report.assignment, "carried": carried,
        "sections": [{"s": s, "text": text.get(s.key, "")} for s in sections],
        "versions": [{"v": v, "parts": [(titles.get(k, k), t) for k, t in v.sections.items()]}
                     for v in versions],
        "steps": report.steps.all(), "action_labels": ACTION_LABELS,
        "can_edit": is_reporter(request.user, report) and report.status in EDITABLE,
        "can_review": reviewer_here(request.user, report), "stage_body": body,
        "stage_label": STAGE_LABELS.get(report.status, ""),
        "late": report.is_late(timezone.localdate()),
    })


@require_POST
def report_save_view(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not is_reporter(request.user, report):
        raise PermissionDenied("只有述职人本人可以撰写述职报告")
    sections = {k[2:]: str(v) for k, v in request.POST.items() if k.startswith("s_")}
    try:
        report_save(actor=request.user, report=report, sections=sections)
        if request.POST.get("then") == SUBMIT:
            report_transition(actor=request.user, report=report, action=SUBMIT)
            messages.success(request, "述职报告已报送，等待基层党组织集体初审")
        else:
            messages.success(request, "已保存")
    except ValidationError as exc:
        errors(request, exc)
    return redirect("duty_review:report_detail", pk=report.pk)


@require_POST
def report_transition_view(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not (is_reporter(request.user, report) or reviewer_here(request.user, report)):
        raise PermissionDenied("当前环节不由您办理")
    action = request.POST.get("action", "")
    if action not in {SUBMIT, APPROVE, RETURN}:
        messages.error(request, "未知的操作")
        return redirect("duty_review:report_detail", pk=report.pk)
    try:
        report = report_transition(actor=request.user, report=report, action=action,
                                   opinion=request.POST.get("opinion", ""))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request,
                         f"已{ACTION_LABELS[action]}，报告现为“{report.get_status_display()}”")
    return redirect("duty_review:report_detail", pk=report.pk)


def review_queue(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.DUTY_REVIEW)
    queue = selectors.review_queue(user=request.user)
    rows = [{"report": r, "body": b, "stage": STAGE_LABELS.get(r.status, "")} for r, b in queue]
    return render(request, "duty_review/review_queue.html", {
        "rows": rows,
        "needs_opinion": any(r.status == ReportStatus.WORK_COMMITTEE for r, _ in queue)})


@require_POST
def review_batch_view(request: AuthedRequest) -> HttpResponse:
    """The queue's selected reports approved or returned with one opinion, each on its own."""
    require_perm(request.user, Perm.DUTY_REVIEW)
    action = request.POST.get("action", "")
    try:
        ids = selected_ids(request.POST.getlist("pk"))
        outcome = report_review_batch(actor=request.user, report_ids=ids, action=action,
                                      opinion=request.POST.get("opinion", ""))
    except ValidationError as exc:
        errors(request, exc)
    else:
        report_outcome(request, outcome, verb=ACTION_LABELS[action],
                       label=lambda r: f"{r.assignment.reporter}的述职报告")
    return redirect("duty_review:review_queue")
