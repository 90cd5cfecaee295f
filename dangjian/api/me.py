"""The caller: who they are, what they may do, what is waiting for them (R0.4, R0.10)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from dangjian.api.schemas import ERRORS, MeOut, TaskOut
from dangjian.notify.board import workbench_items
from dangjian.notify.services import task_urgency
from dangjian.org.models import Body, Role
from dangjian.org.scope import ROLE_PERMS, grants

router = Router(tags=["我的"])


@router.get(
    "/me", response={200: MeOut, **ERRORS}, url_name="me",
    summary="当前用户", description="账号、对应人员、当前角色及其范围、拥有的权限。",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    mine = grants(user)
    # The bodies of one's own grants: names only, for display.
    names = dict(Body.objects.filter(pk__in=[g.body_id for g in mine]).values_list("pk", "name"))
    perms = sorted({str(p) for g in mine for p in ROLE_PERMS.get(g.role, ())})
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name() or user.username,
        "person_id": user.person_id,
        "roles": [
            {"role": g.role, "role_label": Role(g.role).label, "body_id": g.body_id,
             "body_name": names.get(g.body_id, ""), "recursive": g.recursive}
            for g in mine
        ],
        "perms": perms,
    }


@router.get(
    "/workbench", response={200: list[TaskOut], **ERRORS}, url_name="workbench",
    summary="我的待办", description="当前用户未完成的待办，按截止时间排列，标出逾期与临期。",
)
def workbench(request: HttpRequest) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {"id": t.key, "module": t.module, "title": t.title, "url": t.url, "due_at": t.due_at,
         "urgency": task_urgency(t, now), "year": t.year.year if t.year else None,
         "count": t.count, "state": t.state}
        for t in workbench_items(user=request.user)
    ]

