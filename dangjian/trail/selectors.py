from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dangjian.org.scope import Perm, is_county_wide, path_q
from dangjian.trail.changes import CHAIN_PREFIX, LEGACY_CHAIN, is_changes_chain
from dangjian.trail.models import ChainHead, Checkpoint, TrailEntry


def change_chains() -> list[str]:
    """Every chain of the change trace: the closed single chain and each county's, as the
    verifier finds them (a head, or a checkpoint if the head row was deleted)."""
    prefix = Q(chain=LEGACY_CHAIN) | Q(chain__startswith=CHAIN_PREFIX)
    heads = ChainHead.objects.filter(prefix).values_list("chain", flat=True)
    marked = Checkpoint.objects.filter(prefix).values_list("chain", flat=True).distinct()
    return sorted(c for c in {*heads, *marked} if is_changes_chain(c))


def change_list(
    *, user: Any, subject_type: str = "", subject_id: str = "", query: str = ""
) -> QuerySet[TrailEntry]:
    """The change trace, as far as the user's scope reaches (county-wide readers also see the
    entries with no place in the tree, e.g. accounts); newest first across all its chains."""
    qs = TrailEntry.objects.filter(chain__in=change_chains())
    scope = path_q(user, Perm.TRACE_VIEW, "scope_path")
    if is_county_wide(user, Perm.TRACE_VIEW):
        scope |= Q(scope_path="")
    qs = qs.filter(scope)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if query:
        qs = qs.filter(Q(subject_label__contains=query) | Q(actor_name__contains=query))
    return qs.order_by("-at", "-chain", "-seq")
