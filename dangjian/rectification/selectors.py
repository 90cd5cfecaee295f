from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.org.models import Body, Person
from dangjian.org.scope import Perm, scope_filter
from dangjian.rectification.models import Item, ItemStatus, Plan, overdue_q


def plan_list(*, user: Any, year: Any = None, source: str = "") -> QuerySet[Plan]:
    qs = scope_filter(user, Perm.ORG_VIEW, Plan.objects.all()).select_related(
        "owner_body", "owner_person", "verifier_body", "year"
    ).annotate(
        n_items=Count("items"),
        n_closed=Count("items", filter=Q(items__status=ItemStatus.CLOSED)),
        n_overdue=Count("items", filter=Q(items__deadline__lt=timezone.localdate())
                        & ~Q(items__status=ItemStatus.CLOSED)),
    )
    if year is not None:
        qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source=source)
    return qs


def overdue_items(*, user: Any, today: dt.date) -> QuerySet[Item]:
    return scope_filter(user, Perm.ORG_VIEW, Item.objects.filter(overdue_q(today)))


@dataclass(frozen=True)
class CarriedItem:
    problem: str
    measures: str
    deadline: dt.date
    status: str
    status_label: str
    verification: str


def previous_year_items(
    *, year: Any, source: str, owner_body: Body, owner_person: Person | None = None
) -> list[CarriedItem]:
    """Last year's items of the same owner and source, with their status (for R2.9-style
    sections: how last year's rectification went)."""
    if year.previous_id is None:
        return []
    qs = Item.objects.filter(plan__year_id=year.previous_id, plan__source=source,
                             plan__owner_body=owner_body)
    if owner_person is not None:
        qs = qs.filter(plan__owner_person=owner_person)
    return [
        CarriedItem(i.problem, i.measures, i.deadline, i.status, ItemStatus(i.status).label,
                    i.verification)
        for i in qs.order_by("plan_id", "order", "id")
    ]
