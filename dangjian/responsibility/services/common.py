"""Who owns which list, who may edit, review and record: the module's rules in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.accounts.actors import acting_user, actor_label
from dangjian.cycles.models import Window, Year
from dangjian.org.models import PARTY_ORG_KINDS, UNIT_KINDS, Body, BodyKind
from dangjian.org.scope import Perm, grants_for, is_county_wide
from dangjian.responsibility.models import LedgerItem, ListKind, ResponsibilityList

WINDOW_KEY = "responsibility:lists"
MODULE = "两个责任"
EDIT_PERM = {ListKind.PRIMARY: Perm.RESP_PRIMARY, ListKind.SUPERVISORY: Perm.RESP_SUPERVISORY}
REVIEW_PERM = {ListKind.PRIMARY: Perm.RESP_REVIEW_PRIMARY,
               ListKind.SUPERVISORY: Perm.RESP_REVIEW_SUPERVISORY}
REVIEWER_LABEL = {ListKind.PRIMARY: "县直机关工委", ListKind.SUPERVISORY: "县纪委"}


def owner_bodies_q() -> Q:
    """The organisations that keep lists: each department's organs' party organisation (the
    party body directly under the unit: 机关党委, 党总支 or the one 党支部) and each 机关纪检."""
    return (Q(kind__in=PARTY_ORG_KINDS, parent__kind__in=UNIT_KINDS)
            | Q(kind=BodyKind.ORGAN_DISCIPLINE))


def owner_bodies() -> QuerySet[Body]:
    return Body.objects.current().filter(owner_bodies_q())


def list_kind_for(body: Body) -> str | None:
    if body.kind == BodyKind.ORGAN_DISCIPLINE:
        return ListKind.SUPERVISORY
    if body.kind in PARTY_ORG_KINDS and body.parent is not None \
            and body.parent.kind in UNIT_KINDS:
        return ListKind.PRIMARY
    return None


def covers(user: Any, perm: Perm, body: Body) -> bool:
    return any(g.covers_path(body.path) for g in grants_for(user, perm))


def can_edit(user: Any, body: Body, kind: str) -> bool:
    return covers(user, EDIT_PERM[ListKind(kind)], body)


def can_review(user: Any, rlist: ResponsibilityList) -> bool:
    return covers(user, REVIEW_PERM[ListKind(rlist.kind)], rlist.body)


def is_responsible(user: Any, item: LedgerItem) -> bool:
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and person_id == item.responsible_id


def can_record(user: Any, item: LedgerItem) -> bool:
    rlist = item.rlist
    return can_edit(user, rlist.body, rlist.kind) or is_responsible(user, item)


def can_view_item(user: Any, item: LedgerItem) -> bool:
    return covers(user, Perm.RESP_VIEW, item.rlist.body) or is_responsible(user, item)


def require_oversee(user: Any, body: Body) -> None:
    if not covers(user, Perm.RESP_OVERSEE, body):
        raise PermissionDenied("只有县纪委、县直机关工委可以进行督查考评")


def require_county_wide(user: Any, perm: Perm) -> None:
    if not is_county_wide(user, perm):
        raise PermissionDenied("仅全县范围的监督人员可以进行此操作")


actor_name = actor_label
user_or_none = acting_user


def unit_of(body: Body) -> Body | None:
    """The department a party body belongs to (its nearest unit ancestor)."""
    ids = body.ancestor_ids
    return Body.objects.filter(pk__in=ids, kind__in=UNIT_KINDS).order_by("-depth").first()


def lists_window(year: Year) -> Window:
    """The year's window for handing in lists; unsaved default (January–February) if unset."""
    window = Window.objects.filter(year=year, key=WINDOW_KEY).first()
    if window is not None:
        return window
    tz = timezone.get_current_timezone()
    return Window(year=year, key=WINDOW_KEY, title=f"{year.year}年度责任清单报送",
                  opens_at=dt.datetime(year.year, 1, 1, tzinfo=tz),
                  closes_at=dt.datetime(year.year, 3, 1, tzinfo=tz))


def grace_days() -> int:
    """A record entered more than this many days after the duty shows as 补记 (late)."""
    return int(getattr(settings, "DUTY_RECORD_GRACE_DAYS", 7))


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
