"""Who hears of a rectification item's steps (the events are declared in workbench.py).
Called inside the step's transaction, or after its commit; `notify` sends after commit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dangjian.notify.services import account_of, accounts_covering, notify, notify_all
from dangjian.org.scope import Perm
from dangjian.rectification.models import Item, ItemStatus


def _url(item: Item) -> str:
    return reverse("rectification:plan_detail", args=[item.plan_id])


def item_due(*, item: Item, recipient: Any) -> None:
    notify(event="rectification.item_due", recipient=recipient,
           key=f"rectification:item:{item.pk}:due", url=_url(item),
           title=f"整改任务：{item.problem[:40]}",
           body=f"{item.plan.title}：{item.problem}。整改时限：{item.deadline:%Y-%m-%d}，"
                "请制定措施、按时整改并提交验收。")


def item_step(*, actor: Any, item: Item, to: str, by_verifier: bool, note: str) -> None:
    n = item.progress.count()
    key = f"rectification:item:{item.pk}:{n}"
    plan = item.plan
    if to == ItemStatus.SUBMITTED:
        notify_all(event="rectification.item_submitted", skip=actor,
                   recipients=accounts_covering(Perm.RECTIFY_VERIFY, plan.verifier_body),
                   key=key, url=_url(item), title=f"待验收：{item.problem[:40]}",
                   body=f"{plan.owner_body.name}提交整改验收：{item.problem}。说明：{note}")
        return
    owner = account_of(item.owner or plan.owner_person)
    if owner is None:  # no one named: whoever handed it in for verification
        last = item.progress.filter(status_to=ItemStatus.SUBMITTED).order_by("-id").first()
        owner = last.actor if last is not None else None
    if to == ItemStatus.CLOSED:
        notify(event="rectification.item_verified", recipient=owner, key=key, url=_url(item),
               title=f"整改事项已验收销号：{item.problem[:40]}", body=f"验收意见：{note}")
    elif to == ItemStatus.IN_PROGRESS and by_verifier:
        notify(event="rectification.item_rejected", recipient=owner, key=key, url=_url(item),
               title=f"整改事项验收未通过：{item.problem[:40]}",
               body=f"验收意见：{note}。请继续整改后重新提交验收。")
