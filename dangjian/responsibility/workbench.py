"""两个责任 on the workbench: lists waiting for the reviewer's review, computed from the lists
(a responsible person's ledger items are stored tasks, see services.lists); and the
notifications the lists' review sends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from dangjian.cycles.models import Year
from dangjian.notify.registry import WorkItem, events, task_source
from dangjian.org.scope import grants_for, path_q
from dangjian.responsibility.models import EDITABLE, ListKind, ListStatus, ResponsibilityList
from dangjian.responsibility.services.common import (
    EDIT_PERM,
    MODULE,
    REVIEW_PERM,
    list_kind_for,
    lists_window,
    owner_bodies,
)

events(MODULE, {
    "responsibility.list_submitted": "收到待审核的责任清单",
    "responsibility.list_returned": "责任清单被退回修改",
    "responsibility.list_accepted": "责任清单审核通过",
})


@task_source(MODULE)
def lists_to_review(user: Any) -> Iterator[WorkItem]:
    for kind, perm in REVIEW_PERM.items():
        waiting = list(ResponsibilityList.objects.filter(
            path_q(user, perm, "body__path"), kind=kind, status=ListStatus.SUBMITTED)
            .select_related("year", "body").order_by("submitted_at", "pk")[:200])
        if not waiting:
            continue
        first = waiting[0]
        url = (reverse("responsibility:list_detail", args=[first.pk]) if len(waiting) == 1
               else reverse("responsibility:index") + "?" + urlencode(
                   {"year": first.year.year, "kind": kind, "status": ListStatus.SUBMITTED}))
        yield WorkItem(module=MODULE, key=f"responsibility:queue:{kind}", state="待审核",
                       title=f"审核{ListKind(kind).label}" + (
                           f"：{first.body.name}" if len(waiting) == 1 else ""),
                       url=url, count=len(waiting), year=first.year)


@task_source(MODULE)
def lists_to_hand_in(user: Any) -> Iterator[WorkItem]:
    """This year's lists the user keeps that are not yet handed in (or were sent back)."""
    year = Year.objects.filter(is_current=True).first()
    if year is None:
        return
    due = lists_window(year).closes_at
    for kind, perm in EDIT_PERM.items():
        if not grants_for(user, perm):
            continue
        bodies = [b for b in owner_bodies().filter(path_q(user, perm, "path"))
                  .select_related("parent").order_by("path")[:20] if list_kind_for(b) == kind]
        lists = {rl.body_id: rl for rl in ResponsibilityList.objects.filter(
            year=year, body__in=bodies)}
        label = f"{year.year}年度{ListKind(kind).label}"
        for body in bodies:
            rlist = lists.get(body.pk)
            if rlist is not None and rlist.status not in EDITABLE:
                continue
            returned = rlist is not None and rlist.status == ListStatus.RETURNED
            verb = "按退回意见修改并重新报送" if returned else "编制并报送"
            url = (reverse("responsibility:list_detail", args=[rlist.pk]) if rlist
                   else reverse("responsibility:org_detail", args=[body.pk]))
            yield WorkItem(module=MODULE, key=f"responsibility:hand_in:{body.pk}:{year.pk}",
                           title=f"{verb}{label}：{body.name}", url=url, year=year,
                           due_at=due, state="已退回" if returned else "")
