"""Pages for conducting the assessment (R1.2, R1.3): overview, teams, observations, a
department's records, scoring, 研判 and the explanation of a grade."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.assessment import access, selectors, services
from dangjian.assessment.filters import AssessmentFilter, ObservationFilter
from dangjian.assessment.models import (
    Assessment,
    Hearing,
    Interview,
    Judgement,
    Observation,
    SiteVisit,
    SubjectKind,
    subject_key,
)
from dangjian.assessment.views.common import (
    assessment_for,
    current_scheme,
    errors,
    parse_date,
    subject,
)
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.core.http import AuthedRequest
from dangjian.core.once import Claim, once_per_form, submission
from dangjian.core.years import selected_year
from dangjian.evidence.services import evidence_for
from dangjian.org.models import Body, BodyKind
from dangjian.org.scope import Perm, has_perm, require_perm, scope_filter
from dangjian.scoring import selectors as scoring


def home(request: AuthedRequest) -> HttpResponse:
    scheme = current_scheme(request)
    rows = selectors.results(user=request.user, scheme=scheme) if scheme else []
    if not rows and not has_perm(request.user, Perm.ASSESS_VIEW):
        require_perm(request.user, Perm.ASSESS_VIEW)
    filters = AssessmentFilter.from_query(request.GET)
    rows = filters.rows(rows)
    return render(request, "assessment/home.html", {
        "year": selected_year(request), "scheme": scheme, "rows": rows, "filters": filters,
        "distribution": selectors.distribution(rows),
        "has_feedback": any(r.feedback for r in rows),
        "can_manage": has_perm(request.user, Perm.ASSESS_MANAGE)})


def _units(request: AuthedRequest, perm: Perm) -> list[Body]:
    return list(scope_filter(request.user, perm, Body.objects.filter(
        kind=BodyKind.UNIT, valid_to__isnull=True)).order_by("path"))


def teams(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    scheme = current_scheme(request)
    team_rows = list(scheme.teams.prefetch_related("members", "assessments__unit")
                     .select_related("leader")) if scheme else []
    staff = User.objects.filter(role_assignments__role__in=("wc_admin", "wc_staff"),
                                role_assignments__valid_to__isnull=True, is_active=True
                                ).distinct().order_by("username")
    return render(request, "assessment/teams.html", {
        "scheme": scheme, "teams": team_rows, "staff": staff,
        "units": _units(request, Perm.ASSESS_MANAGE)})


def team_create_view(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    if request.method != "POST":
        raise Http404
    scheme = current_scheme(request)
    if scheme is None:
        messages.error(request, "本年度尚未建立考核指标体系")
        return redirect("assessment:teams")
    access.require_manage(request.user, scheme.owner_body)
    ids = [v for v in request.POST.getlist("members") if v.isdigit()]
    members = list(User.objects.filter(pk__in=ids))
    leader_id = request.POST.get("leader", "")
    leader = next((u for u in members if str(u.pk) == leader_id), None)
    unit_ids = {int(v) for v in request.POST.getlist("units") if v.isdigit()}
    units = [u for u in _units(request, Perm.ASSESS_MANAGE) if u.pk in unit_ids]
    try:
        if not members:
            raise ValidationError("请选择考核组成员")
        services.team_create(actor=request.user, scheme=scheme,
                             name=request.POST.get("name", ""), leader=leader, members=members,
                             units=units)
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已建立考核组")
    return redirect("assessment:teams")


@once_per_form
def observations(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.ASSESS_MANAGE)
    year = selected_year(request)
    units = _units(request, Perm.ASSESS_MANAGE)
    if request.method == "POST":
        unit_id = request.POST.get("unit", "")
        unit = next((u for u in units if str(u.pk) == unit_id), None)
        try:
            if unit is None:
                raise ValidationError("请选择部门（单位）")
            with submission(request, fallback=reverse("assessment:observations")):
                services.observation_add(actor=request.user, year=year, unit=unit,
                                         observed_on=parse_date(request.POST.get("date", "")),
                                         content=request.POST.get("content", ""))
        except ValidationError as exc:
            errors(request, exc)
        else:
            messages.success(request, "已记录")
        return redirect("assessment:observations")
    filters = ObservationFilter.from_query(request.GET)
    rows = filters.apply(scope_filter(request.user, Perm.ASSESS_MANAGE, Observation.objects
                                      .filter(year=year))).select_related(
        "unit", "recorded_by").order_by("-observed_on", "-id")[:200]
    return render(request, "assessment/observations.html",
                  {"year": year, "rows": rows, "units": units, "filters": filters})


def dept(request: AuthedRequest, pk: int) -> HttpResponse:
    a = assessment_for(request, pk)
    rows = [r for r in selectors.results(user=request.user, scheme=a.scheme)
            if r.assessment.pk == a.pk]
    return render(request, "assessment/dept.html", {
        "a": a, "row": rows[0] if rows else None,
        "hearings": Hearing.objects.filter(assessment=a).select_related("recorded_by"),
        "visits": SiteVisit.objects.filter(assessment=a).select_related("recorded_by"),
        "interview_count": Interview.objects.filter(assessment=a).count(),
        "observations": Observation.objects.filter(unit=a.unit, year=a.scheme.year)
        .select_related("recorded_by"),
        "can_conduct": access.is_team_member(request.user, a),
        "can_interviews": access.can_read_interviews(request.user, a),
        "can_manage": has_perm(request.user, Perm.ASSESS_MANAGE),
        "grades": [(g, Grade(g).label) for g in GRADE_ORDER]})


@once_per_form
def _record(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    a = assessment_for(request, pk, conduct=True)
    post, day = request.POST, parse_date(request.POST.get("date", ""))
    back = reverse("assessment:interviews" if kind == "interview" else "assessment:dept",
                   args=[pk])
    try:
        with submission(request, fallback=back) as once:
            return _record_one(request, a, kind, post, day, once)
    except ValidationError as exc:
        errors(request, exc)
    return redirect(back)


def _record_one(request: AuthedRequest, a: Assessment, kind: str, post: QueryDict,
                day: dt.date | None, once: Claim) -> HttpResponse:
    if kind == "hearing":
        services.hearing_add(actor=request.user, assessment=a, held_on=day,
                             reporter=post.get("reporter", ""), summary=post.get("summary", ""))
    elif kind == "interview":
        services.interview_add(actor=request.user, assessment=a, held_on=day,
                               interviewee=post.get("interviewee", ""),
                               notes=post.get("notes", ""))
    else:
        visit = services.site_visit_add(actor=request.user, assessment=a, visited_on=day,
                                        checked=post.get("checked", ""),
                                        findings=post.get("findings", ""))
        once.lands_on(reverse("assessment:site_visit", args=[visit.pk]))
        messages.success(request, "已记录实地察看，请上传现场照片")
        return redirect(once.target)
    messages.success(request, "已记录")
    return redirect(once.target)


def hearing_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    return _record(request, pk, "hearing")


def site_visit_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    return _record(request, pk, "site_visit")


def interviews(request: AuthedRequest, pk: int) -> HttpResponse:
    """个别谈话: confidential — the team and 工委 leaders only (checked before anything)."""
    a = assessment_for(request, pk)
    access.require_interviews(request.user, a)
    if request.method == "POST":
        return _record(request, pk, "interview")
    return render(request, "assessment/interviews.html", {
        "a": a, "rows": Interview.objects.filter(assessment=a).select_related("recorded_by"),
        "can_conduct": access.is_team_member(request.user, a)})


def site_visit(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(SiteVisit.objects.select_related("recorded_by"), pk=pk)
    a = assessment_for(request, visit.assessment_id)
    return render(request, "assessment/site_visit.html", {
        "a": a, "visit": visit, "record": visit, "record_kind": "assessment_site_visit",
        "attachments": evidence_for(visit), "can_edit": access.is_team_member(request.user, a)})


def poll_create_view(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    a = assessment_for(request, pk, conduct=True)
    try:
        services.poll_create(actor=request.user, assessment=a)
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已创建民主测评，请在测评页发放票码并开始测评")
    return redirect("assessment:dept", pk=pk)


def score(request: AuthedRequest, pk: int, kind: str, person: int) -> HttpResponse:
    a = assessment_for(request, pk, conduct=True)
    who = subject(a, kind, person)
    indicator_set = a.scheme.set_of(kind)
    nodes = scoring.tree(indicator_set)
    if request.method == "POST":
        entries = [(n.indicator, request.POST.get(f"v{n.indicator.pk}", ""),
                    request.POST.get(f"r{n.indicator.pk}", "")) for n in nodes if n.is_leaf]
        try:
            saved = services.scores_save(actor=request.user, assessment=a, kind=kind,
                                         person=who, entries=entries)
        except ValidationError as exc:
            errors(request, exc)
        else:
            messages.success(request, f"已保存{saved}项评分")
            return redirect("assessment:dept", pk=pk)
    key = subject_key(kind, who.pk if who else a.unit_id)
    mine = {s.indicator_id: s for s in indicator_set.scores.filter(
        subject_key=key, assessor=request.user)}
    rows = [{"node": n, "mine": mine.get(n.indicator.pk),
             "value": request.POST.get(f"v{n.indicator.pk}") if request.method == "POST"
             else None, "reason": request.POST.get(f"r{n.indicator.pk}")
             if request.method == "POST" else None} for n in nodes]
    return render(request, "assessment/score.html", {
        "a": a, "kind": SubjectKind(kind), "who": who, "rows": rows,
        "set": indicator_set})


def judge(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    a = assessment_for(request, pk, conduct=True)
    kind = request.POST.get("kind", "")
    person_id = request.POST.get("person", "0")
    try:
        who = subject(a, kind, int(person_id) if person_id.isdigit() else 0)
        services.judgement_save(actor=request.user, assessment=a, kind=kind, person=who,
                                grade=request.POST.get("grade", ""),
                                reasons=request.POST.get("reasons", ""))
    except Http404:
        messages.error(request, "考核对象不存在")
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已保存研判意见")
    return redirect("assessment:dept", pk=pk)


def explain(request: AuthedRequest, pk: int, kind: str, person: int) -> HttpResponse:
    a = assessment_for(request, pk)
    who = subject(a, kind, person)
    ex = selectors.explain(assessment=a, kind=kind, person=who)
    history = Judgement.objects.filter(assessment=a, kind=kind, person=who).first()
    return render(request, "assessment/explain.html", {
        "a": a, "ex": ex, "kind": SubjectKind(kind), "judgement": history,
        "suggested_label": Grade(ex.suggested).label,
        "grade_labels": {str(g): Grade(g).label for g in GRADE_ORDER}})
