"""Accounts: login with lockout, account creation, role grants — each traced."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.org.models import Body, Person, Role, RoleAssignment
from dangjian.org.scope import Perm, require_body
from dangjian.trail.changes import change_record


class LoginRefused(Exception):
    """The message says why, in Chinese."""


def login_check(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Authenticate, counting failures; lock the account after LOGIN_MAX_FAILURES."""
    now = timezone.now()
    user = User.objects.filter(username=username).first()
    if user is not None and user.locked_until and user.locked_until > now:
        until = timezone.localtime(user.locked_until)
        raise LoginRefused(f"账号因连续登录失败已被锁定，请于{until:%H:%M}后再试或联系管理员")
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        if user is not None:
            _login_failed(user, now)
        raise LoginRefused("用户名或密码不正确")
    assert isinstance(authenticated, User)
    if authenticated.failed_logins or authenticated.locked_until:
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0, locked_until=None)
    return authenticated


@transaction.atomic
def _login_failed(user: User, now: dt.datetime) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_logins += 1
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        user.failed_logins = 0
        change_record(actor=None, action="login_locked", obj=user,
                      note=f"连续{settings.LOGIN_MAX_FAILURES}次登录失败")
    user.save(update_fields=["failed_logins", "locked_until"])


def _county_scope_check(actor: Any, body: Body) -> None:
    require_body(actor, Perm.ACCOUNT_MANAGE, body)


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    full_name: str,
    person: Person | None = None,
    check_scope: bool = True,
) -> User:
    username = username.strip()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    user = User(username=username, last_name=full_name.strip(), person=person)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    change_record(actor=actor if check_scope else None, action="create", obj=user,
                  after={"用户名": username, "姓名": full_name,
                         "对应人员": str(person) if person else None})
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> User:
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    change_record(actor=actor, action="update", obj=user, after={"锁定": "已解除"})
    return user


@transaction.atomic
def role_grant(
    *, actor: Any, user: User, role: str, body: Body, recursive: bool = True,
    check_scope: bool = True,
) -> RoleAssignment:
    if check_scope:
        _county_scope_check(actor, body)
    if role not in Role.values:
        raise ValidationError({"role": "未知角色"})
    if not body.is_active:
        raise ValidationError({"body": f"“{body.name}”已撤销"})
    if RoleAssignment.objects.filter(user=user, role=role, body=body,
                                     valid_to__isnull=True).exists():
        raise ValidationError("该账号已有此授权")
    assignment = RoleAssignment(user=user, role=role, body=body, recursive=recursive,
                                valid_from=timezone.localdate())
    assignment.full_clean()
    assignment.save()
    change_record(actor=actor, action="grant", obj=assignment,
                  after={"账号": user.username, "角色": Role(role).label, "范围": body.name,
                         "含下级": recursive})
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    _county_scope_check(actor, assignment.body)
    if assignment.valid_to is not None:
        raise ValidationError("该授权已失效")
    assignment.valid_to = max(timezone.localdate(), assignment.valid_from)
    assignment.save(update_fields=["valid_to"])
    change_record(actor=actor, action="revoke", obj=assignment,
                  before={"角色": assignment.get_role_display(), "范围": assignment.body.name})
    return assignment
