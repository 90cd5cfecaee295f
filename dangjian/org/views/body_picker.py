"""The body picker: search (or browse a level at a time) instead of a <select> of every body.

A county-wide user reaches thousands of bodies: listing them all in every filter made the pages
grow with the registry. The picker (core/_body_picker.html) asks this endpoint as the user
types: ?q=<name> answers at most PICK_LIMIT current bodies in the reader's scope matching the
name, short name or code, each with the names of its parents so that namesakes (every
department has a 机关党支部) can be told apart; ?parent=<id> answers that body's children, to
browse down the tree; neither: the scope's top bodies. Without JS the box is an ordinary text
input: the list page reads the typed name (or id) itself (`picked_body`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dangjian.org.filters import body_in_scope
from dangjian.org.models import Body
from dangjian.org.scope import Perm, bodies, require_perm

PICK_LIMIT = 20
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass
class BodyRow:
    pk: int
    name: str
    kind: str
    trail: str  # the names of its parents in the reader's scope, outermost first
    child_count: int


def _current(user: Any) -> QuerySet[Body]:
    return bodies(user, Perm.ORG_VIEW).filter(valid_to__isnull=True)


def body_rows(user: Any, found: list[Body]) -> list[BodyRow]:
    """Rows for bodies, with their parents' names and their children's number (two queries)."""
    ancestors = {pk for b in found for pk in b.ancestor_ids if pk != b.pk}
    names = dict(_current(user).filter(pk__in=ancestors).values_list("pk", "name")) \
        if ancestors else {}
    counts = dict(_current(user).filter(parent_id__in=[b.pk for b in found]).order_by()
                  .values("parent_id").annotate(n=Count("pk")).values_list("parent_id", "n")) \
        if found else {}
    return [BodyRow(b.pk, b.name, b.get_kind_display(),
                    " › ".join(names[a] for a in b.ancestor_ids if a in names),
                    counts.get(b.pk, 0)) for b in found]


def search(user: Any, q: str) -> tuple[list[BodyRow], bool]:
    """Up to PICK_LIMIT current bodies in scope, shortest names first, and whether there were
    more. An id (digits) finds that body too."""
    match = Q(name__contains=q) | Q(short_name__contains=q) | Q(code__contains=q)
    if q.isdigit() and len(q) < 19:
        match |= Q(pk=int(q))
    found: list[Body] = list(_current(user).filter(match).annotate(name_len=Length("name"))
                 .order_by("name_len", "path", "pk")[:PICK_LIMIT + 1])
    return body_rows(user, found[:PICK_LIMIT]), len(found) > PICK_LIMIT


def browse(user: Any, parent: Body | None) -> tuple[list[BodyRow], bool]:
    """A body's current children in scope (None: the scope's top bodies), in tree order."""
    visible = _current(user)
    if parent is None:
        qs = visible.filter(Q(parent__isnull=True) | ~Q(parent__in=bodies(user, Perm.ORG_VIEW)))
    else:
        qs = visible.filter(parent=parent)
    found = list(qs.order_by("sort_order", "pk")[:PICK_LIMIT + 1])
    return body_rows(user, found[:PICK_LIMIT]), len(found) > PICK_LIMIT


def _field_name(raw: str | None, default: str) -> str:
    """Input names come back from the query string: only plain identifiers are echoed."""
    return raw if raw and _FIELD_NAME.fullmatch(raw) else default


def body_pick_view(request: HttpRequest) -> HttpResponse:
    """The results fragment for the picker's box: ?q= search, ?parent= browse, else the top."""
    user = request.user
    require_perm(user, Perm.ORG_VIEW)
    field = _field_name(request.GET.get("field"), "body")
    q = (request.GET.get("q") or request.GET.get(f"{field}_name") or "").strip()[:40]
    raw = request.GET.get("parent", "")
    parent = None
    if raw:
        parent = _current(user).filter(pk=raw if raw.isdigit() and len(raw) < 19 else -1).first()
        if parent is None:
            raise Http404("组织不存在或不在您的查看范围内")
    if q and parent is None:
        rows, more = search(user, q)
    else:
        rows, more = browse(user, parent)
    return render(request, "org/_body_pick_results.html", {
        "field": field, "q": q if parent is None else "", "parent": parent, "rows": rows,
        "more": more, "limit": PICK_LIMIT,
    })


def picked_body(request: HttpRequest, pk: int | None, *, name: str = "body",
                ) -> tuple[Body | None, str]:
    """The body a list page's picker names: by id (chosen from the list), else by the typed
    text (without JS): an id, or a name, short name or code that only one body in scope
    matches. (body, "") or (None, why not) — Http404 for an id outside the scope."""
    user = request.user
    if pk is not None:
        return body_in_scope(user, pk), ""
    text = request.GET.get(f"{name}_name", "").strip()[:40]
    if not text:
        return None, ""
    if text.isdigit() and len(text) < 19:
        return body_in_scope(user, int(text)), ""
    exact = list(_current(user).filter(Q(name=text) | Q(short_name=text) | Q(code=text))[:2])
    found = exact if exact else list(_current(user).filter(
        Q(name__contains=text) | Q(short_name__contains=text))[:2])
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"您的查看范围内没有名称含“{text}”的组织，已显示全部"
    return None, f"有多个组织名称含“{text}”，请输入完整名称或从列表中选择"

