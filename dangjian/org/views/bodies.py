"""Bodies (R0.1): the tree as of a date, a body's page, and its structure changes.

Every page reads through the scope gate; a body outside the reader's scope is a 404, a body
they may see but not change is a 403 — both before any input is looked at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
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
from dangjian.org.models import (
    ALLOWED_CHILDREN,
    PARTY_ORG_KINDS,
    Body,
    BodyKind,
    BodyVersion,
    Person,
    Post,
)
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
from dangjian.org.views.body_picker import picked_body

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


TREE_LIMIT = 50  # nodes of one level shown at a time; "更多" fetches the next ones
TABLE_PAGE = 50  # rows of the children table per page


def _tree_day(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return parse_day(request.GET.get("on")) or today, today


def tree(request: HttpRequest) -> HttpResponse:
    """Left: the tree as of a date, a level at a time: the scope's roots, the path down to the
    selected body and its children; other nodes open on demand (`tree_nodes`). Right: the
    selected body's children (or, when filtering, its whole subtree) with counts, a page at a
    time. A fixed number of queries and a bounded page, however large the tree."""
    user = request.user
    require_perm(user, Perm.ORG_VIEW)
    on, today = _tree_day(request)
    raw = request.GET.get("body", "")
    chosen: Body | None = None
    path: list[int] | None = None
    find_text = ""
    if not raw and request.GET.get("body_name", "").strip():  # the finder, typed without JS
        try:
            chosen, why = picked_body(request, None)
        except Http404:
            chosen, why = None, "所选组织不存在或不在您的查看范围内"
        if chosen is None:
            messages.warning(request, why)
            find_text = request.GET["body_name"].strip()[:40]
        else:
            raw = str(chosen.pk)
    if raw.isdigit():
        chosen = bodies(user, Perm.ORG_VIEW).filter(pk=raw).first()
        if chosen is None:
            raise Http404("组织不存在")
        path = selectors.path_on(user=user, body=chosen, on=on)
        if path is None:
            messages.warning(request, f"所选组织在{on:%Y-%m-%d}不存在，已显示顶层结构")
            chosen = None
    keep = {path[0]} if path else set()
    roots, more_roots = selectors.tree_level(user=user, on=on, parents=None, limit=TREE_LIMIT,
                                             keep=keep)[None]
    if path is None and roots:
        path = [roots[0].body_id]
    path = path or []
    levels = selectors.tree_level(user=user, on=on, parents=path, limit=TREE_LIMIT,
                                  keep=set(path[1:])) if path else {}
    selected: selectors.LevelNode | None = None
    nodes = roots
    for body_id in path:  # hang each opened level under its node
        node = next((n for n in nodes if n.body_id == body_id), None)
        if node is None:
            break
        node.open = True
        node.children, node.more = levels.get(body_id, ([], 0))
        selected, nodes = node, node.children

    # The children table's filters: the bodies export's and the API's (BodyFilter); the tree
    # matches names as of the date, the export the current ones.
    filters = BodyFilter.from_query(request.GET)
    kind, q, show_ended = filters.kind or "", filters.q, filters.include_ended
    page = None
    if selected is not None:
        ids = _table_ids(user, selected, on=on, kind=kind, q=q, show_ended=show_ended)
        page = Paginator(ids, TABLE_PAGE).get_page(request.GET.get("page"))
        page.object_list = _table_rows(user, list(page.object_list), on=on)
    return render(request, "org/tree.html", {
        "on": on, "is_today": on == today, "roots": roots, "more_roots": more_roots,
        "find_text": find_text, "selected": selected, "page": page,
        "rows": page.object_list if page else [], "kind": kind, "q": q,
        "show_ended": show_ended, "kinds": BodyKind.choices, "searching": bool(q or kind),
        "can_structure": selected is not None and has_perm(user, Perm.ORG_STRUCTURE),
        "export_query": filters.model_copy(update={
            "body": selected.body_id if selected else None, "parent": None}).to_query(),
    })


def tree_nodes(request: HttpRequest) -> HttpResponse:
    """The children of one body as of a date (an htmx fragment of the tree: <li> items, then a
    "更多" item fetching the next ones). The parent must be in the reader's scope."""
    user = request.user
    require_perm(user, Perm.ORG_VIEW)
    on, today = _tree_day(request)
    raw = request.GET.get("parent", "")
    parent = bodies(user, Perm.ORG_VIEW).filter(pk=raw).first() if raw.isdigit() else None
    if parent is None:
        raise Http404("组织不存在或不在您的查看范围内")
    raw_offset = request.GET.get("offset", "")
    offset = min(int(raw_offset), 10**6) if raw_offset.isdigit() else 0
    nodes, more = selectors.tree_level(user=user, on=on, parents=[parent.pk], limit=TREE_LIMIT,
                                       offset=offset)[parent.pk]
    return render(request, "org/_tree_nodes.html", {
        "nodes": nodes, "more": more, "parent_id": parent.pk, "next_offset": offset + len(nodes),
        "on": on, "is_today": on == today, "selected_id": None,
    })


