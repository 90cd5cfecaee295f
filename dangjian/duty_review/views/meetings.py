"""评议会 pages (R2.5–R2.8): agenda, 点评/询问, links to the ballot box pages, results,
综合考评, rectification, and the outputs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangjian.ballots import rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import BoxStatus
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.core.http import AuthedRequest
from dangjian.core.once import once_per_form, submission
from dangjian.core.years import selected_year
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE, download
from dangjian.duty_review import outputs, selectors
from dangjian.duty_review.models import (
    Assignment,
    Form,
    Meeting,
    RemarkFinding,
    RemarkKind,
    ReviewPlan,
)
from dangjian.duty_review.services import (
    county_evaluate,
    meeting_create,
    meeting_rectification,
    remark_add,
)
from dangjian.duty_review.services.meetings import (
    meeting_update,
    rectification_candidates,
    rectification_plans_of,
    require_chair,
    unapproved_reporters,
)
from dangjian.duty_review.views.common import errors, get_visible_or_deny, parse_date
from dangjian.org.models import Body
from dangjian.org.scope import Perm, has_perm, require_body, require_perm, scope_filter

SELECT = ("plan__year", "upper_body", "box")


def _meeting(request: AuthedRequest, pk: int) -> Meeting:
    meeting: Meeting = get_visible_or_deny(request.user, Meeting, pk, select=SELECT)
    return meeting


def _closed(meeting: Meeting) -> bool:
    return meeting.box is not None and meeting.box.status == BoxStatus.CLOSED


def meeting_list(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.DUTY_VIEW)
    plan = selectors.plan_for_year(selected_year(request))
    meetings = selectors.meeting_list(user=request.user, plan=plan) if plan else []
    return render(request, "duty_review/meeting_list.html", {"plan": plan, "meetings": meetings})


@require_POST
def meeting_create_view(request: AuthedRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.DUTY_MEETING)
    plan = get_object_or_404(ReviewPlan, pk=pk)
    p = request.POST
    body_id = p.get("upper_body", "")
    body = scope_filter(request.user, Perm.DUTY_MEETING, Body.objects.filter(
        pk=int(body_id) if body_id.isdigit() else -1)).first()
    try:
        if body is None:
            raise ValidationError("请选择主持述职评议的组织")
        held_on = parse_date(p.get("held_on", ""), "held_on", "日期")
        assert held_on is not None
        meeting = meeting_create(actor=request.user, plan=plan, upper_body=body,
                                 tier=p.get("tier", ""), form=p.get("form", Form.MEETING),
                                 held_on=held_on, place=p.get("place", ""),
                                 members=p.get("members", ""), raters=p.get("raters", ""))
    except ValidationError as exc:
        errors(request, exc)
        return redirect("duty_review:plan_detail", pk=plan.pk)
    pending = unapproved_reporters(i.assignment for i in meeting.agenda.select_related(
        "assignment__reporter", "assignment__report"))
    if pending:
        messages.warning(request, f"已安排评议。注意：{len(pending)}名述职人的报告尚未审定："
                                  + "、".join(pending))
    else:
        messages.success(request, "已安排评议，测评票箱已建立")
    return redirect("duty_review:meeting_detail", pk=meeting.pk)


def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    is_chair = has_perm(request.user, Perm.DUTY_MEETING) and _covers(request, meeting)
    rows = selectors.meeting_rows(meeting, with_results=False)
    not_open = meeting.box is not None and meeting.box.status == BoxStatus.DRAFT
    return render(request, "duty_review/meeting_detail.html", {
        "meeting": meeting, "rows": rows,
        "is_chair": is_chair, "closed": _closed(meeting), "kinds": RemarkKind.choices,
        "findings": RemarkFinding.choices,
        "editable": is_chair and not_open,
        # Before the ballots open: whose report is still not approved.
        "unapproved": unapproved_reporters(r.assignment for r in rows) if not_open else [],
        "audit": ballot_selectors.audit(meeting.box) if meeting.box else None,
        "rule_text": rules.describe(meeting.box.rule) if meeting.box else "",
    })


def _covers(request: AuthedRequest, meeting: Meeting) -> bool:
    try:
        require_chair(request.user, meeting)
    except PermissionDenied:  # not the chair: a read-only view
        return False
    return True


@require_POST
@once_per_form
def remark_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("upper_body"), pk=pk)
    require_chair(request.user, meeting)
    raw = request.POST.get("assignment", "")
    assignment = meeting.agenda.filter(assignment_id=int(raw) if raw.isdigit() else -1).first()
    try:
        if assignment is None:
            raise ValidationError("请选择述职人")
        p = request.POST
        with submission(request, fallback=f"/duty-review/meetings/{meeting.pk}/#a-{raw}"):
            remark_add(actor=request.user, meeting=meeting, assignment=assignment.assignment,
                       kind=p.get("kind", ""), speaker=p.get("speaker", ""),
                       text=p.get("text", ""), answer=p.get("answer", ""),
                       finding=p.get("finding", ""))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已记录")
    return redirect(f"/duty-review/meetings/{meeting.pk}/#a-{raw}")


def meeting_results(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    closed = _closed(meeting)
    rows = selectors.meeting_rows(meeting, with_results=closed)
    plans = rectification_plans_of([r.assignment for r in rows]) if meeting.rectification_at \
        else {}
    for row in rows:
        row.rectification = plans.get(row.assignment.pk)
    return render(request, "duty_review/meeting_results.html", {
        "meeting": meeting, "rows": rows, "closed": closed,
        "grades": [Grade(g).label for g in GRADE_ORDER], "grade_choices": Grade.choices,
        "audit": ballot_selectors.audit(meeting.box) if meeting.box else None,
        "rule_text": rules.describe(meeting.box.rule) if meeting.box else "",
        "is_chair": _covers(request, meeting),
        "can_evaluate": has_perm(request.user, Perm.DUTY_EVALUATE),
        "plans": plans,
    })


def _require_closed(request: AuthedRequest, meeting: Meeting) -> HttpResponse | None:
    if not _closed(meeting):
        messages.info(request, "测评结束后才能导出结果")
        return redirect("duty_review:meeting_detail", pk=meeting.pk)
    return None


def meeting_tally(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _require_closed(request, meeting) or download(
        outputs.tally_xlsx(meeting), f"{meeting.title}测评结果.xlsx", XLSX_TYPE)


def meeting_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _require_closed(request, meeting) or download(
        outputs.notice_docx(meeting), f"{meeting.title}结果通报.docx", DOCX_TYPE)


@require_POST
def meeting_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("upper_body", "plan__year"), pk=pk)
    require_chair(request.user, meeting)
    p = request.POST
    try:
        held_on = parse_date(p.get("held_on", ""), "held_on", "日期")
        assert held_on is not None
        meeting_update(actor=request.user, meeting=meeting, title=p.get("title", ""),
                       held_on=held_on, place=p.get("place", ""),
                       members=p.get("members", ""), raters=p.get("raters", ""))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已保存评议会信息")
    return redirect("duty_review:meeting_detail", pk=meeting.pk)


@once_per_form
def meeting_rectify(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the list of problems for the organiser to confirm; POST: the plans of what was
    confirmed (a reporter with nothing confirmed gets no plan)."""
    meeting = get_object_or_404(Meeting.objects.select_related("upper_body", "plan__year", "box"),
                                pk=pk)
    require_chair(request.user, meeting)
    if request.method != "POST":
        if not _closed(meeting):
            messages.info(request, "测评结束后才能生成整改方案")
            return redirect("duty_review:meeting_detail", pk=meeting.pk)
        rows = rectification_candidates(meeting)
        return render(request, "duty_review/meeting_rectify.html", {
            "meeting": meeting, "rows": rows,
            "plans": rectification_plans_of([a for a, _ in rows]),
            "empty": [a for a, found in rows if not found]})
    back = reverse("duty_review:meeting_results", args=[meeting.pk])
    try:
        with submission(request, fallback=back):
            plans = meeting_rectification(actor=request.user, meeting=meeting,
                                          picks=set(request.POST.getlist("pick")))
    except ValidationError as exc:
        errors(request, exc)
        return redirect("duty_review:meeting_rectify", pk=meeting.pk)
    messages.success(request, f"已为{len(plans)}名述职人生成整改方案，整改事项已推送到工作台")
    return redirect(back)


