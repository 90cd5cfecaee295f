"""Reads of the 两个责任 module: every one takes the user and passes the scope gate. An item's
progress and record count are derived from its records when they are written (record_add) and
checked by the chain verifier, so pages read items and lists only: a fixed number of queries,
and no scan of the records, however many there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from dangjian.core.grades import Grade
from dangjian.cycles.models import Year
from dangjian.org.models import Body
from dangjian.org.scope import Perm, scope_filter
from dangjian.responsibility.models import (
    Case,
    Commendation,
    DutyRecord,
    Evaluation,
    LedgerItem,
    ListStatus,
    ResponsibilityList,
    Stage,
    SupervisionNote,
)
from dangjian.responsibility.services.common import lists_window, owner_bodies


def annotated(obj: Any, name: str) -> int:
    """A count annotated by lists_with_rates (n_items, n_done)."""
    return int(getattr(obj, name, 0) or 0)


def item_state(deadline: dt.date, progress: int, today: dt.date) -> str:
    """done, overdue (red), soon (yellow: within the reminder period) or normal."""
    if progress >= 100:
        return "done"
    if deadline < today:
        return "overdue"
    if (deadline - today).days <= settings.REMINDER_DAYS:
        return "soon"
    return "normal"


def lists_with_rates(qs: QuerySet[ResponsibilityList]) -> QuerySet[ResponsibilityList]:
    return qs.annotate(
        n_items=Count("items"),
        n_done=Count("items", filter=Q(items__progress__gte=100)),
    )


def rate(n_done: int, n_items: int) -> int:
    return round(100 * n_done / n_items) if n_items else 0


def list_list(*, user: Any, year: Year) -> QuerySet[ResponsibilityList]:
    qs = scope_filter(user, Perm.RESP_VIEW, ResponsibilityList.objects.filter(year=year))
    return lists_with_rates(qs.select_related("body", "year")).order_by("body__path")


@dataclass
class OrgRow:
    body: Body
    rlist: ResponsibilityList | None
    late: bool
    completion: int
    grade: str  # its label: 好/较好/一般/差
    open_cases: int


def overview(*, user: Any, year: Year, now: dt.datetime) -> list[OrgRow]:
    """Every organisation that keeps a list, within the user's scope: its list (or none),
    lateness against the window, completion rate, evaluation, open cases. Fixed queries."""
    bodies = list(scope_filter(user, Perm.RESP_VIEW, owner_bodies()).order_by("path"))
    ids = [b.pk for b in bodies]
    lists = {rl.body_id: rl for rl in lists_with_rates(
        ResponsibilityList.objects.filter(year=year, body_id__in=ids))}
    grades = dict(Evaluation.objects.filter(year=year, body_id__in=ids)
                  .values_list("body_id", "grade"))
    cases = dict(Case.objects.filter(year=year, body_id__in=ids).exclude(stage=Stage.RESOLVED)
                 .values("body_id").annotate(n=Count("pk")).values_list("body_id", "n"))
    window = lists_window(year)
    rows = []
    for body in bodies:
        rlist = lists.get(body.pk)
        handed_in = rlist is not None and rlist.status != ListStatus.DRAFT \
            and rlist.submitted_at is not None
        late = (rlist.submitted_late if handed_in and rlist else now >= window.closes_at)
        completion = rate(getattr(rlist, "n_done", 0), getattr(rlist, "n_items", 0))
        grade = grades.get(body.pk, "")
        rows.append(OrgRow(body, rlist, late, completion, Grade(grade).label if grade else "",
                           cases.get(body.pk, 0)))
    return rows


def records_of(*, user: Any, body: Body, start: dt.date | None = None,
               end: dt.date | None = None) -> QuerySet[DutyRecord]:
    qs = scope_filter(user, Perm.RESP_VIEW, DutyRecord.objects.filter(body=body))
    if start:
        qs = qs.filter(occurred_on__gte=start)
    if end:
        qs = qs.filter(occurred_on__lte=end)
    return qs.select_related("item", "corrects").order_by("-chain_seq")


def my_items(*, user: Any, year: Year) -> QuerySet[LedgerItem]:
    person_id = getattr(user, "person_id", None)
    qs = LedgerItem.objects.filter(responsible_id=person_id, rlist__year=year) \
        if person_id else LedgerItem.objects.none()
    return qs.select_related("rlist__body").order_by("deadline", "pk")


def org_supervision(*, user: Any, body: Body, year: Year) -> dict[str, Any]:
    def scoped(model: Any) -> Any:
        return scope_filter(user, Perm.RESP_VIEW, model.objects.filter(body=body, year=year))

    return {
        "notes": scoped(SupervisionNote),
        "evaluation": scoped(Evaluation).first(),
        "commendations": scoped(Commendation),
        "cases": scoped(Case),
    }
