"""Lists and ledgers (R3.1, R3.2, R6.2): start from the policy, add own measures, hand in,
review. One `list_transition()` moves a list along the declared table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.cycles.models import Window, Year
from dangjian.cycles.services import window_check_open, window_set
from dangjian.notify.services import notify, notify_all, task_close, task_open
from dangjian.org.models import Body, Person, PostKind, RoleAssignment
from dangjian.org.scope import ROLE_PERMS, Perm
from dangjian.org.selectors import post_holders
from dangjian.responsibility.models import (
    EDITABLE,
    OWNER,
    TRANSITIONS,
    LedgerItem,
    ListKind,
    ListReview,
    ListStatus,
    ResponsibilityList,
)
from dangjian.responsibility.policy import PRIMARY_POINTS, SUPERVISORY_POINTS
from dangjian.responsibility.services.common import (
    MODULE,
    REVIEW_PERM,
    REVIEWER_LABEL,
    WINDOW_KEY,
    actor_name,
    can_edit,
    can_review,
    covers,
    end_of_day,
    list_kind_for,
    lists_window,
    require_county_wide,
    unit_of,
    user_or_none,
)
from dangjian.trail.changes import change_record, snapshot

RESPONSIBLE_POSTS = {
    ListKind.PRIMARY: (PostKind.ORG_SECRETARY, PostKind.ORG_DEPUTY_SECRETARY),
    ListKind.SUPERVISORY: (PostKind.DISCIPLINE_SECRETARY, PostKind.DISCIPLINE_MEMBER),
}


def _require_edit(actor: Any, body: Body, kind: str) -> None:
    if not can_edit(actor, body, kind):
        raise PermissionDenied(f"您无权编制“{body.name}”的{ListKind(kind).label}")


def _default_responsible(body: Body, kind: str, on: dt.date) -> Person | None:
    for post in RESPONSIBLE_POSTS[ListKind(kind)]:
        holders = post_holders(body=body, kind=post, on=on)
        if holders:
            return holders[0]
    return None


@transaction.atomic
def list_start(*, actor: Any, year: Year, body: Body, check_scope: bool = True
               ) -> ResponsibilityList:
    """Draft the year's list from the policy's points (idempotent: returns an existing one)."""
    kind = list_kind_for(body)
    if kind is None:
        if check_scope and not (covers(actor, Perm.RESP_PRIMARY, body)
                                or covers(actor, Perm.RESP_SUPERVISORY, body)):
            raise PermissionDenied("您无权为该组织编制责任清单")
        raise ValidationError("只有机关党组织（主体责任）和机关纪检（监督责任）编制责任清单")
    if check_scope:
        _require_edit(actor, body, kind)
    existing = ResponsibilityList.objects.filter(year=year, body=body).first()
    if existing is not None:
        return existing
    rlist = ResponsibilityList(year=year, body=body, kind=kind)
    rlist.full_clean()
    rlist.save()
    points = PRIMARY_POINTS if kind == ListKind.PRIMARY else SUPERVISORY_POINTS
    responsible = _default_responsible(body, kind, max(year.starts, min(
        timezone.localdate(), year.ends)))
    LedgerItem.objects.bulk_create([
        LedgerItem(rlist=rlist, order=i, policy_point=p.code, content=p.content,
                   targets=p.targets, measures=p.measures, deadline=year.ends,
                   responsible=responsible)
        for i, p in enumerate(points, 1)
    ])
    change_record(actor=actor, action="create", obj=rlist, after=snapshot(rlist),
                  note=f"按政策要点起草{len(points)}项")
    return rlist


def _require_editable(rlist: ResponsibilityList) -> None:
    if rlist.status not in EDITABLE:
        raise ValidationError(f"清单当前为“{ListStatus(rlist.status).label}”，不能修改台账")


def _clean_item(rlist: ResponsibilityList, *, content: str, targets: str, measures: str,
                deadline: dt.date | None, responsible: Person | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not content.strip():
        errors["content"] = "请填写责任内容"
    if not targets.strip():
        errors["targets"] = "请填写目标要求"
    if not measures.strip():
        errors["measures"] = "请填写工作措施"
    year = rlist.year
    if deadline is None:
        errors["deadline"] = "请填写完成时限"
    elif deadline < year.starts:
        errors["deadline"] = f"完成时限不能早于{year.year}年1月1日（本年度开始）"
    elif deadline > year.ends:
        errors["deadline"] = f"完成时限应在{year.year}年度内"
    if responsible is not None:
        unit = unit_of(rlist.body)
        if unit is None or responsible.unit_id != unit.pk or responsible.left_on is not None:
            errors["responsible"] = "责任人须为本单位在职人员"
    if errors:
        raise ValidationError(errors)
    return {"content": content.strip(), "targets": targets.strip(),
            "measures": measures.strip(), "deadline": deadline, "responsible": responsible}


@transaction.atomic
def item_add(*, actor: Any, rlist: ResponsibilityList, content: str, targets: str,
             measures: str, deadline: dt.date | None, responsible: Person | None = None,
             check_scope: bool = True) -> LedgerItem:
    """The organisation's own measure (R6.2), beside the policy's points."""
    if check_scope:
        _require_edit(actor, rlist.body, rlist.kind)
    _require_editable(rlist)
    fields = _clean_item(rlist, content=content, targets=targets, measures=measures,
                         deadline=deadline, responsible=responsible)
    order = (rlist.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = LedgerItem(rlist=rlist, order=order, **fields)
    item.full_clean()
    item.save()
    change_record(actor=actor, action="create", obj=item, after=snapshot(item))
    return item


@transaction.atomic
def item_update(*, actor: Any, item: LedgerItem, content: str, targets: str, measures: str,
                deadline: dt.date | None, responsible: Person | None) -> LedgerItem:
    rlist = item.rlist
    _require_edit(actor, rlist.body, rlist.kind)
    _require_editable(rlist)
    fields = _clean_item(rlist, content=content, targets=targets, measures=measures,
                         deadline=deadline, responsible=responsible)
    before = snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    after = snapshot(item)
    changed = [k for k in after if before.get(k) != after.get(k)]
    if changed:
        change_record(actor=actor, action="update", obj=item,
                      before={k: before[k] for k in changed},
                      after={k: after[k] for k in changed})
    return item


@transaction.atomic
def item_remove(*, actor: Any, item: LedgerItem) -> None:
    rlist = item.rlist
    _require_edit(actor, rlist.body, rlist.kind)
    _require_editable(rlist)
    if item.records.exists():
        raise ValidationError("该事项已有履责纪实，不能删除")
    change_record(actor=actor, action="end", obj=item, before=snapshot(item), note="删除台账事项")
    item.delete()


def _reviewers(rlist: ResponsibilityList) -> list[Any]:
    perm = REVIEW_PERM[ListKind(rlist.kind)]
    roles = [role for role, perms in ROLE_PERMS.items() if perm in perms]
    paths = [f"/{'/'.join(str(i) for i in rlist.body.ancestor_ids[:n])}/"
             for n in range(1, len(rlist.body.ancestor_ids) + 1)]
    rows = RoleAssignment.objects.filter(role__in=roles, valid_to__isnull=True,
                                         body__path__in=paths).select_related("user")
    return [ra.user for ra in rows if ra.user.is_active and (
        ra.recursive or ra.body.path == rlist.body.path)]


def _check_submit(rlist: ResponsibilityList) -> None:
    items = list(rlist.items.all())
    if not items:
        raise ValidationError("台账中还没有事项，不能报送")
    missing = [str(i.order) for i in items if i.responsible_id is None]
    if missing:
        raise ValidationError(f"第{'、'.join(missing)}项未明确责任人，请补充后再报送")


def _open_item_tasks(rlist: ResponsibilityList) -> None:
    for item in rlist.items.select_related("responsible__account"):
        account = getattr(item.responsible, "account", None) if item.responsible else None
        if account is not None:
            task_open(assignee=account, key=f"responsibility:item:{item.pk}", module=MODULE,
                      title=f"履责：{item.content[:40]}",
                      url=f"/responsibility/items/{item.pk}/", due_at=end_of_day(item.deadline),
                      year=rlist.year)


def list_transition(*, actor: Any, rlist: ResponsibilityList, to: str, opinion: str = "",
                    check_scope: bool = True, at: dt.datetime | None = None
                    ) -> ResponsibilityList:
    """Hand in (报送), send back with opinions (退回) or accept (通过), as the table says.
    `at` backdates the step for importing a past year (demo data); views never pass it."""
    with transaction.atomic():
        rlist = ResponsibilityList.objects.select_for_update().select_related(
            "body", "year").get(pk=rlist.pk)
        current = rlist.status
        side = TRANSITIONS.get((current, to))
        if side is None:
            raise ValidationError(f"清单当前为“{ListStatus(current).label}”，"
                                  f"不能变为“{ListStatus(to).label}”")
        if not check_scope:
            pass
        elif side == OWNER:
            _require_edit(actor, rlist.body, rlist.kind)
        elif not can_review(actor, rlist):
            reviewer = REVIEWER_LABEL[ListKind(rlist.kind)]
            raise PermissionDenied(f"{ListKind(rlist.kind).label}由{reviewer}审核")
        now = at or timezone.now()
        if to == ListStatus.SUBMITTED:
            _check_submit(rlist)
            window = lists_window(rlist.year)
            if now < window.opens_at:
                window_check_open(window, now)
            rlist.submitted_at = now
            rlist.submitted_late = now >= window.closes_at
        else:
            if to == ListStatus.RETURNED and not opinion.strip():
                raise ValidationError({"opinion": "退回时请填写修改意见"})
            rlist.review_opinion = opinion.strip()
            rlist.reviewed_at = now
        before_label = ListStatus(current).label
        rlist.status = to
        rlist.save()
        ListReview.objects.create(rlist=rlist, at=now, actor=user_or_none(actor),
                                  actor_name=actor_name(actor), status_from=current,
                                  status_to=to, opinion=opinion.strip())
        change_record(actor=actor, action="update", obj=rlist, before={"状态": before_label},
                      after={"状态": ListStatus(to).label}, note=opinion.strip())
        _after_transition(rlist, to)
    return rlist


def _after_transition(rlist: ResponsibilityList, to: str) -> None:
    """The reviewers' queue is computed (responsibility/workbench.py); here: the responsible
    people's tasks once a list is handed in, and who hears of the step (after commit)."""
    key = f"responsibility:review:{rlist.pk}"
    url = f"/responsibility/lists/{rlist.pk}/"
    n = rlist.reviews.count()
    task_close(key=key)  # tasks of the former stored queue, if any
    if to == ListStatus.SUBMITTED:
        transaction.on_commit(lambda: _open_item_tasks(rlist))
        notify_all(event="responsibility.list_submitted", recipients=_reviewers(rlist),
                   key=f"{key}:{n}", title=f"待审核：{rlist}", url=url,
                   body=f"{rlist.body.name}已报送{rlist.year.year}年度"
                        f"{ListKind(rlist.kind).label}，请审核。")
        return
    submitter = rlist.reviews.filter(status_to=ListStatus.SUBMITTED).order_by("-id").first()
    recipient = submitter.actor if submitter is not None else None
    if to == ListStatus.RETURNED:
        notify(event="responsibility.list_returned", recipient=recipient,
               key=f"{key}:returned:{n}", title=f"{rlist}被退回修改", url=url,
               body=f"修改意见：{rlist.review_opinion}。请修改后重新报送。")
    elif to == ListStatus.ACCEPTED:
        notify(event="responsibility.list_accepted", recipient=recipient,
               key=f"{key}:accepted:{n}", title=f"{rlist}审核通过", url=url,
               body="审核通过，请按清单落实并及时记录履责纪实。"
                    + (f"审核意见：{rlist.review_opinion}" if rlist.review_opinion else ""))


@transaction.atomic
def lists_window_set(*, actor: Any, year: Year, opens_at: dt.datetime,
                     closes_at: dt.datetime) -> Window:
    """工委 sets the year's window for handing in lists."""
    require_county_wide(actor, Perm.RESP_REVIEW_PRIMARY)
    if closes_at.date() < year.starts:
        raise ValidationError(f"截止时间不能早于{year.year}年1月1日（本年度开始）")
    window = window_set(year=year, key=WINDOW_KEY, title=f"{year.year}年度责任清单报送",
                        opens_at=opens_at, closes_at=closes_at)
    change_record(actor=actor, action="update", obj=window,
                  after={"开始": opens_at, "截止": closes_at}, note="设置责任清单报送时间")
    return window

