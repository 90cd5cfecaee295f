from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from dangjian.core.text import require_single_line
from dangjian.org.models import (
    PARTY_ORG_KINDS,
    SINGLE_HOLDER_POSTS,
    Body,
    BodyKind,
    Person,
    Post,
    PostKind,
)
from dangjian.org.scope import Perm, require_body
from dangjian.trail.changes import change_record, diff, snapshot

# Which bodies a post can be held in.
_LG = frozenset({BodyKind.LEADING_GROUP})
_ORG = frozenset(PARTY_ORG_KINDS | {BodyKind.WORK_COMMITTEE, BodyKind.COUNTY_COMMITTEE})
_DISC = frozenset({BodyKind.ORGAN_DISCIPLINE, BodyKind.DISCIPLINE_COMMISSION})
POST_BODY_KINDS: dict[str, frozenset[str]] = {
    PostKind.LEADING_GROUP_SECRETARY: _LG,
    PostKind.LEADING_GROUP_MEMBER: _LG,
    PostKind.PARTY_BUILDING_MEMBER: _LG,
    PostKind.ORG_SECRETARY: _ORG,
    PostKind.ORG_DEPUTY_SECRETARY: _ORG,
    PostKind.ORG_COMMITTEE_MEMBER: _ORG,
    PostKind.DISCIPLINE_SECRETARY: _DISC,
    PostKind.DISCIPLINE_MEMBER: _DISC,
    PostKind.FULL_TIME_CADRE: _ORG | _DISC,
    PostKind.PART_TIME_CADRE: _ORG | _DISC,
}


def _overlapping(body: Body, kind: str, start: dt.date, end: dt.date | None) -> Q:
    q = Q(body=body, kind=kind) & (Q(end__isnull=True) | Q(end__gt=start))
    if end is not None:
        q &= Q(start__lt=end)
    return q


def _validate(post: Post, exclude_pk: int | None = None) -> None:
    body, person = post.body, post.person
    errors: dict[str, str] = {}
    allowed = POST_BODY_KINDS.get(post.kind, frozenset())
    if body.kind not in allowed:
        labels = "、".join(BodyKind(k).label for k in sorted(allowed))
        errors["body"] = f"“{PostKind(post.kind).label}”应设在：{labels}"
    if post.start < body.valid_from or (body.valid_to and post.start >= body.valid_to):
        errors["start"] = "任职日期不在该组织的存续期内"
    if post.end is not None and post.end < post.start:
        errors["end"] = "免职日期不能早于任职日期"
    if person.left_on and post.start >= person.left_on:
        errors["person"] = "该人员已调离，不能任职"
    if not errors:
        same = Post.objects.filter(_overlapping(body, post.kind, post.start, post.end),
                                   person=person)
        if exclude_pk:
            same = same.exclude(pk=exclude_pk)
        twin = same.first()
        if twin is not None:
            errors["kind"] = (
                f"{person.name}已担任{body.name}的{PostKind(post.kind).label}"
                f"（{twin.start:%Y-%m-%d}起{f'至{twin.end:%Y-%m-%d}' if twin.end else ''}），"
                "任期重叠，不能重复任职")
    if post.kind in SINGLE_HOLDER_POSTS and not errors:
        clash = Post.objects.filter(_overlapping(body, post.kind, post.start, post.end))
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        other = clash.select_related("person").first()
        if other is not None:
            errors["start"] = (
                f"{body.name}的{PostKind(post.kind).label}在该期间由{other.person.name}担任"
                f"（{other.start:%Y-%m-%d}起），请先为其办理免职"
            )
    if errors:
        raise ValidationError(errors)
    post.full_clean()


@transaction.atomic
def post_assign(
    *,
    actor: Any,
    person: Person,
    body: Body,
    kind: str,
    start: dt.date,
    portfolio: str = "",
    end: dt.date | None = None,
    check_scope: bool = True,
) -> Post:
    if check_scope:
        require_body(actor, Perm.ORG_EDIT, body)
    post = Post(person=person, body=body, kind=kind, start=start, end=end,
                portfolio=portfolio.strip())
    _validate(post)
    post.save()
    change_record(actor=actor, action="create", obj=post, after=snapshot(post))
    return post


@transaction.atomic
def post_update(*, actor: Any, post: Post, portfolio: str, start: dt.date) -> Post:
    require_body(actor, Perm.ORG_EDIT, post.body)
    before = snapshot(post)
    post.portfolio, post.start = portfolio.strip(), start
    _validate(post, exclude_pk=post.pk)
    post.save()
    b, a = diff(before, snapshot(post))
    if a:
        change_record(actor=actor, action="update", obj=post, before=b, after=a)
    return post


@transaction.atomic
def post_end(*, actor: Any, post: Post, on: dt.date, reason: str = "") -> Post:
    require_body(actor, Perm.ORG_EDIT, post.body)
    if post.end is not None:
        raise ValidationError(f"该任职已于{post.end:%Y-%m-%d}结束")
    if on < post.start:
        raise ValidationError({"end": "免职日期不能早于任职日期"})
    require_single_line(reason=reason)
    post.end, post.end_reason = on, reason.strip()
    post.save(update_fields=["end", "end_reason"])
    change_record(actor=actor, action="end", obj=post, after={"免职日期": on, "原因": reason})
    return post
