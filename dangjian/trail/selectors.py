from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dangjian.org.scope import Perm, is_county_wide, path_q
from dangjian.trail.changes import CHANGES_CHAIN
from dangjian.trail.models import TrailEntry


def change_list(
    *, user: Any, subject_type: str = "", subject_id: str = "", query: str = ""
) -> QuerySet[TrailEntry]:
    """The change trace, as far as the user's scope reaches (county-wide readers see all)."""
    qs = TrailEntry.objects.filter(chain=CHANGES_CHAIN)
    if not is_county_wide(user, Perm.TRACE_VIEW):
        qs = qs.filter(path_q(user, Perm.TRACE_VIEW, "scope_path"))
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if query:
        qs = qs.filter(Q(subject_label__contains=query) | Q(actor_name__contains=query))
    return qs.order_by("-seq")
