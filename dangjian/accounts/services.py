"""Accounts: login with lockout, account creation, role grants, API tokens — each traced
(the change trace) and in the security log (dangjian.security)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from dangjian.accounts.actors import acting_user
from dangjian.accounts.models import ApiToken, ApiTokenUse, User
from dangjian.org.models import Body, Person, Role, RoleAssignment
from dangjian.org.scope import Perm, require_body
from dangjian.security import throttle
from dangjian.security.events import record, request_address
from dangjian.security.models import CounterScope, Kind, Outcome
from dangjian.trail.changes import change_record


class LoginRefused(Exception):
    """The message says why, in Chinese."""


LOGIN_FAILED = "用户名或密码不正确"


def _locked(until: dt.datetime) -> LoginRefused:
    until = timezone.localtime(until)
    return LoginRefused(f"账号因连续登录失败已被锁定，请于{until:%H:%M}后再试或联系管理员")


def login_check(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Authenticate, counting failures per account (a name with no account counts the same,
    so the answers never tell whether it exists) and per source address; lock the account
    after LOGIN_MAX_FAILURES, the address after LOGIN_ADDRESS_MAX_FAILURES in a window.
    Failures are in the security log (user_login_failed, dangjian.security.apps)."""
    now = timezone.now()
    address = request_address(request)
    blocked = throttle.blocked_until(CounterScope.ADDRESS, address, now)
    if blocked is not None:
        record(Kind.LOGIN, outcome=Outcome.DENIED, username=username, request=request,
               detail="来源地址已被限制登录，未校验密码")
        raise LoginRefused(throttle.address_message(blocked))
    user = User.objects.filter(username=username).first()
    locked = (throttle.blocked_until(CounterScope.USERNAME, username, now) if user is None
              else user.locked_until if user.locked_until and user.locked_until > now else None)
    if locked is not None:
        record(Kind.LOGIN, outcome=Outcome.DENIED, user=user, username=username,
               request=request, detail="账号已锁定，未校验密码")
        throttle.address_refused(address, request, now)
        raise _locked(locked)
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        until = (_login_failed(user, now) if user is not None
                 else throttle.unknown_name_failed(username, now))
        if until is not None:
            record(Kind.LOCKOUT, outcome=Outcome.DENIED, user=user, username=username,
                   request=request, detail=f"连续{settings.LOGIN_MAX_FAILURES}次登录失败，"
                   f"锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟")
        throttle.address_refused(address, request, now)
        raise LoginRefused(LOGIN_FAILED)
    assert isinstance(authenticated, User)
    if authenticated.failed_logins or authenticated.locked_until:
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0, locked_until=None)
    return authenticated


