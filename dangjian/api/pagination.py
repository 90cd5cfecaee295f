from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dangjian.api.schemas import PageIn


def paginate(qs: QuerySet[Any], params: PageIn) -> dict[str, Any]:
    """One COUNT and one page query, whatever the page size."""
    return {
        "total": qs.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": list(qs[params.offset : params.offset + params.limit]),
    }