def _subtree_on(root: int, on: dt.date) -> RawSQL:
    """The ids of every body under `root` as the tree stood on the date (a recursive query:
    SQLite and PostgreSQL both have it), one subquery however deep."""
    table = BodyVersion._meta.db_table
    sql = (f"WITH RECURSIVE sub(id) AS ("
           f"SELECT body_id FROM {table} WHERE parent_id = %s AND valid_from <= %s"
           f" AND (valid_to IS NULL OR valid_to > %s)"
           f" UNION SELECT v.body_id FROM {table} v JOIN sub ON v.parent_id = sub.id"
           f" WHERE v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to > %s)"
           f") SELECT id FROM sub")
    return RawSQL(sql, (root, on, on, on, on))


def _table_ids(user: Any, selected: selectors.LevelNode, *, on: dt.date, kind: str, q: str,
               show_ended: bool) -> QuerySet[Any]:
    """The selected body's children that day (or, when searching, its whole subtree), with
    names as of the date; the current names are matched by the export instead."""
    searching = bool(q or kind)
    day = selectors.versions_on(on)
    if searching:
        candidates = _subtree_on(selected.body_id, on)
        live = day.filter(body_id__in=candidates)
    else:
        live = day.filter(parent_id=selected.body_id)
    if kind:
        live = live.filter(body__kind=kind)
    if q:
        live = live.filter(name__contains=q)
    wanted = Q(pk__in=live.values("body_id"))
    if show_ended:  # bodies dissolved or merged by the date, last seen under the selection
        last = Q(valid_to__lte=on, versions__valid_to=F("valid_to"))
        if searching:
            last &= (Q(versions__parent_id=selected.body_id)
                     | Q(versions__parent_id__in=_subtree_on(selected.body_id, on)))
        else:
            last &= Q(versions__parent_id=selected.body_id)
        if kind:
            last &= Q(kind=kind)
        if q:
            last &= Q(name__contains=q)
        wanted |= last
    return (bodies(user, Perm.ORG_VIEW).filter(wanted).distinct().order_by("sort_order", "pk")
            .values_list("pk", flat=True))


def _table_rows(user: Any, ids: list[int], *, on: dt.date) -> list[Body]:
    """One page of the table: its bodies with their counts and their names of that day."""
    day = selectors.versions_on(on)
    visible = bodies(user, Perm.ORG_VIEW).values("pk")
    version = day.filter(body_id=OuterRef("pk"))
    rows: list[Body] = list(
        Body.objects.filter(pk__in=ids)
        .annotate(child_count=SubqueryCount(day.filter(parent_id=OuterRef("pk"),
                                                       body__in=visible).values("pk")),
                  name_on=Coalesce(Subquery(version.values("name")[:1]), F("name")),
                  parent_on_id=Subquery(version.values("parent_id")[:1]))
    )
    order = {pk: i for i, pk in enumerate(ids)}
    rows.sort(key=lambda b: order[b.pk])
    _name_rows(rows, on)
    _count_people(rows)
    return rows


def _name_rows(rows: list[Body], on: dt.date) -> None:
    """The names that day of the shown rows' parents (one query for the page)."""
    ids = {b.parent_on_id for b in rows if b.parent_on_id}  # type: ignore[attr-defined]
    names = dict(selectors.versions_on(on).filter(body_id__in=ids)
                 .values_list("body_id", "name")) if ids else {}
    for body in rows:
        body.parent_on = names.get(body.parent_on_id, "")  # type: ignore[attr-defined]
        body.ended_on = body.valid_to is not None and body.valid_to <= on  # type: ignore[attr-defined]


def _count_people(rows: list[Body]) -> None:
    """Each row's current people (unit or party organisation in its subtree): one grouped
    query by (unit, party organisation), without joins, and their paths; added up along the
    paths in Python (a LIKE per row and person was the page's main cost)."""
    for body in rows:
        body.people_count = 0  # type: ignore[attr-defined]
    if not rows:
        return
    by_id = {b.pk: b for b in rows}
    pairs = list(Person.objects.filter(left_on__isnull=True).order_by()
                 .values_list("unit_id", "branch_id").annotate(n=Count("pk")))
    placed = {pk for unit, branch, _ in pairs for pk in (unit, branch) if pk}
    paths = dict(Body.objects.filter(pk__in=placed).values_list("pk", "path"))
    for unit, branch, n in pairs:
        ids = {int(a) for pk in (unit, branch) if pk
               for a in paths.get(pk, "").strip("/").split("/") if a}
        for pk in ids & by_id.keys():
            by_id[pk].people_count += n  # type: ignore[attr-defined]


# A body's page -------------------------------------------------------------------------------


CHILDREN_SHOWN = 50  # on a body's page; the tree lists them all, a page at a time


def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    body = _visible_body(request, pk)
    children_qs = (bodies(user, Perm.ORG_VIEW).filter(parent=body)
                   .order_by("-valid_to", "sort_order", "pk"))
    children = list(children_qs[:CHILDREN_SHOWN + 1])
    children_total = (len(children) if len(children) <= CHILDREN_SHOWN
                      else children_qs.count())
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
        "children": children[:CHILDREN_SHOWN], "children_total": children_total,
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
