"""Reads of the registry. Every list takes the user and goes through the scope gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from dangjian.org.models import Body, BodyVersion, Person, Post
from dangjian.org.scope import Perm, scope_filter


def post_holders(*, body: Body, kind: str, on: dt.date) -> list[Person]:
    """Who held post `kind` in `body` on date `on` (renames keep the body's identity)."""
    return [
        p.person
        for p in Post.objects.filter(body=body, kind=kind).held_on(on).select_related("person")
    ]


def posts_of(*, person: Person, on: dt.date | None = None) -> QuerySet[Post]:
    qs = Post.objects.filter(person=person).select_related("body")
    return qs.held_on(on) if on else qs


def body_name_on(*, body: Body, on: dt.date) -> str | None:
    version = (
        BodyVersion.objects.filter(body=body, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .first()
    )
    return version.name if version else None


def predecessors(*, body: Body) -> QuerySet[Body]:
    """Bodies that were merged into this one."""
    return Body.objects.filter(merged_into=body)


@dataclass
class TreeNode:
    body_id: int
    name: str
    kind: str
    parent_id: int | None
    depth: int


def tree_on(*, user: Any, on: dt.date) -> list[TreeNode]:
    """The structure as it stood on a date (names and parents of that day), within scope."""
    visible = scope_filter(user, Perm.ORG_VIEW, Body.objects.all()).values("pk")
    versions = (
        BodyVersion.objects.filter(body__in=visible, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("body")
    )
    by_parent: dict[int | None, list[BodyVersion]] = {}
    ids = set()
    for v in versions:
        by_parent.setdefault(v.parent_id, []).append(v)
        ids.add(v.body_id)
    roots = [v for pid, vs in by_parent.items() if pid not in ids for v in vs]
    out: list[TreeNode] = []

    def walk(v: BodyVersion, depth: int) -> None:
        out.append(TreeNode(v.body_id, v.name, v.body.kind, v.parent_id, depth))
        for child in sorted(by_parent.get(v.body_id, []),
                            key=lambda c: (c.body.sort_order, c.body_id)):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda c: (c.body.sort_order, c.body_id)):
        walk(root, 0)
    return out


def body_list(*, user: Any, include_ended: bool = False) -> QuerySet[Body]:
    qs = scope_filter(user, Perm.ORG_VIEW, Body.objects.all()).select_related("parent")
    return qs if include_ended else qs.filter(valid_to__isnull=True)


def person_list(
    *,
    user: Any,
    query: str = "",
    body: Body | None = None,
    political_status: str = "",
    include_left: bool = False,
) -> QuerySet[Person]:
    qs = scope_filter(user, Perm.ORG_VIEW, Person.objects.all()).select_related("unit", "branch")
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(job_title__contains=query)
                       | Q(phone__contains=query))
    if body is not None:
        qs = qs.filter(Q(unit__path__startswith=body.path) | Q(branch__path__startswith=body.path))
    if political_status:
        qs = qs.filter(political_status=political_status)
    return qs


def post_list(
    *, user: Any, body: Body | None = None, kind: str = "", current_only: bool = True,
    on: dt.date | None = None,
) -> QuerySet[Post]:
    qs = scope_filter(user, Perm.ORG_VIEW, Post.objects.all()).select_related("person", "body")
    if body is not None:
        qs = qs.filter(body__path__startswith=body.path)
    if kind:
        qs = qs.filter(kind=kind)
    if on is not None:
        qs = qs.filter(Q(start__lte=on), Q(end__isnull=True) | Q(end__gt=on))
    elif current_only:
        qs = qs.filter(end__isnull=True)
    return qs


def county_body(*, within: Body, kind: str) -> Body | None:
    """The current body of `kind` in the county `within` belongs to (its tree's root and what
    hangs under it: 县纪委, 县直机关工委, 县委组织部 …), for names in documents."""
    root = within.ancestor_ids[0] if within.ancestor_ids else within.pk
    return Body.objects.filter(kind=kind, valid_to__isnull=True).filter(
        Q(pk=root) | Q(path__startswith=f"/{root}/")).order_by("depth", "pk").first()


def county_body_name(*, within: Body, kind: str, short: bool = False) -> str:
    """Its name; `short`: its registered short name where it has one (主送、抄送 may use it)."""
    body = county_body(within=within, kind=kind)
    if body is None:
        return ""
    return (body.short_name or body.name) if short else body.name
