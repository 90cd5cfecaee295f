"""Lists are paged by ninja's pagination, with bounds: a limit of 1–200 and an offset the
database can take (an unbounded offset overflowed the SQL integer and came back as a 500).

A list operation is written as

    @router.get("", response={200: list[ItemOut], **ERRORS}, url_name="thing_list", ...)
    @paginate(Paged)
    def thing_list(request, filters: Query[ThingFilter]) -> QuerySet[Thing]:
        return ThingFilter.queryset(...)

and answers {"total", "limit", "offset", "items"}: one COUNT and one page query.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

__all__ = ["MAX_LIMIT", "MAX_OFFSET", "Paged", "paginate"]

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000


class Paged(PaginationBase):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")

    class Output(Schema):
        total: int = Field(..., description="符合条件的总数")
        limit: int
        offset: int
        items: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any,
    ) -> dict[str, Any]:
        start = pagination.offset
        return {
            "total": self._items_count(queryset),
            "limit": pagination.limit,
            "offset": start,
            "items": list(queryset[start : start + pagination.limit]),
        }
