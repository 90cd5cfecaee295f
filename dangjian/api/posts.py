"""Posts with terms (R0.3), through org.selectors and org.services."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from dangjian.api.auth import can_edit
from dangjian.api.pagination import Paged, paginate
from dangjian.api.refs import body_ref, person_ref, post_or_404
from dangjian.api.schemas import (
    ERRORS,
    HolderOut,
    HoldersIn,
    PostAssignIn,
    PostEndIn,
    PostOut,
)
from dangjian.org import selectors, services
from dangjian.org.filters import PostFilter
from dangjian.org.models import Person, Post
from dangjian.org.scope import Perm, require_body, require_perm

router = Router(tags=["职务任职"])


@router.get(
    "", response={200: list[PostOut], **ERRORS}, url_name="post_list",
    summary="任职列表",
    description="您范围内的任职，可按组织（含下级）、职务筛选；"
                "默认只列现任，给出 on 时列该日在任的。",
)
@paginate(Paged)
def post_list(request: HttpRequest, filters: Query[PostFilter]) -> QuerySet[Any]:
    require_perm(request.user, Perm.ORG_VIEW)
    return filters.queryset(request.user)  # the page's and the export's filters


@router.get(
    "/holders", response={200: list[HolderOut], **ERRORS}, url_name="post_holders",
    summary="某日的任职人",
    description="某组织的某职务在某日由谁担任（组织更名不影响查询）。",
)
def post_holders(request: HttpRequest, filters: Query[HoldersIn]) -> list[Person]:
    body = body_ref(request.user, filters.body, "组织")
    return selectors.post_holders(body=body, kind=filters.kind,
                                  on=filters.on or timezone.localdate())


@router.post(
    "", response={201: PostOut, **ERRORS}, url_name="post_assign", auth=can_edit,
    summary="任职",
    description="为人员在组织中安排职务；需要对该组织的维护权限。一人专任的职务不得重叠。留痕。",
)
def post_assign(request: HttpRequest, data: PostAssignIn) -> Status:
    body = body_ref(request.user, data.body, "组织")
    require_body(request.user, Perm.ORG_EDIT, body)
    person = person_ref(request.user, data.person)
    post = services.post_assign(
        actor=request.user, person=person, body=body, kind=data.kind, start=data.start,
        portfolio=data.portfolio, end=data.end,
    )
    return Status(201, post)


@router.post(
    "/{int:pk}/end", response={200: PostOut, **ERRORS}, url_name="post_end", auth=can_edit,
    summary="免职", description="结束一段任职。留痕。",
)
def post_end(request: HttpRequest, pk: int, data: PostEndIn) -> Post:
    post = post_or_404(request.user, pk)
    return services.post_end(actor=request.user, post=post, on=data.end, reason=data.reason)
