"""The one scope gate (R0.4, R6.1).

Every selector, page, export, download and API call asks here what a user may see or do.
A user's grants are their current role assignments: role × body × recursive. A role carries a
set of permissions (the table below: who may do what, as the policy's responsibility system
assigns it). A permission over a body reaches that body and, for a recursive grant, its subtree.

Models are registered with the field paths that place a row in the tree (`register`), so one
function filters any queryset (`scope_filter`) and checks any object (`require`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangjian.org.models import Body, Person, Post, Role, RoleAssignment


class Perm(StrEnum):
    ORG_VIEW = "org.view"  # read bodies, people, posts
    ORG_EDIT = "org.edit"  # maintain them
    ORG_STRUCTURE = "org.structure"  # create, move, merge, dissolve bodies
    ACCOUNT_MANAGE = "account.manage"  # accounts and role assignments
    TRACE_VIEW = "trace.view"  # read the change trace
    SUPERVISION_VIEW = "supervision.view"  # read supervision data (两个责任 etc.)
    SELF_VIEW = "self.view"  # one's own record and workbench
    RECTIFY = "rectification.edit"  # draft plans, report progress (the owning side)
    RECTIFY_VERIFY = "rectification.verify"  # verify and close items (the upper body)
    BALLOT_MANAGE = "ballot.manage"  # set up, issue codes for, open and close ballots
    ASSESS_VIEW = "assessment.view"  # read 党建考核 results and records (not interview notes)
    ASSESS_SYSTEM = "assessment.system"  # build and publish the year's indicator system
    ASSESS_MANAGE = "assessment.manage"  # teams, 平时掌握 notes, feedback, the special report
    ASSESS_CONFIDENTIAL = "assessment.confidential"  # read 个别谈话 notes (工委 leaders)
    ASSESS_RECEIVE = "assessment.receive"  # a 党组 receives its feedback and acknowledges it
    DUTY_VIEW = "duty_review.view"  # read 述职 plans, reports, meetings and results in scope
    DUTY_PLAN = "duty_review.plan"  # issue the year's 述职评议工作方案 (工委)
    DUTY_REVIEW = "duty_review.review"  # review reports at a workflow stage (初审/审定/审定意见)
    DUTY_MEETING = "duty_review.meeting"  # hold 评议会: agenda, 点评/询问, ballots
    DUTY_EVALUATE = "duty_review.evaluate"  # 县委's 综合考评 of the third tier
    RESP_VIEW = "responsibility.view"  # read 两个责任 lists, ledgers, 纪实, supervision
    RESP_PRIMARY = "responsibility.primary"  # draft the 主体责任清单, record duties against it
    RESP_SUPERVISORY = "responsibility.supervisory"  # 机关纪检: 监督责任清单 and its 纪实
    RESP_REVIEW_PRIMARY = "responsibility.review_primary"  # 工委 reviews 主体责任清单
    RESP_REVIEW_SUPERVISORY = "responsibility.review_supervisory"  # 县纪委 reviews 监督责任清单
    RESP_OVERSEE = "responsibility.oversee"  # supervision notes, evaluations, talks, praise
    RESP_SPOT_CHECK = "responsibility.spot_check"  # 县纪委: random spot checks
    SECURITY_AUDIT = "security.audit"  # read and export the security log (安全审计员 only)


_COUNTY_READ = {Perm.ORG_VIEW, Perm.TRACE_VIEW, Perm.SELF_VIEW}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.WORK_COMMITTEE_ADMIN: frozenset(
        _COUNTY_READ
        | {Perm.ORG_EDIT, Perm.ORG_STRUCTURE, Perm.ACCOUNT_MANAGE, Perm.SUPERVISION_VIEW,
           Perm.RECTIFY, Perm.RECTIFY_VERIFY, Perm.BALLOT_MANAGE, Perm.DUTY_VIEW, Perm.DUTY_PLAN,
           Perm.DUTY_REVIEW, Perm.DUTY_MEETING}
        | {Perm.RESP_VIEW, Perm.RESP_REVIEW_PRIMARY, Perm.RESP_OVERSEE}
        | {Perm.ASSESS_VIEW, Perm.ASSESS_SYSTEM, Perm.ASSESS_MANAGE, Perm.ASSESS_CONFIDENTIAL}
    ),
    Role.WORK_COMMITTEE_STAFF: frozenset(
        _COUNTY_READ | {Perm.ORG_EDIT, Perm.SUPERVISION_VIEW, Perm.RECTIFY, Perm.RECTIFY_VERIFY,
                        Perm.BALLOT_MANAGE, Perm.DUTY_VIEW, Perm.DUTY_PLAN, Perm.DUTY_REVIEW,
                        Perm.DUTY_MEETING}
        | {Perm.RESP_VIEW, Perm.RESP_REVIEW_PRIMARY, Perm.RESP_OVERSEE}
        | {Perm.ASSESS_VIEW, Perm.ASSESS_SYSTEM, Perm.ASSESS_MANAGE}
    ),
    Role.ORGANIZATION_DEPT: frozenset(_COUNTY_READ | {Perm.DUTY_VIEW}
                                      | {Perm.ASSESS_VIEW, Perm.ASSESS_SYSTEM}),
    Role.COUNTY_COMMITTEE: frozenset(
        _COUNTY_READ | {Perm.SUPERVISION_VIEW, Perm.RECTIFY_VERIFY, Perm.BALLOT_MANAGE,
                        Perm.DUTY_VIEW, Perm.DUTY_MEETING, Perm.DUTY_EVALUATE}
        | {Perm.RESP_VIEW}
        | {Perm.ASSESS_VIEW}
    ),
    Role.DISCIPLINE_COMMISSION: frozenset(
        _COUNTY_READ | {Perm.SUPERVISION_VIEW, Perm.RECTIFY_VERIFY}
        | {Perm.RESP_VIEW, Perm.RESP_REVIEW_SUPERVISORY, Perm.RESP_OVERSEE,
           Perm.RESP_SPOT_CHECK}
    ),
    Role.CIVILIZATION_OFFICE: frozenset({Perm.ORG_VIEW, Perm.SELF_VIEW}),
    Role.LEADING_GROUP_SECRETARY: frozenset(
        _COUNTY_READ | {Perm.ORG_EDIT, Perm.RECTIFY, Perm.RECTIFY_VERIFY, Perm.BALLOT_MANAGE,
                        Perm.DUTY_VIEW, Perm.DUTY_REVIEW, Perm.DUTY_MEETING}
        | {Perm.RESP_VIEW, Perm.RESP_PRIMARY}
        | {Perm.ASSESS_RECEIVE}
    ),
    Role.ORG_SECRETARY: frozenset(
        _COUNTY_READ | {Perm.ORG_EDIT, Perm.RECTIFY, Perm.RECTIFY_VERIFY, Perm.BALLOT_MANAGE,
                        Perm.DUTY_VIEW, Perm.DUTY_REVIEW, Perm.DUTY_MEETING}
        | {Perm.RESP_VIEW, Perm.RESP_PRIMARY}
    ),
    Role.DISCIPLINE_MEMBER: frozenset(
        {Perm.ORG_VIEW, Perm.SELF_VIEW, Perm.SUPERVISION_VIEW}
        | {Perm.RESP_VIEW, Perm.RESP_SUPERVISORY}
    ),
    Role.MEMBER: frozenset({Perm.SELF_VIEW}),
    # Separation of duties: no other role holds SECURITY_AUDIT, and this one nothing else
    # but the workbench (dangjian/security/services.py grants it).
    Role.AUDIT_ADMIN: frozenset({Perm.SECURITY_AUDIT, Perm.SELF_VIEW}),
}


def role_perms(role: str) -> frozenset[Perm]:
    return ROLE_PERMS.get(role, frozenset())


@dataclass(frozen=True)
class Grant:
    role: str
    body_id: int
    path: str
    recursive: bool

    def covers_path(self, path: str) -> bool:
        return path.startswith(self.path) if self.recursive else path == self.path


def grants(user: Any, day: dt.date | None = None) -> list[Grant]:
    """The user's current grants, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Grant] | None = getattr(user, "_dangjian_grants", None)
    if cached is not None and day is None:
        return cached
    on = day or timezone.localdate()
    rows = (
        RoleAssignment.objects.filter(user=user, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .filter(body__valid_to__isnull=True)
        .values_list("role", "body_id", "body__path", "recursive")
    )
    result = [Grant(r, b, p, rec) for r, b, p, rec in rows]
    if day is None:  # only today's grants are kept for the rest of the request
        user._dangjian_grants = result
    return result


def grants_for(user: Any, perm: Perm) -> list[Grant]:
    return [g for g in grants(user) if perm in role_perms(g.role)]


def has_perm(user: Any, perm: Perm) -> bool:
    """Holds the permission anywhere (decides whether a menu entry or page exists for them)."""
    return bool(grants_for(user, perm))


def roles(user: Any) -> set[str]:
    return {g.role for g in grants(user)}


def is_county_wide(user: Any, perm: Perm) -> bool:
    """Holds the permission over the whole tree (a grant on a root body, recursive)."""
    return any(g.recursive and g.path.count("/") == 2 for g in grants_for(user, perm))


def path_q(user: Any, perm: Perm, field: str) -> Q:
    """A Q matching rows whose `field` (a path string) lies in the user's scope for perm."""
    q = Q(pk__in=[])
    for g in grants_for(user, perm):
        q |= Q(**{f"{field}__startswith": g.path}) if g.recursive else Q(**{field: g.path})
    return q


# Registry: model -> field paths ending in a materialised path, any of which places a row.
_SCOPE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {}
# Extra rule for a person's own rows: model -> field path to a Person id.
_SELF_FIELDS: dict[type[models.Model], str] = {}


def register(model: type[models.Model], *path_fields: str, self_field: str | None = None) -> None:
    _SCOPE_FIELDS[model] = path_fields
    if self_field:
        _SELF_FIELDS[model] = self_field


register(Body, "path")
register(Person, "branch__path", "unit__path", self_field="pk")
register(Post, "body__path", self_field="person_id")


M = TypeVar("M", bound=models.Model)


def scope_q(user: Any, perm: Perm, model: type[models.Model]) -> Q:
    try:
        fields = _SCOPE_FIELDS[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered with the scope gate") from None
    q = Q(pk__in=[])
    for field in fields:
        q |= path_q(user, perm, field)
    self_field = _SELF_FIELDS.get(model)
    person_id = getattr(user, "person_id", None)
    if (
        self_field
        and person_id
        and perm in {Perm.ORG_VIEW, Perm.SELF_VIEW}
        and any(Perm.SELF_VIEW in role_perms(g.role) for g in grants(user))
    ):
        q |= Q(**{self_field: person_id})
    return q


def scope_filter(user: Any, perm: Perm, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """Narrow any registered queryset to what the user may reach with perm."""
    return qs.filter(scope_q(user, perm, qs.model))


def allows(user: Any, perm: Perm, obj: models.Model) -> bool:
    model = type(obj)
    return scope_filter(user, perm, model._default_manager.filter(pk=obj.pk)).exists()


def require(user: Any, perm: Perm, obj: models.Model) -> None:
    """Raise PermissionDenied unless the user may act with perm on obj."""
    if not allows(user, perm, obj):
        raise PermissionDenied("您无权访问该记录")


def require_body(user: Any, perm: Perm, body: Body) -> None:
    """Check a body already in memory without a query (for writes that place rows in it)."""
    if not any(g.covers_path(body.path) for g in grants_for(user, perm)):
        raise PermissionDenied(f"您无权在“{body.name}”范围内进行此操作")


def require_perm(user: Any, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied("您没有此项权限")


def bodies(user: Any, perm: Perm) -> models.QuerySet[Body]:
    return scope_filter(user, perm, Body.objects.all())


def registered_models() -> Iterable[type[models.Model]]:
    return tuple(_SCOPE_FIELDS)
