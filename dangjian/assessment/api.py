"""The 党建工作考核 API (R1, X.3): the pages' operations over the same services, selectors and
access checks. An assessment the user may not see answers 404; one they see but may not
conduct (not on its team) answers 403 with the service's own message.

Every operation names the year it works on with `year_id` where the page uses the year chosen
in the switcher (the default here too)."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from dangjian.accounts.models import User
from dangjian.api.pagination import Paged, paginate
from dangjian.api.schemas import ERRORS
from dangjian.assessment import access, documents, selectors, services
from dangjian.assessment.filters import MAX_ID, AssessmentFilter, ObservationFilter
from dangjian.assessment.jobs import FEEDBACK_ZIP
from dangjian.assessment.models import (
    PURPOSE,
    Assessment,
    Feedback,
    FeedbackStatus,
    Hearing,
    Interview,
    Judgement,
    Observation,
    ReportStatus,
    Scheme,
    SiteVisit,
    SpecialReport,
    SubjectKind,
    Team,
    subject_key,
)
from dangjian.assessment.schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    AssessmentResultOut,
    ExplainOut,
    FeedbackIn,
    FeedbackPageOut,
    FeedbackZipJobOut,
    HearingIn,
    HearingOut,
    IndicatorAddIn,
    IndicatorIn,
    IndicatorOut,
    InterviewIn,
    InterviewOut,
    JudgementIn,
    JudgementOut,
    ObservationIn,
    ObservationOut,
    ReplayOut,
    ReportIn,
    SchemeCreateIn,
    SchemeOut,
    ScoreSheetOut,
    ScoresIn,
    ScoresSavedOut,
    SiteVisitDetailOut,
    SiteVisitIn,
    SiteVisitOut,
    SpecialReportOut,
    TeamCreateIn,
    TeamOut,
    ThresholdsIn,
    WeightIn,
    YearQuery,
)
from dangjian.assessment.selectors import DeptRow, SubjectRow, scheme_for
from dangjian.assessment.services.scheme import scheme_is_published
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.core.years import selected_year
from dangjian.cycles.models import Year
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE, download
from dangjian.evidence.services import evidence_for
from dangjian.jobs.models import Job
from dangjian.jobs.services import job_submit
from dangjian.org.models import Body, BodyKind, Person
from dangjian.org.scope import Perm, has_perm, require_perm, scope_filter
from dangjian.scoring import selectors as scoring
from dangjian.scoring.models import Indicator, IndicatorSet

router = Router(tags=["党建考核"])

ZIP_TYPE = "application/zip"
NO_SCHEME = "本年度尚未建立考核指标体系"


def _binary(content_type: str, description: str) -> dict[str, Any]:
    """A download's 200 in OpenAPI: the file itself, not JSON."""
    return {"responses": {200: {"description": description, "content": {
        content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


def _day(value: dt.date | None) -> dt.date:
    """A record's date: today unless the client names one (the service checks it)."""
    return value or timezone.localdate()


def _missing(label: str) -> Http404:
    return Http404(f"所选{label}不存在或不在您的权限范围内")


# Lookups: the record if the user may see it, else 404 --------------------------------------


def _year(request: HttpRequest, year_id: int | None) -> Year:
    if year_id is None:
        return selected_year(request)
    year = Year.objects.filter(pk=year_id).first()
    if year is None:
        raise _missing("年度")
    return year


def _current_scheme(request: HttpRequest, year_id: int | None) -> Scheme:
    scheme = scheme_for(_year(request, year_id))
    if scheme is None:
        raise Http404(NO_SCHEME)
    return scheme


def _reaches_scheme(user: Any, body: Body) -> bool:
    return any(access.covers(user, perm, body) for perm in (
        Perm.ASSESS_VIEW, Perm.ASSESS_SYSTEM, Perm.ASSESS_MANAGE))


def _scheme_for_system(request: HttpRequest, pk: int) -> Scheme:
    scheme = Scheme.objects.select_related(
        "owner_body", "year", "set_leading_group", "set_secretary", "set_member"
    ).filter(pk=pk).first() if pk <= MAX_ID else None
    if scheme is None or not _reaches_scheme(request.user, scheme.owner_body):
        raise Http404
    access.require_system(request.user, scheme)
    return scheme


def _set_for_system(request: HttpRequest, pk: int) -> IndicatorSet:
    indicator_set = IndicatorSet.objects.select_related("owner_body").filter(
        pk=pk, purpose__startswith=f"{PURPOSE}.").first() if pk <= MAX_ID else None
    if indicator_set is None or not _reaches_scheme(request.user, indicator_set.owner_body):
        raise Http404
    access.require_system(request.user)
    return indicator_set


def _indicator_for_system(request: HttpRequest, pk: int) -> Indicator:
    indicator = Indicator.objects.select_related("set__owner_body").filter(
        pk=pk, set__purpose__startswith=f"{PURPOSE}.").first() if pk <= MAX_ID else None
    if indicator is None or not _reaches_scheme(request.user, indicator.set.owner_body):
        raise Http404
    access.require_system(request.user)
    return indicator


def _assessment(request: HttpRequest, pk: int, *, conduct: bool = False) -> Assessment:
    """Seen (else 404), then conducted by the user's team if asked (else 403)."""
    a = Assessment.objects.select_related(
        "unit", "team", "box", "leading_group", "scheme__year", "scheme__owner_body",
        "scheme__set_leading_group", "scheme__set_secretary", "scheme__set_member",
    ).filter(pk=pk).first() if pk <= MAX_ID else None
    if a is None or not access.can_view(request.user, a):
        raise Http404
    if conduct:
        access.require_conduct(request.user, a)
    return a


def _subject(a: Assessment, kind: str, person_id: int | None) -> Person | None:
    if kind not in SubjectKind.values:
        raise _missing("考核对象")
    if kind == SubjectKind.LEADING_GROUP:
        return None
    leader = a.leaders.filter(kind=kind, person_id=person_id or 0).select_related(
        "person").first() if (person_id or 0) <= MAX_ID else None
    if leader is None:
        raise _missing("考核对象")
    return leader.person


def _feedback_reader(request: HttpRequest, pk: int) -> tuple[Assessment, Feedback | None]:
    """Assessment readers; the department's 党组 once the letter is sent; nobody else."""
    a = Assessment.objects.select_related(
        "unit", "scheme__year", "scheme__owner_body", "leading_group",
    ).filter(pk=pk).first() if pk <= MAX_ID else None
    if a is None:
        raise Http404
    feedback = Feedback.objects.filter(assessment=a).first()
    if access.can_view(request.user, a):
        return a, feedback
    if access.can_receive(request.user, a):
        if feedback and feedback.status != FeedbackStatus.DRAFT:
            return a, feedback
        raise PermissionDenied("您无权查看该反馈意见")
    raise Http404


def _units(request: HttpRequest) -> QuerySet[Body]:
    return scope_filter(request.user, Perm.ASSESS_MANAGE, Body.objects.filter(
        kind=BodyKind.UNIT, valid_to__isnull=True)).order_by("path")


# Output shapes -------------------------------------------------------------------------------


def _scheme_out(user: Any, scheme: Scheme) -> dict[str, Any]:
    sets = []
    for kind in SubjectKind:
        s = scheme.set_of(kind)
        lines = dict(scoring.thresholds(s))
        sets.append({
            "id": s.pk, "kind": kind, "kind_label": kind.label, "title": s.title,
            "status": s.status, "full_marks": scoring.full_marks(s),
            "thresholds": [{"grade": g, "label": Grade(g).label, "line": lines.get(str(g))}
                           for g in GRADE_ORDER[:-1]],
            "indicators": [{
                "id": n.indicator.pk, "parent_id": n.indicator.parent_id,
                "code": n.indicator.code, "title": n.indicator.title, "depth": n.depth,
                "is_leaf": n.is_leaf, "max_points": n.max_points, "weight": n.weight,
                "guidance": n.indicator.guidance,
                "evidence_methods": list(n.indicator.evidence_methods or []),
            } for n in scoring.tree(s)],
        })
    return {"id": scheme.pk, "title": scheme.title, "year_id": scheme.year_id,
            "year": scheme.year.year, "county_weight": scheme.county_weight,
            "published": scheme_is_published(scheme),
            "can_edit": has_perm(user, Perm.ASSESS_SYSTEM), "sets": sets}


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    node = next(n for n in scoring.tree(indicator.set) if n.indicator.pk == indicator.pk)
    return {"id": indicator.pk, "parent_id": indicator.parent_id, "code": indicator.code,
            "title": indicator.title, "depth": node.depth, "is_leaf": node.is_leaf,
            "max_points": node.max_points, "weight": node.weight,
            "guidance": indicator.guidance,
            "evidence_methods": list(indicator.evidence_methods or [])}


def _user_out(user: User) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "full_name": user.get_full_name()}


def _team_out(team: Team) -> dict[str, Any]:
    return {"id": team.pk, "name": team.name,
            "leader": _user_out(team.leader) if team.leader else None,
            "members": [_user_out(u) for u in team.members.all()],
            "units": [{"assessment_id": a.pk, "unit_id": a.unit_id, "unit_name": a.unit.name}
                      for a in team.assessments.all()]}


def _assessment_out(a: Assessment) -> dict[str, Any]:
    return {"id": a.pk, "year": a.scheme.year.year, "unit_id": a.unit_id,
            "unit_name": a.unit.name, "team_id": a.team_id,
            "team_name": a.team.name if a.team else None, "box_id": a.box_id,
            "leaders": [{"person_id": leader.person_id, "name": leader.person.name,
                         "kind": leader.kind, "kind_label": leader.get_kind_display()}
                        for leader in a.leaders.all()]}


def _subject_out(row: SubjectRow) -> dict[str, Any]:
    return {"kind": row.kind, "kind_label": row.kind_label, "label": row.label,
            "person_id": row.person.pk if row.person else None,
            "total": row.total.total if row.total else None,
            "suggested": row.total.grade if row.total else None,
            "poll": row.poll, "poll_label": row.poll_label, "final": row.final,
            "final_label": row.final_label}


def _result_out(row: DeptRow) -> dict[str, Any]:
    a = row.assessment
    return {"assessment_id": a.pk, "unit_id": a.unit_id, "unit_name": a.unit.name,
            "dept": _subject_out(row.dept),
            "leaders": [_subject_out(r) for r in row.leaders],
            "feedback_status": row.feedback.status if row.feedback else None}


def _record_out(row: Hearing | Interview | SiteVisit) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row.pk, "recorded_by": str(row.recorded_by),
                           "created_at": row.created_at}
    if isinstance(row, Hearing):
        out |= {"held_on": row.held_on, "reporter": row.reporter, "summary": row.summary}
    elif isinstance(row, Interview):
        out |= {"held_on": row.held_on, "interviewee": row.interviewee, "notes": row.notes}
    else:
        out |= {"assessment_id": row.assessment_id, "visited_on": row.visited_on,
                "checked": row.checked, "findings": row.findings}
    return out


def _observation_out(row: Observation) -> dict[str, Any]:
    return {"id": row.pk, "year": row.year.year, "unit_id": row.unit_id,
            "unit_name": row.unit.name, "observed_on": row.observed_on,
            "content": row.content, "recorded_by": str(row.recorded_by),
            "created_at": row.created_at}


def _judgement_out(j: Judgement) -> dict[str, Any]:
    return {"id": j.pk, "assessment_id": j.assessment_id, "kind": j.kind,
            "person_id": j.person_id, "grade": j.grade, "grade_label": j.get_grade_display(),
            "reasons": j.reasons, "suggested": j.suggested, "total": j.total,
            "decided_by": str(j.decided_by), "decided_at": j.decided_at}


def _feedback_out(fb: Feedback) -> dict[str, Any]:
    return {"id": fb.pk, "number": fb.number, "body": fb.body,
            "problems": fb.problem_lines(), "status": fb.status,
            "status_label": fb.get_status_display(), "sent_at": fb.sent_at,
            "acknowledged_at": fb.acknowledged_at, "plan_id": fb.plan_id}


def _report_out(report: SpecialReport, rows: list[DeptRow]) -> dict[str, Any]:
    return {"id": report.pk, "scheme_id": report.scheme_id, "number": report.number,
            "title": report.title, "overview": report.overview,
            "highlights": report.highlights, "problems": report.problems,
            "suggestions": report.suggestions, "status": report.status,
            "status_label": report.get_status_display(), "issued_at": report.issued_at,
            "distribution": [{"grade_label": g, "count": n}
                             for g, n in selectors.distribution(rows)]}


# The indicator system (R1.1) -----------------------------------------------------------------


@router.get(
    "/scheme", response={200: SchemeOut, **ERRORS}, url_name="assessment_scheme",
    summary="考核指标体系",
    description="该年度的党组、党组书记、其他党组成员三套指标（树形）、分值、等次线和权重。"
                "尚未建立时返回 404。",
)
def scheme_detail(request: HttpRequest, filters: Query[YearQuery]) -> dict[str, Any]:
    require_perm(request.user, Perm.ASSESS_VIEW)
    return _scheme_out(request.user, _current_scheme(request, filters.year_id))


@router.post(
    "/scheme", response={201: SchemeOut, **ERRORS}, url_name="assessment_scheme",
    summary="建立考核指标体系",
    description="以草稿建立该年度的指标体系：有上年度的则复制上年度，否则采用默认指标。"
                "需要指标体系维护权限；已建立的返回 422。留痕。",
)
def scheme_create(request: HttpRequest, data: SchemeCreateIn) -> Status:
    access.require_system(request.user)
    year = _year(request, data.year_id)
    scheme = services.scheme_create(actor=request.user, year=year)
    return Status(201, _scheme_out(request.user, scheme_for(year) or scheme))


@router.post(
    "/scheme/{int:pk}/publish", response={200: SchemeOut, **ERRORS},
    url_name="assessment_scheme_publish", summary="发布考核指标体系",
    description="三套指标一并发布（有问题则一套也不发布，逐条列出）；发布后不能再修改。",
)
def scheme_publish(request: HttpRequest, pk: int) -> dict[str, Any]:
    scheme = _scheme_for_system(request, pk)
    scheme = services.scheme_publish(actor=request.user, scheme=scheme)
    return _scheme_out(request.user, scheme_for(scheme.year) or scheme)


@router.put(
    "/scheme/{int:pk}/weight", response={200: SchemeOut, **ERRORS},
    url_name="assessment_scheme_weight", summary="设置年度综合考核权重",
    description="党建考核在全县年度综合考核中所占的权重（%），用于结果导出。留痕。",
)
def scheme_weight(request: HttpRequest, pk: int, data: WeightIn) -> dict[str, Any]:
    scheme = _scheme_for_system(request, pk)
    services.scheme_weight_set(actor=request.user, scheme=scheme, weight=data.county_weight)
    return _scheme_out(request.user, scheme_for(scheme.year) or scheme)


@router.get(
    "/scheme/{int:pk}/replay", response={200: ReplayOut, **ERRORS},
    url_name="assessment_scheme_replay", summary="用上年度评分试算",
    description="把上年度的评分套用到本年度（草稿）指标体系上，看各对象的等次会如何变化。",
)
def scheme_replay(request: HttpRequest, pk: int) -> dict[str, Any]:
    scheme = _scheme_for_system(request, pk)
    previous = scheme_for(scheme.year.previous) if scheme.year.previous_id else None
    tables: list[dict[str, Any]] = []
    if previous is not None:
        names = {f"body:{a.unit_id}": a.unit.name for a in
                 Assessment.objects.filter(scheme=previous).select_related("unit")}
        for kind in SubjectKind:
            rows = scoring.replay(draft=scheme.set_of(kind), source=previous.set_of(kind))
            ids = [int(r.subject_key.split(":")[1]) for r in rows
                   if r.subject_key.startswith("person:")]
            names |= {f"person:{pk}": name for pk, name in
                      Person.objects.filter(pk__in=ids).values_list("pk", "name")}
            tables.append({"kind": kind, "kind_label": kind.label,
                           "changed": sum(1 for r in rows if r.changed),
                           "rows": [{"subject_key": r.subject_key,
                                     "name": names.get(r.subject_key, r.subject_key),
                                     "old_total": r.old_total, "old_grade": r.old_grade,
                                     "new_total": r.new_total, "new_grade": r.new_grade,
                                     "changed": r.changed} for r in rows]})
    return {"scheme_id": scheme.pk, "previous_scheme_id": previous.pk if previous else None,
            "tables": tables}


@router.post(
    "/sets/{int:pk}/indicators", response={201: IndicatorOut, **ERRORS},
    url_name="assessment_indicator_add", summary="添加指标",
    description="在草稿指标体系中添加一项指标（可指定上级指标）。已发布的返回 422。留痕。",
)
def indicator_add(request: HttpRequest, pk: int, data: IndicatorAddIn) -> Status:
    indicator_set = _set_for_system(request, pk)
    parent = None
    if data.parent is not None:
        parent = Indicator.objects.filter(set=indicator_set, pk=data.parent).first()
        if parent is None:
            raise _missing("上级指标")
    indicator = services.indicator_add(actor=request.user, indicator_set=indicator_set,
                                       parent=parent,
                                       fields=data.model_dump(exclude={"parent"}))
    return Status(201, _indicator_out(indicator))


@router.put(
    "/sets/{int:pk}/thresholds", response={200: SchemeOut, **ERRORS},
    url_name="assessment_thresholds_save", summary="设置等次线",
    description="“好”“较好”“一般”的最低分，应依次降低；其下为“差”。留痕。",
)
def thresholds_save(request: HttpRequest, pk: int, data: ThresholdsIn) -> dict[str, Any]:
    indicator_set = _set_for_system(request, pk)
    services.thresholds_save(actor=request.user, indicator_set=indicator_set,
                             thresholds={k: str(v) for k, v in data.model_dump().items()})
    return _scheme_out(request.user, _current_scheme(request, indicator_set.year_id))


@router.put(
    "/indicators/{int:pk}", response={200: IndicatorOut, **ERRORS},
    url_name="assessment_indicator", summary="修改指标",
    description="修改草稿指标体系中的一项指标（编号、名称、分值、评分说明、考核方式）。留痕。",
)
def indicator_edit(request: HttpRequest, pk: int, data: IndicatorIn) -> dict[str, Any]:
    indicator = _indicator_for_system(request, pk)
    indicator = services.indicator_update(actor=request.user, indicator=indicator,
                                          fields=data.model_dump())
    return _indicator_out(indicator)


@router.delete(
    "/indicators/{int:pk}", response={204: None, **ERRORS}, url_name="assessment_indicator",
    summary="删除指标",
    description="从草稿指标体系中删除一项指标及其下级。已发布的返回 422。留痕。",
)
def indicator_delete(request: HttpRequest, pk: int) -> Status:
    indicator = _indicator_for_system(request, pk)
    services.indicator_remove(actor=request.user, indicator=indicator)
    return Status(204, None)


# Teams and 平时掌握 (R1.2) --------------------------------------------------------------------


@router.get(
    "/teams", response={200: list[TeamOut], **ERRORS}, url_name="assessment_teams",
    summary="考核组列表",
    description="该年度的考核组、组长、成员和负责考核的单位。需要考核组织权限。",
)
@paginate(Paged)
def team_list(request: HttpRequest, filters: Query[YearQuery]) -> list[dict[str, Any]]:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    scheme = _current_scheme(request, filters.year_id)
    teams = (scheme.teams.prefetch_related("members", "assessments__unit")
             .select_related("leader").order_by("pk"))
    return [_team_out(t) for t in teams]


@router.post(
    "/teams", response={201: TeamOut, **ERRORS}, url_name="assessment_teams",
    summary="建立考核组",
    description="成员为工委工作人员（组长自动计入成员）；负责的单位须在您的考核组织范围内，"
                "并随之建立这些单位的考核。留痕。",
)
def team_create(request: HttpRequest, filters: Query[YearQuery], data: TeamCreateIn) -> Status:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    scheme = _current_scheme(request, filters.year_id)
    access.require_manage(request.user, scheme.owner_body)
    ids = list(dict.fromkeys([*data.members, *([data.leader] if data.leader else [])]))
    staff = {u.pk: u for u in User.objects.filter(
        pk__in=ids, is_active=True, role_assignments__role__in=("wc_admin", "wc_staff"),
        role_assignments__valid_to__isnull=True).distinct()}
    if set(ids) - staff.keys():
        raise _missing("考核组成员")
    if not ids:
        raise ValidationError({"members": "请选择考核组成员"})
    units = {u.pk: u for u in _units(request).filter(pk__in=data.units)}
    if set(data.units) - units.keys():
        raise _missing("单位")
    team = services.team_create(
        actor=request.user, scheme=scheme, name=data.name,
        leader=staff[data.leader] if data.leader else None,
        members=[staff[i] for i in ids], units=[units[i] for i in data.units])
    team = Team.objects.prefetch_related("members", "assessments__unit").select_related(
        "leader").get(pk=team.pk)
    return Status(201, _team_out(team))


@router.get(
    "/observations", response={200: list[ObservationOut], **ERRORS},
    url_name="assessment_observations", summary="平时掌握情况",
    description="该年度您的考核组织范围内各单位的平时掌握情况，新的在前；"
                "可按单位、内容筛选（与页面同一筛选）。",
)
@paginate(Paged)
def observation_list(request: HttpRequest, year: Query[YearQuery],
                     filters: Query[ObservationFilter]) -> list[dict[str, Any]]:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    qs = filters.apply(scope_filter(request.user, Perm.ASSESS_MANAGE, Observation.objects
                                    .filter(year=_year(request, year.year_id))))
    rows = qs.select_related("unit", "recorded_by", "year").order_by("-observed_on", "-id")
    return [_observation_out(r) for r in rows]


@router.post(
    "/observations", response={201: ObservationOut, **ERRORS},
    url_name="assessment_observations", summary="记录平时掌握情况",
    description="工委人员记录对某单位的平时掌握情况（日期在考核年度内且不晚于今天）。留痕。",
)
def observation_add(request: HttpRequest, year: Query[YearQuery], data: ObservationIn
                    ) -> Status:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    unit = _units(request).filter(pk=data.unit).first()
    if unit is None:
        raise _missing("单位")
    row = services.observation_add(actor=request.user, year=_year(request, year.year_id),
                                   unit=unit, observed_on=_day(data.date), content=data.content)
    return Status(201, _observation_out(row))


# Departments' assessments (R1.2, R1.3) -------------------------------------------------------


def _visible(request: HttpRequest, scheme: Scheme) -> QuerySet[Assessment]:
    qs = selectors.assessment_list(user=request.user, scheme=scheme)
    if not has_perm(request.user, Perm.ASSESS_VIEW) and not qs.exists():
        require_perm(request.user, Perm.ASSESS_VIEW)
    return qs


@router.get(
    "/assessments", response={200: list[AssessmentOut], **ERRORS},
    url_name="assessment_list", summary="考核单位列表",
    description="该年度您可查看的（或您所在考核组负责的）各单位考核，可按单位名称、考核组筛选。",
)
@paginate(Paged)
def assessment_list(request: HttpRequest, year: Query[YearQuery],
                    filters: Query[AssessmentFilter]) -> list[dict[str, Any]]:
    scheme = _current_scheme(request, year.year_id)
    qs = filters.assessments(_visible(request, scheme)).prefetch_related("leaders__person")
    return [_assessment_out(a) for a in qs]


@router.get(
    "/results", response={200: list[AssessmentResultOut], **ERRORS}, url_name="assessment_results",
    summary="考核结果",
    description="各单位党组及其党组书记、其他党组成员的得分、建议等次、民主测评和研判等次"
                "（与首页、结果导出相同），可按单位名称、考核组筛选。",
)
@paginate(Paged)
def result_list(request: HttpRequest, year: Query[YearQuery],
                filters: Query[AssessmentFilter]) -> list[dict[str, Any]]:
    scheme = _current_scheme(request, year.year_id)
    _visible(request, scheme)
    rows = filters.rows(selectors.results(user=request.user, scheme=scheme))
    return [_result_out(r) for r in rows]


@router.get(
    "/assessments/{int:pk}", response={200: AssessmentDetailOut, **ERRORS},
    url_name="assessment_detail", summary="单位考核详情",
    description="一个单位的考核：结果、听取汇报、实地察看、个别谈话次数（内容另查）、"
                "平时掌握情况。",
)
def assessment_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    a = _assessment(request, pk)
    rows = [r for r in selectors.results(user=request.user, scheme=a.scheme)
            if r.assessment.pk == a.pk]
    return {
        **_assessment_out(a), "result": _result_out(rows[0]) if rows else None,
        "hearings": [_record_out(h) for h in Hearing.objects.filter(assessment=a)
                     .select_related("recorded_by")],
        "site_visits": [_record_out(v) for v in SiteVisit.objects.filter(assessment=a)
                        .select_related("recorded_by")],
        "interview_count": Interview.objects.filter(assessment=a).count(),
        "observations": [_observation_out(o) for o in Observation.objects.filter(
            unit=a.unit, year=a.scheme.year).select_related("recorded_by", "unit", "year")],
        "can_conduct": access.is_team_member(request.user, a),
        "can_interviews": access.can_read_interviews(request.user, a),
    }


@router.post(
    "/assessments/{int:pk}/hearings", response={201: HearingOut, **ERRORS},
    url_name="assessment_hearing_add", summary="记录听取汇报",
    description="考核组成员记录听取该单位汇报的情况。留痕。",
)
def hearing_add(request: HttpRequest, pk: int, data: HearingIn) -> Status:
    a = _assessment(request, pk, conduct=True)
    row = services.hearing_add(actor=request.user, assessment=a, held_on=_day(data.date),
                               reporter=data.reporter, summary=data.summary)
    return Status(201, _record_out(row))


@router.get(
    "/assessments/{int:pk}/interviews", response={200: list[InterviewOut], **ERRORS},
    url_name="assessment_interviews", summary="个别谈话记录",
    description="保密：仅该单位的考核组和工委领导可查阅。",
)
@paginate(Paged)
def interview_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    a = _assessment(request, pk)
    access.require_interviews(request.user, a)
    return [_record_out(r) for r in Interview.objects.filter(assessment=a)
            .select_related("recorded_by").order_by("held_on", "pk")]


@router.post(
    "/assessments/{int:pk}/interviews", response={201: InterviewOut, **ERRORS},
    url_name="assessment_interviews", summary="记录个别谈话",
    description="考核组成员记录个别谈话（内容保密，留痕只记谈话日期）。",
)
def interview_add(request: HttpRequest, pk: int, data: InterviewIn) -> Status:
    a = _assessment(request, pk)
    access.require_interviews(request.user, a)
    access.require_conduct(request.user, a)
    row = services.interview_add(actor=request.user, assessment=a, held_on=_day(data.date),
                                 interviewee=data.interviewee, notes=data.notes)
    return Status(201, _record_out(row))


@router.post(
    "/assessments/{int:pk}/site-visits", response={201: SiteVisitOut, **ERRORS},
    url_name="assessment_site_visit_add", summary="记录实地察看",
    description="考核组成员记录实地察看；现场照片在实地察看页上传。留痕。",
)
def site_visit_add(request: HttpRequest, pk: int, data: SiteVisitIn) -> Status:
    a = _assessment(request, pk, conduct=True)
    row = services.site_visit_add(actor=request.user, assessment=a, visited_on=_day(data.date),
                                  checked=data.checked, findings=data.findings)
    return Status(201, _record_out(row))


@router.get(
    "/site-visits/{int:pk}", response={200: SiteVisitDetailOut, **ERRORS},
    url_name="assessment_site_visit", summary="实地察看详情",
    description="实地察看记录及其佐证材料（照片等）。",
)
def site_visit_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    visit = SiteVisit.objects.select_related("recorded_by").filter(pk=pk).first() \
        if pk <= MAX_ID else None
    if visit is None:
        raise Http404
    a = _assessment(request, visit.assessment_id)
    return {**_record_out(visit), "can_edit": access.is_team_member(request.user, a),
            "attachments": [{"id": f.pk, "name": f.original_name, "mime": f.mime,
                             "size": f.size, "sm3": f.sm3, "uploaded_at": f.uploaded_at}
                            for f in evidence_for(visit).order_by("pk")]}


@router.post(
    "/assessments/{int:pk}/poll", response={201: AssessmentOut, **ERRORS},
    url_name="assessment_poll_create", summary="创建民主测评",
    description="以该单位党组、党组书记和其他党组成员为测评对象创建票箱（工委保管）；"
                "票码在测评页发放。每单位一次。",
)
def poll_create(request: HttpRequest, pk: int) -> Status:
    a = _assessment(request, pk, conduct=True)
    a = services.poll_create(actor=request.user, assessment=a)
    return Status(201, _assessment_out(a))


@router.get(
    "/assessments/{int:pk}/scores/{kind}/{int:person}", response={200: ScoreSheetOut, **ERRORS},
    url_name="assessment_scores", summary="评分表",
    description="考核组成员对一个考核对象的评分表（本人已评的分和理由）。kind 为 "
                "leading_group（person 填 0）、secretary 或 member。",
)
def score_sheet(request: HttpRequest, pk: int, kind: str, person: int) -> dict[str, Any]:
    a = _assessment(request, pk, conduct=True)
    who = _subject(a, kind, person)
    indicator_set = a.scheme.set_of(kind)
    key = subject_key(kind, who.pk if who else a.unit_id)
    mine = {s.indicator_id: s for s in indicator_set.scores.filter(
        subject_key=key, assessor=request.user.pk)}
    rows = []
    for n in scoring.tree(indicator_set):
        score = mine.get(n.indicator.pk)
        rows.append({"indicator_id": n.indicator.pk, "code": n.indicator.code,
                     "title": n.indicator.title, "depth": n.depth, "is_leaf": n.is_leaf,
                     "max_points": n.max_points, "guidance": n.indicator.guidance,
                     "value": score.value if score else None,
                     "reason": score.reason if score else ""})
    return {"assessment_id": a.pk, "kind": kind, "kind_label": SubjectKind(kind).label,
            "person_id": who.pk if who else None, "label": who.name if who else a.unit.name,
            "set_id": indicator_set.pk, "rows": rows}


@router.put(
    "/assessments/{int:pk}/scores/{kind}/{int:person}",
    response={200: ScoresSavedOut, **ERRORS}, url_name="assessment_scores",
    summary="保存评分",
    description="保存本人对一个考核对象各末级指标的评分：全部保存或全部不保存；"
                "得分为空的项跳过。指标体系发布后才能评分。",
)
def scores_save(request: HttpRequest, pk: int, kind: str, person: int, data: ScoresIn
                ) -> dict[str, Any]:
    a = _assessment(request, pk, conduct=True)
    who = _subject(a, kind, person)
    indicator_set = a.scheme.set_of(kind)
    leaves = {i.pk: i for i in scoring.leaves(indicator_set)}
    bad = {f"entries.{n}.indicator": "不是该考核对象的末级指标"
           for n, e in enumerate(data.entries) if e.indicator not in leaves}
    if bad:
        raise ValidationError(bad)
    entries = [(leaves[e.indicator], "" if e.value is None else str(e.value), e.reason)
               for e in data.entries]
    saved = services.scores_save(actor=request.user, assessment=a, kind=kind, person=who,
                                 entries=entries)
    return {"saved": saved}


@router.post(
    "/assessments/{int:pk}/judgement", response={200: JudgementOut, **ERRORS},
    url_name="assessment_judge", summary="研判确定等次",
    description="考核组综合得分、民主测评和平时掌握情况确定等次，须写明理由；"
                "当时的建议等次和得分一并保存。改动留痕（前后对照）。",
)
def judge(request: HttpRequest, pk: int, data: JudgementIn) -> dict[str, Any]:
    a = _assessment(request, pk, conduct=True)
    who = _subject(a, data.kind, data.person)
    row = services.judgement_save(actor=request.user, assessment=a, kind=data.kind,
                                  person=who, grade=data.grade, reasons=data.reasons)
    return _judgement_out(row)


@router.get(
    "/assessments/{int:pk}/explain/{kind}/{int:person}", response={200: ExplainOut, **ERRORS},
    url_name="assessment_explain", summary="等次说明",
    description="一个考核对象为何得此等次：各指标失分及评分理由、扣分、民主测评、"
                "研判意见，以及与上年度的变化。",
)
def explain(request: HttpRequest, pk: int, kind: str, person: int) -> dict[str, Any]:
    a = _assessment(request, pk)
    who = _subject(a, kind, person)
    ex = selectors.explain(assessment=a, kind=kind, person=who)
    bd = ex.breakdown
    return {
        "label": ex.label, "kind": kind, "kind_label": SubjectKind(kind).label,
        "total": bd.total, "full_marks": bd.full_marks, "suggested": ex.suggested,
        "suggested_label": Grade(ex.suggested).label,
        "rows": [{"code": r.code, "title": r.title, "max_points": r.max_points,
                  "average": r.average, "contribution": r.contribution, "lost": r.lost,
                  "previous": r.previous, "change": r.change, "reasons": r.reasons}
                 for r in ex.rows],
        "movers": [r.code for r in ex.movers],
        "deductions": [{"points": d.points, "reason": d.reason} for d in bd.deductions],
        "poll": ex.poll, "poll_counts": ex.poll_counts,
        "judgement": _judgement_out(ex.judgement) if ex.judgement else None,
        "previous_total": ex.previous_total, "previous_grade": ex.previous_grade,
        "previous_poll": ex.previous_poll,
    }


# Feedback (R1.4) -----------------------------------------------------------------------------


def _feedback_page(request: HttpRequest, a: Assessment, fb: Feedback | None) -> dict[str, Any]:
    return {"assessment_id": a.pk, "unit_name": a.unit.name, "year": a.scheme.year.year,
            "feedback": _feedback_out(fb) if fb else None,
            "can_manage": has_perm(request.user, Perm.ASSESS_MANAGE)
            and access.covers(request.user, Perm.ASSESS_MANAGE, a.unit),
            "can_receive": access.can_receive(request.user, a)}


@router.get(
    "/assessments/{int:pk}/feedback", response={200: FeedbackPageOut, **ERRORS},
    url_name="assessment_feedback", summary="反馈意见",
    description="考核结果反馈意见。该单位党组在发出后可查阅和签收。",
)
def feedback_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    a, fb = _feedback_reader(request, pk)
    return _feedback_page(request, a, fb)


@router.put(
    "/assessments/{int:pk}/feedback", response={200: FeedbackPageOut, **ERRORS},
    url_name="assessment_feedback", summary="拟写反馈意见",
    description="工委拟写或修改反馈意见（发出前）。存在问题每行一条，发出时转为整改事项。留痕。",
)
def feedback_save(request: HttpRequest, pk: int, data: FeedbackIn) -> dict[str, Any]:
    a, _ = _feedback_reader(request, pk)
    access.require_manage(request.user, a.unit)
    fb = services.feedback_save(actor=request.user, assessment=a, body=data.body,
                                problems=data.problems, number=data.number)
    return _feedback_page(request, a, fb)


def _transition(request: HttpRequest, pk: int, to: str) -> dict[str, Any]:
    a, fb = _feedback_reader(request, pk)
    if to == FeedbackStatus.SENT:
        access.require_manage(request.user, a.unit)
    elif not access.can_receive(request.user, a):
        raise PermissionDenied("只有该单位党组可以签收反馈意见")
    if fb is None:
        raise ValidationError("请先拟写反馈意见")
    fb = services.feedback_transition(actor=request.user, feedback=fb, to=to)
    return _feedback_page(request, a, fb)


@router.post(
    "/assessments/{int:pk}/feedback/send", response={200: FeedbackPageOut, **ERRORS},
    url_name="assessment_feedback_send", summary="发出反馈意见",
    description="研判完成后发出反馈意见：通知该单位党组书记签收，存在问题转为整改事项。",
)
def feedback_send(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _transition(request, pk, FeedbackStatus.SENT)


@router.post(
    "/assessments/{int:pk}/feedback/ack", response={200: FeedbackPageOut, **ERRORS},
    url_name="assessment_feedback_ack", summary="签收反馈意见",
    description="该单位党组签收已发出的反馈意见。",
)
def feedback_ack(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _transition(request, pk, FeedbackStatus.ACKNOWLEDGED)


@router.get(
    "/assessments/{int:pk}/feedback.docx", response=ERRORS, url_name="assessment_feedback_docx",
    summary="下载反馈意见（.docx）",
    description="公文格式的反馈意见，与页面下载的文件相同。", openapi_extra=_binary(
        DOCX_TYPE, "反馈意见 .docx"),
)
def feedback_docx(request: HttpRequest, pk: int) -> HttpResponse:
    a, fb = _feedback_reader(request, pk)
    if fb is None:
        raise Http404
    data = documents.feedback_docx(fb, list(Judgement.objects.filter(assessment=a)))
    return download(data, f"{a.unit.name}{a.scheme.year.year}年度党建考核反馈意见.docx",
                    DOCX_TYPE)


@router.post(
    "/feedback.zip", response={202: FeedbackZipJobOut, **ERRORS},
    url_name="assessment_feedback_zip",
    summary="打包下载反馈意见",
    description="把您可查看的各单位反馈意见打包为 .zip，交后台任务生成；返回任务，"
                "在任务页（/jobs/）查看进度并下载。重复提交返回同一个未完成的任务。",
)
def feedback_zip(request: HttpRequest, filters: Query[YearQuery]) -> Status:
    require_perm(request.user, Perm.ASSESS_VIEW)
    scheme = _current_scheme(request, filters.year_id)
    job: Job = job_submit(actor=request.user, kind=FEEDBACK_ZIP, params={"scheme": scheme.pk},
                          key=f"scheme:{scheme.pk}",
                          label=f"打包下载{scheme.year.year}年度党建考核反馈意见")
    return Status(202, {"id": job.pk, "kind": job.kind, "label": job.label,
                        "state": job.state, "state_label": job.get_state_display(),
                        "url": job.get_absolute_url()})


# The special report and the results (R1.5) ---------------------------------------------------


def _manage_scheme(request: HttpRequest, year_id: int | None) -> Scheme:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    scheme = _current_scheme(request, year_id)
    access.require_manage(request.user, scheme.owner_body)
    return scheme


def _report(request: HttpRequest, scheme: Scheme) -> tuple[SpecialReport, list[DeptRow]]:
    rows = selectors.results(user=request.user, scheme=scheme)
    report = services.report_ensure(actor=request.user, scheme=scheme,
                                    summary=selectors.report_summary(rows))
    return report, rows


@router.get(
    "/report", response={200: SpecialReportOut, **ERRORS}, url_name="assessment_report",
    summary="专题报告",
    description="向县委报送的考核情况专题报告；首次查看时按考核结果生成初稿。需要考核组织权限。",
)
def report_detail(request: HttpRequest, filters: Query[YearQuery]) -> dict[str, Any]:
    report, rows = _report(request, _manage_scheme(request, filters.year_id))
    return _report_out(report, rows)


@router.patch(
    "/report", response={200: SpecialReportOut, **ERRORS}, url_name="assessment_report",
    summary="修改专题报告",
    description="只修改提交的字段；印发后不能再修改。留痕。",
)
def report_save(request: HttpRequest, filters: Query[YearQuery], data: ReportIn
                ) -> dict[str, Any]:
    report, rows = _report(request, _manage_scheme(request, filters.year_id))
    report = services.report_save(actor=request.user, report=report,
                                  fields=data.model_dump(exclude_none=True))
    return _report_out(report, rows)


@router.post(
    "/report/issue", response={200: SpecialReportOut, **ERRORS}, url_name="assessment_report_issue",
    summary="印发专题报告",
    description="印发前须填写文号；印发时的 .docx 留存，此后下载的就是印发稿。",
)
def report_issue(request: HttpRequest, filters: Query[YearQuery]) -> dict[str, Any]:
    report, rows = _report(request, _manage_scheme(request, filters.year_id))
    report = services.report_issue(actor=request.user, report=report,
                                   docx=documents.report_docx(report, rows))
    return _report_out(report, rows)


@router.get(
    "/report.docx", response=ERRORS, url_name="assessment_report_docx",
    summary="下载专题报告（.docx）",
    description="工委可下载拟稿或印发稿；其他可查看考核结果的用户只能下载印发稿。"
                "与页面下载的文件相同。",
    openapi_extra=_binary(DOCX_TYPE, "专题报告 .docx"),
)
def report_docx(request: HttpRequest, filters: Query[YearQuery]) -> HttpResponse:
    require_perm(request.user, Perm.ASSESS_VIEW)
    scheme = _current_scheme(request, filters.year_id)
    if access.covers(request.user, Perm.ASSESS_MANAGE, scheme.owner_body):
        report, rows = _report(request, scheme)
    else:
        issued = SpecialReport.objects.filter(scheme=scheme, status=ReportStatus.ISSUED).first()
        if issued is None:
            raise Http404
        report, rows = issued, []
    data = bytes(report.issued_docx) if report.issued_docx else documents.report_docx(
        report, rows)
    return download(data, f"{report.title}.docx", DOCX_TYPE)


@router.get(
    "/results.xlsx", response=ERRORS, url_name="assessment_results_xlsx",
    summary="导出考核结果（.xlsx）",
    description="各单位考核结果及折算的年度综合考核得分，与页面导出的文件相同"
                "（筛选条件同考核结果列表）。",
    openapi_extra=_binary(XLSX_TYPE, "考核结果 .xlsx"),
)
def results_xlsx(request: HttpRequest, year: Query[YearQuery],
                 filters: Query[AssessmentFilter]) -> HttpResponse:
    require_perm(request.user, Perm.ASSESS_VIEW)
    scheme = _current_scheme(request, year.year_id)
    rows = filters.rows(selectors.results(user=request.user, scheme=scheme))
    data = documents.results_xlsx(rows, scheme.county_weight, scheme.year.year)
    return download(data, f"{scheme.year.year}年度党建考核结果（年度综合考核）.xlsx", XLSX_TYPE)
