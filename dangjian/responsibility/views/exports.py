"""Downloads: a list and its ledger (.xlsx, .docx), an organisation's 纪实 report with its
chain checkpoint, supervision documents (.docx), the county overview (.xlsx)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dangjian.core.http import AuthedRequest
from dangjian.cycles.models import Year
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE, dated, download
from dangjian.org.models import Body
from dangjian.org.scope import Perm, require, require_perm
from dangjian.responsibility import documents, selectors
from dangjian.responsibility.filters import OverviewFilter, RecordPeriod
from dangjian.responsibility.models import (
    CaseStep,
    Commendation,
    Evaluation,
    LedgerItem,
    ResponsibilityList,
)
from dangjian.responsibility.services.records import record_attachments
from dangjian.responsibility.services.verify import duty_chain_verify, duty_checkpoint
from dangjian.responsibility.views.lists import _owner_body


def _list(request: AuthedRequest, pk: int) -> tuple[ResponsibilityList, list[LedgerItem]]:
    rlist = get_object_or_404(ResponsibilityList.objects.select_related("body", "year"), pk=pk)
    require(request.user, Perm.RESP_VIEW, rlist)
    items = list(rlist.items.select_related("responsible"))
    return rlist, items


def list_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    rlist, items = _list(request, pk)
    return list_xlsx_response(rlist, items)


def list_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    rlist, items = _list(request, pk)
    return list_docx_response(rlist, items)


# The downloads themselves, after the caller's scope check: the page's and the API's bytes.


def list_xlsx_response(rlist: ResponsibilityList, items: list[LedgerItem]) -> HttpResponse:
    return download(documents.list_xlsx(rlist, items), dated(str(rlist), "xlsx"), XLSX_TYPE)


def list_docx_response(rlist: ResponsibilityList, items: list[LedgerItem]) -> HttpResponse:
    return download(documents.list_docx(rlist, items), dated(str(rlist), "docx"), DOCX_TYPE)


def report_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 纪实 report for a period: a checkpoint of the chain is taken and printed on it."""
    body, _ = _owner_body(request, pk)
    filters = RecordPeriod.from_query(request.GET)
    start, end = filters.period(filters.year_of(request))
    return report_docx_response(request.user, body, start, end)


def report_docx_response(user: Any, body: Body, start: dt.date, end: dt.date) -> HttpResponse:
    records = list(selectors.records_of(user=user, body=body, start=start, end=end)
                   .order_by("chain_seq"))
    verified = duty_chain_verify(body=body).ok
    checkpoint = duty_checkpoint(body=body, actor=user,
                                 note=f"纪实报告 {start:%Y-%m-%d}至{end:%Y-%m-%d}")
    data = documents.report_docx(body, start, end, records, record_attachments(records),
                                 checkpoint, verified)
    return download(data, dated(f"{body.name}履责纪实报告", "docx"), DOCX_TYPE)


def step_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(CaseStep.objects.select_related("case__body"), pk=pk)
    require(request.user, Perm.RESP_VIEW, step)
    return step_docx_response(step)


def step_docx_response(step: CaseStep) -> HttpResponse:
    name = f"{step.case.body.name}{documents.STEP_TITLES[step.stage]}"  # type: ignore[index]
    return download(documents.step_docx(step), dated(name, "docx"), DOCX_TYPE)


def evaluation_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(Evaluation.objects.select_related("body", "year"), pk=pk)
    require(request.user, Perm.RESP_VIEW, evaluation)
    return evaluation_docx_response(evaluation)


def evaluation_docx_response(evaluation: Evaluation) -> HttpResponse:
    return download(documents.evaluation_docx(evaluation),
                    dated(f"{evaluation.body.name}督查意见", "docx"), DOCX_TYPE)


def commendation_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    praise = get_object_or_404(Commendation.objects.select_related("body", "year"), pk=pk)
    require(request.user, Perm.RESP_VIEW, praise)
    return commendation_docx_response(praise)


def commendation_docx_response(praise: Commendation) -> HttpResponse:
    return download(documents.commendation_docx(praise),
                    dated(f"{praise.body.name}表扬通报", "docx"), DOCX_TYPE)


def overview_xlsx(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.RESP_VIEW)
    filters = OverviewFilter.from_query(request.GET)
    return overview_xlsx_response(request.user, filters.year_of(request), filters)


def overview_xlsx_response(user: Any, year: Year, filters: OverviewFilter) -> HttpResponse:
    rows = selectors.overview(user=user, year=year, now=timezone.now())
    if not rows:
        raise PermissionDenied("您的范围内没有需要编制责任清单的组织")
    return download(documents.overview_xlsx(filters.apply(rows), year.year),
                    dated(f"{year.year}年度两个责任落实情况", "xlsx"), XLSX_TYPE)
