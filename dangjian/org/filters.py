"""The org lists' filters, one definition each, read by the page, its Excel export and the API
(see dangjian.core.filters.ListFilter): the query-string names are these field names
everywhere, so /org/people/?political_status=member and /api/people?political_status=member
list the same people, and the page's export link carries its filters as they are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from ninja import Field

from dangjian.core.filters import ListFilter
from dangjian.org import selectors
from dangjian.org.models import Body, BodyKind, Person, PoliticalStatus, Post, PostKind

ID_MAX = 2**63 - 1  # the largest id a database integer holds: past it, a 422, not a 500


def body_in_scope(user: Any, pk: int | None, label: str = "组织") -> Body | None:
    """The body a filter names, if the user may see it (ended ones included); Http404 if not."""
    if pk is None:
        return None
    body = selectors.body_list(user=user, include_ended=True).filter(pk=pk).first()
    if body is None:
        raise Http404(f"所选{label}不存在或不在您的权限范围内")
    return body


class BodyFilter(ListFilter):
    q: str = Field("", description="按名称、简称、机构代码查找", examples=["教育"])
    kind: BodyKind | None = Field(None, description="类型", examples=["branch"])
    body: int | None = Field(None, ge=1, le=ID_MAX, examples=[11],
                             description="组织 id（该组织及其全部下级）")
    parent: int | None = Field(None, ge=1, le=ID_MAX, examples=[11],
                               description="上级组织 id（只列其直接下级）")
    include_ended: bool = Field(False, description="含已撤销的组织", examples=[False])

    def queryset(self, user: Any, body: Body | None = None) -> QuerySet[Body]:
        qs = selectors.body_list(user=user, include_ended=self.include_ended)
        if self.q:
            qs = qs.filter(Q(name__contains=self.q) | Q(short_name__contains=self.q)
                           | Q(code__contains=self.q))
        if self.kind:
            qs = qs.filter(kind=self.kind)
        under = body or body_in_scope(user, self.body)
        if under is not None:
            qs = qs.filter(path__startswith=under.path)
        parent = body_in_scope(user, self.parent, "上级组织")
        if parent is not None:
            qs = qs.filter(parent=parent)
        return qs


class PersonFilter(ListFilter):
    q: str = Field("", description="按姓名、行政职务、电话查找", examples=["李"])
    body: int | None = Field(None, ge=1, le=ID_MAX, examples=[12],
                             description="组织 id（所在单位或党组织，含下级）")
    political_status: PoliticalStatus | None = Field(None, description="政治面貌",
                                                     examples=["member"])
    include_left: bool = Field(False, description="含已调离人员", examples=[False])

    def queryset(self, user: Any, body: Body | None = None) -> QuerySet[Person]:
        """The people these filters list for the user; `body` if already resolved (the
        page), else resolved here (Http404 outside the user's scope)."""
        return selectors.person_list(
            user=user, query=self.q, body=body or body_in_scope(user, self.body),
            political_status=self.political_status or "", include_left=self.include_left,
        )


class PostFilter(ListFilter):
    body: int | None = Field(None, ge=1, le=ID_MAX, description="组织 id（含下级）",
                             examples=[12])
    kind: PostKind | None = Field(None, description="职务", examples=["org_secretary"])
    on: dt.date | None = Field(None, description="在该日任职的（给出时忽略 current）",
                               examples=["2026-06-30"])
    current: bool = Field(True, description="只列现任", examples=[True])

    def queryset(self, user: Any, body: Body | None = None) -> QuerySet[Post]:
        return selectors.post_list(
            user=user, body=body or body_in_scope(user, self.body), kind=self.kind or "",
            current_only=self.current, on=self.on,
        )
