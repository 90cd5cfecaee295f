"""Passwords: a user changes their own; an administrator resets another's (to be changed at the
next login). Both go through the policy (settings.AUTH_PASSWORD_VALIDATORS) and are traced
without the password; the security log hears of them through accounts/signals.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from dangjian.accounts import signals
from dangjian.accounts.models import User
from dangjian.accounts.services import LoginRefused, login_check, require_not_auditor
from dangjian.org.scope import Perm, require_perm
from dangjian.trail.changes import change_record


def password_change(*, request: HttpRequest | None, user: User, current: str, new: str,
                    repeat: str) -> User:
    """The user's own change: the current password first (a wrong one counts as a failed
    login, so the lockout covers guesses made here too), then the policy."""
    try:
        login_check(request=request, username=user.username, password=current)
    except LoginRefused as exc:
        message = "当前密码不正确" if "不正确" in str(exc) else str(exc)
        raise ValidationError({"current": message}) from None
    if new != repeat:
        raise ValidationError({"repeat": "两次输入的新密码不一致"})
    validate_password(new, user)
    if new == current:
        raise ValidationError({"new": "新密码不能与当前密码相同"})
    with transaction.atomic():
        _password_set(user, new, must_change=False)
        change_record(actor=user, action="update", obj=user, after={"密码": "本人已修改"})
        transaction.on_commit(lambda: signals.password_changed.send(
            sender=User, user=user, request=request))
    return user


def password_reset(*, actor: Any, user: User, new: str,
                   request: HttpRequest | None = None) -> User:
    """An administrator sets a temporary password: the user must change it at the next login,
    and every session of theirs ends (Django checks the password's hash in each session)."""
    require_perm(actor, Perm.ACCOUNT_MANAGE)
    require_not_auditor(user)
    validate_password(new, user)
    with transaction.atomic():
        _password_set(user, new, must_change=True)
        change_record(actor=actor, action="update", obj=user,
                      after={"密码": "管理员已重置，须在下次登录时修改"})
        transaction.on_commit(lambda: signals.password_reset.send(
            sender=User, user=user, actor=actor, request=request))
    return user


def _password_set(user: User, new: str, *, must_change: bool) -> None:
    user.set_password(new)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
