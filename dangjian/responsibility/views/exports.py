"""Downloads: a list and its ledger (.xlsx, .docx), an organisation's 纪实 report with its
chain checkpoint, supervision documents (.docx), the county overview (.xlsx)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dangjian.core.http import AuthedRequest
from dangjian.core.years import selected_year
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE, dated, download
from dangjian.org.scope import Perm, require, require_perm
from dangjian.responsibility import documents, selectors
from dangjian.responsibility.models import (
    CaseStep,
    Commendation,
    Evaluation,
    LedgerItem,
    ResponsibilityList,
)
from dangjian.responsibility.services.records import record_attachments
from dangjian.responsibility.services.verify import duty_chain_verify, duty_checkpoint
from dangjian.responsibility.views.common import parse_date
from dangjian.responsibility.views.lists import _owner_body


def _list(request: AuthedRequest, pk: int) -> tuple[ResponsibilityList, list[LedgerItem]]:
    rlist = get_object_or_404(ResponsibilityList.objects.select_related("body", "year"), pk=pk)
    require(request.user, Perm.RESP_VIEW, rlist)
    items = list(rlist.items.select_related("responsible"))
    return rlist, items


def list_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    rlist, items = _list(request, pk)
    return download(documents.list_xlsx(rlist, items), dated(str(rlist), "xlsx"), XLSX_TYPE)


def list_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    rlist, items = _list(request, pk)
    return download(documents.list_docx(rlist, items), dated(str(rlist), "docx"), DOCX_TYPE)


def report_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 纪实 report for a period: a checkpoint of the chain is taken and printed on it."""
    body, _ = _owner_body(request, pk)
    year = selected_year(request)
    start = parse_date(request.GET.get("start")) or year.starts
    end = parse_date(request.GET.get("end")) or min(year.ends, timezone.localdate())
    if end < start:
        start, end = end, start
    records = list(selectors.records_of(user=request.user, body=body, start=start, end=end)
                   .order_by("chain_seq"))
    verified = duty_chain_verify(body=body).ok
    checkpoint = duty_checkpoint(body=body, actor=request.user,
                                 note=f"纪实报告 {start:%Y-%m-%d}至{end:%Y-%m-%d}")
    data = documents.report_docx(body, start, end, records, record_attachments(records),
                                 checkpoint, verified)
    return download(data, dated(f"{body.name}履责纪实报告", "docx"), DOCX_TYPE)


def step_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(CaseStep.objects.select_related("case__body"), pk=pk)
    require(request.user, Perm.RESP_VIEW, step)
    name = f"{step.case.body.name}{documents.STEP_TITLES[step.stage]}"  # type: ignore[index]
    return download(documents.step_docx(step), dated(name, "docx"), DOCX_TYPE)


def evaluation_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(Evaluation.objects.select_related("body", "year"), pk=pk)
    require(request.user, Perm.RESP_VIEW, evaluation)
    return download(documents.evaluation_docx(evaluation),
                    dated(f"{evaluation.body.name}督查意见", "docx"), DOCX_TYPE)


def commendation_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    praise = get_object_or_404(Commendation.objects.select_related("body", "year"), pk=pk)
    require(request.user, Perm.RESP_VIEW, praise)
    return download(documents.commendation_docx(praise),
                    dated(f"{praise.body.name}表扬通报", "docx"), DOCX_TYPE)


def overview_xlsx(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.RESP_VIEW)
    year = selected_year(request)
    rows = selectors.overview(user=request.user, year=year, now=timezone.now())
    if not rows:
        raise PermissionDenied("您的范围内没有需要编制责任清单的组织")
    return download(documents.overview_xlsx(rows, year.year),
                    dated(f"{year.year}年度两个责任落实情况", "xlsx"), XLSX_TYPE)
