"""The second factor: a TOTP authenticator app (django-otp's TOTP device) and one-use recovery
codes (its static device), after the password.

Who needs it: every holder of a role in settings.OTP_REQUIRED_ROLES (and superusers), and
anyone else who enrolled. In demo mode (DANGJIAN_DEMO) the demo accounts are exempt.

A session passes it once per login (django-otp keeps the device in the session;
accounts/gate.py holds every other page until then). Wrong codes are throttled by the device in
the database (1, 2, 4, 8 … seconds × OTP_THROTTLE_SECONDS after successive failures); a TOTP
code is accepted once only (the device keeps the time step last used, under a row lock, so two
requests racing with the same code cannot both pass).

Recovery codes are shown once; the static device keeps only a salted SHA-256 of each (80
random bits), and a code used is deleted.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import signals
from dangjian.accounts.models import User
from dangjian.accounts.services import require_not_auditor
from dangjian.org.models import RoleAssignment
from dangjian.org.scope import Perm, require_perm
from dangjian.trail.changes import change_record

DEVICE_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


class SecondFactorRefused(Exception):
    """The message says why, in Chinese."""


def exempt(user: Any) -> bool:
    return bool(settings.DEMO and getattr(user, "is_demo", False))


def role_requires(user: Any) -> bool:
    if user.is_superuser:
        return True
    roles = settings.OTP_REQUIRED_ROLES
    return bool(roles) and RoleAssignment.objects.filter(
        user=user, role__in=roles, valid_to__isnull=True).exists()


def enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required(user: Any) -> bool:
    """Must this user pass the second factor after the password?"""
    return not exempt(user) and (role_requires(user) or enrolled(user))


def verified(request: HttpRequest) -> bool:
    """Did this session pass the second factor (django-otp's OTPMiddleware)?"""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def may_enrol(user: Any) -> bool:
    return not exempt(user) and (settings.OTP_ALLOW_OPTIONAL or role_requires(user))


TOKEN_NEEDS_SECOND_FACTOR = ("创建 API 令牌须在通过双因素认证的登录中进行：请先在“账号安全”中绑定"
                             "身份验证器，退出后重新登录并输入验证码")


def token_creation_allowed(request: HttpRequest) -> bool:
    """A token works without the second factor, so only a session that passed it may make one
    (settings.OTP_FOR_TOKENS; demo accounts in demo mode are exempt)."""
    return not settings.OTP_FOR_TOKENS or exempt(request.user) or verified(request)


# Enrolment ---------------------------------------------------------------------------------


def totp_pending(user: User) -> TOTPDevice:
    """The user's device awaiting its first code (made now if there is none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def qr_svg(device: TOTPDevice) -> str:
    import segno

    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def totp_confirm(*, request: HttpRequest, user: User, code: str) -> list[str]:
    """The first code from the app confirms the device: it replaces any former one, recovery
    codes are issued (returned, to be shown once) and this session has passed."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=False).order_by("-pk").first())
        if device is None:
            raise SecondFactorRefused("没有待绑定的身份验证器，请刷新页面重新扫码")
        ok = device.verify_token(_digits(code))  # False too while throttled
    if not ok:  # the failure count was committed by the device
        signals.otp_failed.send(sender=User, user=user, request=request, method="totp",
                                throttled=False)
        raise SecondFactorRefused(_refusal(device, "验证码不正确，请核对手机时间后重试", ""))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
        change_record(actor=user, action="update", obj=user, after={"双因素认证": "已启用"})
        transaction.on_commit(lambda: signals.otp_enrolled.send(
            sender=User, user=user, request=request))
    _pass(request, device)
    return codes


def recovery_codes_issue(*, request: HttpRequest, user: User) -> list[str]:
    """A new set of recovery codes; the former ones stop working."""
    if not enrolled(user):
        raise SecondFactorRefused("请先绑定身份验证器")
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        change_record(actor=user, action="update", obj=user, after={"恢复码": "已重新生成"})
        transaction.on_commit(lambda: signals.recovery_codes_issued.send(
            sender=User, user=user, request=request))
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_new_code() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_code_digest(device, c)) for c in codes)
    return codes


def _new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 80 bits
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _code_digest(device: StaticDevice, code: str) -> str:
    """What the static device keeps of a code: 16 base32 characters of a SHA-256 salted with
    the device and its user (StaticToken holds at most 16 characters)."""
    norm = code.replace("-", "").replace(" ", "").lower()
    digest = hashlib.sha256(f"dangjian-recovery:{device.user_id}:{device.pk}:{norm}".encode())
    return base64.b32encode(digest.digest()).decode()[:16].lower()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# Verification ------------------------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(code.split())


def _wait_message(device: Any) -> str:
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return ""
    seconds = max(1, int((info["locked_until"] - timezone.now()).total_seconds() + 0.999))
    return f"请{seconds}秒后再试"


def _refusal(device: Any, wrong: str, waited: str) -> str:
    """Throttled before the try: say so; a wrong code: say so, and how long the next waits."""
    if waited:
        return f"验证码错误次数过多，{waited}"
    wait = _wait_message(device)
    return f"{wrong}，{wait}" if wait else wrong


def second_factor_verify(*, request: HttpRequest, user: User, code: str) -> str:
    """Check a TOTP code (six digits) or a recovery code; the session passes on success.
    Returns "totp" or "recovery"; raises SecondFactorRefused (nothing passes) otherwise."""
    code = _digits(code)
    method = "totp" if code.isdigit() and len(code) <= 8 else "recovery"
    model: Any = TOTPDevice if method == "totp" else StaticDevice
    with transaction.atomic():  # the row lock serialises racing requests with the same code
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise SecondFactorRefused(
                "尚未绑定身份验证器" if method == "totp" else "没有可用的恢复码")
        wait = _wait_message(device)
        token = code if method == "totp" else _code_digest(device, code)
        ok = not wait and device.verify_token(token)
    if not ok:
        signals.otp_failed.send(sender=User, user=user, request=request, method=method,
                                throttled=bool(wait))
        wrong = "验证码不正确或已使用过" if method == "totp" else "恢复码不正确或已使用过"
        raise SecondFactorRefused(_refusal(device, wrong, wait))
    _pass(request, device)
    signals.otp_verified.send(sender=User, user=user, request=request, method=method)
    if method == "recovery":
        signals.recovery_code_used.send(sender=User, user=user, request=request,
                                        remaining=recovery_codes_left(user))
    return method


def _pass(request: HttpRequest, device: Any) -> None:
    """This session passed: a new session key (the one seen before the code is worthless),
    then django-otp records the device in it."""
    request.session.cycle_key()
    otp_login(request, device)


def second_factor_reset(*, actor: Any, user: User,
                        request: HttpRequest | None = None) -> User:
    """An administrator removes a user's authenticator and recovery codes (a lost phone): the
    user enrols again at the next login if their role requires it."""
    require_perm(actor, Perm.ACCOUNT_MANAGE)
    require_not_auditor(user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        change_record(actor=actor, action="update", obj=user,
                      after={"双因素认证": "已由管理员重置"})
        transaction.on_commit(lambda: signals.otp_reset.send(
            sender=User, user=user, actor=actor, request=request))
    return user
