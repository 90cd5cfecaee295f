from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.org.excel.workbook import xlsx_response
from dangjian.security import selectors
from dangjian.security.events import record
from dangjian.security.export import EXPORT_MAX_ROWS, log_xlsx
from dangjian.security.models import Kind, Outcome

PAGE_SIZE = 50


def log_view(request: HttpRequest) -> HttpResponse:
    filters, errors = selectors.LogFilter.from_query(request.GET)
    qs = selectors.event_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "security/log.html", {
        "page": page, "filters": filters, "errors": errors, "kinds": Kind.choices,
        "outcomes": Outcome.choices, "query": query.urlencode(),
        "export_max": EXPORT_MAX_ROWS,
    })


def log_export(request: HttpRequest) -> HttpResponse:
    filters, _ = selectors.LogFilter.from_query(request.GET)
    qs = selectors.event_list(user=request.user, filters=filters)
    data, rows = log_xlsx(qs)
    record(Kind.LOG_EXPORT, request=request, detail=f"导出安全日志{rows}条")
    today = timezone.localdate()
    return xlsx_response(data, f"安全日志-{today:%Y-%m-%d}.xlsx",
                         f"security-log-{today:%Y-%m-%d}.xlsx")
