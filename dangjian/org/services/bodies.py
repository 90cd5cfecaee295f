from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from dangjian.core.text import require_single_line
from dangjian.org.models import ALLOWED_CHILDREN, Body, BodyKind, BodyVersion
from dangjian.org.scope import Perm, require_body
from dangjian.trail.changes import change_record, diff, snapshot


def _check_parent(kind: str, parent: Body | None) -> None:
    if parent is None:
        if kind != BodyKind.COUNTY_COMMITTEE:
            raise ValidationError({"parent": "除县委外，组织机构必须有上级"})
        return
    if not parent.is_active:
        raise ValidationError({"parent": f"上级“{parent.name}”已撤销，不能再设下级"})
    if kind not in ALLOWED_CHILDREN.get(parent.kind, frozenset()):
        raise ValidationError(
            {"parent": f"“{BodyKind(parent.kind).label}”下不能设“{BodyKind(kind).label}”"}
        )


def _set_path(body: Body) -> None:
    parent = body.parent
    body.path = f"{parent.path if parent else '/'}{body.pk}/"
    body.depth = parent.depth + 1 if parent else 0


@transaction.atomic
def body_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    parent: Body | None,
    valid_from: dt.date,
    short_name: str = "",
    code: str | None = None,
    sort_order: int = 0,
    check_scope: bool = True,
) -> Body:
    if check_scope:
        if parent is None:
            raise ValidationError({"parent": "请选择上级组织"})
        require_body(actor, Perm.ORG_STRUCTURE, parent)
    _check_parent(kind, parent)
    if parent is not None and valid_from < parent.valid_from:
        raise ValidationError({"valid_from": "成立日期不能早于上级的成立日期"})
    body = Body(
        name=name.strip(), kind=kind, parent=parent, valid_from=valid_from,
        short_name=short_name.strip(), code=(code or None), sort_order=sort_order,
    )
    body.full_clean(exclude=["path"])
    body.save()
    _set_path(body)
    body.save(update_fields=["path", "depth"])
    BodyVersion.objects.create(body=body, name=body.name, parent=parent, valid_from=valid_from)
    change_record(actor=actor, action="create", obj=body, after=snapshot(body))
    return body


@transaction.atomic
def body_update(
    *, actor: Any, body: Body, short_name: str, code: str | None, sort_order: int
) -> Body:
    """Change attributes that carry no history (a new name goes through body_rename)."""
    require_body(actor, Perm.ORG_STRUCTURE, body)
    before = snapshot(body)
    body.short_name, body.code, body.sort_order = short_name.strip(), code or None, sort_order
    body.full_clean()
    body.save()
    b, a = diff(before, snapshot(body))
    if a:
        change_record(actor=actor, action="update", obj=body, before=b, after=a)
    return body


def _close_version(body: Body, on: dt.date) -> BodyVersion:
    current = body.versions.filter(valid_to__isnull=True).get()
    if on <= current.valid_from:
        raise ValidationError(
            {"on": f"生效日期须晚于{current.valid_from:%Y-%m-%d}（上次变更日期）"}
        )
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    return current


@transaction.atomic
def body_rename(*, actor: Any, body: Body, name: str, on: dt.date) -> Body:
    require_body(actor, Perm.ORG_STRUCTURE, body)
    name = name.strip()
    if not body.is_active:
        raise ValidationError("已撤销的组织不能更名")
    if not name or name == body.name:
        raise ValidationError({"name": "请输入新的名称"})
    old = _close_version(body, on)
    BodyVersion.objects.create(body=body, name=name, parent=body.parent, valid_from=on)
    before = {"名称": body.name}
    body.name = name
    body.full_clean()
    body.save(update_fields=["name", "updated_at"])
    change_record(
        actor=actor, action="rename", obj=body, before=before, after={"名称": name},
        note=f"自{on:%Y-%m-%d}起更名（原名使用至{old.valid_to:%Y-%m-%d}前）",
    )
    return body


