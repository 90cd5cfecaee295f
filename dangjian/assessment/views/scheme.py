"""The indicator system pages (R1.1): view, build and edit in the browser, replay, publish."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dangjian.assessment import access, services
from dangjian.assessment.models import EVIDENCE_METHODS, Assessment, Scheme, SubjectKind
from dangjian.assessment.selectors import scheme_for
from dangjian.assessment.services.scheme import scheme_is_published
from dangjian.assessment.views.common import errors
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.core.http import AuthedRequest
from dangjian.core.years import selected_year
from dangjian.org.scope import Perm, has_perm, require_perm
from dangjian.scoring import selectors as scoring
from dangjian.scoring.models import Indicator, IndicatorSet


def _back() -> HttpResponse:
    return redirect("assessment:scheme")


def scheme_page(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.ASSESS_VIEW)
    year = selected_year(request)
    scheme = scheme_for(year)
    sections = []
    if scheme is not None:
        for kind in SubjectKind:
            s = scheme.set_of(kind)
            lines = dict(scoring.thresholds(s))
            sections.append({"kind": kind, "set": s, "nodes": scoring.tree(s),
                             "full": scoring.full_marks(s),
                             "thresholds": [(g, Grade(g).label, lines.get(str(g)))
                                            for g in GRADE_ORDER[:-1]]})
    can_edit = has_perm(request.user, Perm.ASSESS_SYSTEM)
    return render(request, "assessment/scheme.html", {
        "year": year, "scheme": scheme, "sections": sections,
        "published": scheme is not None and scheme_is_published(scheme),
        "can_edit": can_edit, "methods": EVIDENCE_METHODS,
        "has_previous": year.previous_id is not None and scheme_for(year.previous) is not None,
    })


@require_POST
def scheme_create_view(request: AuthedRequest) -> HttpResponse:
    access.require_system(request.user)
    try:
        services.scheme_create(actor=request.user, year=selected_year(request))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已建立本年度考核指标体系（草稿）")
    return _back()


def _scheme(request: AuthedRequest, pk: int) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("owner_body", "year"), pk=pk)
    access.require_system(request.user, scheme)
    return scheme


@require_POST
def scheme_publish_view(request: AuthedRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    try:
        services.scheme_publish(actor=request.user, scheme=scheme)
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "指标体系已发布，发布后不能再修改")
    return _back()


@require_POST
def scheme_weight_view(request: AuthedRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    try:
        services.scheme_weight_set(actor=request.user, scheme=scheme,
                                   weight=request.POST.get("county_weight", ""))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已保存权重")
    return _back()


def scheme_replay(request: AuthedRequest, pk: int) -> HttpResponse:
    """Last year's scores on this year's (draft) system: how grades would change."""
    scheme = _scheme(request, pk)
    previous = scheme_for(scheme.year.previous) if scheme.year.previous_id else None
    units = {}
    if previous is not None:
        units = {f"body:{a.unit_id}": a.unit.name for a in
                 Assessment.objects.filter(scheme=previous).select_related("unit")}
    tables = []
    for kind in SubjectKind if previous else []:
        assert previous is not None
        rows = scoring.replay(draft=scheme.set_of(kind), source=previous.set_of(kind))
        tables.append({"kind": kind, "rows": rows,
                       "changed": sum(1 for r in rows if r.changed)})
    names = {**units, **_names([r.subject_key for t in tables for r in t["rows"]])}
    for t in tables:
        t["rows"] = [(names.get(r.subject_key, r.subject_key), r) for r in t["rows"]]
    return render(request, "assessment/replay.html", {
        "scheme": scheme, "previous": previous, "tables": tables})


def _names(keys: list[str]) -> dict[str, str]:
    from dangjian.org.models import Person

    ids = [int(k.split(":")[1]) for k in keys if k.startswith("person:")]
    return {f"person:{pk}": name for pk, name in
            Person.objects.filter(pk__in=ids).values_list("pk", "name")}


def _set_in_scope(request: AuthedRequest, pk: int) -> IndicatorSet:
    indicator_set = get_object_or_404(IndicatorSet.objects.select_related("owner_body"), pk=pk)
    access.require_system(request.user)
    return indicator_set


def _fields(request: AuthedRequest) -> dict[str, Any]:
    return {"code": request.POST.get("code", ""), "title": request.POST.get("title", ""),
            "max_points": request.POST.get("max_points", ""),
            "guidance": request.POST.get("guidance", ""),
            "evidence_methods": [m for m in request.POST.getlist("methods")
                                 if m in EVIDENCE_METHODS]}


@require_POST
def indicator_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator_set = _set_in_scope(request, pk)
    parent_id = request.POST.get("parent", "")
    parent = (Indicator.objects.filter(set=indicator_set, pk=parent_id).first()
              if parent_id.isdigit() else None)
    try:
        services.indicator_add(actor=request.user, indicator_set=indicator_set, parent=parent,
                               fields=_fields(request))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已添加指标")
    return _back()


@require_POST
def indicator_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("set"), pk=pk)
    access.require_system(request.user)
    try:
        services.indicator_update(actor=request.user, indicator=indicator,
                                  fields=_fields(request))
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, f"已保存指标“{indicator.code}”")
    return _back()


@require_POST
def indicator_delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("set"), pk=pk)
    access.require_system(request.user)
    try:
        services.indicator_remove(actor=request.user, indicator=indicator)
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, f"已删除指标“{indicator.code}”")
    return _back()


@require_POST
def thresholds_view(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator_set = _set_in_scope(request, pk)
    try:
        services.thresholds_save(actor=request.user, indicator_set=indicator_set,
                                 thresholds={str(g): request.POST.get(str(g), "")
                                             for g in GRADE_ORDER[:-1]})
    except ValidationError as exc:
        errors(request, exc)
    else:
        messages.success(request, "已保存等次线")
    return _back()
