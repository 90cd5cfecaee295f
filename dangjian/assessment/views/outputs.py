"""Feedback letters (R1.4), the special report and the results export (R1.5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangjian.assessment import access, documents, selectors, services
from dangjian.assessment.drafts import feedback_draft, unjudged
from dangjian.assessment.filters import AssessmentFilter
from dangjian.assessment.jobs import FEEDBACK_ZIP
from dangjian.assessment.models import (
    Assessment,
    Feedback,
    FeedbackStatus,
    Judgement,
    ReportStatus,
    Scheme,
    SpecialReport,
    SubjectKind,
)
from dangjian.assessment.services.feedback import RECTIFY_DAYS, REPORT_FIELDS, report_defaults
from dangjian.assessment.views.common import current_scheme, errors
from dangjian.core.http import AuthedRequest
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE, download
from dangjian.jobs.services import job_submit
from dangjian.org.scope import Perm, has_perm, require_perm


def _feedback_reader(request: AuthedRequest, pk: int) -> tuple[Assessment, Feedback | None]:
    """工委 and other assessment readers; the department's 党组 once the letter is sent."""
    a = Assessment.objects.select_related("unit", "scheme__year", "scheme__owner_body",
                                          "leading_group").filter(pk=pk).first()
    if a is None:
        raise Http404
    feedback = Feedback.objects.filter(assessment=a).first()
    if access.can_view(request.user, a):
        return a, feedback
    if access.can_receive(request.user, a) and feedback and \
            feedback.status != FeedbackStatus.DRAFT:
        return a, feedback
    raise PermissionDenied("您无权查看该反馈意见")


def feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    a, fb = _feedback_reader(request, pk)
    if request.method == "POST":
        access.require_manage(request.user, a.unit)
        try:
            services.feedback_save(actor=request.user, assessment=a,
                                   body=request.POST.get("body", ""),
                                   problems=request.POST.get("problems", ""),
                                   number=request.POST.get("number", ""))
        except ValidationError as exc:
            errors(request, exc)
        else:
            messages.success(request, "已保存反馈意见")
        return redirect("assessment:feedback", pk=pk)
    can_manage = has_perm(request.user, Perm.ASSESS_MANAGE) and access.covers(
        request.user, Perm.ASSESS_MANAGE, a.unit)
    editable = can_manage and (fb is None or fb.status == FeedbackStatus.DRAFT)
    redraft = editable and (fb is None or request.GET.get("redraft") == "1")
    draft = (feedback_draft(a, rectify_days=RECTIFY_DAYS) if redraft
             else {"body": fb.body, "problems": fb.problems} if fb else {})
    judged = Judgement.objects.filter(assessment=a, kind=SubjectKind.LEADING_GROUP,
                                      person__isnull=True).first()
    return render(request, "assessment/feedback.html", {
        "a": a, "fb": fb, "can_manage": can_manage, "editable": editable, "draft": draft,
        "redrafted": redraft, "judged": judged, "rectify_days": RECTIFY_DAYS,
        "can_receive": access.can_receive(request.user, a), "Status": FeedbackStatus})


def _transition(request: AuthedRequest, pk: int, to: str, ok: str) -> HttpResponse:
    a, fb = _feedback_reader(request, pk)
    if to == FeedbackStatus.SENT:
        access.require_manage(request.user, a.unit)
    elif not access.can_receive(request.user, a):
        raise PermissionDenied("只有该单位党组可以签收反馈意见")
    if fb is None:
        messages.error(request, "请先拟写反馈意见")
        return redirect("assessment:feedback", pk=pk)
    try:
        services.feedback_transition(actor=request.user, feedback=fb, to=to)
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, ok)
    return redirect("assessment:feedback", pk=pk)


@require_POST
def feedback_send(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, FeedbackStatus.SENT, "反馈意见已发出，问题已转为整改事项")


@require_POST
def feedback_ack(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, FeedbackStatus.ACKNOWLEDGED, "已签收反馈意见")


