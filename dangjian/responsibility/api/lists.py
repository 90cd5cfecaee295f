"""责任清单与工作台账 (R3.1, R3.2): the overview, lists with their items, drafting, review."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from dangjian.api.pagination import Paged, paginate
from dangjian.api.refs import person_ref
from dangjian.api.schemas import ERRORS
from dangjian.org.models import Person
from dangjian.org.scope import Perm, is_county_wide, require_perm
from dangjian.responsibility import selectors, services
from dangjian.responsibility.api.common import (
    DOCX,
    XLSX,
    download,
    item_or_404,
    list_or_404,
    owner_body_or_404,
    year_of,
)
from dangjian.responsibility.api.schemas import (
    ItemDetailOut,
    ItemIn,
    ListDetailOut,
    ListItemOut,
    ListOpinionIn,
    ListOut,
    OrgDetailOut,
    OrgRowOut,
    WindowIn,
    WindowOut,
    YearIn,
)
from dangjian.responsibility.filters import ListsFilter, OverviewFilter, YearFilter
from dangjian.responsibility.models import (
    LedgerItem,
    ListKind,
    ListStatus,
    ResponsibilityList,
)
from dangjian.responsibility.selectors import OrgRow
from dangjian.responsibility.services.common import (
    can_edit,
    can_review,
    covers,
    unit_of,
)
from dangjian.responsibility.services.verify import latest_checkpoints
from dangjian.responsibility.views import exports

router = Router(tags=["两个责任：清单台账"])


def _row(row: OrgRow) -> dict[str, Any]:
    rlist = row.rlist
    return {
        "body_id": row.body.pk, "body_name": row.body.name,
        "kind": ListKind.SUPERVISORY if row.body.kind == "organ_discipline" else ListKind.PRIMARY,
        "list_id": rlist.pk if rlist else None,
        "status": rlist.status if rlist else "none",
        "status_label": rlist.get_status_display() if rlist else "未编制",
        "late": row.late, "n_items": selectors.annotated(rlist, "n_items"),
        "n_done": selectors.annotated(rlist, "n_done"), "completion": row.completion,
        "grade": row.grade, "open_cases": row.open_cases,
    }


def list_detail_out(user: Any, rlist: ResponsibilityList) -> ResponsibilityList:
    """The list with its counts; ListDetailOut's resolvers add the items and the flags."""
    return selectors.lists_with_rates(
        ResponsibilityList.objects.filter(pk=rlist.pk).select_related("body", "year")).get()


@router.get(
    "/overview", response={200: list[OrgRowOut], **ERRORS}, url_name="responsibility_overview",
    summary="责任清单落实情况",
    description="您范围内每个应编制责任清单的组织（机关党组织、机关纪检）：清单状态、是否逾期、"
                "完成率、年度考评等次、未结提醒约谈。筛选与页面及其 Excel 导出相同。",
)
@paginate(Paged)
def overview(request: HttpRequest, filters: Query[OverviewFilter]) -> list[dict[str, Any]]:
    require_perm(request.user, Perm.RESP_VIEW)
    year = year_of(request, filters.year)
    rows = selectors.overview(user=request.user, year=year, now=timezone.now())
    return [_row(r) for r in filters.apply(rows)]


@router.get(
    "/overview.xlsx", response={200: None, **ERRORS}, url_name="responsibility_overview_xlsx",
    summary="导出落实情况（Excel）",
    description="与页面“导出汇总”相同的文件；筛选同落实情况列表。"
                "范围内没有应编制清单的组织时 403。",
    openapi_extra=download(XLSX, "两个责任落实情况汇总表（.xlsx）"),
)
def overview_xlsx(request: HttpRequest, filters: Query[OverviewFilter]) -> HttpResponse:
    require_perm(request.user, Perm.RESP_VIEW)
    return exports.overview_xlsx_response(request.user, year_of(request, filters.year), filters)


@router.post(
    "/window", response={200: WindowOut, **ERRORS}, url_name="responsibility_window_set",
    summary="设置清单报送时间",
    description="县直机关工委设置本年度责任清单的报送开始与截止日期（截止日 23:59:59）。留痕。",
)
def window_set(request: HttpRequest, data: WindowIn) -> dict[str, Any]:
    if not is_county_wide(request.user, Perm.RESP_REVIEW_PRIMARY):
        raise PermissionDenied("只有县直机关工委可以设置报送时间")
    year = year_of(request, data.year)
    tz = timezone.get_current_timezone()
    window = services.lists_window_set(
        actor=request.user, year=year, opens_at=dt.datetime.combine(data.opens, dt.time(), tz),
        closes_at=dt.datetime.combine(data.closes, dt.time(23, 59, 59), tz))
    return {"year": year.year, "title": window.title, "opens_at": window.opens_at,
            "closes_at": window.closes_at}


