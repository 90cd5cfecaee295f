"""Pages: change one's password; enrol, pass and manage the second factor; an administrator's
password reset and second-factor reset of another account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.accounts import otp
from dangjian.accounts.credentials import password_change, password_reset
from dangjian.accounts.models import User
from dangjian.accounts.security_forms import CodeForm, PasswordChangeForm, PasswordResetForm
from dangjian.org.scope import Perm, require_perm


def _account(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware: every page here is logged in
    return user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


def _add_errors(form: object, exc: ValidationError) -> None:
    fields = getattr(form, "fields", {})
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in fields else None, errors)  # type: ignore[attr-defined]
    else:
        form.add_error("new" if "new" in fields else None, exc.messages)  # type: ignore[attr-defined]


@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(request=request, user=user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, "密码已修改")
            return redirect(_next(request))
    status = 400 if request.method == "POST" else 200
    from django.contrib.auth.password_validation import password_validators_help_texts

    return render(request, "accounts/password_change.html", {
        "form": form, "next": _next(request), "forced": user.must_change_password,
        "rules": password_validators_help_texts(),
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: QR code and key, then its first code. Replacing a bound one
    needs a session that passed it."""
    user = _account(request)
    if not otp.may_enrol(user):
        raise PermissionDenied("本系统未开放双因素认证的自助绑定")
    if otp.enrolled(user) and not otp.verified(request):
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp.totp_confirm(request=request, user=user, code=form.cleaned_data["code"])
        except otp.SecondFactorRefused as exc:
            form.add_error("code", str(exc))
        else:
            return render(request, "accounts/otp_codes.html",
                          {"codes": codes, "next": _next(request), "first": True})
    device = otp.totp_pending(user)
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr": otp.qr_svg(device), "secret": otp.secret_text(device),
        "next": _next(request), "enrolled": otp.enrolled(user),
        "required": otp.role_requires(user), "issuer": settings.OTP_TOTP_ISSUER,
    }, status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    if otp.verified(request):
        return redirect(_next(request))
    if not otp.enrolled(user):
        return redirect("accounts:otp_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = otp.second_factor_verify(request=request, user=user,
                                              code=form.cleaned_data["code"])
        except otp.SecondFactorRefused as exc:
            form.add_error("code", str(exc))
        else:
            if method == "recovery":
                messages.warning(request, f"已使用一个恢复码，还剩{otp.recovery_codes_left(user)}"
                                          "个；如手机遗失，请重新绑定身份验证器")
            return redirect(_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def otp_manage(request: HttpRequest) -> HttpResponse:
    """The user's second factor: state, recovery codes left; POST issues new codes."""
    user = _account(request)
    if request.method == "POST":
        if not otp.verified(request):
            raise PermissionDenied("请先通过双因素认证")
        try:
            codes = otp.recovery_codes_issue(request=request, user=user)
        except otp.SecondFactorRefused as exc:
            messages.error(request, str(exc))
        else:
            return render(request, "accounts/otp_codes.html",
                          {"codes": codes, "next": "/accounts/otp/", "first": False})
    return render(request, "accounts/otp_manage.html", {
        "enrolled": otp.enrolled(user), "verified": otp.verified(request),
        "required": otp.required(user) or otp.role_requires(user),
        "exempt": otp.exempt(user), "may_enrol": otp.may_enrol(user),
        "left": otp.recovery_codes_left(user),
    })


@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    account = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写临时密码")
    else:
        try:
            password_reset(actor=request.user, user=account, new=form.cleaned_data["new"],
                           request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已重置“{account.username}”的密码，本人下次登录时须修改")
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
def user_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    account = get_object_or_404(User, pk=pk)
    otp.second_factor_reset(actor=request.user, user=account, request=request)
    messages.success(request, f"已重置“{account.username}”的双因素认证，本人下次登录时重新绑定")
    return redirect("accounts:user_detail", pk=account.pk)
