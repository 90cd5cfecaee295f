"""Posts with terms (R0.3): who held which post, now or on any date; assign and end."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dangjian.org.filters import PostFilter
from dangjian.org.forms import PostAssignForm, PostEndForm, add_service_error
from dangjian.org.models import Post, PostKind
from dangjian.org.scope import Perm, bodies, has_perm, require_body, require_perm, scope_filter
from dangjian.org.services import post_assign, post_end
from dangjian.org.services.posts import POST_BODY_KINDS
from dangjian.org.views.bodies import covers, form_page
from dangjian.org.views.body_picker import picked_body
from dangjian.org.views.picker import people_in_reach, use_picker

POST_HOLDING_KINDS = sorted(set().union(*POST_BODY_KINDS.values()))

PAGE_SIZE = 50  # rows per page of the list


def post_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.ORG_VIEW)
    filters = PostFilter.from_query(request.GET)  # the same filters as its export and the API
    if "on" in request.GET and request.GET["on"] and filters.on is None:
        messages.warning(request, "日期格式应为“年-月-日”，已显示现任职务")
    try:
        body, why = picked_body(request, filters.body)
    except Http404:
        body, why = None, "所选组织不存在或不在您的查看范围内，已显示全部组织"
    if why:
        messages.warning(request, why)
    filters.body = body.pk if body else None
    qs = filters.queryset(user, body)
    page = Paginator(qs.order_by("body__path", "kind", "-start", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    for post in page:
        post.can_end = post.end is None and covers(user, Perm.ORG_EDIT, post.body)  # type: ignore[attr-defined]
    return render(request, "org/post_list.html", {
        "page": page, "filters": filters, "on": filters.on,
        "show_all": not filters.current and filters.on is None, "kinds": PostKind.choices,
        "body": body, "body_text": "" if body else request.GET.get("body_name", "")[:40],
        "can_assign": has_perm(user, Perm.ORG_EDIT), "query": filters.to_query(),
    })


def post_assign_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.ORG_EDIT)
    people = people_in_reach(user)  # searched with the picker, not listed in a <select>
    places = (bodies(user, Perm.ORG_EDIT).filter(valid_to__isnull=True, kind__in=POST_HOLDING_KINDS)
              .order_by("path"))
    initial = {k: request.GET[k] for k in ("person", "body", "kind") if request.GET.get(k)}
    form = PostAssignForm(request.POST or None, initial=initial,
                          querysets={"person": people, "body": places})
    use_picker(form, "person", user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = post_assign(actor=user, person=data["person"], body=data["body"],
                               kind=data["kind"], start=data["start"],
                               portfolio=data["portfolio"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已任命{post.person.name}为{post.body.name}"
                                      f"{post.get_kind_display()}")
            return redirect("org:person_detail", pk=post.person_id)
    return form_page(request, form, title="任职",
                     crumbs=[("职务任职", reverse("org:post_list")), ("任职", "")],
                     submit="保存", cancel=reverse("org:post_list"),
                     intro="同一组织的书记类职务同一时间只能一人担任，请先为前任办理免职。")


def post_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    qs = scope_filter(user, Perm.ORG_VIEW, Post.objects.select_related("person", "body"))
    post = get_object_or_404(qs, pk=pk)
    require_body(user, Perm.ORG_EDIT, post.body)
    form = PostEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post_end(actor=user, post=post, on=data["on"], reason=data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc, aliases={"end": "on"})
        else:
            messages.success(request, f"已免去{post.person.name}的{post.get_kind_display()}职务")
            return redirect("org:person_detail", pk=post.person_id)
    label = f"{post.body.name}{post.get_kind_display()}"
    return form_page(request, form, title=f"免职：{post.person.name}",
                     crumbs=[("职务任职", reverse("org:post_list")), (label, ""), ("免职", "")],
                     submit="免职", cancel=reverse("org:person_detail", args=[post.person_id]),
                     danger=True,
                     intro=f"{label}，自{post.start:%Y-%m-%d}起任职。")
