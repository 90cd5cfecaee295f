"""Lists and ledgers: the year's overview, an organisation's page, drafting and review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.grades import Grade
from dangjian.core.http import AuthedRequest
from dangjian.core.years import selected_year
from dangjian.org.models import Body
from dangjian.org.scope import Perm, is_county_wide, require, require_perm
from dangjian.responsibility import selectors, services
from dangjian.responsibility.filters import OverviewFilter
from dangjian.responsibility.models import (
    EDITABLE,
    RECORDABLE,
    LedgerItem,
    ListKind,
    ListStatus,
    NoteKind,
    ResponsibilityList,
    Stage,
)
from dangjian.responsibility.services.common import (
    REVIEWER_LABEL,
    can_edit,
    can_review,
    covers,
    list_kind_for,
    lists_window,
)
from dangjian.responsibility.services.verify import latest_checkpoints
from dangjian.responsibility.views.common import (
    parse_date,
    person_in,
    show_errors,
    unit_people,
)

ACTIONS = {"submit": ListStatus.SUBMITTED, "return": ListStatus.RETURNED,
           "accept": ListStatus.ACCEPTED}


# What a person is told after each move of a list.
DONE = {
    ListStatus.SUBMITTED: "清单已报送，等待审核",
    ListStatus.RETURNED: "清单已退回修改",
    ListStatus.ACCEPTED: "清单已审核通过",
    ListStatus.DRAFT: "清单已撤回，可继续修改",
}

def index(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.RESP_VIEW)
    filters = OverviewFilter.from_query(request.GET)
    year = filters.year_of(request)
    rows = filters.apply(selectors.overview(user=request.user, year=year, now=timezone.now()))
    return render(request, "responsibility/index.html", {
        "year": year, "rows": rows, "window": lists_window(year), "filters": filters,
        "kinds": ListKind.choices, "statuses": ListStatus.choices,
        "late": sum(1 for r in rows if r.late),
        "county_wide": is_county_wide(request.user, Perm.RESP_VIEW),
        "can_set_window": is_county_wide(request.user, Perm.RESP_REVIEW_PRIMARY),
    })


@require_POST
def window_set_view(request: AuthedRequest) -> HttpResponse:
    if not is_county_wide(request.user, Perm.RESP_REVIEW_PRIMARY):
        raise PermissionDenied("只有县直机关工委可以设置报送时间")
    year = selected_year(request)
    opens, closes = parse_date(request.POST.get("opens")), parse_date(request.POST.get("closes"))
    if opens is None or closes is None:
        messages.error(request, "请填写有效的开始和截止日期")
        return redirect("responsibility:index")
    tz = timezone.get_current_timezone()
    try:
        services.lists_window_set(
            actor=request.user, year=year, opens_at=dt.datetime.combine(opens, dt.time(), tz),
            closes_at=dt.datetime.combine(closes, dt.time(23, 59, 59), tz))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已设置责任清单报送时间")
    return redirect("responsibility:index")


def _owner_body(request: AuthedRequest, pk: int) -> tuple[Body, str]:
    body = get_object_or_404(Body.objects.select_related("parent"), pk=pk)
    require(request.user, Perm.RESP_VIEW, body)
    kind = list_kind_for(body)
    if kind is None:
        raise Http404("该组织不编制责任清单")
    return body, kind


def org_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    body, kind = _owner_body(request, pk)
    year = selected_year(request)
    rlist = selectors.lists_with_rates(
        ResponsibilityList.objects.filter(year=year, body=body)).first()
    context = selectors.org_supervision(user=request.user, body=body, year=year)
    return render(request, "responsibility/org_detail.html", {
        **context, "body": body, "kind": ListKind(kind), "year": year, "rlist": rlist,
        "rate": selectors.rate(selectors.annotated(rlist, "n_done"),
                               selectors.annotated(rlist, "n_items")),
        "can_edit": can_edit(request.user, body, kind),
        "can_oversee": covers(request.user, Perm.RESP_OVERSEE, body),
        "checkpoint": latest_checkpoints([body]).get(body.pk),
        "Grade": Grade, "NoteKind": NoteKind, "Stage": Stage, "today": timezone.localdate(),
    })


@require_POST
def list_start_view(request: AuthedRequest, pk: int) -> HttpResponse:
    body, kind = _owner_body(request, pk)
    if not can_edit(request.user, body, kind):
        raise PermissionDenied("您无权编制该组织的责任清单")
    rlist = services.list_start(actor=request.user, year=selected_year(request), body=body)
    messages.success(request, "已按政策要点起草责任清单，请补充本单位的措施")
    return redirect("responsibility:list_detail", pk=rlist.pk)


def _list(request: AuthedRequest, pk: int) -> ResponsibilityList:
    rlist = get_object_or_404(ResponsibilityList.objects.select_related("body", "year"), pk=pk)
    require(request.user, Perm.RESP_VIEW, rlist)
    return rlist


def list_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    rlist = _list(request, pk)
    today = timezone.localdate()
    items = list(rlist.items.select_related("responsible"))
    editable = can_edit(request.user, rlist.body, rlist.kind) and rlist.status in EDITABLE
    rows = [(i, selectors.item_state(i.deadline, i.progress, today)) for i in items]
    done = sum(1 for i in items if i.progress >= 100)
    return render(request, "responsibility/list_detail.html", {
        "rlist": rlist, "rows": rows, "editable": editable,
        "can_submit": can_edit(request.user, rlist.body, rlist.kind)
        and rlist.status in EDITABLE,
        "can_review": can_review(request.user, rlist) and rlist.status == ListStatus.SUBMITTED,
        "reviewer": REVIEWER_LABEL[ListKind(rlist.kind)],
        "people": unit_people(rlist.body) if editable else [],
        "reviews": rlist.reviews.all(), "rate": selectors.rate(done, len(items)),
        "recordable": rlist.status in RECORDABLE, "window": lists_window(rlist.year),
    })


def _require_list_editor(request: AuthedRequest, rlist: ResponsibilityList) -> None:
    if not can_edit(request.user, rlist.body, rlist.kind):
        raise PermissionDenied("您无权修改该责任清单")


def _item_fields(request: AuthedRequest, rlist: ResponsibilityList) -> dict[str, Any]:
    post = request.POST
    return {"content": post.get("content", ""), "targets": post.get("targets", ""),
            "measures": post.get("measures", ""), "deadline": parse_date(post.get("deadline")),
            "responsible": person_in(rlist.body, post.get("responsible", ""))}


@require_POST
def item_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    rlist = _list(request, pk)
    _require_list_editor(request, rlist)
    try:
        services.item_add(actor=request.user, rlist=rlist,
                          **_item_fields(request, rlist))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已添加本单位措施")
    return redirect("responsibility:list_detail", pk=rlist.pk)


def _item(request: AuthedRequest, pk: int) -> LedgerItem:
    item = get_object_or_404(LedgerItem.objects.select_related("rlist__body", "rlist__year"),
                             pk=pk)
    require(request.user, Perm.RESP_VIEW, item)
    _require_list_editor(request, item.rlist)
    return item


@require_POST
def item_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        services.item_update(actor=request.user, item=item,
                             **_item_fields(request, item.rlist))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已保存")
    return redirect("responsibility:list_detail", pk=item.rlist_id)


@require_POST
def item_remove_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        services.item_remove(actor=request.user, item=item)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已删除该事项")
    return redirect("responsibility:list_detail", pk=item.rlist_id)


@require_POST
def list_transition_view(request: AuthedRequest, pk: int) -> HttpResponse:
    rlist = _list(request, pk)
    if not (can_edit(request.user, rlist.body, rlist.kind) or can_review(request.user, rlist)):
        raise PermissionDenied("您不是该清单的编制单位或审核单位")
    to = ACTIONS.get(request.POST.get("action", ""))
    if to is None:
        messages.error(request, "未知的操作")
        return redirect("responsibility:list_detail", pk=rlist.pk)
    try:
        services.list_transition(actor=request.user, rlist=rlist, to=to,
                                 opinion=request.POST.get("opinion", ""))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, DONE.get(to, f"清单状态已改为“{ListStatus(to).label}”"))
    return redirect("responsibility:list_detail", pk=rlist.pk)
