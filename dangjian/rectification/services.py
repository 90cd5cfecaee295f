"""Every write of the rectification engine. One `transition()` moves an item's status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.accounts.actors import acting_user, actor_label
from dangjian.notify.services import task_close, task_open
from dangjian.org.models import Body, Person
from dangjian.org.scope import Perm, grants_for
from dangjian.rectification import notices
from dangjian.rectification.models import (
    OWNER,
    TRANSITIONS,
    VERIFIER,
    Item,
    ItemStatus,
    Plan,
    Progress,
)
from dangjian.trail.changes import change_record, snapshot

EDITABLE = frozenset({ItemStatus.OPEN, ItemStatus.IN_PROGRESS})


def _covers(user: Any, perm: Perm, body: Body) -> bool:
    return any(g.covers_path(body.path) for g in grants_for(user, perm))


def is_owner_side(user: Any, plan: Plan) -> bool:
    person_id = getattr(user, "person_id", None)
    if plan.owner_person_id and person_id == plan.owner_person_id:
        return True
    return _covers(user, Perm.RECTIFY, plan.owner_body)


def is_verifier_side(user: Any, plan: Plan) -> bool:
    return _covers(user, Perm.RECTIFY_VERIFY, plan.verifier_body)


def _require_side(user: Any, plan: Plan, side: str) -> None:
    ok = is_owner_side(user, plan) if side == OWNER else is_verifier_side(user, plan)
    if not ok:
        who = "整改责任方" if side == OWNER else "验收单位"
        raise PermissionDenied(f"只有{who}可以进行此操作")


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    year: Any,
    source: str,
    title: str,
    owner_body: Body,
    verifier_body: Body,
    owner_person: Person | None = None,
    source_ref: str = "",
    carried_from: Plan | None = None,
    check_scope: bool = True,
) -> Plan:
    plan = Plan(year=year, source=source, source_ref=source_ref, title=title.strip(),
                owner_body=owner_body, owner_person=owner_person, verifier_body=verifier_body,
                carried_from=carried_from,
                created_by=acting_user(actor))
    if check_scope and not (is_owner_side(actor, plan) or is_verifier_side(actor, plan)):
        raise PermissionDenied("您无权为该单位制定整改方案")
    existing = Plan.objects.filter(year=year, source=source, source_ref=source_ref,
                                   owner_body=owner_body, owner_person=owner_person).first()
    if existing is not None:
        return existing
    plan.full_clean()
    plan.save()
    change_record(actor=actor, action="create", obj=plan, after=snapshot(plan))
    return plan


def _open_task(item: Item, state: str = "") -> None:
    owner = item.owner or item.plan.owner_person
    account = getattr(owner, "account", None) if owner else None
    if account is None:
        return
    deadline = timezone.make_aware(dt.datetime.combine(item.deadline, dt.time(23, 59)))
    task_open(assignee=account, key=f"rectification:item:{item.pk}", module="整改",
              title=f"整改：{item.problem[:40]}", url=f"/rectification/{item.plan_id}/",
              due_at=deadline, year=item.plan.year, state=state)
    if not state:
        notices.item_due(item=item, recipient=account)


@transaction.atomic
def item_add(
    *,
    actor: Any,
    plan: Plan,
    problem: str,
    deadline: dt.date,
    measures: str = "",
    origin: str = "",
    owner: Person | None = None,
    check_scope: bool = True,
) -> Item:
    if check_scope and not (is_owner_side(actor, plan) or is_verifier_side(actor, plan)):
        raise PermissionDenied("您无权为该方案添加整改事项")
    if not problem.strip():
        raise ValidationError({"problem": "请填写问题"})
    if deadline < plan.year.starts:
        raise ValidationError({"deadline": f"整改时限不能早于{plan.year.starts:%Y-%m-%d}"})
    order = (plan.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = Item(plan=plan, problem=problem.strip(), measures=measures.strip(), origin=origin,
                owner=owner or plan.owner_person, deadline=deadline, order=order)
    item.full_clean()
    item.save()
    change_record(actor=actor, action="create", obj=item, after=snapshot(item))
    transaction.on_commit(lambda: _open_task(item))
    return item


@transaction.atomic
def item_plan(
    *, actor: Any, item: Item, measures: str, deadline: dt.date, owner: Person | None
) -> Item:
    """The owner sets the measures, deadline and responsible person while work is open."""
    _require_side(actor, item.plan, OWNER)
    if item.status not in EDITABLE:
        raise ValidationError("已提交验收或已销号的事项不能修改")
    if not measures.strip():
        raise ValidationError({"measures": "请填写整改措施"})
    if deadline < item.plan.year.starts:
        raise ValidationError({"deadline": f"整改时限不能早于{item.plan.year.starts:%Y-%m-%d}"})
    before = snapshot(item)
    item.measures, item.deadline, item.owner = measures.strip(), deadline, owner or item.owner
    item.full_clean()
    item.save()
    after = snapshot(item)
    changed = [k for k in after if before.get(k) != after.get(k)]
    if changed:
        change_record(actor=actor, action="update", obj=item,
                      before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    transaction.on_commit(lambda: _open_task(item))
    return item


def transition(*, actor: Any, item: Item, to: str, note: str) -> Item:
    """Move an item along the declared table; who may, guards, and the trace in one place."""
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("plan__owner_body",
                                                               "plan__verifier_body").get(pk=item.pk)
        current = item.status
        side = TRANSITIONS.get((current, to))
        if to == current == ItemStatus.IN_PROGRESS:
            side = OWNER  # another progress report
        if side is None:
            raise ValidationError(
                f"事项当前为“{ItemStatus(current).label}”，不能变为“{ItemStatus(to).label}”"
            )
        _require_side(actor, item.plan, side)
        if not note.strip():
            raise ValidationError({"note": "请填写情况说明或验收意见"})
        if side == VERIFIER and to == ItemStatus.CLOSED:
            item.closed_at = timezone.now()
            item.verification = note.strip()
        elif side == VERIFIER:
            item.verification = note.strip()
        item.status = to
        item.save(update_fields=["status", "closed_at", "verification"])
        Progress.objects.create(
            item=item, actor=acting_user(actor), actor_name=actor_label(actor),
            status_from=current, status_to=to, note=note.strip(),
        )
        change_record(actor=actor, action="update", obj=item,
                      before={"状态": ItemStatus(current).label},
                      after={"状态": ItemStatus(to).label}, note=note.strip())
        if to in (ItemStatus.CLOSED, ItemStatus.SUBMITTED):  # the verifiers' queue has it now
            transaction.on_commit(lambda: task_close(key=f"rectification:item:{item.pk}"))
        elif side == VERIFIER:  # sent back: the owner's task is open again
            transaction.on_commit(lambda: _open_task(item, state="验收未通过"))
        notices.item_step(actor=actor, item=item, to=to, by_verifier=side == VERIFIER,
                          note=note.strip())
    return item


def item_progress(*, actor: Any, item: Item, note: str) -> Item:
    return transition(actor=actor, item=item, to=ItemStatus.IN_PROGRESS, note=note)


def item_submit(*, actor: Any, item: Item, note: str) -> Item:
    return transition(actor=actor, item=item, to=ItemStatus.SUBMITTED, note=note)


def item_verify(*, actor: Any, item: Item, accept: bool, note: str) -> Item:
    to = ItemStatus.CLOSED if accept else ItemStatus.IN_PROGRESS
    return transition(actor=actor, item=item, to=to, note=note)


@transaction.atomic
def plan_carry_forward(*, actor: Any, plan: Plan, to_year: Any) -> Plan:
    """Next year: a plan that continues this one, with every item not yet closed."""
    new = plan_create(
        actor=actor, year=to_year, source=plan.source, source_ref=plan.source_ref,
        title=f"{plan.title}（上年延续）", owner_body=plan.owner_body,
        owner_person=plan.owner_person, verifier_body=plan.verifier_body, carried_from=plan,
        check_scope=False,
    )
    if not new.items.exists():
        for item in plan.items.exclude(status=ItemStatus.CLOSED):
            item_add(actor=actor, plan=new, problem=item.problem, origin="上年未完成",
                     measures=item.measures, owner=item.owner,
                     deadline=max(item.deadline, to_year.starts), check_scope=False)
    return new
