from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangjian.accounts.forms import LoginForm, RoleGrantForm, UserCreateForm
from dangjian.accounts.models import User
from dangjian.accounts.services import (
    LoginRefused,
    login_check,
    role_grant,
    role_revoke,
    user_create,
    user_unlock,
)
from dangjian.org.models import RoleAssignment
from dangjian.org.scope import Perm, bodies, require_perm


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
                                                       "form": UserCreateForm()})


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
def user_unlock_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    account = get_object_or_404(User, pk=pk)
    user_unlock(actor=request.user, user=account)
    messages.success(request, "已解除锁定")
    return redirect("accounts:user_detail", pk=account.pk)