@transaction.atomic
def body_move(*, actor: Any, body: Body, parent: Body, on: dt.date) -> Body:
    require_body(actor, Perm.ORG_STRUCTURE, body)
    require_body(actor, Perm.ORG_STRUCTURE, parent)
    if not body.is_active:
        raise ValidationError(f"“{body.name}”已于{body.valid_to:%Y-%m-%d}撤销，不能调整隶属")
    if parent.path.startswith(body.path):
        raise ValidationError({"parent": "不能把组织调整到它自己或它的下级之下"})
    if parent.pk == body.parent_id:
        raise ValidationError({"parent": "新上级与原上级相同"})
    _check_parent(body.kind, parent)
    _close_version(body, on)
    BodyVersion.objects.create(body=body, name=body.name, parent=parent, valid_from=on)
    before = {"上级": str(body.parent)}
    old_path, old_depth = body.path, body.depth
    body.parent = parent
    _set_path(body)
    body.save(update_fields=["parent", "path", "depth", "updated_at"])
    # Re-root the whole subtree in one statement.
    Body.objects.filter(path__startswith=old_path).exclude(pk=body.pk).update(
        path=Concat(Value(body.path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (body.depth - old_depth),
    )
    change_record(actor=actor, action="move", obj=body, before=before,
                  after={"上级": str(parent)}, note=f"自{on:%Y-%m-%d}起")
    return body


def _end(body: Body, on: dt.date, reason: str) -> None:
    require_single_line(reason=reason)
    if not body.is_active:
        raise ValidationError(f"“{body.name}”已于{body.valid_to:%Y-%m-%d}撤销")
    if on <= body.valid_from:
        raise ValidationError({"on": "撤销日期须晚于成立日期"})
    if Body.objects.filter(parent=body, valid_to__isnull=True).exists():
        raise ValidationError("请先撤销、合并或调出该组织的下级组织")
    if body.members.filter(left_on__isnull=True).exists():
        raise ValidationError("该组织仍有在册人员，请先转移人员的组织关系")
    late = body.posts.filter(end__isnull=True, start__gt=on).order_by("-start").first()
    if late is not None:
        raise ValidationError({"on": f"日期不能早于该组织现任职务的任职日期"
                                     f"（{late.person.name}{late.start:%Y-%m-%d}起任"
                                     f"{late.get_kind_display()}）"})
    _close_version(body, on)
    body.valid_to = on
    body.end_reason = reason
    # Posts in a body end with it.
    body.posts.filter(end__isnull=True).update(end=on, end_reason=reason or "组织撤销")


@transaction.atomic
def body_dissolve(*, actor: Any, body: Body, on: dt.date, reason: str) -> Body:
    require_body(actor, Perm.ORG_STRUCTURE, body)
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销原因"})
    _end(body, on, reason.strip())
    body.save(update_fields=["valid_to", "end_reason", "updated_at"])
    change_record(actor=actor, action="dissolve", obj=body, after={"撤销日期": on,
                  "原因": reason.strip()})
    return body


@transaction.atomic
def body_merge(*, actor: Any, body: Body, into: Body, on: dt.date) -> Body:
    """Merge `body` into `into`: its members move over, its posts end, its past stays."""
    require_body(actor, Perm.ORG_STRUCTURE, body)
    require_body(actor, Perm.ORG_STRUCTURE, into)
    if into.pk == body.pk or not into.is_active:
        raise ValidationError({"into": "请选择一个在用的其他组织"})
    if into.kind != body.kind:
        raise ValidationError({"into": "只能并入同类型的组织"})
    body.members.filter(left_on__isnull=True).update(branch=into)
    body.staff.filter(left_on__isnull=True).update(unit=into)
    _end(body, on, f"并入{into.name}")
    body.merged_into = into
    body.save(update_fields=["valid_to", "end_reason", "merged_into", "updated_at"])
    change_record(actor=actor, action="merge", obj=body, after={"并入": into.name,
                  "日期": on})
    return body