def feedback_docx_view(request: AuthedRequest, pk: int) -> HttpResponse:
    a, fb = _feedback_reader(request, pk)
    if fb is None:
        raise Http404
    judgements = list(Judgement.objects.filter(assessment=a))
    data = documents.feedback_docx(fb, judgements)
    return download(data, f"{a.unit.name}{a.scheme.year.year}年度党建考核反馈意见.docx",
                    DOCX_TYPE)


@require_POST
def feedback_zip_view(request: AuthedRequest) -> HttpResponse:
    """Every letter the user may read, in one .zip made by the worker: to the job's page."""
    require_perm(request.user, Perm.ASSESS_VIEW)
    scheme = current_scheme(request)
    if scheme is None:
        raise Http404("本年度尚未建立考核指标体系")
    job = job_submit(actor=request.user, kind=FEEDBACK_ZIP, params={"scheme": scheme.pk},
                     key=f"scheme:{scheme.pk}",
                     label=f"打包下载{scheme.year.year}年度党建考核反馈意见")
    return redirect(job.get_absolute_url())


def _manage_scheme(request: AuthedRequest) -> Scheme:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    scheme = current_scheme(request)
    if scheme is None:
        raise Http404("本年度尚未建立考核指标体系")
    access.require_manage(request.user, scheme.owner_body)
    return scheme


def _report(request: AuthedRequest, scheme: Scheme) -> tuple[SpecialReport, list[Any]]:
    rows = selectors.results(user=request.user, scheme=scheme)
    report = services.report_ensure(actor=request.user, scheme=scheme,
                                    summary=selectors.report_summary(rows))
    return report, rows


def report(request: AuthedRequest) -> HttpResponse:
    scheme = _manage_scheme(request)
    rep, rows = _report(request, scheme)
    if request.method == "POST":
        try:
            services.report_save(actor=request.user, report=rep,
                                 fields={f: request.POST.get(f, "") for f in REPORT_FIELDS})
        except ValidationError as exc:
            errors(request, exc)
        else:
            messages.success(request, "已保存专题报告")
        return redirect("assessment:report")
    issued = rep.status == ReportStatus.ISSUED
    text = {f: getattr(rep, f) for f in REPORT_FIELDS}
    redraft = not issued and request.GET.get("redraft") == "1"
    if redraft:
        text.update(report_defaults(scheme, selectors.report_summary(rows)))
    return render(request, "assessment/report.html", {
        "report": rep, "scheme": scheme, "distribution": selectors.distribution(rows),
        "issued": issued, "text": text, "redrafted": redraft,
        "pending": unjudged(scheme) if not issued else []})


@require_POST
def report_issue_view(request: AuthedRequest) -> HttpResponse:
    scheme = _manage_scheme(request)
    rep, rows = _report(request, scheme)
    try:
        services.report_issue(actor=request.user, report=rep,
                              docx=documents.report_docx(rep, rows))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "专题报告已印发")
    return redirect("assessment:report")


def report_docx_view(request: AuthedRequest) -> HttpResponse:
    """工委 downloads the draft or the issued report; 县委 and other readers the issued one."""
    require_perm(request.user, Perm.ASSESS_VIEW)
    scheme = current_scheme(request)
    if scheme is None:
        raise Http404
    if access.covers(request.user, Perm.ASSESS_MANAGE, scheme.owner_body):
        rep, rows = _report(request, scheme)
    else:
        issued = SpecialReport.objects.filter(scheme=scheme, status=ReportStatus.ISSUED).first()
        if issued is None:
            raise Http404
        rep, rows = issued, []
    data = bytes(rep.issued_docx) if rep.issued_docx else documents.report_docx(rep, rows)
    return download(data, f"{rep.title}.docx", DOCX_TYPE)


def results_xlsx_view(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.ASSESS_VIEW)
    scheme = current_scheme(request)
    if scheme is None:
        raise Http404
    rows = AssessmentFilter.from_query(request.GET).rows(
        selectors.results(user=request.user, scheme=scheme))
    data = documents.results_xlsx(rows, scheme.county_weight, scheme.year.year)
    return download(data, f"{scheme.year.year}年度党建考核结果（年度综合考核）.xlsx", XLSX_TYPE)