@router.get(
    "/lists", response={200: list[ListOut], **ERRORS}, url_name="responsibility_list_list",
    summary="责任清单列表",
    description="您范围内某年度的责任清单（含事项数、完成率），可按类型、状态、组织名称筛选。",
)
@paginate(Paged)
def list_list(request: HttpRequest, filters: Query[ListsFilter]) -> Any:
    require_perm(request.user, Perm.RESP_VIEW)
    year = year_of(request, filters.year)
    return filters.apply(selectors.list_list(user=request.user, year=year))


@router.get(
    "/lists/{int:pk}", response={200: ListDetailOut, **ERRORS},
    url_name="responsibility_list_detail", summary="责任清单详情",
    description="清单及其工作台账（每项的进度与状态）、报送审核记录，以及您可做的操作。"
                "范围外的清单返回 404。",
)
def list_detail(request: HttpRequest, pk: int) -> ResponsibilityList:
    return list_detail_out(request.user, list_or_404(request.user, pk))


@router.get(
    "/lists/{int:pk}/ledger.xlsx", response={200: None, **ERRORS},
    url_name="responsibility_list_xlsx", summary="导出工作台账（Excel）",
    description="与页面相同的台账 Excel 文件。", openapi_extra=download(XLSX, "工作台账（.xlsx）"),
)
def list_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    rlist = list_or_404(request.user, pk)
    return exports.list_xlsx_response(rlist, list(rlist.items.select_related("responsible")))


@router.get(
    "/lists/{int:pk}/ledger.docx", response={200: None, **ERRORS},
    url_name="responsibility_list_docx", summary="导出责任清单（Word）",
    description="与页面相同的公文格式责任清单及工作台账。",
    openapi_extra=download(DOCX, "责任清单（.docx）"),
)
def list_docx(request: HttpRequest, pk: int) -> HttpResponse:
    rlist = list_or_404(request.user, pk)
    return exports.list_docx_response(rlist, list(rlist.items.select_related("responsible")))


def _transition(request: HttpRequest, pk: int, to: str, opinion: str) -> ResponsibilityList:
    rlist = list_or_404(request.user, pk)
    if not (can_edit(request.user, rlist.body, rlist.kind) or can_review(request.user, rlist)):
        raise PermissionDenied("您不是该清单的编制单位或审核单位")
    rlist = services.list_transition(actor=request.user, rlist=rlist, to=to, opinion=opinion)
    return list_detail_out(request.user, rlist)


@router.post(
    "/lists/{int:pk}/submit", response={200: ListDetailOut, **ERRORS},
    url_name="responsibility_list_submit", summary="报送清单",
    description="编制单位报送起草中或已退回的清单；每项须明确责任人。报送时间窗口开始前不能报送，"
                "截止后报送记为逾期。报送后责任人可记录履责纪实。留痕。",
)
def list_submit(request: HttpRequest, pk: int) -> ResponsibilityList:
    return _transition(request, pk, ListStatus.SUBMITTED, "")


@router.post(
    "/lists/{int:pk}/return", response={200: ListDetailOut, **ERRORS},
    url_name="responsibility_list_return", summary="退回清单",
    description="审核单位（主体责任清单为县直机关工委，监督责任清单为县纪委）退回待审核的清单，"
                "须填写修改意见；报送人收到通知。留痕。",
)
def list_return(request: HttpRequest, pk: int, data: ListOpinionIn) -> ResponsibilityList:
    return _transition(request, pk, ListStatus.RETURNED, data.opinion)


@router.post(
    "/lists/{int:pk}/accept", response={200: ListDetailOut, **ERRORS},
    url_name="responsibility_list_accept", summary="审核通过清单",
    description="审核单位通过待审核的清单，可附意见。留痕。",
)
def list_accept(request: HttpRequest, pk: int, data: ListOpinionIn) -> ResponsibilityList:
    return _transition(request, pk, ListStatus.ACCEPTED, data.opinion)


def _responsible(user: Any, rlist: ResponsibilityList, pk: int | None) -> Person | None:
    """A responsible person the user can see; the service then requires the list's unit."""
    if pk is None:
        return None
    unit = unit_of(rlist.body)
    person = Person.objects.filter(pk=pk, unit=unit).first() if unit else None
    return person or person_ref(user, pk, "责任人")


def _item_fields(user: Any, rlist: ResponsibilityList, data: ItemIn) -> dict[str, Any]:
    return {"content": data.content, "targets": data.targets, "measures": data.measures,
            "deadline": data.deadline,
            "responsible": _responsible(user, rlist, data.responsible)}


