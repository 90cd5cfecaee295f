"""述职评议 (R2) over the JSON API: the same services, selectors and checks as the pages.

A record the user may not read answers 404 whether or not it exists; a record they may read
but not act on answers 403 with the service's message; bad input 422 with field errors.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from dangjian.api.pagination import Paged, paginate
from dangjian.api.schemas import ERRORS
from dangjian.ballots import rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import BoxStatus
from dangjian.core.years import selected_year
from dangjian.cycles.models import Year
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE, download
from dangjian.duty_review import outputs, selectors
from dangjian.duty_review.models import (
    Assignment,
    DutyReport,
    Meeting,
    ReviewPlan,
)
from dangjian.duty_review.points import Tier
from dangjian.duty_review.schemas import (
    RULE_CHOICES,
    AssignmentAddIn,
    AssignmentEditIn,
    AssignmentFilter,
    AssignmentOut,
    AssignmentRemoveIn,
    CountyEvaluateIn,
    DutyPlanOut,
    DutyYearQuery,
    EvaluationOut,
    GenerateOut,
    MeetingCreateIn,
    MeetingDetailOut,
    MeetingOut,
    OpinionIn,
    PlanCreateIn,
    PlanCurrentOut,
    PlanDetailOut,
    PlanEditIn,
    QueueItemOut,
    RectifyIn,
    RectifyOut,
    RemarkAddIn,
    RemarkOut,
    ReportDetailOut,
    ReportOut,
    ReportSaveIn,
    ResultsOut,
)
from dangjian.duty_review.services import (
    assignment_add,
    assignment_remove,
    assignment_update,
    county_evaluate,
    meeting_create,
    meeting_rectification,
    plan_create,
    plan_generate,
    plan_publish,
    plan_update,
    remark_add,
    report_save,
    report_transition,
)
from dangjian.duty_review.services.meetings import rectification_plans_of, require_chair
from dangjian.duty_review.services.plans import work_committee
from dangjian.duty_review.services.reports import (
    carried_items,
    is_reporter,
    latest_version,
    report_sections,
    reviewer_here,
)
from dangjian.duty_review.workflow import (
    APPROVE,
    EDITABLE,
    RETURN,
    REVIEW_STAGES,
    STAGE_LABELS,
    SUBMIT,
    stage_body,
)
from dangjian.org.models import Body, Person
from dangjian.org.scope import Perm, has_perm, require_body, require_perm, scope_filter

router = Router(tags=["述职评议"])

PLAN_SELECT = ("year", "owner_body")
ASSIGNMENT_SELECT = ("plan__year", "plan__owner_body", "reporter", "reporter_body",
                     "upper_body", "report")
REPORT_SELECT = ("assignment__plan__year", "assignment__plan__owner_body",
                 "assignment__reporter", "assignment__reporter_body__parent",
                 "assignment__upper_body")
MEETING_SELECT = ("plan__year", "upper_body", "box")


def _binary(content_type: str, what: str) -> dict[str, Any]:
    """OpenAPI for a download: the file itself, not JSON."""
    return {"responses": {200: {
        "description": what,
        "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
    }}}


# Lookups: out of scope is 404, exactly like missing -----------------------------------------


def _visible_or_404(user: Any, model: type[Model], pk: int, select: tuple[str, ...]) -> Any:
    obj = selectors.visible(user, model._default_manager.filter(pk=pk)).select_related(
        *select).first()
    if obj is None:
        raise Http404
    return obj


def _plan(user: Any, pk: int) -> ReviewPlan:
    """Plans are read by everyone with 述职评议 access (as on the page)."""
    require_perm(user, Perm.DUTY_VIEW)
    plan = ReviewPlan.objects.select_related(*PLAN_SELECT).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def _plan_for_write(user: Any, pk: int) -> ReviewPlan:
    plan = _plan(user, pk)
    require_body(user, Perm.DUTY_PLAN, plan.owner_body)
    return plan


def _assignment(user: Any, pk: int) -> Assignment:
    a: Assignment = _visible_or_404(user, Assignment, pk, ASSIGNMENT_SELECT)
    return a


def _assignment_for_write(user: Any, pk: int) -> Assignment:
    a = _assignment(user, pk)
    require_body(user, Perm.DUTY_PLAN, a.plan.owner_body)
    return a


def _report(user: Any, pk: int) -> DutyReport:
    report: DutyReport = _visible_or_404(user, DutyReport, pk, REPORT_SELECT)
    return report


def _meeting(user: Any, pk: int) -> Meeting:
    meeting: Meeting = _visible_or_404(user, Meeting, pk, MEETING_SELECT)
    return meeting


def _ref_missing(label: str) -> Http404:
    return Http404(f"所选{label}不存在或不在您的权限范围内")


def _year(request: HttpRequest, year_id: int | None) -> Year:
    if year_id is None:
        return selected_year(request)
    year = Year.objects.filter(pk=year_id).first()
    if year is None:
        raise _ref_missing("年度")
    return year


def _closed(meeting: Meeting) -> bool:
    return meeting.box is not None and meeting.box.status == BoxStatus.CLOSED


def _is_chair(user: Any, meeting: Meeting) -> bool:
    try:
        require_chair(user, meeting)
    except PermissionDenied:
        return False
    return True


def _reload(model: type[Model], pk: int, select: tuple[str, ...]) -> Any:
    return model._default_manager.select_related(*select).get(pk=pk)


# Plans ---------------------------------------------------------------------------------------


@router.get(
    "/plans/current", response={200: PlanCurrentOut, **ERRORS},
    url_name="duty_review_plan_current", summary="本年度工作方案",
    description="所选年度（默认当前年度）的述职评议工作方案；尚未制定时 plan 为 null。",
)
def plan_current(request: HttpRequest, filters: Query[DutyYearQuery]) -> dict[str, Any]:
    require_perm(request.user, Perm.DUTY_VIEW)
    year = _year(request, filters.year_id)
    return {"year_id": year.pk, "year": year.year, "plan": selectors.plan_for_year(year),
            "can_plan": has_perm(request.user, Perm.DUTY_PLAN)}


@router.get(
    "/plans", response={200: list[DutyPlanOut], **ERRORS}, url_name="duty_review_plan_list",
    summary="历年工作方案", description="各年度的述职评议工作方案，新的在前。",
)
@paginate(Paged)
def plan_list(request: HttpRequest) -> QuerySet[ReviewPlan]:
    require_perm(request.user, Perm.DUTY_VIEW)
    return ReviewPlan.objects.select_related(*PLAN_SELECT).order_by("-year__year")


@router.post(
    "/plans", response={201: DutyPlanOut, **ERRORS}, url_name="duty_review_plan_create",
    summary="制定工作方案",
    description="工委为一个年度（默认当前选择的年度）建立述职评议工作方案（草拟中）。"
                "每个年度只有一个方案。留痕。",
)
def plan_create_op(request: HttpRequest, data: PlanCreateIn) -> Status:
    require_body(request.user, Perm.DUTY_PLAN, work_committee())
    year = _year(request, data.year_id)
    plan = plan_create(actor=request.user, year=year, report_deadline=data.report_deadline,
                       title=data.title, notes=data.notes)
    return Status(201, _reload(ReviewPlan, plan.pk, PLAN_SELECT))


class PlanView:
    """A plan with what its detail page shows around it."""

    def __init__(self, user: Any, plan: ReviewPlan) -> None:
        self._plan = plan
        counts = selectors.status_counts(user=user, plan=plan)
        self.summary = [{"tier": t, "tier_label": t.label, "counts": counts.get(t, {}),
                         "total": sum(counts.get(t, {}).values())} for t in Tier]
        self.late = [{"report_id": r.pk, "reporter_name": r.assignment.reporter.name,
                      "reporter_body_name": r.assignment.reporter_body.name,
                      "deadline": r.assignment.deadline, "status": r.status}
                     for r in selectors.late_reports(user=user, plan=plan,
                                                     today=timezone.localdate())[:200]]
        self.meetings = list(selectors.meeting_list(user=user, plan=plan)
                             .select_related("plan__year"))
        self.can_plan = has_perm(user, Perm.DUTY_PLAN)
        self.can_meet = has_perm(user, Perm.DUTY_MEETING)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._plan, name)


@router.get(
    "/plans/{int:pk}", response={200: PlanDetailOut, **ERRORS},
    url_name="duty_review_plan_detail", summary="工作方案详情",
    description="方案本身、各层级报告进度、逾期未报送的报告（至多200条）和评议会安排。"
                "述职对象另见 /plans/{pk}/assignments。",
)
def plan_detail(request: HttpRequest, pk: int) -> PlanView:
    return PlanView(request.user, _plan(request.user, pk))


@router.patch(
    "/plans/{int:pk}", response={200: DutyPlanOut, **ERRORS}, url_name="duty_review_plan_edit",
    summary="修改工作方案",
    description="只修改提交的字段：名称、报告截止日期（仍按原截止日期的述职人随之调整）、"
                "评议会起止日期、评定规则、工作要求。留痕。",
)
def plan_edit(request: HttpRequest, pk: int, data: PlanEditIn) -> ReviewPlan:
    plan = _plan_for_write(request.user, pk)
    sent = data.model_dump(exclude_unset=True)
    plan_update(
        actor=request.user, plan=plan,
        title=sent.get("title") or plan.title,
        report_deadline=sent.get("report_deadline") or plan.report_deadline,
        meetings_from=sent.get("meetings_from", plan.meetings_from),
        meetings_to=sent.get("meetings_to", plan.meetings_to),
        rule=RULE_CHOICES[data.rule] if data.rule else plan.rule,
        notes=sent["notes"] if sent.get("notes") is not None else plan.notes,
    )
    return _reload(ReviewPlan, plan.pk, PLAN_SELECT)


@router.post(
    "/plans/{int:pk}/generate", response={200: GenerateOut, **ERRORS},
    url_name="duty_review_plan_generate", summary="按职务任职生成述职对象",
    description="补上任职信息要求述职而方案中还没有的述职人（已有的不重复）。"
                "方案已印发时，新述职人的报告和待办随即建立。留痕。",
)
def plan_generate_op(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = _plan_for_write(request.user, pk)
    n = plan_generate(actor=request.user, plan=plan)
    return {"created": n, "plan": _reload(ReviewPlan, plan.pk, PLAN_SELECT)}


@router.post(
    "/plans/{int:pk}/publish", response={200: DutyPlanOut, **ERRORS},
    url_name="duty_review_plan_publish", summary="印发工作方案",
    description="印发后为每名述职人建立述职报告，并把撰写任务推送到其工作台。留痕。",
)
def plan_publish_op(request: HttpRequest, pk: int) -> ReviewPlan:
    plan = _plan_for_write(request.user, pk)
    plan_publish(actor=request.user, plan=plan)
    return _reload(ReviewPlan, plan.pk, PLAN_SELECT)


# Assignments ---------------------------------------------------------------------------------


@router.get(
    "/plans/{int:pk}/assignments", response={200: list[AssignmentOut], **ERRORS},
    url_name="duty_review_assignment_list", summary="述职对象列表",
    description="方案中您范围内的述职对象（含本人的），可按层级、姓名或组织筛选；"
                "与工作方案页面的筛选相同。",
)
@paginate(Paged)
def assignment_list(request: HttpRequest, pk: int,
                    filters: Query[AssignmentFilter]) -> QuerySet[Assignment]:
    plan = _plan(request.user, pk)
    return selectors.assignment_list(user=request.user, plan=plan, tier=filters.tier or "",
                                     query=filters.q.strip())


@router.post(
    "/plans/{int:pk}/assignments", response={201: AssignmentOut, **ERRORS},
    url_name="duty_review_assignment_add", summary="添加述职对象",
    description="把一名人员按某一层级加入方案；人员和组织须在您的范围内。"
                "方案已印发时随即建立其述职报告。留痕。",
)
def assignment_add_op(request: HttpRequest, pk: int, data: AssignmentAddIn) -> Status:
    plan = _plan_for_write(request.user, pk)
    person = scope_filter(request.user, Perm.ORG_VIEW,
                          Person.objects.filter(pk=data.reporter)).first()
    if person is None:
        raise _ref_missing("述职人")
    body = scope_filter(request.user, Perm.ORG_VIEW,
                        Body.objects.filter(pk=data.reporter_body)).first()
    if body is None:
        raise _ref_missing("述职人所在组织")
    a = assignment_add(actor=request.user, plan=plan, tier=data.tier, reporter=person,
                       reporter_body=body, form=data.form)
    return Status(201, _reload(Assignment, a.pk, ASSIGNMENT_SELECT))


@router.get(
    "/assignments/{int:pk}", response={200: AssignmentOut, **ERRORS},
    url_name="duty_review_assignment_detail", summary="述职对象详情",
    description="一名述职人的述职安排及其报告状态。范围外的返回 404。",
)
def assignment_detail(request: HttpRequest, pk: int) -> Assignment:
    return _assignment(request.user, pk)


@router.patch(
    "/assignments/{int:pk}", response={200: AssignmentOut, **ERRORS},
    url_name="duty_review_assignment_edit", summary="修改述职安排",
    description="只修改提交的字段：述职形式、报告截止日期。留痕。",
)
def assignment_edit(request: HttpRequest, pk: int, data: AssignmentEditIn) -> Assignment:
    a = _assignment_for_write(request.user, pk)
    assignment_update(actor=request.user, assignment=a, form=data.form or a.form,
                      deadline=data.deadline or a.deadline)
    return _reload(Assignment, a.pk, ASSIGNMENT_SELECT)


@router.post(
    "/assignments/{int:pk}/remove", response={200: AssignmentOut, **ERRORS},
    url_name="duty_review_assignment_remove", summary="移出述职对象",
    description="如调离：标为无效并关闭其待办；报告已报送的不能移出。留痕。",
)
def assignment_remove_op(request: HttpRequest, pk: int,
                         data: AssignmentRemoveIn) -> Assignment:
    a = _assignment_for_write(request.user, pk)
    assignment_remove(actor=request.user, assignment=a, reason=data.reason)
    return _reload(Assignment, a.pk, ASSIGNMENT_SELECT)


@router.post(
    "/assignments/{int:pk}/evaluate", response={200: EvaluationOut, **ERRORS},
    url_name="duty_review_county_evaluate", summary="县委综合考评",
    description="测评结束后，县委对向县委述职的工委和党组书记作出综合考评（再次提交即修改）。留痕。",
)
def county_evaluate_op(request: HttpRequest, pk: int, data: CountyEvaluateIn) -> Any:
    a = _assignment(request.user, pk)
    require_body(request.user, Perm.DUTY_EVALUATE, a.upper_body)
    evaluation = county_evaluate(actor=request.user, assignment=a, grade=data.grade,
                                 opinion=data.opinion)
    evaluation.refresh_from_db()
    return evaluation


@router.get(
    "/assignments/{int:pk}/letter.docx", response=ERRORS,
    url_name="duty_review_opinion_letter", summary="意见反馈函（.docx）",
    description="述职评议测评结束后，一名述职人的意见反馈函：审定意见、点评和询问、测评结果、"
                "县委综合考评。与页面下载的文件相同。测评未结束时返回 422。",
    openapi_extra=_binary(DOCX_TYPE, "意见反馈函"),
)
def opinion_letter(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assignment(request.user, pk)
    item = a.agenda.select_related("meeting__box", "meeting__plan__year").first()
    if item is None or not _closed(item.meeting):
        raise ValidationError("述职评议测评结束后才能生成意见反馈函")
    row = next((r for r in selectors.meeting_rows(item.meeting, with_results=True)
                if r.assignment.pk == a.pk), None)
    return download(outputs.letter_docx(a, row), f"{a.reporter.name}述职评议意见反馈函.docx",
                    DOCX_TYPE)


# Reports -------------------------------------------------------------------------------------


@router.get(
    "/reports/mine", response={200: list[ReportOut], **ERRORS},
    url_name="duty_review_my_reports", summary="我的述职报告",
    description="本人各年度、各层级的述职报告，新的年度在前。",
)
@paginate(Paged)
def my_reports(request: HttpRequest) -> QuerySet[DutyReport]:
    require_perm(request.user, Perm.SELF_VIEW)
    return selectors.my_reports(user=request.user).select_related(
        "assignment__reporter")


class QueueRow:
    def __init__(self, report: DutyReport, body: Body) -> None:
        self._report = report
        self.stage_label = STAGE_LABELS.get(report.status, "")
        self.stage_body_id, self.stage_body_name = body.pk, body.name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._report, name)


@router.get(
    "/reports/queue", response={200: list[QueueItemOut], **ERRORS},
    url_name="duty_review_review_queue", summary="待我审核的述职报告",
    description="当前环节由您所在组织审核的报告（集体初审、党组审定、工委审定意见），"
                "按截止日期排列，至多500条（与审核页面相同）。",
)
@paginate(Paged)
def review_queue(request: HttpRequest) -> list[QueueRow]:
    require_perm(request.user, Perm.DUTY_REVIEW)
    rows = selectors.review_queue(user=request.user)
    return [QueueRow(r, b) for r, b in rows]


class ReportView:
    """A report as one user sees it on its page: text, versions, steps, what they may do."""

    def __init__(self, user: Any, report: DutyReport) -> None:
        self._report = report
        carried = carried_items(report)
        last = latest_version(report)
        text = last.sections if last else {}
        self.sections = [{"key": s.key, "title": s.title, "hint": s.hint,
                          "text": text.get(s.key, "")}
                         for s in report_sections(report, carried)]
        self.carried = carried
        self.versions = list(report.versions.select_related("author").order_by("-number"))
        self.steps = list(report.steps.all())
        self.can_edit = is_reporter(user, report) and report.status in EDITABLE
        self.can_review = reviewer_here(user, report)
        body = (stage_body(report.assignment, report.status)
                if report.status in REVIEW_STAGES else None)
        self.stage_label = STAGE_LABELS.get(report.status, "")
        self.stage_body_id = body.pk if body else None
        self.stage_body_name = body.name if body else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._report, name)


def _report_view(user: Any, pk: int) -> ReportView:
    return ReportView(user, _report(user, pk))


@router.get(
    "/reports/{int:pk}", response={200: ReportDetailOut, **ERRORS},
    url_name="duty_review_report_detail", summary="述职报告详情",
    description="报告各部分及最新内容、上年度整改事项、历次版本、流转记录和意见，"
                "以及您能否撰写或审核。范围外的返回 404。",
)
def report_detail(request: HttpRequest, pk: int) -> ReportView:
    return _report_view(request.user, pk)


@router.post(
    "/reports/{int:pk}/save", response={200: ReportDetailOut, **ERRORS},
    url_name="duty_review_report_save", summary="保存述职报告",
    description="述职人本人保存报告内容为新版本（内容未变不增加版本）；submit 为 true 时随即报送。"
                "已报送、已审定的报告不能修改。",
)
def report_save_op(request: HttpRequest, pk: int, data: ReportSaveIn) -> ReportView:
    report = _report(request.user, pk)
    if not is_reporter(request.user, report):
        raise PermissionDenied("只有述职人本人可以撰写述职报告")
    report_save(actor=request.user, report=report, sections=data.sections)
    if data.submit:
        report_transition(actor=request.user, report=report, action=SUBMIT)
    return _report_view(request.user, pk)


def _transition(request: HttpRequest, pk: int, action: str, opinion: str) -> ReportView:
    report = _report(request.user, pk)
    if not (is_reporter(request.user, report) or reviewer_here(request.user, report)):
        raise PermissionDenied("当前环节不由您办理")
    report_transition(actor=request.user, report=report, action=action, opinion=opinion)
    return _report_view(request.user, pk)


@router.post(
    "/reports/{int:pk}/submit", response={200: ReportDetailOut, **ERRORS},
    url_name="duty_review_report_submit", summary="报送述职报告",
    description="述职人本人报送（或退回修改后重新报送）：各部分须已填写，"
                "从上年度整改专题汇报起。进入基层党组织集体初审；没有对应审核组织的环节自动跳过。",
)
def report_submit(request: HttpRequest, pk: int, data: OpinionIn) -> ReportView:
    return _transition(request, pk, SUBMIT, data.opinion)


@router.post(
    "/reports/{int:pk}/approve", response={200: ReportDetailOut, **ERRORS},
    url_name="duty_review_report_approve", summary="审核通过",
    description="当前环节（集体初审、党组审定、工委审定意见）的审核组织通过报告，转入下一环节；"
                "工委审定时须填写审定意见。",
)
def report_approve(request: HttpRequest, pk: int, data: OpinionIn) -> ReportView:
    return _transition(request, pk, APPROVE, data.opinion)


@router.post(
    "/reports/{int:pk}/return", response={200: ReportDetailOut, **ERRORS},
    url_name="duty_review_report_return", summary="退回修改",
    description="当前环节的审核组织把报告退回述职人修改，须填写修改意见；述职人的待办重新打开。",
)
def report_return(request: HttpRequest, pk: int, data: OpinionIn) -> ReportView:
    return _transition(request, pk, RETURN, data.opinion)


# Meetings ------------------------------------------------------------------------------------


@router.get(
    "/meetings", response={200: list[MeetingOut], **ERRORS},
    url_name="duty_review_meeting_list", summary="评议会列表",
    description="所选年度（默认当前年度）您范围内的述职评议会和书面评议。",
)
@paginate(Paged)
def meeting_list(request: HttpRequest, filters: Query[DutyYearQuery]) -> QuerySet[Meeting]:
    require_perm(request.user, Perm.DUTY_VIEW)
    plan = selectors.plan_for_year(_year(request, filters.year_id))
    if plan is None:
        return Meeting.objects.none()
    return selectors.meeting_list(user=request.user, plan=plan).select_related("plan__year")


@router.post(
    "/plans/{int:pk}/meetings", response={201: MeetingDetailOut, **ERRORS},
    url_name="duty_review_meeting_create", summary="安排评议会",
    description="为一个组织某一层级、某种形式的待安排述职人安排评议会（或书面评议），"
                "同时建立测评票箱。方案须已印发。留痕。",
)
def meeting_create_op(request: HttpRequest, pk: int, data: MeetingCreateIn) -> Status:
    require_perm(request.user, Perm.DUTY_MEETING)
    plan = _plan(request.user, pk)
    body = scope_filter(request.user, Perm.DUTY_MEETING,
                        Body.objects.filter(pk=data.upper_body)).first()
    if body is None:
        raise _ref_missing("主持组织")
    chosen = (list(Assignment.objects.filter(pk__in=set(data.assignments)))
              if data.assignments is not None else None)
    if chosen is not None and len(chosen) != len(set(data.assignments or [])):
        raise ValidationError(
            {"assignments": "所选述职人不属于该组织、层级和形式，或已安排在其他评议会"})
    meeting = meeting_create(actor=request.user, plan=plan, upper_body=body, tier=data.tier,
                             form=data.form, held_on=data.held_on, title=data.title,
                             place=data.place, members=data.members, raters=data.raters,
                             assignments=chosen)
    return Status(201, MeetingView(request.user, _reload(Meeting, meeting.pk, MEETING_SELECT)))


class MeetingView:
    def __init__(self, user: Any, meeting: Meeting) -> None:
        self._meeting = meeting
        self.rule_text = rules.describe(meeting.box.rule) if meeting.box else ""
        self.audit = ballot_selectors.audit(meeting.box) if meeting.box else None
        self.is_chair = has_perm(user, Perm.DUTY_MEETING) and _is_chair(user, meeting)
        rows = selectors.meeting_rows(meeting, with_results=False)
        self.agenda = [{
            "assignment_id": r.assignment.pk, "reporter_id": r.assignment.reporter_id,
            "reporter_name": r.assignment.reporter.name,
            "reporter_body_name": r.assignment.reporter_body.name,
            "report_id": getattr(_report_or_none(r.assignment), "pk", None),
            "report_status": getattr(_report_or_none(r.assignment), "status", None),
            "remarks": r.remarks,
        } for r in rows]
        self.n = len(rows)  # agenda_count

    def __getattr__(self, name: str) -> Any:
        return getattr(self._meeting, name)


def _report_or_none(a: Assignment) -> DutyReport | None:
    try:
        return a.report
    except DutyReport.DoesNotExist:
        return None


@router.get(
    "/meetings/{int:pk}", response={200: MeetingDetailOut, **ERRORS},
    url_name="duty_review_meeting_detail", summary="评议会详情",
    description="议程（述职人及其报告状态、点评和询问）、测评票箱状态与核对、评定规则。"
                "范围外的返回 404。",
)
def meeting_detail(request: HttpRequest, pk: int) -> MeetingView:
    return MeetingView(request.user, _meeting(request.user, pk))


@router.get(
    "/meetings/{int:pk}/remarks", response={200: list[RemarkOut], **ERRORS},
    url_name="duty_review_meeting_remarks", summary="点评与现场询问",
    description="本次评议会记录的点评和现场询问（含述职人的回答），按述职人和时间排列。",
)
@paginate(Paged)
def meeting_remarks(request: HttpRequest, pk: int) -> QuerySet[Any]:
    meeting = _meeting(request.user, pk)
    return meeting.remarks.select_related("assignment__reporter").order_by(
        "assignment_id", "at", "id")


@router.post(
    "/meetings/{int:pk}/remarks", response={201: RemarkOut, **ERRORS},
    url_name="duty_review_remark_add", summary="记录点评或现场询问",
    description="主持组织记录对议程中一名述职人的点评，或现场询问及其回答。书面评议不适用。留痕。",
)
def remark_add_op(request: HttpRequest, pk: int, data: RemarkAddIn) -> Status:
    meeting = _meeting(request.user, pk)
    require_chair(request.user, meeting)
    a = selectors.visible(request.user, Assignment.objects.filter(pk=data.assignment)).first()
    if a is None:
        raise _ref_missing("述职人")
    remark = remark_add(actor=request.user, meeting=meeting, assignment=a, kind=data.kind,
                        speaker=data.speaker, text=data.text, answer=data.answer,
                        finding=data.finding)
    return Status(201, _reload(type(remark), remark.pk, ("assignment__reporter",)))


@router.get(
    "/meetings/{int:pk}/results", response={200: ResultsOut, **ERRORS},
    url_name="duty_review_meeting_results", summary="评议结果",
    description="测评结束后每名述职人的各档票数、占比和综合评价，点评和询问，县委综合考评，"
                "以及已生成的整改方案。测评未结束时 rows 中不含票数。",
)
def meeting_results(request: HttpRequest, pk: int) -> dict[str, Any]:
    meeting = _meeting(request.user, pk)
    closed = _closed(meeting)
    rows = selectors.meeting_rows(meeting, with_results=closed)
    plans = rectification_plans_of([row.assignment for row in rows]) \
        if meeting.rectification_at else {}
    out = []
    for row in rows:
        r = row.result
        plan = plans.get(row.assignment.pk)
        out.append({
            "assignment_id": row.assignment.pk, "reporter_name": row.assignment.reporter.name,
            "reporter_body_name": row.assignment.reporter_body.name,
            "counts": {str(g): n for g, n in r.counts.items()} if r else None,
            "shares": {str(g): x for g, x in r.shares.items()} if r else None,
            "total": r.total if r else 0, "overall": r.overall if r else None,
            "overall_label": r.overall_label if r else "—", "remarks": row.remarks,
            "evaluation": row.evaluation, "rectification_plan_id": plan.pk if plan else None,
        })
    return {
        "meeting": meeting, "closed": closed,
        "rule_text": rules.describe(meeting.box.rule) if meeting.box else "",
        "audit": ballot_selectors.audit(meeting.box) if meeting.box else None,
        "is_chair": _is_chair(request.user, meeting),
        "can_evaluate": has_perm(request.user, Perm.DUTY_EVALUATE), "rows": out,
    }


def _require_closed(meeting: Meeting) -> None:
    if not _closed(meeting):
        raise ValidationError("测评结束后才能导出结果")


@router.get(
    "/meetings/{int:pk}/tally.xlsx", response=ERRORS, url_name="duty_review_meeting_tally",
    summary="测评结果（.xlsx）",
    description="测评结束后本次评议的测评结果表（含核对说明）。与页面下载的文件相同。"
                "测评未结束时返回 422。",
    openapi_extra=_binary(XLSX_TYPE, "测评结果表"),
)
def meeting_tally(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request.user, pk)
    _require_closed(meeting)
    return download(outputs.tally_xlsx(meeting), f"{meeting.title}测评结果.xlsx", XLSX_TYPE)


@router.get(
    "/meetings/{int:pk}/notice.docx", response=ERRORS, url_name="duty_review_meeting_notice",
    summary="结果通报（.docx）",
    description="测评结束后本次评议的结果通报（公文格式）。与页面下载的文件相同。"
                "测评未结束时返回 422。",
    openapi_extra=_binary(DOCX_TYPE, "结果通报"),
)
def meeting_notice(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request.user, pk)
    _require_closed(meeting)
    return download(outputs.notice_docx(meeting), f"{meeting.title}结果通报.docx", DOCX_TYPE)


@router.post(
    "/meetings/{int:pk}/rectify", response={200: RectifyOut, **ERRORS},
    url_name="duty_review_meeting_rectify", summary="生成整改方案",
    description="测评结束后，按标为“指出问题”的点评、询问和述职报告所列问题（可用 picks 确认其中"
                "一部分）为每名述职人生成整改方案，没有事项的不生成；整改事项推送到工作台；"
                "再次生成不会重复。留痕。",
)
def meeting_rectify(request: HttpRequest, pk: int, data: RectifyIn) -> dict[str, Any]:
    meeting = _meeting(request.user, pk)
    require_chair(request.user, meeting)
    plans = meeting_rectification(actor=request.user, meeting=meeting, deadline=data.deadline,
                                  picks=set(data.picks) if data.picks is not None else None)
    return {
        "meeting": _reload(Meeting, meeting.pk, MEETING_SELECT),
        "plans": [{"id": p.pk, "title": p.title, "owner_body_name": p.owner_body.name,
                   "owner_person_name": p.owner_person.name if p.owner_person else None,
                   "items": p.items.count()} for p in plans],
    }


