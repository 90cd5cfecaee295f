"""Export the scoped lists of bodies, people and posts in the import template's columns, so an
export re-imports cleanly. ID numbers are masked unless the user may see the full number on the
person's page (edit where they sit: person_id_reveal's rule); an export with any full number is
traced, saying how many (person_ids_exported)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.org.excel.columns import SPECS, ColType, SheetSpec
from dangjian.org.excel.resolve import covers
from dangjian.org.excel.workbook import rows_bytes
from dangjian.org.idcard import mask_id_number
from dangjian.org.models import Body, Person, Post
from dangjian.org.scope import Grant, Perm, grants_for
from dangjian.org.selectors import body_list, person_list, post_list
from dangjian.org.services.people import person_ids_exported


@dataclass(frozen=True)
class ExportFilter:
    """The list pages' GET filters."""

    q: str = ""
    body: Body | None = None
    status: str = ""
    kind: str = ""
    include_ended: bool = False
    on: dt.date | None = None  # posts held on that day (then include_ended does not apply)


class _Context:
    """What every row needs, fetched once: editable scope, ambiguous body names."""

    def __init__(self, user: Any) -> None:
        self.edit_grants: list[Grant] = grants_for(user, Perm.ORG_EDIT)
        self.ambiguous: set[str] = set(
            Body.objects.current().order_by().values("name").annotate(n=Count("id"))
            .filter(n__gt=1).values_list("name", flat=True)
        )

    def body_ref(self, body: Body | None) -> str:
        """A body as the importer finds it again: its name, or its code where the name is
        shared by another current body."""
        if body is None:
            return ""
        return body.code if body.name in self.ambiguous and body.code else body.name

    revealed: int = 0  # full numbers written
    revealed_path: str | None = None  # the deepest body over all of their people

    def id_number(self, person: Person) -> str:
        number = person.id_number or ""
        placed = person.branch or person.unit
        if not number or not covers(self.edit_grants, placed):
            return mask_id_number(number)
        self.revealed += 1
        self.revealed_path = _common_path(self.revealed_path, placed.path)
        return number


def _common_path(a: str | None, b: str) -> str:
    if a is None:
        return b
    common = []
    for x, y in zip(a.strip("/").split("/"), b.strip("/").split("/"), strict=False):
        if x != y:
            break
        common.append(x)
    return f"/{'/'.join(common)}/" if common else ""


