"""Bodies in the order of the tree (each after its parent, siblings by 排序 then creation)."""

from __future__ import annotations

from collections.abc import Iterable

from dangjian.org.models import Body


def in_tree_order(bodies: Iterable[Body]) -> list[Body]:
    """The bodies sorted as the tree reads top to bottom, in one query for the ancestors."""
    rows = list(bodies)
    ids = {pk for b in rows for pk in b.ancestor_ids}
    order = dict(Body.objects.filter(pk__in=ids).values_list("pk", "sort_order"))
    return sorted(rows, key=lambda b: [(order.get(pk, 0), pk) for pk in b.ancestor_ids])


def tree_options(bodies: Iterable[Body]) -> list[tuple[int, str]]:
    """(pk, name indented by its depth) for a select, in tree order."""
    rows = in_tree_order(bodies)
    top = min((b.depth for b in rows), default=0)
    return [(b.pk, f"{'　' * (b.depth - top)}{b.name}") for b in rows]