@transaction.atomic
def _login_failed(user: User, now: dt.datetime) -> dt.datetime | None:
    """Count the failure; the end of the lock it starts, if it starts one."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_logins += 1
    started = None
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = started = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        user.failed_logins = 0
        change_record(actor=None, action="login_locked", obj=user,
                      note=f"连续{settings.LOGIN_MAX_FAILURES}次登录失败")
    user.save(update_fields=["failed_logins", "locked_until"])
    return started


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
    """An account with a password that meets the policy; created by an administrator (an
    actor), its password is a first one, to be changed at the first login."""
    user = User(username=_free_username(username), last_name=full_name.strip(), person=person,
                must_change_password=acting_user(actor) is not None)
    validate_password(password, user)
    _user_insert(user, password, actor=actor if check_scope else None)
    record(Kind.ACCOUNT_CHANGE, user=actor, subject=user.username, detail="新建账号")
    return user


@transaction.atomic
def demo_user_create(*, username: str, password: str, full_name: str,
                     person: Person | None = None) -> User:
    """A demo account (`dangjian demo-data` only): its published password bypasses the policy,
    and it is marked `is_demo`, which production start-up refuses (core/checks.py)."""
    user = User(username=_free_username(username), last_name=full_name.strip(), person=person,
                is_demo=True)
    return _user_insert(user, password, actor=None)


def _free_username(username: str) -> str:
    username = username.strip()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    return username


def _user_insert(user: User, password: str, *, actor: Any) -> User:
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    change_record(actor=actor, action="create", obj=user,
                  after={"用户名": user.username, "姓名": user.last_name,
                         "对应人员": str(user.person) if user.person else None})
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> User:
    require_not_auditor(user)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    change_record(actor=actor, action="update", obj=user, after={"锁定": "已解除"})
    record(Kind.UNLOCK, user=actor, subject=user.username, detail="解除账号锁定")
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
    _separation_check(user, role)
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
    record(Kind.ROLE_CHANGE, user=actor, subject=user.username,
           detail=f"授予“{Role(role).label}”，范围“{body.name}”{'（含下级）' if recursive else ''}")
    return assignment


def is_auditor(user: User) -> bool:
    return RoleAssignment.objects.filter(user=user, role=Role.AUDIT_ADMIN,
                                         valid_to__isnull=True).exists()


def require_not_auditor(user: User) -> None:
    """An audit administrator's account is managed on the server only: the pages' account
    administrator can neither reset its password or second factor nor unlock it."""
    if is_auditor(user):
        raise PermissionDenied("安全审计员账号只能由服务器管理员在服务器上管理")


def _separation_check(user: User, role: str) -> None:
    """The audit administrator's role is granted on the server only, to an account holding
    no other role (dangjian.security.services)."""
    if role == Role.AUDIT_ADMIN:
        raise ValidationError({"role": "安全审计员只能由服务器管理员以 dangjian grant-auditor "
                                       "命令设置，系统管理员不能授予"})
    if is_auditor(user):
        raise ValidationError("安全审计员账号不能兼任其他角色")


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    _county_scope_check(actor, assignment.body)
    if assignment.role == Role.AUDIT_ADMIN:
        raise ValidationError("安全审计员只能由服务器管理员以 dangjian revoke-auditor 命令撤销")
    if assignment.valid_to is not None:
        raise ValidationError("该授权已失效")
    assignment.valid_to = max(timezone.localdate(), assignment.valid_from)
    assignment.save(update_fields=["valid_to"])
    change_record(actor=actor, action="revoke", obj=assignment,
                  before={"角色": assignment.get_role_display(), "范围": assignment.body.name})
    record(Kind.ROLE_CHANGE, user=actor, subject=assignment.user.username,
           detail=f"撤销“{assignment.get_role_display()}”，范围“{assignment.body.name}”")
    return assignment


# API tokens ----------------------------------------------------------------------------------

TOKEN_PREFIX = "djt_"
TOKEN_NAME_MAX = 60


def token_digest(secret: str) -> str:
    """The secret is 256 random bits: a plain SHA-256 is enough to keep it unrecoverable."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: User, name: str, expires_on: dt.date | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the actor's own account; the secret is returned here and never again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称（如用途或调用方）"})
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError({"name": f"名称不能超过{TOKEN_NAME_MAX}个字符"})
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": "有效期不能早于今天"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=actor, name=name, prefix=secret[:10], digest=token_digest(secret),
                     expires_on=expires_on)
    token.full_clean()
    token.save()
    change_record(actor=actor, action="create", obj=token,
                  after={"账号": actor.username, "名称": name,
                         "有效期至": expires_on.isoformat() if expires_on else "长期"})
    record(Kind.TOKEN_CHANGE, user=actor, subject=actor.username, detail=f"新建API令牌“{name}”")
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens; it stays, with its uses, for the record."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise PermissionDenied("只能撤销自己的令牌")
    if token.revoked_at is not None:
        raise ValidationError("该令牌已撤销")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    change_record(actor=actor, action="revoke", obj=token,
                  before={"账号": actor.username, "名称": token.name, "状态": "有效"},
                  after={"状态": "已撤销"})
    record(Kind.TOKEN_CHANGE, user=actor, subject=actor.username,
           detail=f"撤销API令牌“{token.name}”")
    return token


class TokenRefused(Exception):
    """The message says why, in Chinese; `token` is the one presented, if it exists."""

    def __init__(self, message: str, token: ApiToken | None = None) -> None:
        super().__init__(message)
        self.token = token


def token_authenticate(secret: str) -> ApiToken:
    """The live token with this secret (its user loaded), or TokenRefused. One query."""
    token = (ApiToken.objects.select_related("user").filter(digest=token_digest(secret.strip()))
             .first()) if secret.startswith(TOKEN_PREFIX) else None
    if token is None:
        raise TokenRefused("API 令牌无效")
    state = token.state(timezone.localdate())
    if state == "revoked":
        raise TokenRefused("API 令牌已撤销", token)
    if state == "expired":
        raise TokenRefused(f"API 令牌已于{token.expires_on:%Y-%m-%d}过期", token)
    if not token.user.is_active:
        raise TokenRefused("API 令牌所属账号已停用", token)
    if token.user.must_change_password:  # reset by an administrator: first a new password
        raise TokenRefused("API 令牌所属账号须先登录网页修改密码", token)
    return token


LAST_USED_EVERY = dt.timedelta(minutes=1)


def token_use_record(*, token: ApiToken, method: str, path: str, status: int,
                     client: str | None) -> None:
    """Trace one request made with the token: one INSERT (and, at most once a minute, the
    token's last-used time)."""
    now = timezone.now()
    try:
        validate_ipv46_address(client or "")
    except ValidationError:
        client = None  # a unix socket, or a proxy's odd value: the column takes addresses only
    ApiTokenUse.objects.create(token=token, method=method[:10], path=path[:300], status=status,
                               client=client)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
