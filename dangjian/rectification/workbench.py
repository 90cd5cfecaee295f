"""整改 on the workbench: items waiting for the verifier's 验收, computed from the items (an
owner's item is a stored task, see services._open_task); and the notifications it sends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse

from dangjian.notify.registry import WorkItem, events, own_q, task_source
from dangjian.org.scope import Perm
from dangjian.rectification.models import ItemStatus, Plan

MODULE = "整改"
SHOWN = 10  # plans listed one by one; the rest are summed up in one line

events(MODULE, {
    "rectification.item_due": "收到整改任务",
    "rectification.item_submitted": "整改事项待验收",
    "rectification.item_verified": "整改事项已验收销号",
    "rectification.item_rejected": "整改事项验收未通过",
})


@task_source(MODULE)
def items_to_verify(user: Any) -> Iterator[WorkItem]:
    plans = list(Plan.objects.filter(own_q(user, Perm.RECTIFY_VERIFY, "verifier_body"),
                                     items__status=ItemStatus.SUBMITTED)
                 .annotate(n=Count("items"), first=Min("items__deadline"))
                 .select_related("year").order_by("first", "pk"))
    for plan in plans[:SHOWN]:
        yield WorkItem(module=MODULE, key=f"rectification:verify:{plan.pk}", state="待验收",
                       title=f"验收整改事项：{plan.title}", count=plan.n, year=plan.year,
                       url=reverse("rectification:plan_detail", args=[plan.pk]))
    rest = plans[SHOWN:]
    if rest:
        yield WorkItem(module=MODULE, key="rectification:verify:more", state="待验收",
                       title=f"验收其他{len(rest)}个整改方案的事项",
                       count=sum(p.n for p in rest), url=reverse("rectification:plan_list"))
