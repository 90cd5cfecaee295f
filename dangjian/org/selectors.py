"""Reads of the registry. Every list takes the user and goes through the scope gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

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
    """The whole structure as it stood on a date, within scope (every body: for small uses; the
    tree page reads a level at a time with `tree_level`)."""
    visible = scope_filter(user, Perm.ORG_VIEW, Body.objects.all()).values("pk")
    versions = versions_on(on).filter(body__in=visible).select_related("body")
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


def versions_on(on: dt.date) -> QuerySet[BodyVersion]:
    """The bodies' names and parents of that day (one version per body)."""
    return BodyVersion.objects.filter(valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on))


@dataclass
class LevelNode:
    """One body in a level of the tree as of a date."""

    body_id: int
    name: str
    kind: str
    parent_id: int | None
    child_count: int = 0
    children: list[LevelNode] = field(default_factory=list)
    more: int = 0  # children not shown (past the level's limit)
    open: bool = False


def _visible_ids(user: Any) -> QuerySet[Body, Any]:
    return scope_filter(user, Perm.ORG_VIEW, Body.objects.all()).values("pk")


def tree_level(*, user: Any, on: dt.date, parents: list[int] | None,
               limit: int, offset: int = 0, keep: set[int] | None = None,
               ) -> dict[int | None, tuple[list[LevelNode], int]]:
    """The children on the date of each of `parents` (None: the roots of the user's scope),
    in tree order: at most `limit` each from `offset`, plus those in `keep` (the path down to a
    selection) wherever they fall; with the number left out. Three queries, however many
    bodies: the levels, their sizes, and every shown node's own child count (grouped)."""
    visible = _visible_ids(user)
    base = versions_on(on).filter(body__in=visible)
    if parents is None:  # the roots: visible bodies whose parent that day is not visible
        level = base.filter(Q(parent__isnull=True) | ~Q(parent__in=visible))
    else:
        level = base.filter(parent_id__in=parents)
    window = Window(RowNumber(), partition_by=None if parents is None else [F("parent_id")],
                    order_by=[F("body__sort_order").asc(), F("body_id").asc()])
    fields = ("body_id", "name", "body__kind", "parent_id")
    rows = list(level.annotate(rank=window).filter(rank__gt=offset, rank__lte=offset + limit)
                .values(*fields, "rank"))
    got = {r["body_id"] for r in rows}
    missing = (keep or set()) - got
    if missing:  # on the path to the selection, past the level's limit: shown after it
        rows += [{**r, "rank": offset + limit + 1}
                 for r in level.filter(body_id__in=missing).values(*fields)]
    sizes = {(None if parents is None else r["parent_id"]): r["n"] for r in
             level.order_by().values("parent_id").annotate(n=Count("pk")).values("parent_id", "n")}
    if parents is None:
        sizes = {None: sum(sizes.values())}
    picked: dict[int | None, list[LevelNode]] = {}
    for r in sorted(rows, key=lambda r: r["rank"]):
        group = None if parents is None else r["parent_id"]
        picked.setdefault(group, []).append(LevelNode(
            r["body_id"], r["name"], r["body__kind"], r["parent_id"]))
    shown = [n.body_id for nodes in picked.values() for n in nodes]
    counts = dict(base.filter(parent_id__in=shown).order_by().values("parent_id")
                  .annotate(n=Count("pk")).values_list("parent_id", "n"))
    out: dict[int | None, tuple[list[LevelNode], int]] = {}
    for group in set(sizes) | set(parents or []):
        nodes = picked.get(group, [])
        for n in nodes:
            n.child_count = counts.get(n.body_id, 0)
        extra = sum(1 for n in nodes if n.body_id in missing)
        out[group] = (nodes, max(0, sizes.get(group, 0) - offset - limit - extra))
    return out


def path_on(*, user: Any, body: Body, on: dt.date) -> list[int] | None:
    """The ids from the scope's root down to `body` as the tree stood on the date, or None if
    the body was not in it that day (one query; one more per level only where it moved)."""
    visible = _visible_ids(user)
    ids = set(body.ancestor_ids) | {body.pk}
    found = {v.body_id: v.parent_id for v in
             versions_on(on).filter(body__in=visible, body_id__in=ids).only("body_id", "parent_id")}
    if body.pk not in found:
        return None
    chain = [body.pk]
    while True:
        parent = found.get(chain[-1])
        if parent is None:
            break
        if parent not in found:  # moved since: the parent of that day is off today's path
            more = versions_on(on).filter(body__in=visible, body_id=parent).first()
            if more is None:
                break  # above the user's scope
            found[parent] = more.parent_id
        if parent in chain:
            break
        chain.append(parent)
    return list(reversed(chain))


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