def _require_list_editor(user: Any, rlist: ResponsibilityList) -> None:
    if not can_edit(user, rlist.body, rlist.kind):
        raise PermissionDenied("您无权修改该责任清单")


@router.post(
    "/lists/{int:pk}/items", response={201: ListItemOut, **ERRORS},
    url_name="responsibility_item_add", summary="增加本单位措施",
    description="在政策要点之外增加本单位的责任事项（起草中或已退回的清单）。完成时限须在本年度内，"
                "责任人须为本单位在职人员。留痕。",
)
def item_add(request: HttpRequest, pk: int, data: ItemIn) -> Status:
    rlist = list_or_404(request.user, pk)
    _require_list_editor(request.user, rlist)
    item = services.item_add(actor=request.user, rlist=rlist,
                             **_item_fields(request.user, rlist, data))
    return Status(201, LedgerItem.objects.select_related("responsible").get(pk=item.pk))


def _editable_item(user: Any, pk: int) -> LedgerItem:
    item = item_or_404(user, pk)
    _require_list_editor(user, item.rlist)
    return item


@router.get(
    "/items/{int:pk}", response={200: ItemDetailOut, **ERRORS},
    url_name="responsibility_item_detail", summary="台账事项详情",
    description="事项、所属清单，以及您能否为它记录履责纪实。组织范围内的人员和该事项的责任人可查看。",
)
def item_detail(request: HttpRequest, pk: int) -> LedgerItem:
    return item_or_404(request.user, pk)


@router.put(
    "/items/{int:pk}", response={200: ListItemOut, **ERRORS}, url_name="responsibility_item_update",
    summary="修改台账事项",
    description="修改起草中或已退回清单的事项（全部字段）。留痕（变更前后）。",
)
def item_update(request: HttpRequest, pk: int, data: ItemIn) -> LedgerItem:
    item = _editable_item(request.user, pk)
    item = services.item_update(actor=request.user, item=item,
                                **_item_fields(request.user, item.rlist, data))
    return LedgerItem.objects.select_related("responsible").get(pk=item.pk)


@router.delete(
    "/items/{int:pk}", response={204: None, **ERRORS}, url_name="responsibility_item_remove",
    summary="删除台账事项",
    description="删除起草中或已退回清单中尚无履责纪实的事项。留痕。",
)
def item_remove(request: HttpRequest, pk: int) -> Status:
    item = _editable_item(request.user, pk)
    services.item_remove(actor=request.user, item=item)
    return Status(204, None)


@router.get(
    "/orgs/{int:pk}", response={200: OrgDetailOut, **ERRORS},
    url_name="responsibility_org_detail", summary="组织的两个责任",
    description="组织本年度的清单、督查记录、年度考评、表扬、提醒约谈和最近的纪实链检查点。"
                "只有机关党组织和机关纪检编制清单，其他组织返回 404。",
)
def org_detail(request: HttpRequest, pk: int, filters: Query[YearFilter]) -> dict[str, Any]:
    body, kind = owner_body_or_404(request.user, pk)
    year = year_of(request, filters.year)
    rlist = selectors.lists_with_rates(
        ResponsibilityList.objects.filter(year=year, body=body).select_related("body", "year")
    ).first()
    context = selectors.org_supervision(user=request.user, body=body, year=year)
    checkpoint = latest_checkpoints([body]).get(body.pk)
    return {
        "body_id": body.pk, "body_name": body.name, "kind": kind, "year": year.year,
        "rlist": rlist,
        "can_edit": can_edit(request.user, body, kind),
        "can_oversee": covers(request.user, Perm.RESP_OVERSEE, body),
        "checkpoint": checkpoint,
        "notes": list(context["notes"].select_related("year")),
        "evaluation": context["evaluation"],
        "commendations": list(context["commendations"].select_related("year", "body")),
        "cases": list(context["cases"].select_related("year", "body")),
    }


@router.post(
    "/orgs/{int:pk}/start", response={200: ListDetailOut, **ERRORS},
    url_name="responsibility_list_start", summary="起草责任清单",
    description="按政策要点起草组织本年度的责任清单（主体责任5项、监督责任4项），"
                "默认责任人为书记（或纪检书记、委员）。已有清单时返回该清单。留痕。",
)
def list_start(request: HttpRequest, pk: int, data: YearIn) -> ResponsibilityList:
    body, kind = owner_body_or_404(request.user, pk)
    if not can_edit(request.user, body, kind):
        raise PermissionDenied("您无权编制该组织的责任清单")
    rlist = services.list_start(actor=request.user, year=year_of(request, data.year), body=body)
    return list_detail_out(request.user, rlist)

