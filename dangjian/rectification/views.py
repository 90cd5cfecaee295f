from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.http import AuthedRequest
from dangjian.core.once import once_per_form, submission
from dangjian.evidence.services import evidence_for
from dangjian.org.models import Person
from dangjian.org.scope import Perm, require, scope_filter
from dangjian.rectification.models import Item, ItemStatus, Plan
from dangjian.rectification.schemas import ACTIONS, PlanFilter
from dangjian.rectification.services import (
    is_owner_side,
    is_verifier_side,
    item_add,
    item_plan,
    transition,
)


def _errors(request: AuthedRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _require_a_side(request: AuthedRequest, plan: Plan, owner_only: bool = False) -> None:
    """Scope first: someone with no part in the plan is refused before any input is read."""
    require(request.user, Perm.ORG_VIEW, plan)
    if is_owner_side(request.user, plan):
        return
    if not owner_only and is_verifier_side(request.user, plan):
        return
    raise PermissionDenied("您不是该整改方案的责任方或验收单位")


def plan_list(request: AuthedRequest) -> HttpResponse:
    filters = PlanFilter.from_query(request.GET)
    page = Paginator(filters.queryset(request), 50).get_page(request.GET.get("page"))
    year = filters.the_year(request) or filters.year
    return render(request, "rectification/plan_list.html", {"page": page, "year": year})


def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related(
        "owner_body", "owner_person", "verifier_body", "year", "carried_from"), pk=pk)
    require(request.user, Perm.ORG_VIEW, plan)
    items = list(plan.items.select_related("owner").prefetch_related("progress"))
    owner_side, verifier_side = is_owner_side(request.user, plan), is_verifier_side(
        request.user, plan)
    today = timezone.localdate()
    rows = [{"item": i, "overdue": i.is_overdue(today),
             "evidence": evidence_for(i) if owner_side or verifier_side else []} for i in items]
    people = scope_filter(request.user, Perm.ORG_VIEW, Person.objects.filter(
        unit=plan.owner_body.pk if plan.owner_body.is_unit else plan.owner_body.parent_id,
        left_on__isnull=True)) if owner_side else Person.objects.none()
    return render(request, "rectification/plan_detail.html", {
        "plan": plan, "rows": rows, "owner_side": owner_side, "verifier_side": verifier_side,
        "people": people, "Status": ItemStatus,
    })


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"deadline": "请填写有效的日期（年-月-日）"}) from None


@require_POST
@once_per_form
def item_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    _require_a_side(request, plan)
    try:
        with submission(request, fallback=reverse("rectification:plan_detail", args=[plan.pk])):
            item_add(actor=request.user, plan=plan, problem=request.POST.get("problem", ""),
                     measures=request.POST.get("measures", ""),
                     origin=request.POST.get("origin", "")[:40],
                     deadline=_date(request.POST.get("deadline", "")))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已添加整改事项")
    return redirect("rectification:plan_detail", pk=plan.pk)


@require_POST
def item_plan_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item.objects.select_related("plan"), pk=pk)
    _require_a_side(request, item.plan, owner_only=True)
    owner_id = request.POST.get("owner", "")
    owner = (scope_filter(request.user, Perm.ORG_VIEW, Person.objects.filter(pk=owner_id)).first()
             if owner_id.isdigit() else None)
    try:
        item_plan(actor=request.user, item=item, measures=request.POST.get("measures", ""),
                  deadline=_date(request.POST.get("deadline", "")), owner=owner)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已保存整改措施")
    return redirect("rectification:plan_detail", pk=item.plan_id)


@require_POST
@once_per_form
def item_transition_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item.objects.select_related("plan"), pk=pk)
    _require_a_side(request, item.plan)
    to = ACTIONS.get(request.POST.get("action", ""))
    if to is None:
        messages.error(request, "未知的操作")
    else:
        try:
            with submission(request, fallback=reverse("rectification:plan_detail",
                                                      args=[item.plan_id])):
                transition(actor=request.user, item=item, to=to,
                           note=request.POST.get("note", ""))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已记录")
    return redirect("rectification:plan_detail", pk=item.plan_id)
