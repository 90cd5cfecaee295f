from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.accounts import otp
from dangjian.accounts.forms import LoginForm, RoleGrantForm, TokenCreateForm, UserCreateForm
from dangjian.accounts.models import ApiToken, ApiTokenUse, User
from dangjian.accounts.services import (
    LoginRefused,
    login_check,
    role_grant,
    role_revoke,
    token_create,
    token_revoke,
    user_create,
    user_unlock,
)
from dangjian.org.models import RoleAssignment
from dangjian.org.scope import Perm, bodies, require_perm
from dangjian.security.services import address_unlock
from dangjian.security.throttle import blocked_addresses

RECENT_USES = 20


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    timed_out = request.session.pop("timed_out", False)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_check(request=request, username=form.cleaned_data["username"],
                               password=form.cleaned_data["password"])
        except LoginRefused as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user)
            target = request.POST.get("next") or request.GET.get("next") or "/"
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "/"
            return redirect(target)
    return render(request, "accounts/login.html", {
        "form": form, "next": request.GET.get("next", ""), "timed_out": timed_out,
    })


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def _managed_users() -> object:
    return User.objects.prefetch_related(
        Prefetch("role_assignments",
                 queryset=RoleAssignment.objects.filter(valid_to__isnull=True)
                 .select_related("body"))
    ).select_related("person")


def user_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    q = request.GET.get("q", "").strip()
    qs = _managed_users()
    if q:
        qs = qs.filter(Q(username__contains=q) | Q(last_name__contains=q))  # type: ignore[attr-defined]
    page = Paginator(qs.order_by("username"), 50).get_page(request.GET.get("page"))  # type: ignore[attr-defined]
    return render(request, "accounts/user_list.html", {"page": page, "q": q,
                                                       "form": UserCreateForm(),
                                                       "blocked": blocked_addresses()})


@require_POST
def user_create_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    form = UserCreateForm(request.POST)
    if form.is_valid():
        try:
            user = user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已创建账号“{user.username}”")
            return redirect("accounts:user_detail", pk=user.pk)
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
    return redirect("accounts:user_list")


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    account = get_object_or_404(User, pk=pk)
    scope = bodies(request.user, Perm.ACCOUNT_MANAGE).filter(valid_to__isnull=True)
    form = RoleGrantForm(request.POST or None, bodies=scope)
    if request.method == "POST":
        if form.is_valid():
            try:
                role_grant(actor=request.user, user=account, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "已授权")
                return redirect("accounts:user_detail", pk=account.pk)
        else:
            messages.error(request, "请检查填写内容")
    assignments = account.role_assignments.select_related("body").order_by("-valid_from")
    return render(request, "accounts/user_detail.html",
                  {"account": account, "assignments": assignments, "form": form})


@require_POST
def role_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    assignment = get_object_or_404(RoleAssignment.objects.select_related("body"), pk=pk)
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已撤销授权")
    return redirect("accounts:user_detail", pk=assignment.user_id)


@require_POST
def address_unlock_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    address = request.POST.get("address", "").strip()
    if address_unlock(actor=_account(request), address=address):
        messages.success(request, f"已解除地址 {address} 的登录限制")
    else:
        messages.error(request, "该地址未被限制登录")
    return redirect("accounts:user_list")


@require_POST
def user_unlock_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    account = get_object_or_404(User, pk=pk)
    user_unlock(actor=request.user, user=account)
    messages.success(request, "已解除锁定")
    return redirect("accounts:user_detail", pk=account.pk)


# API tokens: each user's own, for machine clients of the API ----------------------------------


def _account(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware: every page here is logged in
    return user


def _token_page(request: HttpRequest, form: TokenCreateForm, *, secret: str = "",
                created: ApiToken | None = None) -> HttpResponse:
    user = _account(request)
    today = timezone.localdate()
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        token.state_now = token.state(today)  # type: ignore[attr-defined]
    uses = (ApiTokenUse.objects.filter(token__user=user).select_related("token")
            .order_by("-at", "-pk")[:RECENT_USES])
    return render(request, "accounts/token_list.html", {
        "tokens": tokens, "uses": uses, "form": form, "secret": secret, "created": created,
        "api_base": request.build_absolute_uri("/api/"), "recent_uses": RECENT_USES,
    })


@never_cache  # the response to a POST carries the secret: no copy in any cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens with their recent uses; POST creates one and shows its secret once
    (in this response only: it is never stored, so a reload cannot show it again)."""
    if request.method != "POST":
        return _token_page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not otp.token_creation_allowed(request):
        form.add_error(None, otp.TOKEN_NEEDS_SECOND_FACTOR)
    elif form.is_valid():
        try:
            token, secret = token_create(actor=_account(request), **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:  # the page itself says so, beside the secret
            return _token_page(request, TokenCreateForm(), secret=secret, created=token)
    return _token_page(request, form)


@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _account(request)
    token = get_object_or_404(ApiToken, pk=pk, user=user)  # another's: 404, nothing changes
    try:
        token_revoke(actor=user, token=token)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤销令牌“{token.name}”，使用它的请求将被拒绝")
    return redirect("accounts:token_list")
