"""Who may do what in a department's assessment, beyond the scope gate's table: team members
conduct it (records, scores, judgements) for the departments in their team's charge, and only
they and 工委 leaders (Perm.ASSESS_CONFIDENTIAL) read 个别谈话 notes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from dangjian.assessment.models import Assessment, Scheme
from dangjian.org.models import Body, BodyKind
from dangjian.org.scope import Perm, allows, grants_for, require_body


def work_committee() -> Body:
    body = Body.objects.filter(kind=BodyKind.WORK_COMMITTEE, valid_to__isnull=True).first()
    if body is None:
        raise LookupError("组织机构中没有县直机关工委")
    return body


def covers(user: Any, perm: Perm, body: Body) -> bool:
    return any(g.covers_path(body.path) for g in grants_for(user, perm))


def is_team_member(user: Any, assessment: Assessment) -> bool:
    team = assessment.team
    if team is None or not getattr(user, "is_authenticated", False):
        return False
    return team.leader_id == user.pk or team.members.filter(pk=user.pk).exists()


def require_conduct(user: Any, assessment: Assessment) -> None:
    if not is_team_member(user, assessment):
        raise PermissionDenied(f"您不是负责“{assessment.unit.name}”的考核组成员")


def can_view(user: Any, assessment: Assessment) -> bool:
    return allows(user, Perm.ASSESS_VIEW, assessment) or is_team_member(user, assessment)


def require_view(user: Any, assessment: Assessment) -> None:
    if not can_view(user, assessment):
        raise PermissionDenied("您无权查看该单位的考核情况")


def can_read_interviews(user: Any, assessment: Assessment) -> bool:
    return is_team_member(user, assessment) or allows(
        user, Perm.ASSESS_CONFIDENTIAL, assessment)


def require_interviews(user: Any, assessment: Assessment) -> None:
    if not can_read_interviews(user, assessment):
        raise PermissionDenied("个别谈话记录仅限考核组和工委领导查阅")


def require_system(user: Any, scheme: Scheme | None = None) -> None:
    require_body(user, Perm.ASSESS_SYSTEM, scheme.owner_body if scheme else work_committee())


def require_manage(user: Any, body: Body) -> None:
    require_body(user, Perm.ASSESS_MANAGE, body)


def can_receive(user: Any, assessment: Assessment) -> bool:
    """The department's own 党组 side (its 党组书记's grant) receives the feedback."""
    return covers(user, Perm.ASSESS_RECEIVE, assessment.unit)
