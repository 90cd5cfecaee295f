"""Grow the demo county's registry to a multiple of its people, in bulk (for benchmarks).

`registry_grow(factor=10)` adds copies of the demo's departments (each 部门 with its current
党组, party organisations, 纪检 bodies, current staff and current posts) under the county's root
until the county has `factor` × the people it had when built; the 县委's own offices (组织部,
工委, 县纪委, 文明办) are not copied. The rows are the ones the services write (`body_create`:
the body, its path and its first `BodyVersion`; `person_create`; `post_assign`), written with
`bulk_create` because the service path would take hours at 100×. Each copy's names carry its
number (`青禾县教育局·3`), each person a fresh valid ID number.

What is skipped: the change-trace entries the services would append for these rows (the trace
covers the demo's own rows only); the chains are untouched, so they still verify. No module
work (考核, 述职, 两个责任 lists) and no accounts are made for the copies.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from dangjian.demo.catalog import REGIONS, ROOT_CODE
from dangjian.org.idcard import make_id_number
from dangjian.org.models import Body, BodyKind, BodyVersion, Person, Post

BATCH = 1000
COPY_MARK = "·"


@dataclass
class Template:
    """One of the demo's departments as it is now: bodies (parents first), staff, posts."""

    unit: Body
    bodies: list[Body]
    people: list[Person]
    posts: list[Post]


def _templates() -> list[Template]:
    root = Body.objects.get(code=ROOT_CODE)
    units = Body.objects.filter(parent=root, kind=BodyKind.UNIT, valid_to__isnull=True) \
        .exclude(name__contains=COPY_MARK).order_by("path")
    out = []
    for unit in units:
        bodies = list(Body.objects.filter(path__startswith=unit.path, valid_to__isnull=True)
                      .order_by("depth", "path"))
        people = list(Person.objects.filter(unit=unit, left_on__isnull=True).order_by("pk"))
        posts = list(Post.objects.filter(person__in=people, body__in=bodies, end__isnull=True)
                     .order_by("pk"))
        out.append(Template(unit, bodies, people, posts))
    return out


def _copies_made() -> int:
    names = Body.objects.filter(kind=BodyKind.UNIT, name__contains=COPY_MARK) \
        .values_list("name", flat=True)
    return max((int(n.rsplit(COPY_MARK, 1)[1]) for n in names), default=1)


class IdNumbers:
    """Fresh valid ID numbers, none already in the registry: per (region, birth day) a serial."""

    def __init__(self) -> None:
        self.taken = {n for n in Person.objects.values_list("id_number", flat=True) if n}
        self.serial: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.regions = itertools.cycle(REGIONS)

    def new(self, birth: dt.date | None) -> str:
        birth = birth or dt.date(1985, 1, 1)
        while True:
            region = next(self.regions)
            key = (region, birth)
            self.serial[key] += 1
            if self.serial[key] >= 1000:
                birth += dt.timedelta(days=1)
                continue
            number = make_id_number(region, birth, self.serial[key])
            if number not in self.taken:
                self.taken.add(number)
                return number


def _copy(templates: list[Template], copy: int, ids: IdNumbers) -> None:
    """One copy of every template department, numbered `copy`."""
    root = templates[0].unit.parent
    assert root is not None
    new_body: dict[int, Body] = {root.pk: root}
    all_bodies = [b for t in templates for b in t.bodies]
    for depth in sorted({b.depth for b in all_bodies}):
        level = [b for b in all_bodies if b.depth == depth]
        made = [Body(name=f"{b.name}{COPY_MARK}{copy}"[:100],
                     short_name=f"{b.short_name}{COPY_MARK}{copy}"[:40] if b.short_name else "",
                     code=f"{b.code}{COPY_MARK}{copy}" if b.code else None, kind=b.kind,
                     parent=new_body[b.parent_id], sort_order=b.sort_order + copy * 1000,
                     valid_from=b.valid_from) for b in level if b.parent_id is not None]
        Body.objects.bulk_create(made, batch_size=BATCH)
        for old, new in zip(level, made, strict=True):
            parent = new_body[old.parent_id]  # type: ignore[index]
            new.path, new.depth = f"{parent.path}{new.pk}/", parent.depth + 1
            new_body[old.pk] = new
        Body.objects.bulk_update(made, ["path", "depth"], batch_size=BATCH)
        BodyVersion.objects.bulk_create(
            [BodyVersion(body=b, name=b.name, parent=b.parent, valid_from=b.valid_from)
             for b in made], batch_size=BATCH)
    new_person: dict[int, Person] = {}
    people = []
    for t in templates:
        for p in t.people:
            clone = Person(**{f.attname: getattr(p, f.attname) for f in Person._meta.concrete_fields
                              if f.attname not in ("id", "created_at", "updated_at")})
            clone.id_number = ids.new(p.birth_date)
            clone.unit_id = new_body[p.unit_id].pk
            clone.branch_id = new_body[p.branch_id].pk if p.branch_id in new_body else None
            new_person[p.pk] = clone
            people.append(clone)
    Person.objects.bulk_create(people, batch_size=BATCH)
    Post.objects.bulk_create(
        [Post(person=new_person[p.person_id], body=new_body[p.body_id], kind=p.kind,
              portfolio=p.portfolio, start=p.start)
         for t in templates for p in t.posts], batch_size=BATCH)


def registry_grow(*, factor: int, base_people: int) -> int:
    """Copy departments until the county has at least factor × base_people current people;
    returns the number of copies made now."""
    templates = _templates()
    per_copy = sum(len(t.people) for t in templates)
    current = Person.objects.filter(left_on__isnull=True).count()
    missing = factor * base_people - current
    if missing <= 0:
        return 0
    ids = IdNumbers()
    start = _copies_made() + 1
    n = math.ceil(missing / per_copy)
    for copy in range(start, start + n):
        with transaction.atomic():
            _copy(templates, copy, ids)
    return n