def _bodies(user: Any, f: ExportFilter) -> QuerySet[Body]:
    qs = body_list(user=user, include_ended=f.include_ended)
    if f.q:
        qs = qs.filter(Q(name__contains=f.q) | Q(short_name__contains=f.q)
                       | Q(code__contains=f.q))
    if f.body is not None:
        qs = qs.filter(path__startswith=f.body.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.order_by("path")  # a parent before its children: the import needs that order


def _body_row(body: Body, ctx: _Context) -> dict[str, Any]:
    return {
        "name": body.name, "short_name": body.short_name, "code": body.code or "",
        "kind": body.kind, "parent": ctx.body_ref(body.parent), "valid_from": body.valid_from,
        "sort_order": body.sort_order, "valid_to": body.valid_to,
    }


def _people(user: Any, f: ExportFilter) -> QuerySet[Person]:
    return person_list(user=user, query=f.q, body=f.body, political_status=f.status,
                       include_left=f.include_ended)


def _person_row(person: Person, ctx: _Context) -> dict[str, Any]:
    row: dict[str, Any] = {
        name: getattr(person, name) for name in (
            "name", "gender", "birth_date", "education", "major", "job_title", "rank",
            "political_status", "party_join_date", "is_reserve_cadre", "is_party_cadre",
            "cadre_type", "phone", "left_on",
        )
    }
    row.update(id_number=ctx.id_number(person), unit=ctx.body_ref(person.unit),
               branch=ctx.body_ref(person.branch))
    return row


def _posts(user: Any, f: ExportFilter) -> QuerySet[Post]:
    qs = post_list(user=user, body=f.body, kind=f.kind, current_only=not f.include_ended,
                   on=f.on)
    if f.q:
        qs = qs.filter(Q(person__name__contains=f.q) | Q(portfolio__contains=f.q))
    return qs.select_related("person__unit", "person__branch")


def _post_row(post: Post, ctx: _Context) -> dict[str, Any]:
    return {
        "person_name": post.person.name, "id_number": ctx.id_number(post.person),
        "body": ctx.body_ref(post.body), "kind": post.kind, "portfolio": post.portfolio,
        "start": post.start, "end": post.end,
    }


_SOURCES: dict[str, tuple[Callable[[Any, ExportFilter], QuerySet[Any]],
                          Callable[[Any, _Context], dict[str, Any]]]] = {
    "bodies": (_bodies, _body_row),
    "people": (_people, _person_row),
    "posts": (_posts, _post_row),
}


def _converter(spec: SheetSpec, key: str) -> Callable[[Any], Any]:
    """`_cell` for one column, with its labels looked up once (not once per row)."""
    column = spec.column(key)
    if column.coltype == ColType.BOOL:
        return lambda value: "是" if value else "否"
    if column.coltype == ColType.CHOICE and column.choices is not None:
        labels = dict(column.choices.choices)
        return lambda value: labels.get(value, value) if value else ""
    return lambda value: value.date() if isinstance(value, dt.datetime) else value


def _rows(user: Any, kind: str, filters: ExportFilter, ctx: _Context,
          told: Callable[[int], None] | None = None) -> Iterator[list[Any]]:
    """The rows in the spec's column order; a fixed number of queries however many rows.
    `told(n)` hears how many were written, every TELL_EVERY rows."""
    spec = SPECS[kind]
    source, to_row = _SOURCES[kind]
    cells = [(c.key, _converter(spec, c.key)) for c in spec.columns]
    for n, obj in enumerate(source(user, filters).iterator(chunk_size=2000), start=1):
        row = to_row(obj, ctx)
        yield [convert(row[key]) for key, convert in cells]
        if told is not None and n % TELL_EVERY == 0:
            told(n)


TELL_EVERY = 500


def export_count(*, user: Any, kind: str, filters: ExportFilter) -> int:
    """How many rows the export would have (one query)."""
    source, _ = _SOURCES[kind]
    return source(user, filters).count()


def export_rows(*, user: Any, kind: str, filters: ExportFilter) -> Iterator[list[Any]]:
    return _rows(user, kind, filters, _Context(user))


def export_bytes(*, user: Any, kind: str, filters: ExportFilter,
                 told: Callable[[int], None] | None = None) -> bytes:
    """The .xlsx, written in openpyxl's write-only mode as the rows are read."""
    ctx = _Context(user)
    data = rows_bytes(SPECS[kind], _rows(user, kind, filters, ctx, told))
    if ctx.revealed:
        person_ids_exported(actor=user, what=SPECS[kind].export_name, count=ctx.revealed,
                            scope_path=ctx.revealed_path or "")
    return data


def export_filter(user: Any, kind: str, query: Any) -> ExportFilter:
    """A list page's own filters (its query string), as the page reads them: one ListFilter
    per list, the page's and the API's definition. A body outside the user's scope is a 404."""
    from dangjian.org.filters import BodyFilter, PersonFilter, PostFilter, body_in_scope

    if kind == "people":
        people = PersonFilter.from_query(query)
        return ExportFilter(q=people.q, body=body_in_scope(user, people.body),
                            status=people.political_status or "",
                            include_ended=people.include_left)
    if kind == "posts":
        posts = PostFilter.from_query(query)
        return ExportFilter(body=body_in_scope(user, posts.body), kind=posts.kind or "",
                            include_ended=not posts.current, on=posts.on)
    found = BodyFilter.from_query(query)
    return ExportFilter(q=found.q, body=body_in_scope(user, found.body),
                        kind=found.kind or "", include_ended=found.include_ended)
