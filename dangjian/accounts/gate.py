"""After the password, two gates hold a session on one page until passed:

1. the second factor (accounts/otp.py), for those who need it: enrolment if they have no
   authenticator yet, else the code;
2. a password that must be changed (set by an administrator, or past PASSWORD_MAX_AGE_DAYS):
   the change page.

Every other page redirects there; the API, called with the session, answers 403 in Chinese.
API calls with a token are decided by the API itself (accounts/services.token_authenticate).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from dangjian.accounts import otp
from dangjian.accounts.passwords import password_expired

# Where a held session may still go (besides the page it is held on).
OPEN_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/static/", "/healthz")
# Whether the second factor is due is decided once per login (no query on later requests): a
# role granted meanwhile takes effect at the next login.
DUE = "second_factor_due"


def must_change(user: object) -> bool:
    if otp.exempt(user):
        return False
    return bool(getattr(user, "must_change_password", False)) or password_expired(user)


def decide_at_login(sender: object, request: HttpRequest | None, user: object,
                    **kwargs: object) -> None:
    """user_logged_in: note in the new session whether it must pass the second factor."""
    if request is not None and hasattr(request, "session"):
        request.session[DUE] = otp.required(user)


def _second_factor_due(request: HttpRequest) -> bool:
    due = request.session.get(DUE)
    if due is None:  # a session from before this rule: decide now
        due = request.session[DUE] = otp.required(request.user)
    return bool(due) and not otp.verified(request)


def held_at(request: HttpRequest) -> tuple[str, str] | None:
    """(the page's URL name, why) where this session is held, or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    if _second_factor_due(request):
        if otp.enrolled(user):
            return "accounts:otp_verify", "请先输入身份验证器中的动态验证码"
        return "accounts:otp_setup", "您的角色须启用双因素认证，请先绑定身份验证器"
    if must_change(user):
        return "accounts:password_change", "请先修改密码（初始密码或已过期的密码不能继续使用）"
    return None


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        held = held_at(request)
        if held is None:
            return self.get_response(request)
        name, why = held
        target = reverse(name)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": why}, status=403)
        if request.path == target:
            return self.get_response(request)
        return redirect(f"{target}?next={_next(request)}")


def _next(request: HttpRequest) -> str:
    from urllib.parse import quote

    return quote(request.get_full_path(), safe="/")
