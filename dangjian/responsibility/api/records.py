"""履责纪实 (R3.3): append-only records on each organisation's SM3 chain. The API offers what
the pages offer: add a record (a correction is a new record naming the one it corrects), read
records and their chain entry, the 纪实 report. No edit, no delete."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from dangjian.api.pagination import Paged, paginate
from dangjian.api.schemas import ERRORS
from dangjian.org.scope import Perm, require_perm
from dangjian.responsibility import selectors, services
from dangjian.responsibility.api.common import (
    DOCX,
    download,
    item_or_404,
    owner_body_or_404,
    record_or_404,
    uploads,
    year_of,
)
from dangjian.responsibility.api.schemas import (
    MyItemOut,
    RecordDetailOut,
    RecordIn,
    RecordOut,
)
from dangjian.responsibility.filters import RecordPeriod, YearFilter
from dangjian.responsibility.models import DutyRecord
from dangjian.responsibility.services.common import can_record
from dangjian.responsibility.views import exports

router = Router(tags=["两个责任：履责纪实"])


@router.get(
    "/items/{int:pk}/records", response={200: list[RecordOut], **ERRORS},
    url_name="responsibility_record_list", summary="事项的履责纪实",
    description="台账事项下的全部纪实记录，最新的在前（留痕序号倒序）。",
)
@paginate(Paged)
def record_list(request: HttpRequest, pk: int) -> Any:
    item = item_or_404(request.user, pk)
    return item.records.order_by("-chain_seq")


@router.post(
    "/items/{int:pk}/records", response={201: RecordDetailOut, **ERRORS},
    url_name="responsibility_record_add", summary="记录履责纪实",
    description="清单报送后，编制单位或该事项的责任人记录履责情况、日期、进度和佐证材料"
                "（Base64）。记录连同佐证的 SM3 写入组织的留痕链，不能修改或删除；"
                "更正须新增一条记录并指明更正的记录（corrects）。",
)
def record_add(request: HttpRequest, pk: int, data: RecordIn) -> Status:
    item = item_or_404(request.user, pk)
    if not can_record(request.user, item):
        raise PermissionDenied("您无权为该事项记录履责纪实")
    corrects = None
    if data.corrects is not None:
        corrects = DutyRecord.objects.filter(pk=data.corrects, item=item).first()
        if corrects is None:
            raise ValidationError({"corrects": "要更正的记录不属于该事项"})
    record = services.record_add(
        actor=request.user, item=item, summary=data.summary, occurred_on=data.occurred_on,
        progress=data.progress, files=uploads(data.files), corrects=corrects)
    return Status(201, record_or_404(request.user, record.pk))


@router.get(
    "/records/{int:pk}", response={200: RecordDetailOut, **ERRORS},
    url_name="responsibility_record_detail", summary="纪实记录详情",
    description="记录、佐证材料（含 SM3）、留痕链上的对应条目，以及记录与留痕是否一致、"
                "哪些记录更正了它。",
)
def record_detail(request: HttpRequest, pk: int) -> DutyRecord:
    return record_or_404(request.user, pk)


@router.get(
    "/mine", response={200: list[MyItemOut], **ERRORS}, url_name="responsibility_my_items",
    summary="我的履责事项",
    description="您作为责任人的台账事项（某年度），按完成时限排列。",
)
@paginate(Paged)
def my_items(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    require_perm(request.user, Perm.SELF_VIEW)
    year = year_of(request, filters.year)
    return selectors.my_items(user=request.user, year=year).select_related(
        "responsible", "rlist__year")


@router.get(
    "/orgs/{int:pk}/records", response={200: list[RecordOut], **ERRORS},
    url_name="responsibility_org_records", summary="组织的履责纪实",
    description="组织在一段时间内的纪实记录（与纪实报告的期间相同：默认年度开始至今天），"
                "最新的在前。",
)
@paginate(Paged)
def org_records(request: HttpRequest, pk: int, filters: Query[RecordPeriod]) -> Any:
    body, _ = owner_body_or_404(request.user, pk)
    start, end = filters.period(year_of(request, filters.year))
    return selectors.records_of(user=request.user, body=body, start=start, end=end)


@router.get(
    "/orgs/{int:pk}/report.docx", response={200: None, **ERRORS},
    url_name="responsibility_report_docx", summary="履责纪实报告（Word）",
    description="与页面相同：期间内的纪实记录，附生成时保存的纪实链检查点编码及校验结果。",
    openapi_extra=download(DOCX, "履责纪实报告（.docx）"),
)
def report_docx(request: HttpRequest, pk: int, filters: Query[RecordPeriod]) -> HttpResponse:
    body, _ = owner_body_or_404(request.user, pk)
    start, end = filters.period(year_of(request, filters.year))
    return exports.report_docx_response(request.user, body, start, end)
