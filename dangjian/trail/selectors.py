from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dangjian.org.scope import Perm, grants_for, is_county_wide, path_q
from dangjian.trail.changes import (
    CHAIN_PREFIX,
    LEGACY_CHAIN,
    SYSTEM_CHAIN,
    changes_chain,
    is_changes_chain,
)
from dangjian.trail.models import ChainHead, Checkpoint, TrailEntry


def change_chains() -> list[str]:
    """Every chain of the change trace: the closed single chain and each county's, as the
    verifier finds them (a head, or a checkpoint if the head row was deleted)."""
    prefix = Q(chain=LEGACY_CHAIN) | Q(chain__startswith=CHAIN_PREFIX)
    heads = ChainHead.objects.filter(prefix).values_list("chain", flat=True)
    marked = Checkpoint.objects.filter(prefix).order_by().values_list("chain", flat=True).distinct()
    return sorted(c for c in {*heads, *marked} if is_changes_chain(c))


def _visible(user: Any) -> Q:
    """The change entries in the user's scope. A county chain holds exactly the entries whose
    path lies under its root, so a reader of a whole county takes that chain by name (an index
    range, no per-row path test); other chains (the closed single chain) go by path."""
    chains = change_chains()
    wide = is_county_wide(user, Perm.TRACE_VIEW)
    whole = {changes_chain(g.path) for g in grants_for(user, Perm.TRACE_VIEW)
             if g.recursive and g.path.count("/") == 2}
    if wide:
        whole.add(SYSTEM_CHAIN)  # no place in the tree: for county-wide readers
    scope = path_q(user, Perm.TRACE_VIEW, "scope_path")
    if wide:
        scope |= Q(scope_path="")
    by_name = [c for c in chains if c in whole]
    by_path = [c for c in chains if c not in whole]
    return Q(chain__in=by_name) | (Q(chain__in=by_path) & scope)


def change_list(
    *, user: Any, subject_type: str = "", subject_id: str = "", query: str = ""
) -> QuerySet[TrailEntry]:
    """The change trace across all its chains, as far as the user's scope reaches (county-wide
    readers also see the entries with no place in the tree, e.g. accounts); newest first, by
    time, then chain and sequence number (the index `trail_entry_at_idx` serves this order)."""
    qs = TrailEntry.objects.filter(_visible(user))
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if query:
        qs = qs.filter(Q(subject_label__contains=query) | Q(actor_name__contains=query))
    return qs.order_by("-at", "-chain", "-seq")
