"""督查考评 pages: notes, the annual evaluation, commendations, 提醒约谈 cases step by step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.http import AuthedRequest
from dangjian.core.once import once_per_form, submission
from dangjian.core.years import selected_year
from dangjian.evidence.services import evidence_for
from dangjian.org.models import Body
from dangjian.org.scope import Perm, require, require_perm, scope_filter
from dangjian.responsibility import services
from dangjian.responsibility.models import (
    Case,
    Commendation,
    Evaluation,
    Stage,
    reachable_stages,
)
from dangjian.responsibility.services.common import covers, require_oversee
from dangjian.responsibility.views.common import parse_date, show_errors, uploads


def oversight(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.RESP_OVERSEE)
    year = selected_year(request)

    def scoped(model: type[Case] | type[Evaluation] | type[Commendation]) -> object:
        return scope_filter(request.user, Perm.RESP_VIEW,
                            model.objects.filter(year=year)).select_related("body")

    return render(request, "responsibility/oversight.html", {
        "year": year, "cases": scoped(Case), "evaluations": scoped(Evaluation),
        "commendations": scoped(Commendation),
    })


def _overseen_body(request: AuthedRequest, pk: int) -> Body:
    body = get_object_or_404(Body, pk=pk)
    require_oversee(request.user, body)
    return body


def _back_url(body: Body) -> str:
    return reverse("responsibility:org_detail", args=[body.pk])


def _back(body: Body) -> HttpResponse:
    return redirect(_back_url(body))


@require_POST
@once_per_form
def note_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    body = _overseen_body(request, pk)
    try:
        with submission(request, fallback=_back_url(body)):
            services.note_add(actor=request.user, year=selected_year(request), body=body,
                              kind=request.POST.get("kind", ""),
                              content=request.POST.get("content", ""),
                              noted_on=parse_date(request.POST.get("noted_on")))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已记录督查情况")
    return _back(body)


@require_POST
@once_per_form
def evaluation_set_view(request: AuthedRequest, pk: int) -> HttpResponse:
    body = _overseen_body(request, pk)
    try:
        with submission(request, fallback=_back_url(body)):
            services.evaluation_set(actor=request.user, year=selected_year(request), body=body,
                                    grade=request.POST.get("grade", ""),
                                    opinion=request.POST.get("opinion", ""))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已保存年度考评")
    return _back(body)


@require_POST
@once_per_form
def commend_view(request: AuthedRequest, pk: int) -> HttpResponse:
    body = _overseen_body(request, pk)
    try:
        with submission(request, fallback=_back_url(body)):
            services.commendation_add(actor=request.user, year=selected_year(request),
                                      body=body, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已记录表扬")
    return _back(body)


def _step_fields(request: AuthedRequest) -> dict[str, Any]:
    post = request.POST
    return {"stage": post.get("stage", ""), "held_on": parse_date(post.get("held_on")),
            "by_whom": post.get("by_whom", ""), "whom": post.get("whom", ""),
            "content": post.get("content", ""), "follow_up": post.get("follow_up", ""),
            "files": uploads(request), "skip_reason": post.get("skip_reason", "")}


@require_POST
@once_per_form
def case_open_view(request: AuthedRequest, pk: int) -> HttpResponse:
    body = _overseen_body(request, pk)
    try:
        with submission(request, fallback=_back_url(body)) as once:
            case = services.case_open(actor=request.user, year=selected_year(request),
                                      body=body, problem=request.POST.get("problem", ""),
                                      **_step_fields(request))
            once.lands_on(reverse("responsibility:case_detail", args=[case.pk]))
    except ValidationError as exc:
        show_errors(request, exc)
        return _back(body)
    messages.success(request, f"已记录{case.get_stage_display()}")
    return redirect("responsibility:case_detail", pk=case.pk)


def _case(request: AuthedRequest, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("body", "year", "target"), pk=pk)
    require(request.user, Perm.RESP_VIEW, case)
    return case


def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    steps = [(s, list(evidence_for(s))) for s in case.steps.all()]
    can_oversee = covers(request.user, Perm.RESP_OVERSEE, case.body)
    nexts = [Stage(to) for to in reachable_stages(case.stage)]
    return render(request, "responsibility/case_detail.html", {
        "case": case, "steps": steps, "can_oversee": can_oversee, "nexts": nexts,
        "today": timezone.localdate(),
    })


@require_POST
@once_per_form
def case_escalate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    require_oversee(request.user, case.body)
    try:
        with submission(request, fallback=reverse("responsibility:case_detail",
                                                  args=[case.pk])):
            services.case_escalate(actor=request.user, case=case,
                                   **_step_fields(request))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已记录")
    return redirect("responsibility:case_detail", pk=case.pk)