def opinion_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    a: Assignment = get_visible_or_deny(request.user, Assignment, pk, select=(
        "plan__year", "reporter", "reporter_body", "upper_body"))
    item = a.agenda.select_related("meeting__box", "meeting__plan__year").first()
    if item is None or not _closed(item.meeting):
        messages.info(request, "述职评议测评结束后才能生成意见反馈函")
        return redirect("duty_review:my_reports")
    row = next((r for r in selectors.meeting_rows(item.meeting, with_results=True)
                if r.assignment.pk == a.pk), None)
    return download(outputs.letter_docx(a, row), f"{a.reporter.name}述职评议意见反馈函.docx",
                    DOCX_TYPE)


@require_POST
@once_per_form
def county_evaluate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Assignment.objects.select_related("upper_body"), pk=pk)
    require_body(request.user, Perm.DUTY_EVALUATE, a.upper_body)
    item = a.agenda.first()
    try:
        with submission(request):
            county_evaluate(actor=request.user, assignment=a,
                            grade=request.POST.get("grade", ""),
                            opinion=request.POST.get("opinion", ""))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, f"已记录{a.reporter.name}的综合考评")
    if item is None:
        return redirect("duty_review:meeting_list")
    return redirect("duty_review:meeting_results", pk=item.meeting_id)


