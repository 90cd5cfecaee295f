"""The change trace (R0.7), read through trail.selectors.change_list (scoped by path)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from dangjian.api.pagination import Paged, paginate
from dangjian.api.schemas import ERRORS, ChangeFilters, ChangeOut
from dangjian.org.scope import Perm, require_perm
from dangjian.trail.selectors import change_list

router = Router(tags=["留痕"])


@router.get(
    "", response={200: list[ChangeOut], **ERRORS}, url_name="change_list",
    summary="变更留痕",
    description="谁在何时改了什么（变更前后），限于您的留痕查阅范围；最新的在前。",
)
@paginate(Paged)
def changes(request: HttpRequest, filters: Query[ChangeFilters]) -> QuerySet[Any]:
    require_perm(request.user, Perm.TRACE_VIEW)
    qs = change_list(user=request.user, subject_type=filters.subject_type,
                     subject_id=filters.subject_id, query=filters.q)
    return qs
