"""People (R0.2): list, page, create, edit, leave. ID numbers are masked unless revealed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.evidence.services import evidence_for
from dangjian.org import selectors
from dangjian.org.filters import PersonFilter
from dangjian.org.forms import PersonForm, PersonLeaveForm, add_service_error, person_initial
from dangjian.org.models import (
    PARTY_ORG_KINDS,
    UNIT_KINDS,
    Body,
    Person,
    PoliticalStatus,
    Post,
)
from dangjian.org.scope import (
    Perm,
    allows,
    bodies,
    has_perm,
    require,
    require_perm,
    scope_filter,
    scope_q,
)
from dangjian.org.services import person_create, person_id_reveal, person_leave, person_update
from dangjian.org.views.bodies import covers, form_page
from dangjian.org.views.body_picker import picked_body

PAGE_SIZE = 50  # rows per page of the list


def _visible_person(request: HttpRequest, pk: int) -> Person:
    qs = scope_filter(request.user, Perm.ORG_VIEW,
                      Person.objects.select_related("unit", "branch"))
    return get_object_or_404(qs, pk=pk)


def _editable_person(request: HttpRequest, pk: int) -> Person:
    person = _visible_person(request, pk)
    require(request.user, Perm.ORG_EDIT, person)
    return person


# The list ------------------------------------------------------------------------------------


def person_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.ORG_VIEW)
    filters = PersonFilter.from_query(request.GET)  # the same filters as its export and the API
    for label in filters.ignored:
        messages.warning(request, f"筛选条件“{label}”的值无效，已忽略")
    try:
        body, why = picked_body(request, filters.body)
    except Http404:
        body, why = None, "所选组织不存在或不在您的查看范围内，已显示全部人员"
    if why:
        messages.warning(request, why)
    filters.body = body.pk if body else None
    qs = filters.queryset(user, body)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "org/person_list.html", {
        "page": page, "filters": filters, "statuses": PoliticalStatus.choices,
        "body": body, "body_text": "" if body else request.GET.get("body_name", "")[:40],
        "can_create": has_perm(user, Perm.ORG_EDIT), "query": filters.to_query(),
    })


# A person's page -----------------------------------------------------------------------------


def _ended(post: Post, today: dt.date) -> bool:
    return post.end is not None and post.end <= today


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = _visible_person(request, pk)
    can_edit = allows(user, Perm.ORG_EDIT, person)
    posts = list(scope_filter(user, Perm.ORG_VIEW, selectors.posts_of(person=person))
                 .order_by("-start", "pk"))
    for post in posts:
        post.can_end = post.end is None and covers(user, Perm.ORG_EDIT, post.body)  # type: ignore[attr-defined]
    show_id = can_edit and request.GET.get("show_id") == "1" and bool(person.id_number)
    today = timezone.localdate()
    return render(request, "org/person_detail.html", {
        "person": person,
        "can_edit": can_edit,
        "show_id": show_id,
        "id_number": person_id_reveal(actor=user, person=person) if show_id else "",
        "current_posts": [p for p in posts if p.start <= today and not _ended(p, today)],
        "upcoming_posts": [p for p in posts if p.start > today],
        "past_posts": [p for p in posts if p.start <= today and _ended(p, today)],
        "can_trace": has_perm(user, Perm.TRACE_VIEW),
        "attachments": evidence_for(person),
    })


# Writes --------------------------------------------------------------------------------------


def _placements(user: Any, person: Person | None = None) -> tuple[QuerySet[Body], QuerySet[Body]]:
    """Where the user may place a person: party organisations they maintain, and the units
    those sit in (a branch secretary's department) or that they maintain themselves."""
    branches = (bodies(user, Perm.ORG_EDIT).filter(valid_to__isnull=True, kind__in=PARTY_ORG_KINDS)
                .order_by("path"))
    ancestors = {a for path in branches.values_list("path", flat=True)
                 for a in path.strip("/").split("/") if a}
    units = Body.objects.filter(valid_to__isnull=True, kind__in=UNIT_KINDS).filter(
        Q(pk__in=[int(a) for a in ancestors]) | scope_q(user, Perm.ORG_EDIT, Body)
    )
    if person is not None:  # keep the present placement selectable
        branches = branches | Body.objects.filter(pk__in=[person.branch_id or 0])
        units = units | Body.objects.filter(pk=person.unit_id)
    return branches.order_by("path"), units.order_by("path")


def _initial_placement(request: HttpRequest, branches: QuerySet[Body],
                       units: QuerySet[Body]) -> dict[str, Any]:
    """Preselect the branch (from ?branch=, or the only one the user has) and its unit."""
    options = list(branches[:2])
    raw = request.GET.get("branch", "")
    branch = branches.filter(pk=raw).first() if raw.isdigit() else None
    if branch is None and len(options) == 1:
        branch = options[0]
    raw_unit = request.GET.get("unit", "")
    unit = units.filter(pk=raw_unit).first() if raw_unit.isdigit() else None
    if unit is None and branch is not None:
        ids = [int(a) for a in branch.path.strip("/").split("/") if a]
        unit = units.filter(pk__in=ids).order_by("-depth").first()
    initial: dict[str, Any] = {}
    if branch is not None:
        initial["branch"] = branch.pk
    if unit is not None:
        initial["unit"] = unit.pk
        if branch is None:
            initial["political_status"] = PoliticalStatus.MASSES
    return initial


def person_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.ORG_EDIT)
    branches, units = _placements(user)
    initial = _initial_placement(request, branches, units) if request.method == "GET" else {}
    form = PersonForm(request.POST or None, initial=initial,
                      querysets={"branch": branches, "unit": units})
    if request.method == "POST" and form.is_valid():
        try:  # placing someone outside the user's scope raises PermissionDenied: a 403
            person = person_create(actor=user, **form.service_fields())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增人员“{person.name}”")
            return redirect("org:person_detail", pk=person.pk)
    return form_page(request, form, title="新增人员",
                     crumbs=[("人员", reverse("org:person_list")), ("新增人员", "")],
                     submit="保存", cancel=reverse("org:person_list"),
                     intro="党员须选择所在党组织；身份证号仅在有维护权限时可查看。")


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    name, masked = person.name, person.id_number_masked
    branches, units = _placements(request.user, person)
    form = PersonForm(request.POST or None, initial=person_initial(person),
                      querysets={"branch": branches, "unit": units})
    form.fields["id_number"].help_text = (
        f"当前：{masked}。留空则保持不变。" if masked else "当前未填写。"
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_update(actor=request.user, person=person,
                          **form.service_fields(keep_id_number=True))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("org:person_detail", pk=person.pk)
    return form_page(request, form, title=f"修改人员：{name}",
                     crumbs=[("人员", reverse("org:person_list")),
                             (name, reverse("org:person_detail", args=[pk])), ("修改", "")],
                     submit="保存", cancel=reverse("org:person_detail", args=[pk]))


def person_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    form = PersonLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_leave(actor=request.user, person=person, on=data["on"],
                         reason=data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已办理“{person.name}”调离")
            return redirect("org:person_detail", pk=person.pk)
    return form_page(request, form, title=f"调离：{person.name}",
                     crumbs=[("人员", reverse("org:person_list")),
                             (person.name, reverse("org:person_detail", args=[pk])),
                             ("调离", "")],
                     submit="确认调离", cancel=reverse("org:person_detail", args=[pk]),
                     danger=True)
