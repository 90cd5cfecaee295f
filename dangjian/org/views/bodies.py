"""Bodies (R0.1): the tree as of a date, a body's page, and its structure changes.

Every page reads through the scope gate; a body outside the reader's scope is a 404, a body
they may see but not change is a 403 — both before any input is looked at.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.evidence.services import evidence_for
from dangjian.org import selectors
from dangjian.org.filters import BodyFilter
from dangjian.org.forms import (
    BodyCreateForm,
    BodyDissolveForm,
    BodyEditForm,
    BodyMergeForm,
    BodyMoveForm,
    BodyRenameForm,
    add_service_error,
)
from dangjian.org.models import ALLOWED_CHILDREN, PARTY_ORG_KINDS, Body, BodyKind, Person, Post
from dangjian.org.scope import (
    Perm,
    allows,
    bodies,
    grants_for,
    has_perm,
    require_body,
    require_perm,
    scope_filter,
)
from dangjian.org.services import (
    body_create,
    body_dissolve,
    body_merge,
    body_move,
    body_rename,
    body_update,
)
from dangjian.org.tree import tree_options

# Shared helpers (people.py and posts.py use them too) ----------------------------------------


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def covers(user: Any, perm: Perm, body: Body) -> bool:
    """May the user act with perm on this body? Answered from the cached grants, no query."""
    return any(g.covers_path(body.path) for g in grants_for(user, perm))


def body_options(qs: QuerySet[Body]) -> list[tuple[int, str]]:
    """(pk, indented name) for a filter select, in tree order."""
    return tree_options(qs.only("pk", "name", "depth", "path"))


def form_page(request: HttpRequest, form: Form, *, title: str, crumbs: list[tuple[str, str]],
              submit: str, cancel: str, intro: str = "", danger: bool = False) -> HttpResponse:
    # A form sent back with its errors is a 400: the input was refused and nothing changed.
    return render(request, "org/form.html", {
        "form": form, "title": title, "crumbs": crumbs, "submit": submit, "cancel": cancel,
        "intro": intro, "danger": danger,
    }, status=400 if form.is_bound and form.errors else 200)


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: one aggregate per row inside the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _n)"
    output_field = IntegerField()


def people_under(path_ref: Any) -> SubqueryCount:
    """Current people whose unit or party organisation lies in the subtree at path_ref."""
    return SubqueryCount(
        Person.objects.filter(left_on__isnull=True)
        .filter(Q(unit__path__startswith=path_ref) | Q(branch__path__startswith=path_ref))
        .values("pk")
    )


def _visible_body(request: HttpRequest, pk: int) -> Body:
    qs = bodies(request.user, Perm.ORG_VIEW).select_related("parent", "merged_into")
    return get_object_or_404(qs, pk=pk)


def _structure_body(request: HttpRequest, pk: int) -> Body:
    body = _visible_body(request, pk)
    require_body(request.user, Perm.ORG_STRUCTURE, body)
    return body


def _crumbs(body: Body, last: str) -> list[tuple[str, str]]:
    return [("组织架构", reverse("org:tree")),
            (body.name, reverse("org:body_detail", args=[body.pk])), (last, "")]


# The tree ------------------------------------------------------------------------------------


def tree(request: HttpRequest) -> HttpResponse:
    """Left: the tree as of a date. Right: the selected body's children (or, when filtering,
    its whole subtree) with counts. A fixed number of queries, however large the tree."""
    user = request.user
    require_perm(user, Perm.ORG_VIEW)
    today = timezone.localdate()
    on = parse_day(request.GET.get("on")) or today
    nodes = selectors.tree_on(user=user, on=on)
    by_id = {n.body_id: n for n in nodes}
    raw = request.GET.get("body", "")
    selected_id = int(raw) if raw.isdigit() else None
    if selected_id is not None and selected_id not in by_id:
        if not bodies(user, Perm.ORG_VIEW).filter(pk=selected_id).exists():
            raise Http404("组织不存在")
        messages.warning(request, f"所选组织在{on:%Y-%m-%d}不存在，已显示顶层结构")
        selected_id = None
    if selected_id is None and nodes:
        selected_id = nodes[0].body_id
    selected = by_id.get(selected_id) if selected_id else None

    # Left tree: roots, the path down to the selection, and the selection's children.
    expanded: set[int] = set()
    walker = selected
    while walker is not None:
        expanded.add(walker.body_id)
        walker = by_id.get(walker.parent_id) if walker.parent_id else None
    parents = {n.parent_id for n in nodes}
    shown = [
        {"node": n, "has_children": n.body_id in parents, "open": n.body_id in expanded}
        for n in nodes if n.parent_id not in by_id or n.parent_id in expanded
    ]

    # The children table's filters: the bodies export's and the API's (BodyFilter); the tree
    # matches names as of the date, the export the current ones.
    filters = BodyFilter.from_query(request.GET)
    kind, q, show_ended = filters.kind or "", filters.q, filters.include_ended
    rows: list[Body] = []
    if selected is not None:
        rows = _table_rows(user, nodes, selected, on=on, kind=kind, q=q, show_ended=show_ended)
    return render(request, "org/tree.html", {
        "on": on, "is_today": on == today, "shown": shown, "selected": selected,
        "rows": rows, "kind": kind, "q": q,
        "show_ended": show_ended, "kinds": BodyKind.choices, "searching": bool(q or kind),
        "can_structure": selected is not None and has_perm(user, Perm.ORG_STRUCTURE),
        "export_query": filters.model_copy(update={
            "body": selected.body_id if selected else None, "parent": None}).to_query(),
    })


def _table_rows(user: Any, nodes: list[selectors.TreeNode], selected: selectors.TreeNode, *,
                on: dt.date, kind: str, q: str, show_ended: bool) -> list[Body]:
    searching = bool(q or kind)
    if searching:  # the whole subtree as of the date: the nodes after it, deeper than it
        start = nodes.index(selected) + 1
        candidates = []
        for n in nodes[start:]:
            if n.depth <= selected.depth:
                break
            candidates.append(n)
    else:
        candidates = [n for n in nodes if n.parent_id == selected.body_id]
    by_id = {n.body_id: n for n in nodes}
    matches = [n for n in candidates
               if (not kind or n.kind == kind) and (not q or q in n.name)]
    order = {n.body_id: i for i, n in enumerate(matches)}
    wanted = Q(pk__in=list(order))
    if show_ended:  # bodies dissolved or merged by the date, last seen under the selection
        under = [selected.body_id, *(n.body_id for n in candidates)] if searching \
            else [selected.body_id]
        ended = Q(valid_to__lte=on, versions__parent_id__in=under,
                  versions__valid_to=F("valid_to"))
        if kind:
            ended &= Q(kind=kind)
        if q:
            ended &= Q(name__contains=q)
        wanted |= ended
    qs: QuerySet[Body] = (
        bodies(user, Perm.ORG_VIEW).filter(wanted).distinct()
        .annotate(people_count=people_under(OuterRef("path")))
    )
    rows = list(qs)
    child_counts = Counter(n.parent_id for n in nodes)  # as of the date, from the tree
    for body in rows:
        body.child_count = child_counts.get(body.pk, 0)  # type: ignore[attr-defined]
        node = by_id.get(body.pk)
        body.name_on = node.name if node else body.name  # type: ignore[attr-defined]
        parent = by_id.get(node.parent_id) if node and node.parent_id else None
        body.parent_on = parent.name if parent else ""  # type: ignore[attr-defined]
        body.ended_on = body.valid_to is not None and body.valid_to <= on  # type: ignore[attr-defined]
    rows.sort(key=lambda b: (order.get(b.pk, len(order)), b.sort_order, b.pk))
    return rows


# A body's page -------------------------------------------------------------------------------


def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    body = _visible_body(request, pk)
    children = (bodies(user, Perm.ORG_VIEW).filter(parent=body)
                .order_by("-valid_to", "sort_order", "pk"))
    posts = scope_filter(user, Perm.ORG_VIEW,
                         Post.objects.filter(body=body).current().select_related("person"))
    people = scope_filter(user, Perm.ORG_VIEW, Person.objects.filter(left_on__isnull=True))
    counts = {
        "direct": people.filter(Q(branch=body) | Q(unit=body)).count(),
        "subtree": people.filter(Q(branch__path__startswith=body.path)
                                 | Q(unit__path__startswith=body.path)).count(),
    }
    predecessors = scope_filter(user, Perm.ORG_VIEW, selectors.predecessors(body=body))
    can_structure = covers(user, Perm.ORG_STRUCTURE, body)
    can_edit_people = covers(user, Perm.ORG_EDIT, body)
    return render(request, "org/body_detail.html", {
        "body": body,
        "kind_label": BodyKind(body.kind).label,
        "versions": body.versions.select_related("parent").order_by("valid_from"),
        "children": children,
        "posts": posts,
        "counts": counts,
        "predecessors": predecessors,
        "can_structure": can_structure and body.is_active,
        "can_add_child": can_structure and body.is_active
        and bool(ALLOWED_CHILDREN.get(body.kind)),
        "can_add_person": can_edit_people and body.is_active
        and (body.kind in PARTY_ORG_KINDS or body.is_unit),
        "can_assign": can_edit_people and body.is_active,
        "can_trace": has_perm(user, Perm.TRACE_VIEW),
        "attachments": evidence_for(body),
        "can_edit": allows(user, Perm.ORG_EDIT, body),
    })


# Structure changes ---------------------------------------------------------------------------


def body_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.ORG_STRUCTURE)
    parents = bodies(user, Perm.ORG_STRUCTURE).filter(valid_to__isnull=True)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else {}
    form = BodyCreateForm(request.POST or None, querysets={"parent": parents}, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = body_create(
                actor=user, name=data["name"], kind=data["kind"], parent=data["parent"],
                valid_from=data["valid_from"], short_name=data["short_name"],
                code=data["code"] or None, sort_order=data["sort_order"] or 0,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增“{body.name}”")
            return redirect("org:body_detail", pk=body.pk)
    return form_page(request, form, title="新增组织机构",
                     crumbs=[("组织架构", reverse("org:tree")), ("新增组织机构", "")],
                     submit="保存", cancel=reverse("org:tree"),
                     intro="上级决定可设的类型：如部门下设党组、机关党委、党支部等。")


def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = _structure_body(request, pk)
    initial = {"short_name": body.short_name, "code": body.code or "",
               "sort_order": body.sort_order}
    form = BodyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body_update(actor=request.user, body=body, short_name=data["short_name"],
                        code=data["code"] or None, sort_order=data["sort_order"] or 0)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("org:body_detail", pk=body.pk)
    return form_page(request, form, title=f"修改：{body.name}", crumbs=_crumbs(body, "修改"),
                     submit="保存", cancel=reverse("org:body_detail", args=[body.pk]),
                     intro="名称的变更请用“更名”，以保留历史名称。")


def body_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    body = _structure_body(request, pk)
    form = BodyRenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body_rename(actor=request.user, body=body, name=data["name"], on=data["on"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已更名为“{body.name}”")
            return redirect("org:body_detail", pk=body.pk)
    return form_page(request, form, title=f"更名：{body.name}", crumbs=_crumbs(body, "更名"),
                     submit="更名", cancel=reverse("org:body_detail", args=[body.pk]),
                     intro="原名称保留在历史中，生效日期之前的年度仍显示原名称。")


def body_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    body = _structure_body(request, pk)
    parent_kinds = [k for k, children in ALLOWED_CHILDREN.items() if body.kind in children]
    parents = (bodies(request.user, Perm.ORG_STRUCTURE).filter(valid_to__isnull=True)
               .filter(kind__in=parent_kinds).exclude(path__startswith=body.path))
    if body.parent_id:
        parents = parents.exclude(pk=body.parent_id)
    form = BodyMoveForm(request.POST or None, querysets={"parent": parents})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body_move(actor=request.user, body=body, parent=data["parent"], on=data["on"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已将“{body.name}”调整到“{body.parent}”之下")
            return redirect("org:body_detail", pk=body.pk)
    return form_page(request, form, title=f"调整隶属：{body.name}",
                     crumbs=_crumbs(body, "调整隶属"), submit="调整",
                     cancel=reverse("org:body_detail", args=[body.pk]),
                     intro=f"现上级：{body.parent or '—'}。下级组织随之调整。")


def body_dissolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    body = _structure_body(request, pk)
    form = BodyDissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body_dissolve(actor=request.user, body=body, on=data["on"], reason=data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已撤销“{body.name}”")
            return redirect("org:body_detail", pk=body.pk)
    return form_page(request, form, title=f"撤销：{body.name}", crumbs=_crumbs(body, "撤销"),
                     submit="撤销", cancel=reverse("org:body_detail", args=[body.pk]),
                     danger=True,
                     intro="撤销前须先处理下级组织和在册人员；现任职务同日终止。历史记录保留。")


def body_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    body = _structure_body(request, pk)
    targets = (bodies(request.user, Perm.ORG_STRUCTURE).filter(valid_to__isnull=True)
               .filter(kind=body.kind).exclude(pk=body.pk))
    form = BodyMergeForm(request.POST or None, querysets={"into": targets})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body_merge(actor=request.user, body=body, into=data["into"], on=data["on"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已将“{body.name}”并入“{data['into'].name}”")
            return redirect("org:body_detail", pk=data["into"].pk)
    return form_page(request, form, title=f"合并：{body.name}", crumbs=_crumbs(body, "合并"),
                     submit="合并", cancel=reverse("org:body_detail", args=[body.pk]),
                     danger=True,
                     intro="在册人员转入合并后的组织，现任职务终止，本组织的历史保留。")
